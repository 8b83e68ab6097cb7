"""The token endpoint's and UserInfo's reads and writes, in plain SQL (system/sql.py says
why; every other part of the provider uses the ORM). Each statement names the
organisation, and only booleans computed in SQL are read back where time matters.

A code or token is read together with its person and the person's roles: a LEFT JOIN gives
one row per role (or one row without a role), so an ID token or UserInfo answer with
`roles` needs no second query."""

from dataclasses import dataclass

from poortwachter.accounts.models import Role, User
from poortwachter.oidc.models import Grant, Token
from poortwachter.system import sql

T, G, U = sql.table(Token), sql.table(Grant), sql.table(User)
USER_ROLES, ROLE = sql.table(User.roles.through), sql.table(Role)


@dataclass
class Person:
    """What claims need of a user, read in the same query as their code or token."""

    pk: int
    organisation_id: int
    username: str
    email: str
    name: str
    status: str
    activated_at: object
    roles: list[str]

    @property
    def display_name(self) -> str:
        return self.name or self.username


# The person's columns and their roles come last in every row below, in this order.
_PERSON = ("user_pk", "user_org", "username", "email", "name", "status", "activated_at")
_PERSON_SQL = "u.id, u.organisation_id, u.username, u.email, u.name, u.status, u.activated_at, r.name"
_ROLES_JOIN = (f"LEFT JOIN {USER_ROLES} ur ON ur.user_id = u.id LEFT JOIN {ROLE} r ON r.id = ur.role_id")
_ROLE_ORDER = "ORDER BY r.position, r.name"


def _with_person(columns: tuple, statement: str, params) -> dict | None:
    """The first row as {column: value} with its `person` (None when the row has no user),
    the roles gathered from all the rows."""
    found = sql.rows(statement, params)
    if not found:
        return None
    first = found[0]
    row = dict(zip(columns + _PERSON, first))
    row["person"] = None if row["user_pk"] is None else Person(
        *first[len(columns):len(columns) + len(_PERSON)], roles=[r[-1] for r in found if r[-1] is not None])
    return row


_ACCESS = ("id", "scope", "grant_id", "app_id")


def live_access(organisation_id: int, token_id: int, digest: str, at) -> dict | None:
    """The live access token of Token row `token_id` if its secret has the `digest`, with
    its grant's app and its person; `at` is `sql.at(now)`."""
    return _with_person(
        _ACCESS,
        f"SELECT t.id, t.scope, t.grant_id, g.app_id, {_PERSON_SQL} FROM {T} t "
        f"JOIN {G} g ON g.id = t.grant_id LEFT JOIN {U} u ON u.id = g.user_id {_ROLES_JOIN} "
        f"WHERE t.id = %s AND t.organisation_id = %s AND t.access_hash = %s AND t.access_expires_at > %s "
        f"AND g.revoked_at IS NULL {_ROLE_ORDER}", [token_id, organisation_id, digest, at])


def live_held_access(organisation_id: int, grant_id: int, generation: int, digest: str, at) -> dict | None:
    """As `live_access`, for the access token of generation `generation` of a grant."""
    return _with_person(
        _ACCESS,
        f"SELECT g.id, g.token_scope, g.id, g.app_id, {_PERSON_SQL} FROM {G} g "
        f"LEFT JOIN {U} u ON u.id = g.user_id {_ROLES_JOIN} "
        f"WHERE g.id = %s AND g.organisation_id = %s AND g.generation = %s AND g.access_hash = %s "
        f"AND g.access_expires_at > %s AND g.revoked_at IS NULL {_ROLE_ORDER}",
        [grant_id, organisation_id, generation, digest, at])


_REFRESH = ("id", "scope", "grant_id", "refresh_expires_at", "expired", "rotated", "revoked", "app_id", "sid",
            "auth_time", "amr", "acr")


def refresh_token(organisation_id: int, token_id: int, digest: str, at) -> dict | None:
    """The refresh token of row `token_id`, if its secret has the `digest`, with its grant
    and person; `expired`, `rotated` and `revoked` say what is wrong with it, if anything."""
    row = _with_person(
        _REFRESH,
        f"SELECT t.id, t.scope, t.grant_id, t.refresh_expires_at, "
        f"CASE WHEN t.refresh_expires_at <= %s THEN 1 ELSE 0 END, "
        f"CASE WHEN t.rotated_at IS NULL THEN 0 ELSE 1 END, "
        f"CASE WHEN g.revoked_at IS NULL THEN 0 ELSE 1 END, "
        f"g.app_id, g.sid, g.auth_time, g.amr, g.acr, {_PERSON_SQL} FROM {T} t "
        f"JOIN {G} g ON g.id = t.grant_id LEFT JOIN {U} u ON u.id = g.user_id {_ROLES_JOIN} "
        f"WHERE t.id = %s AND t.organisation_id = %s AND t.refresh_hash = %s {_ROLE_ORDER}",
        [at, token_id, organisation_id, digest])
    if row is not None:
        row["amr"] = sql.as_list(row["amr"])
    return row


_HELD_REFRESH = ("grant_id", "scope", "refresh_expires_at", "expired", "generation", "proven", "revoked", "app_id",
                 "sid", "auth_time", "amr", "acr")


def held_refresh(organisation_id: int, grant_id: int, digest: str, at) -> dict | None:
    """The grant `grant_id` with its current refresh token: `generation` is the current
    pair's, `proven` when its refresh token's secret has the `digest`; `expired` and
    `revoked` as in `refresh_token`."""
    row = _with_person(
        _HELD_REFRESH,
        f"SELECT g.id, g.token_scope, g.refresh_expires_at, "
        f"CASE WHEN g.refresh_expires_at <= %s THEN 1 ELSE 0 END, g.generation, "
        f"CASE WHEN g.refresh_hash = %s THEN 1 ELSE 0 END, "
        f"CASE WHEN g.revoked_at IS NULL THEN 0 ELSE 1 END, "
        f"g.app_id, g.sid, g.auth_time, g.amr, g.acr, {_PERSON_SQL} FROM {G} g "
        f"LEFT JOIN {U} u ON u.id = g.user_id {_ROLES_JOIN} "
        f"WHERE g.id = %s AND g.organisation_id = %s AND g.generation > 0 {_ROLE_ORDER}",
        [at, digest, grant_id, organisation_id])
    if row is not None:
        row["amr"] = sql.as_list(row["amr"])
    return row


_CODE = ("id", "app_id", "redirect_uri", "scope", "nonce", "code_challenge", "sid", "auth_time", "amr", "acr",
         "used", "expired")


def code(organisation_id: int, grant_id: int, digest: str, at) -> dict | None:
    """The code grant `grant_id` began as, if its secret has the `digest`, with its person;
    `used` when it was redeemed, burnt or revoked already."""
    row = _with_person(
        _CODE,
        f"SELECT g.id, g.app_id, g.redirect_uri, g.scope, g.nonce, g.code_challenge, g.sid, g.auth_time, "
        f"g.amr, g.acr, CASE WHEN g.issued_at IS NULL AND g.revoked_at IS NULL THEN 0 ELSE 1 END, "
        f"CASE WHEN g.code_expires_at <= %s THEN 1 ELSE 0 END, {_PERSON_SQL} FROM {G} g "
        f"JOIN {U} u ON u.id = g.user_id {_ROLES_JOIN} WHERE g.id = %s AND g.organisation_id = %s "
        f"AND g.code_hash = %s {_ROLE_ORDER}", [at, grant_id, organisation_id, digest])
    if row is not None:
        row["amr"] = sql.as_list(row["amr"])
    return row


_UNUSED = "WHERE id = %s AND issued_at IS NULL AND revoked_at IS NULL"
_PAIR = "token_scope = %s, token_issued_at = %s, access_hash = %s, access_expires_at = %s, refresh_hash = %s"


def redeem_code(grant_id: int, at, pair: tuple, chain_end) -> bool:
    """Win the grant's code and give it its first pair of tokens (`pair`: the values of
    `_PAIR`, in order): true for exactly one caller, however many try at once, and only
    while nothing revoked it. One statement on one row."""
    return sql.changed(f"UPDATE {G} SET issued_at = %s, generation = 1, refresh_expires_at = %s, {_PAIR} {_UNUSED}",
                       [at, chain_end, *pair, grant_id]) == 1


def burn_code(grant_id: int, at) -> bool:
    """Spend the code without issuing anything (a token request that got it wrong): the
    grant is revoked. True for exactly one caller, as `redeem_code`."""
    return sql.changed(f"UPDATE {G} SET revoked_at = %s {_UNUSED}", [at, grant_id]) == 1


def next_pair(grant_id: int, generation: int, pair: tuple) -> bool:
    """Replace the grant's pair of generation `generation` by the next one: true for exactly
    one caller, and only while the grant lives."""
    return sql.changed(f"UPDATE {G} SET generation = generation + 1, {_PAIR} "
                       f"WHERE id = %s AND generation = %s AND revoked_at IS NULL",
                       [*pair, grant_id, generation]) == 1


def first_held_pair(grant_id: int, pair: tuple, chain_end) -> int | None:
    """Put the next pair on a grant whose tokens were Token rows (the rotated one's); the
    new generation, or None when the grant was revoked meanwhile."""
    return sql.value(f"UPDATE {G} SET generation = generation + 1, refresh_expires_at = %s, {_PAIR} "
                     f"WHERE id = %s AND revoked_at IS NULL RETURNING generation", [chain_end, *pair, grant_id])


def rotate(token_id: int, at) -> bool:
    """Use a Token row's refresh token: true for exactly one caller."""
    return sql.changed(f"UPDATE {T} SET rotated_at = %s WHERE id = %s AND rotated_at IS NULL", [at, token_id]) == 1


_TOKEN_COLUMNS = ("organisation_id, grant_id, access_hash, access_expires_at, refresh_hash, refresh_expires_at, "
                  "scope, issued_at")


def insert_token(organisation_id: int, grant_id: int, access_hash: str, access_expires_at, scope: str,
                 issued_at) -> int:
    """A machine app's access token (no refresh token) as a row of its grant: the new row's
    id; the datetimes are given as `sql.at` made them."""
    return sql.value(f"INSERT INTO {T} ({_TOKEN_COLUMNS}) VALUES (%s, %s, %s, %s, NULL, NULL, %s, %s) RETURNING id",
                     [organisation_id, grant_id, access_hash, access_expires_at, scope, issued_at])


def insert_machine_token(organisation_id: int, app_id: int, access_hash: str, access_expires_at, scope: str,
                         issued_at) -> int | None:
    """An access token of the machine app's standing grant (client credentials), found and
    written in one statement: its id, or None when the app has no live standing grant."""
    return sql.value(
        f"INSERT INTO {T} ({_TOKEN_COLUMNS}) SELECT %s, g.id, %s, %s, NULL, NULL, %s, %s FROM {G} g "
        f"WHERE g.organisation_id = %s AND g.app_id = %s AND g.user_id IS NULL AND g.revoked_at IS NULL "
        f"ORDER BY g.id LIMIT 1 RETURNING id",
        [organisation_id, access_hash, access_expires_at, scope, issued_at, organisation_id, app_id])


def role_names(user_id: int) -> list[str]:
    return [name for (name,) in sql.rows(
        f"SELECT r.name FROM {ROLE} r JOIN {USER_ROLES} ur ON ur.role_id = r.id "
        f"WHERE ur.user_id = %s ORDER BY r.position, r.name", [user_id])]
