"""The application's database role, before Django starts: its URL and its creation.

The application connects as ``DATABASE_URL``'s role, which may read and write the directory but
not alter history; migrations connect as ``DATABASE_OWNER_URL``'s role, which owns the tables
(``addressbook.database_roles`` gives the grants). Where only one URL exists, a runner that
controls the server derives the other: the embedded PostgreSQL (``make run``) and the test run
(``make test``, CI) create the application's role next to the owner they were given.
"""

from __future__ import annotations

import contextlib
import os
from urllib.parse import unquote, urlsplit, urlunsplit

# The application's role in the embedded server (make run, make test without DATABASE_URL).
EMBEDDED_APP_ROLE = "addressbook_app"
# A derived role is named after the database, so that test runs against other databases of the
# same server (other checkouts, CI jobs) never share one.
DERIVED_ROLE_SUFFIX = "_app"


def with_role(url: str, role: str) -> str:
    """``url`` with another user name; the password, host, database and options stay.

    The derived role gets the owner's password: it is a role this runner creates for itself, on a
    server where it already holds the owner's credentials.
    """
    parts = urlsplit(url)
    credentials, _, address = parts.netloc.rpartition("@")
    _, separator, password = credentials.partition(":")
    return urlunsplit(parts._replace(netloc=f"{role}{separator}{password}@{address}"))


def derived_app_role(url: str) -> str:
    """The role a test run derives from the owner's URL: ``<database>_app``."""
    return f"{unquote(urlsplit(url).path.lstrip('/'))}{DERIVED_ROLE_SUFFIX}"


def ensure_login_role(owner_url: str, role: str, *, password: str | None = None) -> None:
    """Create the login role ``role`` as the owner (who needs CREATEROLE) unless it exists.

    Connects to the server's ``postgres`` database, since ``owner_url``'s may not exist yet (the
    test run creates its own). Two runs creating the same role at once are both fine.
    """
    import psycopg
    from psycopg import sql

    maintenance = urlunsplit(urlsplit(owner_url)._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone():
            return
        statement = sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role))
        if password:
            statement += sql.SQL(" PASSWORD {}").format(sql.Literal(password))
        # A concurrent run may have created it between the check and here.
        with contextlib.suppress(psycopg.errors.DuplicateObject):
            connection.execute(statement)


def split_roles_for_tests() -> None:
    """Make sure the tests run as an application role that is not the owner (``make test``, CI).

    With both URLs set, nothing changes. With only ``DATABASE_URL`` (CI exports just that one),
    its role becomes the owner (``DATABASE_OWNER_URL``), and ``DATABASE_URL`` names the role
    ``<database>_app``, created here with the owner's password: the suite then runs with the
    grants a production deployment has, so a missing grant fails a test.
    """
    owner_url = os.environ.get("DATABASE_OWNER_URL") or ""
    url = os.environ.get("DATABASE_URL") or ""
    if owner_url or not url:
        return
    role = derived_app_role(url)
    ensure_login_role(url, role, password=unquote(urlsplit(url).password or "") or None)
    os.environ["DATABASE_OWNER_URL"] = url
    os.environ["DATABASE_URL"] = with_role(url, role)
