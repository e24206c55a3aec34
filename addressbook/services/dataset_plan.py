"""The seeded plan of a generated directory: organisation trees and a stream of addresses.

Pure Python, no database. The same seed gives the same names, identifiers and shapes (the
database ids are fresh time-ordered UUIDs, as for any other write). Each part draws from a
random generator of its own (``Random(f"{seed}:<part>")``), so changing how addresses are
made does not reshuffle the organisations.

Shape, for N organisations: about 7 % are participants. Half of those (at most all of them)
are Sweden's real municipalities, regions and agencies from the reference data, picked in
proportion; the rest are invented private care providers and other bodies. The remaining
organisations form sub-trees under them (förvaltning › avdelning › enhet › team), large ones
under regions and municipalities, a handful under a private clinic. Addresses go mostly to
the units, heavy-tailed: a few units have hundreds, most have a handful.
"""

from __future__ import annotations

import datetime
import itertools
import math
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

from stdnum import luhn

from addressbook import constants
from addressbook.choices import OrganizationKind, OrganizationType, Status
from addressbook.models.base import time_ordered_uuid
from addressbook.services import dataset_vocabulary as words
from addressbook.services.demo_data import ascii_slug, place_name, read_reference_organizations

PARTICIPANT_SHARE = 0.07
MAX_LEVEL = 4  # förvaltning › avdelning › enhet › team
UPDATED_SHARE = 0.02  # records changed once after they were created
INACTIVE_ADDRESS_SHARE = 0.05  # created inactive, on top of those under inactive units
TESTDATA_NOTE = "Testdata (generate_dataset): påhittad post för prestandatester."
# How many sub-organisations a participant gets, relative to a private clinic.
TREE_WEIGHT = {OrganizationKind.REGION: 60, OrganizationKind.MUNICIPALITY: 25,
               OrganizationKind.GOVERNMENT_AGENCY: 8, OrganizationKind.PRIVATE_CARE_PROVIDER: 1.5,
               OrganizationKind.OTHER: 1.5}  # fmt: skip
LEVEL_WEIGHT = (0.5, 1.0, 1.5, 2.0, 1.5)  # addresses per unit, by depth (0 = the participant)


@dataclass(slots=True, eq=False)
class PlannedOrganization:
    """One organisation to insert; sub-organisations carry their participant's identifier."""

    parent: PlannedOrganization | None
    level: int
    area: str
    places: tuple[str, ...]  # what {place} may be in this unit and below
    name: str
    kind: str
    participant_identifier: str
    county_code: str
    municipality_code: str
    local_identifier: str = ""
    organization_number: str = ""
    alternate_name: str = ""
    description: str = ""
    status: str = Status.ACTIVE
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None
    address_weight: float = 0.0
    id: uuid.UUID = field(default_factory=time_ordered_uuid)

    @property
    def type(self) -> str:
        return OrganizationType.PARTICIPANT if self.parent is None else OrganizationType.SUB_ORGANIZATION


@dataclass(slots=True)
class PlannedAddress:
    """One function address to insert, and the change made to it afterwards (if any)."""

    id: uuid.UUID
    organization: PlannedOrganization
    identifier: str
    name: str
    description: str
    keywords: list[str]
    codes: list[str]
    status: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    confirmed_days_ago: int | None
    update: tuple[str, str, str, datetime.date | None] | None = None  # name, description, status, to


def _spread(total: int, weights: list[float]) -> list[int]:
    """``total`` split in proportion to ``weights``, exactly (largest remainders get the rest)."""
    if total <= 0 or not weights:
        return [0] * len(weights)
    scale = total / sum(weights)
    shares = [w * scale for w in weights]
    counts = [int(s) for s in shares]
    by_remainder = sorted(range(len(weights)), key=lambda i: counts[i] - shares[i])
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _fill(template: str, rng: random.Random, places: tuple[str, ...]) -> tuple[str, str | None]:
    """A name from a template, and the place it names (if it names one)."""
    place = rng.choice(places) if "{place}" in template else None
    name = template.format(place=place, dir=rng.choice(words.DIRECTIONS), n=rng.randint(1, 40),
                           letter=rng.choice(words.LETTERS))  # fmt: skip
    return name, place


def _numbered(base: str, end: str = "") -> Iterator[str]:
    """``base``, then ``base-2``, ``base-3`` …: candidates for a unique key."""
    yield f"{base}{end}"
    for number in itertools.count(2):
        yield f"{base}-{number}{end}"


def _districts(rng: random.Random, count: int) -> tuple[str, ...]:
    return tuple(rng.choice(words.PLACE_PREFIXES) + rng.choice(words.PLACE_SUFFIXES) for _ in range(count))


class _OrganizationPlanner:
    """Builds the participants and their trees, keeping identifiers unique."""

    def __init__(self, seed: int, today: datetime.date, taken: set[str]):
        self.rng = random.Random(f"{seed}:organizations")  # noqa: S311 - test data, not secrets
        self.today = today
        self.taken = taken  # participant identifiers and organisation numbers in use
        self.reference = read_reference_organizations()
        self.municipalities = [(p.municipality_code, p.county_code, place_name(p.name))
                               for p in self.reference if p.municipality_code]  # fmt: skip
        self.towns = {m[2]: m for m in self.municipalities}
        self.by_county: dict[str, list[str]] = {}
        for _code, county, town in self.municipalities:
            self.by_county.setdefault(county, []).append(town)
        self.planned: list[PlannedOrganization] = []

    def plan(self, count: int) -> list[PlannedOrganization]:
        participants = min(count, max(1, round(count * PARTICIPANT_SHARE)))
        roots = self._public(math.ceil(participants / 2))
        roots += [self._invented() for _ in range(participants - len(roots))]
        weights = [TREE_WEIGHT[root.kind] * self.rng.uniform(0.5, 1.5) for root in roots]
        for root, budget in zip(roots, _spread(count - participants, weights), strict=True):
            local_identifiers: set[str] = set()
            self._add(root)
            self._grow(root, budget, 1, local_identifiers)
        return self.planned

    def _public(self, wanted: int) -> list[PlannedOrganization]:
        """Real municipalities, regions and agencies, each kind in proportion to its number."""
        pools: dict[str, list] = {}
        for p in self.reference:
            if {p.participant_identifier, p.organization_number}.isdisjoint(self.taken):
                pools.setdefault(p.kind, []).append(p)
        for pool in pools.values():
            self.rng.shuffle(pool)
        available = sum(len(pool) for pool in pools.values())
        picked = []
        taken = dict.fromkeys(pools, 0)
        for i in range(min(wanted, available)):
            # Each kind's share so far lags its share of the whole: take from the most behind.
            kind = max(pools, key=lambda k: len(pools[k]) / available * (i + 1) - taken[k])
            picked.append(pools[kind][taken[kind]])
            taken[kind] += 1
        roots = []
        for p in picked:
            if p.municipality_code:
                places = (place_name(p.name), *_districts(self.rng, 12))
            elif p.county_code:
                places = tuple(self.by_county.get(p.county_code, ())) or _districts(self.rng, 12)
            else:  # an agency: offices around the country
                places = tuple(m[2] for m in self.rng.sample(self.municipalities, 8))
            self.taken |= {p.participant_identifier, p.organization_number}
            roots.append(PlannedOrganization(
                parent=None, level=0, area=words.AREAS_BY_KIND[p.kind][0], places=places, name=p.name,
                kind=p.kind, participant_identifier=p.participant_identifier,
                organization_number=p.organization_number, county_code=p.county_code,
                municipality_code=p.municipality_code, description=TESTDATA_NOTE,
            ))  # fmt: skip
        return roots

    def _invented(self) -> PlannedOrganization:
        """A private care provider (mostly) or another body, in a real municipality."""
        rng = self.rng
        private = rng.random() < 0.85
        template, area = rng.choice(words.PRIVATE_PROVIDERS if private else words.OTHER_PARTICIPANTS)
        municipality, county, town = rng.choice(self.municipalities)
        places = (town, *_districts(rng, 4))
        name = template.format(place=rng.choice(places), brand=rng.choice(words.BRANDS))
        number = self._organization_number("559" if private else "222")
        if rng.random() < 0.75:
            base = ascii_slug(name.removesuffix(" AB"))[:55]
            identifier = next(
                candidate
                for candidate in _numbered(f"{constants.ICD_SDK_DOMAIN}:{base}", ".se")
                if candidate not in self.taken
            )
        else:
            identifier = f"{constants.ICD_ORGANIZATION_NUMBER}:{number}"
        self.taken.add(identifier)
        root = PlannedOrganization(
            parent=None, level=0, area=area, places=places, name=name,
            kind=OrganizationKind.PRIVATE_CARE_PROVIDER if private else OrganizationKind.OTHER,
            participant_identifier=identifier, organization_number=number, county_code=county,
            municipality_code=municipality, description=TESTDATA_NOTE,
        )  # fmt: skip
        if rng.random() < 0.01:  # a provider that has left SDK
            self._deactivate(root)
        return root

    def _organization_number(self, prefix: str) -> str:
        while True:
            body = prefix + f"{self.rng.randrange(1_000_000):06d}"
            number = body + luhn.calc_check_digit(body)
            if number not in self.taken:
                self.taken.add(number)
                return number

    def _add(self, organization: PlannedOrganization) -> None:
        parent_factor = 0.3 if organization.status == Status.INACTIVE else 1.0
        tail = min(self.rng.paretovariate(1.2), 300.0)  # a few busy units, many quiet ones
        organization.address_weight = LEVEL_WEIGHT[min(organization.level, MAX_LEVEL)] * tail * parent_factor
        self.planned.append(organization)

    def _deactivate(self, organization: PlannedOrganization) -> None:
        organization.status = Status.INACTIVE
        organization.valid_from = None
        organization.valid_to = (
            organization.parent.valid_to
            if organization.parent is not None and organization.parent.status == Status.INACTIVE
            else self.today - datetime.timedelta(days=self.rng.randint(30, 900))
        )

    def _grow(
        self, parent: PlannedOrganization, budget: int, level: int, local_identifiers: set[str]
    ) -> None:
        """Add ``budget`` sub-organisations below ``parent``: about √budget children, the rest below."""
        if budget <= 0:
            return
        rng = self.rng
        if level >= MAX_LEVEL:
            width = budget
        else:
            width = min(budget, max(1, round(math.sqrt(budget) * rng.uniform(0.7, 1.3))))
        areas = words.AREAS_BY_KIND.get(parent.kind, (parent.area,)) if level == 1 else (parent.area,)
        sibling_names: set[str] = set()
        children = []
        for i in range(width):
            child = self._child(parent, level, areas[i % len(areas)], sibling_names, local_identifiers)
            self._add(child)
            children.append(child)
        shares = _spread(budget - width, [rng.uniform(0.2, 1.8) for _ in children])
        for child, share in zip(children, shares, strict=True):
            self._grow(child, share, level + 1, local_identifiers)

    def _child(self, parent, level, area_key, sibling_names, local_identifiers) -> PlannedOrganization:
        rng = self.rng
        area = words.AREAS[area_key]
        if parent.kind in (OrganizationKind.PRIVATE_CARE_PROVIDER, OrganizationKind.OTHER):
            templates = (area.units, area.teams, area.teams, area.teams)[level - 1]
        else:
            templates = (area.departments, area.sections, area.units, area.teams)[level - 1]
        name, place = _fill(rng.choice(templates), rng, parent.places)
        if name in sibling_names:  # a second "Primärvården" becomes "Primärvården Nord"
            name = f"{name} {rng.choice(words.DIRECTIONS)}"
        sibling_names.add(name)
        places, county, municipality = parent.places, parent.county_code, parent.municipality_code
        if place is not None:
            places = (place,)
        town = self.towns.get(place or "")
        if town is None and parent.kind == OrganizationKind.REGION and level == 2:
            # A region's units lie in its municipalities: Vårdcentralen Björkbacka is in one of them.
            town = self.towns.get(rng.choice(self.by_county.get(county, [""])))
        if not municipality and town is not None and county in ("", town[1]):
            # "Primärvård Lund", "Regionkontor Umeå": the unit lies in that municipality.
            municipality, county = town[0], town[1]
            places = (town[2], *_districts(rng, 3))
        base = ascii_slug(name)[:56] or "enhet"
        local = next(candidate for candidate in _numbered(base) if candidate not in local_identifiers)
        local_identifiers.add(local)
        child = PlannedOrganization(
            parent=parent, level=level, area=area_key, places=places, name=name, kind=parent.kind,
            participant_identifier=parent.participant_identifier, county_code=county,
            municipality_code=municipality, local_identifier=local,
            alternate_name=words.ABBREVIATIONS.get(name, ""),
        )  # fmt: skip
        if rng.random() < 0.4:
            where = f" i {places[0]}" if len(places) == 1 else ""
            child.description = f"Ansvarar för {area.about}{where}."
        if parent.status == Status.INACTIVE or (level >= 2 and rng.random() < 0.02):
            self._deactivate(child)
        elif rng.random() < 0.1:
            child.valid_from = self.today - datetime.timedelta(days=rng.randint(0, 3000))
        return child


def plan_organizations(
    *, count: int, seed: int, today: datetime.date, taken: set[str]
) -> list[PlannedOrganization]:
    """``count`` organisations, each participant followed by its sub-tree (parents before children).

    ``taken`` holds the participant identifiers and organisation numbers already in use.
    """
    return _OrganizationPlanner(seed, today, set(taken)).plan(count)


def plan_organization_updates(
    organizations: list[PlannedOrganization], *, seed: int
) -> list[tuple[PlannedOrganization, str, str]]:
    """About 2 % of the organisations with a new name (units only) or a new description."""
    rng = random.Random(f"{seed}:organization-updates")  # noqa: S311 - test data, not secrets
    chosen = rng.sample(organizations, round(len(organizations) * UPDATED_SHARE))
    updates = []
    for organization in chosen:
        name, description = organization.name, organization.description
        if organization.parent is not None and rng.random() < 0.5:
            name = f"{name}{rng.choice(words.RENAME_SUFFIXES)}"
        else:
            description = f"{description} Omorganiserad från och med årsskiftet.".strip()
        updates.append((organization, name, description))
    return updates


def plan_addresses(
    *, organizations: list[PlannedOrganization], count: int, seed: int, today: datetime.date, taken: set[str]
) -> Iterator[PlannedAddress]:
    """``count`` addresses, participant by participant: every participant's registry first, the
    rest spread over the organisations by their weights. ``taken`` holds identifiers (lower
    case) already in the database."""
    rng = random.Random(f"{seed}:addresses")  # noqa: S311 - test data, not secrets
    change = random.Random(f"{seed}:address-updates")  # noqa: S311
    roots = [o for o in organizations if o.parent is None][:count]
    registries = {id(root) for root in roots}
    counts = _spread(count - len(roots), [o.address_weight for o in organizations])
    identifiers: set[str] = set()
    for organization, number in zip(organizations, counts, strict=True):
        if organization.parent is None:
            identifiers = set()  # unique within a participant, so a set per participant suffices
        if id(organization) in registries:
            yield _address(rng, change, today, organization, words.REGISTRY, None, identifiers, taken)
        area = words.AREAS[organization.area]
        names: set[str] = set()
        for _ in range(number):
            template = rng.choice(area.addresses)
            yield _address(rng, change, today, organization, template, names, identifiers, taken)


def _address(rng, change, today, organization, template, names, identifiers, taken) -> PlannedAddress:
    """One address of ``organization``; ``names`` are its names so far (None: the registry)."""
    name_template, code, keywords = template
    name, place = _fill(name_template, rng, organization.places)
    if names is not None:
        if name in names:  # a busy unit's second "Elevhälsan" is "Elevhälsan, Björkbacka" or "…, grupp 3"
            pick = rng.random()
            group, direction = f"grupp {rng.randint(1, 60)}", rng.choice(words.DIRECTIONS)
            name = f"{name}, {_districts(rng, 1)[0] if pick < 0.5 else group if pick < 0.75 else direction}"
        names.add(name)
    # The registry is sdk:inkorg:<participant>, as in the reference address book.
    base = "inkorg" if names is None else ascii_slug(name)[:80]
    suffix = f"-{organization.local_identifier}" if organization.local_identifier else ""
    # "elevhalsa", then "elevhalsa-bjorkbackaskolan" (the unit's key), then numbered.
    for candidate in itertools.chain((base,), _numbered(f"{base}{suffix}")):
        identifier = f"sdk:{candidate}:{organization.participant_identifier}"
        if candidate not in identifiers and identifier.lower() not in taken:
            identifiers.add(candidate)
            break
    codes = [code] if rng.random() > 0.04 else []
    if codes and rng.random() < 0.2:  # a second classification from the same field of work
        other = rng.choice(words.AREAS[organization.area].addresses)[1]
        codes += [other] if other != code else []
    keywords = rng.sample(keywords.split(", "), rng.randint(1, keywords.count(",") + 1))
    if place and rng.random() < 0.3:
        keywords.append(place)
    description = ""
    if rng.random() < 0.8:
        label = name[0].lower() + name[1:] if name[1:2].islower() else name
        description = (
            f"Funktionsbrevlåda för {label} vid {organization.name}. {rng.choice(words.ADDRESS_NOTES)}"
        )
    days = datetime.timedelta
    valid_from, valid_to, confirmed = None, None, None
    if organization.status == Status.INACTIVE or rng.random() < INACTIVE_ADDRESS_SHARE:
        status = Status.INACTIVE
        valid_to = organization.valid_to or today - days(rng.randint(1, 700))
        if rng.random() < 0.3:
            valid_from = valid_to - days(rng.randint(30, 2000))
    else:
        status = Status.ACTIVE
        if rng.random() < 0.3:
            valid_from = today - days(rng.randint(0, 2000))
        if rng.random() < 0.6:
            confirmed = rng.randint(0, 400)
    address = PlannedAddress(
        id=time_ordered_uuid(), organization=organization, identifier=identifier, name=name,
        description=description, keywords=keywords, codes=codes, status=status, valid_from=valid_from,
        valid_to=valid_to, confirmed_days_ago=confirmed,
    )  # fmt: skip
    if change.random() < UPDATED_SHARE:
        what = change.random()
        if what < 0.3 and status == Status.ACTIVE:  # deactivated later: the feed says "deactivated"
            address.update = (name, description, Status.INACTIVE, today)
        elif what < 0.6:
            address.update = (f"{name}{change.choice(words.RENAME_SUFFIXES)}", description, status, valid_to)
        else:
            note = change.choice(words.ADDRESS_UPDATE_NOTES)
            address.update = (name, f"{description} {note}".strip(), status, valid_to)
    return address
