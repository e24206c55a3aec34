"""Staff accounts and their roles, kept by federation administrators."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group, User
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp import user_has_device

from addressbook.admin.versions import VersionedAdmin, VersionedForm, VersionedInline, with_version_fieldset
from addressbook.choices import Role
from addressbook.models import AdministeredOrganization, StaffRole
from addressbook.services.roles import staff_role_delete, staff_role_save
from addressbook.two_factor import two_factor_reset

# Roles replace Django's groups: one place decides what an account may do.
admin.site.unregister(Group)
admin.site.unregister(User)


class AccountChangeForm(VersionedForm, UserChangeForm):
    """Django's account form, versioned like every other form of the admin."""


@admin.register(User)
class AccountAdmin(VersionedAdmin, UserAdmin):
    """People who log in to the admin. Deactivated rather than deleted, so history keeps its names."""

    form = AccountChangeForm

    list_display = (
        "username",
        "first_name",
        "last_name",
        "email",
        "role",
        "two_factor",
        "is_active",
        "last_login",
    )
    list_filter = ("is_active", "staff_role__role")
    list_select_related = ("staff_role",)
    readonly_fields = ("role_link", "two_factor", "last_login", "date_joined")
    actions = ("reset_two_factor",)

    def get_fieldsets(self, request: HttpRequest, obj: User | None = None):
        if obj is None:
            return super().get_fieldsets(request, obj)
        access = ["is_active", "role_link", "two_factor"]
        if request.user.is_superuser:
            access.insert(1, "is_superuser")
        fieldsets = (
            (None, {"fields": ("username", "password")}),
            (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
            (_("Access"), {"fields": access}),
            (_("Important dates"), {"fields": ("last_login", "date_joined")}),
        )
        # Built here rather than by super(), so the version field is added here too.
        return with_version_fieldset(fieldsets, obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        queryset = super().get_queryset(request)
        # A federation administrator must not reset a superuser's password or lock them out.
        return queryset if request.user.is_superuser else queryset.filter(is_superuser=False)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description=_("role"), ordering="staff_role__role")
    def role(self, obj: User) -> str:
        staff_role = getattr(obj, "staff_role", None)
        return staff_role.get_role_display() if staff_role else "—"

    @admin.display(description=_("role"))
    def role_link(self, obj: User) -> str:
        staff_role = getattr(obj, "staff_role", None)
        if staff_role is None:
            return format_html(
                '<a href="{}?user={}">{}</a>',
                reverse("admin:addressbook_staffrole_add"),
                obj.pk,
                _("Give a role"),
            )
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:addressbook_staffrole_change", args=[staff_role.pk]),
            staff_role.get_role_display(),
        )

    @admin.display(description=_("two-factor login"), boolean=True)
    def two_factor(self, obj: User) -> bool:
        return user_has_device(obj)

    @admin.action(description=_("Reset two-factor login (for a lost phone)"), permissions=["change"])
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        two_factor_reset(users=queryset)
        for user in queryset:
            self.log_change(request, user, [{"changed": {"fields": ["two-factor login"]}}])
        count = queryset.count()
        self.message_user(
            request,
            ngettext(
                "%(count)d account sets up two-factor login again at the next login.",
                "%(count)d accounts set up two-factor login again at their next login.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


class AdministeredOrganizationFormSet(forms.BaseInlineFormSet):
    """Organisation administrators keep at least one organisation; other roles none."""

    def clean(self) -> None:
        super().clean()
        kept = [
            form
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("organization")
        ]
        if self.instance.role == Role.ORGANIZATION_ADMINISTRATOR and not kept:
            raise forms.ValidationError(_("An organisation administrator needs at least one organisation."))
        if self.instance.role != Role.ORGANIZATION_ADMINISTRATOR and kept:
            raise forms.ValidationError(_("Only organisation administrators are given organisations."))


@admin.register(StaffRole)
class StaffRoleAdmin(VersionedAdmin):
    """Who may do what: federation administrators give and take roles here."""

    class AdministeredOrganizationInline(VersionedInline, admin.TabularInline):
        model = AdministeredOrganization
        formset = AdministeredOrganizationFormSet
        autocomplete_fields = ("organization",)
        extra = 1

    list_display = ("user", "role", "organization_list", "updated_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__first_name", "user__last_name", "organizations__name")
    list_select_related = ("user",)
    autocomplete_fields = ("user",)
    readonly_fields = ("created_at", "updated_at")
    inlines = (AdministeredOrganizationInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[StaffRole]:
        queryset = super().get_queryset(request).prefetch_related("organizations")
        return queryset if request.user.is_superuser else queryset.filter(user__is_superuser=False)

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "user" and not request.user.is_superuser:
            # The same accounts as the account list: superusers are not a federation matter.
            kwargs["queryset"] = User.objects.filter(is_superuser=False)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("organisations"))
    def organization_list(self, obj: StaffRole) -> str:
        return ", ".join(str(organization) for organization in obj.organizations.all()) or "—"

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        return {**super().get_changeform_initial_data(request), "user": request.GET.get("user")}

    def save_model(self, request: HttpRequest, obj: StaffRole, form, change: bool) -> None:
        staff_role_save(staff_role=obj)

    def delete_model(self, request: HttpRequest, obj: StaffRole) -> None:
        staff_role_delete(staff_role=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[StaffRole]) -> None:
        for staff_role in queryset.select_related("user"):
            staff_role_delete(staff_role=staff_role)
