"""filter[search]: what a person typing Swedish names, without å, ä, ö or with a typo, expects."""

from __future__ import annotations

import pytest

from tests.api.conftest import names
from tests.factories import (
    CodeFactory,
    FunctionAddressCodeFactory,
    FunctionAddressFactory,
    OrganizationFactory,
    SubOrganizationFactory,
)

pytestmark = pytest.mark.django_db


def search(api, url: str, text: str, **params) -> list[str]:
    response = api.get(url, {"filter[search]": text, **params})
    assert response.status_code == 200, response.document
    return names(response.document)


@pytest.fixture
def health_centres():
    """Health centres in Skåne and elsewhere; only one is Vårdcentralen Malmö."""
    region = OrganizationFactory(
        name="Region Skåne", participant_identifier="0203:skane.se", alternate_name="Skånes regionförvaltning"
    )
    other_region = OrganizationFactory(
        name="Region Östergötland", participant_identifier="0203:ostergotland.se"
    )
    return {
        "malmo": SubOrganizationFactory(parent=region, name="Vårdcentralen Malmö"),
        "lund": SubOrganizationFactory(parent=region, name="Vårdcentralen Lund"),
        "malmslatt": SubOrganizationFactory(parent=other_region, name="Akutvårdcentral Malmslätt"),
        "library": SubOrganizationFactory(parent=region, name="Stadsbiblioteket"),
    }


@pytest.mark.parametrize(
    "typed",
    [
        "vardcentral malmo",  # no å or ö, and only the start of "vårdcentralen"
        "Vårdcentralen Malmö",
        "VÅRDCENTRALEN MALMÖ",
        "vardcentarl malmo",  # two letters swapped
        "vårdcentarl malmö",
        "malmo vardcentral",  # words in another order
    ],
)
def test_search_finds_unaccented_misspelt_and_reordered_forms(api, health_centres, typed):
    assert search(api, "/api/organizations", typed)[0] == "Vårdcentralen Malmö"


def test_a_misspelt_word_alone_finds_the_health_centres(api, health_centres):
    found = search(api, "/api/organizations", "vardcentarl")

    assert {"Vårdcentralen Malmö", "Vårdcentralen Lund"} <= set(found)
    assert "Stadsbiblioteket" not in found


def test_search_requires_every_word(api, health_centres):
    # "vårdcentral" matches both centres, "lund" only one
    assert search(api, "/api/organizations", "vardcentral lund") == ["Vårdcentralen Lund"]
    assert search(api, "/api/organizations", "vardcentral kiruna") == []


def test_better_matches_come_first(api, health_centres):
    # given two centres that match "vardcentral malmo": one exactly, one only nearly
    # ("malmslätt" is close to "malmo"), the near one first by name

    # when searched
    found = search(api, "/api/organizations", "vardcentral malmo")

    # then the exact match leads, though its name sorts later
    assert found == ["Vårdcentralen Malmö", "Akutvårdcentral Malmslätt"]


def test_equally_good_matches_come_in_name_order(api):
    OrganizationFactory(name="Vårdcentralen Malmö")
    OrganizationFactory(name="Malmö vårdcentral")
    OrganizationFactory(name="Lunds vårdcentral")

    assert search(api, "/api/organizations", "malmo") == ["Malmö vårdcentral", "Vårdcentralen Malmö"]


def test_sort_overrides_relevance(api, health_centres):
    # a client that wants the matches alphabetically says so
    found = search(api, "/api/organizations", "vardcentral malmo", sort="name")

    assert found == ["Akutvårdcentral Malmslätt", "Vårdcentralen Malmö"]


def test_search_finds_an_organization_by_its_alternate_name(api):
    OrganizationFactory(name="Tandvårds- och läkemedelsförmånsverket", alternate_name="TLV")

    assert search(api, "/api/organizations", "tlv") == ["Tandvårds- och läkemedelsförmånsverket"]


def test_a_sub_organization_is_found_by_the_name_of_its_parent(api, health_centres):
    # "Skåne" is in no centre's own name, but in the name of the region above them
    found = search(api, "/api/organizations", "skane vardcentralen")

    assert set(found) == {"Vårdcentralen Malmö", "Vårdcentralen Lund"}


# --- function addresses --------------------------------------------------------------------


@pytest.fixture
def clinic(health_centres):
    """An address of Vårdcentralen Malmö, classified as child psychiatry."""
    psychiatry = CodeFactory(code="psykiatri", display_name="Psykiatri")
    bup = CodeFactory(
        code_system=psychiatry.code_system,
        code="bup",
        display_name="Barn- och ungdomspsykiatri",
        parent=psychiatry,
    )
    address = FunctionAddressFactory(
        organization=health_centres["malmo"],
        identifier="sdk:mottagning:0203:skane.se",
        name="Mottagningen",
        description="Tar emot remisser från skolhälsovården",
        keywords=["orosanmälan", "ungdom"],
    )
    FunctionAddressCodeFactory(function_address=address, code=bup)
    FunctionAddressFactory(
        organization=health_centres["lund"],
        identifier="sdk:mottagning:0203:lund.skane.se",
        name="Lunds mottagning",
    )
    return address


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("mottagningen", "its own name"),
        ("remisser skolhalsovarden", "its description"),
        ("orosanmalan", "a keyword, unaccented"),
        ("ungdomspsykiatri", "the name of its code"),
        ("psykiatri", "the name of its code's parent"),
        ("vardcentralen malmo", "the name of its organisation"),
        ("skane", "the name of its organisation's parent"),
        ("mottagning malmo ungdomspsykiatri", "words from its name, its organisation and its code"),
    ],
)
def test_an_address_is_found_by(api, clinic, typed, why):
    assert "Mottagningen" in search(api, "/api/addresses", typed), why


def test_an_address_search_needs_every_word_somewhere(api, clinic):
    assert search(api, "/api/addresses", "mottagning lund") == ["Lunds mottagning"]
    assert search(api, "/api/addresses", "mottagning psykiatri") == ["Mottagningen"]
    assert search(api, "/api/addresses", "mottagning tandvard") == []


def test_search_follows_a_renamed_organization(api, clinic, health_centres):
    # given the health centre is renamed
    centre = health_centres["malmo"]
    centre.name = "Hälsocentralen Triangeln"
    centre.save()

    # then its address is found by the new name and no longer by the old
    assert search(api, "/api/addresses", "halsocentralen triangeln") == ["Mottagningen"]
    assert search(api, "/api/addresses", "vardcentralen malmo") == []


def test_search_combines_with_other_filters(api, clinic, health_centres):
    found = search(
        api, "/api/addresses", "mottagning", **{"filter[organization]": str(health_centres["lund"].pk)}
    )

    assert found == ["Lunds mottagning"]
