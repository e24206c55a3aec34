"""The benchmark's dataset: generated once into ``<name>_bench``, kept for later runs, sampled.

``ensure_dataset`` makes the bench database hold BENCH_ORGANIZATIONS organisations and
BENCH_ADDRESSES function addresses (seed BENCH_SEED). It records what it loaded in a table of
its own (``bench_dataset``); a later run with the same size reuses the data (generating a
million addresses takes a while), a run with another size drops the database and loads it
again. The loader is ``manage.py generate_dataset`` (through the real triggers), run as its
own process with the production settings; while that command does not exist yet, a simpler
in-process loader (``_fallback_load``: bulk inserts through the same triggers, Swedish names
from a short list) stands in, and the output says so. BENCH_LOADER=generate_dataset|fallback
chooses one explicitly.

``sample_keys`` draws real identifiers and ids (of active addresses of active organisations,
so that a recipient check is accepted) with a fixed seed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass

from bench.database import create_database, database_name

BATCH = 5000
MARKER_TABLE = "bench_dataset"


@dataclass(frozen=True)
class DatasetSpec:
    organizations: int
    addresses: int
    seed: int
    loader: str  # "generate_dataset" or "fallback"


def wanted_spec() -> DatasetSpec:
    from django.core.management import get_commands

    loader = os.environ.get("BENCH_LOADER", "auto")
    if loader == "auto":
        loader = "generate_dataset" if "generate_dataset" in get_commands() else "fallback"
    if loader not in ("generate_dataset", "fallback"):
        raise SystemExit(f"BENCH_LOADER is auto, generate_dataset or fallback, not {loader!r}")
    return DatasetSpec(
        organizations=int(os.environ.get("BENCH_ORGANIZATIONS", "10000")),
        addresses=int(os.environ.get("BENCH_ADDRESSES", "100000")),
        seed=int(os.environ.get("BENCH_SEED", "1")),
        loader=loader,
    )


def _loaded_spec() -> DatasetSpec | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [MARKER_TABLE])
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute(f"SELECT organizations, addresses, seed, loader FROM {MARKER_TABLE}")  # noqa: S608
        row = cursor.fetchone()
    return DatasetSpec(*row) if row else None


def _record(spec: DatasetSpec, seconds: float) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (organizations integer, addresses integer, "
            "seed integer, loader text, seconds double precision, loaded_at timestamptz DEFAULT now())"
        )
        cursor.execute(f"DELETE FROM {MARKER_TABLE}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {MARKER_TABLE} (organizations, addresses, seed, loader, seconds) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, %s)",
            [spec.organizations, spec.addresses, spec.seed, spec.loader, seconds],
        )


def ensure_dataset(*, url: str, env: dict[str, str], log) -> dict:
    """Loads the wanted dataset into the (migrated) bench database unless it is there already."""
    from django.core.management import call_command
    from django.db import connections

    spec = wanted_spec()
    loaded = _loaded_spec()
    if loaded == spec:
        log(
            f"Dataset: reusing {spec.organizations:,} organisations / {spec.addresses:,} addresses "
            f"(seed {spec.seed}, {spec.loader}) in {database_name(url)}"
        )
        return {"reused": True, **asdict(spec), "load_seconds": None}
    if loaded is not None or _addresses() > 0:
        log(f"Dataset: {database_name(url)} holds another dataset ({loaded}); dropping it")
        connections.close_all()
        create_database(url, database_name(url), drop=True)
        call_command("migrate", verbosity=0)
    started = time.perf_counter()
    if spec.loader == "generate_dataset":
        log(
            f"Dataset: manage.py generate_dataset --organizations {spec.organizations} "
            f"--addresses {spec.addresses} --seed {spec.seed}"
        )
        command = [
            sys.executable, "manage.py", "generate_dataset",
            "--organizations", str(spec.organizations),
            "--addresses", str(spec.addresses),
            "--seed", str(spec.seed),
        ]  # fmt: skip
        settings = {**env, "DJANGO_SETTINGS_MODULE": "config.settings.base"}
        try:
            subprocess.run(command, env=settings, check=True)  # noqa: S603 - our own manage.py
        except subprocess.CalledProcessError as error:
            raise SystemExit(
                f"manage.py generate_dataset failed (exit {error.returncode}); "
                "BENCH_LOADER=fallback loads the dataset with the benchmark's own loader."
            ) from error
    else:
        log(
            "Dataset: manage.py generate_dataset does not exist yet; loading with the benchmark's "
            "own simpler loader (bench.dataset._fallback_load: bulk inserts through the triggers)"
        )
        _fallback_load(spec)
    seconds = time.perf_counter() - started
    _record(spec, seconds)
    log(f"Dataset: loaded in {seconds:.0f} s")
    return {"reused": False, **asdict(spec), "load_seconds": seconds}


def _addresses() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM addressbook_functionaddress")
        return cursor.fetchone()[0]


def describe() -> dict:
    """What the bench database holds, counted."""
    from django.db import connection

    queries = {
        "organizations": "SELECT count(*) FROM addressbook_organization",
        "participants": "SELECT count(*) FROM addressbook_organization WHERE type = 'o'",
        "addresses": "SELECT count(*) FROM addressbook_functionaddress",
        "active_addresses": "SELECT count(*) FROM addressbook_functionaddress WHERE status = 'active'",
        "classifications": "SELECT count(*) FROM addressbook_functionaddresscode",
        "codes": "SELECT count(*) FROM addressbook_code",
        "changes": "SELECT count(*) FROM addressbook_change",
        "database_bytes": "SELECT pg_database_size(current_database())",
    }
    with connection.cursor() as cursor:
        facts = {}
        for name, sql in queries.items():
            cursor.execute(sql)
            facts[name] = cursor.fetchone()[0]
        cursor.execute("SHOW server_version")
        facts["postgresql"] = cursor.fetchone()[0]
    return facts


def sample_keys(count: int, seed: int) -> list[dict[str, str]]:
    """``count`` active addresses of active organisations: id, identifier and participant."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT a.id::text, a.identifier, o.participant_identifier, o.id::text
            FROM addressbook_functionaddress a
            JOIN addressbook_organization o ON o.id = a.organization_id
            WHERE a.status = 'active' AND o.status = 'active'
              AND (a.valid_from IS NULL OR a.valid_from <= current_date)
              AND (a.valid_to IS NULL OR a.valid_to >= current_date)
              AND (o.valid_from IS NULL OR o.valid_from <= current_date)
              AND (o.valid_to IS NULL OR o.valid_to >= current_date)
            ORDER BY md5(a.id::text || %s)
            LIMIT %s
            """,
            [str(seed), count],
        )
        rows = cursor.fetchall()
    return [
        {"id": id_, "identifier": identifier, "participant": participant, "organization": organization}
        for id_, identifier, participant, organization in rows
    ]


# The stand-in loader, until manage.py generate_dataset exists. Names read like a directory's,
# so that the search queries of bench.scenarios find something.
PLACES = (
    "Kirseberg",
    "Malmö",
    "Rosengård",
    "Limhamn",
    "Husie",
    "Björkbacka",
    "Ekdalen",
    "Lindholm",
    "Sjövik",
    "Bergsjö",
    "Hagalund",
    "Strömsund",
    "Åkerby",
    "Ängby",
    "Högdal",
    "Nyköping",
    "Ljungby",
    "Granö",
    "Tallbacken",
    "Bäckby",
    "Hammarö",
    "Skogås",
    "Sandviken",
    "Solna",
    "Österås",
    "Västerby",
    "Norrtälje",
    "Södertorp",
    "Hasselby",
    "Lönneberga",
    "Kvarnholmen",
    "Kyrkbyn",
    "Borgholm",
    "Gullmarsplan",
    "Fagersta",
    "Mörby",
    "Stensjö",
    "Göteborg",
    "Uppsala",
    "Umeå",
)
DIRECTIONS = ("Norr", "Söder", "Öster", "Väster", "Centrum")
PARTICIPANT_NAMES = ("{place} kommun", "Region {place}", "Vårdcentralen {place} AB", "{place}s stad")
ADDRESS_NAMES = (
    ("Vårdcentralen {place}", "vårdcentral, läkare"),
    ("Socialtjänsten, barn och unga", "barn, familj, orosanmälan"),
    ("Barn- och ungdomspsykiatrin (BUP) {place}", "BUP, barnpsykiatri"),
    ("Äldreomsorg {dir}", "äldreboende, hemtjänst"),
    ("Vuxenpsykiatrin {place}", "psykiatri"),
    ("Hemtjänsten {place}", "hemtjänst, trygghetslarm"),
    ("Elevhälsan {place}", "skolsköterska, kurator"),
    ("Orosanmälan barn {place}", "orosanmälan, barn"),
    ("Folktandvården {place}", "tandläkare, tandvård"),
    ("Registrator", "diarium, registrator, allmänna handlingar"),
    ("Ekonomiskt bistånd", "försörjningsstöd, bidrag"),
    ("Familjerätt", "vårdnad, umgänge"),
    ("Ungdomsmottagningen {place}", "ungdom"),
    ("Missbruk och beroende", "beroende, alkohol"),
    ("LSS-handläggare", "LSS, insats"),
    ("Bygglov", "bygglov, ritning"),
    ("Överförmyndaren", "god man, förvaltare"),
    ("Hemsjukvård {place}", "sjuksköterska, läkemedel"),
    ("Dataskyddsombud", "GDPR, personuppgifter"),
    ("Socialjouren", "akut, jour"),
)


def _fallback_load(spec: DatasetSpec) -> None:
    import random

    from django.db import connection

    from addressbook.choices import OrganizationKind, Status
    from addressbook.models import FunctionAddress, Organization

    rng = random.Random(spec.seed)  # noqa: S311 - test data, not secrets
    kinds = (OrganizationKind.MUNICIPALITY, OrganizationKind.REGION, OrganizationKind.PRIVATE_CARE_PROVIDER)
    organizations = []
    for start in range(0, spec.organizations, BATCH):
        organizations += Organization.objects.bulk_create(
            Organization(
                participant_identifier=f"0203:org{n}.bench.se",
                name=rng.choice(PARTICIPANT_NAMES).format(place=rng.choice(PLACES)) + f" {n}",
                kind=kinds[n % len(kinds)],
                status=Status.INACTIVE if n % 50 == 49 else Status.ACTIVE,
            )
            for n in range(start, min(start + BATCH, spec.organizations))
        )
    for start in range(0, spec.addresses, BATCH):
        batch = []
        for n in range(start, min(start + BATCH, spec.addresses)):
            owner = organizations[n % len(organizations)]
            name, keywords = rng.choice(ADDRESS_NAMES)
            batch.append(
                FunctionAddress(
                    identifier=f"sdk:adress{n}:{owner.participant_identifier}",
                    name=name.format(place=rng.choice(PLACES), dir=rng.choice(DIRECTIONS)),
                    description="Testdata för make bench. Tar emot säkra meddelanden.",
                    keywords=keywords.split(", "),
                    organization=owner,
                    status=Status.INACTIVE if n % 20 == 19 or not owner.is_active else Status.ACTIVE,
                )
            )
        FunctionAddress.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
