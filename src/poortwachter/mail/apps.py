from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "poortwachter.mail"
    label = "mail"
