"""The load generator: its own process, fixed concurrency, fixed duration, loopback only.

bench.run starts ``python -m bench.load`` once per scenario and concurrency, hands it a JSON
spec on standard input and reads a JSON result from standard output. Standard library only
(threads and ``http.client``; psycopg for the database's ceiling), so it runs wherever the
project does. Three modes:

- ``http``: ``concurrency`` threads, each with its own HTTP/1.1 connection (kept alive
  where the server allows it; gunicorn's sync workers close it after every answer, so the
  thread connects again, as production's clients do), requesting ``targets`` in turn for
  ``warmup`` seconds (not counted), then ``seconds`` seconds: the answers that arrive in that
  window count (a steady state, also where one request takes longer than the window). An
  answer counts as an error when its status is not 2xx/3xx, when it cannot be read, or when its body fails
  ``check`` (e.g. a lookup by identifier must hold exactly one record in ``data``).
- ``sql``: the same, with one psycopg connection per thread running ``sql`` with ``params``
  in turn (the database's ceiling).
- ``walk``: one client following ``links.next`` from ``start`` (a full sync, the change
  feed) until a page is empty or ``limit`` records were read; every page is checked.

It reports requests per second, p50/p95/p99/max latency, errors (with a few examples) and
its own CPU time, since on a small machine the generator competes with the server for it.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import math
import os
import sys
import threading
import time
from urllib.parse import urlsplit

import orjson

ACCEPT = "application/vnd.api+json"
MAX_ERROR_EXAMPLES = 5


def _loopback(host: str) -> str:
    if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
        raise SystemExit(f"bench.load targets loopback addresses only, not {host!r}")
    return host


def percentile(samples: list[float], p: float) -> float | None:
    """Nearest-rank percentile of sorted ``samples`` (None when there are none)."""
    if not samples:
        return None
    return samples[max(0, math.ceil(p / 100 * len(samples)) - 1)]


def summary(latencies: list[float], seconds: float) -> dict:
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / seconds if seconds else None,
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "p99_ms": percentile(latencies, 99),
        "max_ms": latencies[-1] if latencies else None,
        "mean_ms": sum(latencies) / len(latencies) if latencies else None,
    }


def check_body(check: str, document) -> str | None:
    """Why a parsed body is wrong for ``check``, or None when it is right."""
    data = document.get("data") if isinstance(document, dict) else None
    if check == "one" and not (isinstance(data, list) and len(data) == 1):
        return (
            f"expected one record in data, got {len(data) if isinstance(data, list) else type(data).__name__}"
        )
    if check == "object" and not (isinstance(data, dict) and data.get("id")):
        return "expected a resource object in data"
    if check == "accepted" and not (
        isinstance(data, dict) and data.get("attributes", {}).get("outcome") == "accepted"
    ):
        return (
            f"expected outcome accepted, got {data.get('attributes') if isinstance(data, dict) else data!r}"
        )
    if check in ("list", "page") and not isinstance(data, list):
        return "expected a list in data"
    if check == "ceiling" and not (isinstance(data, dict) and data.get("id")):
        return "expected the address in data"
    return None


class Recorder:
    """Latencies and errors of the counted window, shared by the threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors = 0
        self.total = 0  # warm-up included: the server's CPU per request is divided by this
        self.examples: list[str] = []
        self.bytes = 0

    def add(self, counted: bool, milliseconds: float, error: str | None, size: int = 0) -> None:
        with self.lock:
            self.total += 1
            if not counted:
                return
            if error is None:
                self.latencies.append(milliseconds)
                self.bytes += size
            else:
                self.errors += 1
                if len(self.examples) < MAX_ERROR_EXAMPLES:
                    self.examples.append(error[:300])


def _http_worker(spec: dict, offset: int, window: tuple[float, float], recorder: Recorder) -> None:
    host, port = _loopback(spec["host"]), spec["port"]
    # A target is a path, checked by the spec's ``check``, or a [path, check] pair (mixed load).
    targets = [(t, spec.get("check", "")) if isinstance(t, str) else tuple(t) for t in spec["targets"]]
    connection = http.client.HTTPConnection(host, port, timeout=spec.get("timeout", 60))
    start, end = window
    n = offset
    while True:
        began = time.perf_counter()
        if began >= end:
            break
        target, check = targets[n % len(targets)]
        n += 1
        error, size = None, 0
        try:
            connection.request("GET", target, headers={"Accept": ACCEPT})
            response = connection.getresponse()
            body = response.read()
            size = len(body)
            if not 200 <= response.status < 400:
                error = f"HTTP {response.status} {target}: {body[:200]!r}"
            elif check:
                problem = check_body(check, orjson.loads(body))
                if problem:
                    error = f"{target}: {problem}"
        except Exception as exception:  # a refused or dropped connection is an error, not the end
            error = f"{type(exception).__name__}: {exception} ({target})"
            connection.close()
        finished = time.perf_counter()
        recorder.add(start <= finished <= end, (finished - began) * 1000, error, size)
    connection.close()


def _sql_worker(spec: dict, offset: int, window: tuple[float, float], recorder: Recorder) -> None:
    import psycopg

    _loopback(urlsplit(spec["dsn"]).hostname or "localhost")
    params, start, end = spec["params"], *window
    with psycopg.connect(spec["dsn"], autocommit=True) as connection:
        n = offset
        while True:
            began = time.perf_counter()
            if began >= end:
                break
            error = None
            try:
                row = connection.execute(spec["sql"], params[n % len(params)]).fetchone()
                if row is None:
                    error = f"no row for {params[n % len(params)]}"
            except Exception as exception:
                error = f"{type(exception).__name__}: {exception}"
            n += 1
            finished = time.perf_counter()
            recorder.add(start <= finished <= end, (finished - began) * 1000, error)


def run_concurrent(spec: dict) -> dict:
    worker = _http_worker if spec["mode"] == "http" else _sql_worker
    concurrency, seconds, warmup = spec["concurrency"], spec["seconds"], spec.get("warmup", 1.0)
    recorder = Recorder()
    start = time.perf_counter() + warmup + 0.05  # threads start in the first 50 ms
    window = (start, start + seconds)
    # Each thread starts at its own place in the targets, so they do not ask in lockstep.
    step = max(1, len(spec.get("targets") or spec.get("params")) // concurrency)
    threads = [
        threading.Thread(target=worker, args=(spec, i * step, window, recorder), daemon=True)
        for i in range(concurrency)
    ]
    cpu_before = os.times()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cpu_after = os.times()
    result = summary(recorder.latencies, seconds)
    client_cpu = (cpu_after.user - cpu_before.user) + (cpu_after.system - cpu_before.system)
    result.update(
        errors=recorder.errors,
        error_examples=recorder.examples,
        total_requests=recorder.total,
        mean_bytes=recorder.bytes / len(recorder.latencies) if recorder.latencies else None,
        client_cpu_seconds=client_cpu,
        client_cpu_share=client_cpu / (seconds + warmup),
    )
    return result


def run_walk(spec: dict) -> dict:
    host, port = _loopback(spec["host"]), spec["port"]
    connection = http.client.HTTPConnection(host, port, timeout=spec.get("timeout", 600))
    target, limit, check = spec["start"], spec.get("limit") or 0, spec.get("check", "page")
    pages: list[float] = []
    records, errors, examples, first_page_ms, meta = 0, 0, [], None, None
    cpu_before, started = os.times(), time.perf_counter()
    while target:
        began = time.perf_counter()
        try:
            connection.request("GET", target, headers={"Accept": ACCEPT})
            response = connection.getresponse()
            body = response.read()
        except Exception as exception:
            errors += 1
            examples.append(f"{type(exception).__name__}: {exception} ({target})")
            break
        pages.append((time.perf_counter() - began) * 1000)
        if response.status != 200:
            errors += 1
            examples.append(f"HTTP {response.status} {target}: {body[:200]!r}")
            break
        document = orjson.loads(body)  # a client reading 1,000 records fast; its time counts
        problem = check_body(check, document)
        if problem:
            errors += 1
            examples.append(f"{target}: {problem}")
            break
        if first_page_ms is None:
            first_page_ms, meta = pages[-1], document.get("meta")
        data = document["data"]
        records += len(data)
        if not data or (limit and records >= limit):
            break
        following = document.get("links", {}).get("next")
        if not following:
            break
        parts = urlsplit(following)
        if parts.hostname and (_loopback(parts.hostname), parts.port) != (host, port):
            raise SystemExit(f"links.next leaves the benchmark's server: {following}")
        target = f"{parts.path}?{parts.query}" if parts.query else parts.path
    seconds = time.perf_counter() - started
    cpu_after = os.times()
    result = summary(pages, seconds)
    result.pop("rps")
    result.update(
        pages=result.pop("requests"),
        records=records,
        seconds=seconds,
        records_per_second=records / seconds if seconds else None,
        first_page_ms=first_page_ms,
        first_page_meta=meta,
        errors=errors,
        error_examples=examples[:MAX_ERROR_EXAMPLES],
        client_cpu_seconds=(cpu_after.user - cpu_before.user) + (cpu_after.system - cpu_before.system),
    )
    return result


def main() -> int:
    spec = json.load(sys.stdin)
    if spec.get("cpus"):
        os.sched_setaffinity(0, set(spec["cpus"]))
    result = run_walk(spec) if spec["mode"] == "walk" else run_concurrent(spec)
    result["client_cpus"] = sorted(os.sched_getaffinity(0))
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
