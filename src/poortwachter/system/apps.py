from django.apps import AppConfig


class SystemConfig(AppConfig):
    name = "poortwachter.system"
    label = "system"
