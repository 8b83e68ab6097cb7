import gc
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poortwachter.settings")
django.setup(set_prefix=False)  # what django.core.wsgi.get_wsgi_application does first

from django.urls import get_resolver  # noqa: E402

from poortwachter.system.handler import Handler  # noqa: E402  (needs the apps loaded)

application = Handler()

# What is loaded by now (Django, the apps, every URL module and view) lives as long as the
# worker. Frozen, it is out of the garbage collector's sight: a full collection looks only at
# what requests leave behind. Unfrozen, each full collection walked some 80 000 start-up
# objects, 40-100 ms on a small machine, about once every two thousand token requests.
get_resolver().url_patterns  # imports the URL modules and their views now, not at the first request
gc.freeze()
