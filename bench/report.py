"""The printed summary of a bench run: one table of the load scenarios, their ratios to the
ceilings, and a line each for the sync, the change feed, the import and the usage roll-up."""

from __future__ import annotations

# The HTTP scenarios compared with the ceilings, in the order they are printed.
HTTP_NAMES = ("lookup-identifier", "lookup-id", "recipient-check", "search")


def log(message: str = "") -> None:
    print(message, flush=True)


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    return numerator / denominator if numerator is not None and denominator else None


def _x(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}×"


LOAD_HEADER = (
    f"{'scenario':42}{'conc':>5}{'req/s':>9}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'errors':>7}"
    f"{'worker MiB':>11}{'CPU ms/req: workers':>20}{'db':>8}{'client CPU':>11}"
)


def load_row(label: str, result: dict) -> str:
    workers = result.get("workers", {})
    cpu = result.get("server_cpu_ms_per_request")
    db = result.get("database_cpu_ms_per_request")
    return (
        f"{label:42}{result['concurrency']:>5}{result['rps'] or 0:>9.1f}{_ms(result['p50_ms']):>8}"
        f"{_ms(result['p95_ms']):>8}{_ms(result['p99_ms']):>8}{result['errors']:>7}"
        f"{workers.get('rss_max_mib', 0) if result['mode'] != 'sql' else 0:>11.0f}"
        f"{'—' if cpu is None else f'{cpu:.1f}':>20}{'—' if db is None else f'{db:.2f}':>8}"
        f"{result['client_cpu_share'] * 100:>10.0f}%"
    )


def ratios(load: list[dict]) -> list[dict]:
    """Each API scenario against the ceilings at the same concurrency (and search vs. lookup)."""
    by = {(r["name"], r["concurrency"]): r for r in load}
    rows = []
    for concurrency in sorted({r["concurrency"] for r in load}):
        framework = by.get(("ceiling-framework", concurrency), {})
        database = by.get(("ceiling-database", concurrency), {})
        lookup = by.get(("lookup-identifier", concurrency), {})
        for name in ("ceiling-framework", *HTTP_NAMES):
            result = by.get((name, concurrency))
            if not result:
                continue
            row = {
                "name": name,
                "label": result["label"],
                "concurrency": concurrency,
                "rps_vs_framework_ceiling": _ratio(result["rps"], framework.get("rps")),
                "rps_vs_database_ceiling": _ratio(result["rps"], database.get("rps")),
                "p95_vs_framework_ceiling": _ratio(result["p95_ms"], framework.get("p95_ms")),
                "cpu_vs_framework_ceiling": _ratio(
                    result.get("server_cpu_ms_per_request"), framework.get("server_cpu_ms_per_request")
                ),
                "database_cpu_vs_framework_ceiling": _ratio(
                    result.get("database_cpu_ms_per_request"), framework.get("database_cpu_ms_per_request")
                ),
            }
            if name == "search":
                row["p95_vs_lookup"] = _ratio(result["p95_ms"], lookup.get("p95_ms"))
            rows.append(row)
    return rows


def print_summary(results: dict) -> None:
    log(
        "\n== Load: fixed concurrency, one load-generator process "
        f"({results['config']['seconds']:.0f} s per row) =="
    )
    log(LOAD_HEADER)
    for result in results["load"]:
        log(load_row(result["label"], result))
        for example in result.get("error_examples", [])[:2]:
            log(f"    error: {example}")
    if results["ratios"]:
        log(
            "\n== Ratios to this run's ceilings (req/s as a share of the ceiling's; p95, CPU as multiples) =="
        )
        log(
            f"{'scenario':42}{'conc':>5}{'÷ framework':>13}{'÷ database':>12}{'p95 × framework':>17}"
            f"{'CPU × framework':>17}{'db CPU × fw':>13}{'p95 × lookup':>14}"
        )
        for row in results["ratios"]:
            log(
                f"{row['label']:42}{row['concurrency']:>5}{_x(row['rps_vs_framework_ceiling']):>13}"
                f"{_x(row['rps_vs_database_ceiling']):>12}{_x(row['p95_vs_framework_ceiling'], 1):>17}"
                f"{_x(row['cpu_vs_framework_ceiling'], 1):>17}"
                f"{_x(row['database_cpu_vs_framework_ceiling'], 1):>13}{_x(row.get('p95_vs_lookup'), 1):>14}"
            )
    if results["walks"]:
        log("\n== Walks: one client following links.next ==")
        log(
            f"{'walk':42}{'records':>9}{'pages':>7}{'seconds':>9}{'records/s':>11}{'page p50':>9}"
            f"{'p95':>8}{'p99':>8}{'errors':>7}{'worker MiB before→after (max)':>32}"
        )
        for walk in results["walks"]:
            workers = walk["workers"]
            before = max(workers["rss_before_mib"].values(), default=0)
            after = max(workers["rss_after_mib"].values(), default=0)
            memory = f"{before:.0f} → {after:.0f} ({workers['rss_max_mib']:.0f})"
            log(
                f"{walk['label']:42}{walk['records']:>9,}{walk['pages']:>7}{walk['seconds']:>9.1f}"
                f"{walk['records_per_second'] or 0:>11.0f}{_ms(walk['p50_ms']):>9}{_ms(walk['p95_ms']):>8}"
                f"{_ms(walk['p99_ms']):>8}{walk['errors']:>7}"
                f"{memory:>32}"
            )
            for example in walk.get("error_examples", [])[:2]:
                log(f"    error: {example}")
    imported = results.get("import")
    if imported:
        rows = imported["rows"]
        log(
            f"\n== Spreadsheet import (in-process, as the Celery worker runs it; rolled back): "
            f"{rows:,} new addresses of {imported['participant']} =="
        )
        log(f"{'':32}{'seconds':>9}{'rows/s':>9}{'× baseline':>12}")
        for label, key in (
            ("baseline: save one by one", "baseline_seconds"),
            ("preview (dry run)", "preview_seconds"),
            ("confirmed import", "confirm_seconds"),
        ):
            seconds = imported[key]
            if seconds is None:
                log(f"{label:32}{'—':>9}   {imported['status']}: {imported['summary']} {imported['message']}")
                continue
            log(
                f"{label:32}{seconds:>9.1f}{rows / seconds:>9.0f}"
                f"{_x(seconds / imported['baseline_seconds'], 1):>12}"
            )
        log(
            f"process memory: peak {imported['memory']['rss_max_mib']:.0f} MiB (before "
            f"{max(imported['memory']['rss_before_mib'].values()):.0f} MiB); errors {imported['errors']}"
        )
    rollup = results.get("rollup")
    if rollup:
        log(
            f"\n== Usage roll-up (in-process, as the Celery worker runs it) of {rollup['lookups']:,} counted "
            "lookups =="
        )
        log(
            f"counters: {rollup['fields']:,} fields ({rollup['distinct_addresses']:,} addresses, "
            f"{rollup['clients']} callers) written to Redis in {rollup['write_seconds']:.1f} s"
        )
        log(
            f"usage_rollup(): {rollup['seconds']:.1f} s, {rollup['lookups_per_second'] or 0:,.0f} lookups/s, "
            f"{rollup['rows']:,} daily rows; process memory peak {rollup['memory']['rss_max_mib']:.0f} MiB "
            f"(before {max(rollup['memory']['rss_before_mib'].values()):.0f} MiB); "
            f"counted {rollup['counted']:,} of {rollup['lookups']:,}; errors {rollup['errors']}"
        )
