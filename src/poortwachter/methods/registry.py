"""Every way of proving who you are, by name."""

from poortwachter.methods import magic_link, password

REGISTRY = {"password": password, "magic_link": magic_link}
