"""Shared fixtures: a superuser client, reference organisations, a small code tree."""

from __future__ import annotations

import psycopg
import pytest
from django.core.cache import cache
from django.db import connection

from tests.factories import CodeFactory, CodeSystemFactory, FunctionAddressFactory, OrganizationFactory


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache (Redis in CI): every test starts with none."""
    cache.clear()
    yield
    cache.clear()


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
