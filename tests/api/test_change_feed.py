"""The change feed (/api/changes): fetch everything once, then only what changed.

A client fetches every collection with filter[status]=all, notes meta.changeSequence, and
from then on reads /api/changes?filter[after]=<number>&include=resource, applying each change
to its copy. Its copy must then equal a new full fetch.
"""

from __future__ import annotations

from collections import Counter

import pytest

from addressbook.api import pagination
from addressbook.api.documents import ResourceWriter
from addressbook.choices import Status
from addressbook.models import FunctionAddressCode, Organization
from addressbook.services.changes import changes_sequence
from tests.api.conftest import walk
from tests.factories import (
    CodeFactory,
    CodeSystemFactory,
    FunctionAddressCodeFactory,
    FunctionAddressFactory,
    OrganizationFactory,
    SubOrganizationFactory,
)

pytestmark = pytest.mark.django_db

COLLECTIONS = ("/api/organizations", "/api/addresses", "/api/codesystems", "/api/codes")

Copy = dict[tuple[str, str], dict]


def full_fetch(api) -> tuple[Copy, int]:
    """Every record of every collection, and the sequence number noted on the first page."""
    copy: Copy = {}
    sequence = None
    for url in COLLECTIONS:
        for page in walk(api, url, {"filter[status]": "all", "page[size]": "3"}):
            if sequence is None:
                sequence = page["meta"]["changeSequence"]
            for resource in page["data"]:
                copy[(resource["type"], resource["id"])] = resource
    return copy, sequence


def read_feed(api, after: int, *, page_size: int = 4) -> list[dict]:
    """Every page of the feed after ``after``, following links.next until a page is empty."""
    pages = []
    url, params = (
        "/api/changes",
        {"filter[after]": str(after), "include": "resource", "page[size]": str(page_size)},
    )
    while True:
        response = api.get(url, params)
        assert response.status_code == 200, response.document
        if not response.document["data"]:
            return pages
        pages.append(response.document)
        url, params = response.document["links"]["next"], None


def apply(copy: Copy, pages: list[dict]) -> Copy:
    """What a client does with the feed: take the included state, or drop what is gone."""
    copy = dict(copy)
    for page in pages:
        current = {(resource["type"], resource["id"]): resource for resource in page.get("included", [])}
        for change in page["data"]:
            target = change["relationships"]["resource"]["data"]
            key = (target["type"], target["id"])
            if key in current:
                copy[key] = current[key]
            else:
                copy.pop(key, None)
    return copy


def changes(pages: list[dict]) -> list[dict]:
    return [change for page in pages for change in page["data"]]


def actions_of(pages: list[dict], record) -> list[str]:
    return [
        change["attributes"]["action"]
        for change in changes(pages)
        if change["relationships"]["resource"]["data"]["id"] == str(record.pk)
    ]


def difference(old: dict, new: dict) -> dict:
    """The members of a resource object that differ, as (in the copy, in the fresh fetch)."""
    return {
        f"{part}.{name}": (old.get(part, {}).get(name), value)
        for part in ("attributes", "relationships")
        for name, value in new.get(part, {}).items()
        if old.get(part, {}).get(name) != value
    }


def assert_same(copy: Copy, fresh: Copy) -> None:
    assert set(copy) == set(fresh), {"missing": set(fresh) - set(copy), "stale": set(copy) - set(fresh)}
    differing = {key: difference(copy[key], fresh[key]) for key in fresh if copy[key] != fresh[key]}
    assert not differing, differing


def latest(api) -> int:
    return api.get("/api/changes", {"page[size]": "1"}).document["meta"]["latestSequence"]


# --- what the feed says --------------------------------------------------------------------


def test_every_kind_of_change_is_in_the_feed(api):
    # given a client that has read the feed to its end
    start = latest(api)

    # when an organisation is created, renamed, deactivated and (never used) deleted,
    # and a code and a code system are created, changed and deactivated
    organization = OrganizationFactory(name="Ny kommun")
    organization.name = "Nya kommunen"
    organization.save()
    organization.status = Status.INACTIVE
    organization.save()
    organization_id = organization.pk
    organization.delete()
    organization.pk = organization_id
    code = CodeFactory(display_name="Ny kod")
    code.active = False
    code.save()
    system = code.code_system
    system.status = Status.INACTIVE
    system.save()

    # then the feed tells each, in order
    pages = read_feed(api, start)
    assert actions_of(pages, organization) == ["created", "updated", "deactivated", "deleted"]
    assert actions_of(pages, code) == ["created", "deactivated"]
    assert actions_of(pages, system) == ["created", "deactivated"]


def test_classifying_an_address_is_a_change_of_the_address(api, directory):
    start = latest(api)

    classification = FunctionAddressCodeFactory(
        function_address=directory.lund_inbox, code=directory.psychiatry
    )
    classification.delete()

    pages = read_feed(api, start)
    assert actions_of(pages, directory.lund_inbox) == ["updated", "updated"]
    assert {change["relationships"]["resource"]["data"]["type"] for change in changes(pages)} == {"addresses"}


def test_a_change_comes_with_the_records_current_state(api, directory):
    start = latest(api)
    directory.lund_inbox.name = "Lunds nya inkorg"
    directory.lund_inbox.save()
    deleted_id = str(directory.tax_inbox.pk)
    directory.tax_inbox.delete()

    pages = read_feed(api, start)

    included = {resource["id"]: resource for page in pages for resource in page.get("included", [])}
    assert included[str(directory.lund_inbox.pk)]["attributes"]["name"] == "Lunds nya inkorg"
    assert included[str(directory.lund_inbox.pk)]["type"] == "addresses"
    # a deleted record is gone: the change names it, nothing is included
    assert deleted_id not in included
    assert changes(pages)[-1]["attributes"]["action"] == "deleted"
    assert changes(pages)[-1]["relationships"]["resource"]["data"] == {"type": "addresses", "id": deleted_id}


def test_paging_the_feed_neither_skips_nor_repeats_a_change(api):
    # given many changes at once
    start = latest(api)
    for number in range(10):
        organization = OrganizationFactory(name=f"Kommun {number}")
        FunctionAddressFactory(organization=organization)

    # when the feed is read three changes at a time
    pages = read_feed(api, start, page_size=3)

    # then the sequence numbers rise by one, each change once
    sequences = [change["attributes"]["sequence"] for change in changes(pages)]
    assert sequences[0] > start
    assert sequences == list(range(sequences[0], sequences[0] + 20))
    assert [change["id"] for change in changes(pages)] == [str(number) for number in sequences]
    assert max(Counter(sequences).values()) == 1
    assert all(len(page["data"]) <= 3 for page in pages)


def test_the_feed_continues_where_the_client_stopped(api, directory):
    # given a client that read the feed to its end
    pages = read_feed(api, 0)
    end = changes(pages)[-1]["attributes"]["sequence"]
    assert end == latest(api)
    next_url = api.get("/api/changes", {"filter[after]": str(end)}).document["links"]["next"]

    # when one more thing changes
    directory.lund.description = "Kommunen vid Lundagård"
    directory.lund.save()

    # then the next link it holds brings exactly that change
    response = api.get(next_url)
    assert [change["attributes"]["action"] for change in response.document["data"]] == ["updated"]
    assert response.document["data"][0]["relationships"]["resource"]["data"]["id"] == str(directory.lund.pk)
    assert response.document["data"][0]["attributes"]["sequence"] == end + 1


def test_an_empty_feed_page_links_to_itself(api):
    document = api.get("/api/changes", {"filter[after]": str(latest(api))}).document

    assert document["data"] == []
    assert document["links"]["next"].startswith("http://testserver/api/changes?")


def test_collections_tell_the_sequence_to_sync_from(api, directory):
    changes_sequence()

    document = api.get("/api/addresses").document

    assert document["meta"]["changeSequence"] == latest(api)


# --- replay --------------------------------------------------------------------------------


def make_changes(directory, second_code_system) -> None:
    """Creates, updates, deactivations and deletions of every kind of record and of classifications."""
    # created
    new_organization = OrganizationFactory(
        participant_identifier="0203:staffanstorp.se", name="Staffanstorps kommun"
    )
    new_sub = SubOrganizationFactory(parent=new_organization, name="Kommunstyrelsen")
    new_address = FunctionAddressFactory(organization=new_sub, identifier="sdk:ks:0203:staffanstorp.se")
    new_system = CodeSystemFactory(name="Nytt kodverk")
    new_code = CodeFactory(code_system=new_system, code="ny")
    FunctionAddressCodeFactory(function_address=new_address, code=new_code)
    # a classification added to an existing address, and one taken away
    FunctionAddressCodeFactory(function_address=directory.social_inbox, code=directory.psychiatry)
    FunctionAddressCode.objects.filter(function_address=directory.psychiatry_clinic).delete()
    # updated
    directory.region.name = "Region Skåne (RS)"
    directory.region.save()
    directory.children.description = "Orosanmälningar och ansökningar"
    directory.children.keywords = ["orosanmälan", "ansökan"]
    directory.children.save()
    directory.bup.display_name = "BUP"
    directory.bup.save()
    directory.code_system.version = "2"
    directory.code_system.save()
    reactivated = second_code_system.codes.get(code="gammal")
    reactivated.active = True
    reactivated.save()
    # deactivated
    directory.lund_inbox.status = Status.INACTIVE
    directory.lund_inbox.save()
    directory.lund.status = Status.INACTIVE
    directory.lund.save()
    directory.psychiatry.active = False
    directory.psychiatry.save()
    second_code_system.status = Status.INACTIVE
    second_code_system.save()
    # deleted
    directory.tax_inbox.delete()
    directory.retired.delete()
    second_code_system.codes.get(code="ansokan").delete()
    # created and deleted between two reads: the client must not keep it
    OrganizationFactory(participant_identifier="0203:kortlivad.se", name="Kortlivad").delete()


@pytest.mark.parametrize(
    "feed_read_before_fetch",
    [False, True],
    ids=["fetch-before-anyone-reads-the-feed", "fetch-after-the-feed-was-read"],
)
def test_replaying_the_feed_gives_the_same_state_as_a_full_fetch(
    api, directory, second_code_system, feed_read_before_fetch
):
    # given the directory, and possibly other clients already reading the feed
    CodeSystemFactory(name="Oanvänt kodverk")
    if feed_read_before_fetch:
        read_feed(api, 0, page_size=1000)

    # given a client's copy from a full fetch, with the sequence number to sync from
    copy, sequence = full_fetch(api)
    assert len(copy) > 20
    if feed_read_before_fetch:
        assert sequence > 0

    # when records of every kind are created, updated, deactivated and deleted
    make_changes(directory, second_code_system)

    # and the client applies the feed from its number
    pages = read_feed(api, sequence)
    synced = apply(copy, pages)

    # then its copy is what a new full fetch gives
    fresh, _ = full_fetch(api)
    assert synced != copy
    assert_same(synced, fresh)


def test_a_change_committed_while_a_full_fetch_is_served_is_not_lost(api, directory, monkeypatch):
    # given another message service's change to the first organisation of the first page,
    # committed (and numbered by a feed reader) after the server has read that page and
    # while it renders it
    first = Organization.objects.order_by("pk").first()
    render = ResourceWriter.render
    state = {"written": False}

    def render_while_a_change_commits(self, rows, **kwargs):
        if not state["written"] and self.resource_type == "organizations":
            state["written"] = True
            Organization.objects.filter(pk=first.pk).update(description="Ändrad under hämtningen")
            changes_sequence()
        return render(self, rows, **kwargs)

    monkeypatch.setattr(ResourceWriter, "render", render_while_a_change_commits)

    # when a client fetches everything, then syncs from the number it was given
    copy, sequence = full_fetch(api)
    assert state["written"]
    synced = apply(copy, read_feed(api, sequence))

    # then it has the change anyway: the number must not promise more than the page holds
    fresh, _ = full_fetch(api)
    key = ("organizations", str(first.pk))
    assert copy[key]["attributes"]["description"] != "Ändrad under hämtningen"
    assert fresh[key]["attributes"]["description"] == "Ändrad under hämtningen"
    assert synced[key]["attributes"]["description"] == "Ändrad under hämtningen", "the change was skipped"
    assert_same(synced, fresh)


def test_an_empty_page_reports_a_number_read_before_it(api, directory, monkeypatch):
    # given a lookup that finds nothing, and a feed reader numbering a change meanwhile
    read_sequence = pagination.latest_change_sequence
    numbered = {}

    def sequence_then_a_concurrent_commit():
        number = read_sequence()
        OrganizationFactory(name="Ny kommun", participant_identifier="0203:ny.se")
        changes_sequence()
        numbered["after"] = read_sequence()
        return number

    monkeypatch.setattr(pagination, "latest_change_sequence", sequence_then_a_concurrent_commit)

    # when the page is empty at first, the number read and then the page read again
    document = api.get("/api/organizations", {"filter[participantIdentifier]": "0203:ny.se"}).document

    # then the new record is on the page, with a number that covers it
    assert [resource["attributes"]["name"] for resource in document["data"]] == ["Ny kommun"]
    assert document["meta"]["changeSequence"] == numbered["after"]
