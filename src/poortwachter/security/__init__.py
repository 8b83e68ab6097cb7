"""Source addresses, audit events, and (with later work) throttling, lock-out and CAPTCHA."""
