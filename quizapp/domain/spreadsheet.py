"""Cells of the CSV and TSV files quizapp writes, safe to open in a spreadsheet.

A spreadsheet runs a cell that starts with "=", "+", "-" or "@" as a formula
(`=HYPERLINK(...)`, `-1+1+cmd|' /C calc'!A0`), and a leading tab or carriage
return hides one. Every user-written text in an export goes through `safe_cell`
(OWASP's "CSV injection" advice): such a cell gets a leading apostrophe, which
spreadsheets show as text. Only a cell that is a plain number ("-5", "+3.5",
"-12%") keeps its sign, so scores still sort as numbers.
"""

from __future__ import annotations

import re
from typing import Any

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)%?")


def safe_cell(value: Any) -> Any:
    """The value, or for text a spreadsheet would run as a formula, that text as text.

    Numbers and None pass unchanged (the CSV writer formats them).
    """
    if not isinstance(value, str) or not value.startswith(_FORMULA_START):
        return value
    if _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


_NOT_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xlsx_text(cell: Any, text: str) -> None:
    """Put text in an openpyxl cell as text, whatever it starts with.

    In an .xlsx file a cell's type is stored with it, so "=..." typed as text is
    shown, never run (no apostrophe needed, which would show). openpyxl guesses a
    formula from a leading "=", so the type is set after the value. Control
    characters, which the file format cannot hold, are dropped.
    """
    cell.value = _NOT_IN_XLSX.sub("", text)
    cell.data_type = "s"
