"""Paging: a client that follows links.next sees every record exactly once.

Two modes: page numbers (page[number], page[size], counted in meta.pagination.count) for
people and UIs, and a keyset walk (page[after], empty to start) for full syncs, which must
stay exact while records are renamed and added between pages.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import parse_qs, urlsplit

import pytest

from addressbook.api.pagination import DirectoryPagination
from addressbook.models import Code, CodeSystem, FunctionAddress, Organization
from tests.api.conftest import BASE_URL, ids, walk
from tests.factories import (
    CodeFactory,
    CodeSystemFactory,
    FunctionAddressFactory,
    OrganizationFactory,
    SubOrganizationFactory,
)

pytestmark = pytest.mark.django_db

COLLECTIONS = {
    "/api/organizations": Organization,
    "/api/addresses": FunctionAddress,
    "/api/codesystems": CodeSystem,
    "/api/codes": Code,
}


@pytest.fixture
def many_records():
    """Eleven of each resource (three pages of four, the last one short)."""
    for number in range(11):
        organization = OrganizationFactory(name=f"Kommun {number:02d}")
        FunctionAddressFactory(organization=organization, name=f"Inkorg {number:02d}")
        CodeFactory(
            code_system=CodeSystemFactory(name=f"Kodverk {number:02d}"), display_name=f"Kod {number:02d}"
        )


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def all_ids(model) -> set[str]:
    return {str(pk) for pk in model.objects.values_list("pk", flat=True)}


# --- page numbers --------------------------------------------------------------------------


@pytest.mark.parametrize("url", COLLECTIONS)
@pytest.mark.parametrize("mode", [{}, {"page[number]": "1"}], ids=["default-keyset", "page-numbers"])
def test_following_next_pages_returns_every_record_once(api, many_records, url, mode):
    # when a client pages through a collection four at a time
    pages = list(walk(api, url, {"page[size]": "4", **mode}))

    # then it sees three pages, and every record exactly once, counted on the first page
    seen = [resource_id for page in pages for resource_id in ids(page)]
    assert [len(page["data"]) for page in pages] == [4, 4, 3]
    assert Counter(seen).most_common(1)[0][1] == 1
    assert set(seen) == all_ids(COLLECTIONS[url])
    assert pages[0]["meta"]["pagination"]["count"] == 11


def test_a_default_walk_survives_changes_between_pages(api, many_records):
    # given a client that has read the first page of organisations (no paging parameters)
    first = api.get("/api/organizations", {"page[size]": "4"}).document
    seen = ids(first)

    # when the first record it saw is deactivated and a new one added before it reads on
    Organization.objects.filter(pk=seen[0]).update(status="inactive")
    OrganizationFactory(name="Aaa ny kommun")
    rest = list(walk(api, first["links"]["next"], {}))

    # then it saw every record that was there all along exactly once, and the new one
    seen += [resource_id for page in rest for resource_id in ids(page)]
    assert Counter(seen).most_common(1)[0][1] == 1
    assert set(seen) == all_ids(Organization)


def test_page_links_point_at_neighbouring_pages(api, many_records):
    response = api.get("/api/organizations", {"page[size]": "4", "page[number]": "2"})

    links = response.document["links"]
    assert response.document["meta"]["pagination"] == {"page": 2, "pages": 3, "count": 11, "size": 4}
    assert query(links["first"])["page[number]"] == ["1"]
    assert query(links["prev"])["page[number]"] == ["1"]
    assert query(links["next"])["page[number]"] == ["3"]
    assert query(links["last"])["page[number]"] == ["3"]
    assert all(query(links[name])["page[size]"] == ["4"] for name in ("first", "prev", "next", "last"))


def test_the_last_page_has_no_next_and_the_first_no_prev(api, many_records):
    first = api.get("/api/organizations", {"page[size]": "4", "page[number]": "1"}).document
    last = api.get(first["links"]["last"]).document

    assert first["links"]["prev"] is None
    assert last["links"]["next"] is None
    assert [resource["attributes"]["name"] for resource in last["data"]] == [
        "Kommun 08",
        "Kommun 09",
        "Kommun 10",
    ]


def test_paging_keeps_sort_and_filters(api, many_records):
    pages = list(walk(api, "/api/organizations", {"page[size]": "3", "sort": "-name", "filter[type]": "o"}))

    seen = [resource["attributes"]["name"] for page in pages for resource in page["data"]]
    assert seen == [f"Kommun {number:02d}" for number in reversed(range(11))]


def test_the_default_and_the_largest_page_size(api, many_records):
    default = api.get("/api/addresses").document
    largest = api.get("/api/addresses", {"page[size]": "1000"}).document

    assert default["meta"]["pagination"]["size"] == 50
    assert len(default["data"]) == 11
    assert largest["meta"]["pagination"]["size"] == 1000


def test_a_page_after_the_last_is_not_found(api, many_records):
    response = api.get("/api/organizations", {"page[size]": "4", "page[number]": "4"})

    assert response.status_code == 404
    assert response.document["errors"][0]["status"] == "404"


# --- keyset walk (page[after]) -------------------------------------------------------------


@pytest.mark.parametrize("url", COLLECTIONS)
def test_a_keyset_walk_returns_every_record_once(api, many_records, url):
    pages = list(walk(api, url, {"page[after]": "", "page[size]": "4"}))

    seen = [resource_id for page in pages for resource_id in ids(page)]
    assert len(seen) == len(set(seen)) == 11
    assert set(seen) == all_ids(COLLECTIONS[url])
    assert all(page["links"]["prev"] is None for page in pages)
    assert all(query(page["links"]["first"])["page[after]"] == [""] for page in pages)


def test_a_keyset_walk_stays_exact_while_records_are_renamed_and_added(api, many_records):
    # given a client that has read the first page of organisations
    params = {"page[after]": "", "page[size]": "4"}
    response = api.get("/api/organizations", params)
    existing = all_ids(Organization)
    seen = ids(response.document)
    added = set()
    step = 0

    while response.document["links"]["next"]:
        # when, between pages, a record already read is renamed to sort last, one not yet read
        # is renamed to sort first, and new organisations and sub-organisations appear
        read = Organization.objects.get(pk=seen[-1])
        read.name = "Ö sist"
        read.save()
        unread = Organization.objects.exclude(pk__in=seen).order_by("-name").first()
        if unread is not None:
            unread.name = f"A först {step}"
            unread.save()
        added.add(str(OrganizationFactory(name=f"Ny kommun {step}").pk))
        added.add(str(SubOrganizationFactory(parent=read, name=f"Ny förvaltning {step}").pk))
        step += 1

        response = api.get(response.document["links"]["next"])
        seen += ids(response.document)

    # then every organisation that existed throughout was seen exactly once, and so was
    # every organisation added during the walk
    assert step >= 3
    assert len(seen) == len(set(seen)), f"repeated: {[i for i, n in Counter(seen).items() if n > 1]}"
    assert set(seen) == existing | added


def test_a_keyset_walk_keeps_filters(api, many_records):
    region = OrganizationFactory(name="Region Norr", kind="region")
    subs = {str(SubOrganizationFactory(parent=region, name=f"Vårdcentral {n}").pk) for n in range(5)}

    pages = list(
        walk(api, "/api/organizations", {"page[after]": "", "page[size]": "2", "filter[kind]": "region"})
    )

    assert {resource_id for page in pages for resource_id in ids(page)} == subs | {str(region.pk)}


def test_a_keyset_walk_over_a_nested_collection(api):
    organization = OrganizationFactory()
    addresses = {str(FunctionAddressFactory(organization=organization).pk) for _ in range(5)}
    FunctionAddressFactory()  # someone else's

    pages = list(
        walk(api, f"/api/organizations/{organization.pk}/addresses", {"page[after]": "", "page[size]": "2"})
    )

    assert [resource_id for page in pages for resource_id in ids(page)] == sorted(addresses)


# --- links ---------------------------------------------------------------------------------


def test_links_are_absolute_urls(api, many_records):
    document = api.get("/api/organizations", {"page[size]": "4", "page[number]": "2"}).document

    for name in ("self", "first", "prev", "next", "last"):
        assert document["links"][name].startswith(f"{BASE_URL}/api/organizations?"), name
    for resource in document["data"]:
        for relationship in ("subOrganizations", "addresses"):
            assert resource["relationships"][relationship]["links"]["related"].startswith(f"{BASE_URL}/api/")


def test_links_follow_the_host_and_scheme_the_client_used(api, settings, many_records):
    settings.ALLOWED_HOSTS = ["adressbok.example.se"]

    document = api.get(
        "/api/addresses",
        {"page[after]": "", "page[size]": "4"},
        HTTP_HOST="adressbok.example.se",
        secure=True,
    ).document

    assert document["links"]["next"].startswith("https://adressbok.example.se/api/addresses?")
    assert document["links"]["self"].startswith("https://adressbok.example.se/api/addresses?")


def test_a_collection_larger_than_the_count_limit_says_at_least(api, many_records, monkeypatch):
    # given a server that counts at most five records
    monkeypatch.setattr(DirectoryPagination, "count_limit", 5)

    # when a client asks for numbered pages and for the default walk
    numbered = api.get("/api/organizations", {"page[size]": "4", "page[number]": "2"}).document
    walk_start = api.get("/api/organizations", {"page[size]": "4"}).document

    # then neither pays for an exact count, and the pages still link on
    assert numbered["meta"]["pagination"] == {"page": 2, "size": 4, "countAtLeast": 6}
    assert "last" not in numbered["links"]
    assert numbered["links"]["next"]
    assert walk_start["meta"]["pagination"] == {"size": 4, "countAtLeast": 6}


def test_a_search_matching_more_than_its_window_says_at_least(api, many_records, settings):
    # given a server that ranks at most five matches of a search
    settings.SEARCH_WINDOW = 5

    # when a client searches for a word all eleven organisations share
    document = api.get("/api/organizations", {"filter[search]": "kommun", "page[size]": "4"}).document

    # then the count says "at least" the window rather than claiming there are five
    assert document["meta"]["pagination"]["countAtLeast"] == 5
    assert "count" not in document["meta"]["pagination"]
    assert len(document["data"]) == 4


def test_a_search_within_its_window_is_counted(api, many_records, settings):
    settings.SEARCH_WINDOW = 50

    document = api.get("/api/organizations", {"filter[search]": "kommun", "page[size]": "4"}).document

    assert document["meta"]["pagination"]["count"] == 11
