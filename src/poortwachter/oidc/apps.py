"""The OpenID Connect provider: one issuer per organisation, `<public URL>/<slug>`."""
from django.apps import AppConfig


class OidcConfig(AppConfig):
    name = "poortwachter.oidc"
    label = "oidc"

    def ready(self):
        # When a person's access or one session ends, their apps hear of it and their
        # refresh tokens stop working (backchannel.py).
        from poortwachter.accounts import signals
        from poortwachter.oidc import backchannel

        signals.access_revoked.connect(backchannel.access_revoked, dispatch_uid="oidc.access_revoked")
        signals.session_ended.connect(backchannel.session_ended, dispatch_uid="oidc.session_ended")
