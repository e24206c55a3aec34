"""The resources as a message service's client reads them: attributes, relationships,
compound documents (include=), sparse fieldsets (fields[type]=) and sort=."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from addressbook.models import Code, CodeSystem, FunctionAddress, Organization
from tests.api.conftest import BASE_URL, ids, names
from tests.factories import (
    CodeFactory,
    CodeSystemFactory,
    FunctionAddressFactory,
    OrganizationFactory,
    with_luhn_digit,
)

pytestmark = pytest.mark.django_db

DIRECTORY_ATTRIBUTES = {"status", "validFrom", "validTo", "createdAt", "updatedAt"}


def linkage(document: dict) -> set[tuple[str, str]]:
    """Every (type, id) the primary data points at through its relationships."""
    data = document["data"] if isinstance(document["data"], list) else [document["data"]]
    pointed = set()
    for resource in data:
        for relationship in resource.get("relationships", {}).values():
            targets = relationship.get("data")
            for target in targets if isinstance(targets, list) else [targets]:
                if target:
                    pointed.add((target["type"], target["id"]))
    return pointed


def included(document: dict) -> set[tuple[str, str]]:
    return {(resource["type"], resource["id"]) for resource in document.get("included", [])}


def assert_full_linkage(document: dict) -> None:
    """JSON:API: each included resource is reached from the data, and appears once."""
    objects = [(resource["type"], resource["id"]) for resource in document.get("included", [])]
    assert len(objects) == len(set(objects)), "a resource is included twice"
    assert set(objects) <= linkage(document), "an included resource is not linked from the data"


# --- attributes and relationships ----------------------------------------------------------


def test_an_organization_reads_as_in_the_reference(api, directory):
    # when a client fetches Malmö stad
    response = api.get(f"/api/organizations/{directory.malmo.pk}")

    # then it gets the reference's camelCase attributes, with the o/ou type as organizationType
    assert response.status_code == 200
    resource = response.document["data"]
    assert resource["type"] == "organizations"
    assert resource["id"] == str(directory.malmo.pk)
    attributes = resource["attributes"]
    assert set(attributes) == {
        "organizationType",
        "participantIdentifier",
        "localIdentifier",
        "organizationNumber",
        "name",
        "alternateName",
        "description",
        "countryCode",
        "kind",
        "county",
        "municipality",
        *DIRECTORY_ATTRIBUTES,
    }
    assert attributes["organizationType"] == "o"
    assert attributes["participantIdentifier"] == "0203:malmo.se"
    assert attributes["organizationNumber"] == "212000-1124"
    assert attributes["name"] == "Malmö stad"
    assert attributes["alternateName"] == "Malmö kommun"
    assert attributes["countryCode"] == "SE"
    assert attributes["kind"] == "municipality"
    assert (attributes["county"], attributes["municipality"]) == ("12", "1280")
    assert attributes["status"] == "active"
    assert resource["relationships"]["parent"] == {"data": None}


def test_a_sub_organization_points_to_its_parent(api, directory):
    response = api.get(f"/api/organizations/{directory.family.pk}")

    resource = response.document["data"]
    assert resource["attributes"]["organizationType"] == "ou"
    assert resource["attributes"]["participantIdentifier"] == "0203:malmo.se"
    assert resource["relationships"]["parent"]["data"] == {
        "type": "organizations",
        "id": str(directory.social.pk),
    }


def test_an_address_reads_with_its_organization_and_codes(api, directory):
    response = api.get(f"/api/addresses/{directory.children.pk}")

    resource = response.document["data"]
    assert resource["type"] == "addresses"
    assert set(resource["attributes"]) == {
        "identifier",
        "name",
        "description",
        "keywords",
        *DIRECTORY_ATTRIBUTES,
    }
    assert resource["attributes"]["identifier"] == "sdk:barn:0203:malmo.se"
    assert resource["attributes"]["keywords"] == ["orosanmälan"]
    assert resource["relationships"]["parent"]["data"] == {
        "type": "organizations",
        "id": str(directory.family.pk),
    }
    assert resource["relationships"]["codes"]["data"] == [{"type": "codes", "id": str(directory.bup.pk)}]


def test_a_code_system_and_its_codes_read_as_resources(api, directory):
    # given a code system maintained by Malmö
    directory.code_system.owner = directory.malmo
    directory.code_system.save()

    # when a client reads it and one of its codes
    system = api.get(f"/api/codesystems/{directory.code_system.pk}").document["data"]
    code = api.get(f"/api/codes/{directory.bup.pk}").document["data"]

    # then both carry their attributes and point at their owner, system and parent code
    assert system["type"] == "codesystems"
    assert set(system["attributes"]) == {
        "identifier",
        "name",
        "version",
        "description",
        *DIRECTORY_ATTRIBUTES,
    }
    assert system["attributes"]["name"] == "Verksamhetsområden"
    assert system["relationships"]["owner"]["data"] == {
        "type": "organizations",
        "id": str(directory.malmo.pk),
    }
    assert code["type"] == "codes"
    assert code["attributes"] == {
        "code": "bup",
        "displayName": "Barn- och ungdomspsykiatri",
        "active": True,
        "createdAt": code["attributes"]["createdAt"],
        "updatedAt": code["attributes"]["updatedAt"],
    }
    assert code["relationships"]["codeSystem"]["data"] == {
        "type": "codesystems",
        "id": str(directory.code_system.pk),
    }
    assert code["relationships"]["parent"]["data"] == {"type": "codes", "id": str(directory.psychiatry.pk)}


def test_an_organizations_related_links_list_its_sub_organizations_and_addresses(api, directory):
    # given Malmö stad as a client sees it
    relationships = api.get(f"/api/organizations/{directory.social.pk}").document["data"]["relationships"]

    # when the client follows its related links
    subs = api.get(relationships["subOrganizations"]["links"]["related"])
    addresses = api.get(relationships["addresses"]["links"]["related"])

    # then it finds the direct sub-organisation and the organisation's own addresses
    assert relationships["subOrganizations"]["links"]["related"] == (
        f"{BASE_URL}/api/organizations/{directory.social.pk}/sub-organizations"
    )
    assert names(subs.document) == ["Barn och familj"]
    assert names(addresses.document) == ["Socialtjänstens inkorg"]


def test_a_code_systems_related_link_lists_its_codes(api, directory):
    system = api.get(f"/api/codesystems/{directory.code_system.pk}").document["data"]

    codes = api.get(system["relationships"]["codes"]["links"]["related"])

    assert codes.status_code == 200
    assert sorted(resource["attributes"]["code"] for resource in codes.document["data"]) == [
        "bup",
        "psykiatri",
    ]


def test_nested_collections_hold_only_their_owners_records(api, directory, second_code_system):
    malmo_addresses = api.get(f"/api/organizations/{directory.malmo.pk}/addresses", {"filter[status]": "all"})
    malmo_subs = api.get(f"/api/organizations/{directory.malmo.pk}/sub-organizations")
    codes = api.get(f"/api/codesystems/{second_code_system.pk}/codes", {"filter[status]": "all"})

    assert names(malmo_addresses.document) == ["Stängd inkorg"]
    assert names(malmo_subs.document) == ["Socialförvaltningen"]
    assert sorted(resource["attributes"]["code"] for resource in codes.document["data"]) == [
        "ansokan",
        "gammal",
    ]


# --- include= ------------------------------------------------------------------------------


def test_include_parent_of_sub_organizations(api, directory):
    # when a client lists sub-organisations with their parents
    response = api.get("/api/organizations", {"filter[type]": "ou", "include": "parent"})

    # then the parents come along once each, as full resources; Socialförvaltningen, itself
    # in the data, is not repeated
    document = response.document
    assert included(document) == {
        ("organizations", str(directory.malmo.pk)),
        ("organizations", str(directory.region.pk)),
    }
    assert_full_linkage(document)
    parents = {r["id"]: r for r in document["included"]}
    assert parents[str(directory.region.pk)]["attributes"]["name"] == "Region Skåne"


def test_include_parent_of_one_organization(api, directory):
    response = api.get(f"/api/organizations/{directory.family.pk}", {"include": "parent"})

    assert [(r["type"], r["attributes"]["name"]) for r in response.document["included"]] == [
        ("organizations", "Socialförvaltningen")
    ]
    assert_full_linkage(response.document)


@pytest.mark.parametrize(
    ("include", "expected_types"),
    [
        ("parent", {"organizations"}),
        ("codes", {"codes"}),
        ("parent,codes", {"organizations", "codes"}),
    ],
)
def test_include_of_addresses(api, directory, include, expected_types):
    # when a client lists Malmö's and the region's classified addresses with what they point at
    response = api.get("/api/addresses", {"filter[county]": "12", "include": include})

    # then exactly the organisations and/or codes they point at come along
    document = response.document
    assert {resource_type for resource_type, _ in included(document)} == expected_types
    wanted = {(t, i) for t, i in linkage(document) if t in expected_types}
    assert included(document) == wanted
    assert_full_linkage(document)
    if "codes" in expected_types:
        code_names = {r["attributes"]["displayName"] for r in document["included"] if r["type"] == "codes"}
        assert code_names == {"Psykiatri", "Barn- och ungdomspsykiatri"}


def test_include_owner_of_code_systems(api, directory):
    directory.code_system.owner = directory.region
    directory.code_system.save()

    response = api.get("/api/codesystems", {"include": "owner"})

    assert [(r["type"], r["attributes"]["name"]) for r in response.document["included"]] == [
        ("organizations", "Region Skåne")
    ]
    assert_full_linkage(response.document)


@pytest.mark.parametrize(
    ("include", "expected"),
    [
        ("codeSystem", {("codesystems", "Verksamhetsområden")}),
        ("parent", {("codes", "Psykiatri")}),
        ("codeSystem,parent", {("codesystems", "Verksamhetsområden"), ("codes", "Psykiatri")}),
    ],
)
def test_include_of_codes(api, directory, include, expected):
    # when a client fetches BUP with its code system and/or parent code
    response = api.get("/api/codes", {"filter[code]": "bup", "include": include})

    # then they come along
    got = {
        (r["type"], r["attributes"].get("name") or r["attributes"].get("displayName"))
        for r in response.document["included"]
    }
    assert got == expected
    assert_full_linkage(response.document)


def test_include_in_a_nested_collection(api, directory):
    response = api.get(f"/api/organizations/{directory.family.pk}/addresses", {"include": "parent,codes"})

    assert included(response.document) == {
        ("organizations", str(directory.family.pk)),
        ("codes", str(directory.bup.pk)),
    }


# --- fields[type]= -------------------------------------------------------------------------


def test_sparse_fieldset_of_organizations(api, directory):
    response = api.get("/api/organizations", {"fields[organizations]": "name,participantIdentifier,parent"})

    for resource in response.document["data"]:
        assert set(resource["attributes"]) == {"name", "participantIdentifier"}
        assert set(resource.get("relationships", {})) == {"parent"}


def test_sparse_fieldsets_apply_to_included_resources_too(api, directory):
    # when a client wants only address names and their organisations' names
    response = api.get(
        "/api/addresses",
        {
            "include": "parent,codes",
            "fields[addresses]": "name,parent",
            "fields[organizations]": "name",
            "fields[codes]": "code",
        },
    )

    # then that is all it gets, for the data and for each included type
    document = response.document
    assert all(set(r["attributes"]) == {"name"} for r in document["data"])
    assert all(set(r["relationships"]) == {"parent"} for r in document["data"])
    organizations = [r for r in document["included"] if r["type"] == "organizations"]
    assert organizations
    assert all(set(r["attributes"]) == {"name"} for r in organizations)


@pytest.mark.parametrize(
    ("url", "fields", "wanted"),
    [
        ("/api/codesystems", {"fields[codesystems]": "name,version"}, {"name", "version"}),
        ("/api/codes", {"fields[codes]": "displayName"}, {"displayName"}),
        ("/api/addresses", {"fields[addresses]": "identifier"}, {"identifier"}),
    ],
)
def test_sparse_fieldsets_of_other_resources(api, directory, url, fields, wanted):
    response = api.get(url, fields)

    assert response.document["data"]
    assert all(set(r["attributes"]) == wanted for r in response.document["data"])


def test_sparse_fieldset_of_one_resource(api, directory):
    response = api.get(
        f"/api/organizations/{directory.malmo.pk}", {"fields[organizations]": "organizationNumber"}
    )

    assert response.document["data"]["attributes"] == {"organizationNumber": "212000-1124"}


# --- sort= ---------------------------------------------------------------------------------


@pytest.fixture
def alphabet():
    """Three organisations whose names, identifiers, numbers and times sort differently."""
    charlie = OrganizationFactory(
        name="Charlie", participant_identifier="0203:b.se", organization_number=with_luhn_digit("212000000")
    )
    alfa = OrganizationFactory(
        name="Alfa", participant_identifier="0203:c.se", organization_number=with_luhn_digit("212000001")
    )
    bravo = OrganizationFactory(
        name="Bravo", participant_identifier="0203:a.se", organization_number=with_luhn_digit("212000002")
    )
    base = timezone.now() - datetime.timedelta(days=1)
    # Changed in the order bravo, charlie, alfa.
    for minutes, organization in enumerate([bravo, charlie, alfa]):
        Organization.objects.filter(pk=organization.pk).update(
            updated_at=base + datetime.timedelta(minutes=minutes)
        )
    return alfa, bravo, charlie


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Alfa", "Bravo", "Charlie"]),
        ("-name", ["Charlie", "Bravo", "Alfa"]),
        ("participantIdentifier", ["Bravo", "Charlie", "Alfa"]),
        ("-participantIdentifier", ["Alfa", "Charlie", "Bravo"]),
        ("organizationNumber", ["Charlie", "Alfa", "Bravo"]),
        ("-organizationNumber", ["Bravo", "Alfa", "Charlie"]),
        ("createdAt", ["Charlie", "Alfa", "Bravo"]),
        ("-createdAt", ["Bravo", "Alfa", "Charlie"]),
        ("updatedAt", ["Bravo", "Charlie", "Alfa"]),
        ("-updatedAt", ["Alfa", "Charlie", "Bravo"]),
    ],
)
def test_sort_organizations(api, alphabet, sort, expected):
    response = api.get("/api/organizations", {"sort": sort})

    assert names(response.document) == expected


def test_sort_by_two_keys(api):
    # given two addresses with one name and a third with another
    first = FunctionAddressFactory(name="Inkorg")
    second = FunctionAddressFactory(name="Inkorg")
    FunctionAddressFactory(name="Arkiv")

    # when sorted by name, newest first among equals
    response = api.get("/api/addresses", {"sort": "name,-createdAt"})

    # then the second key breaks the tie
    assert names(response.document) == ["Arkiv", "Inkorg", "Inkorg"]
    assert ids(response.document)[1:] == [str(second.pk), str(first.pk)]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [("name", ["Alfa", "Bravo", "Charlie"]), ("-name", ["Charlie", "Bravo", "Alfa"])],
)
def test_sort_addresses_by_name(api, sort, expected):
    for name in ["Bravo", "Charlie", "Alfa"]:
        FunctionAddressFactory(name=name)

    assert names(api.get("/api/addresses", {"sort": sort}).document) == expected


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("identifier", ["1.2.1", "1.2.2", "1.2.3"]),
        ("-identifier", ["1.2.3", "1.2.2", "1.2.1"]),
        ("-name", ["1.2.1", "1.2.3", "1.2.2"]),
    ],
)
def test_sort_code_systems(api, sort, expected):
    CodeSystemFactory(identifier="1.2.3", name="Beta")
    CodeSystemFactory(identifier="1.2.1", name="Gamma")
    CodeSystemFactory(identifier="1.2.2", name="Alfa")

    response = api.get("/api/codesystems", {"sort": sort})

    assert [r["attributes"]["identifier"] for r in response.document["data"]] == expected


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("code", ["a", "b", "c"]),
        ("-code", ["c", "b", "a"]),
        ("displayName", ["b", "c", "a"]),
        ("-displayName", ["a", "c", "b"]),
    ],
)
def test_sort_codes(api, sort, expected):
    system = CodeSystemFactory()
    CodeFactory(code_system=system, code="a", display_name="Zeta")
    CodeFactory(code_system=system, code="c", display_name="Eta")
    CodeFactory(code_system=system, code="b", display_name="Beta")

    response = api.get(f"/api/codesystems/{system.pk}/codes", {"sort": sort})

    assert [r["attributes"]["code"] for r in response.document["data"]] == expected


def test_pages_by_number_without_sort_are_in_name_order(api, alphabet):
    assert names(api.get("/api/organizations", {"page[number]": "1"}).document) == [
        "Alfa",
        "Bravo",
        "Charlie",
    ]


def test_without_paging_parameters_a_collection_is_in_creation_order(api, alphabet):
    # The default walk is a keyset walk in id order; ids are time-ordered.
    created = [o.name for o in Organization.objects.order_by("pk")]
    assert names(api.get("/api/organizations").document) == created


@pytest.fixture
def three_of_each():
    """Three records of every resource, whose sort keys each give a different order."""
    organizations = [
        OrganizationFactory(name=name, participant_identifier=f"0203:{domain}.se")
        for name, domain in [("Bravo", "c"), ("Charlie", "a"), ("Alfa", "b")]
    ]
    system = CodeSystemFactory(identifier="1.2.9", name="Bravo")
    CodeSystemFactory(identifier="1.2.7", name="Charlie")
    CodeSystemFactory(identifier="1.2.8", name="Alfa")
    for code, display_name in [("b", "Charlie"), ("c", "Alfa"), ("a", "Bravo")]:
        CodeFactory(code_system=system, code=code, display_name=display_name)
    for organization, (name, identifier) in zip(
        organizations,
        [("Charlie", "sdk:b:0203:x.se"), ("Alfa", "sdk:c:0203:x.se"), ("Bravo", "sdk:a:0203:x.se")],
        strict=True,
    ):
        FunctionAddressFactory(organization=organization, name=name, identifier=identifier)
    # Last changed newest first, so updatedAt runs against createdAt.
    base = timezone.now() - datetime.timedelta(days=1)
    for model in (Organization, CodeSystem, Code, FunctionAddress):
        for minutes, pk in enumerate(model.objects.order_by("-created_at").values_list("pk", flat=True)):
            model.objects.filter(pk=pk).update(updated_at=base + datetime.timedelta(minutes=minutes))


OFFERED_SORTS = [
    ("/api/organizations", ["name", "participantIdentifier", "organizationNumber", "createdAt", "updatedAt"]),
    ("/api/addresses", ["name", "identifier", "createdAt", "updatedAt"]),
    ("/api/codesystems", ["name", "identifier", "createdAt", "updatedAt"]),
    ("/api/codes", ["code", "displayName", "createdAt", "updatedAt"]),
]


@pytest.mark.parametrize(
    ("url", "key"),
    [(url, key) for url, keys in OFFERED_SORTS for key in keys],
)
def test_every_offered_sort_key_sorts_both_ways(api, three_of_each, url, key):
    ascending = api.get(url, {"sort": key}).document["data"]
    descending = api.get(url, {"sort": f"-{key}"}).document["data"]

    values = [resource["attributes"][key] for resource in ascending]
    assert len(values) == 3
    assert values == sorted(values)
    assert len(set(values)) == 3
    assert ids(descending) == ids(ascending)[::-1]
