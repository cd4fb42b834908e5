"""The notes and cards of an Anki collection, written in bulk.

genanki writes a note with one INSERT for the note and one per card, after
building a `genanki.Note` (tag validation, an HTML check, cached card lists).
For a deck of thousands of facts that per-note work was most of the export's
time. `write_notes` writes the very rows genanki's `Note.write_to_db` and
`Card.write_to_db` write (same columns, same ids drawn in the same order, the
same cards per note by genanki's own rules), with one `executemany` per table;
`tests/domain/test_anki.py` checks the two collections are identical.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from sqlite3 import Cursor
from typing import TYPE_CHECKING

import genanki

if TYPE_CHECKING:
    from quizapp.domain.anki.apkg import NoteRow

# genanki's regexes: the fields a cloze template reads, and the cloze numbers in a field.
_CLOZE_FIELD = re.compile(r"{{[^}]*?cloze:(?:[^}]?:)*(.+?)}}")
_CLOZE_NUMBER = re.compile(r"{{c(\d+)::.+?}}", re.DOTALL)


class _CardRule:
    """Which cards a note of one model gets (genanki's `Note.cards`), computed once."""

    def __init__(self, model: genanki.Model) -> None:
        self.cloze = model.model_type == genanki.Model.CLOZE
        names = [field["name"] for field in model.fields]
        if self.cloze:
            wanted = set(_CLOZE_FIELD.findall(model.templates[0]["qfmt"]))
            self.cloze_fields = [names.index(name) for name in wanted if name in names]
        else:
            # (ord, "any" or "all", field ords): Anki's "req", as genanki computes it.
            self.required = [
                (ord_, any if how == "any" else all, tuple(ords)) for ord_, how, ords in model._req
            ]

    def ords(self, fields: tuple[str, ...]) -> Iterator[int]:
        if self.cloze:
            found = {
                int(number) - 1
                for index in self.cloze_fields
                for number in _CLOZE_NUMBER.findall(fields[index])
                if int(number) > 0
            }
            # genanki makes no card for a cloze note without a cloze deletion.
            yield from sorted(found)
            return
        for ord_, test, ords in self.required:
            if test(fields[i] for i in ords):
                yield ord_


def write_notes(
    cursor: Cursor,
    deck_id: int,
    notes: Iterable[tuple[int, NoteRow]],
    timestamp: float,
    ids: Iterator[int],
) -> None:
    """Insert (due, note) pairs and their new cards into a genanki-made collection.

    Args:
        cursor: A cursor on the collection, whose schema genanki has written.
        deck_id: The Anki deck the cards go in.
        notes: (due position, note), in the order genanki would write them.
        timestamp: The modification time of every note and card.
        ids: The id generator genanki used for the rest of the collection.
    """
    rules: dict[int, _CardRule] = {}
    note_rows, card_rows = [], []
    for due, note in notes:
        model = note.model
        rule = rules.get(model.model_id)
        if rule is None:
            rule = rules[model.model_id] = _CardRule(model)
        fields = note.fields
        if len(fields) != len(model.fields):
            raise ValueError(f"{model.name}: {len(fields)} fields for {len(model.fields)}")
        note_id = next(ids)
        tags = " " + " ".join(note.tags) + " "
        flds, sort_field = "\x1f".join(fields), fields[model.sort_field_index]
        note_rows.append((note_id, note.guid, model.model_id, tags, flds, sort_field))
        for ord_ in rule.ords(fields):
            card_rows.append((next(ids), note_id, ord_, due))
    # What is the same for every row is written into the statement (integers only), so
    # each row binds only what varies: binding was most of the insert's cost.
    mod, deck_id = int(timestamp), int(deck_id)
    # id, guid, mid, mod, usn, tags, flds, sfld, csum (Anki recomputes it), flags, data
    cursor.executemany(f"INSERT INTO notes VALUES(?,?,?,{mod},-1,?,?,?,0,0,'')", note_rows)
    # id, nid, did, ord, mod, usn, type, queue, due, ivl, factor, reps, lapses, left,
    # odue, odid, flags, data: a new card, as genanki writes it.
    cursor.executemany(
        f"INSERT INTO cards VALUES(?,?,{deck_id},?,{mod},-1,0,0,?,0,0,0,0,0,0,0,0,'')", card_rows
    )


@contextmanager
def indexes_built_after(cursor: Cursor, tables: tuple[str, ...] = ("notes", "cards")):
    """Drop the tables' indexes for a bulk insert and build them again after it.

    Building an index once over all the rows is cheaper than keeping it up to date
    row by row; the schema comes out the same (the same CREATE INDEX statements).
    """
    marks = ",".join("?" * len(tables))
    indexes = cursor.execute(
        "SELECT name, sql FROM sqlite_master"
        f" WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks}) ORDER BY name",
        tables,
    ).fetchall()
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    yield
    for _, sql in indexes:
        cursor.execute(sql)
