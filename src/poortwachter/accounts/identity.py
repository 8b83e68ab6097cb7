"""How typed names and addresses are compared. `Bob`, `bob`, ` BOB ` and full-width
`ＢＯＢ` are one person: NFKC folds compatibility forms, casefold folds case, and the
invisible characters people paste along (the seeds' "hidden space") are removed."""

import re
import unicodedata

_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u2060\ufeff]")
_SPACES = re.compile(r"\s+")


def clean(value: str) -> str:
    """What a person meant to type: zero-width characters removed, runs of (also
    non-breaking) spaces made one, trimmed, compatibility forms folded."""
    value = unicodedata.normalize("NFKC", value or "")
    return _SPACES.sub(" ", _ZERO_WIDTH.sub("", value)).strip()


def key(value: str) -> str:
    """The comparison key stored beside a username or e-mail address."""
    return clean(value).casefold()
