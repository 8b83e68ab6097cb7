from django.apps import AppConfig


class OidcConfig(AppConfig):
    name = "poortwachter.oidc"
    label = "oidc"
