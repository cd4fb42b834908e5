"""Imports of what teachers have: quizapp's own .apkg back again, and big uploads' cost.

- Round trip: every built-in deck is exported as quizapp exports it (.apkg, all note
  types), read back, and restored from the deck it came from. Prints the facts of the
  deck, the notes of the package, the facts read (one per fact, not one per note) and
  whether the restored facts equal the deck's.
- Cost: a Kahoot spreadsheet of 1,000 questions, a CSV of 5,000 rows and a Quizlet set
  of 5,000 cards, read and made into a validated deck. Prints the best of `RUNS` runs.

Run: python bench/bench_imports.py
"""

from __future__ import annotations

import io
import time
from pathlib import Path

import openpyxl

from quizapp.domain.anki import ExportSet, write_apkg
from quizapp.domain.facts import Deck, load_decks
from quizapp.domain.importers import (
    XLSX_LIMITS,
    DeckMeta,
    guess_mapping,
    read_apkg,
    read_kahoot,
    read_quizlet,
    read_table,
    table_to_deck,
)
from quizapp.domain.importers.restore import restore
from quizapp.domain.questions import generate

RUNS = 3
META = DeckMeta(key="bench", title=None, source="", as_of="2025")
QUESTIONS = Path(__file__).resolve().parents[1] / "questions"


def round_trip() -> None:
    print("round trip: deck facts, package notes, facts read, restored equal")
    for deck in load_decks(sorted(QUESTIONS.glob("*.toml"))):
        buffer = io.BytesIO()
        export = ExportSet(deck, deck.facts, generate(deck).questions, timestamp=1_700_000_000)
        write_apkg(export, buffer)
        imported = read_apkg(buffer.getvalue(), "export.apkg", META)
        restored = Deck.from_dict(restore(imported.data, imported.origins, [deck.to_dict()]).data)
        notes = _notes(buffer.getvalue())
        same = restored.facts == deck.facts
        print(f"  {deck.key}: {len(deck.facts)} facts, {notes} notes -> ", end="")
        print(f"{len(imported.deck.facts)} facts read, restored equal: {same}")


def _notes(package: bytes) -> int:
    import sqlite3
    import tempfile
    import zipfile

    with tempfile.NamedTemporaryFile(suffix=".sqlite") as out:
        out.write(zipfile.ZipFile(io.BytesIO(package)).read("collection.anki2"))
        out.flush()
        with sqlite3.connect(out.name) as conn:
            return conn.execute("SELECT count(*) FROM notes").fetchone()[0]


def kahoot_bytes(questions: int) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for _ in range(7):
        sheet.append([])
    sheet.append(
        [
            "",
            "Question",
            "Answer 1",
            "Answer 2",
            "Answer 3",
            "Answer 4",
            "Time limit",
            "Correct answer(s)",
        ]
    )
    for n in range(questions):
        sheet.append([n + 1, f"What is {n} + {n}?", str(2 * n), str(2 * n + 1), str(n), "0", 20, 1])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def best(label: str, work, unit: str = "facts") -> None:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        facts = work()
        times.append(time.perf_counter() - started)
    print(f"  {label}: {facts} {unit} in {min(times):.2f} s (best of {RUNS})")


def cost() -> None:
    print("cost of reading an upload into a validated deck")
    kahoot = kahoot_bytes(1_000)
    best(
        f"Kahoot .xlsx, 1,000 questions ({len(kahoot) // 1024} KB)",
        lambda: len(read_kahoot(kahoot, "k.xlsx", META, XLSX_LIMITS).deck.facts),
    )
    csv = "Question,Answer\n" + "".join(f"What is {n} times 3?,{3 * n}\n" for n in range(5_000))

    def table():
        parsed = read_table(csv.encode(), "t.csv")
        return len(table_to_deck(parsed, guess_mapping(parsed), META).deck.facts)

    best(f"CSV, 5,000 rows ({len(csv) // 1024} KB)", table)
    quizlet = "".join(f"term {n}\tdefinition number {n}\n" for n in range(5_000))

    def cards():
        parsed, _ = read_quizlet(quizlet, "\t", "\n")
        return len(table_to_deck(parsed, guess_mapping(parsed), META).deck.facts)

    best(f"Quizlet, 5,000 cards ({len(quizlet) // 1024} KB)", cards)
    print("cost of generating the questions of an imported question-and-answer deck")
    mixed = "".join(
        f"In which year did event {n} happen?\t{1000 + n % 1000}\n"
        f"Who led expedition {n}?\tCaptain Person{n} Smith\n"
        f"How many ships sailed in fleet {n}?\t{n + 2}\n"
        f"Term {n}\tthe definition of term number {n}\n"
        for n in range(1_250)
    )
    parsed, _ = read_quizlet(mixed, "\t", "\n")
    deck = table_to_deck(parsed, guess_mapping(parsed), META).deck
    best("5,000 cards of four answer kinds", lambda: len(generate(deck).questions), "questions")


if __name__ == "__main__":
    round_trip()
    cost()
