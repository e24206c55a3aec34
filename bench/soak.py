"""make soak: minutes of mixed traffic against the API as production serves it; no error, no growth.

The server, database and Redis are make bench's (``bench.run``): gunicorn with BENCH_WORKERS
sync workers and the production settings on loopback, the bench database of BENCH_ADDRESSES
addresses. For SOAK_SECONDS (300) at once:

- SOAK_CONCURRENCY (8) clients in one ``bench.load`` process ask, in turn, for addresses by
  identifier and by id, recipient checks and searches (in the proportions of ``MIX``), and
  every answer is checked as make bench checks it;
- one client syncs the addresses by ``links.next`` (SOAK_SYNC_RECORDS records a walk; then
  from the start again), and one reads the change feed with ``include=resource``.

Every SOAK_SAMPLE_SECONDS (5) the workers' memory is sampled. A worker's growth is its RSS at
the end (the median of the last tenth of the samples) less its RSS once warm (the median of the
tenth after SOAK_WARMUP_SECONDS, 60: first requests load code and fill caches). The run fails
(exit status 1) on any error answer, a worker that was replaced, an error in gunicorn's log, or
a worker that grew by more than SOAK_MAX_GROWTH_MIB (16). Results go to
``bench/results/soak-<time>-<addresses>.json``.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import signal
import statistics
import sys
import threading
import time

from bench.report import log
from bench.run import BASE_DIR, Config, bench_environment, git_revision, prepared_dataset, run_load
from bench.server import MIB, DatabaseBackends, GunicornServer, ProcessSampler

# Requests of each kind per round of the mixed load: what a message service mostly asks.
MIX = {"lookup-identifier": 10, "lookup-id": 3, "recipient-check": 5, "search": 2}
# A worker's log lines that mean a request failed on the server, whatever the client saw.
LOG_ERRORS = ("Traceback", "[ERROR]", " ERROR ")


def _float(name: str, default: float) -> float:
    return float(os.environ.get(name) or default)


def mixed_targets(scenarios: list[dict]) -> list[list[str]]:
    """[path, check] pairs interleaving the scenarios' targets in the proportions of ``MIX``."""
    by_name = {scenario["name"]: scenario for scenario in scenarios}
    longest = max(len(by_name[name]["targets"]) for name in MIX)
    targets = []
    for round_ in range(longest):
        for name, weight in MIX.items():
            scenario = by_name[name]
            for n in range(weight):
                path = scenario["targets"][(round_ * weight + n) % len(scenario["targets"])]
                targets.append([path, scenario["check"]])
    return targets


def growth(sampler: ProcessSampler, warm_after: float) -> dict[str, dict[str, float]]:
    """Each worker's RSS once warm and at the end, in MiB (see the module docstring)."""
    start, end = sampler.times[0], sampler.times[-1]
    tenth = (end - start) / 10
    warm_window = (start + warm_after, start + warm_after + tenth)
    per_worker: dict[str, dict[str, float]] = {}
    for pid in sampler.samples[0]:
        warm = [
            sample[pid]
            for at, sample in zip(sampler.times, sampler.samples, strict=True)
            if warm_window[0] <= at <= warm_window[1] and pid in sample
        ]
        last = [
            sample[pid]
            for at, sample in zip(sampler.times, sampler.samples, strict=True)
            if at >= end - tenth and pid in sample
        ]
        if warm and last:
            warm_mib, last_mib = statistics.median(warm) / MIB, statistics.median(last) / MIB
            per_worker[str(pid)] = {
                "warm_mib": warm_mib,
                "end_mib": last_mib,
                "growth_mib": last_mib - warm_mib,
            }
    return per_worker


class Walker(threading.Thread):
    """One client walking ``walk`` by links.next, again and again until ``deadline``."""

    def __init__(self, walk: dict, server: GunicornServer, backends: DatabaseBackends, deadline: float):
        super().__init__(daemon=True)
        self.walk, self.server, self.backends, self.deadline = walk, server, backends, deadline
        self.results: list[dict] = []
        self.failure: str | None = None

    def run(self) -> None:
        while time.monotonic() < self.deadline:
            try:
                self.results.append(run_load(self.walk, self.server, self.backends))
            except Exception as exception:  # reported as an error of the soak, not a crash of it
                self.failure = f"{type(exception).__name__}: {exception}"
                return

    def report(self) -> dict:
        return {
            "walks": len(self.results),
            "pages": sum(result["pages"] for result in self.results),
            "records": sum(result["records"] for result in self.results),
            "errors": sum(result["errors"] for result in self.results) + (self.failure is not None),
            "error_examples": [e for result in self.results for e in result["error_examples"]][:5]
            + ([self.failure] if self.failure else []),
            "page_p95_ms": max((result["p95_ms"] or 0 for result in self.results), default=None),
        }


def main() -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    config = Config()
    seconds = _float("SOAK_SECONDS", 300)
    warmup = _float("SOAK_WARMUP_SECONDS", 60)
    max_growth = _float("SOAK_MAX_GROWTH_MIB", 16)
    started = datetime.datetime.now(datetime.UTC)
    with bench_environment() as (url, _redis_url, _redis_info, env):
        dataset, keys = prepared_dataset(url, env, config)
        from bench.scenarios import load_scenarios, walk_scenarios

        scenarios = load_scenarios(keys, ceiling_bytes=0, dsn=url)
        sync_records = int(_float("SOAK_SYNC_RECORDS", 50_000))
        walks = {
            walk["name"]: walk
            for walk in walk_scenarios(feed_changes=sync_records, sync_records=sync_records)
        }
        stamp = started.strftime("%Y%m%dT%H%M%SZ")
        path = config.results / f"soak-{stamp}-{dataset['addresses']}.json"
        server = GunicornServer(env=env, workers=config.workers, log_path=path.with_suffix(".gunicorn.log"))
        log(
            f"make soak: {seconds:g} s of mixed lookups, searches and syncs, {config.workers} workers, "
            f"concurrency {int(_float('SOAK_CONCURRENCY', 8))} + 2 walkers"
        )
        with server, contextlib.closing(DatabaseBackends(url)) as backends:
            first_workers = {process.pid for process in server.worker_processes()}
            sampler = ProcessSampler(server.worker_processes, interval=_float("SOAK_SAMPLE_SECONDS", 5))
            deadline = time.monotonic() + seconds
            walkers = [Walker(walks[name], server, backends, deadline) for name in ("sync", "feed-include")]
            with sampler:
                for walker in walkers:
                    walker.start()
                mixed = run_load(
                    {
                        "mode": "http",
                        "targets": mixed_targets(scenarios),
                        "concurrency": int(_float("SOAK_CONCURRENCY", 8)),
                        "seconds": seconds,
                        "warmup": 0,
                    },
                    server,
                    backends,
                )
                for walker in walkers:
                    walker.join()
            last_workers = {process.pid for process in server.worker_processes()}
        log_errors = [
            line
            for line in server.log_path.read_text(errors="replace").splitlines()
            if any(marker in line for marker in LOG_ERRORS)
        ]
    workers = growth(sampler, warmup)
    results = {
        "started_at": started.isoformat(),
        "seconds": seconds,
        "git": git_revision(),
        "dataset": dataset,
        "workers": config.workers,
        "mixed": {key: value for key, value in mixed.items() if key != "workers"},
        "walks": {walker.walk["name"]: walker.report() for walker in walkers},
        "memory": {
            "per_worker": workers,
            "max_growth_mib": max((w["growth_mib"] for w in workers.values()), default=None),
            "limit_mib": max_growth,
            "samples": [
                {"at": at - sampler.times[0], "rss_mib": {str(pid): rss / MIB for pid, rss in sample.items()}}
                for at, sample in zip(sampler.times, sampler.samples, strict=True)
            ],
        },
        "workers_replaced": sorted(first_workers ^ last_workers),
        "log_errors": log_errors[:20],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
    return report(results, path)


def report(results: dict, path) -> int:
    mixed, memory = results["mixed"], results["memory"]
    log(
        f"\nMixed load: {mixed['requests']:,} answers ({mixed['rps']:.0f}/s), p50 {mixed['p50_ms']:.1f} ms, "
        f"p95 {mixed['p95_ms']:.1f} ms, p99 {mixed['p99_ms']:.1f} ms, errors {mixed['errors']}"
    )
    for name, walk in results["walks"].items():
        log(
            f"{name}: {walk['walks']} walks, {walk['records']:,} records in {walk['pages']:,} pages, "
            f"errors {walk['errors']}"
        )
    for pid, worker in memory["per_worker"].items():
        log(
            f"worker {pid}: {worker['warm_mib']:.1f} MiB warm → {worker['end_mib']:.1f} MiB at the end "
            f"({worker['growth_mib']:+.1f} MiB)"
        )
    problems = []
    errors = mixed["errors"] + sum(walk["errors"] for walk in results["walks"].values())
    if errors:
        problems.append(f"{errors} error answers: {mixed['error_examples'][:3]}")
    if results["workers_replaced"]:
        problems.append(f"workers replaced: {results['workers_replaced']}")
    if results["log_errors"]:
        problems.append(f"errors in gunicorn's log: {results['log_errors'][:3]}")
    if memory["max_growth_mib"] is None:
        problems.append("too few memory samples: make SOAK_SECONDS longer than SOAK_WARMUP_SECONDS")
    elif memory["max_growth_mib"] > memory["limit_mib"]:
        grew, limit = memory["max_growth_mib"], memory["limit_mib"]
        problems.append(f"a worker grew by {grew:.1f} MiB (limit {limit:g})")
    log(f"\nResults: {path.relative_to(BASE_DIR) if path.is_relative_to(BASE_DIR) else path}")
    for problem in problems:
        log(f"FAILED: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
