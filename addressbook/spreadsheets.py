"""Writing cells that spreadsheet programs open safely."""

from __future__ import annotations

from typing import Any

# A cell starting with one of these is a formula to Excel and LibreOffice (also after a tab or CR).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """The value, with text that a spreadsheet would run as a formula turned into plain text.

    An apostrophe in front is how Excel users themselves write "this is text" (OWASP's advice
    against CSV injection); numbers and dates pass unchanged.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value
