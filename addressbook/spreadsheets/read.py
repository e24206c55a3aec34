"""Reading the spreadsheets administrators upload: CSV and XLSX, as Excel really writes them.

Swedish Excel saves "CSV" as Windows-1252 with semicolons, newer versions as UTF-8 with a
byte-order mark; people also upload UTF-16 text and real .xlsx files. Everything here
refuses hostile input with a message a person can act on, before anything is written:
oversized files, binary junk, decompression bombs disguised as XLSX, and formulas.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from addressbook.spreadsheets.cells import is_neutralised, text_of_neutralised

# How Excel marks an .xlsx (a ZIP archive) and the encodings' byte-order marks.
_ZIP_MAGIC = b"PK\x03\x04"
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_DELIMITERS = (";", ",", "\t")
# A leading + or - is a formula to a spreadsheet unless a number or phone number follows.
_SIGNED_NUMBER = re.compile(r"[+-][\d\s().,/-]*")
# More columns than any of our sheets has, with room for notes: beyond, it is not our file.
MAX_COLUMNS = 200


class TableError(ValueError):
    """The file cannot be read as a table; the message says why, for the person who sent it."""


@dataclass
class Table:
    """A sheet: its header cells and its rows (with the row numbers a spreadsheet shows)."""

    headers: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


def read_table(data: bytes, filename: str = "") -> Table:
    """The table in an uploaded CSV or XLSX file, every cell as text."""
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise TableError(
            _("The file is larger than %(limit)d MB. Split it into smaller files.")
            % {"limit": settings.IMPORT_MAX_BYTES // 1_000_000}
        )
    if not data.strip():
        raise TableError(_("The file is empty."))
    cells = _read_xlsx(data) if data.startswith(_ZIP_MAGIC) else _read_csv(data, filename)
    return _to_table(cells)


def _read_csv(data: bytes, filename: str):
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max(_DELIMITERS, key=first_line.count)
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    except csv.Error as error:
        raise TableError(_("The file is not valid CSV: %(error)s") % {"error": error}) from error


def _decode(data: bytes) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data.decode(encoding, errors="strict")
            break
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            # Not UTF-8: what Swedish Excel writes ("CSV (semikolonavgränsad)").
            text = data.decode("cp1252", errors="replace")
    if "\x00" in text or sum(1 for char in text[:4096] if ord(char) < 32 and char not in "\t\r\n") > 8:
        raise TableError(
            _("The file is neither CSV nor Excel (.xlsx). Save it as one of them and try again.")
        )
    return text


def _read_xlsx(data: bytes):
    # openpyxl is imported here: reading CSV should not pay for it.
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile as error:
        raise TableError(_("The Excel file is damaged and cannot be read.")) from error
    # A few kilobytes that unpack to gigabytes (a "zip bomb") would exhaust the server.
    if unpacked > settings.IMPORT_MAX_UNPACKED_BYTES or len(archive.infolist()) > 1000:
        raise TableError(_("The Excel file unpacks to far more data than a sheet of addresses holds."))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for a broken or foreign file
        raise TableError(_("The file is not an Excel workbook (.xlsx) that can be read.")) from error
    try:
        sheet = workbook.active or workbook.worksheets[0]  # the sheet Excel opens on
        # The sheet's declared size is not to be trusted: "A1:XFD1048576" around one cell would
        # have openpyxl pad 16,384 × 1,048,576 empty cells.
        sheet.reset_dimensions()
        for number, row in enumerate(sheet.iter_rows(), start=1):
            if number > settings.IMPORT_MAX_ROWS + 1 or len(row) > MAX_COLUMNS:
                raise TableError(
                    _("The Excel sheet is larger than an import takes. Split it into smaller files.")
                )
            values = []
            for column, cell in enumerate(row, start=1):
                if cell.data_type == "f":
                    raise TableError(_formula_message(number, column))
                values.append(_xlsx_text(cell.value))
            yield values
    except TableError:
        raise
    except Exception as error:  # broken XML, a text where a number belongs, a missing shared string …
        raise TableError(_("The Excel file is damaged and cannot be read.")) from error
    finally:
        workbook.close()


def _xlsx_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 1280 typed as a number is still kommunkod 1280
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10] if getattr(value, "hour", 0) == 0 else value.isoformat()
    return str(value)


def _is_formula(value: str) -> bool:
    if value.startswith(("=", "@")):
        return True
    return value.startswith(("+", "-")) and not _SIGNED_NUMBER.fullmatch(value)


def _formula_message(row: int, column: int) -> str:
    return _(
        "Row %(row)d, column %(column)d holds a formula. Imports take values only: copy the "
        "cells and paste them as values."
    ) % {"row": row, "column": column}


def _to_table(cells) -> Table:
    table: Table | None = None
    for number, row in enumerate(cells, start=1):
        if not any(cell.strip() for cell in row):
            continue  # empty rows above the header and at the end of a sheet
        if table is None:
            table = Table(headers=[cell.strip() for cell in row])
            continue
        if len(table.rows) >= settings.IMPORT_MAX_ROWS:
            raise TableError(
                _("The file has more than %(limit)d rows. Split it into smaller files.")
                % {"limit": settings.IMPORT_MAX_ROWS}
            )
        values = []
        for column, cell in enumerate(row, start=1):
            value = cell.strip()
            # An apostrophe in front is how our exports (and Excel users) say "text, not formula".
            if is_neutralised(value):
                value = text_of_neutralised(value)
            elif _is_formula(value):
                raise TableError(_formula_message(number, column))
            values.append(value)
        table.rows.append((number, values))
    if table is None:
        raise TableError(_("The file has no header row."))
    return table
