"""WSGI entry point (gunicorn config.wsgi)."""

import gc
import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

application = get_wsgi_application()

# Everything made while starting (Django, the apps, the URL conf and the views it imports)
# lives as long as the process. Frozen, the garbage collector stops walking it on each full
# collection: a 1,000-record API page allocates enough to set off several, and walking the
# startup heap each time was a third of such a page's time.
import_module(settings.ROOT_URLCONF)
gc.freeze()
