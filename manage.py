#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    # Without DATABASE_URL (a laptop): start, or attach to, the embedded PostgreSQL under
    # DATA_DIR before Django reads the settings, as make run and make test do.
    from config.embedded_postgres import ensure_database_url

    ensure_database_url()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
