import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poortwachter.settings")
django.setup(set_prefix=False)  # what django.core.wsgi.get_wsgi_application does first

from poortwachter.system.handler import Handler  # noqa: E402  (needs the apps loaded)

application = Handler()
