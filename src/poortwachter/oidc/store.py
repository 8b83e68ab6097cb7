"""The token endpoint's and UserInfo's reads and writes, in plain SQL that SQLite and
PostgreSQL both speak. Why not the ORM here: building a query costs Django 0.3-0.5 ms, and
these requests are little else (bench/oidc.py); every other part of the provider uses the
ORM. Each statement names the organisation; datetimes go through the backend's own
adapters, and only booleans computed in SQL are read back where time matters."""

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone

from django.db import connection
from django.utils.dateparse import parse_datetime

from poortwachter.accounts.models import Role, User
from poortwachter.oidc.models import AuthorizationCode, Grant, Token

T, G, C, U = (Token._meta.db_table, Grant._meta.db_table, AuthorizationCode._meta.db_table, User._meta.db_table)
USER_ROLES, ROLE = User.roles.through._meta.db_table, Role._meta.db_table


@dataclass
class Person:
    """What claims need of a user, read in the same query as their token."""

    pk: int
    organisation_id: int
    username: str
    email: str
    name: str
    status: str
    activated_at: object
    roles: list[str] | None = field(default=None)

    @property
    def display_name(self) -> str:
        return self.name or self.username


def at(value: datetime):
    return connection.ops.adapt_datetimefield_value(value)


def as_datetime(value) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value if value is None or value.tzinfo else value.replace(tzinfo=timezone.utc)
    parsed = parse_datetime(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def as_list(value) -> list:
    return json.loads(value) if isinstance(value, str) else list(value or [])


def _one(sql: str, params) -> dict | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip([c[0] for c in cursor.description], row))


def _changed(sql: str, params) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


_PERSON = (f"u.id AS user_pk, u.organisation_id AS user_org, u.username, u.email, u.name, u.status, "
           f"u.activated_at")


def person(row: dict) -> Person | None:
    if row.get("user_pk") is None:
        return None
    return Person(row["user_pk"], row["user_org"], row["username"], row["email"], row["name"], row["status"],
                  row["activated_at"])


def live_access(organisation_id: int, digest: str, now: datetime) -> dict | None:
    return _one(
        f"SELECT t.id, t.scope, t.grant_id, g.app_id, {_PERSON} FROM {T} t "
        f"JOIN {G} g ON g.id = t.grant_id LEFT JOIN {U} u ON u.id = g.user_id "
        f"WHERE t.organisation_id = %s AND t.access_hash = %s AND t.access_expires_at > %s "
        f"AND g.revoked_at IS NULL", [organisation_id, digest, at(now)])


def refresh_token(organisation_id: int, digest: str, now: datetime) -> dict | None:
    """The refresh token with its grant and person; `expired`, `rotated` and `revoked` say
    what is wrong with it, if anything."""
    row = _one(
        f"SELECT t.id, t.scope, t.grant_id, t.refresh_expires_at, "
        f"CASE WHEN t.refresh_expires_at <= %s THEN 1 ELSE 0 END AS expired, "
        f"CASE WHEN t.rotated_at IS NULL THEN 0 ELSE 1 END AS rotated, "
        f"CASE WHEN g.revoked_at IS NULL THEN 0 ELSE 1 END AS revoked, "
        f"g.app_id, g.sid, g.auth_time, g.amr, g.acr, {_PERSON} FROM {T} t "
        f"JOIN {G} g ON g.id = t.grant_id LEFT JOIN {U} u ON u.id = g.user_id "
        f"WHERE t.organisation_id = %s AND t.refresh_hash = %s", [at(now), organisation_id, digest])
    if row is not None:
        row["amr"] = as_list(row["amr"])
    return row


def code(organisation_id: int, digest: str, now: datetime) -> dict | None:
    row = _one(
        f"SELECT c.id, c.app_id, c.redirect_uri, c.scope, c.nonce, c.code_challenge, c.sid, c.auth_time, "
        f"c.amr, c.acr, CASE WHEN c.used_at IS NULL THEN 0 ELSE 1 END AS used, "
        f"CASE WHEN c.expires_at <= %s THEN 1 ELSE 0 END AS expired, {_PERSON} FROM {C} c "
        f"JOIN {U} u ON u.id = c.user_id WHERE c.organisation_id = %s AND c.code_hash = %s",
        [at(now), organisation_id, digest])
    if row is not None:
        row["amr"] = as_list(row["amr"])
    return row


def use_code(code_id: int, now: datetime, grant_id: int | None = None) -> bool:
    """Win the code (and name the grant made from it): true for exactly one caller, however
    many try at once."""
    return _changed(f"UPDATE {C} SET used_at = %s, grant_id = %s WHERE id = %s AND used_at IS NULL",
                    [at(now), grant_id, code_id]) == 1


def code_grant(code_id: int) -> int | None:
    row = _one(f"SELECT grant_id FROM {C} WHERE id = %s", [code_id])
    return row["grant_id"] if row else None


def rotate(token_id: int, now: datetime) -> bool:
    """Use a refresh token: true for exactly one caller."""
    return _changed(f"UPDATE {T} SET rotated_at = %s WHERE id = %s AND rotated_at IS NULL", [at(now), token_id]) == 1


def insert_token(organisation_id: int, grant_id: int, access_hash: str, access_expires_at: datetime,
                 refresh_hash: str | None, refresh_expires_at: datetime | None, scope: str, now: datetime) -> None:
    _changed(
        f"INSERT INTO {T} (organisation_id, grant_id, access_hash, access_expires_at, refresh_hash, "
        f"refresh_expires_at, scope, issued_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        [organisation_id, grant_id, access_hash, at(access_expires_at), refresh_hash,
         at(refresh_expires_at) if refresh_expires_at else None, scope, at(now)])


def role_names(user_id: int) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT r.name FROM {ROLE} r JOIN {USER_ROLES} ur ON ur.role_id = r.id "
                       f"WHERE ur.user_id = %s ORDER BY r.position, r.name", [user_id])
        return [name for (name,) in cursor.fetchall()]


def machine_grant(organisation_id: int, app_id: int) -> int | None:
    """The standing grant of a machine app (client credentials), if it has one."""
    row = _one(f"SELECT id FROM {G} WHERE organisation_id = %s AND app_id = %s AND user_id IS NULL "
               f"AND revoked_at IS NULL ORDER BY id LIMIT 1", [organisation_id, app_id])
    return row["id"] if row else None


def insert_grant(organisation_id: int, app_id: int, user_id: int, scope: str, sid: str, auth_time, amr: list,
                 acr: str, now: datetime) -> int:
    """A person's grant, made as their code is redeemed; returns its id."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {G} (organisation_id, app_id, user_id, scope, sid, auth_time, amr, acr, created_at) "
            f"VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
            [organisation_id, app_id, user_id, scope, sid, auth_time, json.dumps(amr), acr, at(now)])
        return cursor.fetchone()[0]
