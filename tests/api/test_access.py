"""Who may use the API: anonymous reads, API-client tokens, the token requirement, rate limits."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from addressbook.api.access import AnonymousRateThrottle, FailedTokenThrottle
from addressbook.models import ApiClient
from addressbook.models.api_clients import hash_token
from addressbook.services.api_clients import api_client_create, api_client_rotate_token

pytestmark = pytest.mark.django_db

ORGANIZATIONS = "/api/organizations"


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def test_anonymous_reads_are_allowed_by_default(client, malmo):
    response = client.get(ORGANIZATIONS)
    assert response.status_code == 200
    assert response.json()["data"][0]["attributes"]["name"] == "Malmö stad"


def test_the_server_can_require_a_token(client, settings, malmo):
    # given a server that requires tokens, and one client
    settings.API_REQUIRE_TOKEN = True
    _client, token = api_client_create(name="Malmö meddelandetjänst")

    # when asked without and with the token
    anonymous = client.get(ORGANIZATIONS)
    with_token = client.get(ORGANIZATIONS, headers=bearer(token))

    # then only the client gets the data, and the anonymous caller is told how to authenticate
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"].startswith("Bearer")
    assert anonymous.json()["errors"][0]["status"] == "401"
    assert with_token.status_code == 200
    assert "private" in with_token["Cache-Control"]


def test_tokens_are_stored_only_as_hashes(malmo):
    client, token = api_client_create(name="Lund")
    stored = ApiClient.objects.get(pk=client.pk)
    assert token not in {stored.token_hash, stored.token_prefix, stored.name}
    assert stored.token_hash == hash_token(token)
    assert token.startswith(stored.token_prefix)


@pytest.mark.parametrize("state", ["revoked", "expired", "unknown", "malformed"])
def test_unusable_tokens_are_refused(client, state):
    api_client, token = api_client_create(name="Region Skåne")
    if state == "revoked":
        ApiClient.objects.filter(pk=api_client.pk).update(revoked_at=timezone.now())
    elif state == "expired":
        ApiClient.objects.filter(pk=api_client.pk).update(
            expires_at=timezone.now() - datetime.timedelta(seconds=1)
        )
    elif state == "unknown":
        token = "not-a-token-of-ours"
    headers = {"authorization": f"Token {token}"} if state == "malformed" else bearer(token)

    response = client.get(ORGANIZATIONS, headers=headers)

    assert response.status_code == 401
    assert response.json()["errors"][0]["status"] == "401"


def test_a_new_token_replaces_the_old_one(client):
    api_client, old = api_client_create(name="Region Skåne")
    new = api_client_rotate_token(client=api_client)
    assert client.get(ORGANIZATIONS, headers=bearer(old)).status_code == 401
    assert client.get(ORGANIZATIONS, headers=bearer(new)).status_code == 200


def test_last_use_is_recorded(client, django_capture_on_commit_callbacks):
    api_client, token = api_client_create(name="Uppsala")
    assert api_client.last_used_at is None
    # Recorded after the request's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        client.get(ORGANIZATIONS, headers=bearer(token))
    api_client.refresh_from_db()
    assert timezone.now() - api_client.last_used_at < datetime.timedelta(minutes=1)


def test_a_client_over_its_rate_gets_429_with_retry_after(client):
    # given a client allowed three requests a minute
    _api_client, token = api_client_create(name="Eager service", throttle_rate="3/min")

    # when it makes four
    statuses = [client.get(ORGANIZATIONS, headers=bearer(token)).status_code for _ in range(4)]
    refused = client.get(ORGANIZATIONS, headers=bearer(token))

    # then the fourth and later are refused, saying when to come back
    assert statuses == [200, 200, 200, 429]
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused.json()["errors"][0]["status"] == "429"


def test_clients_are_limited_separately_from_each_other(client):
    _a, token_a = api_client_create(name="A", throttle_rate="1/min")
    _b, token_b = api_client_create(name="B", throttle_rate="1/min")
    assert client.get(ORGANIZATIONS, headers=bearer(token_a)).status_code == 200
    assert client.get(ORGANIZATIONS, headers=bearer(token_b)).status_code == 200
    assert client.get(ORGANIZATIONS, headers=bearer(token_a)).status_code == 429


def test_anonymous_callers_are_limited_per_address(client, monkeypatch):
    monkeypatch.setattr(AnonymousRateThrottle, "THROTTLE_RATES", {"anonymous": "2/min"})
    here = [client.get(ORGANIZATIONS, REMOTE_ADDR="192.0.2.1").status_code for _ in range(3)]
    elsewhere = client.get(ORGANIZATIONS, REMOTE_ADDR="192.0.2.2").status_code
    assert here == [200, 200, 429]
    assert elsewhere == 200


def test_create_api_client_prints_a_working_token_once(client, malmo):
    # when an operator registers Malmö's message service
    output = StringIO()
    call_command("create_api_client", "Malmö meddelandetjänst", organization="0203:malmo.se", stdout=output)

    # then the printed token works and the client belongs to Malmö
    token = output.getvalue().strip().splitlines()[-1]
    assert client.get(ORGANIZATIONS, headers=bearer(token)).status_code == 200
    assert ApiClient.objects.get(name="Malmö meddelandetjänst").organization == malmo


@pytest.mark.parametrize(
    "arguments",
    [
        {"organization": "0203:finns-inte.se"},
        {"expires_in_days": 0},
        {"rate": "lots"},
    ],
)
def test_create_api_client_refuses_bad_input(arguments):
    with pytest.raises(CommandError):
        call_command("create_api_client", "X", stdout=StringIO(), **arguments)
    assert not ApiClient.objects.exists()


def test_admin_shows_a_new_clients_token_once(admin_client):
    # when a federation administrator adds an API client
    response = admin_client.post(
        reverse("admin:addressbook_apiclient_add"),
        {"name": "Region Skåne", "contact": "drift@skane.se", "throttle_rate": ""},
        follow=True,
    )

    # then the token is in the message, works, and is never shown on the client's page again
    message = next(str(m) for m in response.context["messages"])
    token = message.split("<code>")[1].split("</code>")[0]
    api_client = ApiClient.objects.get(name="Region Skåne")
    assert api_client.token_hash == hash_token(token)
    page = admin_client.get(reverse("admin:addressbook_apiclient_change", args=[api_client.pk]))
    assert token not in page.text


def test_admin_can_revoke_tokens(admin_client, client):
    api_client, token = api_client_create(name="Gammal tjänst")
    admin_client.post(
        reverse("admin:addressbook_apiclient_changelist"),
        {"action": "revoke", "_selected_action": [api_client.pk]},
    )
    assert client.get(ORGANIZATIONS, headers=bearer(token)).status_code == 401


def test_the_scheme_name_is_case_insensitive(client):
    _api_client, token = api_client_create(name="Lowercase")
    assert client.get(ORGANIZATIONS, headers={"authorization": f"bearer {token}"}).status_code == 200


def test_guessing_tokens_is_slowed_down_per_address(client, monkeypatch):
    # given an address allowed three failed token attempts a minute
    monkeypatch.setattr(FailedTokenThrottle, "THROTTLE_RATES", {"failed_token": "3/min"})

    # when it keeps guessing
    statuses = [client.get(ORGANIZATIONS, headers=bearer(f"guess-{n}")).status_code for n in range(5)]

    # then after three failures it is told to wait, without another token lookup
    assert statuses == [401, 401, 401, 429, 429]


def test_a_forged_forwarded_for_header_does_not_reset_the_anonymous_limit(client, monkeypatch):
    monkeypatch.setattr(AnonymousRateThrottle, "THROTTLE_RATES", {"anonymous": "2/min"})
    statuses = [
        client.get(ORGANIZATIONS, headers={"x-forwarded-for": f"198.51.100.{n}"}).status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]
