"""Spreadsheet cells ↔ values: choices, yes/no and lists in either language, and the column helper.

Headers are a column's label in Swedish or English; values are language-neutral (choice
values, ISO dates), except yes/no, which is read in either language.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from import_export import fields, widgets

# Separates several values in one cell (keywords, codes); a comma reads naturally in Excel.
LIST_SEPARATOR = ","
# Dates as Excel shows ISO dates and as Swedes write them (2026-11-29).
ISO_DATE = "%Y-%m-%d"


class ChoiceWidget(widgets.Widget):
    """A choice by its value (active) or its label in Swedish or English (Aktiv, Active)."""

    def __init__(self, choices) -> None:
        super().__init__()
        self.choices = choices
        self._by_name: dict[str, str] | None = None  # every accepted spelling → the value

    def clean(self, value, row=None, **kwargs):
        text = (value or "").strip()
        if not text:
            return None  # an empty cell keeps the current value (or the default)
        if self._by_name is None:  # once per import, not once per cell
            self._by_name = {
                name: choice.value
                for choice in self.choices
                for name in {choice.value.casefold(), *labels(choice.label)}
            }
        if text.casefold() in self._by_name:
            return self._by_name[text.casefold()]
        raise ValueError(
            _("%(value)s is not one of: %(choices)s")
            % {"value": text, "choices": ", ".join(choice.value for choice in self.choices)}
        )

    def render(self, value, obj=None, **kwargs):
        return value or ""


class YesNoWidget(widgets.Widget):
    """Yes/no in either language (ja, nej, yes, no, true, false, 1, 0)."""

    YES = {"ja", "yes", "true", "sant", "1", "x"}
    NO = {"nej", "no", "false", "falskt", "0"}

    def clean(self, value, row=None, **kwargs):
        text = (value or "").strip().casefold()
        if not text:
            return None  # an empty cell keeps the current value (or the default)
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise ValueError(_("Write yes or no (ja or nej)."))

    def render(self, value, obj=None, **kwargs):
        return _("yes") if value else _("no")


class ListWidget(widgets.SimpleArrayWidget):
    """Several values in one cell, separated by commas."""

    def __init__(self) -> None:
        super().__init__(separator=LIST_SEPARATOR)

    def clean(self, value, row=None, **kwargs):
        return [part.strip() for part in (value or "").split(LIST_SEPARATOR) if part.strip()]

    def render(self, value, obj=None, **kwargs):
        return f"{LIST_SEPARATOR} ".join(value or [])


class TextWidget(widgets.CharWidget):
    def __init__(self) -> None:
        super().__init__(allow_blank=True)


def labels(label) -> set[str]:
    names = set()
    for language in ("sv", "en"):
        with translation.override(language):
            names.add(str(label).casefold())
    return names


def column(
    key: str, label, widget: widgets.Widget | None = None, *, attribute: str | None = None
) -> fields.Field:
    """A spreadsheet column: ``key`` inside the code, ``label`` as header (Swedish or English)."""
    widget = widget or TextWidget()
    result = fields.Field(
        attribute=attribute if attribute is not None else key,
        column_name=key,
        widget=widget,
        # Choices and yes/no: an empty cell keeps what is there; text and dates are cleared.
        saves_null_values=not isinstance(widget, ChoiceWidget | YesNoWidget),
    )
    result.label = label
    return result
