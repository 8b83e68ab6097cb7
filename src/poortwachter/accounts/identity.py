"""How typed names and addresses are compared. `Bob`, `bob`, ` BOB ` and full-width
`ＢＯＢ` are one person: NFKC folds compatibility forms, casefold folds case, and the
invisible characters people paste along (the seeds' "hidden space") are removed."""

import re
import unicodedata

_INVISIBLE = re.compile(r"[\s\u200b-\u200f\u2060\ufeff]+")


def clean(value: str) -> str:
    """What a person meant to type: trimmed, no zero-width or non-breaking spaces at the
    ends, compatibility forms folded."""
    value = unicodedata.normalize("NFKC", value or "")
    return _INVISIBLE.sub(" ", value).strip()


def key(value: str) -> str:
    """The comparison key stored beside a username or e-mail address."""
    return clean(value).casefold()
