from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "poortwachter.portal"
    label = "portal"
