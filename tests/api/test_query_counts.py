"""The SQL queries per list request do not grow with the page size (no N+1), includes too."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    CodeFactory,
    CodeSystemFactory,
    FunctionAddressCodeFactory,
    FunctionAddressFactory,
    OrganizationFactory,
    SubOrganizationFactory,
)

pytestmark = pytest.mark.django_db

SMALL, LARGE = 25, 50  # both above documents.FEW_ROWS


@pytest.fixture
def region():
    """A region with 60 units, each with an address classified with a code and its sub-code."""
    region = OrganizationFactory(name="Region Norrbotten", kind="region", county_code="25")
    for number in range(60):
        unit = SubOrganizationFactory(parent=region, name=f"Förvaltning {number}")
        system = CodeSystemFactory(owner=unit)
        parent_code = CodeFactory(code_system=system)
        code = CodeFactory(code_system=system, parent=parent_code)
        address = FunctionAddressFactory(organization=unit)
        FunctionAddressCodeFactory(function_address=address, code=parent_code)
        FunctionAddressCodeFactory(function_address=address, code=code)
    return region


CASES = [
    ("/api/organizations", {}),
    ("/api/organizations", {"include": "parent"}),
    ("/api/organizations", {"include": "parent", "filter[search]": "forvaltning"}),
    ("/api/organizations", {"include": "parent", "page[after]": ""}),
    ("/api/organizations/{region}/sub-organizations", {"include": "parent"}),
    ("/api/addresses", {}),
    ("/api/addresses", {"include": "parent"}),
    ("/api/addresses", {"include": "codes"}),
    ("/api/addresses", {"include": "parent,codes"}),
    ("/api/addresses", {"include": "parent,codes", "filter[search]": "funktionsbrevlada"}),
    ("/api/addresses", {"include": "parent,codes", "filter[organization]": "{region}"}),
    ("/api/addresses", {"include": "parent,codes", "page[after]": ""}),
    ("/api/addresses", {"include": "parent,codes", "sort": "-name"}),
    ("/api/codesystems", {}),
    ("/api/codesystems", {"include": "owner"}),
    ("/api/codes", {}),
    ("/api/codes", {"include": "codeSystem"}),
    ("/api/codes", {"include": "parent"}),
    ("/api/codes", {"include": "codeSystem,parent"}),
]


def case_id(case: tuple[str, dict]) -> str:
    path, params = case
    return path + "?" + "&".join(f"{name}={value}" for name, value in params.items())


def resolve(case: tuple[str, dict], region) -> tuple[str, dict]:
    path, params = case
    return path.format(region=region.pk), {
        name: value.format(region=region.pk) for name, value in params.items()
    }


def run(api, path: str, params: dict, size: int):
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path, {**params, "page[size]": str(size)})
    assert response.status_code == 200, response.document
    return response, len(queries)


def test_the_fixture_fills_large_pages(api, region):
    # a page of 50 must really hold 50, or the comparison below proves nothing
    for case in CASES:
        path, params = resolve(case, region)
        response, _ = run(api, path, params, LARGE)
        assert len(response.document["data"]) == LARGE, case_id(case)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_queries_per_list_request_do_not_grow_with_page_size(
    api, region, django_assert_max_num_queries, case
):
    # given the number of queries for a page of five
    path, params = resolve(case, region)
    _, small = run(api, path, params, SMALL)

    # then a page ten times larger costs no more (fewer, when the records it would include
    # are all on the page already)
    with django_assert_max_num_queries(small):
        api.get(path, {**params, "page[size]": str(LARGE)})


def test_queries_for_a_units_addresses_with_everything_included_do_not_grow(
    api, region, django_assert_max_num_queries
):
    unit = region.sub_organizations.first()
    for _ in range(9):
        address = FunctionAddressFactory(organization=unit)
        FunctionAddressCodeFactory(function_address=address, code=CodeFactory())
    path, params = f"/api/organizations/{unit.pk}/addresses", {"include": "parent,codes"}
    _, small = run(api, path, params, 2)

    # (the page of ten is the last, so it needs no COUNT: it may cost one query less)
    with django_assert_max_num_queries(small):
        api.get(path, {**params, "page[size]": "10"})


def test_a_lookup_by_key_costs_one_query_and_no_transaction(api, malmo_address, psychiatry_codes):
    # given an address classified with a code
    FunctionAddressCodeFactory(function_address=malmo_address, code=psychiatry_codes[1])

    # when a message service looks it up by identifier
    with CaptureQueriesContext(connection) as queries:
        response = api.get("/api/addresses", {"filter[identifier]": malmo_address.identifier})

    # then one statement reads the address, its codes and the change sequence; no COUNT (the
    # page is the last), no transaction of the request's own, and the count is still given
    assert response.status_code == 200
    assert response.document["meta"]["pagination"]["count"] == 1
    statements = [query["sql"].split()[0].upper() for query in queries.captured_queries]
    assert statements == ["SELECT"], statements
    codes = response.document["data"][0]["relationships"]["codes"]["data"]
    assert codes == [{"type": "codes", "id": str(psychiatry_codes[1].pk)}]
    assert not any("COUNT(" in query["sql"].upper() for query in queries.captured_queries)


def test_a_recipient_check_costs_two_queries(api, malmo_address):
    with CaptureQueriesContext(connection) as queries:
        response = api.get(
            "/api/recipient-check",
            {
                "filter[participantIdentifier]": "0203:malmo.se",
                "filter[identifier]": malmo_address.identifier,
            },
        )

    assert response.document["data"]["attributes"]["outcome"] == "accepted"
    assert len(queries.captured_queries) == 2, [query["sql"][:80] for query in queries.captured_queries]


def test_a_recipient_check_deep_in_a_tree_costs_no_more(api, malmo):
    # given an address four levels below its participant
    unit = malmo
    for level in range(4):
        unit = SubOrganizationFactory(parent=unit, name=f"Nivå {level}")
    address = FunctionAddressFactory(organization=unit, identifier="sdk:djup:0203:malmo.se")

    with CaptureQueriesContext(connection) as queries:
        response = api.get(
            "/api/recipient-check",
            {"filter[participantIdentifier]": "0203:malmo.se", "filter[identifier]": address.identifier},
        )

    # then the whole chain is checked in the address's own statement
    assert response.document["data"]["attributes"]["outcome"] == "accepted"
    assert len(queries.captured_queries) == 2, [query["sql"][:80] for query in queries.captured_queries]


def test_queries_per_change_feed_page_do_not_grow_with_page_size(api, django_assert_num_queries):
    # given a client at the end of the feed, and then sixty rounds of changes, each to every
    # resource type (so a page of five and a page of fifty hold the same types)
    start = api.get("/api/changes").document["meta"]["latestSequence"]
    for _ in range(60):
        organization = OrganizationFactory()
        code = CodeFactory(code_system=CodeSystemFactory(owner=organization))
        address = FunctionAddressFactory(organization=organization)
        FunctionAddressCodeFactory(function_address=address, code=code)
    params = {"filter[after]": str(start), "include": "resource"}
    api.get("/api/changes", {**params, "page[size]": "1"})  # numbers the waiting changes
    small_page, small = run(api, "/api/changes", params, SMALL)
    types = {change["relationships"]["resource"]["data"]["type"] for change in small_page.document["data"]}
    assert types == {"organizations", "codesystems", "codes", "addresses"}

    # then a page ten times larger, with the current state of every record, costs no more
    with django_assert_num_queries(small):
        large_page = api.get("/api/changes", {**params, "page[size]": str(LARGE)})
    assert len(large_page.document["data"]) == LARGE


def test_a_search_is_counted_from_its_window_without_a_count_query(api, region):
    # given a search that matches more than a page (every unit is a "Förvaltning")
    with CaptureQueriesContext(connection) as queries:
        response = api.get("/api/organizations", {"filter[search]": "forvaltning", "page[size]": "5"})

    # then the count is exact, and no query of its own counted it
    assert response.document["meta"]["pagination"]["count"] == 60
    assert len(response.document["data"]) == 5
    assert not any(query["sql"].upper().startswith("SELECT COUNT(") for query in queries.captured_queries)
