"""filter[...] on every resource: each filter alone, the status default, and combinations.

The directory fixture (see conftest) has Malmö stad with Socialförvaltningen and Barn och
familj under it, Region Skåne with Vårdcentralen Malmö, Lunds kommun, Skatteverket and the
inactive Gamla nämnden, and their function addresses.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from addressbook.choices import Status
from addressbook.models import Code, CodeSystem, FunctionAddress, Organization
from tests.api.conftest import names
from tests.factories import CodeSystemFactory

pytestmark = pytest.mark.django_db

ACTIVE_ORGANIZATIONS = {
    "Malmö stad",
    "Socialförvaltningen",
    "Barn och familj",
    "Region Skåne",
    "Vårdcentralen Malmö",
    "Lunds kommun",
    "Skatteverket",
}
MALMO_TREE = {"Malmö stad", "Socialförvaltningen", "Barn och familj"}
ACTIVE_ADDRESSES = {
    "Barn och unga",
    "Socialtjänstens inkorg",
    "Psykiatrimottagningen",
    "Lunds inkorg",
    "Skatteverkets inkorg",
}


def found(api, url: str, params: dict) -> set[str]:
    response = api.get(url, params)
    assert response.status_code == 200, response.document
    return set(names(response.document))


def codes_found(api, url: str, params: dict) -> set[str]:
    response = api.get(url, params)
    assert response.status_code == 200, response.document
    return {resource["attributes"]["code"] for resource in response.document["data"]}


def an_hour_ago() -> str:
    return (timezone.now() - datetime.timedelta(hours=1)).isoformat()


def age(model) -> None:
    """Make every record of ``model`` look last changed a year ago (as sync clients see it)."""
    model.objects.update(updated_at=timezone.now() - datetime.timedelta(days=365))


# --- organisations -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ACTIVE_ORGANIZATIONS),
        ({"filter[status]": "active"}, ACTIVE_ORGANIZATIONS),
        ({"filter[status]": "inactive"}, {"Gamla nämnden"}),
        ({"filter[status]": "all"}, ACTIVE_ORGANIZATIONS | {"Gamla nämnden"}),
        ({"filter[participantIdentifier]": "0203:malmo.se"}, MALMO_TREE),
        ({"filter[participantIdentifier]": " 0203:MALMO.SE "}, MALMO_TREE),
        ({"filter[participantIdentifier]": "0203:finns-inte.se"}, set()),
        ({"filter[organizationNumber]": "212000-1124"}, {"Malmö stad"}),
        ({"filter[organizationNumber]": "2120001124"}, {"Malmö stad"}),
        ({"filter[organizationNumber]": "16212000-1124"}, {"Malmö stad"}),
        ({"filter[organizationNumber]": "162120001124"}, {"Malmö stad"}),
        ({"filter[organizationNumber]": "232100-0255"}, {"Region Skåne"}),
        # A wrong check digit is no one's number: nothing, rather than an error.
        ({"filter[organizationNumber]": "212000-1125"}, set()),
        ({"filter[type]": "o"}, {"Malmö stad", "Region Skåne", "Lunds kommun", "Skatteverket"}),
        ({"filter[type]": "ou"}, {"Socialförvaltningen", "Barn och familj", "Vårdcentralen Malmö"}),
        ({"filter[kind]": "region"}, {"Region Skåne", "Vårdcentralen Malmö"}),
        ({"filter[kind]": "agency"}, {"Skatteverket"}),
        ({"filter[kind]": "municipality"}, MALMO_TREE | {"Lunds kommun"}),
        ({"filter[county]": "12"}, ACTIVE_ORGANIZATIONS - {"Skatteverket"}),
        ({"filter[county]": "01"}, set()),
        ({"filter[municipality]": "1280"}, MALMO_TREE | {"Vårdcentralen Malmö"}),
        ({"filter[municipality]": "1281"}, {"Lunds kommun"}),
        ({"filter[search]": "lund"}, {"Lunds kommun"}),
    ],
)
def test_organization_filters(api, directory, params, expected):
    assert found(api, "/api/organizations", params) == expected


def test_organization_filter_parent_lists_direct_sub_organizations(api, directory):
    assert found(api, "/api/organizations", {"filter[parent]": str(directory.malmo.pk)}) == {
        "Socialförvaltningen"
    }


def test_organization_filter_organization_lists_the_whole_sub_tree(api, directory):
    assert found(api, "/api/organizations", {"filter[organization]": str(directory.malmo.pk)}) == MALMO_TREE


def test_organization_filter_updated_since(api, directory):
    # given a directory last changed a year ago, and Lund changed just now
    age(Organization)
    directory.lund.description = "Ny beskrivning"
    directory.lund.save()

    # when a client asks what changed in the last hour
    assert found(api, "/api/organizations", {"filter[updatedSince]": an_hour_ago()}) == {"Lunds kommun"}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"filter[kind]": "municipality", "filter[type]": "o", "filter[county]": "12"},
            {"Malmö stad", "Lunds kommun"},
        ),
        (
            {"filter[participantIdentifier]": "0203:malmo.se", "filter[type]": "ou"},
            MALMO_TREE - {"Malmö stad"},
        ),
        ({"filter[search]": "malmo", "filter[type]": "o"}, {"Malmö stad"}),
        ({"filter[search]": "malmo", "filter[kind]": "region"}, {"Vårdcentralen Malmö"}),
        (
            {
                "filter[status]": "all",
                "filter[type]": "o",
                "filter[county]": "12",
                "filter[kind]": "municipality",
            },
            {"Malmö stad", "Lunds kommun", "Gamla nämnden"},
        ),
    ],
)
def test_organization_filters_combine(api, directory, params, expected):
    assert found(api, "/api/organizations", params) == expected


def test_organization_filters_combine_with_a_tree(api, directory):
    params = {
        "filter[organization]": str(directory.malmo.pk),
        "filter[municipality]": "1280",
        "filter[type]": "ou",
    }

    assert found(api, "/api/organizations", params) == {"Socialförvaltningen", "Barn och familj"}


def test_an_inactive_sub_organization_is_left_out_by_default(api, directory):
    directory.family.status = Status.INACTIVE
    directory.family.save()

    tree = {"filter[organization]": str(directory.malmo.pk)}
    assert found(api, "/api/organizations", tree) == {"Malmö stad", "Socialförvaltningen"}
    assert found(api, "/api/organizations", {**tree, "filter[status]": "inactive"}) == {"Barn och familj"}


# --- function addresses --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ACTIVE_ADDRESSES),
        ({"filter[status]": "inactive"}, {"Stängd inkorg"}),
        ({"filter[status]": "all"}, ACTIVE_ADDRESSES | {"Stängd inkorg"}),
        ({"filter[identifier]": "sdk:barn:0203:malmo.se"}, {"Barn och unga"}),
        ({"filter[identifier]": "SDK:BARN:0203:MALMO.SE"}, {"Barn och unga"}),
        ({"filter[identifier]": "sdk:barn"}, set()),
        ({"filter[participantIdentifier]": "0203:malmo.se"}, {"Barn och unga", "Socialtjänstens inkorg"}),
        ({"filter[participantIdentifier]": "0203:Skane.SE"}, {"Psykiatrimottagningen"}),
        ({"filter[organizationNumber]": "212000-1124"}, {"Barn och unga", "Socialtjänstens inkorg"}),
        ({"filter[organizationNumber]": "162321000255"}, {"Psykiatrimottagningen"}),
        ({"filter[organizationNumber]": "not a number"}, set()),
        ({"filter[type]": "o"}, {"Lunds inkorg", "Skatteverkets inkorg"}),
        ({"filter[type]": "ou"}, {"Barn och unga", "Socialtjänstens inkorg", "Psykiatrimottagningen"}),
        ({"filter[kind]": "region"}, {"Psykiatrimottagningen"}),
        ({"filter[kind]": "agency"}, {"Skatteverkets inkorg"}),
        ({"filter[kind]": "municipality"}, {"Barn och unga", "Socialtjänstens inkorg", "Lunds inkorg"}),
        ({"filter[county]": "12"}, ACTIVE_ADDRESSES - {"Skatteverkets inkorg"}),
        (
            {"filter[municipality]": "1280"},
            {"Barn och unga", "Socialtjänstens inkorg", "Psykiatrimottagningen"},
        ),
        # A code finds what is classified with it or with any code below it.
        ({"filter[code]": "psykiatri"}, {"Psykiatrimottagningen", "Barn och unga"}),
        ({"filter[code]": "PSYKIATRI"}, {"Psykiatrimottagningen", "Barn och unga"}),
        ({"filter[code]": "bup"}, {"Barn och unga"}),
        ({"filter[code]": "finns-inte"}, set()),
        ({"filter[search]": "remisser"}, {"Psykiatrimottagningen"}),
    ],
)
def test_address_filters(api, directory, params, expected):
    assert found(api, "/api/addresses", params) == expected


def test_address_filter_code_by_id_includes_sub_codes(api, directory):
    assert found(api, "/api/addresses", {"filter[code]": str(directory.psychiatry.pk)}) == {
        "Psykiatrimottagningen",
        "Barn och unga",
    }
    assert found(api, "/api/addresses", {"filter[code]": str(directory.bup.pk)}) == {"Barn och unga"}


def test_address_filter_code_system(api, directory, second_code_system):
    assert found(api, "/api/addresses", {"filter[codeSystem]": str(directory.code_system.pk)}) == {
        "Psykiatrimottagningen",
        "Barn och unga",
    }
    assert found(api, "/api/addresses", {"filter[codeSystem]": str(second_code_system.pk)}) == set()


def test_address_filter_parent_is_the_organization_itself(api, directory):
    assert found(api, "/api/addresses", {"filter[parent]": str(directory.social.pk)}) == {
        "Socialtjänstens inkorg"
    }


def test_address_filter_organization_covers_its_sub_tree(api, directory):
    assert found(api, "/api/addresses", {"filter[organization]": str(directory.social.pk)}) == {
        "Socialtjänstens inkorg",
        "Barn och unga",
    }
    assert found(api, "/api/addresses", {"filter[organization]": str(directory.malmo.pk)}) == {
        "Socialtjänstens inkorg",
        "Barn och unga",
    }


def test_address_filter_updated_since(api, directory):
    age(FunctionAddress)
    directory.lund_inbox.name = "Lunds nya inkorg"
    directory.lund_inbox.save()

    assert found(api, "/api/addresses", {"filter[updatedSince]": an_hour_ago()}) == {"Lunds nya inkorg"}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"filter[participantIdentifier]": "0203:malmo.se", "filter[code]": "psykiatri"}, {"Barn och unga"}),
        ({"filter[county]": "12", "filter[type]": "o"}, {"Lunds inkorg"}),
        (
            {"filter[kind]": "municipality", "filter[search]": "inkorg"},
            {"Socialtjänstens inkorg", "Lunds inkorg"},
        ),
        ({"filter[code]": "psykiatri", "filter[kind]": "region"}, {"Psykiatrimottagningen"}),
        (
            {"filter[participantIdentifier]": "0203:malmo.se", "filter[status]": "all"},
            {"Barn och unga", "Socialtjänstens inkorg", "Stängd inkorg"},
        ),
    ],
)
def test_address_filters_combine(api, directory, params, expected):
    assert found(api, "/api/addresses", params) == expected


def test_address_filters_combine_with_organization_and_code(api, directory):
    params = {
        "filter[organization]": str(directory.malmo.pk),
        "filter[code]": "bup",
        "filter[municipality]": "1280",
    }

    assert found(api, "/api/addresses", params) == {"Barn och unga"}


def test_filters_apply_in_a_nested_collection(api, directory):
    url = f"/api/organizations/{directory.malmo.pk}/addresses"

    assert found(api, url, {}) == set()
    assert found(api, url, {"filter[status]": "inactive"}) == {"Stängd inkorg"}


# --- code systems and codes ----------------------------------------------------------------


@pytest.fixture
def code_systems(directory, second_code_system):
    directory.code_system.owner = directory.region
    directory.code_system.save()
    retired = CodeSystemFactory(identifier="1.2.752.99.old", name="Gamla kategorier", status=Status.INACTIVE)
    return directory.code_system, second_code_system, retired


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"Verksamhetsområden", "Malmös ärendetyper"}),
        ({"filter[status]": "inactive"}, {"Gamla kategorier"}),
        ({"filter[status]": "all"}, {"Verksamhetsområden", "Malmös ärendetyper", "Gamla kategorier"}),
        ({"filter[identifier]": "1.2.752.99.MALMO"}, {"Malmös ärendetyper"}),
        ({"filter[version]": "2"}, {"Malmös ärendetyper"}),
        ({"filter[version]": "2", "filter[identifier]": "1.2.752.99.old"}, set()),
        ({"filter[identifier]": "1.2.752.99.old", "filter[status]": "all"}, {"Gamla kategorier"}),
    ],
)
def test_code_system_filters(api, code_systems, params, expected):
    assert found(api, "/api/codesystems", params) == expected


def test_code_system_filter_owner(api, directory, code_systems):
    assert found(api, "/api/codesystems", {"filter[owner]": str(directory.region.pk)}) == {
        "Verksamhetsområden"
    }


def test_code_system_filter_updated_since(api, code_systems):
    age(CodeSystem)
    _, malmos, _ = code_systems
    malmos.description = "Uppdaterad"
    malmos.save()

    assert found(api, "/api/codesystems", {"filter[updatedSince]": an_hour_ago()}) == {"Malmös ärendetyper"}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"psykiatri", "bup", "ansokan"}),
        ({"filter[status]": "inactive"}, {"gammal"}),
        ({"filter[status]": "all"}, {"psykiatri", "bup", "ansokan", "gammal"}),
        ({"filter[code]": "BUP"}, {"bup"}),
        ({"filter[code]": "gammal"}, set()),
        ({"filter[code]": "gammal", "filter[status]": "all"}, {"gammal"}),
    ],
)
def test_code_filters(api, directory, second_code_system, params, expected):
    assert codes_found(api, "/api/codes", params) == expected


def test_code_filter_code_system_and_parent(api, directory, second_code_system):
    by_system = {"filter[codeSystem]": str(second_code_system.pk)}

    assert codes_found(api, "/api/codes", by_system) == {"ansokan"}
    assert codes_found(api, "/api/codes", {**by_system, "filter[status]": "all"}) == {"ansokan", "gammal"}
    assert codes_found(api, "/api/codes", {"filter[parent]": str(directory.psychiatry.pk)}) == {"bup"}
    assert (
        codes_found(
            api, "/api/codes", {"filter[parent]": str(directory.psychiatry.pk), "filter[code]": "psykiatri"}
        )
        == set()
    )


def test_code_filter_updated_since(api, directory, second_code_system):
    age(Code)
    directory.bup.display_name = "BUP"
    directory.bup.save()

    assert codes_found(api, "/api/codes", {"filter[updatedSince]": an_hour_ago()}) == {"bup"}


def test_code_filters_apply_under_a_code_system(api, second_code_system):
    url = f"/api/codesystems/{second_code_system.pk}/codes"

    assert codes_found(api, url, {"filter[status]": "inactive"}) == {"gammal"}
    assert codes_found(api, url, {"filter[code]": "ANSOKAN"}) == {"ansokan"}
