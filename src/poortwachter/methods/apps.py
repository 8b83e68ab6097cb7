from django.apps import AppConfig


class MethodsConfig(AppConfig):
    name = "poortwachter.methods"
    label = "methods"
