"""Conditional requests: ETag/If-None-Match and Last-Modified/If-Modified-Since give 304s."""

from __future__ import annotations

import pytest

from addressbook.models import Organization

pytestmark = pytest.mark.django_db


def test_an_unchanged_resource_is_answered_with_304_by_etag(client, malmo):
    url = f"/api/organizations/{malmo.pk}"
    first = client.get(url)
    again = client.get(url, headers={"if-none-match": first["ETag"]})
    assert first.status_code == 200
    assert again.status_code == 304
    assert again.content == b""


def test_a_changed_resource_is_sent_again(client, malmo):
    url = f"/api/organizations/{malmo.pk}"
    first = client.get(url)
    Organization.objects.filter(pk=malmo.pk).update(name="Malmö kommun")
    again = client.get(url, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 200
    assert again.json()["data"]["attributes"]["name"] == "Malmö kommun"


def test_if_modified_since_uses_last_modified(client, malmo):
    url = f"/api/organizations/{malmo.pk}"
    first = client.get(url)
    again = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
    assert again.status_code == 304


def test_collections_have_etags_and_last_modified(client, malmo):
    first = client.get("/api/organizations")
    again = client.get("/api/organizations", headers={"if-none-match": first["ETag"]})
    assert first["Last-Modified"]
    assert again.status_code == 304


@pytest.mark.parametrize(
    "url", ["/api/organizations", "/api/addresses", "/api/codesystems", "/api/codes", "/api/changes"]
)
def test_every_lookup_says_how_long_it_may_be_cached(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=60"
    assert "Authorization" in response["Vary"]


def test_recipient_checks_are_never_stale(client, malmo_address):
    response = client.get(
        "/api/recipient-check",
        {"filter[participantIdentifier]": "0203:malmo.se", "filter[identifier]": malmo_address.identifier},
    )
    assert response["Cache-Control"] == "no-cache"


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        ("application/vnd.api+json", "application/vnd.api+json"),
        ("application/json", "application/json"),
        ("*/*", "application/vnd.api+json"),
    ],
)
def test_clients_asking_for_plain_json_get_the_same_document(client, malmo, accept, content_type):
    response = client.get("/api/organizations", headers={"accept": accept})
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response.json()["data"][0]["type"] == "organizations"
