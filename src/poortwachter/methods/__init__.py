"""One module per way of proving who you are. `REGISTRY` lists them; the sign-in flow asks
a method to verify and never knows how it does so."""

from poortwachter.methods import magic_link, password

REGISTRY = {"password": password, "magic_link": magic_link}
