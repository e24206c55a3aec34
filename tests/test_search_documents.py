"""Search documents: what each record's document holds, and that renames and moves reach it at once."""

from __future__ import annotations

import pytest

from addressbook.models import FunctionAddress, Organization
from tests.factories import (
    CodeFactory,
    FunctionAddressCodeFactory,
    FunctionAddressFactory,
    OrganizationFactory,
    SubOrganizationFactory,
)

pytestmark = pytest.mark.django_db


def document(record: Organization | FunctionAddress) -> str:
    return type(record).objects.values_list("search_document", flat=True).get(pk=record.pk)


def names(organization: Organization) -> str:
    return Organization.objects.values_list("search_names", flat=True).get(pk=organization.pk)


@pytest.fixture
def chain():
    """A region, a unit below it, a clinic below that, and an address of the clinic."""
    region = OrganizationFactory(
        name="Region Skåne", alternate_name="RS", participant_identifier="0203:rs.se"
    )
    unit = SubOrganizationFactory(parent=region, name="Psykiatri Syd", alternate_name="")
    clinic = SubOrganizationFactory(parent=unit, name="Mottagning Ystad", alternate_name="MY")
    address = FunctionAddressFactory(
        organization=clinic,
        name="Receptionen",
        identifier="sdk:rec:0203:rs.se",
        description="Öppet vardagar",
        keywords=["tidbok", "kö"],
    )
    return region, unit, clinic, address


def test_a_document_holds_the_record_s_texts_and_every_name_above_it(chain):
    # given a chain of organisations and an address at its foot
    region, unit, clinic, address = chain

    # then each organisation keeps its names followed by those above it, nearest first
    assert names(region) == "Region Skåne RS"
    assert names(unit) == "Psykiatri Syd  Region Skåne RS"
    assert names(clinic) == "Mottagning Ystad MY Psykiatri Syd  Region Skåne RS"
    # and the documents are the record's texts and those names, folded
    assert document(clinic) == "mottagning ystad my 0203:rs.se  psykiatri syd  region skane rs"
    assert document(address) == (
        "receptionen sdk:rec:0203:rs.se oppet vardagar tidbok ko"
        " mottagning ystad my psykiatri syd  region skane rs"
    )


def test_renaming_an_organisation_changes_every_document_below_it_at_once(chain):
    # given a chain of organisations and an address at its foot
    region, unit, clinic, address = chain

    # when the region at the top is renamed
    region.name = "Region Östergötland"
    region.save()

    # then the unit, the clinic and the address two levels below read the new name
    for record in (unit, clinic, address):
        assert "region ostergotland" in document(record)
        assert "skane" not in document(record)
    assert names(clinic).endswith("Region Östergötland RS")


def test_moving_an_organisation_changes_the_documents_below_it(chain):
    # given a chain, and another region
    _, unit, clinic, address = chain
    other = OrganizationFactory(name="Region Halland", alternate_name="", participant_identifier="0203:rh.se")

    # when the unit is moved under the other region (a bulk update, as an import would write it)
    Organization.objects.filter(pk=unit.pk).update(parent=other)

    # then everything below the unit is found by the new region's name, not the old one's
    for record in (unit, clinic, address):
        assert "region halland" in document(record)
        assert "skane" not in document(record)


def test_a_rename_below_leaves_the_organisations_above_it_alone(chain):
    # given a chain
    region, _, clinic, address = chain
    before = document(region)

    # when the clinic is renamed
    Organization.objects.filter(pk=clinic.pk).update(name="Mottagning Simrishamn")

    # then its address reads the new name, the region's document is as it was
    assert "mottagning simrishamn" in document(address)
    assert "ystad" not in document(address)
    assert document(region) == before


def test_an_address_s_codes_are_in_its_document(chain):
    # given an address of the chain
    *_, address = chain
    parent = CodeFactory(display_name="Hälso- och sjukvård")
    code = CodeFactory(code_system=parent.code_system, parent=parent, display_name="Barnmorska")

    # when a code is added, and later renamed
    FunctionAddressCodeFactory(function_address=address, code=code)
    assert document(address).endswith("barnmorska halso- och sjukvard")
    code.display_name = "Barnmorskemottagning"
    code.save()

    # then the document follows
    assert document(address).endswith("barnmorskemottagning halso- och sjukvard")
