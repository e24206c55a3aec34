"""Repeated failed logins lock a user name out from that address for a while."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")


def login(client, password: str, address: str = "192.0.2.10"):
    return client.post(LOGIN, {"username": "handlaggare", "password": password}, REMOTE_ADDR=address)


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("handlaggare", password="rätt-lösenord-123", is_staff=True)


def test_five_failures_lock_the_account_even_for_the_right_password(client, staff, settings):
    # given five failed attempts from one address
    failures = [login(client, "fel").status_code for _ in range(settings.AXES_FAILURE_LIMIT)]

    # when the right password is tried next
    locked = login(client, "rätt-lösenord-123")

    # then the fifth failure already locks, and the right password is refused too, with a
    # page that says why and for how long
    assert failures == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert locked.status_code == 429
    assert "15" in locked.text
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_address_so_nobody_can_lock_an_administrator_out_everywhere(client, staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "fel", address="198.51.100.66")
    response = login(client, "rätt-lösenord-123", address="192.0.2.10")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_a_successful_login_clears_earlier_failures(client, staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "fel")
    assert login(client, "rätt-lösenord-123").status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "fel")
    assert login(client, "rätt-lösenord-123").status_code == 302
