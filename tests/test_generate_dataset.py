"""manage.py generate_dataset: seeded test data written through the real triggers and constraints."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import transaction
from django.forms.models import model_to_dict

from addressbook.choices import ChangeAction, OrganizationType, ResourceType, Status
from addressbook.models import Change, FunctionAddress, FunctionAddressCode, Organization
from addressbook.selectors.search import search
from addressbook.services.dataset_vocabulary import CODE_SYSTEM_IDENTIFIER

pytestmark = pytest.mark.django_db

ORGANIZATIONS = 30
ADDRESSES = 200


def generate(seed: int = 7, **options) -> str:
    output = StringIO()
    call_command(
        "generate_dataset",
        organizations=ORGANIZATIONS,
        addresses=ADDRESSES,
        seed=seed,
        stdout=output,
        **options,
    )
    return output.getvalue()


def snapshot() -> dict[str, list[tuple]]:
    """What a seed decides: names, identifiers, structure and classifications (not database ids)."""
    return {
        "organizations": sorted(
            Organization.objects.values_list(
                "participant_identifier", "local_identifier", "parent__local_identifier", "type", "kind",
                "name", "organization_number", "county_code", "municipality_code", "status",
            )
        ),
        "addresses": sorted(
            FunctionAddress.objects.values_list(
                "identifier", "name", "description", "keywords", "status", "organization__local_identifier"
            )
        ),
        "classifications": sorted(
            FunctionAddressCode.objects.values_list("function_address__identifier", "code__code")
        ),
    }  # fmt: skip


def test_a_run_creates_exactly_the_records_asked_for_and_each_passes_validation():
    # given an empty directory
    assert not Organization.objects.exists()

    # when a small dataset is generated
    output = generate()

    # then there are exactly that many records: participants with trees below them
    assert Organization.objects.count() == ORGANIZATIONS
    assert FunctionAddress.objects.count() == ADDRESSES
    assert Organization.objects.participants().count() >= 2
    assert Organization.objects.filter(parent__parent__parent__isnull=False).exists()  # three levels deep
    assert FunctionAddressCode.objects.filter(code__parent__isnull=False).exists()  # hierarchy codes used
    assert set(FunctionAddress.objects.values_list("status", flat=True)) == {Status.ACTIVE, Status.INACTIVE}
    names = " ".join(Organization.objects.values_list("name", flat=True))
    assert any(letter in names for letter in "åäö")
    # every organisation, and every fifth address, passes the model's own validation unchanged
    for organization in Organization.objects.select_related("parent"):
        stored = model_to_dict(organization)
        organization.full_clean()
        assert model_to_dict(organization) == stored, organization
    sample = list(FunctionAddress.objects.select_related("organization").order_by("identifier")[::5])
    assert len(sample) == ADDRESSES // 5
    for address in sample:
        address.full_clean()
        assert address.identifier.startswith("sdk:")
        assert address.identifier.endswith(f":{address.organization.participant_identifier}")
    # and the run reports its phases and total time
    assert "function addresses:" in output
    assert f"{ADDRESSES:,} function addresses" in output
    assert "Total" in output


def test_history_and_change_feed_hold_every_generated_record_and_the_later_updates():
    generate()
    address_ids = set(FunctionAddress.objects.values_list("id", flat=True))
    organization_ids = set(Organization.objects.values_list("id", flat=True))
    address_events = apps.get_model("addressbook", "FunctionAddressEvent").objects
    organization_events = apps.get_model("addressbook", "OrganizationEvent").objects

    # the history has an insert for every record, made by the system through generate_dataset
    inserted = address_events.filter(pgh_label="insert")
    assert set(inserted.values_list("pgh_obj_id", flat=True)) == address_ids
    assert (
        set(organization_events.filter(pgh_label="insert").values_list("pgh_obj_id", flat=True))
        == organization_ids
    )
    context = inserted.select_related("pgh_context").first().pgh_context.metadata
    assert (context["channel"], context["source"]) == ("system", "generate_dataset")
    # and updates of some of them, made after they were created
    updated = address_events.filter(pgh_label="update")
    assert 0 < updated.count() < ADDRESSES // 10
    assert set(updated.values_list("pgh_obj_id", flat=True)) <= address_ids
    assert organization_events.filter(pgh_label="update").exists()

    # the change feed announces every creation, updates and deactivations, all numbered
    changes = Change.objects.filter(resource_type=ResourceType.ADDRESSES)
    created = changes.filter(action=ChangeAction.CREATED)
    assert set(created.values_list("resource_id", flat=True)) == address_ids
    assert changes.filter(action=ChangeAction.UPDATED).count() > ADDRESSES // 2  # classifications
    assert changes.filter(action=ChangeAction.DEACTIVATED).exists()
    assert (
        Change.objects.filter(resource_type=ResourceType.ORGANIZATIONS, action=ChangeAction.CREATED).count()
        == ORGANIZATIONS
    )
    assert not Change.objects.filter(sequence__isnull=True).exists()


def test_search_finds_generated_addresses_by_name_organisation_and_code():
    generate()
    address = (
        FunctionAddress.objects.filter(
            status=Status.ACTIVE, organization__type=OrganizationType.SUB_ORGANIZATION
        )
        .exclude(classifications=None)
        .select_related("organization")
        .order_by("identifier")
        .first()
    )
    code = address.codes.first()

    for text in (address.name, address.organization.name, code.display_name):
        assert search(FunctionAddress.objects.all(), text).filter(pk=address.pk).exists(), text


def rolled_back_run(seed: int) -> dict[str, list[tuple]]:
    with transaction.atomic():
        generate(seed=seed)
        data = snapshot()
        transaction.set_rollback(True)
    assert not Organization.objects.exists()
    return data


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    # given the data of seed 7
    first = rolled_back_run(7)
    assert len(first["organizations"]) == ORGANIZATIONS
    assert len(first["addresses"]) == ADDRESSES
    assert len(first["classifications"]) >= ADDRESSES // 2

    # when seed 7 is generated again, and seed 8
    again, other = rolled_back_run(7), rolled_back_run(8)

    # then seed 7 gives the same names, identifiers and structure, seed 8 others
    assert again == first
    identifiers = {row[0] for row in first["addresses"]}
    assert len(identifiers & {row[0] for row in other["addresses"]}) < ADDRESSES // 10


def test_a_second_run_is_refused_without_force_and_adds_fresh_identifiers_with_it():
    # given a generated directory
    generate(seed=7)

    # when it is run again without --force, it refuses and changes nothing
    with pytest.raises(CommandError, match="--force"):
        generate(seed=7)
    assert Organization.objects.count() == ORGANIZATIONS

    # with --force, even the same seed adds a second set, avoiding every identifier in use
    generate(seed=7, force=True)
    assert Organization.objects.count() == 2 * ORGANIZATIONS
    assert FunctionAddress.objects.count() == 2 * ADDRESSES
    # the code system is shared, not duplicated
    assert FunctionAddressCode.objects.values("code__code_system").distinct().count() == 1
    assert FunctionAddressCode.objects.filter(code__code_system__identifier=CODE_SYSTEM_IDENTIFIER).exists()


@pytest.mark.django_db(transaction=True)
def test_two_writer_connections_give_the_same_data_as_one(monkeypatch):
    monkeypatch.setattr("addressbook.services.dataset.BATCH", 25)  # work for both writers
    # given the data of one writer, rolled back
    with transaction.atomic():
        generate(seed=7, workers=1)
        inline = snapshot()
        transaction.set_rollback(True)

    # when two connections write it, each committing its batches
    generate(seed=7, workers=2)

    # then the result is the same, with its history
    assert snapshot() == inline
    events = apps.get_model("addressbook", "FunctionAddressEvent").objects
    assert events.filter(pgh_label="insert").count() == ADDRESSES
