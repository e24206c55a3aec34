"""The Django admin: the administrators' whole working surface (one module per area)."""

from addressbook.admin import (
    accounts,
    addresses,
    api_clients,
    audit,
    codesystems,
    imports,
    organizations,
    statistics,
)

__all__ = [
    "accounts",
    "addresses",
    "api_clients",
    "audit",
    "codesystems",
    "imports",
    "organizations",
    "statistics",
]
