from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "poortwachter.security"
    label = "security"
