"""make bench: the lookup API under load, served as in production, against its ceilings.

1. The dataset (bench.dataset): ``<name>_bench`` next to the database DATABASE_URL names
   (or BENCH_DATABASE_URL), holding BENCH_ORGANIZATIONS / BENCH_ADDRESSES records, generated
   once and reused while the size stays the same; the change feed is numbered (as Celery beat
   does) and real keys are sampled.
2. The server (bench.server): gunicorn with BENCH_WORKERS sync workers and the production
   settings on 127.0.0.1, Redis db BENCH_REDIS_DB (15) of REDIS_URL's server (or
   BENCH_REDIS_URL), emptied before and after.
3. Load (bench.load, its own process): every scenario of bench.scenarios at each concurrency
   of BENCH_CONCURRENCY for BENCH_SECONDS (after a warm-up of BENCH_WARMUP_SECONDS); then a
   full sync and the change feed, one client each. Workers' memory and CPU are sampled.
4. In-process, the server stopped: a spreadsheet import of BENCH_IMPORT_ROWS rows (rolled
   back) and the usage roll-up of BENCH_ROLLUP_LOOKUPS counted lookups.

It prints a table per kind of scenario and the ratios to the ceilings measured in the same
run, and writes everything as JSON to BENCH_RESULTS (a directory, default bench/results/,
named <time>-<addresses>.json; or a path ending in .json). Only loopback servers are used.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psutil

from bench.database import (
    connect_as_owner,
    create_database,
    database_exists,
    database_name,
    require_loopback,
    with_database,
)
from bench.report import LOAD_HEADER, load_row, log, print_summary, ratios
from bench.server import MIB, DatabaseBackends, GunicornServer, ProcessSampler, server_environment

BASE_DIR = Path(__file__).resolve().parent.parent
REDIS_MARKER = "bench:owner"


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


class Config:
    def __init__(self) -> None:
        self.workers = _int("BENCH_WORKERS", 4)
        self.concurrencies = [
            int(c) for c in os.environ.get("BENCH_CONCURRENCY", "8,32").split(",") if c.strip()
        ]
        self.seconds = float(os.environ.get("BENCH_SECONDS") or 10)
        self.warmup = float(os.environ.get("BENCH_WARMUP_SECONDS") or 1)
        self.sample = _int("BENCH_SAMPLE", 1000)
        self.seed = _int("BENCH_SEED", 1)
        self.feed_changes = _int("BENCH_FEED_CHANGES", 100_000)
        self.sync_records = _int("BENCH_SYNC_RECORDS", 0)
        self.import_rows = _int("BENCH_IMPORT_ROWS", 5000)
        self.rollup_lookups = _int("BENCH_ROLLUP_LOOKUPS", 10_000_000)
        self.client_cpus = [int(c) for c in os.environ.get("BENCH_CLIENT_CPUS", "").split(",") if c.strip()]
        only = os.environ.get("BENCH_SCENARIOS", "")
        self.only = {name.strip() for name in only.split(",") if name.strip()}
        self.results = Path(os.environ.get("BENCH_RESULTS") or BASE_DIR / "bench" / "results")

    def wants(self, name: str) -> bool:
        return not self.only or name in self.only

    def as_dict(self) -> dict:
        return {
            key: str(value) if isinstance(value, Path) else value for key, value in vars(self).items()
        } | {"only": sorted(self.only)}


def bench_redis_url() -> str:
    if os.environ.get("BENCH_REDIS_URL"):
        return os.environ["BENCH_REDIS_URL"]
    parts = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    return urlunsplit(parts._replace(path=f"/{_int('BENCH_REDIS_DB', 15)}"))


def prepare_redis(url: str) -> dict:
    """Empties the bench's Redis database, refusing one that holds keys the bench did not write."""
    import redis

    client = redis.Redis.from_url(url)
    client.ping()
    if client.dbsize() and not client.exists(REDIS_MARKER):
        raise SystemExit(
            f"Redis database {url} holds {client.dbsize()} keys that make bench did not write: "
            "choose an empty one with BENCH_REDIS_DB or BENCH_REDIS_URL."
        )
    client.flushdb()
    client.set(REDIS_MARKER, "make bench")
    return {"url": url, "version": client.info("server").get("redis_version")}


def empty_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    client.flushdb()
    client.set(REDIS_MARKER, "make bench")


def git_revision() -> dict:
    def git(*args: str) -> str:
        command = ["git", *args]  # read-only: the revision the figures belong to
        return subprocess.run(command, cwd=BASE_DIR, capture_output=True, text=True).stdout.strip()  # noqa: S603

    return {
        "commit": git("rev-parse", "HEAD"),
        "changed_files": len(git("status", "--porcelain").splitlines()),
    }


def number_changes() -> dict:
    """Numbers the waiting change-feed entries, as Celery beat's sequence_changes would."""
    from addressbook.services.changes import changes_sequence

    started, numbered = time.perf_counter(), 0
    while batch := changes_sequence():
        numbered += batch
    return {"numbered": numbered, "seconds": time.perf_counter() - started}


def run_load(spec: dict, server: GunicornServer, backends: DatabaseBackends) -> dict:
    """One scenario at one concurrency in bench.load's process; workers and database sampled meanwhile."""
    spec = {**spec, "host": "127.0.0.1", "port": server.port}
    timeout = spec["seconds"] + spec["warmup"] + 600 if "seconds" in spec else 6 * 3600
    with ProcessSampler(server.worker_processes) as sampler, ProcessSampler(backends) as database:
        process = subprocess.run(
            [sys.executable, "-m", "bench.load"],
            input=json.dumps(spec),
            capture_output=True,
            text=True,
            cwd=BASE_DIR,
            timeout=timeout,
        )
    if process.returncode != 0:
        raise RuntimeError(f"bench.load failed ({process.returncode}):\n{process.stderr[-3000:]}")
    result = json.loads(process.stdout)
    result["workers"] = sampler.report()
    result["database"] = database.report()
    total = result.get("total_requests") or result.get("pages")
    if spec["mode"] != "sql" and total:
        result["server_cpu_ms_per_request"] = result["workers"]["cpu_seconds"] * 1000 / total
    if result["database"]["processes"] and total:
        result["database_cpu_ms_per_request"] = result["database"]["cpu_seconds"] * 1000 / total
    return result


def probe(server: GunicornServer, target: str) -> tuple[int, bytes]:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    try:
        connection.request("GET", target, headers={"Accept": "application/vnd.api+json"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def results_path(config: Config, addresses: int, stamp: str) -> Path:
    if config.results.suffix == ".json":
        return config.results
    return config.results / f"{stamp}-{addresses}.json"


@contextlib.contextmanager
def bench_environment():
    """The bench's database URL, Redis URL (emptied before and after) and server environment.

    The environment is also set in this process, so in-process scenarios run with the
    server's settings. Yields ``(url, redis_url, redis_info, env)``.
    """
    from config.embedded_postgres import ensure_database_url

    ensure_database_url()  # without DATABASE_URL: the embedded PostgreSQL, as make run
    connect_as_owner()
    base_url = os.environ["DATABASE_URL"]
    url = os.environ.get("BENCH_DATABASE_URL") or with_database(base_url, f"{database_name(base_url)}_bench")
    require_loopback(url, "The benchmark's database")
    redis_url = require_loopback(bench_redis_url(), "The benchmark's Redis")
    redis_info = prepare_redis(redis_url)
    if not database_exists(url, database_name(url)):
        log(f"Creating database {database_name(url)}")
        create_database(url, database_name(url))
    media = tempfile.mkdtemp(prefix="bench-media-")
    env = server_environment(database_url=url, redis_url=redis_url, media_root=media)
    os.environ.update(env)
    try:
        yield url, redis_url, redis_info, env
    finally:
        shutil.rmtree(media, ignore_errors=True)
        empty_redis(redis_url)


def prepared_dataset(url: str, env: dict, config: Config) -> tuple[dict, list[dict[str, str]]]:
    """The migrated, loaded and analysed bench database, described, and keys sampled from it."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    from bench.dataset import describe, ensure_dataset, sample_keys

    call_command("migrate", verbosity=0)
    dataset = ensure_dataset(url=url, env=env, log=log)
    dataset["feed_numbering"] = number_changes()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would, before the planner is asked anything
    dataset.update(describe())
    keys = sample_keys(config.sample, config.seed)
    if not keys:
        raise SystemExit("The dataset has no active address of an active organisation to look up.")
    log(
        f"Dataset: {dataset['organizations']:,} organisations, {dataset['addresses']:,} addresses "
        f"({dataset['active_addresses']:,} active), {dataset['changes']:,} changes, "
        f"{dataset['database_bytes'] / MIB:,.0f} MiB; {len(keys)} keys sampled"
    )
    connections.close_all()
    return dataset, keys


def main() -> int:
    # SIGTERM ends the run like Ctrl-C: the finally clauses stop gunicorn.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    config = Config()
    started = datetime.datetime.now(datetime.UTC)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    with bench_environment() as (url, redis_url, redis_info, env):
        return _run(config, url, redis_url, redis_info, env, started, stamp)


def _run(config: Config, url: str, redis_url: str, redis_info: dict, env: dict, started, stamp: str) -> int:
    from bench.scenarios import (
        SEARCH_QUERIES,
        import_scenario,
        load_scenarios,
        rollup_scenario,
        search_target,
        walk_scenarios,
    )

    log(
        f"make bench: database {database_name(url)}, Redis {redis_url}, {config.workers} gunicorn workers, "
        f"concurrency {config.concurrencies}, {config.seconds:g} s per scenario"
    )
    dataset, keys = prepared_dataset(url, env, config)

    results: dict = {
        "started_at": started.isoformat(),
        "config": config.as_dict(),
        "machine": {
            "cpus": psutil.cpu_count(),
            "memory_gib": psutil.virtual_memory().total / 1024**3,
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "git": git_revision(),
        "redis": redis_info,
        "dataset": dataset,
        "server": {
            "workers": config.workers,
            "settings": env["DJANGO_SETTINGS_MODULE"],
            "anonymous_rate": env["API_ANONYMOUS_RATE"],
        },
        "load": [],
        "ratios": [],
        "walks": [],
        "notes": [],
    }
    if dataset["loader"] == "fallback":
        results["notes"].append(
            "Dataset loaded by bench.dataset's fallback loader: manage.py generate_dataset did not exist."
        )
    results["notes"].append(
        "gunicorn's sync workers close every connection after one answer, so each request also "
        "pays a loopback TCP connect (the client would keep connections alive)."
    )
    log_path = results_path(config, dataset["addresses"], stamp).with_suffix(".gunicorn.log")
    server = GunicornServer(env=env, workers=config.workers, log_path=log_path)
    results["server"]["command"] = " ".join(server.command[2:])
    log(f"Starting gunicorn on 127.0.0.1:{server.port} (log: {log_path})")
    with server, contextlib.closing(DatabaseBackends(url)) as backends:
        results["server"]["idle_worker_rss_mib"] = [
            process.memory_info().rss / MIB for process in server.worker_processes()
        ]
        scenarios = load_scenarios(keys, ceiling_bytes=0, dsn=url)
        status, body = probe(server, scenarios[2]["targets"][0])
        if status != 200:
            raise SystemExit(f"The lookup by identifier answered {status}: {body[:500]!r}")
        results["server"]["lookup_body_bytes"] = len(body)
        scenarios = load_scenarios(keys, ceiling_bytes=len(body), dsn=url)
        hits = {}
        for query in SEARCH_QUERIES:
            status, body = probe(server, search_target(query))
            pagination = json.loads(body).get("meta", {}).get("pagination", {}) if status == 200 else {}
            hits[query] = pagination.get("count", pagination.get("countAtLeast", f"HTTP {status}"))
        results["search_hits"] = hits
        zero = [query for query, count in hits.items() if count == 0]
        log(
            f"Search: {len(hits) - len(zero)} of {len(hits)} queries find something"
            + (f"; nothing for {', '.join(zero)}" if zero else "")
        )

        log("\n" + LOAD_HEADER)
        for concurrency in config.concurrencies:
            for scenario in scenarios:
                if not config.wants(scenario["name"]):
                    continue
                spec = {
                    **scenario,
                    "concurrency": concurrency,
                    "seconds": config.seconds,
                    "warmup": config.warmup,
                    "cpus": config.client_cpus,
                }
                result = run_load(spec, server, backends)
                result.update(
                    name=scenario["name"],
                    label=scenario["label"],
                    concurrency=concurrency,
                    mode=scenario["mode"],
                )
                results["load"].append(result)
                log(load_row(scenario["label"], result))
        results["ratios"] = ratios(results["load"])

        for walk in walk_scenarios(feed_changes=config.feed_changes, sync_records=config.sync_records):
            if not config.wants(walk["name"]):
                continue
            log(f"{walk['label']} …")
            result = run_load({**walk, "cpus": config.client_cpus}, server, backends)
            result.update(name=walk["name"], label=walk["label"])
            results["walks"].append(result)
            log(
                f"  {result['records']:,} records in {result['seconds']:.1f} s "
                f"({result['records_per_second'] or 0:,.0f}/s), errors {result['errors']}"
            )
        expected = (
            dataset["addresses"]
            if not config.sync_records
            else min(config.sync_records, dataset["addresses"])
        )
        for walk in results["walks"]:
            if walk["name"] == "sync" and walk["records"] != expected:
                walk["errors"] += 1
                walk["error_examples"].append(f"synced {walk['records']} records, expected {expected}")
    results["server"]["stopped"] = server.process is None

    def own_process():
        return ProcessSampler(lambda: [psutil.Process()])

    if config.wants("import") and config.import_rows:
        log(f"Spreadsheet import of {config.import_rows:,} rows …")
        with own_process() as sampler:
            results["import"] = import_scenario(config.import_rows, keys)
        results["import"]["memory"] = sampler.report()
    if config.wants("rollup") and config.rollup_lookups:
        log(f"Usage roll-up of {config.rollup_lookups:,} counted lookups …")
        results["rollup"] = rollup_scenario(config.rollup_lookups, own_process)

    results["finished_at"] = datetime.datetime.now(datetime.UTC).isoformat()
    print_summary(results)
    path = results_path(config, dataset["addresses"], stamp)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
    log(f"\nResults: {path}")
    errors = sum(r["errors"] for r in (*results["load"], *results["walks"]))
    errors += sum(results.get(key, {}).get("errors", 0) for key in ("import", "rollup"))
    if errors:
        log(f"{errors} errors: see the tables above and the JSON file")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
