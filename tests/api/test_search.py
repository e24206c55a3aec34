"""filter[search]: what a person typing Swedish names, without å, ä, ö or with a typo, expects."""

from __future__ import annotations

import pytest

from addressbook.selectors.search import MAX_STARTS
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


# --- typos in any word, at any scale (the word dictionary) --------------------------------------


@pytest.fixture
def registry():
    """Two addresses of Region Östergötland, and one of another region that matches nothing typed."""
    region = OrganizationFactory(
        name="Region Östergötland", participant_identifier="0203:regionostergotland.se"
    )
    unit = SubOrganizationFactory(parent=region, name="Ungdomsmottagningen Linköping")
    FunctionAddressFactory(organization=unit, identifier="sdk:registrator:0203:rog.se", name="Registratorn")
    FunctionAddressFactory(
        organization=unit, identifier="sdk:psykiatri:0203:rog.se", name="Psykiatrimottagning"
    )
    other = OrganizationFactory(name="Region Gotland", participant_identifier="0203:gotland.se")
    FunctionAddressFactory(organization=other, identifier="sdk:kansli:0203:gotland.se", name="Kansliet")


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("registratorn linkoping", "as written, without å, ä, ö"),
        ("registartorn linkoping", "two letters swapped in the first word"),
        ("registratorn linkopnig", "two letters swapped in the last word"),
        ("registatorn linkoping", "a letter missing in the first word"),
        ("registratorn linkping", "a letter missing in the last word"),
        ("registrattorn linkoping", "a letter doubled in the first word"),
        ("registratorn linkkoping", "a letter doubled in the last word"),
        ("registrqtorn linkoping", "a wrong letter in the first word"),
        ("registratorn linkopeng", "a wrong letter in the last word"),
        ("ungdomsmotagningen registrator", "a letter missing, and the start of a word"),
        ("registrator ostergotlnad", "swapped letters in a parent organisation's name"),
        ("linkoping registartor", "words in another order, the typo last"),
    ],
)
def test_every_kind_of_typo_in_any_word_finds_the_address(api, registry, typed, kind):
    assert search(api, "/api/addresses", typed) == ["Registratorn"], kind


@pytest.mark.parametrize("typed", ["byglov linkoping", "registratorn visby", "kansliet linkoping", "xqzv"])
def test_a_word_no_record_has_nearly_finds_nothing(api, registry, typed):
    assert search(api, "/api/addresses", typed) == []


def test_a_short_word_swapped_is_one_typo(api):
    # "akut" typed as "aktu": Levenshtein counts two edits, a person one slip
    OrganizationFactory(name="BUP akut")
    OrganizationFactory(name="Arkivet")

    assert search(api, "/api/organizations", "aktu bup") == ["BUP akut"]


def test_an_exact_word_ranks_before_a_typo_match(api):
    # given one unit named exactly as typed and one a typo away
    OrganizationFactory(name="Psykiatri Norr")
    OrganizationFactory(name="Psykaitri Norr")  # a typo in the record itself, sorting first

    # then the exact one comes first, the near one after it
    assert search(api, "/api/organizations", "psykiatri norr") == ["Psykiatri Norr", "Psykaitri Norr"]


def test_a_word_start_finds_words_with_digits_after_the_letters(api):
    OrganizationFactory(name="Mottagning Vasa2")
    OrganizationFactory(name="Mottagning 2vasa")

    assert search(api, "/api/organizations", "mottagning vasa") == ["Mottagning Vasa2"]


def test_a_word_start_that_begins_many_words_finds_them_all(api):
    # given more words that begin with "kansli" than a start is looked up as words
    suffixes = "abcdefghijklmnopqrstuvwxyz"[: MAX_STARTS + 2]
    for suffix in suffixes:
        OrganizationFactory(name=f"Kansli{suffix}")

    # then the start, as typed and with a typo, finds each of them
    assert len(search(api, "/api/organizations", "kansli", **{"page[size]": "50"})) == len(suffixes)
    assert len(search(api, "/api/organizations", "kanlsi", **{"page[size]": "50"})) == len(suffixes)


def test_the_window_holds_the_best_matches_not_the_first_found(api, settings):
    # given a window of two, and two units a typo away stored before the one named as typed
    settings.SEARCH_WINDOW = 2
    OrganizationFactory(name="Psykaitri Norr")
    OrganizationFactory(name="Psykatri Norr")
    OrganizationFactory(name="Psykiatri Norr")

    # when searched
    response = api.get("/api/organizations", {"filter[search]": "psykiatri norr"})

    # then the exact match is in the window, and first; there may be more than it holds
    assert names(response.document)[0] == "Psykiatri Norr"
    assert response.document["meta"]["pagination"]["countAtLeast"] == 2


def test_a_new_and_a_renamed_unit_are_found_by_a_misspelt_name_at_once(api, registry):
    # given a unit created, and another renamed, just now (new words for the dictionary)
    region = OrganizationFactory(name="Region Halland", participant_identifier="0203:regionhalland.se")
    SubOrganizationFactory(parent=region, name="Hörselvården Varberg")
    renamed = SubOrganizationFactory(parent=region, name="Kurator")
    renamed.name = "Logopedmottagningen Falkenberg"
    renamed.save()

    # then each is found by its new name with a typo, the old name finds nothing
    assert search(api, "/api/organizations", "horselvarden vraberg") == ["Hörselvården Varberg"]
    assert search(api, "/api/organizations", "logopedmotagningen falkenbreg") == [
        "Logopedmottagningen Falkenberg"
    ]
    assert search(api, "/api/organizations", "kurator") == []


@pytest.mark.parametrize(
    "typed",
    [
        "registratorn " * 200,  # very long
        "a b c d e f g h i j k l registratorn",  # many words, most too short
        "ett två tre fyra fem sex sju åtta nio tio registratorn",  # more than eight words
        "registratorn & | ! ( ) : * <-> linkoping",  # tsquery operators
        "'registratorn' \"linkoping\"",  # quotes
        "registratorn:* | !gotland",
        "\\' OR 1=1 --",
        "%_%",
        "...",
        "😀 registratorn",
    ],
)
def test_hostile_input_gives_a_list_never_an_error(api, registry, typed):
    for url in ("/api/addresses", "/api/organizations"):
        found = search(api, url, typed)
        assert isinstance(found, list)
    # words survive the punctuation around them
    assert search(api, "/api/addresses", "registratorn & | ! ( ) : * <-> linkoping") == ["Registratorn"]
