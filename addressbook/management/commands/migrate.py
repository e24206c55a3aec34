"""``migrate`` as the owner of the tables, then the application's grants (addressbook.database_roles).

Django's own command, connected as ``DATABASE_OWNER_URL``'s role while it runs; its
``post_migrate`` signal then grants ``DATABASE_URL``'s role what the application needs. Without
``DATABASE_OWNER_URL``, exactly Django's command.
"""

from __future__ import annotations

from django.core.management.commands import migrate
from django.db import connections

from addressbook.database_roles import as_owner


class Command(migrate.Command):
    def handle(self, *args, **options):
        with as_owner(connections[options["database"]]):
            return super().handle(*args, **options)
