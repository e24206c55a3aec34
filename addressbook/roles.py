"""Who may do what: each role's permissions, and every rule about which records a user may change.

The role on a user's ``StaffRole`` is the single source of permissions: ``RoleBackend``
grants Django permissions from it, so the admin's own checks (menus, buttons, views) follow
the role, and nobody has to keep groups and roles in step. Which *rows* a user may touch is
``<queryset>.administered_by(user)`` (``models/organizations.py``); which *fields* and
*changes* of a row, this module: the admin's forms and read-only fields, its bulk actions,
the spreadsheet import and the upload form all ask the functions below, so that a rule is
written, and its message worded, once.

``user=None`` is the operator at the command line, who is not limited.
"""

from __future__ import annotations

import functools

from django.contrib.auth.backends import BaseBackend
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from addressbook.choices import ImportResource, OrganizationType, Role
from addressbook.models import FunctionAddress, Organization
from addressbook.models.roles import is_federation_administrator, role_of

__all__ = [
    "ROLE_PERMISSIONS",
    "RoleBackend",
    "administers",
    "check_address_change",
    "check_organization_change",
    "is_federation_administrator",
    "locked_fields",
    "may_change_status",
    "may_import",
    "registrable_types",
    "role_of",
    "status_change_refused",
]


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


class RoleBackend(BaseBackend):
    """Grants the permissions of the user's role (authenticates nobody itself)."""

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if obj is not None:
            # Row-level rules are the querysets' administered_by(user), not here.
            return set()
        return set(ROLE_PERMISSIONS.get(role_of(user_obj), ()))

    def has_module_perms(self, user_obj, app_label: str) -> bool:
        return any(
            permission.startswith(f"{app_label}.") for permission in self.get_all_permissions(user_obj)
        )


def _unrestricted(user) -> bool:
    return user is None or is_federation_administrator(user)


def administers(user, organization: Organization | None) -> bool:
    """Whether ``user`` keeps ``organization`` (no organisation: nothing to keep, so yes)."""
    if organization is None or _unrestricted(user):
        return True
    return Organization.objects.administered_by(user).filter(pk=organization.pk).exists()


def may_import(user, resource: str) -> bool:
    """Code systems are the federation's; organisations and addresses anyone's who keeps some."""
    if _unrestricted(user):
        return True
    return resource != ImportResource.CODES and user.has_perm("addressbook.add_importjob")


# ------------------------------------------------------------------------------
# Fields
# ------------------------------------------------------------------------------
def locked_fields(user, model: type, record=None) -> list[str]:
    """The fields of ``record`` (None: a new one) that ``user`` sees but may not change."""
    if _unrestricted(user):
        return []
    if model is FunctionAddress:
        # Senders have stored this identifier; changing it would strand their messages.
        return [] if record is None else ["identifier"]
    if model is not Organization:
        return []
    # Messages are routed by these: changing them re-routes an organisation's mail.
    fields = ["participant_identifier", "organization_number"]
    if record is not None:
        fields.append("type")
        if record.type == OrganizationType.PARTICIPANT:
            # Deregistering (or expiring) a participant is the federation's decision.
            fields += ["parent", "status", "valid_from", "valid_to"]
        elif not administers(user, record.parent):
            # The top of an administrator's sub-tree stays where the federation put it.
            fields.append("parent")
    return fields


# ------------------------------------------------------------------------------
# Changes
# ------------------------------------------------------------------------------
def status_change_refused() -> str:
    """Why a participant's status or validity did not change (the admin's actions say it too)."""
    return _("Only federation administrators can register or deregister participant organisations.")


def may_change_status(user, records: QuerySet) -> bool:
    """Activating and deactivating participants (registering them) is the federation's."""
    if _unrestricted(user) or records.model is not Organization:
        return True
    return not records.filter(type=OrganizationType.PARTICIPANT).exists()


def registrable_types(user) -> list[str]:
    """The organisation types ``user`` may create: only the federation registers participants."""
    if _unrestricted(user):
        return list(OrganizationType.values)
    return [OrganizationType.SUB_ORGANIZATION]


def _not_administered() -> str:
    return _("This organisation is not one you administer.")


def check_organization_change(
    user, *, before: Organization | None, after: Organization, connection_changed: bool = False
) -> None:
    """Raise ValidationError (by field) if ``user`` may not turn ``before`` (None: nothing) into ``after``."""
    if _unrestricted(user):
        return
    if connection_changed:
        raise ValidationError({"production_on": _("Only federation administrators keep the SDK connection.")})
    if before is None and after.type == OrganizationType.PARTICIPANT:
        raise ValidationError(
            {
                "participant_identifier": _(
                    "Only federation administrators register participant organisations."
                )
            }
        )
    if before is not None and not administers(user, before):
        raise ValidationError({"participant_identifier": _not_administered()})
    moved = before is None or before.parent_id != after.parent_id
    # The top unit of an administrator's sub-tree has a parent they do not keep: fine unless moved.
    if moved and not administers(user, after.parent if after.parent_id else None):
        raise ValidationError({"parent": _not_administered()})
    if (before.organization_number if before is not None else "") != after.organization_number:
        # Routing-critical, also when cleared or given to a new unit.
        raise ValidationError(
            {"organization_number": _("Only federation administrators change organisation numbers.")}
        )
    if before is None:
        return
    if after.type == OrganizationType.PARTICIPANT and (
        (before.status, before.valid_from, before.valid_to)
        != (after.status, after.valid_from, after.valid_to)
    ):
        raise ValidationError({"status": status_change_refused()})
    if after.parent_id is not None and before.participant_identifier != after.parent.participant_identifier:
        raise ValidationError(
            {
                "parent": _(
                    "Only federation administrators move a sub-organisation to another participant "
                    "organisation: its messages would be routed elsewhere."
                )
            }
        )


def check_address_change(user, *, before: FunctionAddress | None, after: FunctionAddress, keeps=None) -> None:
    """Raise ValidationError (by field) if ``user`` may not turn ``before`` (None: nothing) into ``after``.

    An organisation administrator's new or moved addresses carry their own participant's
    identifier: otherwise Lund could take identifiers in Malmö's name
    (sdk:ekonomi:0203:malmo.se) before Malmö does, and senders would be refused when Malmö
    publishes them. ``keeps(organization)`` answers ``administers`` for the user where the
    caller remembers the answers (an import asks once per organisation, not once per row).
    """
    if _unrestricted(user):
        return
    keeps = keeps or functools.partial(administers, user)
    if before is not None and not keeps(before.organization):
        raise ValidationError({"identifier": _("This function address is not one of your organisations'.")})
    organization = after.organization if after.organization_id else None
    if not keeps(organization):
        raise ValidationError({"organization": _not_administered()})
    moved = before is None or before.organization_id != after.organization_id
    if not moved or organization is None:
        return
    suffix = f":{organization.participant_identifier}"
    if not after.identifier.lower().endswith(suffix.lower()):
        raise ValidationError(
            {
                "identifier": _(
                    "Function addresses of this organisation end in %(suffix)s, "
                    "for example sdk:inkorg%(suffix)s."
                )
                % {"suffix": suffix}
            }
        )
