"""manage.py create_demo_admin: the demo accounts that make run prints (DEBUG only).

Besides the superuser ``admin``, two accounts show the roles: Malmö's organisation
administrator and an analyst, with the same password.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from addressbook.choices import OrganizationType, Role
from addressbook.models import AdministeredOrganization, Organization, StaffRole
from addressbook.services.roles import staff_role_save

USERNAME = "admin"
# (user name, role, participant identifier of the organisation kept) for trying the roles.
DEMO_PERSONAS = (
    ("malmo", Role.ORGANIZATION_ADMINISTRATOR, "0203:malmo.se"),
    ("analytiker", Role.ANALYST, None),
)


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
        for username, role, participant in DEMO_PERSONAS:
            if self._create_persona(username, role, participant, password):
                label = Role(role).label
                self.stdout.write(f"Demo {label.lower()}: user {username!r}, same password")

    @transaction.atomic
    def _create_persona(self, username: str, role: Role, participant: str | None, password: str) -> bool:
        users = get_user_model().objects
        if users.filter(username=username).exists():
            # Made by an earlier run (or someone else's): either way, not ours to reset.
            return users.filter(username=username, staff_role__role=role).exists()
        organization = None
        if participant is not None:
            organization = Organization.objects.filter(
                participant_identifier=participant, type=OrganizationType.PARTICIPANT
            ).first()
            if organization is None:  # the demo data was not loaded
                return False
        user = users.create_user(username, password=password)
        staff_role = staff_role_save(staff_role=StaffRole(user=user, role=role))
        if organization is not None:
            AdministeredOrganization.objects.create(staff_role=staff_role, organization=organization)
        return True
