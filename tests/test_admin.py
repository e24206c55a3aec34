"""The admin as administrators use it: every page answers, search and filters find the right rows."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from addressbook.admin.versions import version_token
from addressbook.choices import Status
from addressbook.models import (
    AuditEvent,
    Connection,
    FunctionAddress,
    Organization,
    StaffRole,
    StatisticsReport,
)
from addressbook.services.api_clients import api_client_create
from addressbook.services.imports import import_job_create
from tests.factories import (
    CodeFactory,
    FunctionAddressCodeFactory,
    FunctionAddressFactory,
    OrganizationFactory,
    StaffRoleFactory,
    SubOrganizationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_of_each(malmo_address, psychiatry_codes, admin_user):
    """At least one row per registered model, so change pages have something to show."""
    FunctionAddressCodeFactory(function_address=malmo_address, code=psychiatry_codes[1])
    SubOrganizationFactory(parent=malmo_address.organization)
    api_client_create(name="Malmö meddelandetjänst", organization=malmo_address.organization)
    StaffRoleFactory(organizations=[malmo_address.organization])
    import_job_create(user=admin_user, resource="addresses", file_name="a.csv", content=b"Identifier\n")
    StatisticsReport.objects.create(first_day="2026-11-01", last_day="2026-11-28", requested_by=admin_user)
    return malmo_address


def malmo_form(**changes: str) -> dict[str, str]:
    """Malmö's organisation change form as the admin posts it, with ``changes`` applied.

    A change needs ``record_version`` too: version_token(malmo), the version the page carried.
    """
    return {
        "type": "o",
        "participant_identifier": "0203:malmo.se",
        "organization_number": "212000-1124",
        "name": "Malmö stad",
        "kind": "municipality",
        "municipality_code": "1280",
        "county_code": "12",
        "country_code": "SE",
        "status": "active",
        "function_addresses-TOTAL_FORMS": "0",
        "function_addresses-INITIAL_FORMS": "0",
        # A participant's page also has its SDK connection (for federation administrators).
        "connection-TOTAL_FORMS": "0",
        "connection-INITIAL_FORMS": "0",
        **changes,
    }


def registered_models():
    # The audit log has no add or change pages: tests/test_audit_log.py covers it.
    return [
        model
        for model in admin.site._registry
        if model._meta.app_label == "addressbook" and model is not AuditEvent
    ]


@pytest.mark.parametrize("model", registered_models(), ids=lambda m: m._meta.model_name)
def test_every_admin_page_answers_for_a_superuser(admin_client, one_of_each, model):
    opts = model._meta
    changelist = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    add = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    obj = model.objects.first()
    change = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
    history = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk]))
    assert [changelist.status_code, add.status_code, change.status_code, history.status_code] == [200] * 4


def test_admin_speaks_swedish_by_default_and_english_on_request(client):
    swedish = client.get(reverse("admin:login"))
    english = client.get(reverse("admin:login"), headers={"accept-language": "en"})
    assert "Användarnamn" in swedish.text
    assert "Username" in english.text


def test_model_names_are_swedish_in_the_admin(admin_client):
    page = admin_client.get(reverse("admin:index"))
    assert "Funktionsadresser" in page.text
    assert "Organisationer" in page.text


@pytest.mark.parametrize("typed", ["212000-1124", "2120001124", "162120001124"])
def test_search_finds_an_organisation_by_any_spelling_of_its_number(admin_client, malmo, typed):
    OrganizationFactory(name="Lunds kommun")
    page = admin_client.get(reverse("admin:addressbook_organization_changelist"), {"q": typed})
    assert list(page.context["cl"].result_list) == [malmo]


def test_search_finds_an_organisation_by_name_and_identifier(admin_client, malmo):
    OrganizationFactory(name="Lunds kommun")
    by_name = admin_client.get(reverse("admin:addressbook_organization_changelist"), {"q": "malmö"})
    by_identifier = admin_client.get(
        reverse("admin:addressbook_organization_changelist"), {"q": "0203:malmo.se"}
    )
    assert list(by_name.context["cl"].result_list) == [malmo]
    assert list(by_identifier.context["cl"].result_list) == [malmo]


def test_filter_by_code_includes_addresses_classified_with_its_sub_codes(
    admin_client, malmo, psychiatry_codes
):
    # given one address classified as BUP (under psychiatry) and one unclassified
    psychiatry, bup = psychiatry_codes
    bup_address = FunctionAddressFactory(organization=malmo, name="BUP Malmö")
    FunctionAddressCodeFactory(function_address=bup_address, code=bup)
    FunctionAddressFactory(organization=malmo, name="Registrator")

    # when filtering on psychiatry
    page = admin_client.get(reverse("admin:addressbook_functionaddress_changelist"), {"code": psychiatry.pk})

    # then the BUP address is found
    assert list(page.context["cl"].result_list) == [bup_address]


def test_filters_by_kind_county_and_status(admin_client, malmo):
    OrganizationFactory(name="Region Skåne", kind="region", county_code="12")
    OrganizationFactory(name="Uppsala kommun", county_code="03", status=Status.INACTIVE)
    url = reverse("admin:addressbook_organization_changelist")
    regions = admin_client.get(url, {"kind__exact": "region"}).context["cl"].result_list
    skane = admin_client.get(url, {"county_code__exact": "12"}).context["cl"].result_list
    inactive = admin_client.get(url, {"status__exact": "inactive"}).context["cl"].result_list
    assert [o.name for o in regions] == ["Region Skåne"]
    assert sorted(o.name for o in skane) == ["Malmö stad", "Region Skåne"]
    assert [o.name for o in inactive] == ["Uppsala kommun"]


def test_add_function_address_with_codes_through_the_admin(admin_client, malmo, psychiatry_codes):
    # given an administrator filling in the add form, with a classification inline
    _psychiatry, bup = psychiatry_codes
    form = {
        "identifier": "sdk:bup:0203:malmo.se",
        "name": "BUP Malmö",
        "organization": malmo.pk,
        "description": "",
        "keywords": "bup, barnpsykiatri",
        "status": "active",
        "classifications-TOTAL_FORMS": "1",
        "classifications-INITIAL_FORMS": "0",
        "classifications-0-code": bup.pk,
    }

    # when it is saved
    response = admin_client.post(reverse("admin:addressbook_functionaddress_add"), form)

    # then the address exists with its code and keywords
    assert response.status_code == 302
    address = FunctionAddress.objects.get(identifier="sdk:bup:0203:malmo.se")
    assert list(address.codes.all()) == [bup]
    assert address.keywords == ["bup", "barnpsykiatri"]


def test_admin_form_shows_a_duplicate_identifier_on_its_field(admin_client, malmo_address):
    form = {
        "identifier": malmo_address.identifier.upper(),
        "name": "Kopia",
        "organization": malmo_address.organization.pk,
        "status": "active",
        "classifications-TOTAL_FORMS": "0",
        "classifications-INITIAL_FORMS": "0",
    }
    response = admin_client.post(reverse("admin:addressbook_functionaddress_add"), form)
    assert response.status_code == 200
    assert "identifier" in response.context["adminform"].form.errors
    assert FunctionAddress.objects.count() == 1


def test_deactivating_an_organisation_deactivates_its_tree_and_addresses(admin_client, malmo, malmo_address):
    # given Malmö with a department that has its own address
    department = SubOrganizationFactory(parent=malmo)
    department_address = FunctionAddressFactory(organization=department)

    # when the bulk action deactivates Malmö
    admin_client.post(
        reverse("admin:addressbook_organization_changelist"),
        {"action": "deactivate", "_selected_action": [malmo.pk]},
    )

    # then nothing is deleted, and everything under Malmö is inactive
    statuses = {o.status for o in Organization.objects.filter(pk__in=[malmo.pk, department.pk])} | {
        a.status for a in FunctionAddress.objects.filter(pk__in=[malmo_address.pk, department_address.pk])
    }
    assert statuses == {Status.INACTIVE}


def test_activating_addresses_of_an_inactive_organisation_is_refused(admin_client, malmo, malmo_address):
    malmo_address.status = Status.INACTIVE
    malmo_address.save()
    Organization.objects.filter(pk=malmo.pk).update(status=Status.INACTIVE)

    response = admin_client.post(
        reverse("admin:addressbook_functionaddress_changelist"),
        {"action": "activate", "_selected_action": [malmo_address.pk]},
        follow=True,
    )

    malmo_address.refresh_from_db()
    assert malmo_address.status == Status.INACTIVE
    assert "inaktiva organisationer" in response.text or "inactive organisations" in response.text


def test_code_autocomplete_finds_codes_by_name(admin_client, psychiatry_codes):
    CodeFactory(display_name="Skola")
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "ungdom",
            "app_label": "addressbook",
            "model_name": "functionaddresscode",
            "field_name": "code",
        },
    )
    assert [r["text"] for r in response.json()["results"]] == ["Barn- och ungdomspsykiatri (bup)"]


def test_an_administrator_can_switch_the_admin_to_english_and_back(admin_client):
    # given the admin in Swedish, offering English
    index = admin_client.get(reverse("admin:index"))
    assert "Funktionsadresser" in index.text
    assert 'lang="en"' in index.text

    # when the administrator switches language
    admin_client.post(reverse("set_language"), {"language": "en", "next": reverse("admin:index")})
    english = admin_client.get(reverse("admin:index"))
    admin_client.post(reverse("set_language"), {"language": "sv", "next": reverse("admin:index")})
    swedish = admin_client.get(reverse("admin:index"))

    # then the same pages speak English, then Swedish again
    assert "Function addresses" in english.text
    assert "Funktionsadresser" in swedish.text


def test_organisation_form_shows_and_accepts_the_hyphenated_number(admin_client, malmo):
    # given Malmö's change form
    url = reverse("admin:addressbook_organization_change", args=[malmo.pk])
    page = admin_client.get(url)
    assert page.context["adminform"].form.initial["organization_number"] == "212000-1124"

    # when it is saved as shown
    form = malmo_form(record_version=version_token(malmo))
    response = admin_client.post(url, form)

    # then it is stored as ten digits
    assert response.status_code == 302, response.context["adminform"].form.errors
    malmo.refresh_from_db()
    assert malmo.organization_number == "2120001124"


def test_a_new_participant_identifier_reaches_the_whole_sub_tree(admin_client, malmo):
    # given Malmö with a department and a unit below it
    department = SubOrganizationFactory(parent=malmo)
    unit = SubOrganizationFactory(parent=department)
    form = malmo_form(participant_identifier="0203:Malmo.com", record_version=version_token(malmo))

    # when a superuser changes Malmö's identifier
    response = admin_client.post(reverse("admin:addressbook_organization_change", args=[malmo.pk]), form)

    # then Malmö and everything under it is routed by the new identifier
    assert response.status_code == 302
    identifiers = set(
        Organization.objects.filter(pk__in=[malmo.pk, department.pk, unit.pk]).values_list(
            "participant_identifier", flat=True
        )
    )
    assert identifiers == {"0203:malmo.com"}


# Roles are the one thing taken away by deleting (the audit history keeps who had which).
@pytest.mark.parametrize(
    "model",
    [model for model in registered_models() if model is not StaffRole],
    ids=lambda m: m._meta.model_name,
)
def test_records_cannot_be_deleted_from_the_admin(admin_client, one_of_each, model):
    # given a record of each kind
    opts = model._meta
    obj = model.objects.first()
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")

    # when a superuser tries the delete page and the bulk delete action
    page = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk]))
    admin_client.post(changelist, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"})

    # then both are refused and the record is still there
    assert page.status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()


def test_setting_an_organisation_inactive_in_its_form_deactivates_its_tree(
    admin_client, malmo, malmo_address
):
    department = SubOrganizationFactory(parent=malmo)

    response = admin_client.post(
        reverse("admin:addressbook_organization_change", args=[malmo.pk]),
        malmo_form(status="inactive", record_version=version_token(malmo)),
    )

    assert response.status_code == 302
    malmo_address.refresh_from_db()
    department.refresh_from_db()
    assert (malmo_address.status, department.status) == (Status.INACTIVE, Status.INACTIVE)


def test_activating_a_sub_organisation_under_an_inactive_parent_is_refused(admin_client, malmo):
    department = SubOrganizationFactory(parent=malmo)
    Organization.objects.filter(pk__in=[malmo.pk, department.pk]).update(status=Status.INACTIVE)

    admin_client.post(
        reverse("admin:addressbook_organization_changelist"),
        {"action": "activate", "_selected_action": [department.pk]},
    )

    department.refresh_from_db()
    assert department.status == Status.INACTIVE


def test_activating_an_organisation_together_with_its_department_is_allowed(admin_client, malmo):
    department = SubOrganizationFactory(parent=malmo)
    Organization.objects.filter(pk__in=[malmo.pk, department.pk]).update(status=Status.INACTIVE)

    admin_client.post(
        reverse("admin:addressbook_organization_changelist"),
        {"action": "activate", "_selected_action": [malmo.pk, department.pk]},
    )

    assert set(Organization.objects.values_list("status", flat=True)) == {Status.ACTIVE}


def test_a_big_organisation_links_to_its_addresses_instead_of_listing_them(admin_client, malmo):
    # given an organisation with more addresses than a form should hold
    FunctionAddressFactory.create_batch(51, organization=malmo)

    # when its page is opened
    page = admin_client.get(reverse("admin:addressbook_organization_change", args=[malmo.pk]))

    # then there is no inline of addresses (only the SDK connection), but a link to the 51
    # addresses in the searchable list
    assert page.status_code == 200
    assert [formset.opts.model for formset in page.context["inline_admin_formsets"]] == [Connection]
    assert f"?organization__id__exact={malmo.pk}" in page.text
    assert "51" in page.text


def test_filter_by_code_finds_addresses_any_level_below_it(admin_client, malmo, psychiatry_codes):
    psychiatry, bup = psychiatry_codes
    emergency = CodeFactory(code_system=bup.code_system, code="bup-akut", display_name="BUP akut", parent=bup)
    address = FunctionAddressFactory(organization=malmo)
    FunctionAddressCodeFactory(function_address=address, code=emergency)

    page = admin_client.get(reverse("admin:addressbook_functionaddress_changelist"), {"code": psychiatry.pk})

    assert list(page.context["cl"].result_list) == [address]


def test_change_pages_do_not_query_per_inline_row(
    admin_client, psychiatry_codes, django_assert_max_num_queries
):
    # given a code system with 40 codes, each with a parent
    psychiatry, _bup = psychiatry_codes
    CodeFactory.create_batch(40, code_system=psychiatry.code_system, parent=psychiatry)
    url = reverse("admin:addressbook_codesystem_change", args=[psychiatry.code_system.pk])

    # then its page is built with a bounded number of queries
    with django_assert_max_num_queries(15):
        assert admin_client.get(url).status_code == 200
