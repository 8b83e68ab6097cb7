from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "poortwachter.accounts"
    label = "accounts"
