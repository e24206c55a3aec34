"""Code systems (kodverk) and their codes in the admin: kept by federation administrators."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from addressbook.admin.base import AuditHistoryMixin, DirectoryAdmin
from addressbook.admin.versions import VersionedInline
from addressbook.models import Code, CodeSystem


@admin.register(CodeSystem)
class CodeSystemAdmin(AuditHistoryMixin, DirectoryAdmin):
    class CodeInline(VersionedInline, admin.TabularInline):
        model = Code
        fields = ("code", "display_name", "parent", "active")
        # The parent is chosen on the code's own page: an autocomplete per row costs a query each.
        readonly_fields = ("parent",)
        extra = 0
        can_delete = False
        show_change_link = True

        def get_queryset(self, request: HttpRequest):
            return super().get_queryset(request).select_related("parent")

    list_display = ("name", "identifier", "version", "owner", "status")
    list_filter = ("status",)
    search_fields = ("name", "identifier", "description")
    list_select_related = ("owner",)
    autocomplete_fields = ("owner",)
    readonly_fields = ("id", "created_at", "updated_at")
    inlines = (CodeInline,)


@admin.register(Code)
class CodeAdmin(AuditHistoryMixin, DirectoryAdmin):
    list_display = ("code", "display_name", "parent", "code_system", "active")
    list_filter = ("active", "code_system")
    search_fields = ("code", "display_name", "code_system__name")
    list_select_related = ("code_system", "parent")
    autocomplete_fields = ("code_system", "parent")
    readonly_fields = ("created_at", "updated_at")
