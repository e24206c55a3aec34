"""/api/, the API's front door: a client given only the base URL finds everything from there."""

from __future__ import annotations

import pytest
from django.utils import timezone
from jsonschema import Draft7Validator

from addressbook.choices import UsageMetric
from addressbook.models import UsageCount
from addressbook.selectors.datasets import DATASETS
from addressbook.services.usage import usage_rollup
from tests.api.test_errors import assert_error

pytestmark = pytest.mark.django_db


def related_links(document: dict) -> dict[str, str]:
    """Each relationship's related link by name: where the front door leads."""
    return {name: value["links"]["related"] for name, value in document["data"]["relationships"].items()}


COLLECTIONS = {
    "organizations": "/api/organizations",
    "addresses": "/api/addresses",
    "codesystems": "/api/codesystems",
    "codes": "/api/codes",
}


def test_the_front_door_links_every_collection_and_endpoint_as_absolute_urls(api):
    document = api.get("/api/").document

    assert document["links"] == document["data"]["links"] == {"self": "http://testserver/api/"}
    assert (document["data"]["type"], document["data"]["id"]) == ("api", "1")
    links = related_links(document)
    for name, path in COLLECTIONS.items():
        assert links[name] == f"http://testserver{path}"
    assert links["changes"] == "http://testserver/api/changes"
    assert links["recipientCheck"] == "http://testserver/api/recipient-check"
    assert links["schema"] == "http://testserver/api/schema"
    assert links["docs"] == "http://testserver/api/docs"
    statistics = {url for name, url in links.items() if name.startswith("statistics")}
    assert statistics == {f"http://testserver/api/statistics/{dataset}" for dataset in DATASETS}
    assert document["meta"] == {
        "name": "SDK address book API",
        "version": "1",
        "docs": "http://testserver/api/docs",
    }


def test_every_link_leads_somewhere(api, client, directory):
    links = related_links(api.get("/api/").document)

    # the collections and the change feed answer as they are
    for name in [*COLLECTIONS, "changes"]:
        assert api.get(links[name]).status_code == 200, name
    # the recipient check wants its question, statistics want an analyst's token: not a 404
    assert_error(api.get(links["recipientCheck"]), 400)
    for name, url in links.items():
        if name.startswith("statistics"):
            assert_error(api.get(url), 401)
    assert client.get(links["schema"]).status_code == 200
    assert client.get(links["docs"]).status_code == 200


def test_links_name_the_host_and_scheme_the_client_used(api, settings):
    # behind the TLS-terminating proxy, as in production
    settings.ALLOWED_HOSTS = ["addressbook.example"]

    document = api.get("/api/", HTTP_HOST="addressbook.example", secure=True).document

    assert related_links(document)["addresses"] == "https://addressbook.example/api/addresses"
    assert document["meta"]["docs"] == "https://addressbook.example/api/docs"


def test_a_query_parameter_is_a_400_naming_it(api):
    assert_error(api.get("/api/", {"include": "addresses"}), 400, "include")


def test_the_front_door_is_an_api_request_like_any_other(api, settings):
    settings.API_REQUIRE_TOKEN = False
    UsageCount.objects.all().delete()

    response = api.get("/api/")

    assert response["Cache-Control"] == f"public, max-age={settings.API_CACHE_SECONDS}"
    assert "Accept" in response["Vary"]
    usage_rollup()
    counted = UsageCount.objects.filter(metric=UsageMetric.REQUEST, day=timezone.localdate())
    assert {row.dimension: row.count for row in counted} == {"front-door": 1}


def test_under_debug_the_front_door_answers_rather_than_django_s_url_list(api, settings):
    # make run runs with DEBUG
    settings.DEBUG = True

    response = api.get("/api/")

    assert response.status_code == 200
    assert response.document["data"]["type"] == "api"


def test_the_schema_describes_the_front_door_as_it_answers(api, client):
    schema = client.get("/api/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"]["/api/"]["get"]
    described = operation["responses"]["200"]["content"]["application/vnd.api+json"]["schema"]

    document = api.get("/api/").document

    assert not operation.get("parameters")
    assert not list(Draft7Validator(described).iter_errors(document))


def test_the_base_url_without_its_slash_leads_to_the_front_door(api):
    response = api.get("/api", follow=True)

    assert response.redirect_chain == [("/api/", 301)]
    assert response.document["data"]["type"] == "api"
