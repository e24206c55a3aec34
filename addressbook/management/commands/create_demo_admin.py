"""manage.py create_demo_admin: the demo administrator that make run prints (DEBUG only)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

USERNAME = "admin"


class Command(BaseCommand):
    help = "Create (or reset) the demo administrator and print how to log in. Refused unless DEBUG is on."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("create_demo_admin is for local demos only (DEBUG on); use createsuperuser.")
        password_file = settings.DATA_DIR / "demo_admin_password"
        users = get_user_model().objects
        if password_file.exists():
            password = password_file.read_text().strip()
        elif users.filter(username=USERNAME).exists():
            # Not ours: a real account on a database this machine did not create. Leave it be.
            raise CommandError(
                f"A user {USERNAME!r} exists that make run did not create; not touching it. "
                "Log in with that account, or point DATABASE_URL at another database."
            )
        else:
            # Random per machine, kept so the login stays the same between runs.
            password = secrets.token_urlsafe(12)
            password_file.parent.mkdir(parents=True, exist_ok=True)
            password_file.touch(mode=0o600)
            password_file.write_text(password)
        user, _created = users.get_or_create(
            username=USERNAME, defaults={"is_staff": True, "is_superuser": True}
        )
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(password)
        user.save()
        self.stdout.write(self.style.SUCCESS(f"Demo administrator: user {USERNAME!r}, password {password!r}"))
