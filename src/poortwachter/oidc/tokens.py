"""The token endpoint's grants, and looking tokens up again.

- authorization_code: a code is the first state of its grant (models.Grant) and works once.
  Winning it is one conditional UPDATE of the grant (`issued_at IS NULL`) that also gives
  it its first pair of tokens, so two redemptions at once give exactly one success on
  SQLite and PostgreSQL alike; a later redemption revokes the grant (and every token)
  issued from it.
- refresh_token: rotated on every use, again one conditional UPDATE of the grant (the next
  generation); a refresh token used a second time revokes the whole chain (the grant).
- client_credentials: machine apps only; their access tokens are Token rows.

Codes, access and refresh tokens are a handle naming their row (and a person's token its
generation) and a secret of which only the SHA-256 is stored (handles.py)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
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
    """An access token (and refresh token) made, hashed and dated before the statement that
    stores them, and put into words after it (their handles need the row's id and the
    generation): on SQLite the write lock is then held for the statement alone, and the
    other workers wait less."""

    scope: str
    access_secret: str
    access_hash: str
    refresh_secret: str | None
    refresh_hash: str | None
    issued_at: object  # the times as sql.at makes them
    access_until: object
    row_id: int | None = None  # a grant's (generation 1 and up) or a Token row's (generation 0)
    generation: int = 0

    @classmethod
    def make(cls, scope: str, now, refresh: bool) -> "NewTokens":
        access = handles.new_secret()
        refresh_secret = handles.new_secret() if refresh else None
        return cls(scope, access, handles.digest(access), refresh_secret,
                   handles.digest(refresh_secret) if refresh_secret else None, sql.at(now),
                   sql.at(now + ACCESS_LIFETIME))

    @property
    def pair(self) -> tuple:
        """The values of a grant's pair, as store._PAIR names them."""
        return self.scope, self.issued_at, self.access_hash, self.access_until, self.refresh_hash

    def held(self, grant_id: int, generation: int) -> None:
        self.row_id, self.generation = grant_id, generation

    def write(self, organisation, grant_id: int) -> None:
        """Store the access token as a Token row of the (machine) grant."""
        self.row_id = store.insert_token(organisation.id, grant_id, self.access_hash, self.access_until, self.scope,
                                         self.issued_at)

    def body(self) -> dict:
        """The token response (without an ID token), once stored."""
        answer = {"access_token": handles.make("access", self.row_id, self.access_secret, self.generation),
                  "token_type": "Bearer", "expires_in": ACCESS_SECONDS, "scope": self.scope}
        if self.refresh_secret:
            answer["refresh_token"] = handles.make("refresh", self.row_id, self.refresh_secret, self.generation)
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
    with sql.transaction():  # one statement, but in the writers' queue (system/sqlite)
        won = store.redeem_code(row["id"], at, new.pair, chain_end)
    if not won:
        return None  # nothing written
    new.held(row["id"], 1)
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
    if found is None:
        raise TokenError("invalid_grant", "unknown or revoked refresh token")
    row_id, secret, generation = found
    if generation == 0:
        row = store.refresh_token(organisation.id, row_id, handles.digest(secret), at)
    else:
        row = store.held_refresh(organisation.id, row_id, handles.digest(secret), at)
        if row is not None and (generation > row["generation"] or generation == row["generation"]
                                and not row["proven"]):
            row = None  # not a refresh token this grant issued
    if row is None or row["app_id"] != app.pk or row["revoked"]:
        raise TokenError("invalid_grant", "unknown or revoked refresh token")
    if row["rotated"] if generation == 0 else generation < row["generation"]:
        _replayed_refresh(organisation, app, row)
    if row["expired"]:
        raise TokenError("invalid_grant", "the refresh token has expired")
    if generation == handles.MAX_GENERATION:
        raise TokenError("invalid_grant", "the chain is used up: sign in to the app again")
    person = row["person"]
    if not may_sign_in(person, organisation):
        revoke_grant(row["grant_id"])
        raise TokenError("invalid_grant", "the person may no longer sign in")
    scope = _narrowed(row["scope"], post.get("scope"))
    new = NewTokens.make(scope, now, refresh=True)
    with sql.transaction():
        if generation > 0:
            won = store.next_pair(row["grant_id"], generation, new.pair)
            next_generation = generation + 1
        elif won := store.rotate(row["id"], at):
            # A Token row's refresh: the next pair goes onto its grant, and the chain keeps
            # its end (the column's value goes back as it came).
            next_generation = store.first_held_pair(row["grant_id"], new.pair, row["refresh_expires_at"])
            won = next_generation is not None
    if not won:
        _replayed_refresh(organisation, app, row)
    new.held(row["grant_id"], next_generation)
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
    new.row_id = store.insert_machine_token(organisation.id, app.pk, new.access_hash, new.access_until, scope,
                                            new.issued_at)
    if new.row_id is None:
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
    row_id, secret, generation = found
    at = sql.at(clock.now())
    row = (store.live_held_access(organisation.id, row_id, generation, handles.digest(secret), at) if generation
           else store.live_access(organisation.id, row_id, handles.digest(secret), at))
    person = row["person"] if row is not None else None
    scopes = set(row["scope"].split()) if row is not None else set()
    if person is None or "openid" not in scopes or not may_sign_in(person, organisation):
        return None
    return claims.user_claims(person, scopes, person.roles)


@dataclass
class Held:
    """A person's current pair of tokens on their grant, shaped as a Token row for the
    introspection answer."""

    grant: Grant
    scope: str
    access_expires_at: datetime
    refresh_expires_at: datetime
    issued_at: datetime

    @classmethod
    def of(cls, grant: Grant) -> "Held":
        return cls(grant, grant.token_scope, grant.access_expires_at, grant.refresh_expires_at, grant.token_issued_at)


def access_token(organisation, value: str) -> Token | Held | None:
    """The live access token `value` of this organisation, with its grant, user and app."""
    return _live(organisation, "access", value)


def refresh_token(organisation, value: str) -> Token | Held | None:
    """The live refresh token `value`, as `access_token`."""
    return _live(organisation, "refresh", value)


def _live(organisation, kind: str, value: str) -> Token | Held | None:
    found = handles.read(kind, value)
    if found is None:
        return None
    row_id, secret, generation = found
    proven = {f"{kind}_hash": handles.digest(secret), f"{kind}_expires_at__gt": clock.now()}
    if generation:
        grant = (Grant.objects.select_related("user", "app")
                 .filter(pk=row_id, organisation=organisation, generation=generation, revoked_at__isnull=True,
                         **proven).first())
        row = Held.of(grant) if grant is not None else None
    else:
        if kind == "refresh":
            proven["rotated_at__isnull"] = True
        row = (Token.objects.select_related("grant", "grant__user", "grant__app")
               .filter(pk=row_id, organisation=organisation, grant__revoked_at__isnull=True, **proven).first())
    return row if row is not None and _still_allowed(row, organisation) else None


def _still_allowed(row, organisation) -> bool:
    return row.grant.user is None or may_sign_in(row.grant.user, organisation)


def _subject(row: dict):
    return User(pk=row["user_pk"], organisation_id=row["user_org"]) if row.get("user_pk") else None


def revoke(organisation, app: App, value: str) -> None:
    """RFC 7009: a refresh token takes its whole grant with it; an access token only
    itself. Tokens of other apps (or organisations) are left alone, silently. A grant's
    refresh token of an older generation is one used before: it ends the chain as its
    replay would (refresh)."""
    found = handles.read("refresh", value)
    if found is not None:
        row_id, secret, generation = found
        if generation:
            grant = Grant.objects.filter(pk=row_id, organisation=organisation, app=app).only("generation",
                                                                                        "refresh_hash").first()
            if grant is not None and (generation < grant.generation or generation == grant.generation
                                      and grant.refresh_hash == handles.digest(secret)):
                revoke_grant(grant.pk)
            return
        row = (Token.objects.select_related("grant")
               .filter(pk=row_id, organisation=organisation, refresh_hash=handles.digest(secret)).first())
        if row is not None and row.grant.app_id == app.pk:
            revoke_grant(row.grant_id)
        return
    found = handles.read("access", value)
    if found is not None:
        row_id, secret, generation = found
        if generation:
            (Grant.objects.filter(pk=row_id, organisation=organisation, app=app, generation=generation,
                                  access_hash=handles.digest(secret))
             .update(access_expires_at=Least(F("access_expires_at"), clock.now())))
            return
        (Token.objects.filter(pk=row_id, organisation=organisation, access_hash=handles.digest(secret),
                              grant__app=app)
         .update(access_expires_at=Least(F("access_expires_at"), clock.now())))
