"""The address book's data model (Digg's information specification for the SDK address book)."""

from addressbook.models.addresses import FunctionAddress, FunctionAddressCode
from addressbook.models.api_clients import ApiClient
from addressbook.models.audit import Account, AuditEvent
from addressbook.models.changes import Change
from addressbook.models.codesystems import Code, CodeSystem
from addressbook.models.imports import ImportJob, ImportRow
from addressbook.models.organizations import Organization
from addressbook.models.roles import AdministeredOrganization, StaffRole
from addressbook.models.search import SearchWord
from addressbook.models.statistics import Connection, StatisticSnapshot, StatisticsReport
from addressbook.models.usage import UsageCount, UsageRollup

__all__ = [
    "Account",
    "AdministeredOrganization",
    "ApiClient",
    "AuditEvent",
    "Change",
    "Code",
    "CodeSystem",
    "Connection",
    "FunctionAddress",
    "FunctionAddressCode",
    "ImportJob",
    "ImportRow",
    "Organization",
    "SearchWord",
    "StaffRole",
    "StatisticSnapshot",
    "StatisticsReport",
    "UsageCount",
    "UsageRollup",
]
