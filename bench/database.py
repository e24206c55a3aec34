"""Where the benchmarks run: throw-away databases (and Redis) on this machine only.

``_setup_django`` and ``_bench_database`` serve the in-process benchmarks (bench.imports,
bench.bulk_writes): the test settings on a fresh ``<name>_bench_scratch`` database, dropped and
created again on every run. The load benchmark (bench.run) keeps its dataset in
``<name>_bench`` (bench.dataset), so that a million addresses are generated once, not per run.
Every server named here must be on the loopback interface (or a Unix socket): a benchmark
never loads someone else's machine.
"""

from __future__ import annotations

import ipaddress
import os
from urllib.parse import urlsplit, urlunsplit

SCRATCH_SUFFIX = "_bench_scratch"


class NotLoopbackError(RuntimeError):
    """A server the benchmark would use is not on this machine."""


def require_loopback(url: str, what: str) -> str:
    """``url`` if its host is a loopback address or a Unix socket; refused otherwise."""
    host = urlsplit(url).hostname or ""
    if host in ("", "localhost") or host.startswith("/") or host.startswith("%2f"):
        return url
    try:
        if ipaddress.ip_address(host).is_loopback:
            return url
    except ValueError:
        pass
    raise NotLoopbackError(f"{what} must be on this machine (127.0.0.1, ::1 or a socket), not {host!r}.")


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def with_database(url: str, name: str) -> str:
    """The same server and credentials, another database."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _connect_maintenance(url: str):
    """A connection to the server for CREATE/DROP DATABASE (as createdb: the ``postgres`` database)."""
    import psycopg

    last_error: Exception | None = None
    for name in ("postgres", "template1", database_name(url)):
        try:
            return psycopg.connect(with_database(url, name), autocommit=True, connect_timeout=10)
        except psycopg.OperationalError as error:
            last_error = error
    raise RuntimeError(f"Cannot reach the PostgreSQL server of {url!r}: {last_error}")


def database_exists(url: str, name: str) -> bool:
    with _connect_maintenance(url) as connection:
        return (
            connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
        )


def create_database(url: str, name: str, *, drop: bool = False) -> None:
    """CREATE DATABASE ``name`` on ``url``'s server; with ``drop``, drop it first (sessions too)."""
    from psycopg import sql

    with _connect_maintenance(url) as connection:
        if drop:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def connect_as_owner() -> None:
    """Where the database roles are split, the benchmark connects as the owner of the tables.

    It creates and drops its databases, migrates them, analyses them and switches triggers off
    for its ceiling (``session_replication_role``): the owner's work, not the application's.
    The server it measures then runs as the owner too, as every deployment did before the
    split; privileges cost a request nothing measurable.
    """
    owner_url = os.environ.pop("DATABASE_OWNER_URL", "")
    if owner_url:
        os.environ["DATABASE_URL"] = with_database(owner_url, database_name(os.environ["DATABASE_URL"]))


def _setup_django() -> None:
    """Django with the test settings, in this process (bench.imports, bench.bulk_writes)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    # Without DATABASE_URL, on the embedded PostgreSQL, as make run and make test.
    from config.embedded_postgres import ensure_database_url

    ensure_database_url()
    connect_as_owner()
    import django
    from django.conf import settings

    django.setup()
    settings.ALLOWED_HOSTS = ["*"]
    settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = ()


def _bench_database() -> None:
    """Point the default connection at a fresh <name>_bench_scratch database and migrate it."""
    from django.core.management import call_command
    from django.db import connection, connections

    url = require_loopback(os.environ["DATABASE_URL"], "The benchmark database")
    name = connection.settings_dict["NAME"] + SCRATCH_SUFFIX
    connections.close_all()
    create_database(url, name, drop=True)
    connection.settings_dict["NAME"] = name
    call_command("migrate", verbosity=0)
