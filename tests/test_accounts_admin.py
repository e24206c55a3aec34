"""Federation administrators give and take roles; nobody climbs above their own."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from addressbook.admin.versions import version_token
from addressbook.choices import HistoryChannel, Role
from addressbook.history import history_context
from addressbook.models import AuditEvent, StaffRole
from addressbook.selectors.history import describe_events, object_history
from addressbook.services.addresses import function_address_save
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ADD_ROLE = reverse("admin:addressbook_staffrole_add")
USERS = reverse("admin:auth_user_changelist")


def role_form(user, role: Role, organizations=()) -> dict[str, str]:
    form = {
        "user": str(user.pk),
        "role": role,
        "administered-TOTAL_FORMS": str(len(organizations)),
        "administered-INITIAL_FORMS": "0",
    }
    for index, organization in enumerate(organizations):
        form[f"administered-{index}-organization"] = str(organization.pk)
    return form


def test_a_federation_administrator_makes_someone_malmos_administrator(
    as_user, federation_admin, malmo, client
):
    # given a new colleague's account
    colleague = UserFactory(username="ny-kollega", is_staff=False)

    # when a federation administrator gives them Malmö
    answer = as_user(federation_admin).post(
        ADD_ROLE, role_form(colleague, Role.ORGANIZATION_ADMINISTRATOR, [malmo])
    )

    # then they may log in to the admin and keep Malmö, and the grant is in the history
    assert answer.status_code == 302
    colleague.refresh_from_db()
    assert colleague.is_staff
    assert list(colleague.staff_role.organizations.all()) == [malmo]
    assert (
        as_user(colleague).get(reverse("admin:addressbook_organization_change", args=[malmo.pk])).status_code
        == 200
    )
    granted = object_history(colleague.staff_role, with_related=True)
    assert {entry.username for entry in granted} == {"federation"}


@pytest.mark.parametrize(
    ("role", "with_organization", "message"),
    [
        (Role.ORGANIZATION_ADMINISTRATOR, False, "at least one organisation"),
        (Role.ANALYST, True, "Only organisation administrators"),
    ],
)
def test_a_role_and_its_organisations_must_fit_together(
    as_user, federation_admin, malmo, role, with_organization, message, settings
):
    settings.LANGUAGE_CODE = "en"
    colleague = UserFactory(username="ny-kollega")

    answer = as_user(federation_admin).post(
        ADD_ROLE, role_form(colleague, role, [malmo] if with_organization else []), HTTP_ACCEPT_LANGUAGE="en"
    )

    assert message in answer.text
    assert not StaffRole.objects.filter(user=colleague).exists()


def test_taking_the_role_away_closes_the_admin(as_user, federation_admin, malmo_admin, client):
    role = malmo_admin.staff_role

    as_user(federation_admin).post(
        reverse("admin:addressbook_staffrole_delete", args=[role.pk]), {"post": "yes"}
    )

    malmo_admin.refresh_from_db()
    assert not malmo_admin.is_staff
    assert as_user(malmo_admin).get(reverse("admin:index")).status_code == 302


def test_organisation_administrators_cannot_give_themselves_more(as_user, malmo_admin, lund):
    client = as_user(malmo_admin)

    answer = client.post(ADD_ROLE, role_form(malmo_admin, Role.FEDERATION_ADMINISTRATOR))
    change = client.post(
        reverse("admin:addressbook_staffrole_change", args=[malmo_admin.staff_role.pk]),
        role_form(malmo_admin, Role.ORGANIZATION_ADMINISTRATOR, [lund]),
    )

    assert answer.status_code == change.status_code == 403
    assert list(malmo_admin.staff_role.organizations.values_list("name", flat=True)) == ["Malmö stad"]


def test_a_federation_administrator_cannot_see_or_promote_to_superuser(
    as_user, federation_admin, admin_user, malmo_admin
):
    client = as_user(federation_admin)

    listed = {user.username for user in client.get(USERS).context["cl"].result_list}
    superuser_page = client.get(reverse("admin:auth_user_change", args=[admin_user.pk]), follow=True)
    own_page = client.get(reverse("admin:auth_user_change", args=[malmo_admin.pk]))
    client.post(
        reverse("admin:auth_user_change", args=[malmo_admin.pk]),
        {"username": "malmo-admin", "is_active": "on", "is_superuser": "on", "email": "a@example.se"},
    )
    password = client.get(reverse("admin:auth_user_password_change", args=[admin_user.pk]))

    assert admin_user.username not in listed
    assert superuser_page.redirect_chain[-1][0] == reverse("admin:index")
    assert "is_superuser" not in own_page.context["adminform"].form.fields
    malmo_admin.refresh_from_db()
    assert not malmo_admin.is_superuser
    assert password.status_code == 404


def test_a_lost_phone_is_reset_so_the_next_login_sets_up_a_new_one(as_user, federation_admin, malmo_admin):
    TOTPDevice.objects.create(user=malmo_admin, name="Gammal telefon", confirmed=True)

    as_user(federation_admin).post(
        USERS, {"action": "reset_two_factor", "_selected_action": [str(malmo_admin.pk)]}
    )

    assert not TOTPDevice.objects.filter(user=malmo_admin).exists()


def test_accounts_are_deactivated_not_deleted(as_user, federation_admin, malmo_admin):
    answer = as_user(federation_admin).get(reverse("admin:auth_user_delete", args=[malmo_admin.pk]))

    assert answer.status_code == 403
    assert get_user_model().objects.filter(pk=malmo_admin.pk).exists()


def test_superusers_are_out_of_a_federation_administrators_role_pages(
    as_user, federation_admin, django_user_model
):
    admin_user = django_user_model.objects.create_superuser("driftansvarig", "drift@example.se", "x" * 16)
    client = as_user(federation_admin)

    prefilled = client.get(ADD_ROLE, {"user": admin_user.pk})
    crafted = client.post(ADD_ROLE, role_form(admin_user, Role.ANALYST))

    assert admin_user.username not in prefilled.text
    assert "user" in crafted.context["adminform"].form.errors
    assert not StaffRole.objects.filter(user=admin_user).exists()


def test_renaming_an_account_does_not_rewrite_who_made_past_changes(
    as_user, federation_admin, malmo_admin, malmo_address
):
    # given a change Malmö's administrator made
    with history_context(channel=HistoryChannel.ADMIN, user=malmo_admin):
        malmo_address.name = "Ändrad av Malmö"
        function_address_save(function_address=malmo_address)
    client = as_user(federation_admin)

    # when a federation administrator renames Malmö's administrator, and takes the name
    def rename(user, username):
        client.post(
            reverse("admin:auth_user_change", args=[user.pk]),
            {
                "username": username,
                "first_name": "",
                "last_name": "",
                "email": "",
                "is_active": "on",
                "record_version": version_token(user),
            },
        )

    rename(malmo_admin, "someone-else")
    rename(federation_admin, "malmo-admin")

    # then the change is still Malmö's administrator's, and the renames are in the log themselves
    (change,) = [entry for entry in object_history(malmo_address) if entry.name == "Ändrad av Malmö"]
    assert change.username == "malmo-admin"
    renames = {entry.name for entry in describe_events(AuditEvent.objects.across("addressbook.AccountEvent"))}
    assert {"someone-else", "malmo-admin"} <= renames
