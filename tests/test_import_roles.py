"""Imports and exports by role: an organisation administrator reads and writes only their own."""

from __future__ import annotations

import pytest

from addressbook.choices import Role
from addressbook.models import Organization
from addressbook.services.imports import ImportRefusedError, export_file, import_job_apply, import_job_create
from addressbook.services.organizations import organization_save
from addressbook.spreadsheets.read import read_table
from tests.factories import persona
from tests.imports_helpers import preview

pytestmark = pytest.mark.django_db


def test_an_organisation_administrator_imports_only_their_own_rows(
    directory, lund, lund_address, malmo_admin
):
    content = (
        b"Identifier;Name;Participant identifier\n"
        b"sdk:socialtjanst:0203:malmo.se;Eget namn;0203:malmo.se\n"
        b"sdk:socialtjanst:0203:lund.se;Kapat namn;0203:lund.se\n"
        b"sdk:ny:0203:lund.se;Smuggel;0203:lund.se\n"
    )

    job = preview(malmo_admin, "blandat.csv", content=content)

    assert [row.action for row in job.rows.all()] == ["update", "error", "error"]
    with pytest.raises(ImportRefusedError):
        import_job_apply(job=job, user=malmo_admin)
    lund_address.refresh_from_db()
    assert lund_address.name == "Socialtjänst Lund"


def test_an_organisation_administrator_cannot_import_code_systems(malmo_admin):
    with pytest.raises(Exception, match="federation"):
        import_job_create(user=malmo_admin, resource="codes", file_name="k.csv", content=b"Code\nx\n")


def test_an_organisation_administrator_exports_only_their_own(directory, lund_address, malmo_admin):
    table = read_table(export_file(resource="addresses", user=malmo_admin, file_format="csv"), "x.csv")

    assert [values[0] for _number, values in table.rows] == ["sdk:socialtjanst:0203:malmo.se"]


def test_a_sub_organisation_administrator_can_reimport_their_own_export(malmo):
    sof = organization_save(
        organization=Organization(type="ou", parent=malmo, name="Socialförvaltningen", local_identifier="sof")
    )
    organization_save(
        organization=Organization(type="ou", parent=sof, name="Enhet", local_identifier="enhet")
    )
    sof_admin = persona(Role.ORGANIZATION_ADMINISTRATOR, "sof-admin", [sof])

    content = export_file(resource="organizations", user=sof_admin, file_format="csv")
    job = preview(sof_admin, "export.csv", "organizations", content)

    assert set(job.summary) == {"unchanged"}, [r.errors for r in job.rows.all()]


def test_an_organisation_administrator_cannot_clear_their_organisation_number(lund_admin, lund):
    content = (
        b"Participant identifier;Local identifier;Name;Organisation number\n0203:lund.se;;Lunds kommun;\n"
    )

    job = preview(lund_admin, "o.csv", "organizations", content)

    assert job.summary == {"error": 1}
    with pytest.raises(ImportRefusedError):
        import_job_apply(job=job, user=lund_admin)
    lund.refresh_from_db()
    assert lund.organization_number == "2120001165"


def test_an_organisation_administrator_cannot_give_a_new_unit_anothers_organisation_number(
    lund_admin, lund, malmo
):
    content = (
        b"Participant identifier;Local identifier;Name;Organisation number\n"
        b"0203:lund.se;ny;Ny enhet;212000-1124\n"  # Malmo stad's number
    )

    job = preview(lund_admin, "o.csv", "organizations", content)

    assert job.summary == {"error": 1}
