from django.apps import AppConfig


class SystemConfig(AppConfig):
    name = "poortwachter.system"
    label = "system"

    def ready(self):
        from django.middleware import csrf as django_csrf

        from poortwachter.system import csrf

        # Django draws a new CSRF secret (at every sign-in: rotate_token) one character and
        # one read of the system's randomness at a time, 32 reads; same alphabet and length
        # from one read here (system/csrf.py). Django's middleware checks it unchanged.
        django_csrf._get_new_csrf_string = csrf.new_secret
