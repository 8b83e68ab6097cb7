from django.apps import AppConfig


class OperatorsConfig(AppConfig):
    name = "poortwachter.operators"
    label = "operators"
