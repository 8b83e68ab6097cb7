"""The signed-in pages of an organisation's portal: start page and dashboard."""
