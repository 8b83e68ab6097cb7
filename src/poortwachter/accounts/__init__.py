"""Users and roles of an organisation, their passwords and the password rules."""
