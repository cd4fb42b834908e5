"""A Kahoot quiz spreadsheet (.xlsx), laid out as Kahoot's own import template.

Kahoot imports a quiz from its template: instructions above, a header on row 8,
then one question per row from row 9, in columns A-H:

    A: question number   B: question (at most 120 characters)
    C-F: answers 1-4 (at most 75 characters each; answers 3 and 4 may be empty)
    G: time limit in seconds (5, 10, 20, 30, 60, 90, 120 or 240)
    H: the right answers' numbers ("1", or "1,3")

Only questions Kahoot can hold are written: multiple choice, true/false and
multiple select with at most four options, every text within Kahoot's limits.
Cutting a question or an option to fit would change what it asks, so the
others are left out, each listed with the reason on a second sheet, "Left out".
The time limit is 20 seconds, or 30 for a question with more to read.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from quizapp.domain.anki.content import ExportSet, Progress, _no_progress
from quizapp.domain.exports.items import SHORT, Item, deck_title, items
from quizapp.domain.spreadsheet import xlsx_text

QUESTION_MAX = 120
ANSWER_MAX = 75
ANSWERS = 4
TIME_LIMITS = (5, 10, 20, 30, 60, 90, 120, 240)
HEADER_ROW = 8
HEADERS = (
    "",
    f"Question - max {QUESTION_MAX} characters",
    f"Answer 1 - max {ANSWER_MAX} characters",
    f"Answer 2 - max {ANSWER_MAX} characters",
    f"Answer 3 - max {ANSWER_MAX} characters",
    f"Answer 4 - max {ANSWER_MAX} characters",
    "Time limit (sec) – 5, 10, 20, 30, 60, 90, 120, or 240 secs",
    "Correct answer(s) - choose at least one",
)
# Characters to read (question and answers) above which a question gets 30 seconds.
LONG_READ = 160


def left_out_reason(item: Item) -> str | None:
    """Why Kahoot cannot take this item, or None if it can."""
    if item.shape == SHORT:
        return "a typed answer (Kahoot asks with answers to pick)"
    if len(item.options) > ANSWERS:
        return f"{len(item.options)} options (Kahoot has at most {ANSWERS})"
    if len(item.prompt) > QUESTION_MAX:
        return f"the question has {len(item.prompt)} characters (at most {QUESTION_MAX})"
    longest = max(item.options, key=len)
    if len(longest) > ANSWER_MAX:
        return f"the option {longest[:40]!r}... is over {ANSWER_MAX} characters"
    return None


def time_limit(item: Item) -> int:
    reading = len(item.prompt) + sum(len(option) for option in item.options)
    return 30 if reading > LONG_READ else 20


def write_kahoot(export: ExportSet, out: IO[bytes], progress: Progress = _no_progress) -> None:
    """Write the export's pickable questions as a Kahoot import spreadsheet.

    openpyxl's write-only mode streams the rows (a large deck's sheet is never
    held as cell objects), so the rows are appended in order, blank ones included.
    """
    book = Workbook(write_only=True)
    moment = datetime.fromtimestamp(export.timestamp, UTC).replace(tzinfo=None)
    book.properties.created = book.properties.modified = moment
    book.properties.creator = "quizapp"
    sheet = book.create_sheet("Kahoot")
    for column, width in zip("ABCDEFGH", (4, 60, 30, 30, 30, 30, 14, 14), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.append([_cell(sheet, "Quiz template", Font(bold=True, size=14))])
    sheet.append([_cell(sheet, f"{deck_title(export)}: questions exported by quizapp")])
    sheet.append(["Import it in Kahoot (Create > Kahoot > Add question > Import spreadsheet)."])
    for _ in range(HEADER_ROW - 4):  # rows 4 to 7 stay empty, as in the template
        sheet.append([])
    sheet.append([_cell(sheet, header, Font(bold=True)) if header else None for header in HEADERS])
    left_out = []
    number = 0
    for item in items(export):
        reason = left_out_reason(item)
        if reason is not None:
            left_out.append((item, reason))
            continue
        number += 1
        answers = [_cell(sheet, option) for option in item.options]
        answers += [None] * (ANSWERS - len(answers))
        right = [str(n) for n, option in enumerate(item.options, 1) if item.is_correct(option)]
        sheet.append(
            [
                number,
                _cell(sheet, item.prompt),
                *answers,
                time_limit(item),
                _cell(sheet, ",".join(right)),
            ]
        )
    _left_out_sheet(book, left_out)
    book.save(out)
    progress(len(export.facts))


def _cell(sheet: Any, text: str, font: Font | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet)
    xlsx_text(cell, text)
    if font is not None:
        cell.font = font
    return cell


def _left_out_sheet(book: Workbook, left_out: list[tuple[Item, str]]) -> None:
    sheet = book.create_sheet("Left out")
    sheet.column_dimensions["A"].width = 70
    sheet.column_dimensions["C"].width = 50
    headers = ("Question", "Kind", "Why it is not in the quiz")
    sheet.append([_cell(sheet, header, Font(bold=True)) for header in headers])
    for item, reason in left_out:
        sheet.append([_cell(sheet, text) for text in (item.prompt, item.question.kind, reason)])
