"""The token endpoint's grants, and looking tokens up again.

- authorization_code: a code works once. Winning it is one conditional UPDATE (`used_at IS
  NULL`), in the same transaction that makes the grant, so two redemptions at once give
  exactly one success on SQLite and PostgreSQL alike; a later redemption revokes the grant
  (and every token) issued from it.
- refresh_token: rotated on every use; a refresh token used a second time revokes the whole
  chain (the grant).
- client_credentials: machine apps only.

Access and refresh tokens are opaque random strings; only their SHA-256 is stored."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Least

from poortwachter import clock
from poortwachter.accounts.models import User, UserStatus
from poortwachter.oidc import claims, id_tokens, store
from poortwachter.oidc.models import App, AppKind, Grant, Token
from poortwachter.oidc.pkce import verifier_matches
from poortwachter.security import audit
from poortwachter.security.audit import Event
from poortwachter.system import sql
from poortwachter.tenants import status as organisation_status

ACCESS_LIFETIME = timedelta(minutes=10)
ACCESS_SECONDS = int(ACCESS_LIFETIME.total_seconds())
REFRESH_LIFETIME = timedelta(days=30)


class TokenError(Exception):
    def __init__(self, error: str, description: str = ""):
        super().__init__(error)
        self.error, self.description = error, description


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def may_sign_in(person, organisation) -> bool:
    """Still allowed in: the account is active and the organisation lets people in."""
    return person.status == UserStatus.ACTIVE and not organisation_status.refusal(organisation)


def revoke_grant(grant_id: int | None) -> int:
    if grant_id is None:
        return 0
    return Grant.objects.filter(pk=grant_id, revoked_at__isnull=True).update(revoked_at=clock.now())


@dataclass
class NewTokens:
    """An access token (and refresh token) made, hashed and dated before the transaction
    that writes them: on SQLite the write lock is then held for the statements alone, and the
    other workers wait less."""

    body: dict
    access_hash: str
    refresh_hash: str | None
    issued_at: object  # the times as sql.at makes them
    access_until: object

    @classmethod
    def make(cls, scope: str, now, refresh: bool) -> "NewTokens":
        access = secrets.token_urlsafe(32)
        body = {"access_token": access, "token_type": "Bearer", "expires_in": ACCESS_SECONDS, "scope": scope}
        refresh_hash = None
        if refresh:
            body["refresh_token"] = secrets.token_urlsafe(32)
            refresh_hash = digest(body["refresh_token"])
        return cls(body, digest(access), refresh_hash, sql.at(now), sql.at(now + ACCESS_LIFETIME))

    def write(self, organisation, grant_id: int, refresh_until=None) -> dict:
        """Store them as tokens of the grant; `refresh_until` as the database gives or takes it."""
        store.insert_token(organisation.id, grant_id, self.access_hash, self.access_until, self.refresh_hash,
                           refresh_until, self.body["scope"], self.issued_at)
        return self.body


def _chain_end(organisation, now):
    """A chain of refresh tokens lives at most 30 days from the sign-in, or the
    organisation's absolute session limit when that is shorter; rotation does not extend it."""
    return now + min(REFRESH_LIFETIME, timedelta(days=organisation.policy.absolute_days))


# --- authorization_code ---------------------------------------------------------------------

def exchange_code(organisation, app: App, post) -> dict:
    now = clock.now()
    row = store.code(organisation.id, digest(post.get("code", "")), sql.at(now))
    if row is None or row["app_id"] != app.pk:
        raise TokenError("invalid_grant", "unknown code")
    person = row["person"]
    if row["used"]:
        _replayed_code(organisation, app, row)
    problem = _code_problem(organisation, row, person, post)
    body = _redeem(organisation, app, row, problem, now)
    if body is None:
        _replayed_code(organisation, app, row)
    if problem is not None:
        raise TokenError("invalid_grant", problem)
    if "openid" in row["scope"].split():
        body["id_token"] = id_tokens.for_grant(organisation, app, SimpleNamespace(**row), person, row["scope"],
                                               nonce=row["nonce"], roles=person.roles)
    return body


def _redeem(organisation, app: App, row: dict, problem: str | None, now) -> dict | None:
    """Win the code and issue its grant and tokens (the token response without the ID
    token); burn it when there is a `problem`. None when another redemption won."""
    at, person = sql.at(now), row["person"]
    new, chain_end = NewTokens.make(row["scope"], now, refresh=True), sql.at(_chain_end(organisation, now))
    with transaction.atomic():
        if problem is not None:
            return {} if store.use_code(row["id"], at) else None  # burnt all the same
        # The grant first, then winning the code names it: a loser rolls its grant back,
        # and a later redemption finds the winner's grant to revoke.
        grant_id = store.insert_grant(organisation.id, app.pk, person.pk, row["scope"], row["sid"],
                                      row["auth_time"], row["amr"], row["acr"], at)
        if store.use_code(row["id"], at, grant_id):
            return new.write(organisation, grant_id, chain_end)
        transaction.set_rollback(True)
        return None


def _code_problem(organisation, row: dict, person, post) -> str | None:
    if row["expired"]:
        return "the code has expired"
    if post.get("redirect_uri", "") != row["redirect_uri"]:
        return "redirect_uri differs from the authorization request"
    verifier = post.get("code_verifier", "")
    if row["code_challenge"] and not verifier_matches(verifier, row["code_challenge"]):
        return "code_verifier missing or wrong"
    if not row["code_challenge"] and verifier:
        return "code_verifier without a code_challenge in the authorization request"
    if not may_sign_in(person, organisation):
        return "the person may no longer sign in"
    return None


def _replayed_code(organisation, app, row: dict):
    """A code used again: someone else may hold it. Whatever was issued from it dies."""
    if revoke_grant(store.code_grant(row["id"])):
        audit.record(Event.OIDC_CODE_REPLAYED, organisation=organisation, subject=_subject(row),
                     reason=app.client_id[:60])
    raise TokenError("invalid_grant", "the code was used before")


# --- refresh_token ---------------------------------------------------------------------------

def refresh(organisation, app: App, post) -> dict:
    now = clock.now()
    at = sql.at(now)
    row = store.refresh_token(organisation.id, digest(post.get("refresh_token", "")), at)
    if row is None or row["app_id"] != app.pk or row["revoked"]:
        raise TokenError("invalid_grant", "unknown or revoked refresh token")
    if row["rotated"]:
        _replayed_refresh(organisation, app, row)
    if row["expired"]:
        raise TokenError("invalid_grant", "the refresh token has expired")
    person = row["person"]
    if not may_sign_in(person, organisation):
        revoke_grant(row["grant_id"])
        raise TokenError("invalid_grant", "the person may no longer sign in")
    scope = _narrowed(row["scope"], post.get("scope"))
    new = NewTokens.make(scope, now, refresh=True)
    with transaction.atomic():
        won = store.rotate(row["id"], at)
        if won:
            # The chain keeps its end: the column's value goes back as it came.
            body = new.write(organisation, row["grant_id"], row["refresh_expires_at"])
    if not won:
        _replayed_refresh(organisation, app, row)
    if "openid" in scope.split():
        body["id_token"] = id_tokens.for_grant(organisation, app, SimpleNamespace(**row), person, scope,
                                               roles=person.roles)
    return body


def _replayed_refresh(organisation, app, row: dict):
    if revoke_grant(row["grant_id"]):
        audit.record(Event.OIDC_REFRESH_REPLAYED, organisation=organisation, subject=_subject(row),
                     reason=app.client_id[:60])
    raise TokenError("invalid_grant", "the refresh token was used before")


def _narrowed(granted: str, asked: str | None) -> str:
    if not asked:
        return granted
    wanted = list(dict.fromkeys(asked.split()))
    if set(wanted) - set(granted.split()):
        raise TokenError("invalid_scope", "a refresh cannot widen the scope")
    return " ".join(wanted)


# --- client_credentials ------------------------------------------------------------------------

def client_credentials(organisation, app: App, post) -> dict:
    if app.kind != AppKind.MACHINE:
        raise TokenError("unauthorized_client", "client_credentials is for machine apps")
    if organisation_status.refusal(organisation):
        raise TokenError("unauthorized_client", "the organisation does not let anyone in at the moment")
    scope = post.get("scope")
    scope = " ".join(dict.fromkeys(scope.split())) if scope else app.allowed_scopes
    if set(scope.split()) - app.scopes:
        raise TokenError("invalid_scope", "scope not allowed for this app")
    # One standing grant per machine app: revoking it (console, revocation) ends its tokens.
    # The token is written straight onto it (one statement); the grant is made when there is none.
    new = NewTokens.make(scope, clock.now(), refresh=False)
    if store.insert_machine_token(organisation.id, app.pk, new.access_hash, new.access_until, scope, new.issued_at):
        return new.body
    grant = Grant.objects.create(organisation=organisation, app=app, scope=app.allowed_scopes)
    return new.write(organisation, grant.pk)


# --- looking tokens up ----------------------------------------------------------------------------

def userinfo(organisation, value: str) -> dict | None:
    """The claims UserInfo answers for the live access token `value`, or None."""
    if not value:
        return None
    row = store.live_access(organisation.id, digest(value), sql.at(clock.now()))
    person = row["person"] if row is not None else None
    scopes = set(row["scope"].split()) if row is not None else set()
    if person is None or "openid" not in scopes or not may_sign_in(person, organisation):
        return None
    return claims.user_claims(person, scopes, person.roles)


def access_token(organisation, value: str) -> Token | None:
    """The live access token `value` of this organisation, with its grant, user and app."""
    if not value:
        return None
    row = (Token.objects.select_related("grant", "grant__user", "grant__app")
           .filter(organisation=organisation, access_hash=digest(value), access_expires_at__gt=clock.now(),
                   grant__revoked_at__isnull=True).first())
    return row if row is not None and _still_allowed(row, organisation) else None


def refresh_token(organisation, value: str) -> Token | None:
    row = (Token.objects.select_related("grant", "grant__user", "grant__app")
           .filter(organisation=organisation, refresh_hash=digest(value), rotated_at__isnull=True,
                   refresh_expires_at__gt=clock.now(), grant__revoked_at__isnull=True).first())
    return row if row is not None and _still_allowed(row, organisation) else None


def _still_allowed(row: Token, organisation) -> bool:
    return row.grant.user is None or may_sign_in(row.grant.user, organisation)


def _subject(row: dict):
    return User(pk=row["user_pk"], organisation_id=row["user_org"]) if row.get("user_pk") else None


def revoke(organisation, app: App, value: str) -> None:
    """RFC 7009: a refresh token takes its whole grant with it; an access token only
    itself. Tokens of other apps (or organisations) are left alone, silently."""
    digest_ = digest(value or "")
    row = Token.objects.select_related("grant").filter(organisation=organisation, refresh_hash=digest_).first()
    if row is not None and row.grant.app_id == app.pk:
        revoke_grant(row.grant_id)
        return
    (Token.objects.filter(organisation=organisation, access_hash=digest_, grant__app=app)
     .update(access_expires_at=Least(F("access_expires_at"), clock.now())))
