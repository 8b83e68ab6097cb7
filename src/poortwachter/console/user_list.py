"""The console's list of users: search, filters and pages that stay fast with 100 000
users in one organisation (bench/console_list.py measures it).

- Pages are keyset pages on `username_key` (unique per organisation, with its own index):
  page 2000 costs what page 1 costs, where OFFSET would walk every row before it.
- A search is a prefix of the username or e-mail key, as a range on those indexed columns
  (`key >= p AND key < p + U+10FFFF`, exact in code-point order: SQLite, and PostgreSQL
  with a C/C.UTF-8 collation), or a prefix of the name (any case; LOWER(name) has an index
  of the console's own, migration 0002).
- The count is bounded: "more than 1000" is all a person needs, and counting 100 000
  rows on every page is the one thing that would not stay fast."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Q
from django.db.models.functions import Lower

from poortwachter import clock
from poortwachter.accounts import identity
from poortwachter.accounts.models import User

PAGE_SIZE = 50
COUNT_BOUND = 1000
HIGHEST = "\U0010ffff"

# The "last sign-in" filter: name -> condition on last_login.
SIGNED_IN = {
    "never": lambda now: Q(last_login__isnull=True),
    "7": lambda now: Q(last_login__gte=now - timedelta(days=7)),
    "30": lambda now: Q(last_login__gte=now - timedelta(days=30)),
    "not90": lambda now: Q(last_login__lt=now - timedelta(days=90)) | Q(last_login__isnull=True),
}


@dataclass
class Filters:
    q: str = ""
    status: str = ""
    role: int | None = None
    second_step: str = ""  # "on", "off" or ""
    signed_in: str = ""  # a key of SIGNED_IN or ""


@dataclass
class Page:
    users: list = field(default_factory=list)
    count: int = 0
    more_than_bound: bool = False
    next_after: str = ""  # username_key of the last row, when there is a next page
    previous_before: str = ""  # username_key of the first row, when there is a previous page


def _prefix(column: str, text: str) -> Q:
    return Q(**{f"{column}__gte": text, f"{column}__lt": text + HIGHEST})


def _name_prefix(typed: str) -> Q:
    """LOWER(name) in a range: the console's index (console migration 0002). SQLite's LOWER
    folds only ASCII, so other text is matched without the index (any case, slower)."""
    if typed.isascii():
        lowered = typed.lower()
        return Q(name_lower__gte=lowered, name_lower__lt=lowered + HIGHEST)
    return Q(name__istartswith=typed)


def _searches(text: str, typed: str) -> list[Q]:
    """One condition per indexed column the search may match."""
    if "@" in text:
        return [_prefix("email_key", text)]
    return [_prefix("email_key", text), _prefix("username_key", text), _name_prefix(typed)]


def matching(organisation, filters: Filters) -> list:
    """The organisation's users the filters let through, as one query per searched column:
    each can use its own index, where one OR of them made the database walk them all."""
    users = User.objects.filter(organisation=organisation).alias(name_lower=Lower("name"))
    if filters.status:
        users = users.filter(status=filters.status)
    if filters.role:
        users = users.filter(roles__id=filters.role)
    if filters.signed_in in SIGNED_IN:
        users = users.filter(SIGNED_IN[filters.signed_in](clock.now()))
    if filters.second_step:
        from poortwachter.methods.second_step import annotate_has_second_step

        users = annotate_has_second_step(users).filter(has_second_step=filters.second_step == "on")
    text = identity.key(filters.q)
    if not text:
        return [users]
    return [users.filter(condition) for condition in _searches(text, identity.clean(filters.q))]


def _keys(parts: list, order: str, limit: int, **keyset) -> list[str]:
    """The first `limit` username keys in `order` over every part: each part is read along
    its own index, only as far as needed, and the few keys are merged here."""
    found = set()
    for part in parts:
        found.update(part.filter(**keyset).order_by(order).values_list("username_key", flat=True)[:limit])
    return sorted(found, reverse=order.startswith("-"))[:limit]


def page(organisation, filters: Filters, *, after: str = "", before: str = "") -> Page:
    parts = matching(organisation, filters)
    if before:
        keys = _keys(parts, "-username_key", PAGE_SIZE + 1, username_key__lt=before)
        has_more_back, has_more_forward = len(keys) > PAGE_SIZE, True
    else:
        keys = _keys(parts, "username_key", PAGE_SIZE + 1, **({"username_key__gt": after} if after else {}))
        has_more_back, has_more_forward = bool(after), len(keys) > PAGE_SIZE
    keys = keys[:PAGE_SIZE]
    rows = list(User.objects.filter(organisation=organisation, username_key__in=keys).order_by("username_key"))
    _with_details(rows)
    matched = set()
    for part in parts:
        matched.update(part.order_by().values_list("pk", flat=True)[:COUNT_BOUND + 1])
    return Page(
        users=rows,
        count=min(len(matched), COUNT_BOUND),
        more_than_bound=len(matched) > COUNT_BOUND,
        next_after=rows[-1].username_key if rows and has_more_forward else "",
        previous_before=rows[0].username_key if rows and has_more_back else "",
    )


def _with_details(rows: list) -> None:
    """Roles and 2FA for the rows of one page only: two small queries, not a join over all."""
    from django.db.models import prefetch_related_objects

    from poortwachter.methods.second_step import annotate_has_second_step

    prefetch_related_objects(rows, "roles")
    ids = [u.pk for u in rows]
    with_second_step = set(
        annotate_has_second_step(User.objects.filter(pk__in=ids)).filter(has_second_step=True)
        .values_list("pk", flat=True)
    ) if ids else set()
    for user in rows:
        user.has_second_step = user.pk in with_second_step
