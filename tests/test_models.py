"""Model rules: each bad value is refused with a message on the field a user typed."""

from __future__ import annotations

import datetime
import time
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from addressbook.choices import OrganizationKind, OrganizationType, Status
from addressbook.models import Code, FunctionAddress, Organization
from tests.factories import (
    CodeFactory,
    FunctionAddressFactory,
    OrganizationFactory,
    SubOrganizationFactory,
)

pytestmark = pytest.mark.django_db


def errors_of(instance) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


def test_participant_identifier_and_organization_number_are_stored_normalised():
    # given an organisation typed the way people write it
    organization = Organization(
        participant_identifier="0203:Lund.SE", organization_number="212000-1223", name="Lunds kommun"
    )

    # when it is validated and saved
    organization.full_clean()
    organization.save()

    # then one normal form is stored, and shown the Swedish way
    organization.refresh_from_db()
    assert organization.participant_identifier == "0203:lund.se"
    assert organization.organization_number == "2120001223"
    assert organization.organization_number_display == "212000-1223"
    assert str(organization) == "Lunds kommun"


def test_bad_luhn_digit_is_reported_on_organization_number():
    organization = Organization(
        participant_identifier="0203:lund.se", organization_number="212000-1224", name="Lund"
    )
    assert "organization_number" in errors_of(organization)


def test_invalid_domain_is_reported_on_participant_identifier():
    organization = Organization(participant_identifier="0203:not a domain", name="X")
    assert "participant_identifier" in errors_of(organization)


def test_participant_identifier_differing_only_in_case_is_a_duplicate(malmo):
    duplicate = Organization(participant_identifier="0203:MALMO.se", name="Malmö igen")
    assert "participant_identifier" in errors_of(duplicate)


def test_organization_number_is_unique_among_participants(malmo):
    duplicate = Organization(
        participant_identifier="0203:malmo2.se", organization_number="212000-1124", name="X"
    )
    assert "organization_number" in errors_of(duplicate)


def test_participant_needs_an_identifier():
    assert "participant_identifier" in errors_of(Organization(name="Utan id"))


def test_sub_organization_without_parent_is_refused():
    sub = Organization(type=OrganizationType.SUB_ORGANIZATION, name="Socialförvaltningen")
    assert "parent" in errors_of(sub)


def test_sub_organization_takes_its_participants_identifier_and_kind(malmo):
    # given a sub-organisation under a sub-organisation of Malmö
    department = SubOrganizationFactory(parent=malmo, name="Socialförvaltningen")
    unit = Organization(type=OrganizationType.SUB_ORGANIZATION, parent=department, name="Barn och unga")

    # when it is validated
    unit.full_clean()

    # then it is reached through Malmö's identifier
    assert unit.participant_identifier == "0203:malmo.se"
    assert unit.kind == OrganizationKind.MUNICIPALITY
    assert unit.municipality_code == "1280"


def test_parent_cycle_is_refused_on_the_parent_field(malmo):
    # given Malmö → A → B
    a = SubOrganizationFactory(parent=malmo)
    b = SubOrganizationFactory(parent=a)

    # when A is moved under B
    a.parent = b

    # then the form says so on the parent field
    assert "parent" in errors_of(a)


def test_parent_cycle_is_refused_by_the_database_too(malmo):
    # given Malmö → A → B, changed by a bulk write that skips validation
    a = SubOrganizationFactory(parent=malmo)
    b = SubOrganizationFactory(parent=a)

    # then PostgreSQL refuses to make A its own ancestor
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.filter(pk=a.pk).update(parent=b)
    a.refresh_from_db()
    assert a.parent_id == malmo.pk


def test_participant_with_parent_is_refused(malmo):
    other = OrganizationFactory.build(parent=malmo)
    assert "parent" in errors_of(other)


def test_script_in_name_is_refused_on_the_name_field():
    organization = Organization(participant_identifier="0203:x.se", name="<script>alert(1)</script>")
    assert "name" in errors_of(organization)


def test_markup_written_past_validation_is_refused_by_the_database(malmo):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.filter(pk=malmo.pk).update(name="<b>Malmö</b>")


def test_municipality_code_must_lie_in_the_county():
    organization = Organization(
        participant_identifier="0203:x.se", name="X", municipality_code="0180", county_code="12"
    )
    assert "municipality_code" in errors_of(organization)


def test_unknown_country_code_is_refused():
    organization = Organization(participant_identifier="0203:x.se", name="X", country_code="XX")
    assert "country_code" in errors_of(organization)


def test_lower_case_country_code_is_accepted_as_upper_case():
    organization = Organization(participant_identifier="0203:x.se", name="X", country_code="no")
    organization.full_clean()
    assert organization.country_code == "NO"


def test_validity_period_cannot_end_before_it_starts(malmo):
    address = FunctionAddressFactory.build(
        organization=malmo, valid_from=datetime.date(2026, 5, 1), valid_to=datetime.date(2026, 4, 1)
    )
    assert "valid_to" in errors_of(address)


def test_function_address_identifier_differing_only_in_case_is_a_duplicate(malmo_address):
    duplicate = FunctionAddress(
        organization=malmo_address.organization, identifier="SDK:SOCIALTJANST:0203:MALMO.SE", name="Kopia"
    )
    # (in Swedish, the language administrators work in)
    assert errors_of(duplicate) == {
        "identifier": ["Det finns redan en funktionsadress med den här identifieraren."]
    }


def test_function_address_identifier_duplicate_is_refused_by_the_database(malmo_address):
    with pytest.raises(IntegrityError), transaction.atomic():
        FunctionAddress.objects.create(
            organization=malmo_address.organization, identifier=malmo_address.identifier.upper(), name="Kopia"
        )


def test_function_address_identifier_with_space_is_refused(malmo):
    address = FunctionAddress(organization=malmo, identifier="sdk:inkorg 0203:malmo.se", name="Registrator")
    assert "identifier" in errors_of(address)


def test_active_function_address_needs_an_active_organisation(malmo):
    malmo.status = Status.INACTIVE
    malmo.save()
    address = FunctionAddress(organization=malmo, identifier="sdk:ny:0203:malmo.se", name="Ny")
    assert "organization" in errors_of(address)


def test_inactive_function_address_may_stay_on_an_inactive_organisation(malmo):
    malmo.status = Status.INACTIVE
    malmo.save()
    address = FunctionAddress(
        organization=malmo, identifier="sdk:gammal:0203:malmo.se", name="Gammal", status=Status.INACTIVE
    )
    address.full_clean()


def test_code_parent_must_be_in_the_same_code_system(psychiatry_codes):
    psychiatry, _bup = psychiatry_codes
    foreign = CodeFactory(parent=None)
    foreign.parent = psychiatry
    assert "parent" in errors_of(foreign)


def test_code_cannot_become_its_own_ancestor(psychiatry_codes):
    psychiatry, bup = psychiatry_codes
    psychiatry.parent = bup
    assert "parent" in errors_of(psychiatry)


def test_code_is_unique_case_insensitively_within_its_code_system(psychiatry_codes):
    psychiatry, _bup = psychiatry_codes
    duplicate = Code(code_system=psychiatry.code_system, code="PSYKIATRI", display_name="Igen")
    assert list(errors_of(duplicate)) == ["code"]


def test_with_descendants_returns_the_whole_subtree(malmo):
    a = SubOrganizationFactory(parent=malmo)
    b = SubOrganizationFactory(parent=a)
    OrganizationFactory()  # unrelated
    tree = Organization.objects.filter(pk=malmo.pk).with_descendants()
    assert set(tree.values_list("pk", flat=True)) == {malmo.pk, a.pk, b.pk}


@pytest.mark.parametrize(
    "change",
    [
        {"participant_identifier": "0203:MALMO.SE"},
        {"participant_identifier": "garbage"},
        {"organization_number": "٢١٢٠٠٠١١٢٤"},
        {"country_code": "se"},
        {"municipality_code": "0180"},
    ],
)
def test_stored_forms_are_enforced_by_the_database_for_bulk_writes(malmo, change):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.filter(pk=malmo.pk).update(**change)


def test_nul_byte_in_a_name_is_a_validation_error_not_a_crash(malmo):
    from addressbook.services.organizations import organization_save

    malmo.name = "Malmö\x00stad"
    with pytest.raises(ValidationError) as caught:
        organization_save(organization=malmo)
    assert "name" in caught.value.message_dict


def test_sub_organization_cannot_be_active_under_an_inactive_parent(malmo):
    Organization.objects.filter(pk=malmo.pk).update(status=Status.INACTIVE)
    sub = Organization(
        type=OrganizationType.SUB_ORGANIZATION, parent=Organization.objects.get(pk=malmo.pk), name="X"
    )
    assert "status" in errors_of(sub)


def test_public_ids_are_time_ordered_uuids():
    from addressbook.models.base import time_ordered_uuid

    first, later = time_ordered_uuid(), None
    time.sleep(0.002)
    later = time_ordered_uuid()
    assert (first.version, first.variant) == (7, uuid.RFC_4122)
    assert first < later
    assert abs((first.int >> 80) - time.time_ns() // 1_000_000) < 5_000


def test_records_are_published_under_their_uuid(malmo, malmo_address, psychiatry_codes):
    for record in (malmo, malmo_address, *psychiatry_codes, psychiatry_codes[0].code_system):
        assert isinstance(record.pk, uuid.UUID)
