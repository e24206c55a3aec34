"""The Django admin: the administrators' whole working surface (one module per area)."""

from addressbook.admin import accounts, audit, directory, imports, statistics

__all__ = ["accounts", "audit", "directory", "imports", "statistics"]
