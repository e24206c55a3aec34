"""Who may do what: the permissions of each staff role, and the organisations a user keeps.

The role on a user's ``StaffRole`` is the single source of permissions: ``RoleBackend``
grants Django permissions from it, so the admin's own checks (menus, buttons, views) follow
the role, and nobody has to keep groups and roles in step. Which *rows* a user may touch is
``administered_organizations``: everything for federation administrators, the assigned
organisations with their sub-organisations for organisation administrators, nothing else.
"""

from __future__ import annotations

from django.contrib.auth.backends import BaseBackend
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from addressbook.choices import Role
from addressbook.models import Organization


def _permissions(app_label: str, model: str, *actions: str) -> set[str]:
    return {f"{app_label}.{action}_{model}" for action in actions}


# Keeping sub-organisations and addresses; codes are read to classify addresses with them.
_KEEP_DIRECTORY = (
    _permissions("addressbook", "organization", "view", "add", "change")
    | _permissions("addressbook", "functionaddress", "view", "add", "change")
    | _permissions("addressbook", "functionaddresscode", "view", "add", "change", "delete")
    | _permissions("addressbook", "codesystem", "view")
    | _permissions("addressbook", "code", "view")
    | _permissions("addressbook", "importjob", "view", "add")
)

# The dashboard, its downloads and reports (per-client figures included).
_STATISTICS = {"addressbook.view_statistics"} | _permissions("addressbook", "statisticsreport", "view", "add")

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.FEDERATION_ADMINISTRATOR: frozenset(
        _KEEP_DIRECTORY
        | _permissions("addressbook", "codesystem", "add", "change")
        | _permissions("addressbook", "code", "add", "change")
        | _permissions("addressbook", "apiclient", "view", "add", "change")
        | _permissions("addressbook", "staffrole", "view", "add", "change", "delete")
        | _permissions("addressbook", "administeredorganization", "view", "add", "change", "delete")
        | _permissions("addressbook", "auditevent", "view")
        | _permissions("addressbook", "connection", "view", "add", "change")
        | _STATISTICS
        | _permissions("auth", "user", "view", "add", "change")
    ),
    Role.ORGANIZATION_ADMINISTRATOR: frozenset(_KEEP_DIRECTORY),
    # Statistics are the analysts' whole surface; the directory itself they read over the API.
    Role.ANALYST: frozenset(_STATISTICS),
}


def role_of(user) -> str | None:
    """The user's role, or None for anonymous visitors and accounts without one."""
    if not user.is_authenticated or not user.is_active:
        return None
    try:
        return user.staff_role.role
    except ObjectDoesNotExist:
        return None


def is_federation_administrator(user) -> bool:
    """Superusers (the operators who installed the service) count as federation administrators."""
    return user.is_active and (user.is_superuser or role_of(user) == Role.FEDERATION_ADMINISTRATOR)


def administered_organizations(user) -> QuerySet[Organization]:
    """The organisations ``user`` may change: for organisation administrators their sub-trees."""
    if is_federation_administrator(user):
        return Organization.objects.all()
    if role_of(user) == Role.ORGANIZATION_ADMINISTRATOR:
        return Organization.objects.filter(administered_by__staff_role__user=user).with_descendants()
    return Organization.objects.none()


class RoleBackend(BaseBackend):
    """Grants the permissions of the user's role (authenticates nobody itself)."""

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if obj is not None:
            # Row-level rules are the admin's querysets (administered_organizations), not here.
            return set()
        return set(ROLE_PERMISSIONS.get(role_of(user_obj), ()))

    def has_module_perms(self, user_obj, app_label: str) -> bool:
        return any(
            permission.startswith(f"{app_label}.") for permission in self.get_all_permissions(user_obj)
        )


def check_organization_move(user, *, organization: Organization, parent: Organization | None) -> None:
    """Only federation administrators move a unit under another participant (it re-routes mail)."""
    if (
        parent is not None
        and not organization._state.adding
        and parent.participant_identifier != organization.participant_identifier
        and not is_federation_administrator(user)
    ):
        raise ValidationError(
            {
                "parent": _(
                    "Only federation administrators move a sub-organisation to another participant "
                    "organisation: its messages would be routed elsewhere."
                )
            }
        )


def check_address_identifier(user, *, identifier: str, organization: Organization | None) -> None:
    """An organisation administrator's new addresses carry their own participant's identifier.

    Otherwise Lund could take identifiers in Malmö's name (sdk:ekonomi:0203:malmo.se) before
    Malmö does, and senders would be refused when Malmö publishes them.
    """
    if organization is None or is_federation_administrator(user):
        return
    suffix = f":{organization.participant_identifier}"
    if not identifier.lower().endswith(suffix.lower()):
        raise ValidationError(
            {
                "identifier": _(
                    "Function addresses of this organisation end in %(suffix)s, "
                    "for example sdk:inkorg%(suffix)s."
                )
                % {"suffix": suffix}
            }
        )
