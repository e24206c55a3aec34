"""Spreadsheets in and out: reading what administrators upload, writing cells that open safely.

``read`` turns an uploaded CSV or XLSX into a table, refusing hostile files; ``write`` makes
CSV and XLSX files that Excel opens as plain values. Which of the two formats a file is
called is decided once, here.
"""

from __future__ import annotations

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def format_of(file_name: str) -> str:
    """``xlsx`` for a file named as an Excel workbook, else ``csv`` (what we read it as, too)."""
    return "xlsx" if file_name.lower().endswith(".xlsx") else "csv"
