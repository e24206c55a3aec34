"""Two-factor login: the password opens only the door to the second step."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from addressbook.choices import Role
from tests.factories import persona

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
VERIFY = reverse("admin:two_factor_verify")
SETUP = reverse("admin:two_factor_setup")
ADDRESSES = reverse("admin:addressbook_functionaddress_changelist")
PASSWORD = "ett långt lösenord för test"


def current_code(device: TOTPDevice) -> str:
    """What the administrator's phone shows right now."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def pause(device: TOTPDevice) -> None:
    """The seconds a person takes to retype a code: after one failure the next try must wait."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - datetime.timedelta(seconds=5)
    )


def log_in_with_password(client, username: str, next_url: str = ADDRESSES):
    return client.post(
        f"{LOGIN}?next={next_url}", {"username": username, "password": PASSWORD, "next": next_url}
    )


@pytest.fixture
def administrator(malmo):
    return persona(Role.ORGANIZATION_ADMINISTRATOR, "malmo-admin", [malmo])


@pytest.fixture
def phone(administrator):
    return TOTPDevice.objects.create(user=administrator, name="Telefon", confirmed=True)


def test_the_first_login_sets_up_an_authenticator_app_then_shows_backup_codes(client, administrator):
    # given an administrator without a second factor, who gives the right password
    after_password = log_in_with_password(client, "malmo-admin")

    # then they are sent to set one up, and the admin stays closed until they have
    assert after_password.status_code == 302
    assert after_password["Location"].startswith(SETUP)
    assert client.get(ADDRESSES)["Location"].startswith(LOGIN)

    # when they scan the code and type a wrong code, then the right one
    setup_page = client.get(after_password["Location"])
    device = TOTPDevice.objects.get(user=administrator, confirmed=False)
    wrong = client.post(SETUP, {"token": "000000" if current_code(device) != "000000" else "111111"})
    pause(device)
    right = client.post(SETUP, {"token": current_code(device), "next": ADDRESSES})

    # then the page had a QR code and the key to type; the wrong code was refused; the right
    # one confirmed the app and showed ten backup codes once
    assert "<svg" in setup_page.text
    assert re.search(r"([A-Z2-7]{4} ){3}", setup_page.text)
    assert "errornote" in wrong.text
    device.refresh_from_db()
    assert device.confirmed
    assert len(right.context["codes"]) == 10
    assert client.get(ADDRESSES).status_code == 200


def test_an_administrator_with_an_app_gives_its_code_after_the_password(client, administrator, phone):
    after_password = log_in_with_password(client, "malmo-admin")
    closed = client.get(ADDRESSES)
    wrong = client.post(VERIFY, {"token": "12345", "next": ADDRESSES})
    pause(phone)
    right = client.post(VERIFY, {"token": current_code(phone), "next": ADDRESSES})

    assert after_password["Location"].startswith(VERIFY)
    assert closed.status_code == 302
    assert "errornote" in wrong.text
    assert right.status_code == 302
    assert right["Location"] == ADDRESSES
    assert client.get(ADDRESSES).status_code == 200


def test_a_code_cannot_be_used_twice(client, administrator, phone):
    code = current_code(phone)
    log_in_with_password(client, "malmo-admin")
    client.post(VERIFY, {"token": code})
    client.logout()

    log_in_with_password(client, "malmo-admin")
    replay = client.post(VERIFY, {"token": code})

    assert "errornote" in replay.text
    assert client.get(ADDRESSES).status_code == 302


def test_guessing_codes_is_slowed_down_until_even_the_right_code_waits(client, administrator, phone):
    log_in_with_password(client, "malmo-admin")
    for guess in ("000001", "000002", "000003"):
        client.post(VERIFY, {"token": guess})

    throttled = client.post(VERIFY, {"token": current_code(phone)})

    assert "Too many wrong codes" in throttled.text or "För många felaktiga koder" in throttled.text
    assert client.get(ADDRESSES).status_code == 302


def test_a_backup_code_stands_in_for_a_lost_phone_once(client, administrator, phone):
    backup = administrator.staticdevice_set.create(name="Reservkoder")
    backup.token_set.create(token="reserv123")

    log_in_with_password(client, "malmo-admin")
    first = client.post(VERIFY, {"token": "reserv123"})
    client.logout()
    log_in_with_password(client, "malmo-admin")
    second = client.post(VERIFY, {"token": "reserv123"})

    assert first.status_code == 302
    assert "errornote" in second.text
    assert not StaticToken.objects.filter(token="reserv123").exists()


def test_without_the_requirement_only_those_with_an_app_are_asked(client, administrator, settings, lund):
    settings.ADMIN_REQUIRE_2FA = False
    with_app = persona(Role.ORGANIZATION_ADMINISTRATOR, "lund-admin", [lund])
    TOTPDevice.objects.create(user=with_app, name="Telefon", confirmed=True)

    without = log_in_with_password(client, "malmo-admin")
    client.logout()
    asked = log_in_with_password(client, "lund-admin")

    assert without["Location"] == ADDRESSES
    assert asked["Location"].startswith(VERIFY)


def test_the_second_step_is_only_for_someone_past_the_password(client, phone):
    assert client.get(VERIFY)["Location"] == LOGIN
    assert client.post(SETUP, {"token": current_code(phone)})["Location"] == LOGIN


def test_the_next_address_cannot_lead_off_site(client, administrator, phone):
    log_in_with_password(client, "malmo-admin")

    answer = client.post(VERIFY, {"token": current_code(phone), "next": "https://evil.example/"})

    assert answer["Location"] == reverse("admin:index")
