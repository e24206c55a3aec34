"""Administrators confirm that addresses are still staffed; long-unconfirmed ones are listed."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from addressbook.models import Change, FunctionAddress
from tests.factories import FunctionAddressFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:addressbook_functionaddress_changelist")


def age(address: FunctionAddress, *, days: int) -> None:
    """Pretend the address was last changed (and confirmed, if it was) ``days`` ago."""
    long_ago = timezone.now() - datetime.timedelta(days=days)
    FunctionAddress.objects.filter(pk=address.pk).update(updated_at=long_ago)


def test_one_click_confirms_the_selected_addresses(admin_client, admin_user, malmo):
    # given two of Malmö's addresses
    addresses = FunctionAddressFactory.create_batch(2, organization=malmo)

    # when the administrator confirms both with the bulk action
    admin_client.post(
        CHANGELIST, {"action": "confirm_staffed", "_selected_action": [a.pk for a in addresses]}
    )

    # then the date and the administrator are kept and shown on the address
    for address in addresses:
        address.refresh_from_db()
        assert timezone.now() - address.confirmed_at < datetime.timedelta(minutes=1)
        assert address.confirmed_by == admin_user
    page = admin_client.get(reverse("admin:addressbook_functionaddress_change", args=[addresses[0].pk]))
    assert admin_user.username in page.text


def test_addresses_unconfirmed_for_a_year_are_listed_for_review(admin_client, malmo, settings):
    # given one address untouched for 400 days, one confirmed recently, one changed recently
    settings.ADDRESS_CONFIRMATION_MONTHS = 12
    stale = FunctionAddressFactory(organization=malmo, name="Gammal")
    confirmed = FunctionAddressFactory(organization=malmo, name="Bekräftad")
    FunctionAddressFactory(organization=malmo, name="Ändrad nyss")
    age(stale, days=400)
    age(confirmed, days=400)
    FunctionAddress.objects.filter(pk=confirmed.pk).update(confirmed_at=timezone.now())

    # when the administrator filters on addresses due for a check
    due = admin_client.get(CHANGELIST, {"confirmation": "due"}).context["cl"].result_list

    # then only the stale one is listed
    assert [a.name for a in due] == ["Gammal"]


def test_a_confirmation_is_audited_but_not_published_as_a_change(malmo_address, admin_client):
    before = Change.objects.count()
    admin_client.post(CHANGELIST, {"action": "confirm_staffed", "_selected_action": [malmo_address.pk]})
    history = admin_client.get(reverse("admin:addressbook_functionaddress_history", args=[malmo_address.pk]))
    assert Change.objects.count() == before  # nothing a message service sees changed
    assert "confirmed_at" not in history.text  # shown with its label, not its column name
    assert history.context["audit_entries"]()[0].username == "admin"
