"""Properties of cell neutralisation: what our exports write can never run as a formula in Excel
or LibreOffice, and an export read back by the importer gives the text that was written.

The rule itself is in addressbook/spreadsheets/cells.py; these tests hold it to an independent
statement of when a spreadsheet program runs a cell (``runs_as_formula``) and to a round trip
through the real writer (write_sheet) and reader (read_table), for CSV and XLSX.
"""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
from django.utils import translation
from hypothesis import example, given
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from addressbook.spreadsheets.read import TableError, read_table
from addressbook.spreadsheets.write import spreadsheet_safe, write_sheet, xlsx_row
from tests.hypothesis_profiles import costly

# What makes a spreadsheet program run a cell (OWASP, "CSV Injection"): = + - @ first, also
# after the spaces and control characters a program may trim, and a leading tab or carriage
# return, which some programs drop before they look.
FORMULA_CHARACTERS = "=+-@"
TRIMMED = re.compile(r"[\s\x00-\x1f\x7f-\x9f]*")
# Characters that make up formulas, neutralised text, and what hides them, with any other text.
TRICKY = "=+-@'\t\r\n \u00a0\x01\x1f"
cell_text = st.text(
    st.one_of(st.sampled_from(TRICKY), st.characters(exclude_categories=("Cs", "Cc"))), max_size=12
)


def runs_as_formula(cell: str) -> bool:
    """Whether Excel or LibreOffice would take this cell text for a formula (white space alone runs
    nothing)."""
    formula_after_trimming = cell[TRIMMED.match(cell).end() :].startswith(tuple(FORMULA_CHARACTERS))
    return bool(cell.strip()) and (cell.startswith(("\t", "\r")) or formula_after_trimming)


def written_csv_cells(content: bytes) -> list[str]:
    """The cells of the first data row of a CSV our writer made, as a spreadsheet receives them."""
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))
    return rows[1]


def csv_read_back(text: str) -> list[str]:
    """Export one row holding ``text`` as CSV, then import the file: the row's cells as read."""
    content = write_sheet(["Id", "Namn"], [["x", text]], file_format="csv")
    (number, cells), *more = read_table(content, "export.csv").rows
    assert (number, more) == (2, [])
    return cells


@given(cell_text)
@example('\x01=HYPERLINK("http://x")')  # a control character the XLSX writer drops, before =
@example("\x1f=1+1")
def test_a_neutralised_text_never_runs_as_a_formula(text):
    assert not runs_as_formula(spreadsheet_safe(text))
    assert not runs_as_formula(
        written_csv_cells(write_sheet(["Id", "Namn"], [["x", text]], file_format="csv"))[1]
    )


# A workbook costs some 50 ms to write and read: each example is a sheet of many texts.
xlsx_texts = st.lists(cell_text, min_size=1, max_size=25)


def xlsx_kept(text: str) -> str:
    """What an .xlsx can hold of a text: no control characters but tab and line feed, and line
    ends as line feeds (its XML reads a CR as one; Excel writes a line break in a cell so)."""
    return ILLEGAL_CHARACTERS_RE.sub("", text).replace("\r\n", "\n").replace("\r", "\n")


@costly()
@given(xlsx_texts)
@example(['\x01=HYPERLINK("http://x")'])  # found: the XLSX cell was a live formula (=HYPERLINK…)
@example(["\x01\r@SUM(1)"])
def test_an_xlsx_export_holds_no_formula(texts):
    content = write_sheet(["Namn"], [[text] for text in texts], file_format="xlsx")
    cells = [row[0] for row in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(min_row=2)]

    assert [cell.value for cell in cells if cell.data_type == "f"] == []
    assert [cell.value for cell in cells if runs_as_formula(cell.value or "")] == []


@given(cell_text)
@example("'-5")  # found: read back as -5, the user's apostrophe taken for ours
@example("'=x")
@example("\t=1")  # found: read back as '\t=1, with our apostrophe
@example(" =1")  # found: our own export refused on import as holding a formula
@example("'s-Hertogenbosch")
def test_a_csv_export_reads_back_as_the_text_written(text):
    # The importer takes every cell without surrounding spaces.
    assert csv_read_back(text) == ["x", text.strip()]


@costly()
@given(xlsx_texts)
@example(["\r=1"])  # found: XML turned the CR into a line feed, and our apostrophe stayed
@example(["'-5", "\x01=1", "'s-Hertogenbosch"])
def test_an_xlsx_export_reads_back_as_the_texts_written(texts):
    content = write_sheet(["Id", "Namn"], [["x", text] for text in texts], file_format="xlsx")
    read = [cells for _, cells in read_table(content, "export.xlsx").rows]

    assert read == [["x", xlsx_kept(text).strip()] for text in texts]


def starts_with_an_apostrophe(text: str) -> bool:
    """Whether the text's first character after what a program trims is an apostrophe."""
    return text[TRIMMED.match(text).end() :].startswith("'")


@given(cell_text.filter(lambda text: not runs_as_formula(text) and not starts_with_an_apostrophe(text)))
@example("'s-Hertogenbosch")
def test_text_that_is_no_formula_is_written_as_it_is(text):
    assert spreadsheet_safe(text) == text
    assert xlsx_row([text]) == [xlsx_kept(text)]


@given(
    st.one_of(
        st.integers(),
        st.floats(allow_nan=False),
        st.dates(),
        st.datetimes(),
        st.none(),
        st.decimals(allow_nan=False),
    )
)
def test_numbers_and_dates_are_written_unchanged(value):
    assert spreadsheet_safe(value) == value
    assert xlsx_row([value]) == [value]


@given(
    st.sampled_from("=@"),
    st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=10),
    st.sampled_from(["", " ", "\u00a0"]),
)
@example("@", "SUM(1+1)*cmd|' /C calc'!A0", "")
def test_a_formula_in_an_uploaded_csv_is_refused(start, rest, leading):
    upload = f"Id;Namn\r\nx;{leading}{start}{rest}\r\n".encode()

    with translation.override("en"), pytest.raises(TableError, match="Row 2, column 2 holds a formula"):
        read_table(upload, "upload.csv")
