"""Errors as JSON:API error documents: a 400 that names the parameter at fault, a 404 for ids,
a 500 for a bug and a 503 (with Retry-After) while the database cannot answer.

Nothing a client sends is silently ignored: a misspelt filter that matched everything would
send a message service the wrong recipients.
"""

from __future__ import annotations

import uuid

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db

COLLECTIONS = ["/api/organizations", "/api/addresses", "/api/codesystems", "/api/codes"]


def assert_error(response, status: int, parameter: str | None = None) -> dict:
    """One JSON:API error object with status, code and detail (and the parameter at fault)."""
    assert response.status_code == status, response.document
    errors = response.document["errors"]
    assert len(errors) == 1, errors
    error = errors[0]
    assert error["status"] == str(status)
    assert error.get("code"), error
    assert error.get("detail"), error
    if parameter is not None:
        assert error.get("source") == {"parameter": parameter}, error
    return error


@pytest.fixture
def resource_urls(directory):
    return {
        "/api/organizations": f"/api/organizations/{directory.malmo.pk}",
        "/api/addresses": f"/api/addresses/{directory.children.pk}",
        "/api/codesystems": f"/api/codesystems/{directory.code_system.pk}",
        "/api/codes": f"/api/codes/{directory.bup.pk}",
    }


# --- 400: unknown parameters ---------------------------------------------------------------


@pytest.mark.parametrize("url", [*COLLECTIONS, "/api/changes", "/api/recipient-check"])
@pytest.mark.parametrize("parameter", ["bogus", "filter_status", "page", "limit", "offset", "q"])
def test_an_unknown_query_parameter_is_a_400_naming_it(api, url, parameter):
    response = api.get(url, {parameter: "1"})

    assert_error(response, 400, parameter)


def test_an_unknown_query_parameter_on_one_resource_is_a_400(api, resource_urls):
    for url in resource_urls.values():
        assert_error(api.get(url, {"bogus": "1"}), 400, "bogus")


def test_an_unknown_query_parameter_on_a_nested_collection_is_a_400(api, directory):
    url = f"/api/organizations/{directory.malmo.pk}/addresses"

    assert_error(api.get(url, {"pageSize": "5"}), 400, "pageSize")


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/organizations", "filter[name]"),
        ("/api/organizations", "filter[code]"),
        ("/api/organizations", "filter[participant_identifier_typo]"),
        ("/api/addresses", "filter[owner]"),
        ("/api/addresses", "filter[codes]"),
        ("/api/codesystems", "filter[search]"),
        ("/api/codesystems", "filter[code]"),
        ("/api/codes", "filter[search]"),
        ("/api/codes", "filter[identifier]"),
        ("/api/changes", "filter[before]"),
        ("/api/recipient-check", "filter[organizationNumber]"),
    ],
)
def test_an_unknown_filter_is_a_400_naming_it(api, url, parameter):
    response = api.get(url, {parameter: "x"})

    error = assert_error(response, 400, parameter)
    assert parameter in error["detail"]


def test_an_unknown_filter_on_one_resource_is_a_400(api, resource_urls):
    assert_error(api.get(resource_urls["/api/organizations"], {"filter[bogus]": "1"}), 400, "filter[bogus]")


@pytest.mark.parametrize(
    ("url", "params", "parameter"),
    [
        ("/api/organizations", {"sort": "kind"}, "sort"),
        ("/api/organizations", {"sort": "name,-bogus"}, "sort"),
        ("/api/codes", {"sort": "name"}, "sort"),
        ("/api/organizations", {"include": "addresses"}, "include"),
        ("/api/addresses", {"include": "parent,owner"}, "include"),
        ("/api/codes", {"include": "codes"}, "include"),
        ("/api/organizations", {"fields[codes]": "code"}, "fields[codes]"),
        ("/api/codesystems", {"fields[addresses]": "name"}, "fields[addresses]"),
        ("/api/organizations", {"page[offset]": "10"}, "page[offset]"),
        ("/api/organizations", {"page[size]": "0"}, "page[size]"),
        ("/api/organizations", {"page[size]": "1001"}, "page[size]"),
        ("/api/organizations", {"page[size]": "ten"}, "page[size]"),
        ("/api/organizations", {"page[number]": "0"}, "page[number]"),
        ("/api/organizations", {"page[after]": "not-an-id"}, "page[after]"),
        ("/api/organizations", {"page[after]": "", "sort": "name"}, "sort"),
        ("/api/organizations", {"filter[search]": ""}, "filter[search]"),
        ("/api/changes", {"filter[after]": "yesterday"}, "filter[after]"),
        ("/api/changes", {"filter[after]": "-1"}, "filter[after]"),
        ("/api/changes", {"page[size]": "0"}, "page[size]"),
        ("/api/changes", {"include": "organization"}, "include"),
    ],
)
def test_a_parameter_the_endpoint_cannot_honour_is_a_400_naming_it(api, url, params, parameter):
    assert_error(api.get(url, params), 400, parameter)


@pytest.mark.parametrize("url", ["/api/organizations", "/api/changes"])
def test_a_repeated_parameter_is_a_400(api, url):
    response = api.get(f"{url}?filter[status]=active&filter[status]=all&page[size]=5&page[size]=6")

    error = assert_error(response, 400)
    assert error["source"]["parameter"] in {"filter[status]", "page[size]"}


@pytest.mark.parametrize(
    ("url", "parameter", "value"),
    [
        ("/api/organizations", "filter[status]", "deleted"),
        ("/api/organizations", "filter[type]", "x"),
        ("/api/organizations", "filter[kind]", "kommun"),
        ("/api/organizations", "filter[county]", "99"),
        ("/api/organizations", "filter[parent]", "malmo"),
        ("/api/organizations", "filter[updatedSince]", "yesterday"),
        ("/api/addresses", "filter[codeSystem]", "not-a-uuid"),
        ("/api/codes", "filter[status]", "maybe"),
    ],
)
def test_a_filter_value_that_cannot_be_understood_is_a_400_naming_the_filter(api, url, parameter, value):
    # JSON:API's source.parameter: the fault is in the query, there is no request document
    assert_error(api.get(url, {parameter: value}), 400, parameter)


# --- 404 -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/organizations/malmo",
        "/api/organizations/123",
        "/api/addresses/sdk:barn:0203:malmo.se",
        "/api/codesystems/1.2.752.99",
        "/api/codes/psykiatri",
        "/api/organizations/01a22470-190c-7b03-b5c8-eeb956bc894",  # one digit short
        "/api/organizations/malmo/addresses",
        "/api/organizations/malmo/sub-organizations",
        "/api/codesystems/1.2.752.99/codes",
    ],
)
def test_a_malformed_id_is_a_404_error_document(api, path):
    assert_error(api.get(path), 404)


# (/api/ itself is the front door: tests/api/test_front_door.py)
@pytest.mark.parametrize("path", ["/api/addresses/", "/api/nothing-here", "/api/addresses/123"])
def test_a_path_that_names_nothing_is_a_404_error_document_also_under_debug(api, settings, path):
    # make run runs with DEBUG, where Django would list every URL pattern in an HTML page
    settings.DEBUG = True

    assert_error(api.get(path), 404)


@pytest.mark.parametrize("url", COLLECTIONS)
def test_an_unknown_id_is_a_404_error_document(api, directory, url):
    assert_error(api.get(f"{url}/{uuid.uuid4()}"), 404)


def test_an_id_of_another_type_is_a_404(api, directory):
    assert_error(api.get(f"/api/organizations/{directory.children.pk}"), 404)


@pytest.mark.parametrize(
    "path",
    [
        "/api/organizations/{id}/addresses",
        "/api/organizations/{id}/sub-organizations",
        "/api/codesystems/{id}/codes",
    ],
)
def test_a_nested_collection_of_an_unknown_owner_is_a_404(api, directory, path):
    # an empty list would say "Malmö has no addresses"; the truth is "no such organisation"
    assert_error(api.get(path.format(id=uuid.uuid4())), 404)


def test_an_unknown_path_under_the_api_is_a_404_error_document(api):
    assert_error(api.get("/api/organisations"), 404)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/organizations", {"bogus": "1"}),
        ("/api/organizations", {"filter[county]": "99"}),
        ("/api/organizations/malmo", {}),
        (f"/api/organizations/{uuid.UUID(int=1)}", {}),
        ("/api/organizations", {"page[number]": "9"}),
    ],
    ids=["unknown-parameter", "bad-filter-value", "malformed-id", "unknown-id", "page-out-of-range"],
)
def test_every_error_has_a_title(api, path, params):
    # the error objects carry status, code, title and detail
    response = api.get(path, params)

    assert response.status_code >= 400
    assert all(error.get("title") for error in response.document["errors"]), response.document


# --- 500 and 503: what the server could not do -----------------------------------------------

CHANGES_URL = "/api/changes"


def fail_with(monkeypatch, error: Exception) -> None:
    """The change feed's selector raises ``error``, as a bug or a database gone away would."""

    def raise_error(**kwargs):
        raise error

    monkeypatch.setattr("addressbook.api.changes.changes_after", raise_error)


@pytest.fixture
def api_survives_errors(api):
    # The test client re-raises a view's uncaught exception; a client sees the answer instead.
    api.raise_request_exception = False
    return api


def test_an_unexpected_exception_is_a_jsonapi_500_that_reveals_nothing(api_survives_errors, monkeypatch):
    # given a bug in a view
    fail_with(monkeypatch, RuntimeError("secret: SELECT password FROM accounts"))

    # when a client asks
    response = api_survives_errors.get(CHANGES_URL)

    # then it gets a JSON:API error document, not Django's HTML page, and nothing of the bug
    error = assert_error(response, 500)
    assert error["title"] == "Internal Server Error"
    assert b"secret" not in response.content


def test_a_database_that_cannot_answer_is_a_503_with_retry_after(api_survives_errors, monkeypatch):
    # given a database that refuses connections
    fail_with(monkeypatch, OperationalError("connection refused"))

    response = api_survives_errors.get(CHANGES_URL)

    error = assert_error(response, 503)
    assert error["code"] == "database_unavailable"
    assert response["Retry-After"] == "5"
    assert b"refused" not in response.content


def test_a_database_failure_outside_a_view_is_a_503_too(api_survives_errors, monkeypatch):
    # given a database gone away while an unknown path is answered (it counts the request)
    def count_fails(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("addressbook.api.errors.usage_record", count_fails)

    response = api_survives_errors.get("/api/organisations")

    assert_error(response, 503)
    assert response["Retry-After"] == "5"


def test_outside_the_api_django_keeps_its_own_error_pages(client):
    response = client.get("/no-such-page")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
