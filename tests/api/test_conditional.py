"""Conditional requests: ETag/If-None-Match and Last-Modified/If-Modified-Since give 304s."""

from __future__ import annotations

import time

import pytest

from addressbook.models import Organization
from tests.factories import FunctionAddressCodeFactory

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


def test_collections_are_revalidated_by_etag_not_by_date(client, malmo):
    # A record leaving a page does not make the page "newer": only the ETag tells.
    first = client.get("/api/organizations")
    again = client.get("/api/organizations", headers={"if-none-match": first["ETag"]})
    assert "Last-Modified" not in first
    assert again.status_code == 304


def test_a_new_classification_makes_an_address_modified(client, malmo_address, psychiatry_codes):
    # given a client that has the address and its Last-Modified
    url = f"/api/addresses/{malmo_address.pk}"
    first = client.get(url)

    # when the address is classified with a code (a second later, as dates have seconds)
    time.sleep(1.1)
    FunctionAddressCodeFactory(function_address=malmo_address, code=psychiatry_codes[0])

    # then revalidating by date gives the new version
    again = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
    assert again.status_code == 200
    assert len(again.json()["data"]["relationships"]["codes"]["data"]) == 1


def test_the_change_feed_is_never_served_from_a_cache(client):
    assert client.get("/api/changes")["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("url", ["/api/organizations", "/api/addresses", "/api/codesystems", "/api/codes"])
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
