"""Writing spreadsheets that Excel and LibreOffice open safely, and handing them out."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from addressbook.spreadsheets import CONTENT_TYPES
from addressbook.spreadsheets.cells import neutralised

# XML reads a carriage return as a line feed: written as one, so that the cell is neutralised
# (or not) as it will be read. A line feed is also what Excel writes for a line break in a cell.
_LINE_END = re.compile(r"\r\n?")
# What Excel refuses in a sheet's name, and how long a name may be.
_SHEET_NAME_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")
SHEET_NAME_MAX_LENGTH = 31


def sheet_name(title) -> str:
    """A (translated) title as a sheet's name: without the characters Excel refuses, 31 at most."""
    return _SHEET_NAME_FORBIDDEN.sub(" ", str(title)).strip()[:SHEET_NAME_MAX_LENGTH]


def file_stem(*parts) -> str:
    """A download's name from (translated) words and dates: lower case, hyphens, ASCII only.

    "Funktionsadresser", "mall" → "funktionsadresser-mall"; Swedish letters lose their dots
    and rings (å → a), which every system and mail client keeps intact.
    """
    return "-".join(slugify(str(part)) for part in parts if str(part))


def spreadsheet_safe(value: Any) -> Any:
    """The value, with text that a spreadsheet would run as a formula turned into plain text.

    An apostrophe in front (see spreadsheets/cells.py, which the importer reads back by); numbers
    and dates pass unchanged.
    """
    return neutralised(value) if isinstance(value, str) else value


def write_sheet(headers: list[str], rows, *, file_format: str, title=None) -> bytes:
    """CSV (UTF-8 with BOM, semicolons: what Swedish Excel opens as is) or XLSX, formula-safe.

    ``title`` names the Excel sheet: what the rows are, translated ("Funktionsadresser").
    Without one, the name Excel itself gives a first sheet in the language of the moment
    ("Blad1"), never openpyxl's English "Sheet".
    """
    if file_format == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(sheet_name(title or pgettext("spreadsheet", "Sheet1")))
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
    """A row for an .xlsx: without the control characters the format cannot hold, then formula-safe.

    In that order: a character dropped after neutralising could uncover a formula
    ("\\x01=HYPERLINK(…)" would be written as the formula =HYPERLINK(…)).
    """
    return [
        spreadsheet_safe(_LINE_END.sub("\n", ILLEGAL_CHARACTERS_RE.sub("", value)))
        if isinstance(value, str)
        else value
        for value in row
    ]


def sheet_response(content: bytes, name: str, file_format: str) -> HttpResponse:
    """A download of a sheet made by write_sheet (any file name: quoted and encoded as needed)."""
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.{file_format}")
    return response
