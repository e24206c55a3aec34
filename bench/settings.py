"""The production settings, plus one bench-only URL (the framework's ceiling): make bench's server.

Everything comes from ``config.settings.base``, read from the same environment variables as
in production (bench.server sets DEBUG off, a SECRET_KEY, ALLOWED_HOSTS=127.0.0.1 and plain
HTTP on loopback). The only change is ROOT_URLCONF: ``bench.urls`` serves every URL of
``config.urls`` and adds ``bench/ceiling/<identifier>``, so the ceiling runs in the same
gunicorn, with the same middleware, as the API it is compared with. Nothing else may be
changed here, or the figures would no longer be production's.
"""

from config.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
