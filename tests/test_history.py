"""The audit history: every change, including bulk ones, with who, when, channel and before/after."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from pghistory.models import Events

from addressbook.admin.versions import version_token
from addressbook.choices import HistoryChannel, Status
from addressbook.history import history_context
from addressbook.models import FunctionAddress
from addressbook.selectors.history import object_history
from addressbook.services.addresses import function_addresses_deactivate
from tests.factories import FunctionAddressCodeFactory, FunctionAddressFactory

pytestmark = pytest.mark.django_db


def latest_change(obj):
    with translation.override("en"):
        return object_history(obj)[0]


def contexts(obj) -> list[dict]:
    return [event.pgh_context or {} for event in Events.objects.tracks(obj).order_by("pgh_id")]


def test_an_edit_in_the_admin_is_recorded_with_user_channel_and_values(
    admin_client, admin_user, malmo_address
):
    # given an address created outside any request
    form = {
        "identifier": malmo_address.identifier,
        "name": "Socialtjänsten, barn och familj",
        "organization": malmo_address.organization.pk,
        "description": "",
        "keywords": "",
        "status": "active",
        "classifications-TOTAL_FORMS": "0",
        "classifications-INITIAL_FORMS": "0",
        "record_version": version_token(malmo_address),
    }

    # when an administrator renames it in the admin
    response = admin_client.post(
        reverse("admin:addressbook_functionaddress_change", args=[malmo_address.pk]), form
    )

    # then the change is in the history with user, channel and before/after
    assert response.status_code == 302
    latest = latest_change(malmo_address)
    assert latest.username == admin_user.username
    assert latest.channel == "Admin"
    assert ("name", "Socialtjänsten, barn och unga", "Socialtjänsten, barn och familj") in latest.changes
    assert contexts(malmo_address)[-1]["user"] == admin_user.pk


def test_a_bulk_action_in_the_admin_is_recorded_for_every_row(admin_client, admin_user, malmo):
    # given three active addresses
    addresses = FunctionAddressFactory.create_batch(3, organization=malmo)

    # when they are deactivated with one bulk action (one UPDATE statement)
    admin_client.post(
        reverse("admin:addressbook_functionaddress_changelist"),
        {"action": "deactivate", "_selected_action": [a.pk for a in addresses]},
    )

    # then each has a history row naming the administrator and the admin channel
    for address in addresses:
        context = contexts(address)[-1]
        assert (context["user"], context["channel"]) == (admin_user.pk, "admin")
        assert Events.objects.tracks(address).order_by("pgh_id").last().pgh_diff == {
            "status": ["active", "inactive"]
        }


def test_a_bulk_update_by_a_service_is_recorded_with_its_channel(django_user_model, malmo):
    # given addresses and an importing user
    user = django_user_model.objects.create_user("importer")
    addresses = FunctionAddressFactory.create_batch(2, organization=malmo)

    # when a service deactivates them in bulk during an import
    with history_context(channel=HistoryChannel.IMPORT, user=user):
        function_addresses_deactivate(function_addresses=FunctionAddress.objects.filter(organization=malmo))

    # then the history names the import channel and the user
    for address in addresses:
        context = contexts(address)[-1]
        assert (context["channel"], context["username"]) == ("import", "importer")
        address.refresh_from_db()
        assert address.status == Status.INACTIVE


def test_changes_outside_any_context_are_still_recorded(malmo_address):
    FunctionAddress.objects.filter(pk=malmo_address.pk).update(name="Ändrad med SQL")
    latest = latest_change(malmo_address)
    assert latest.channel == "System"
    assert ("name", "Socialtjänsten, barn och unga", "Ändrad med SQL") in latest.changes


def test_history_page_shows_classification_changes_of_an_address(
    admin_client, malmo_address, psychiatry_codes
):
    # given an address classified with BUP
    FunctionAddressCodeFactory(function_address=malmo_address, code=psychiatry_codes[1])

    # when its history is opened in the admin
    page = admin_client.get(reverse("admin:addressbook_functionaddress_history", args=[malmo_address.pk]))

    # then both the address's creation and the classification are listed
    assert page.status_code == 200
    records = {entry.record for entry in page.context["audit_entries"]()}
    assert {"funktionsadress", "klassning"} <= records or {"function address", "classification"} <= records
    assert "Socialtjänsten, barn och unga" in page.text
