"""Who may do what in the admin: each persona can do its job and nothing beyond it.

Malmö's administrator keeps Malmö (with its sub-organisations and addresses) and nothing of
Lund's, whichever route they try: lists, pages, history, bulk actions, autocomplete or a
crafted POST. Analysts see no directory data; federation administrators see everything.
"""

from __future__ import annotations

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from addressbook.admin.versions import version_token
from addressbook.choices import OrganizationType, Role, Status
from addressbook.models import FunctionAddress, Organization
from tests.factories import FunctionAddressCodeFactory, SubOrganizationFactory, UserFactory, persona

pytestmark = pytest.mark.django_db

ORGANIZATIONS = reverse("admin:addressbook_organization_changelist")
ADDRESSES = reverse("admin:addressbook_functionaddress_changelist")
ADD_ADDRESS = reverse("admin:addressbook_functionaddress_add")
ADD_ORGANIZATION = reverse("admin:addressbook_organization_add")
# What only federation administrators open: clients, roles, accounts, the log, code systems.
FEDERATION_PAGES = [
    reverse("admin:addressbook_apiclient_changelist"),
    reverse("admin:addressbook_staffrole_changelist"),
    reverse("admin:auth_user_changelist"),
    reverse("admin:addressbook_auditevent_changelist"),
    reverse("admin:addressbook_codesystem_add"),
    reverse("admin:addressbook_code_add"),
]


def change_url(obj) -> str:
    return reverse(f"admin:addressbook_{obj._meta.model_name}_change", args=[obj.pk])


def history_url(obj) -> str:
    return reverse(f"admin:addressbook_{obj._meta.model_name}_history", args=[obj.pk])


def address_form(address: FunctionAddress, **changes) -> dict[str, str]:
    """A function address's change form as the admin posts it, with ``changes`` applied."""
    return {
        "identifier": address.identifier,
        "name": address.name,
        "organization": str(address.organization_id),
        "description": address.description,
        "keywords": "",
        "status": address.status,
        "classifications-TOTAL_FORMS": "0",
        "classifications-INITIAL_FORMS": "0",
        "record_version": version_token(address),
        **changes,
    }


def organization_form(organization: Organization, **changes) -> dict[str, str]:
    return {
        "type": organization.type,
        "parent": str(organization.parent_id or ""),
        "participant_identifier": organization.participant_identifier,
        "organization_number": organization.organization_number,
        "name": organization.name,
        "kind": organization.kind,
        "municipality_code": organization.municipality_code,
        "county_code": organization.county_code,
        "country_code": "SE",
        "status": organization.status,
        "function_addresses-TOTAL_FORMS": "0",
        "function_addresses-INITIAL_FORMS": "0",
        # A participant's page also has its SDK connection (for federation administrators).
        "connection-TOTAL_FORMS": "0",
        "connection-INITIAL_FORMS": "0",
        "record_version": version_token(organization),
        **changes,
    }


def listed(page) -> set[str]:
    """The names in a change list of organisations (their str() adds the identifier)."""
    return {str(row).split(" (")[0] for row in page.context["cl"].result_list}


@pytest.fixture
def malmo_department(malmo):
    return SubOrganizationFactory(parent=malmo, name="Socialförvaltningen")


# ------------------------------------------------------------------------------
# An organisation administrator: their own organisations, nothing else
# ------------------------------------------------------------------------------
def test_an_organisation_administrator_lists_only_their_own_organisations_and_addresses(
    as_user, malmo_admin, malmo_department, malmo_address, lund_address
):
    client = as_user(malmo_admin)

    organizations = client.get(ORGANIZATIONS)
    addresses = client.get(ADDRESSES)

    assert listed(organizations) == {"Malmö stad", "Socialförvaltningen"}
    assert [address.pk for address in addresses.context["cl"].result_list] == [malmo_address.pk]


def test_lund_cannot_open_change_or_read_the_history_of_malmos_records(
    as_user, lund_admin, malmo, malmo_address
):
    client = as_user(lund_admin)

    for url in (change_url(malmo_address), history_url(malmo_address), change_url(malmo), history_url(malmo)):
        page = client.get(url, follow=True)
        # The admin answers as for a record that does not exist: nothing about it leaks.
        assert page.redirect_chain[-1][0] == reverse("admin:index"), url
        assert malmo_address.name not in page.text


def test_a_crafted_post_to_another_organisations_address_changes_nothing(as_user, lund_admin, malmo_address):
    client = as_user(lund_admin)

    client.post(change_url(malmo_address), address_form(malmo_address, name="Kapad"))

    malmo_address.refresh_from_db()
    assert malmo_address.name == "Socialtjänsten, barn och unga"


def test_moving_an_address_to_another_organisation_is_refused_on_the_field(
    as_user, malmo_admin, malmo_address, lund
):
    client = as_user(malmo_admin)

    page = client.post(change_url(malmo_address), address_form(malmo_address, organization=str(lund.pk)))

    assert "organization" in page.context["adminform"].form.errors
    malmo_address.refresh_from_db()
    assert malmo_address.organization_id != lund.pk


def test_adding_an_address_to_another_organisation_is_refused(as_user, malmo_admin, lund):
    client = as_user(malmo_admin)
    form = {
        "identifier": "sdk:smuggel:0203:lund.se",
        "name": "Smuggel",
        "organization": str(lund.pk),
        "status": Status.ACTIVE,
        "classifications-TOTAL_FORMS": "0",
        "classifications-INITIAL_FORMS": "0",
    }

    page = client.post(ADD_ADDRESS, form)

    assert "organization" in page.context["adminform"].form.errors
    assert not FunctionAddress.objects.filter(identifier="sdk:smuggel:0203:lund.se").exists()


def test_an_organisation_administrator_adds_an_address_to_their_own_department(
    as_user, malmo_admin, malmo_department
):
    client = as_user(malmo_admin)
    form = {
        "identifier": "sdk:forsorjningsstod:0203:malmo.se",
        "name": "Försörjningsstöd",
        "organization": str(malmo_department.pk),
        "status": Status.ACTIVE,
        "classifications-TOTAL_FORMS": "0",
        "classifications-INITIAL_FORMS": "0",
    }

    page = client.post(ADD_ADDRESS, form)

    assert page.status_code == 302
    assert (
        FunctionAddress.objects.get(identifier="sdk:forsorjningsstod:0203:malmo.se").organization
        == malmo_department
    )


def test_bulk_actions_reach_only_the_administrators_own_rows(
    as_user, malmo_admin, malmo_address, lund_address
):
    client = as_user(malmo_admin)

    client.post(
        ADDRESSES, {"action": "deactivate", "_selected_action": [str(malmo_address.pk), str(lund_address.pk)]}
    )
    client.post(ADDRESSES, {"action": "confirm_staffed", "_selected_action": [str(lund_address.pk)]})

    malmo_address.refresh_from_db()
    lund_address.refresh_from_db()
    assert malmo_address.status == Status.INACTIVE
    assert lund_address.status == Status.ACTIVE
    assert lund_address.confirmed_at is None


def test_organisation_choices_offer_only_the_administrators_own_organisations(
    as_user, malmo_admin, malmo_department, lund
):
    client = as_user(malmo_admin)

    answer = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "addressbook",
            "model_name": "functionaddress",
            "field_name": "organization",
            "term": "",
        },
    )

    names = {result["text"] for result in json.loads(answer.content)["results"]}
    assert {name.split(" (")[0] for name in names} == {"Malmö stad", "Socialförvaltningen"}


def test_an_organisation_administrator_adds_sub_organisations_but_not_participants(
    as_user, malmo_admin, malmo, lund
):
    client = as_user(malmo_admin)
    new_unit = {
        "type": OrganizationType.SUB_ORGANIZATION,
        "parent": str(malmo.pk),
        "name": "Kulturförvaltningen",
        "kind": malmo.kind,
        "country_code": "SE",
        "status": Status.ACTIVE,
    }

    added = client.post(ADD_ORGANIZATION, new_unit)
    participant = client.post(
        ADD_ORGANIZATION,
        {**new_unit, "type": OrganizationType.PARTICIPANT, "parent": "", "name": "Falsk kommun"},
    )
    under_lund = client.post(
        ADD_ORGANIZATION, {**new_unit, "parent": str(lund.pk), "name": "Lunds kulturförvaltning"}
    )

    assert added.status_code == 302
    assert Organization.objects.get(name="Kulturförvaltningen").participant_identifier == "0203:malmo.se"
    assert "type" in participant.context["adminform"].form.errors
    assert "parent" in under_lund.context["adminform"].form.errors
    assert not Organization.objects.filter(name__in=["Falsk kommun", "Lunds kulturförvaltning"]).exists()


def test_routing_fields_and_deregistration_are_out_of_an_organisation_administrators_reach(
    as_user, malmo_admin, malmo
):
    client = as_user(malmo_admin)

    page = client.get(change_url(malmo))
    client.post(
        change_url(malmo),
        organization_form(
            malmo,
            participant_identifier="0203:kapad.se",
            organization_number="212000-1165",
            status=Status.INACTIVE,
            name="Malmö stad (ändrad)",
        ),
    )
    action = client.post(
        ORGANIZATIONS, {"action": "deactivate", "_selected_action": [str(malmo.pk)]}, follow=True
    )

    form_fields = page.context["adminform"].form.fields
    assert not {"participant_identifier", "organization_number", "type", "status", "valid_to"} & set(
        form_fields
    )
    malmo.refresh_from_db()
    # The name is theirs to keep; routing and registration are the federation's.
    assert malmo.name == "Malmö stad (ändrad)"
    assert (malmo.participant_identifier, malmo.organization_number, malmo.status) == (
        "0203:malmo.se",
        "2120001124",
        Status.ACTIVE,
    )
    assert (
        "Only federation administrators" in action.text or "Endast federationsadministratörer" in action.text
    )


def test_an_organisation_administrator_deactivates_their_own_department(
    as_user, malmo_admin, malmo_department
):
    client = as_user(malmo_admin)

    client.post(ORGANIZATIONS, {"action": "deactivate", "_selected_action": [str(malmo_department.pk)]})

    malmo_department.refresh_from_db()
    assert malmo_department.status == Status.INACTIVE


def test_the_top_of_an_administrators_tree_stays_where_the_federation_put_it(as_user, malmo_department, lund):
    # given an administrator of one department only
    department_admin = persona(Role.ORGANIZATION_ADMINISTRATOR, "socialtjanst-admin", [malmo_department])
    client = as_user(department_admin)

    page = client.get(change_url(malmo_department))

    assert "parent" not in page.context["adminform"].form.fields
    assert listed(client.get(ORGANIZATIONS)) == {"Socialförvaltningen"}


@pytest.mark.parametrize("url", FEDERATION_PAGES)
def test_an_organisation_administrator_cannot_reach_federation_pages(as_user, malmo_admin, url):
    assert as_user(malmo_admin).get(url).status_code == 403


def test_an_organisation_administrator_reads_code_systems_to_classify_with(
    as_user, malmo_admin, psychiatry_codes
):
    client = as_user(malmo_admin)

    page = client.get(change_url(psychiatry_codes[0].code_system))

    assert page.status_code == 200
    assert page.context["has_change_permission"] is False


def test_the_start_page_reminds_an_administrator_of_their_own_unconfirmed_addresses(
    as_user, malmo_admin, malmo_address, lund_address
):
    # given two addresses nobody has looked at for two years, one of them Lund's
    two_years_ago = timezone.now() - datetime.timedelta(days=730)
    FunctionAddress.objects.update(updated_at=two_years_ago)

    page = as_user(malmo_admin).get(reverse("admin:index"))

    assert page.context["confirmation_due"] == 1
    assert "?confirmation=due" in page.text


# ------------------------------------------------------------------------------
# Analysts, accounts without a role, anonymous visitors
# ------------------------------------------------------------------------------
def test_an_analyst_sees_no_directory_records_and_can_change_none(as_user, analyst, malmo_address):
    client = as_user(analyst)

    pages = [client.get(url).status_code for url in (ORGANIZATIONS, ADDRESSES, change_url(malmo_address))]
    crafted = client.post(change_url(malmo_address), address_form(malmo_address, name="Analys"))

    assert pages == [403, 403, 403]
    assert crafted.status_code == 403
    malmo_address.refresh_from_db()
    assert malmo_address.name == "Socialtjänsten, barn och unga"


def test_a_staff_flag_without_a_role_opens_nothing(as_user, malmo_address):
    client = as_user(UserFactory(username="gammal-personal", is_staff=True))

    page = client.get(ADDRESSES)

    assert page.status_code == 302
    assert page["Location"].startswith(reverse("admin:login"))


def test_an_anonymous_visitor_is_sent_to_the_login_and_changes_nothing(client, malmo_address):
    page = client.get(ADDRESSES)
    crafted = client.post(change_url(malmo_address), address_form(malmo_address, name="Anonym"))

    assert page.status_code == crafted.status_code == 302
    assert crafted["Location"].startswith(reverse("admin:login"))
    malmo_address.refresh_from_db()
    assert malmo_address.name == "Socialtjänsten, barn och unga"


# ------------------------------------------------------------------------------
# A federation administrator: everything, routing fields included
# ------------------------------------------------------------------------------
def test_a_federation_administrator_sees_and_changes_every_organisation(
    as_user, federation_admin, malmo, lund
):
    client = as_user(federation_admin)

    assert listed(client.get(ORGANIZATIONS)) >= {"Malmö stad", "Lunds kommun"}
    client.post(change_url(lund), organization_form(lund, participant_identifier="0203:lund.nu"))
    client.post(ORGANIZATIONS, {"action": "deactivate", "_selected_action": [str(malmo.pk)]})

    lund.refresh_from_db()
    malmo.refresh_from_db()
    assert lund.participant_identifier == "0203:lund.nu"
    assert malmo.status == Status.INACTIVE


@pytest.mark.parametrize("url", FEDERATION_PAGES)
def test_a_federation_administrator_reaches_the_federation_pages(as_user, federation_admin, url):
    assert as_user(federation_admin).get(url).status_code == 200


# ------------------------------------------------------------------------------
# The API: read-only for everyone; a staff session adds nothing to it
# ------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_changes_nothing_whoever_asks(as_user, federation_admin, malmo_address, method):
    client = as_user(federation_admin)
    body = json.dumps(
        {"data": {"type": "addresses", "id": str(malmo_address.pk), "attributes": {"name": "API"}}}
    )

    answers = [
        getattr(client, method)(url, body, content_type="application/vnd.api+json").status_code
        for url in ("/api/addresses", f"/api/addresses/{malmo_address.pk}")
    ]

    assert all(status in (403, 405) for status in answers)
    malmo_address.refresh_from_db()
    assert malmo_address.name == "Socialtjänsten, barn och unga"


# ------------------------------------------------------------------------------
# Routes found in review: each must stay closed
# ------------------------------------------------------------------------------
def test_an_administrator_of_two_participants_cannot_move_a_unit_between_them(as_user, malmo, lund):
    # given an administrator of both Malmö and Lund, and a department of Malmö with a unit
    department = SubOrganizationFactory(parent=malmo, name="Avdelning")
    SubOrganizationFactory(parent=department, name="Enhet")
    regional = persona(Role.ORGANIZATION_ADMINISTRATOR, "regional-admin", [malmo, lund])

    # when they move the department under Lund
    page = as_user(regional).post(change_url(department), organization_form(department, parent=str(lund.pk)))

    # then it is refused on the parent: that would route the department's mail to Lund
    assert "parent" in page.context["adminform"].form.errors
    department.refresh_from_db()
    assert department.parent == malmo
    assert set(
        Organization.objects.filter(parent=department).values_list("participant_identifier", flat=True)
    ) == {"0203:malmo.se"}


def test_a_move_between_participants_takes_the_whole_sub_tree_along(as_user, federation_admin, malmo, lund):
    department = SubOrganizationFactory(parent=malmo, name="Avdelning")
    unit = SubOrganizationFactory(parent=department, name="Enhet")

    as_user(federation_admin).post(change_url(department), organization_form(department, parent=str(lund.pk)))

    unit.refresh_from_db()
    assert unit.participant_identifier == "0203:lund.se"


def test_lund_cannot_take_an_address_identifier_in_malmos_name(as_user, lund_admin, lund, malmo):
    form = {
        "identifier": "sdk:ekonomi:0203:malmo.se",
        "name": "Ekonomi",
        "organization": str(lund.pk),
        "status": Status.ACTIVE,
        "classifications-TOTAL_FORMS": "0",
        "classifications-INITIAL_FORMS": "0",
    }

    page = as_user(lund_admin).post(ADD_ADDRESS, form)

    assert "identifier" in page.context["adminform"].form.errors
    assert not FunctionAddress.objects.filter(identifier="sdk:ekonomi:0203:malmo.se").exists()


def test_lund_cannot_read_malmos_classifications_through_the_code_list(
    as_user, lund_admin, malmo_address, psychiatry_codes
):
    FunctionAddressCodeFactory(function_address=malmo_address, code=psychiatry_codes[1])
    client = as_user(lund_admin)
    codes = reverse("admin:addressbook_code_changelist")

    by_address = client.get(codes, {"function_addresses": str(malmo_address.pk)})
    by_range = client.get(codes, {"function_addresses__id__gt": "00000000-0000-0000-0000-000000000000"})

    assert by_address.status_code == by_range.status_code == 400
