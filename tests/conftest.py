"""Shared fixtures: a superuser client, reference organisations, a small code tree."""

from __future__ import annotations

import time
from pathlib import Path

import psutil
import psycopg
import pytest
from django.core.cache import cache
from django.db import connection, connections
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from addressbook import database_roles
from addressbook.choices import Role
from addressbook.models import Organization
from addressbook.services.organizations import organization_save
from tests import hypothesis_profiles
from tests.factories import (
    CodeFactory,
    CodeSystemFactory,
    FunctionAddressCodeFactory,
    FunctionAddressFactory,
    OrganizationFactory,
    persona,
)

hypothesis_profiles.load_profile()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """pytest-django creates the test database, migrates and drops it as the owner of the tables.

    Returns how the application connects (DATABASE_URL), for the tests themselves.
    """
    app = database_roles.credentials(connections["default"])
    if database_roles.roles_split():
        database_roles.reconnect(connections["default"], database_roles.owner_credentials())
    return app


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_modify_db_settings, django_db_blocker):
    """The tests then run as the application's role, with its grants (addressbook.database_roles).

    config.pytest_embedded_postgres made sure it is a role of its own: a grant the application
    lacks fails the test that needs it, as it would fail in production.
    """
    connection = connections["default"]
    owner = database_roles.credentials(connection)
    with django_db_blocker.unblock():
        database_roles.reconnect(connection, django_db_modify_db_settings)
    yield
    with django_db_blocker.unblock():
        database_roles.reconnect(connection, owner)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _site_language():
    """Every test starts in the site's language (Swedish).

    An API request switches its thread to English when the client names no language, and
    Django leaves a request's language active in the thread afterwards: without this, a
    test's outcome would depend on whether an API test ran before it.
    """
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache (Redis in CI): every test starts with none."""
    cache.clear()
    yield
    cache.clear()


def login_verified(client, user) -> None:
    """Log ``user`` in as after password and second factor (an authenticator app is set up)."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="Authenticator app", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def admin_client(client, admin_user):
    """A superuser past both login steps (pytest-django's own fixture knows no second factor)."""
    login_verified(client, admin_user)
    return client


def wait_for_status(record, status: str, timeout: float = 90) -> None:
    """Wait until a record the Celery worker works on (an import, a report) reaches ``status``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        record.refresh_from_db()
        if record.status == status:
            return
        time.sleep(0.5)
    raise AssertionError(f"{record} stayed {record.status}, not {status}: {record.message}")


def postgres_processes(data_dir: Path) -> list[psutil.Process]:
    """The embedded PostgreSQL servers running with their files under ``data_dir``."""
    return [
        process
        for process in psutil.process_iter(["name", "cmdline"])
        if process.info["name"] == "postgres" and str(data_dir) in " ".join(process.info["cmdline"] or [])
    ]


@pytest.fixture(scope="session")
def database_url(django_db_setup) -> str:
    """The URL of the database the tests use, for the subprocesses."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    host = db["HOST"] or db.get("OPTIONS", {}).get("host", "")
    if host.startswith("/"):
        return f"postgresql://{db['USER']}:@/{db['NAME']}?host={host}"
    return f"postgresql://{db['USER']}:{db['PASSWORD']}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def second_connection() -> psycopg.Connection:
    """A connection of its own to the test database, for tests of concurrent transactions."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg.connect(**params)


@pytest.fixture
def malmo(db):
    return OrganizationFactory(
        participant_identifier="0203:malmo.se",
        organization_number="2120001124",
        name="Malmö stad",
        municipality_code="1280",
        county_code="12",
    )


@pytest.fixture
def psychiatry_codes(db):
    """Psykiatri with BUP under it, in one code system."""
    system = CodeSystemFactory(name="Verksamhetsområden")
    psychiatry = CodeFactory(code_system=system, code="psykiatri", display_name="Psykiatri")
    bup = CodeFactory(
        code_system=system, code="bup", display_name="Barn- och ungdomspsykiatri", parent=psychiatry
    )
    return psychiatry, bup


@pytest.fixture
def malmo_address(malmo):
    return FunctionAddressFactory(
        organization=malmo, identifier="sdk:socialtjanst:0203:malmo.se", name="Socialtjänsten, barn och unga"
    )


@pytest.fixture
def directory(malmo, malmo_address, psychiatry_codes):
    """Malmö with one classified address and a department (with a local identifier)."""
    FunctionAddressCodeFactory(function_address=malmo_address, code=psychiatry_codes[0])
    organization_save(
        organization=Organization(
            type="ou", parent=malmo, name="Socialförvaltningen", local_identifier="sof-gammal"
        )
    )
    return malmo


# ------------------------------------------------------------------------------
# Personas: who may do what (addressbook.roles). Each client is logged in past both factors.
# ------------------------------------------------------------------------------
@pytest.fixture
def lund(db):
    return OrganizationFactory(
        participant_identifier="0203:lund.se",
        organization_number="2120001165",
        name="Lunds kommun",
        municipality_code="1281",
        county_code="12",
    )


@pytest.fixture
def lund_address(lund):
    return FunctionAddressFactory(
        organization=lund, identifier="sdk:socialtjanst:0203:lund.se", name="Socialtjänst Lund"
    )


@pytest.fixture
def malmo_admin(malmo):
    return persona(Role.ORGANIZATION_ADMINISTRATOR, "malmo-admin", [malmo])


@pytest.fixture
def lund_admin(lund):
    return persona(Role.ORGANIZATION_ADMINISTRATOR, "lund-admin", [lund])


@pytest.fixture
def analyst(db):
    return persona(Role.ANALYST, "analytiker")


@pytest.fixture
def federation_admin(db):
    return persona(Role.FEDERATION_ADMINISTRATOR, "federation")


@pytest.fixture
def as_user(client):
    """``as_user(user)``: the test client, logged in as ``user`` past both factors."""

    def log_in(user):
        login_verified(client, user)
        return client

    return log_in
