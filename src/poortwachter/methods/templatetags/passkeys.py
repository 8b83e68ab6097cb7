"""Template tags for passkeys: whether the signed-in person has one (the re-authentication
page offers it then)."""

from django import template

from poortwachter.methods import passkey

register = template.Library()


@register.simple_tag
def has_passkey(user) -> bool:
    return bool(user is not None and user.is_authenticated and passkey.passkeys_of(user).exists())
