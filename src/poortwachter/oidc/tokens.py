"""The token endpoint's grants, and looking tokens up again.

- authorization_code: a code is the first state of its grant (models.Grant) and works once.
  Winning it is one conditional UPDATE of the grant (`issued_at IS NULL`), in the same
  transaction that writes the first tokens, so two redemptions at once give exactly one
  success on SQLite and PostgreSQL alike; a later redemption revokes the grant (and every
  token) issued from it.
- refresh_token: rotated on every use; a refresh token used a second time revokes the whole
  chain (the grant).
- client_credentials: machine apps only.

Codes, access and refresh tokens are a handle naming their row and a secret of which only
the SHA-256 is stored (handles.py)."""

from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

from django.db.models import F
from django.db.models.functions import Least

from poortwachter import clock
from poortwachter.accounts.models import User, UserStatus
from poortwachter.oidc import claims, handles, id_tokens, store
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
    that writes them, and put into words after it (their handles need the row's id): on
    SQLite the write lock is then held for the statements alone, and the other workers wait
    less."""

    scope: str
    access_secret: str
    access_hash: str
    refresh_secret: str | None
    refresh_hash: str | None
    issued_at: object  # the times as sql.at makes them
    access_until: object
    token_id: int | None = None

    @classmethod
    def make(cls, scope: str, now, refresh: bool) -> "NewTokens":
        access = handles.new_secret()
        refresh_secret = handles.new_secret() if refresh else None
        return cls(scope, access, handles.digest(access), refresh_secret,
                   handles.digest(refresh_secret) if refresh_secret else None, sql.at(now),
                   sql.at(now + ACCESS_LIFETIME))

    def write(self, organisation, grant_id: int, refresh_until=None) -> None:
        """Store them as tokens of the grant; `refresh_until` as the database gives or takes it."""
        self.token_id = store.insert_token(organisation.id, grant_id, self.access_hash, self.access_until,
                                           self.refresh_hash, refresh_until, self.scope, self.issued_at)

    def body(self) -> dict:
        """The token response (without an ID token), once written."""
        answer = {"access_token": handles.make("access", self.token_id, self.access_secret), "token_type": "Bearer",
                  "expires_in": ACCESS_SECONDS, "scope": self.scope}
        if self.refresh_secret:
            answer["refresh_token"] = handles.make("refresh", self.token_id, self.refresh_secret)
        return answer


def _chain_end(organisation, now):
    """A chain of refresh tokens lives at most 30 days from the sign-in, or the
    organisation's absolute session limit when that is shorter; rotation does not extend it."""
    return now + min(REFRESH_LIFETIME, timedelta(days=organisation.policy.absolute_days))


# --- authorization_code ---------------------------------------------------------------------

def exchange_code(organisation, app: App, post) -> dict:
    now = clock.now()
    found = handles.read("code", post.get("code", ""))
    row = store.code(organisation.id, found[0], handles.digest(found[1]), sql.at(now)) if found else None
    if row is None or row["app_id"] != app.pk:
        raise TokenError("invalid_grant", "unknown code")
    person = row["person"]
    if row["used"]:
        _replayed_code(organisation, app, row)
    problem = _code_problem(organisation, row, person, post)
    body = _redeem(organisation, row, problem, now)
    if body is None:
        _replayed_code(organisation, app, row)
    if problem is not None:
        raise TokenError("invalid_grant", problem)
    if "openid" in row["scope"].split():
        body["id_token"] = id_tokens.for_grant(organisation, app, SimpleNamespace(**row), person, row["scope"],
                                               nonce=row["nonce"], roles=person.roles)
    return body


def _redeem(organisation, row: dict, problem: str | None, now) -> dict | None:
    """Win the code and issue its grant's first tokens (the token response without the ID
    token); burn it when there is a `problem`. None when another redemption won."""
    at = sql.at(now)
    if problem is not None:
        return {} if store.burn_code(row["id"], at) else None  # burnt all the same
    new, chain_end = NewTokens.make(row["scope"], now, refresh=True), sql.at(_chain_end(organisation, now))
    with sql.transaction():
        if not store.redeem_code(row["id"], at):
            return None  # nothing written
        new.write(organisation, row["id"], chain_end)
    return new.body()


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
    if revoke_grant(row["id"]):
        audit.record(Event.OIDC_CODE_REPLAYED, organisation=organisation, subject=_subject(row),
                     reason=app.client_id[:60])
    raise TokenError("invalid_grant", "the code was used before")


# --- refresh_token ---------------------------------------------------------------------------

def refresh(organisation, app: App, post) -> dict:
    now = clock.now()
    at = sql.at(now)
    found = handles.read("refresh", post.get("refresh_token", ""))
    row = store.refresh_token(organisation.id, found[0], handles.digest(found[1]), at) if found else None
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
    with sql.transaction():
        won = store.rotate(row["id"], at)
        if won:
            # The chain keeps its end: the column's value goes back as it came.
            new.write(organisation, row["grant_id"], row["refresh_expires_at"])
    if not won:
        _replayed_refresh(organisation, app, row)
    body = new.body()
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
    new.token_id = store.insert_machine_token(organisation.id, app.pk, new.access_hash, new.access_until, scope,
                                              new.issued_at)
    if new.token_id is None:
        grant = Grant.objects.create(organisation=organisation, app=app, scope=app.allowed_scopes,
                                     issued_at=clock.now())
        new.write(organisation, grant.pk)
    return new.body()


# --- looking tokens up ----------------------------------------------------------------------------

def userinfo(organisation, value: str) -> dict | None:
    """The claims UserInfo answers for the live access token `value`, or None."""
    found = handles.read("access", value)
    if found is None:
        return None
    row = store.live_access(organisation.id, found[0], handles.digest(found[1]), sql.at(clock.now()))
    person = row["person"] if row is not None else None
    scopes = set(row["scope"].split()) if row is not None else set()
    if person is None or "openid" not in scopes or not may_sign_in(person, organisation):
        return None
    return claims.user_claims(person, scopes, person.roles)


def access_token(organisation, value: str) -> Token | None:
    """The live access token `value` of this organisation, with its grant, user and app."""
    found = handles.read("access", value)
    if found is None:
        return None
    row = (Token.objects.select_related("grant", "grant__user", "grant__app")
           .filter(pk=found[0], organisation=organisation, access_hash=handles.digest(found[1]),
                   access_expires_at__gt=clock.now(), grant__revoked_at__isnull=True).first())
    return row if row is not None and _still_allowed(row, organisation) else None


def refresh_token(organisation, value: str) -> Token | None:
    found = handles.read("refresh", value)
    if found is None:
        return None
    row = (Token.objects.select_related("grant", "grant__user", "grant__app")
           .filter(pk=found[0], organisation=organisation, refresh_hash=handles.digest(found[1]),
                   rotated_at__isnull=True, refresh_expires_at__gt=clock.now(), grant__revoked_at__isnull=True)
           .first())
    return row if row is not None and _still_allowed(row, organisation) else None


def _still_allowed(row: Token, organisation) -> bool:
    return row.grant.user is None or may_sign_in(row.grant.user, organisation)


def _subject(row: dict):
    return User(pk=row["user_pk"], organisation_id=row["user_org"]) if row.get("user_pk") else None


def revoke(organisation, app: App, value: str) -> None:
    """RFC 7009: a refresh token takes its whole grant with it; an access token only
    itself. Tokens of other apps (or organisations) are left alone, silently."""
    found = handles.read("refresh", value)
    if found is not None:
        row = (Token.objects.select_related("grant")
               .filter(pk=found[0], organisation=organisation, refresh_hash=handles.digest(found[1])).first())
        if row is not None and row.grant.app_id == app.pk:
            revoke_grant(row.grant_id)
        return
    found = handles.read("access", value)
    if found is not None:
        (Token.objects.filter(pk=found[0], organisation=organisation, access_hash=handles.digest(found[1]),
                              grant__app=app)
         .update(access_expires_at=Least(F("access_expires_at"), clock.now())))
