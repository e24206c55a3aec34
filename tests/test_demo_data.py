"""manage.py load_demo: all of Sweden's municipalities and regions, idempotent, wrinkles handled."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
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
    assert (
        "Demo data: 0 organisations, 0 sub-organisations, 0 codes, 0 function addresses" in output.getvalue()
    )
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
    # Region Gotland, a municipality with a region's remit, has primary care too
    assert FunctionAddress.objects.filter(organization__parent=gotland, name="Vårdcentralen Gotland").exists()


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
        ("Region Gotland", "Gotland"),
    ],
)
def test_place_names_drop_the_genitive(municipality, place):
    assert place_name(municipality) == place


def test_load_demo_again_after_administrators_edited_demo_records():
    # given the demo data, then edits: a participant re-identified, a unit's description changed
    call_command("load_demo", stdout=StringIO())
    board = Organization.objects.get(name="Fideikommissnämnden")
    board.participant_identifier = "0203:fideikommissnamnden.se"
    board.save()
    unit = Organization.objects.filter(type=OrganizationType.SUB_ORGANIZATION).first()
    unit.description = "Vår egen beskrivning"
    unit.save()
    before = row_counts()

    # when the demo data is loaded again (as every make run does)
    call_command("load_demo", stdout=StringIO())

    # then nothing is duplicated and the edits stay
    assert row_counts() == before
    board.refresh_from_db()
    unit.refresh_from_db()
    assert (board.participant_identifier, unit.description) == (
        "0203:fideikommissnamnden.se",
        "Vår egen beskrivning",
    )


def test_demo_admin_is_not_made_from_someone_elses_account(settings, tmp_path, django_user_model):
    # given a database with a real user called admin, and no demo password on this machine
    settings.DEBUG = True
    settings.DATA_DIR = tmp_path
    django_user_model.objects.create_user("admin", password="their-own-password")

    # when make run's demo step runs
    with pytest.raises(CommandError):
        call_command("create_demo_admin", stdout=StringIO())

    # then the account is untouched
    user = django_user_model.objects.get(username="admin")
    assert user.check_password("their-own-password")
    assert not user.is_superuser


def test_demo_admin_is_refused_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("create_demo_admin", stdout=StringIO())


def test_make_run_shows_each_role_with_a_demo_account(settings, tmp_path, malmo, django_user_model):
    settings.DEBUG = True
    settings.DATA_DIR = tmp_path
    output = StringIO()

    call_command("create_demo_admin", stdout=output)
    call_command("create_demo_admin", stdout=StringIO())  # a second make run changes nothing

    malmo_admin = django_user_model.objects.get(username="malmo")
    assert list(malmo_admin.staff_role.organizations.all()) == [malmo]
    assert malmo_admin.is_staff
    assert django_user_model.objects.get(username="analytiker").staff_role.role == "analyst"
    password = (tmp_path / "demo_admin_password").read_text()
    assert malmo_admin.check_password(password)
    assert "user 'malmo'" in output.getvalue()
