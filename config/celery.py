"""The Celery application; settings come from Django's settings under the CELERY_ prefix."""

from __future__ import annotations

import os
from pathlib import Path

from celery import Celery

# `celery -A config …` comes without DJANGO_SETTINGS_MODULE, and Celery's Django fix-up looks
# for it when the app is created. Remembered, so that the pytest plugin (which imports this
# package before pytest-django chooses the settings) can take its own default back.
SETTINGS_MODULE_DEFAULTED = "DJANGO_SETTINGS_MODULE" not in os.environ
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("addressbook")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# kombu's file-system transport options that name folders it reads from or writes into.
FILE_SYSTEM_BROKER_FOLDERS = ("data_folder_in", "data_folder_out", "control_folder")


@app.on_after_configure.connect
def create_file_system_broker_folders(sender: Celery, source, **kwargs) -> None:
    """Create the server-less broker's and result backend's folders (no REDIS_URL).

    The settings only name them. Every process that uses Celery loads its configuration
    before it first touches the broker, and this runs then: the worker and beat before they
    connect, a web process before its first task is sent (kombu writes the message into
    ``data_folder_out``; the file result backend checks its folder when it is created).
    """
    if str(source.broker_url or "").startswith("filesystem://"):
        options = source.broker_transport_options or {}
        keys = [
            *FILE_SYSTEM_BROKER_FOLDERS,
            *(["processed_folder"] if options.get("store_processed") else []),
        ]
        for key in keys:
            if options.get(key):
                Path(options[key]).mkdir(parents=True, exist_ok=True)
    # Read as Celery's file-system backend reads it: file:///srv/results is /srv/results.
    result_backend = str(source.result_backend or "")
    for prefix in ("file://localhost", "file://"):
        if result_backend.startswith(f"{prefix}/"):
            Path(result_backend.removeprefix(prefix)).mkdir(parents=True, exist_ok=True)
            break
