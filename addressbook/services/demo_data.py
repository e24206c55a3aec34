"""Load the reference organisations and invented demo addresses (``manage.py load_demo``).

Real data: every Swedish municipality, region and government agency from
``fixtures/se_public_orgs.csv``. Invented data: a demo code system, sub-organisations and
function addresses; each invented record says so in its description.

Rules for the wrinkles in the reference data (also in the README):

* One organisation per organisation number. Region Gotland is listed both as municipality
  0980 and as region; it becomes one participant of kind *region* that keeps municipality
  code 0980, so both "all regions" and "municipality 0980" find it.
* ``0203:<domain>`` is unique, but several organisations share a web domain (all länsstyrelser
  on lansstyrelsen.se, boards hosted by their parent agency or municipality). A shared
  domain goes to its host: the one municipality or region among its users (Östhammar, not
  the local safety board on its site), else the one organisation named like the domain
  (Kammarkollegiet on kammarkollegiet.se). Everyone else, and organisations without a
  domain, are identified by organisation number (``0007:NNNNNNNNNN``), an approved ICD.

Loading is idempotent: records that exist (matched on their identifiers) are left as they
are, so running it again, or after administrators edited demo records, changes nothing.
"""

from __future__ import annotations

import csv
import json
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from addressbook import constants
from addressbook.choices import HistoryChannel, OrganizationKind, OrganizationType
from addressbook.history import history_context
from addressbook.models import Code, CodeSystem, FunctionAddress, FunctionAddressCode, Organization

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
ORGANIZATIONS_CSV = FIXTURES_DIR / "se_public_orgs.csv"
CODE_SYSTEM_JSON = FIXTURES_DIR / "demo_codesystem.json"

DEMO_NOTE = "Demodata: påhittad post för att prova adressboken, inte en riktig funktionsbrevlåda."
# When one organisation number appears under several kinds, the wider remit wins.
KIND_PRIORITY = {
    OrganizationKind.REGION: 0,
    OrganizationKind.MUNICIPALITY: 1,
    OrganizationKind.GOVERNMENT_AGENCY: 2,
}
CSV_KINDS = {
    "municipality": OrganizationKind.MUNICIPALITY,
    "region": OrganizationKind.REGION,
    "agency": OrganizationKind.GOVERNMENT_AGENCY,
}


@dataclass
class DemoDataReport:
    """How many records one run created (zero everywhere on a second run)."""

    organizations: int = 0
    sub_organizations: int = 0
    codes: int = 0
    function_addresses: int = 0
    classifications: int = 0


@dataclass
class _Participant:
    kind: OrganizationKind
    name: str
    organization_number: str
    municipality_code: str
    county_code: str
    domain: str
    participant_identifier: str = ""


@dataclass
class _Address:
    slug: str
    name: str
    codes: list[str]
    unit: str | None = None  # name of the sub-organisation that answers it
    keywords: list[str] = field(default_factory=list)


def read_reference_organizations(path: Path = ORGANIZATIONS_CSV) -> list[_Participant]:
    """The reference organisations merged per organisation number, with identifiers assigned."""
    merged: dict[str, _Participant] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            number = row["organization_number"].replace("-", "")
            candidate = _Participant(
                kind=CSV_KINDS[row["kind"]],
                name=row["name"],
                organization_number=number,
                municipality_code=row["municipality_code"],
                county_code=row["county_code"],
                domain=row["domain"].strip().lower(),
            )
            known = merged.get(number)
            if known is None:
                merged[number] = candidate
                continue
            wider, narrower = sorted((known, candidate), key=lambda p: KIND_PRIORITY[p.kind])
            wider.municipality_code = wider.municipality_code or narrower.municipality_code
            merged[number] = wider
    participants = list(merged.values())
    users_by_domain: dict[str, list[_Participant]] = defaultdict(list)
    for p in participants:
        users_by_domain[p.domain].append(p)
    hosts = {
        id(host)
        for domain, users in users_by_domain.items()
        if domain and (host := _domain_host(domain, users))
    }
    for p in participants:
        if id(p) in hosts:
            p.participant_identifier = f"{constants.ICD_SDK_DOMAIN}:{p.domain}"
        else:
            p.participant_identifier = f"{constants.ICD_ORGANIZATION_NUMBER}:{p.organization_number}"
    return participants


def _domain_host(domain: str, users: list[_Participant]) -> _Participant | None:
    """Who of the organisations on one web domain may be identified by it (see module docstring)."""
    if len(users) == 1:
        return users[0]
    local_authorities = [
        u for u in users if u.kind in (OrganizationKind.MUNICIPALITY, OrganizationKind.REGION)
    ]
    if len(local_authorities) == 1:
        return local_authorities[0]
    label = domain.split(".")[0]
    named = [u for u in users if ascii_slug(u.name).replace("-", "") == label]
    return named[0] if len(named) == 1 else None


def place_name(municipality_name: str) -> str:
    """The place a municipality is named after: "Lunds kommun" → "Lund", "Borås stad" → "Borås".

    Region Gotland, the one municipality called "Region …", gives "Gotland".
    """
    if municipality_name.startswith("Region "):
        return municipality_name.removeprefix("Region ")
    base = municipality_name.rsplit(" ", 1)[0]
    if base == "Falu":
        return "Falun"
    # Genitive s after a consonant ("Lunds"), but not where the s belongs to the name.
    if len(base) > 2 and base.endswith("s") and base[-2] not in "aeiouyåäö" and not base.endswith("fors"):
        return base if base == "Grums" else base[:-1]
    return base


def ascii_slug(text: str) -> str:
    """A lower-case ASCII slug for identifiers: "Vårdcentralen Malmö" → "vardcentralen-malmo"."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return "-".join("".join(c if c.isalnum() else " " for c in folded).split())


def _addresses_for(participant: _Participant, county_places: list[str]) -> list[_Address]:
    addresses = [_Address("inkorg", "Registrator", ["registratur"], keywords=["registrator", "diarium"])]
    if participant.municipality_code:
        addresses += [
            _Address(
                "socialtjanst-barn-unga",
                "Socialtjänsten, barn och unga",
                ["barn-och-unga"],
                "Socialförvaltningen",
            ),
            _Address(
                "ekonomiskt-bistand", "Ekonomiskt bistånd", ["ekonomiskt-bistand"], "Socialförvaltningen"
            ),
            _Address("elevhalsa", "Elevhälsan", ["elevhalsa"], "Utbildningsförvaltningen", ["skolsköterska"]),
            _Address("hemtjanst", "Hemtjänsten", ["hemtjanst"], "Vård- och omsorgsförvaltningen"),
        ]
    if participant.kind == OrganizationKind.REGION:
        addresses += [
            _Address(
                f"vardcentral-{ascii_slug(place)}",
                f"Vårdcentralen {place}",
                ["vardcentral"],
                "Primärvården",
                ["vårdcentral", place],
            )
            for place in county_places
        ]
        addresses += [
            _Address("vuxenpsykiatri", "Vuxenpsykiatrin", ["vuxenpsykiatri"], "Psykiatrin"),
            _Address("bup", "Barn- och ungdomspsykiatrin (BUP)", ["bup"], "Psykiatrin", ["BUP"]),
        ]
    return addresses


def _load_code_system(report: DemoDataReport) -> dict[str, Code]:
    spec = json.loads(CODE_SYSTEM_JSON.read_text(encoding="utf-8"))
    code_system, _created = CodeSystem.objects.get_or_create(
        identifier=spec["identifier"],
        version=spec["version"],
        defaults={"name": spec["name"], "description": spec["description"]},
    )
    codes = {c.code: c for c in code_system.codes.all()}
    for item in spec["codes"]:
        if item["code"] in codes:
            continue
        code = Code(
            code_system=code_system,
            code=item["code"],
            display_name=item["display_name"],
            parent=codes.get(item.get("parent", "")),
        )
        code.full_clean()
        code.save()
        codes[code.code] = code
        report.codes += 1
    return codes


def _load_participants(participants: list[_Participant], report: DemoDataReport) -> dict[str, Organization]:
    """Create missing participants; returns every participant by organisation number.

    Matched on the organisation number, which administrators cannot change by accident, so a
    participant whose identifier was changed in the admin is still recognised.
    """
    existing = {o.organization_number: o for o in Organization.objects.participants()}
    new = []
    for p in participants:
        if p.organization_number in existing:
            continue
        organization = Organization(
            type=OrganizationType.PARTICIPANT,
            participant_identifier=p.participant_identifier,
            organization_number=p.organization_number,
            name=p.name,
            kind=p.kind,
            municipality_code=p.municipality_code,
            county_code=p.county_code,
        )
        # Constraints are checked by PostgreSQL on insert; field rules and normalisation here.
        organization.full_clean(validate_constraints=False)
        new.append(organization)
    for organization in Organization.objects.bulk_create(new):
        existing[organization.organization_number] = organization
    report.organizations += len(new)
    return existing


def _load_units(plans, report: DemoDataReport) -> dict[tuple[int, str], Organization]:
    # Matched on parent and name only: an administrator may have edited the description.
    existing = {
        (o.parent_id, o.name): o for o in Organization.objects.filter(type=OrganizationType.SUB_ORGANIZATION)
    }
    new = []
    for organization, _reference_identifier, addresses in plans:
        for unit in sorted({a.unit for a in addresses if a.unit}):
            if (organization.pk, unit) in existing:
                continue
            sub = Organization(
                type=OrganizationType.SUB_ORGANIZATION,
                parent=organization,
                participant_identifier=organization.participant_identifier,
                local_identifier=slugify(unit),
                name=unit,
                description=DEMO_NOTE,
                kind=organization.kind,
                county_code=organization.county_code,
                municipality_code=organization.municipality_code,
            )
            existing[(organization.pk, unit)] = sub
            new.append(sub)
    Organization.objects.bulk_create(new)
    report.sub_organizations += len(new)
    return existing


def _load_addresses(plans, units, codes: dict[str, Code], report: DemoDataReport) -> None:
    existing = {i.lower() for i in FunctionAddress.objects.values_list("identifier", flat=True)}
    new: list[tuple[FunctionAddress, list[str]]] = []
    for organization, reference_identifier, addresses in plans:
        for planned in addresses:
            # From the reference identifier, so a participant re-identified later keeps its addresses.
            identifier = f"sdk:{planned.slug}:{reference_identifier}"
            if identifier.lower() in existing:
                continue
            address = FunctionAddress(
                identifier=identifier,
                name=planned.name,
                description=DEMO_NOTE,
                keywords=planned.keywords,
                organization=units[(organization.pk, planned.unit)] if planned.unit else organization,
            )
            address.full_clean(validate_constraints=False, exclude=["organization"])
            existing.add(identifier.lower())
            new.append((address, planned.codes))
    FunctionAddress.objects.bulk_create([address for address, _codes in new])
    classifications = [
        FunctionAddressCode(function_address=address, code=codes[code])
        for address, names in new
        for code in names
    ]
    FunctionAddressCode.objects.bulk_create(classifications)
    report.function_addresses += len(new)
    report.classifications += len(classifications)


def demo_data_load() -> DemoDataReport:
    """Load reference organisations and demo data; a second run creates nothing."""
    report = DemoDataReport()
    participants = read_reference_organizations()
    places_by_county: dict[str, list[str]] = {}
    for p in participants:
        if p.municipality_code:  # Region Gotland too: it is also a municipality
            places_by_county.setdefault(p.county_code, []).append(place_name(p.name))
    with transaction.atomic(), history_context(channel=HistoryChannel.SYSTEM, source="load_demo"):
        codes = _load_code_system(report)
        organizations = _load_participants(participants, report)
        plans = [
            (
                organizations[p.organization_number],
                p.participant_identifier,
                _addresses_for(p, places_by_county.get(p.county_code, [])),
            )
            for p in participants
        ]
        units = _load_units(plans, report)
        _load_addresses(plans, units, codes, report)
    return report
