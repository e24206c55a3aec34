"""The FilterSets on their own querysets, without HTTP (the API's filter[...] is tested in tests/api)."""

from __future__ import annotations

import pytest

from addressbook.choices import OrganizationType, Status
from addressbook.filtersets import (
    CodeFilterSet,
    CodeSystemFilterSet,
    FunctionAddressFilterSet,
    OrganizationFilterSet,
)
from addressbook.models import Code, CodeSystem, FunctionAddress, Organization
from tests.factories import (
    CodeFactory,
    CodeSystemFactory,
    FunctionAddressCodeFactory,
    FunctionAddressFactory,
    SubOrganizationFactory,
)

pytestmark = pytest.mark.django_db


def names(filterset_class, params: dict, queryset) -> set[str]:
    filterset = filterset_class(params, queryset)
    assert filterset.is_valid(), filterset.errors
    return {getattr(record, "name", None) or str(record) for record in filterset.qs}


@pytest.fixture
def malmo_tree(malmo):
    """Malmö stad › Socialförvaltningen › Barn och unga, and an inactive Fritidsförvaltning."""
    social = SubOrganizationFactory(parent=malmo, name="Socialförvaltningen")
    children = SubOrganizationFactory(parent=social, name="Barn och unga")
    leisure = SubOrganizationFactory(parent=malmo, name="Fritidsförvaltningen", status=Status.INACTIVE)
    return malmo, social, children, leisure


# ------------------------------------------------------------------------------
# Organisations
# ------------------------------------------------------------------------------
def test_only_active_organisations_unless_asked_otherwise(malmo_tree):
    everyone = Organization.objects.all()

    assert "Fritidsförvaltningen" not in names(OrganizationFilterSet, {}, everyone)
    assert names(OrganizationFilterSet, {"status": "inactive"}, everyone) == {"Fritidsförvaltningen"}
    assert len(names(OrganizationFilterSet, {"status": "all"}, everyone)) == 4


def test_a_participant_identifier_is_found_in_any_spelling(malmo_tree, lund):
    found = names(
        OrganizationFilterSet,
        {"participant_identifier": " 0203:MALMO.se ", "type": "o"},
        Organization.objects.all(),
    )

    assert found == {"Malmö stad"}


@pytest.mark.parametrize("number", ["212000-1124", "2120001124", "16212000-1124", "162120001124"])
def test_an_organisation_number_is_found_in_any_spelling(malmo, lund, number):
    assert names(OrganizationFilterSet, {"organization_number": number}, Organization.objects.all()) == {
        "Malmö stad"
    }


def test_a_malformed_organisation_number_matches_nothing(malmo):
    assert (
        names(OrganizationFilterSet, {"organization_number": "212000-1125"}, Organization.objects.all())
        == set()
    )


def test_organization_is_the_whole_sub_tree_and_parent_only_the_children(malmo_tree):
    malmo, social, _children, _leisure = malmo_tree
    everyone = Organization.objects.all()

    assert names(OrganizationFilterSet, {"organization": str(social.pk)}, everyone) == {
        "Socialförvaltningen",
        "Barn och unga",
    }
    assert names(OrganizationFilterSet, {"parent": str(malmo.pk)}, everyone) == {"Socialförvaltningen"}


def test_type_county_and_municipality(malmo_tree, lund):
    everyone = Organization.objects.all()

    assert names(OrganizationFilterSet, {"type": OrganizationType.PARTICIPANT}, everyone) == {
        "Malmö stad",
        "Lunds kommun",
    }
    assert names(OrganizationFilterSet, {"municipality": "1281"}, everyone) == {"Lunds kommun"}
    assert "Lunds kommun" in names(OrganizationFilterSet, {"county": "12"}, everyone)
    assert names(OrganizationFilterSet, {"county": "01"}, everyone) == set()


def test_a_value_that_is_not_an_id_is_a_named_error(malmo):
    filterset = OrganizationFilterSet({"organization": "not-a-uuid"}, Organization.objects.all())

    assert not filterset.is_valid()
    assert "organization" in filterset.errors


def test_search_needs_every_word_and_forgives_a_typo(malmo_tree, lund):
    everyone = Organization.objects.all()

    assert "Socialförvaltningen" in names(OrganizationFilterSet, {"search": "socialforvaltnigen"}, everyone)
    assert names(OrganizationFilterSet, {"search": "barn unga"}, everyone) == {"Barn och unga"}
    assert names(OrganizationFilterSet, {"search": "barn lund"}, everyone) == set()


# ------------------------------------------------------------------------------
# Function addresses
# ------------------------------------------------------------------------------
@pytest.fixture
def addresses(malmo_tree, lund, psychiatry_codes):
    malmo, social, children, _leisure = malmo_tree
    _psychiatry, bup = psychiatry_codes
    reception = FunctionAddressFactory(
        organization=malmo, identifier="sdk:reception:0203:malmo.se", name="Reception"
    )
    child_psychiatry = FunctionAddressFactory(
        organization=children, identifier="sdk:bup:0203:malmo.se", name="BUP Malmö"
    )
    FunctionAddressCodeFactory(function_address=child_psychiatry, code=bup)
    FunctionAddressFactory(organization=lund, identifier="sdk:inkorg:0203:lund.se", name="Lunds inkorg")
    FunctionAddressFactory(
        organization=social, identifier="sdk:gammal:0203:malmo.se", name="Gammal", status=Status.INACTIVE
    )
    return reception, child_psychiatry


def test_an_address_identifier_is_compared_case_insensitively(addresses):
    found = names(
        FunctionAddressFilterSet, {"identifier": "SDK:BUP:0203:Malmo.se"}, FunctionAddress.objects.all()
    )

    assert found == {"BUP Malmö"}


def test_a_participants_addresses_include_its_units(addresses):
    everyone = FunctionAddress.objects.all()

    assert names(FunctionAddressFilterSet, {"participant_identifier": "0203:malmo.se"}, everyone) == {
        "Reception",
        "BUP Malmö",
    }
    assert names(FunctionAddressFilterSet, {"organization_number": "212000-1124"}, everyone) == {
        "Reception",
        "BUP Malmö",
    }


def test_parent_is_one_organisation_and_organization_its_sub_tree(addresses, malmo_tree):
    malmo = malmo_tree[0]
    everyone = FunctionAddress.objects.all()

    assert names(FunctionAddressFilterSet, {"parent": str(malmo.pk)}, everyone) == {"Reception"}
    assert names(FunctionAddressFilterSet, {"organization": str(malmo.pk), "status": "all"}, everyone) == {
        "Reception",
        "BUP Malmö",
        "Gammal",
    }


def test_a_code_finds_addresses_classified_with_its_sub_codes(addresses, psychiatry_codes):
    psychiatry, _bup = psychiatry_codes
    everyone = FunctionAddress.objects.all()

    assert names(FunctionAddressFilterSet, {"code": "PSYKIATRI"}, everyone) == {"BUP Malmö"}
    assert names(FunctionAddressFilterSet, {"code": str(psychiatry.pk)}, everyone) == {"BUP Malmö"}
    assert names(FunctionAddressFilterSet, {"code_system": str(psychiatry.code_system_id)}, everyone) == {
        "BUP Malmö"
    }
    assert names(FunctionAddressFilterSet, {"code": "skola"}, everyone) == set()


def test_a_classified_address_is_listed_once_however_many_codes_match(addresses, psychiatry_codes):
    psychiatry, _bup = psychiatry_codes
    _reception, child_psychiatry = addresses
    FunctionAddressCodeFactory(function_address=child_psychiatry, code=psychiatry)

    filterset = FunctionAddressFilterSet({"code": "psykiatri"}, FunctionAddress.objects.all())

    assert [address.name for address in filterset.qs] == ["BUP Malmö"]


def test_filters_narrow_the_queryset_they_are_given(addresses, malmo_tree):
    # given a queryset already limited to Lund's addresses
    lunds = FunctionAddress.objects.filter(organization__participant_identifier="0203:lund.se")

    # then a filter for Malmö's sub-tree finds nothing in it
    assert names(FunctionAddressFilterSet, {"organization": str(malmo_tree[0].pk)}, lunds) == set()


# ------------------------------------------------------------------------------
# Code systems and codes
# ------------------------------------------------------------------------------
def test_code_systems_by_identifier_and_version():
    CodeSystemFactory(identifier="1.2.752.129.2.2.1.1", name="Vårdtjänster", version="1")
    CodeSystemFactory(identifier="1.2.752.129.2.2.1.1", name="Vårdtjänster 2", version="2")

    found = names(
        CodeSystemFilterSet, {"identifier": "1.2.752.129.2.2.1.1", "version": "2"}, CodeSystem.objects.all()
    )

    assert found == {"Vårdtjänster 2"}


def test_codes_filter_status_by_their_active_flag(psychiatry_codes):
    psychiatry, bup = psychiatry_codes
    CodeFactory(code_system=psychiatry.code_system, code="gammal", display_name="Gammal", active=False)
    everyone = Code.objects.all()

    assert names(CodeFilterSet, {}, everyone) == {str(psychiatry), str(bup)}
    assert names(CodeFilterSet, {"status": "inactive"}, everyone) == {"Gammal (gammal)"}
    assert names(CodeFilterSet, {"parent": str(psychiatry.pk)}, everyone) == {str(bup)}
    assert names(CodeFilterSet, {"code": "BUP"}, everyone) == {str(bup)}
