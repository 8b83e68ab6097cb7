from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "poortwachter.accounts"
    label = "accounts"

    def ready(self):
        # Django saves last_login through the ORM on every sign-in (its update_last_login
        # receiver); signin.flow writes it with one plain UPDATE in the sign-in's transaction.
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.disconnect(dispatch_uid="update_last_login")
