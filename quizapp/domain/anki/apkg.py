"""The Anki package (.apkg): the three quizapp note types with their fixed ids and CSS,
the notes of an export, and a deterministic package written with genanki.
"""

from __future__ import annotations

import gc
import itertools
import json
import sqlite3
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import IO, NamedTuple

import genanki

from quizapp.domain.anki.collection import indexes_built_after, write_notes
from quizapp.domain.anki.content import (
    CHOICE_KINDS,
    ExportSet,
    Progress,
    _anki_id,
    _no_progress,
    _tag,
    anki_deck_name,
    fact_guid,
    question_guid,
)
from quizapp.domain.anki.fields import (
    _answer_text,
    _cloze_text,
    _escape,
    _forward_prompt,
    _options_html,
    _ref,
    _reverse_answer,
    _reverse_question,
    _source_html,
)

# Fixed forever: Anki identifies a note type by its id. Changing one would make
# every re-import create a second "quizapp fact" note type beside the first.
FACT_MODEL_ID = 1_607_392_319
CLOZE_MODEL_ID = 1_607_392_320
MULTIPLE_CHOICE_MODEL_ID = 1_607_392_321

# zlib level 1: the collection is mostly short, repetitive HTML, so the package is
# hardly bigger than at the default level 6, and compressing takes a third the time.
ZIP_LEVEL = 1


CARD_CSS = """\
.card {
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  font-size: 20px;
  line-height: 1.45;
  text-align: left;
  color: #1d232a;
  background: #fbfbf8;
  max-width: 36em;
  margin: 0 auto;
  padding: 0.5em 1em;
}
.kicker { font-size: 0.7em; color: #5b6570; text-transform: uppercase; letter-spacing: 0.04em; }
.question { font-weight: 600; }
.answer { font-size: 1.15em; font-weight: 600; color: #0b5cad; }
.evidence {
  margin: 0.8em 0 0;
  padding: 0.3em 0.8em;
  border-left: 4px solid #c9d1d9;
  color: #38424c;
  font-style: italic;
}
.source { font-size: 0.65em; color: #5b6570; margin-top: 0.6em; overflow-wrap: anywhere; }
.source a { color: inherit; }
.cloze { font-weight: 700; color: #0b5cad; }
.picture img { display: block; max-width: 100%; max-height: 50vh; margin: 0.6em 0; }
ol.options { padding-left: 1.4em; }
ol.options li { margin: 0.25em 0; padding: 0.15em 0.4em; border-radius: 6px; }
.revealed li.correct { background: #d9f2e1; color: #0f5323; font-weight: 700; }
.revealed li.correct::after { content: " \\2713"; }
hr#answer { border: 0; border-top: 1px solid #d0d7de; margin: 1em 0; }

.card.nightMode, .night_mode .card { color: #e6e8eb; background: #1e2226; }
.nightMode .kicker, .night_mode .kicker,
.nightMode .source, .night_mode .source { color: #9aa4ae; }
.nightMode .answer, .night_mode .answer,
.nightMode .cloze, .night_mode .cloze { color: #79b8ff; }
.nightMode .evidence, .night_mode .evidence { color: #c4cad0; border-left-color: #4a525a; }
.nightMode .revealed li.correct, .night_mode .revealed li.correct {
  background: #1f4d2c; color: #d6f5df;
}
.nightMode hr#answer, .night_mode hr#answer { border-top-color: #3a4148; }
"""

_DETAILS = (
    '<blockquote class="evidence">{{Evidence}}</blockquote>'
    '{{#Source}}<div class="source">{{Source}}</div>{{/Source}}'
)

FACT_MODEL = genanki.Model(
    FACT_MODEL_ID,
    "quizapp fact",
    fields=[
        {"name": "Question"},
        {"name": "Answer"},
        {"name": "Evidence"},
        {"name": "Source"},
        {"name": "Entity"},
        {"name": "Relation"},
        {"name": "Reverse"},
        {"name": "Reverse answer"},
        {"name": "quizapp id"},
    ],
    templates=[
        {
            "name": "Forward",
            "qfmt": '<div class="kicker">{{Relation}}</div>'
            '<div class="question">{{Question}}</div>',
            "afmt": '{{FrontSide}}<hr id="answer"><div class="answer">{{Answer}}</div>' + _DETAILS,
        },
        {
            # Only notes with a Reverse question get this card: an empty section
            # renders nothing, and Anki makes no card with an empty front.
            "name": "Reverse",
            "qfmt": (
                '{{#Reverse}}<div class="kicker">{{Relation}}</div>'
                '<div class="question">{{Reverse}}</div>{{/Reverse}}'
            ),
            "afmt": (
                '{{FrontSide}}<hr id="answer"><div class="answer">{{Reverse answer}}</div>'
                + _DETAILS
            ),
        },
    ],
    css=CARD_CSS,
)

CLOZE_MODEL = genanki.Model(
    CLOZE_MODEL_ID,
    "quizapp cloze",
    fields=[
        {"name": "Text"},
        {"name": "Back Extra"},
        {"name": "Source"},
        {"name": "Entity"},
        {"name": "Relation"},
        {"name": "quizapp id"},
    ],
    templates=[
        {
            "name": "Cloze",
            # The kicker is the relation, not the entity: the entity is often the cloze.
            "qfmt": '<div class="kicker">{{Relation}}</div>'
            '<div class="question">{{cloze:Text}}</div>',
            "afmt": (
                '<div class="kicker">{{Relation}}</div><div class="question">{{cloze:Text}}</div>'
                "{{#Back Extra}}<p>{{Back Extra}}</p>{{/Back Extra}}"
                '{{#Source}}<div class="source">{{Source}}</div>{{/Source}}'
            ),
        }
    ],
    css=CARD_CSS,
    model_type=genanki.Model.CLOZE,
)

MULTIPLE_CHOICE_MODEL = genanki.Model(
    MULTIPLE_CHOICE_MODEL_ID,
    "quizapp multiple choice",
    fields=[
        {"name": "Question"},
        {"name": "Options"},
        {"name": "Answer"},
        {"name": "Evidence"},
        {"name": "Source"},
        {"name": "Entity"},
        {"name": "Relation"},
        {"name": "quizapp id"},
    ],
    templates=[
        {
            "name": "Choose",
            "qfmt": (
                '<div class="kicker">{{Relation}}</div><div class="question">{{Question}}</div>'
                '<div class="choices">{{Options}}</div>'
            ),
            "afmt": (
                '<div class="kicker">{{Relation}}</div><div class="question">{{Question}}</div>'
                '<div class="choices revealed">{{Options}}</div>'
                '<hr id="answer"><div class="answer">{{Answer}}</div>' + _DETAILS
            ),
        }
    ],
    css=CARD_CSS,
)


class NoteRow(NamedTuple):
    """One note of an export, before it is a genanki note or a row of the collection.

    A named tuple rather than a frozen dataclass: an export makes one per note,
    and a tuple is built several times faster.

    Attributes:
        entity: The name of the fact's subject (its subdeck, when there are subdecks).
        model: The note type.
        fields: The field values, in the note type's field order (HTML).
        tags: Tags, none holding whitespace.
        guid: The note's stable GUID.
    """

    entity: str
    model: genanki.Model
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    guid: str


def _anki_notes(export: ExportSet, progress: Progress) -> Iterator[NoteRow]:
    """Every note of the export, in deck order."""
    deck = export.deck
    by_fact = export.questions_by_fact()
    want_facts = "fact" in export.note_types
    want_cloze = "cloze" in export.note_types
    want_choice = "choice" in export.note_types
    deck_tag = _tag(deck.key)
    names = {key: _escape(entity.name) for key, entity in deck.entities.items()}
    labels = {key: _escape(relation.label) for key, relation in deck.relations.items()}
    for fact in export.facts:
        entity = deck.entities[fact.subject]
        questions = by_fact.get(fact.key, [])
        tags = (_tag(fact.subject), _tag(fact.relation), deck_tag)
        evidence = _escape(fact.evidence)
        source = _source_html(fact.source or deck.source)
        name, label = names[fact.subject], labels[fact.relation]
        # "deck/fact" and "deck/fact/question": keys and ids need no escaping past this.
        ref = _escape(_ref(deck, fact))
        picture = _picture_html(export.picture(fact))
        if want_facts:
            reverse = _reverse_question(questions)
            fields = (
                _escape(_forward_prompt(deck, fact)) + picture,  # Question
                _escape(_answer_text(fact)),  # Answer
                evidence,
                source,
                name,  # Entity
                label,  # Relation
                _escape(reverse.prompt) if reverse else "",  # Reverse
                _escape(_reverse_answer(reverse)) if reverse else "",  # Reverse answer
                ref,  # quizapp id
            )
            yield NoteRow(entity.name, FACT_MODEL, fields, tags, fact_guid(deck.key, fact.key))
        for question in questions:
            if question.kind == "cloze":
                if not want_cloze:
                    continue
                model = CLOZE_MODEL
                fields = (
                    _cloze_text(fact.evidence, question.answer) + picture,  # Text
                    "",  # Back Extra
                    source,
                    name,  # Entity
                    label,  # Relation
                    f"{ref}/{_escape(question.id)}",  # quizapp id
                )
            elif want_choice and question.kind in CHOICE_KINDS and question.choices:
                model = MULTIPLE_CHOICE_MODEL
                fields = (
                    _escape(question.prompt) + picture,  # Question
                    _options_html(question),  # Options
                    _escape(", ".join(question.correct)),  # Answer
                    evidence,
                    source,
                    name,  # Entity
                    label,  # Relation
                    f"{ref}/{_escape(question.id)}",  # quizapp id
                )
            else:
                continue
            yield NoteRow(entity.name, model, fields, tags, question_guid(deck.key, question.id))
        progress(1)


def _picture_html(name: str | None) -> str:
    """The picture on a card's front (only there: on the back it could be the answer's).
    Its name is its hash and type (`domain.images.NAME`): nothing in it needs escaping."""
    return f'<div class="picture"><img src="{name}" alt=""></div>' if name else ""


def _media(export: ExportSet) -> list[tuple[str, bytes]]:
    """The package's media files, in name order: (Anki file name, bytes)."""
    used = {export.picture(fact) for fact in export.facts} - {None}
    return [(name, export.images[name]) for name in sorted(used)]


def _placed_notes(
    export: ExportSet, progress: Progress
) -> tuple[list[genanki.Deck], list[list[tuple[int, NoteRow]]]]:
    """The export's Anki decks (one, or one subdeck per entity) and, per deck, its
    (due, note) pairs: `due` numbers the notes in deck order, so new cards come up
    in that order whatever subdeck they are in.

    The models go on every deck so a package is complete even with no fact notes.
    """
    deck = export.deck
    description = _escape(deck.description) + (
        f'<p class="source">{_source_html(deck.source)}</p>' if deck.source else ""
    )
    main = genanki.Deck(_anki_id("quizapp", deck.key), anki_deck_name(deck), description)
    decks: dict[str | None, genanki.Deck] = {None: main}
    placed: dict[str | None, list[tuple[int, NoteRow]]] = {None: []}
    for due, note in enumerate(_anki_notes(export, progress)):
        key = note.entity if export.subdecks else None
        if key not in decks:
            name = anki_deck_name(deck, note.entity)
            decks[key] = genanki.Deck(_anki_id("quizapp", deck.key, note.entity), name)
            placed[key] = []
        placed[key].append((due, note))
    for anki_deck in decks.values():
        for model in (FACT_MODEL, CLOZE_MODEL, MULTIPLE_CHOICE_MODEL):
            anki_deck.add_model(model)
    return list(decks.values()), [placed[key] for key in decks]


def build_package(export: ExportSet, progress: Progress = _no_progress) -> genanki.Package:
    """The genanki package of an export (one deck, or one subdeck per entity).

    `write_apkg` writes the same notes without making a `genanki.Note` of each
    (see `collection.write_notes`); this is the package as genanki's own API
    sees it, for callers that want to inspect or extend it.

    Args:
        export: What to export.
        progress: Called with 1 after each fact.

    Returns:
        The package; its `write_to_db` writes the same collection as `write_apkg`.
    """
    decks, placed = _placed_notes(export, progress)
    for anki_deck, notes in zip(decks, placed, strict=True):
        for due, row in notes:
            note = genanki.Note(
                model=row.model, fields=list(row.fields), tags=list(row.tags), guid=row.guid
            )
            note.due = due
            anki_deck.add_note(note)
    return genanki.Package(decks)


def write_apkg(export: ExportSet, out: IO[bytes], progress: Progress = _no_progress) -> None:
    """Write an export as an Anki package (.apkg), byte for byte reproducibly.

    genanki writes the collection's schema, decks and note types; the notes and
    cards go in with one bulk insert each (`collection.write_notes`), the rows
    genanki's per-note `write_to_db` would write. genanki's own `write_to_file`
    stamps the zip with the current time and goes through a file on disk; here
    the collection is built in memory and zipped with the export's timestamp.
    """
    with _collector_paused():
        collection = _collection(export, progress)
    moment = datetime.fromtimestamp(max(export.timestamp, 315_532_800), UTC)  # zip: >= 1980
    date_time = moment.timetuple()[:6]
    media = _media(export)
    # Anki's media list: member "0", "1"... of the zip holds the file named here.
    listing = json.dumps({str(n): name for n, (name, _) in enumerate(media)}).encode()
    members = [("collection.anki2", collection), ("media", listing)]
    members += [(str(n), data) for n, (_, data) in enumerate(media)]
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=ZIP_LEVEL)


def _collection(export: ExportSet, progress: Progress) -> bytes:
    """The export's collection.anki2, built in memory."""
    decks, placed = _placed_notes(export, progress)
    connection = sqlite3.connect(":memory:")
    try:
        cursor = connection.cursor()
        # Built once and thrown away on any error, so no rollback journal is kept;
        # larger pages make fewer B-tree splits while tens of thousands of rows go in.
        cursor.execute("PRAGMA page_size = 16384")
        cursor.execute("PRAGMA journal_mode = OFF")
        ids = itertools.count(int(export.timestamp * 1000))
        genanki.Package(decks).write_to_db(cursor, export.timestamp, ids)
        with indexes_built_after(cursor):
            for anki_deck, notes in zip(decks, placed, strict=True):
                write_notes(cursor, anki_deck.deck_id, notes, export.timestamp, ids)
        connection.commit()
        return connection.serialize()
    finally:
        connection.close()


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the notes are built.

    A large export allocates hundreds of thousands of small, acyclic objects
    (strings, tuples, rows) that reference counting frees; each allocation burst
    made the collector walk the whole heap again (the deck, its questions, the
    app), which was 40% of the time of building the notes. Nothing made here is
    cyclic, so pausing loses nothing; the previous state comes back after.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
