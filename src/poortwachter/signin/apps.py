from django.apps import AppConfig


class SigninConfig(AppConfig):
    name = "poortwachter.signin"
    label = "signin"
