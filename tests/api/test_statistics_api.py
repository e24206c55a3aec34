"""/api/statistics: datasets for analysis tools, for the periods and columns they ask for."""

from __future__ import annotations

import pytest

from addressbook.services.api_clients import api_client_create
from tests.factories import CodeFactory, CodeSystemFactory, FunctionAddressCodeFactory

pytestmark = pytest.mark.django_db


def analyst_token() -> str:
    analyst_client, token = api_client_create(name="Analysverktyg")
    analyst_client.statistics_access = True
    analyst_client.save()
    return f"Bearer {token}"


# /api/statistics took any range: a reversed one was a silent empty 200, and an unbounded
# one was accepted (lookups_per_day for 0001-01-01..9999-12-31 was a 440 MB answer after
# ~40 s; the cheap top_clients dataset is used here to show acceptance).
@pytest.mark.parametrize(
    ("first", "last"), [("2026-05-01", "2026-01-01"), ("0001-01-01", "9999-12-31")], ids=["reversed", "huge"]
)
def test_the_statistics_api_refuses_reversed_and_unbounded_ranges(client, first, last):
    response = client.get(
        "/api/statistics/top_clients",
        {"filter[from]": first, "filter[to]": last},
        HTTP_AUTHORIZATION=analyst_token(),
    )

    assert response.status_code == 400


# Coverage columns are named after top-level codes' display names; two code systems with a
# "Psykiatri" gave two identical headers, and the API's dict(zip(columns, row)) kept one:
# Malmö's "yes" for one system silently replaced the "no" of the other (or vice versa).
def test_same_named_top_level_codes_keep_their_own_coverage_columns_in_the_api(client, malmo, malmo_address):
    CodeFactory(code_system=CodeSystemFactory(name="A"), code="psyk", display_name="Psykiatri")
    other = CodeFactory(code_system=CodeSystemFactory(name="B"), code="psyk", display_name="Psykiatri")
    FunctionAddressCodeFactory(function_address=malmo_address, code=other)

    document = client.get("/api/statistics/coverage", HTTP_AUTHORIZATION=analyst_token()).json()

    assert len(document["meta"]["columns"]) == 5
    assert sorted(document["data"][0]["attributes"].values()).count("yes") == 1
    assert len(document["data"][0]["attributes"]) == 5
