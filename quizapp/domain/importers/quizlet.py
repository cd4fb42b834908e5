"""Quizlet sets, as Quizlet exports them: a text of terms and definitions.

Quizlet's export joins each term to its definition with one separator (a tab by
default, or a comma, or what the teacher typed) and the cards with another (a new
line by default, or a semicolon, or custom), without quoting. So a card is split
at the *first* term separator: a definition may hold the separator, a term cannot
be told apart from it. The result is a two-column `Table`, mapped and previewed
like an uploaded CSV. Linear in the text: one split per separator.
"""

from __future__ import annotations

from quizapp.domain.importers.common import DEFAULT_LIMITS, ImportRefused, Limits, Work
from quizapp.domain.importers.tables import Table, looks_like_header

# The separators Quizlet offers by name; anything else is typed by the teacher.
SEPARATORS = {"tab": "\t", "comma": ",", "semicolon": ";", "newline": "\n"}
MAX_SEPARATOR = 10


def separator(name: str, custom: str = "") -> str | None:
    """The separator a choice stands for ("tab" -> "\\t", "custom" -> what was typed)."""
    if name == "custom":
        return custom if 0 < len(custom) <= MAX_SEPARATOR and "\x00" not in custom else None
    return SEPARATORS.get(name)


def read_quizlet(
    text: str,
    between: str,
    rows: str,
    limits: Limits = DEFAULT_LIMITS,
    work: Work | None = None,
) -> tuple[Table, list[str]]:
    """Read an exported Quizlet set into a table of (term, definition) rows.

    Args:
        text: The export as pasted or uploaded.
        between: What separates a term from its definition.
        rows: What separates one card from the next.
        limits: The row cap (`max_notes`) and cell cap (`max_field_size`).
        work: Charged with every character read.

    Returns:
        The table (header guessed as for a CSV) and notices (cards skipped).

    Raises:
        ImportRefused: No separator, the same one twice, too many cards, or no card.
    """
    if not between or not rows:
        raise ImportRefused("Choose what separates a term from its definition, and the cards.")
    if between == rows:
        raise ImportRefused("The two separators must differ (Quizlet's are tab and new line).")
    if "\x00" in text:
        raise ImportRefused("The text contains NUL characters: it is not a Quizlet export.")
    work = work or Work()
    work.charge(len(text))
    if rows == "\n":
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    cards: list[tuple[str, str]] = []
    unsplit = too_long = 0
    for line in text.split(rows):
        if not line.strip():
            continue
        if len(cards) >= limits.max_notes:
            raise ImportRefused(f"The set has more than {limits.max_notes} cards.")
        term, found, definition = line.partition(between)
        if not found or not term.strip() or not definition.strip():
            unsplit += 1
            continue
        if len(line) > limits.max_field_size:
            too_long += 1
            continue
        cards.append((term.strip(), definition.strip()))
    notices = []
    if unsplit:
        notices.append(f"{unsplit} line(s) had no term and definition around the separator.")
    if too_long:
        notices.append(f"{too_long} card(s) over {limits.max_field_size // 1024} KB were skipped.")
    if not cards:
        raise ImportRefused(
            [
                "No card was found: check the separators (Quizlet's export uses a tab between "
                "term and definition and a new line between cards, unless you chose others).",
                *notices,
            ]
        )
    table_rows = tuple(cards)
    return Table(between, table_rows, looks_like_header(table_rows)), notices
