"""Writing spreadsheets that Excel and LibreOffice open safely, and handing them out."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from addressbook.spreadsheets import CONTENT_TYPES

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


def write_sheet(headers: list[str], rows, *, file_format: str) -> bytes:
    """CSV (UTF-8 with BOM, semicolons: what Swedish Excel opens as is) or XLSX, formula-safe."""
    if file_format == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(headers)
        for row in rows:
            sheet.append(xlsx_row(row))
        output = io.BytesIO()
        workbook.save(output)
        return output.getvalue()
    output = io.StringIO()
    writer = csv.writer(output, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([spreadsheet_safe(value) for value in row])
    return ("\ufeff" + output.getvalue()).encode("utf-8")


def xlsx_row(row) -> list:
    """A row for an .xlsx: formula-safe, without the control characters the format cannot hold."""
    return [
        ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value
        for value in map(spreadsheet_safe, row)
    ]


def sheet_response(content: bytes, name: str, file_format: str) -> HttpResponse:
    """A download of a sheet made by write_sheet (any file name: quoted and encoded as needed)."""
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.{file_format}")
    return response
