"""What the OpenID Connect provider keeps: per organisation its signing keys, its apps
(clients), grants (one sign-in of one person into one app: first its authorization code,
then the chain of tokens issued from it) and the back-channel logouts still to deliver.

Every secret (client secret, code, access and refresh token) is stored only as its
SHA-256; every row carries its organisation and every query names it. Codes and tokens are
found by the row id their handle names (handles.py), never by a hash: an index of random
hashes costs every insert a random page."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from poortwachter import clock


class SigningKey(models.Model):
    """A key pair that signs ID tokens and logout tokens. The private half is encrypted at
    rest (keys.py). A retired key signs nothing but stays in the JWKS until `expires_at`,
    so tokens signed just before a rotation still verify."""

    organisation = models.ForeignKey("tenants.Organisation", on_delete=models.CASCADE, related_name="+")
    kid = models.CharField(max_length=64, unique=True)
    alg = models.CharField(max_length=8)  # ES256 or RS256
    private_key = models.TextField()  # AES-GCM sealed PEM, base64
    public_jwk = models.JSONField()
    created_at = models.DateTimeField(default=clock.now)
    retired_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "alg", "retired_at"], name="oidc_key_active")]


class AppKind(models.TextChoices):
    PUBLIC = "public", _("public (browser or mobile app, no secret)")
    CONFIDENTIAL = "confidential", _("confidential (server-side app with a secret)")
    MACHINE = "machine", _("machine (client credentials, no people)")


class App(models.Model):
    """An OpenID Connect client of one organisation."""

    organisation = models.ForeignKey("tenants.Organisation", on_delete=models.CASCADE, related_name="+")
    client_id = models.CharField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=AppKind.choices, default=AppKind.CONFIDENTIAL)
    secret_hash = models.CharField(max_length=64, blank=True)  # SHA-256 hex; empty: no secret
    secret_rotated_at = models.DateTimeField(null=True, blank=True)
    # Compared as exact strings: no normalisation, no prefix or pattern matching.
    redirect_uris = models.JSONField(default=list, blank=True)
    post_logout_redirect_uris = models.JSONField(default=list, blank=True)
    allowed_scopes = models.CharField(max_length=500, default="openid profile email roles offline_access")
    backchannel_logout_uri = models.CharField(max_length=500, blank=True)
    # Public keys for private_key_jwt client authentication (a JWK Set), if any.
    jwks = models.JSONField(null=True, blank=True)
    id_token_signed_response_alg = models.CharField(max_length=8, default="ES256")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [models.UniqueConstraint("organisation", "name", name="oidc_app_name_unique_per_organisation")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def scopes(self) -> set[str]:
        return set(self.allowed_scopes.split())

    @property
    def is_public(self) -> bool:
        return self.kind == AppKind.PUBLIC


class Grant(models.Model):
    """One authorization: a person signed into an app (or a machine app authenticated).
    Every token issued from it dies with it: revoking the grant revokes the chain.

    A person's tokens live on their grant: the current access and refresh token
    (`generation` 1 for the pair the code gave, one more for each refresh), which the
    handles name (handles.py). So redeeming a code, and each refresh, changes this one row
    and writes no other: a refresh token is single-use because the next refresh needs the
    generation its handle names, and a handle of an older generation is a refresh token used
    again, which revokes the chain (its secret is no longer kept, but the handle is
    unforgeable: it came out of a token this grant issued). The access token of the
    previous generation ends with the refresh, as a rotated pair should. A machine app's
    many access tokens are Token rows of its standing grant.

    A person's grant begins as their authorization code: the authorize endpoint writes the
    row with the code's columns, and redeeming the code marks it `issued_at` and writes the
    first tokens. So a code exchange updates one row instead of writing a code, a grant and
    naming one in the other (bench/oidc.py). Until then (`issued_at` empty) the grant has
    issued nothing: no app is told when it ends, and housekeeping clears it away once its
    code has expired. A machine app's standing grant is issued when it is made.

    Indexes are few on purpose: every sign-in into an app writes a grant, and each index is
    more pages written. Grants are found by their id (the code's handle, the tokens), by
    person (`user`), and by one of a person's sessions (`user` and `sid`): one index serves
    both."""

    organisation = models.ForeignKey("tenants.Organisation", on_delete=models.CASCADE, related_name="+",
                                     db_index=False)
    app = models.ForeignKey(App, on_delete=models.CASCADE, related_name="grants", db_index=False)
    user = models.ForeignKey("accounts.User", null=True, on_delete=models.CASCADE, related_name="+",
                             db_index=False)  # oidc_grant_user_sid starts with it
    scope = models.CharField(max_length=500)
    sid = models.CharField(max_length=64, blank=True)
    auth_time = models.IntegerField(null=True)
    amr = models.JSONField(default=list)
    acr = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    issued_at = models.DateTimeField(null=True, blank=True)  # the code redeemed (or a machine grant made)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The authorization code it began as: its secret proven by `code_hash` (found by id),
    # what the token request must repeat, and how long it may wait to be redeemed.
    code_hash = models.CharField(max_length=64, blank=True)
    redirect_uri = models.CharField(max_length=2000, blank=True)
    nonce = models.CharField(max_length=500, blank=True)
    code_challenge = models.CharField(max_length=128, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    # A person's current tokens (generation 0: none yet). `refresh_expires_at` is the end of
    # the chain, which a refresh does not move; `token_scope` may be narrower than `scope`.
    generation = models.PositiveIntegerField(default=0)
    token_scope = models.CharField(max_length=500, blank=True)
    token_issued_at = models.DateTimeField(null=True, blank=True)
    access_hash = models.CharField(max_length=64, blank=True)
    access_expires_at = models.DateTimeField(null=True, blank=True)
    refresh_hash = models.CharField(max_length=64, blank=True)
    refresh_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["user", "sid"], name="oidc_grant_user_sid"),
            # A machine app's standing grant (client credentials); people's grants stay out of it.
            models.Index(fields=["app"], condition=models.Q(user__isnull=True), name="oidc_machine_grant"),
        ]


class Token(models.Model):
    """An access token of a machine app's standing grant (client credentials), one row each.

    People's tokens were rows here too until their grants held them (Grant): such a row
    (an access token with its refresh token) still works until it ends, and its refresh
    marks it `rotated_at` and puts the next pair on the grant."""

    organisation = models.ForeignKey("tenants.Organisation", on_delete=models.CASCADE, related_name="+",
                                     db_index=False)
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="tokens")
    access_hash = models.CharField(max_length=64)
    access_expires_at = models.DateTimeField()
    refresh_hash = models.CharField(max_length=64, null=True)
    refresh_expires_at = models.DateTimeField(null=True)
    scope = models.CharField(max_length=500)
    issued_at = models.DateTimeField(default=clock.now)
    rotated_at = models.DateTimeField(null=True, blank=True)


class LogoutDelivery(models.Model):
    """A back-channel logout token on its way to an app, delivered with retries like the
    mail outbox."""

    organisation = models.ForeignKey("tenants.Organisation", on_delete=models.CASCADE, related_name="+")
    app = models.ForeignKey(App, on_delete=models.CASCADE, related_name="+")
    uri = models.CharField(max_length=500)
    logout_token = models.TextField()
    created_at = models.DateTimeField(default=clock.now)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=clock.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["delivered_at", "failed_at", "next_attempt_at"], name="oidc_logout_due")]
