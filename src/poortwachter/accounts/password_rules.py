"""The password rules of PRODUCT.md (NIST 800-63B rev 4): a minimum length from the
organisation's policy, at least 64 characters accepted, not on a list of common passwords,
not the person's name, username, e-mail address or organisation, not trivially guessable;
no composition rules. One function, used wherever a password is set."""

from functools import lru_cache

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _, ngettext

from poortwachter.accounts import identity

MAX_LENGTH = 1024  # far above the 64 we must accept; bounds the hashing work


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    return frozenset(CommonPasswordValidator().passwords) | _DUTCH_COMMON


_DUTCH_COMMON = frozenset(
    {"wachtwoord", "welkom", "welkom01", "welkom123", "wachtwoord1", "wachtwoord123",
     "geheim", "voetbal", "ajax", "feyenoord", "zomer2024", "winter2024", "qwertyuiop",
     "welkomwelkom", "wachtwoordwachtwoord", "nederland", "amsterdam", "rotterdam"}
)


def check(password: str, *, organisation, username: str = "", email: str = "", name: str = "") -> None:
    """Raise ValidationError with every rule the password breaks (translated)."""
    problems = []
    minimum = organisation.policy.min_password_length()
    if len(password) < minimum:
        problems.append(
            ngettext("The password is too short: use at least %(min)d character.",
                     "The password is too short: use at least %(min)d characters.", minimum)
            % {"min": minimum}
        )
    if len(password) > MAX_LENGTH:
        problems.append(_("The password is too long: use at most %(max)d characters.") % {"max": MAX_LENGTH})
    folded = identity.key(password)
    if folded in _common_passwords():
        problems.append(_("This password is on a list of commonly used passwords. Choose another."))
    personal = {identity.key(v) for v in (username, email, email.partition("@")[0], name,
                                          organisation.name, organisation.slug) if v}
    if folded in personal:
        problems.append(_("The password may not be your name, username, e-mail address or "
                          "the name of your organisation."))
    if not problems and strength(password, [username, email, name, organisation.name]) == 0:
        problems.append(_("This password is too easy to guess (a repetition, a sequence or a "
                          "keyboard pattern). A sentence of a few words works well."))
    if problems:
        raise ValidationError(problems)


def strength(password: str, personal: list[str] | None = None) -> int:
    """zxcvbn's score 0-4, the same estimate the strength meter shows while typing."""
    from zxcvbn import zxcvbn

    # zxcvbn refuses more than 72 characters; a longer password is judged by its start.
    return zxcvbn(password[:72], user_inputs=[p[:72] for p in (personal or []) if p])["score"]
