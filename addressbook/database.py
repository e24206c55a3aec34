"""What every database session of the project needs before its first write: trigger settings.

pgtrigger's triggers ask ``_pgtrigger_should_ignore()``, which reads the session setting
``pgtrigger.ignore`` inside a PL/pgSQL ``EXCEPTION`` block. Where the setting has never been
set, every row's trigger call raises and rolls back a subtransaction, and PostgreSQL then
rescans the transaction's list of pending deferred foreign-key checks: a bulk write of N
rows costs O(N²) (20,000 addresses took 2.8 times as long as 10,000). Giving every
session an empty ignore list makes the read succeed. pgtrigger re-creates that function
with every trigger it installs, so the setting, not the function, is what we change; the
similar read in django-pghistory's ``_pgh_attach_context()`` is replaced by a migration
(``0012_history_context_without_subtransactions``).
"""

from __future__ import annotations

# pgtrigger.ignore() sets this per statement (SET LOCAL) and it falls back to this value.
SESSION_SETTINGS = {"pgtrigger.ignore": "{}"}


def configure_session(sender, connection, **kwargs) -> None:
    """connection_created: give a new PostgreSQL session the settings above (one round trip)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for name, value in SESSION_SETTINGS.items():
            cursor.execute("SELECT set_config(%s, %s, false)", [name, value])
