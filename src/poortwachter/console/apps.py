from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "poortwachter.console"
    label = "console"
