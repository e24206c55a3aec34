"""Writes to code systems and codes."""

from __future__ import annotations

from django.db import transaction

from addressbook.models import Code, CodeSystem


@transaction.atomic
def code_save(*, code: Code) -> Code:
    """Validate and save a code, and its code system when that is new or renamed."""
    system = code.code_system
    stored = CodeSystem.objects.filter(pk=system.pk).values_list("name", "version").first()
    if stored != (system.name, system.version):
        system.full_clean()
        system.save()
    code.code_system = system
    code.full_clean()
    code.save()
    return code
