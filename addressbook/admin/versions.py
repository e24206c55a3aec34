"""No lost updates in the admin: every form, inline row and list row carries the version it showed.

A version is a signed fingerprint of the record's stored values, one short hash per field
(``updated_at`` among them, so any write that moves it counts, even of a field the form
does not show). It goes out with the page in a hidden field, and comes back with the POST:

- a change form or inline row whose record changed since is refused, nothing is written,
  the message names each changed field with the value now stored, and the form keeps the
  administrator's input (fields only the other person changed now show the stored value);
  saving that form again is checked against the version it now carries;
- a bulk action on list rows that changed since the list was shown asks again, listing
  what changed, before it acts on them as they are now.

The check and the write cannot race: the record a form saves (an inline row only if the form
changes it, as unchanged rows are not saved) and the selected list rows are read again with
SELECT … FOR UPDATE inside the request's transaction and compared then, so a concurrent
writer waits until this request has written and committed. The record comes first, its
inline rows after, as the saves write them: no new lock order, so no new deadlock.
No column of its own: hashes of what is stored need no migration, work for records without
``updated_at`` (accounts, classification rows) and never put a stored value into the page.
"""

from __future__ import annotations

import copy
import datetime
import functools
import hashlib
from collections.abc import Callable, Iterable

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.utils import display_for_field, flatten_fieldsets
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core import signing
from django.db import models, transaction
from django.db.models import QuerySet
from django.forms.models import construct_instance
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.datastructures import MultiValueDict
from django.utils.html import format_html
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

# The hidden field of every change form and inline row, and of every list row (+ its id).
VERSION_FIELD = "record_version"
ROW_VERSION_PREFIX = "record_version_"
_SALT = "addressbook.admin.versions"
# How much of a long stored value a message quotes.
QUOTED_CHARACTERS = 120

# Fields that are no administrator's edit, so their changes make no form stale:
UNVERSIONED_FIELDS = frozenset(
    {
        # derived by triggers from other columns (a parent renamed, a code renamed);
        "search_document",
        "search_vector",
        "search_names",
        # notes of use, written without moving updated_at and never by a form, which shows
        # them read-only (a form saved later writes what is stored, not what it showed);
        "last_used_at",
        "last_login",
        "confirmed_at",
        "confirmed_by",
        # changed on its own page; the account form shows it read-only
        "password",
    }
)


def versioned_fields(model: type[models.Model]) -> list[models.Field]:
    """The stored fields whose changes make an open form stale."""
    return [field for field in model._meta.concrete_fields if field.name not in UNVERSIONED_FIELDS]


def _fingerprint(field: models.Field, obj: models.Model) -> str:
    value = field.value_from_object(obj)
    # The same instant read through another time zone is the same version.
    text = value.astimezone(datetime.UTC).isoformat() if isinstance(value, datetime.datetime) else None
    if text is None:
        text = field.value_to_string(obj)
    return hashlib.blake2b(text.encode(), digest_size=6).hexdigest()


def version_token(obj: models.Model) -> str:
    """The signed version of ``obj`` as it is now, for a hidden field of the page."""
    fingerprints = {field.name: _fingerprint(field, obj) for field in versioned_fields(type(obj))}
    return signing.dumps({"pk": str(obj.pk), "fields": fingerprints}, salt=_SALT, compress=True)


def _shown_fingerprints(obj: models.Model, token: str) -> dict[str, str] | None:
    """The fingerprints ``token`` carries for ``obj``; None if it is missing, damaged or another record's."""
    try:
        shown = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(shown, dict) or shown.get("pk") != str(obj.pk):
        return None
    return shown.get("fields")


def _changed(obj: models.Model, shown: dict[str, str]) -> list[models.Field]:
    """The fields of ``obj`` stored differently than when ``shown`` was taken.

    ``updated_at`` is named only when nothing else shows the change (an address's codes).
    """
    changed = [
        field for field in versioned_fields(type(obj)) if shown.get(field.name) != _fingerprint(field, obj)
    ]
    named = [field for field in changed if field.name != "updated_at"]
    return named or changed


def stored_value(obj: models.Model, field: models.Field) -> str:
    """A field's stored value as the admin shows it, shortened for a message."""
    value = getattr(obj, field.name)
    if isinstance(field, models.BooleanField):
        text = _("Yes") if value else _("No")
    else:
        text = str(display_for_field(value, field, "—", avoid_link=True))
    return Truncator(text).chars(QUOTED_CHARACTERS)


def describe_changes(obj: models.Model, fields: Iterable[models.Field]) -> str:
    """``name: now “…”; description: now “…”`` for a message."""
    return "; ".join(
        _("%(field)s is now “%(value)s”")
        % {"field": capfirst(field.verbose_name), "value": stored_value(obj, field)}
        for field in fields
    )


def _widget_data(widget: forms.Widget, name: str, value) -> dict[str, list[str]]:
    """What a browser posts for ``value`` shown in ``widget`` (the inverse of value_from_datadict)."""
    while isinstance(widget, RelatedFieldWidgetWrapper):
        widget = widget.widget
    if isinstance(widget, forms.MultiWidget):
        parts = value if isinstance(value, list | tuple) else widget.decompress(value)
        data: dict[str, list[str]] = {}
        for suffix, part_widget, part in zip(widget.widgets_names, widget.widgets, parts, strict=False):
            data.update(_widget_data(part_widget, name + suffix, part))
        return data
    if isinstance(widget, forms.CheckboxInput):
        return {name: ["on"] if widget.check_test(value) else []}
    formatted = widget.format_value(value)
    if isinstance(formatted, list):  # choice widgets format to the list of chosen values
        return {name: formatted}
    return {name: ["" if formatted is None else str(formatted)]}


class VersionedForm(forms.ModelForm):
    """A model form that refuses to save over a record changed since the form was opened."""

    record_version = forms.CharField(widget=forms.HiddenInput, required=False)
    #: A change form is saved whatever it holds; an inline row only if it changes the row.
    check_unchanged = True

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self._is_stored():
            self.fields[VERSION_FIELD].initial = version_token(self.instance)

    def _is_stored(self) -> bool:
        return self.instance.pk is not None and not self.instance._state.adding

    def clean(self):
        cleaned_data = super().clean()
        if self._is_stored() and (self.check_unchanged or self._changes_the_record()):
            self._refuse_if_stale(cleaned_data.get(VERSION_FIELD) or "")
        return cleaned_data

    def _changes_the_record(self) -> bool:
        # Whether its fields differ from what is stored now; the version differing alone is no change.
        return any(name != VERSION_FIELD for name in self.changed_data)

    def _refuse_if_stale(self, token: str) -> None:
        model = type(self.instance)
        try:
            # What is stored now, locked until this request commits: the save writes over exactly this.
            self.instance.refresh_from_db(from_queryset=model._base_manager.select_for_update())
        except model.DoesNotExist:
            self.add_error(None, _("This record was deleted after you opened it, so nothing was saved."))
            return
        shown = _shown_fingerprints(self.instance, token)
        if shown is None:
            self.add_error(
                None,
                _(
                    "This form does not say which version of the record it shows (it may come from "
                    "an old page), so nothing was saved. Open the record again."
                ),
            )
            return
        changed = _changed(self.instance, shown)
        if not changed:
            return
        self.add_error(
            None,
            _(
                "Someone else changed this record after you opened it, so nothing was saved. "
                "Changed since then: %(changes)s. Your own changes are still in the form "
                "(fields only they changed now show what is stored): check them and save again."
            )
            % {"changes": describe_changes(self.instance, changed)},
        )
        self._take_in_stored_values(shown, changed)

    def _take_in_stored_values(self, shown: dict[str, str], changed: list[models.Field]) -> None:
        """The form shown again carries the stored version, and stored values where only others changed.

        A field the administrator changed too keeps their input, with the stored value beside it.
        """
        posted = construct_instance(self, copy.copy(self.instance), self._meta.fields, self._meta.exclude)
        data = (
            self.data.copy()
            if isinstance(self.data, MultiValueDict)
            else MultiValueDict(
                {key: value if isinstance(value, list) else [value] for key, value in self.data.items()}
            )
        )
        data[self.add_prefix(VERSION_FIELD)] = version_token(self.instance)
        for field in changed:
            form_field = self.fields.get(field.name)
            if form_field is None or form_field.disabled:
                continue  # read-only here: shown as stored anyway
            if field.name in self.cleaned_data and shown.get(field.name) == _fingerprint(field, posted):
                initial = form_field.prepare_value(self.get_initial_for_field(form_field, field.name))
                widget = form_field.widget
                for key, values in _widget_data(widget, self.add_prefix(field.name), initial).items():
                    data.setlist(key, values)
            else:
                self.add_error(
                    field.name,
                    _("Changed by someone else too; stored now: “%(value)s”.")
                    % {"value": stored_value(self.instance, field)},
                )
        self.data = data


def with_version_fieldset(fieldsets, obj: models.Model | None):
    """``fieldsets`` plus a hidden one holding the version field, on a stored record's page."""
    if obj is None or VERSION_FIELD in flatten_fieldsets(fieldsets):
        return fieldsets
    return [*fieldsets, (None, {"fields": (VERSION_FIELD,), "classes": ("hidden",)})]


def _lock(model: type[models.Model], pks: Iterable) -> list[models.Model]:
    # In primary-key order, so that two requests locking overlapping rows cannot deadlock.
    return list(model._base_manager.select_for_update().filter(pk__in=list(pks)).order_by("pk"))


def stale_rows(request: HttpRequest, queryset: QuerySet) -> tuple[list[models.Model], list]:
    """The selected list rows (locked) and those of them changed since the list showed them.

    Rows the page did not show (all rows across pages selected) carry no version: the action
    takes them as they are, as the administrator chose "all that match", not rows they saw.
    """
    tokens = {
        pk: request.POST[f"{ROW_VERSION_PREFIX}{pk}"]
        for pk in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if f"{ROW_VERSION_PREFIX}{pk}" in request.POST
    }
    if not tokens:
        return [], []
    # Only rows this user may act on (the queryset is the admin's): nothing else is shown.
    rows = _lock(queryset.model, queryset.filter(pk__in=tokens).values_list("pk", flat=True))
    stale = []
    for row in rows:
        shown = _shown_fingerprints(row, tokens.get(str(row.pk), ""))
        changed = _changed(row, shown) if shown is not None else []
        if changed:
            stale.append((row, describe_changes(row, changed)))
    return rows, stale


def checked_action(func: Callable) -> Callable:
    """A bulk action that asks again, showing what changed, if selected rows changed since they were shown."""

    @functools.wraps(func)
    def action(model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet):
        with transaction.atomic():  # the rows stay locked until the action has written
            rows, stale = stale_rows(request, queryset)
            if not stale:
                return func(model_admin, request, queryset)
        opts = model_admin.model._meta
        return TemplateResponse(
            request,
            "admin/addressbook/stale_selection.html",
            {
                **model_admin.admin_site.each_context(request),
                "title": _("Changed since you chose them"),
                "opts": opts,
                "action": request.POST.get("action", ""),
                "action_description": model_admin.get_actions(request)[request.POST["action"]][2],
                "select_across": request.POST.get("select_across", "0"),
                "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
                "versions": [(f"{ROW_VERSION_PREFIX}{row.pk}", version_token(row)) for row in rows],
                "stale": stale,
                "changelist_url": request.get_full_path(),
            },
        )

    return action


class VersionedInlineForm(VersionedForm):
    """An inline row's form: checked only when it changes the row, as only then is it saved."""

    check_unchanged = False


class VersionedAdmin(admin.ModelAdmin):
    """Every admin of records administrators edit: versioned forms, rows and bulk actions."""

    form = VersionedForm

    def get_fieldsets(self, request: HttpRequest, obj=None):
        return with_version_fieldset(super().get_fieldsets(request, obj), obj)

    def action_checkbox(self, obj: models.Model) -> str:
        # Each row's version goes with its checkbox, so an action knows what the list showed.
        return format_html(
            '{}<input type="hidden" name="{}{}" value="{}">',
            super().action_checkbox(obj),
            ROW_VERSION_PREFIX,
            obj.pk,
            version_token(obj),
        )

    def get_actions(self, request: HttpRequest) -> dict:
        return {
            name: (checked_action(func), name, description)
            for name, (func, name, description) in super().get_actions(request).items()
        }


class VersionedInline(admin.options.InlineModelAdmin):
    """Inline rows with a version each."""

    form = VersionedInlineForm

    def get_fields(self, request: HttpRequest, obj=None):
        fields = list(super().get_fields(request, obj))
        return fields if VERSION_FIELD in fields else [*fields, VERSION_FIELD]
