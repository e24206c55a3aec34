"""pytest plugin (``-p config.pytest_embedded_postgres`` in pyproject.toml's addopts).

Without ``DATABASE_URL``, starts the embedded PostgreSQL for the test session and puts its
URL into ``os.environ["DATABASE_URL"]`` before pytest-django reads the settings, which
only read that variable. Subprocesses the tests start (manage.py, a Celery worker) inherit
it. The session holds the server; it stops when the session ends (unless ``make run`` still
holds it too). With ``DATABASE_URL`` set (CI, real servers) it starts nothing.

Then it makes sure the suite runs as an application role that does not own the tables, as
production should (``config.database_roles.split_roles_for_tests``): with only
``DATABASE_URL`` set, that role becomes the owner (``DATABASE_OWNER_URL``), which creates the
test database and migrates it, and the tests connect as ``<database>_app`` (tests/conftest.py
switches the connection once the database is ready).

It lives under ``config/`` rather than ``tests/`` because ``-p`` imports it before pytest
puts the project on ``sys.path``; the installed project provides ``config``.
"""

from __future__ import annotations

import os
from collections.abc import Generator

import pytest

from config import celery as _celery
from config.database_roles import split_roles_for_tests
from config.embedded_postgres import ensure_database_url

# Importing ``config`` gave DJANGO_SETTINGS_MODULE a default for `celery -A config`; in the
# environment it would override pytest-django's DJANGO_SETTINGS_MODULE ini option.
if _celery.SETTINGS_MODULE_DEFAULTED:
    os.environ.pop("DJANGO_SETTINGS_MODULE", None)


# A wrapper runs before every plain implementation, pytest-django's (which loads the settings)
# included; trylast puts it inside pytest's output capturing, as the server's start was before.
@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: pytest.Parser, args: list[str]
) -> Generator:
    options = early_config.known_args_namespace
    if not (getattr(options, "help", False) or getattr(options, "version", False)):
        ensure_database_url()
        split_roles_for_tests()
    return (yield)
