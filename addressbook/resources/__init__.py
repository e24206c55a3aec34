"""The spreadsheet resources by the name an import or export gives them."""

from __future__ import annotations

from addressbook.resources.addresses import FunctionAddressResource
from addressbook.resources.base import ROW_NUMBER, AddressbookResource, RowOutcome
from addressbook.resources.codes import CodeResource
from addressbook.resources.organizations import OrganizationResource

__all__ = ["RESOURCES", "ROW_NUMBER", "AddressbookResource", "RowOutcome"]

RESOURCES: dict[str, type[AddressbookResource]] = {
    "organizations": OrganizationResource,
    "addresses": FunctionAddressResource,
    "codes": CodeResource,
}
