"""Contradictory, malformed and out-of-range query parameters are a 400 naming the parameter.

Each was once accepted and ignored (the attributes a misspelt ``fields`` asked for vanished,
``sort=--name`` sorted by name, ``page[after]`` beat ``page[number]``, ``%ff`` became U+FFFD)
or answered with a 500 (a page number or sequence number past PostgreSQL's bigint, a time
zone offset PostgreSQL does not take, an empty sparse fieldset).
"""

from __future__ import annotations

import pytest

from addressbook.services.api_clients import api_client_create
from tests.api.test_errors import assert_error

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999999"


@pytest.mark.parametrize(
    ("url", "query", "parameter"),
    [
        # sparse fieldsets name fields the resource has
        ("/api/addresses", "fields[addresses]=password", "fields[addresses]"),
        ("/api/addresses", "fields[addresses]=name,password", "fields[addresses]"),
        ("/api/addresses", "fields[addresses]=name,,identifier", "fields[addresses]"),
        ("/api/addresses", "include=parent&fields[organizations]=password", "fields[organizations]"),
        # sort: one "-" at most, each field once, something to sort by
        ("/api/addresses", "sort=--name", "sort"),
        ("/api/addresses", "sort=name,-name", "sort"),
        ("/api/addresses", "sort=name,", "sort"),
        ("/api/addresses", "sort=", "sort"),
        # include: something to include
        ("/api/addresses", "include=", "include"),
        ("/api/addresses", "include=parent,", "include"),
        # the two paging modes do not mix
        ("/api/addresses", "page[after]=&page[number]=2", "page[number]"),
        ("/api/organizations", "page[number]=1&page[after]=", "page[number]"),
        # numbers past what PostgreSQL's bigint holds (once a 500)
        ("/api/addresses", f"page[number]={HUGE}", "page[number]"),
        ("/api/addresses", "page[number]=1000000001", "page[number]"),
        ("/api/changes", f"filter[after]={HUGE}", "filter[after]"),
        ("/api/changes", "filter[after]=9223372036854775808", "filter[after]"),
        # page sizes and numbers that are not whole numbers in range
        ("/api/addresses", "page[size]=-1", "page[size]"),
        ("/api/addresses", f"page[size]={HUGE}", "page[size]"),
        ("/api/addresses", "page[size]=", "page[size]"),
        ("/api/addresses", "page[number]=", "page[number]"),
        ("/api/addresses", "page[number]=-3", "page[number]"),
        # page[after] is an id as links.next writes it
        ("/api/addresses", "page[after]={01a22c14-ea23-7861-9d93-e9a918090e6b}", "page[after]"),
        ("/api/addresses", "page[after]=urn:uuid:01a22c14-ea23-7861-9d93-e9a918090e6b", "page[after]"),
        # a value that is only blanks would be taken for no filter (matching everything)
        ("/api/addresses", "filter[search]=%20%20", "filter[search]"),
        ("/api/organizations", "filter[municipality]=%09", "filter[municipality]"),
        # plain endpoints: a parameter given has a value
        ("/api/changes", "include=", "include"),
        ("/api/changes", "filter[after]=", "filter[after]"),
    ],
)
def test_a_nonsensical_parameter_is_a_400_naming_it(api, directory, url, query, parameter):
    assert_error(api.get(f"{url}?{query}"), 400, parameter)


@pytest.mark.parametrize(
    ("url", "query", "parameter"),
    [
        ("/api/addresses", "filter[search]=%ff", "filter[search]"),
        ("/api/addresses", "filter[search]=malm%f6", "filter[search]"),  # Latin-1, not UTF-8
        ("/api/organizations", "filter[participantIdentifier]=0203:%c3", "filter[participantIdentifier]"),
        ("/api/addresses", "fields%5Baddr%e9sses%5D=name", "fields[addr\ufffdsses]"),
        ("/api/recipient-check", "filter[identifier]=sdk:%ff", "filter[identifier]"),
        ("/api/changes", "filter[after]=1%80", "filter[after]"),
    ],
)
def test_a_parameter_that_is_not_utf_8_is_a_400_naming_it(api, directory, url, query, parameter):
    # Django would read the bytes as U+FFFD and look for that: the client's text is lost
    error = assert_error(api.get(f"{url}?{query}"), 400, parameter)
    assert error["code"] == "invalid_encoding"


@pytest.mark.parametrize("query", ["sort=name", "page[size]=5", "page[number]=2", "page[after]="])
def test_a_single_resource_is_neither_sorted_nor_paged(api, directory, query):
    response = api.get(f"/api/organizations/{directory.malmo.pk}?{query}")

    assert_error(response, 400, query.partition("=")[0])


def test_utf_8_text_is_read_as_sent(api, directory):
    response = api.get("/api/organizations?filter[search]=malm%C3%B6")

    assert response.status_code == 200
    assert directory.malmo.name in [resource["attributes"]["name"] for resource in response.document["data"]]


def test_an_empty_sparse_fieldset_gives_type_and_id_only(api, directory):
    # JSON:API 1.1: "An empty value indicates that no fields should be returned" (once a 500)
    response = api.get("/api/addresses?fields[addresses]=&include=parent&fields[organizations]=name")

    assert response.status_code == 200
    assert response.document["data"]
    assert all(set(resource) == {"type", "id"} for resource in response.document["data"])
    assert all(set(resource["attributes"]) == {"name"} for resource in response.document["included"])


def test_an_empty_sparse_fieldset_of_a_single_resource(api, directory):
    response = api.get(f"/api/organizations/{directory.malmo.pk}?fields[organizations]=")

    assert response.status_code == 200
    assert response.document["data"] == {"type": "organizations", "id": str(directory.malmo.pk)}


def test_a_time_zone_offset_postgresql_does_not_take_is_compared_in_utc(api, directory):
    # ISO 8601 allows offsets up to ±23:59, PostgreSQL up to ±15:59 (once a 500)
    response = api.get("/api/addresses?filter[updatedSince]=2000-01-01T00:00:00%2B17:16")

    assert response.status_code == 200
    assert len(response.document["data"]) == 5  # the active addresses, all changed since 2000


def test_a_time_that_leaves_the_calendar_in_utc_is_a_400(api, directory):
    response = api.get("/api/addresses?filter[updatedSince]=0001-01-01T00:00:00%2B01:00")

    assert_error(response, 400, "filter[updatedSince]")


def test_the_statistics_ask_for_a_token_with_401(api):
    # no credentials: 401 and how to authenticate (a token without the scope is a 403)
    response = api.get("/api/statistics/coverage")

    assert_error(response, 401)
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_the_statistics_refuse_a_token_without_the_analyst_scope_with_403(api):
    _client, token = api_client_create(name="Vanlig klient")

    response = api.get("/api/statistics/coverage", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert_error(response, 403)
