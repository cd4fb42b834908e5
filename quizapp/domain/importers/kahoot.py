"""Kahoot's spreadsheet template (.xlsx): questions with up to four answers, one or more right.

The template has a few lines of instructions, then a header row ("Question - max
120 characters", "Answer 1 - max 75 characters" ... "Time limit (sec)",
"Correct answer(s) - choose at least one"), then one question per row. Columns are
found by their header's words, not their place, so a sheet a teacher rearranged
still reads.

Each question becomes a card of the `answer` relation (or `answers`, when several
are right) whose wrong answers are kept as the fact's `choices`: its multiple-choice
question shows the teacher's options, not distractors drawn from other questions.

An .xlsx is a zip archive of XML, so it gets the care of an .apkg: the archive is
checked from its directory first (`archive`: entries, sizes, ratio, names); then
openpyxl reads it in read-only (streaming) mode, with defusedxml guarding the XML
parser against entity expansion, and only the first rows and columns are read.
Formulas are never evaluated: a cell holding one is refused (its row is skipped),
and no cached result is trusted.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import replace
from pathlib import PurePosixPath
from typing import Any
from xml.etree.ElementTree import ParseError

from quizapp.domain.importers.archive import open_zip
from quizapp.domain.importers.common import (
    ANSWER_RELATION,
    ANSWERS_RELATION,
    DEFAULT_LIMITS,
    DeckBuilder,
    DeckMeta,
    Imported,
    ImportRefused,
    Limits,
    clean_text,
    validated,
)

# A spreadsheet of questions is small: these are far above a real Kahoot (<= 500 questions).
XLSX_LIMITS = replace(
    DEFAULT_LIMITS,
    max_entries=200,
    max_total_size=40 * 1024 * 1024,
    max_member_size=20 * 1024 * 1024,
    max_notes=1_000,
)
_HEADER_ROWS = 30  # the header row is looked for among the first rows
_COLUMNS = 12  # columns read: number, question, 4 answers, time, correct, and spare
_MAX_ANSWERS = 6
_CORRECT = re.compile(r"\d{1,2}")


def read_kahoot(
    data: bytes, filename: str, meta: DeckMeta, limits: Limits = XLSX_LIMITS
) -> Imported:
    """Read a Kahoot quiz spreadsheet (.xlsx) into a deck of questions with their options.

    Args:
        data: The file's bytes.
        filename: Its name, for messages and the default title.
        meta: The deck's header; `meta.title` None takes the file's name.
        limits: Archive limits and the row cap (`max_notes`).

    Returns:
        The validated deck, with notices (rows skipped, time limits not kept).

    Raises:
        ImportRefused: Not an .xlsx, a dangerous archive, no Kahoot header, no question.
    """
    if not data.startswith(b"PK"):
        raise ImportRefused("This is not an .xlsx spreadsheet (an .xlsx file is a zip archive).")
    with open_zip(data, limits, "spreadsheet") as archive:
        if "xl/workbook.xml" not in archive.namelist():
            raise ImportRefused("This zip archive is not an Excel workbook (no xl/workbook.xml).")
    rows = _sheet_rows(data, limits)
    header_at, columns = _header(rows)
    title = meta.title or PurePosixPath(filename).stem or "Kahoot quiz"
    builder = DeckBuilder(meta, title)
    problems: dict[str, int] = {}
    timed = 0
    for row in rows[header_at + 1 :]:
        card = _card(row, columns, problems)
        if card is None:
            continue
        question, rights, wrong, time_limit = card
        timed += time_limit
        relation = ANSWER_RELATION if len(rights) == 1 else ANSWERS_RELATION
        answer = rights[0] if len(rights) == 1 else rights
        evidence = f"{question} — {', '.join(rights)}"
        builder.card(relation, question, answer, evidence, choices=wrong)
    notices = [f"{n} row(s) skipped: {why}." for why, n in sorted(problems.items())]
    notices.extend(builder.notices())
    if timed:
        notices.append(
            f"The time limits of {timed} question(s) were not kept: a live quiz sets its own."
        )
    if not builder.facts:
        raise ImportRefused(["The spreadsheet has no question to import.", *notices])
    return validated(builder.data(), filename, notices)


def _sheet_rows(data: bytes, limits: Limits) -> list[tuple[Any, ...]]:
    """The first sheet's first rows and columns, as (value, is_formula) cells."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        from defusedxml import DefusedXmlException
    except ImportError:  # pragma: no cover - defusedxml is a dependency
        DefusedXmlException = ValueError

    max_row = _HEADER_ROWS + limits.max_notes + 1
    try:
        book = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_links=False, keep_vba=False
        )
        try:
            if not book.worksheets:
                raise ImportRefused("The spreadsheet has no sheet.")
            sheet = book.worksheets[0]
            rows = []
            for row in sheet.iter_rows(min_row=1, max_row=max_row, max_col=_COLUMNS):
                rows.append(tuple((cell.value, cell.data_type == "f") for cell in row))
        finally:
            book.close()
    except ImportRefused:
        raise
    except (
        InvalidFileException,
        DefusedXmlException,
        ParseError,
        zipfile.BadZipFile,
        zlib.error,
        KeyError,
        ValueError,
        TypeError,
        IndexError,
        AttributeError,
        OSError,
        EOFError,
        NotImplementedError,  # a compression method zipfile does not know
        RuntimeError,  # an encrypted member
    ) as error:
        raise ImportRefused(
            "The spreadsheet cannot be read: it is damaged, or not an .xlsx workbook "
            f"({type(error).__name__}). Save it again as .xlsx (Excel workbook) and upload it."
        ) from None
    # A sheet may name a far cell (A1048576) with nothing between: only a row that holds
    # something past the cap makes it too big.
    if len(rows) >= max_row and any(value is not None for value, _formula in rows[-1]):
        raise ImportRefused(f"The spreadsheet has more than {limits.max_notes} questions.")
    return rows


def _text(cell: tuple[Any, bool] | None) -> str:
    if cell is None or cell[1] or cell[0] is None:
        return ""
    value = cell[0]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(str(value))


def _header(rows: list[tuple[Any, ...]]) -> tuple[int, dict[str, Any]]:
    """The header row's index and the columns: question, answers, time, correct."""
    for index, row in enumerate(rows[:_HEADER_ROWS]):
        names = [_text(cell).casefold() for cell in row]
        question = next((i for i, n in enumerate(names) if n.startswith("question")), None)
        correct = next((i for i, n in enumerate(names) if n.startswith("correct")), None)
        if question is None or correct is None:
            continue
        answers = [i for i, n in enumerate(names) if re.match(r"answer\s*\d", n)]
        time = next((i for i, n in enumerate(names) if n.startswith("time")), None)
        if len(answers) >= 2:
            return index, {
                "question": question,
                "answers": answers[:_MAX_ANSWERS],
                "time": time,
                "correct": correct,
            }
    raise ImportRefused(
        f"No header row with “Question”, “Answer 1”, “Answer 2” and “Correct answer(s)” was "
        f"found in the first {_HEADER_ROWS} rows: is this Kahoot's quiz spreadsheet template?"
    )


def _card(
    row: tuple[Any, ...], columns: dict[str, Any], problems: dict[str, int]
) -> tuple[str, list[str], list[str], int] | None:
    """(question, right answers, wrong answers, 1 if it had a time limit) of a row, or None."""

    def cell(index: int | None) -> tuple[Any, bool] | None:
        return row[index] if index is not None and index < len(row) else None

    def skip(why: str) -> None:
        problems[why] = problems.get(why, 0) + 1

    used = [columns["question"], *columns["answers"], columns["correct"]]
    if any(c is not None and c[1] for c in map(cell, used)):
        skip("a cell holds a formula (formulas are not read)")
        return None
    question = _text(cell(columns["question"]))
    answers = [_text(cell(i)) for i in columns["answers"]]
    if not question:
        if any(answers):
            skip("no question")
        return None
    numbers = {int(n) for n in _CORRECT.findall(_text(cell(columns["correct"])))}
    if not numbers:
        skip("no correct answer number (1 to 4)")
        return None
    if any(not 1 <= n <= len(answers) or not answers[n - 1] for n in numbers):
        skip("a correct answer number names an empty or missing answer")
        return None
    rights = [answers[n - 1] for n in sorted(numbers)]
    wrong = [a for i, a in enumerate(answers, start=1) if a and i not in numbers]
    timed = 1 if _text(cell(columns["time"])) else 0
    return question, rights, wrong, timed
