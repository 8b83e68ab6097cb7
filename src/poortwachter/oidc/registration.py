"""Registering an organisation's apps: create, change, rotate the secret, delete. Shared
by the console pages and the command line.

Redirect URIs are checked when they are registered (absolute, no fragment, https; plain
http only on the loopback host; custom schemes only in reverse-domain form for native
apps) and afterwards compared as exact strings, nothing else."""

import hashlib
import secrets
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from poortwachter import clock
from poortwachter.oidc import app_lookup
from poortwachter.oidc.models import App, AppKind

SCOPES = ("openid", "profile", "email", "roles", "offline_access")
LOOPBACK = {"127.0.0.1", "localhost", "[::1]"}


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)  # 256 random bits


def check_uri(uri: str) -> str:
    """A redirect or post-logout URI an app may register, or ValidationError."""
    uri = uri.strip()
    try:
        parts = urlsplit(uri)
    except ValueError:
        parts = None
    problem = parts is None or len(uri) > 500 or any(ord(c) <= 0x20 or ord(c) == 0x7F for c in uri) or "\\" in uri
    if not problem:
        if parts.fragment or "#" in uri:
            problem = True
        elif parts.scheme == "https":
            problem = not parts.hostname or "@" in parts.netloc
        elif parts.scheme == "http":
            problem = parts.hostname not in {"127.0.0.1", "localhost", "::1"} or "@" in parts.netloc
        else:  # native apps: a private-use scheme such as com.example.app:/callback (RFC 8252)
            problem = "." not in parts.scheme or parts.scheme in {"javascript", "data", "vbscript", "file"}
    if problem:
        raise ValidationError(_("“%(uri)s” is not a valid redirect address: use a full https:// address "
                                "(http:// only for localhost) without a fragment.") % {"uri": uri[:200]})
    return uri


def check_uris(text_or_list) -> list[str]:
    items = text_or_list.split() if isinstance(text_or_list, str) else list(text_or_list)
    return list(dict.fromkeys(check_uri(item) for item in items if item.strip()))


def check_scopes(text: str) -> str:
    scopes = text.split()
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise ValidationError(_("Unknown scope: %(scopes)s.") % {"scopes": ", ".join(unknown)})
    return " ".join(dict.fromkeys(scopes))


def _check(app: App) -> None:
    if app.kind not in AppKind.values:
        raise ValidationError(_("Unknown app type."))
    app.redirect_uris = check_uris(app.redirect_uris)
    app.post_logout_redirect_uris = check_uris(app.post_logout_redirect_uris)
    app.allowed_scopes = check_scopes(app.allowed_scopes)
    if app.backchannel_logout_uri:
        app.backchannel_logout_uri = check_uri(app.backchannel_logout_uri)
    if app.kind != AppKind.MACHINE and not app.redirect_uris:
        raise ValidationError(_("Register at least one redirect address."))
    if App.objects.filter(organisation=app.organisation, name=app.name).exclude(pk=app.pk).exists():
        raise ValidationError(_("This organisation already has an app with that name."))
    if app.id_token_signed_response_alg not in ("ES256", "RS256"):
        raise ValidationError(_("The ID token algorithm must be ES256 or RS256."))


@transaction.atomic
def create_app(organisation, name: str, *, kind: str = AppKind.CONFIDENTIAL, redirect_uris=(),
               post_logout_redirect_uris=(), allowed_scopes: str = "", backchannel_logout_uri: str = "",
               client_id: str = "", jwks=None, id_token_alg: str = "ES256") -> tuple[App, str | None]:
    """The new app and its secret (shown once; None for public apps)."""
    name = (name or "").strip()[:200]
    if not name:
        raise ValidationError(_("Give the app a name."))
    app = App(organisation=organisation, name=name, kind=kind, client_id=client_id or secrets.token_urlsafe(18),
              redirect_uris=list(redirect_uris), post_logout_redirect_uris=list(post_logout_redirect_uris),
              allowed_scopes=allowed_scopes or ("openid profile email roles offline_access" if kind != AppKind.MACHINE
                                                else ""),
              backchannel_logout_uri=backchannel_logout_uri.strip(), jwks=jwks, id_token_signed_response_alg=id_token_alg)
    _check(app)
    if App.objects.filter(client_id=app.client_id).exists():
        raise ValidationError(_("That client ID is taken."))
    secret = None
    if kind != AppKind.PUBLIC:
        secret = new_secret()
        app.secret_hash, app.secret_rotated_at = hash_secret(secret), clock.now()
    app.save()
    return app, secret


@transaction.atomic
def update_app(app: App, **fields) -> App:
    for name, value in fields.items():
        setattr(app, name, value)
    _check(app)
    if app.kind == AppKind.PUBLIC:
        app.secret_hash = ""
    app.save()
    return app


@transaction.atomic
def rotate_secret(app: App) -> str:
    """A new secret; the old one stops working at once."""
    if app.kind == AppKind.PUBLIC:
        raise ValidationError(_("A public app has no secret."))
    secret = new_secret()
    App.objects.filter(pk=app.pk).update(secret_hash=hash_secret(secret), secret_rotated_at=clock.now())
    app.secret_hash = hash_secret(secret)
    app_lookup.forget()
    return secret


def find_app(organisation, client_id: str) -> App:
    app = App.objects.filter(organisation=organisation, client_id=client_id).first()
    if app is None:
        raise ValidationError(_("No app with client ID “%(id)s” in %(org)s.") % {"id": client_id, "org": organisation.slug})
    return app
