"""manage.py load_demo: all of Sweden's municipalities and regions, idempotent, wrinkles handled."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from addressbook.choices import OrganizationKind, OrganizationType, Status
from addressbook.models import Code, FunctionAddress, FunctionAddressCode, Organization
from addressbook.services.demo_data import DEMO_NOTE, place_name

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    return {
        "organizations": Organization.objects.count(),
        "codes": Code.objects.count(),
        "addresses": FunctionAddress.objects.count(),
        "classifications": FunctionAddressCode.objects.count(),
    }


def test_load_demo_twice_gives_the_same_rows():
    # given the demo data loaded once
    call_command("load_demo", stdout=StringIO())
    first = row_counts()

    # when it is loaded again
    output = StringIO()
    call_command("load_demo", stdout=output)

    # then nothing is added
    assert row_counts() == first
    assert "0 organisations" in output.getvalue()
    assert first["organizations"] > 577  # participants plus demo sub-organisations


def test_load_demo_loads_every_municipality_and_region_with_addresses():
    call_command("load_demo", stdout=StringIO())
    participants = Organization.objects.participants()

    # all 290 municipalities (Gotland among them, as a region with its kommunkod)
    assert participants.exclude(municipality_code="").values("municipality_code").distinct().count() == 290
    assert participants.filter(kind=OrganizationKind.REGION).count() == 21
    gotland = participants.get(municipality_code="0980")
    assert (gotland.name, gotland.kind, gotland.organization_number) == (
        "Region Gotland",
        OrganizationKind.REGION,
        "2120000803",
    )

    # every participant has an active registry address; regions have primary care and psychiatry
    assert participants.annotate(n=Count("function_addresses")).filter(n=0).count() == 0
    skane = participants.get(name="Region Skåne")
    skane_codes = set(
        FunctionAddressCode.objects.filter(function_address__organization__parent=skane).values_list(
            "code__parent__code", flat=True
        )
    )
    assert {"primarvard", "psykiatri"} <= skane_codes
    assert FunctionAddress.objects.filter(organization__parent=skane, name="Vårdcentralen Malmö").exists()


def test_invented_records_say_so_and_real_ones_do_not():
    call_command("load_demo", stdout=StringIO())
    assert not FunctionAddress.objects.exclude(description=DEMO_NOTE).exists()
    assert (
        not Organization.objects.filter(type=OrganizationType.SUB_ORGANIZATION)
        .exclude(description=DEMO_NOTE)
        .exists()
    )
    assert not Organization.objects.participants().filter(description=DEMO_NOTE).exists()
    assert not FunctionAddress.objects.filter(status=Status.INACTIVE).exists()


def test_shared_domains_go_to_their_host_and_the_others_use_their_number():
    call_command("load_demo", stdout=StringIO())
    identifiers = dict(Organization.objects.participants().values_list("name", "participant_identifier"))

    # a municipality keeps its domain; the safety board hosted on its site uses its number
    assert identifiers["Östhammars kommun"] == "0203:osthammar.se"
    assert identifiers["Lokala säkerhetsnämnden vid Forsmark"].startswith("0007:")
    # an agency named like the domain keeps it; boards on its site use their numbers
    assert identifiers["Kammarkollegiet"] == "0203:kammarkollegiet.se"
    assert identifiers["Fideikommissnämnden"] == "0007:2021000043"
    # nobody owns lansstyrelsen.se alone
    assert identifiers["Länsstyrelsen i Skåne län"] == "0007:2021002346"
    assert identifiers["Malmö stad"] == "0203:malmo.se"


@pytest.mark.parametrize(
    ("municipality", "place"),
    [
        ("Lunds kommun", "Lund"),
        ("Malmö stad", "Malmö"),
        ("Borås stad", "Borås"),
        ("Kramfors kommun", "Kramfors"),
        ("Grums kommun", "Grums"),
        ("Falu kommun", "Falun"),
        ("Upplands Väsby kommun", "Upplands Väsby"),
    ],
)
def test_place_names_drop_the_genitive(municipality, place):
    assert place_name(municipality) == place
