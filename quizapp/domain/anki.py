"""Exports of a deck for other tools: Anki packages, Anki's text format, CSV and JSONL.

`EXPORTERS` is the registry (format name -> `Exporter`): a new format is one new
entry. Every exporter takes an `ExportSet` (the facts chosen and their stored
questions) and writes bytes to a binary stream; nothing here touches a
database or a request.

The Anki package (.apkg, built with genanki) holds one Anki deck per quizapp
deck, "quizapp::<deck title>" (optionally one subdeck per entity), with three
note types whose ids are fixed constants, so Anki recognises them on every
re-import:

- "quizapp fact": the forward question and its answer, with the evidence
  sentence, the source, the entity and the relation. A second card asks the
  reverse question, but only on notes whose `Reverse` field is filled (a
  conditional template), that is facts for which quizapp made exactly one
  reverse question.
- "quizapp cloze": the evidence sentence with the cloze words hidden.
- "quizapp multiple choice": the options on the front, the right one(s)
  highlighted on the back (multiple choice, multiple select, and reverse
  questions that have options; true/false is left out because half of those
  state something false, which a flashcard would teach).

Note GUIDs come from quizapp's ids (deck key + fact key for fact notes, deck
key + question id for the others), never from field contents, so importing a
newer export into the same collection updates the notes in place, and two
decks never share a GUID. Every field is HTML-escaped text put into HTML the
exporter wrote itself, so "<" and "&" in a fact show as written. The package
is deterministic: the same `ExportSet` (with its explicit `timestamp`) gives
the same bytes. The timestamp is also each note's modification time, which
Anki's "update if newer" import compares; pass something that grows when the
deck changes (the deck's `updated_at`).

The text format (TSV) uses Anki's stock "Basic" and "Cloze" note types, which
every Anki and most Anki-compatible apps have, so it imports into a fresh
collection; its GUIDs live in a namespace of their own so they never clash
with the package's notes.
"""

from __future__ import annotations

import csv
import html
import io
import itertools
import json
import sqlite3
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any
from urllib.parse import urlsplit

import genanki

from quizapp.domain.facts import Deck, Fact
from quizapp.domain.questions import Question
from quizapp.domain.spreadsheet import safe_cell

__all__ = [
    "CHOICE_KINDS",
    "CLOZE_MODEL_ID",
    "CSV_COLUMNS",
    "EXPORTERS",
    "FACT_MODEL_ID",
    "MULTIPLE_CHOICE_MODEL_ID",
    "NOTE_TYPES",
    "ExportSet",
    "Exporter",
    "anki_deck_name",
    "build_package",
    "fact_guid",
    "question_guid",
    "write_jsonl",
]

# Fixed forever: Anki identifies a note type by its id. Changing one would make
# every re-import create a second "quizapp fact" note type beside the first.
FACT_MODEL_ID = 1_607_392_319
CLOZE_MODEL_ID = 1_607_392_320
MULTIPLE_CHOICE_MODEL_ID = 1_607_392_321

# Which kinds of notes an export can hold; all of them by default.
NOTE_TYPES = ("fact", "cloze", "choice")
# Question kinds that become "quizapp multiple choice" notes.
CHOICE_KINDS = ("multiple_choice", "multiple_select", "reverse")
CSV_COLUMNS = (
    "question",
    "answer",
    "options",
    "correct",
    "kind",
    "evidence",
    "source",
    "entity",
    "relation",
    "deck",
    "fact",
    "id",
)
# Separates several options (or right answers) inside one CSV cell.
OPTION_SEPARATOR = " | "

Progress = Callable[[int], None]


def _no_progress(_: int) -> None:
    pass


# --- what is exported -------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportSet:
    """The facts chosen for an export, with their questions.

    Attributes:
        deck: The whole deck (entities and relations are looked up in it).
        facts: The chosen facts, in deck order.
        questions: The stored questions of those facts (any order).
        timestamp: Seconds since the epoch: the notes' modification time in Anki,
            and the time stamped in the package. Must grow when the deck changes.
        note_types: Which kinds of Anki notes to make (a subset of `NOTE_TYPES`).
        subdecks: Put each entity's notes in a subdeck of its own.
    """

    deck: Deck
    facts: tuple[Fact, ...]
    questions: tuple[Question, ...]
    timestamp: float
    note_types: frozenset[str] = frozenset(NOTE_TYPES)
    subdecks: bool = False

    def questions_by_fact(self) -> dict[str, list[Question]]:
        """The questions of each fact, by fact key, in kind-then-id order."""
        by_fact: dict[str, list[Question]] = defaultdict(list)
        for question in sorted(self.questions, key=lambda q: (q.kind, q.id)):
            by_fact[question.fact_key].append(question)
        return by_fact


@dataclass(frozen=True)
class Exporter:
    """One export format.

    Attributes:
        name: The registry key ("apkg").
        label: What a person picks in a menu.
        extension: File name extension, without the dot.
        mimetype: The download's content type.
        write: Writes an `ExportSet` to a binary stream, calling `progress(n)` as
            every n facts are done.
    """

    name: str
    label: str
    extension: str
    mimetype: str
    write: Callable[[ExportSet, IO[bytes], Progress], None] = field(repr=False)


# --- identities -------------------------------------------------------------------------------


def fact_guid(deck_key: str, fact_key: str) -> str:
    """The GUID of a fact's "quizapp fact" note."""
    return genanki.guid_for("quizapp", deck_key, fact_key, "fact")


def question_guid(deck_key: str, question_id: str) -> str:
    """The GUID of a question's cloze or multiple-choice note."""
    return genanki.guid_for("quizapp", deck_key, question_id)


def _text_guid(deck_key: str, *parts: str) -> str:
    # Notes of the text format have other note types than the package's: a GUID of
    # their own keeps one import from trying to overwrite the other's notes.
    return genanki.guid_for("quizapp-text", deck_key, *parts)


def _anki_id(*parts: str) -> int:
    """A stable id in the range genanki recommends, for Anki decks."""
    number = int(genanki.guid_for(*parts).encode().hex(), 16)
    return (1 << 30) + number % (1 << 30)


def anki_deck_name(deck: Deck, entity_name: str | None = None) -> str:
    """ "quizapp::<title>", or "quizapp::<title>::<entity>" for a subdeck.

    "::" separates levels in Anki, so it is taken out of the names themselves.
    """
    parts = ["quizapp", deck.title, *([entity_name] if entity_name else [])]
    return "::".join(" ".join(part.replace("::", ":").split()) for part in parts)


def _tag(key: str) -> str:
    # Keys are already [a-z0-9_-]; an Anki tag must never hold whitespace.
    return "_".join(key.split())


# --- field text -------------------------------------------------------------------------------


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def _source_html(url: str) -> str:
    """A link named by its site for http(s) sources; anything else (javascript:) stays text."""
    if url.lower().startswith(("https://", "http://")):
        site = urlsplit(url).hostname or url
        return f'<a href="{html.escape(url, quote=True)}">{_escape(site)}</a>'
    return _escape(url)


def _options_html(question: Question) -> str:
    items = []
    for choice in question.choices:
        marker = ' class="correct"' if choice in question.correct else ""
        items.append(f"<li{marker}>{_escape(choice)}</li>")
    return f'<ol class="options">{"".join(items)}</ol>'


def _cloze_text(evidence: str, words: str) -> str:
    """The evidence with every occurrence of `words` as cloze 1, HTML-escaped.

    Braces and "::" inside the text would be read as cloze syntax, so they are
    written as character references, which Anki shows as the characters.
    """

    def safe(text: str) -> str:
        escaped = _escape(text).replace("{", "&#123;").replace("}", "&#125;")
        return escaped.replace("::", ":&#58;")

    hidden = "{{c1::" + safe(words) + "}}"
    return hidden.join(safe(part) for part in evidence.split(words))


def _forward_prompt(deck: Deck, fact: Fact) -> str:
    relation = deck.relations[fact.relation]
    return relation.forward.format(subject=deck.entities[fact.subject].name)


def _answer_text(fact: Fact) -> str:
    return ", ".join(value.display for value in fact.values)


def _reverse_question(questions: Iterable[Question]) -> Question | None:
    """The fact's reverse question when it has exactly one (a `many` fact may have several)."""
    reverse = [q for q in questions if q.kind == "reverse"]
    return reverse[0] if len(reverse) == 1 else None


def _reverse_answer(question: Question) -> str:
    # Without options every subject that fits is right, and the card must say so.
    return ", ".join(question.correct) if not question.choices else question.answer


def _ref(deck: Deck, fact: Fact, question: Question | None = None) -> str:
    """The hidden "quizapp id" field: what an importer needs to find the fact again."""
    parts = [deck.key, fact.key, *([question.id] if question else [])]
    return "/".join(parts)


# --- the Anki note types ------------------------------------------------------------------------

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


def _anki_notes(export: ExportSet, progress: Progress) -> Iterator[tuple[str, genanki.Note]]:
    """(entity name, note) for every note of the export, in deck order."""
    deck = export.deck
    by_fact = export.questions_by_fact()
    for fact in export.facts:
        entity = deck.entities[fact.subject]
        relation = deck.relations[fact.relation]
        questions = by_fact.get(fact.key, [])
        tags = [_tag(fact.subject), _tag(fact.relation), _tag(deck.key)]
        evidence = _escape(fact.evidence)
        source = _source_html(fact.source or deck.source)
        common = {"Entity": _escape(entity.name), "Relation": _escape(relation.label)}
        if "fact" in export.note_types:
            reverse = _reverse_question(questions)
            fields = {
                "Question": _escape(_forward_prompt(deck, fact)),
                "Answer": _escape(_answer_text(fact)),
                "Evidence": evidence,
                "Source": source,
                **common,
                "Reverse": _escape(reverse.prompt) if reverse else "",
                "Reverse answer": _escape(_reverse_answer(reverse)) if reverse else "",
                "quizapp id": _escape(_ref(deck, fact)),
            }
            yield entity.name, _note(FACT_MODEL, fields, tags, fact_guid(deck.key, fact.key))
        for question in questions:
            if question.kind == "cloze" and "cloze" in export.note_types:
                fields = {
                    "Text": _cloze_text(fact.evidence, question.answer),
                    "Back Extra": "",
                    "Source": source,
                    **common,
                    "quizapp id": _escape(_ref(deck, fact, question)),
                }
            elif (
                question.kind in CHOICE_KINDS and question.choices and "choice" in export.note_types
            ):
                fields = {
                    "Question": _escape(question.prompt),
                    "Options": _options_html(question),
                    "Answer": _escape(", ".join(question.correct)),
                    "Evidence": evidence,
                    "Source": source,
                    **common,
                    "quizapp id": _escape(_ref(deck, fact, question)),
                }
            else:
                continue
            model = CLOZE_MODEL if question.kind == "cloze" else MULTIPLE_CHOICE_MODEL
            note = _note(model, fields, tags, question_guid(deck.key, question.id))
            yield entity.name, note
        progress(1)


def _note(model: genanki.Model, fields: Mapping[str, str], tags: list[str], guid: str):
    names = [f["name"] for f in model.fields]
    assert list(fields) == names, (list(fields), names)
    return genanki.Note(model=model, fields=list(fields.values()), tags=tags, guid=guid)


def build_package(export: ExportSet, progress: Progress = _no_progress) -> genanki.Package:
    """The genanki package of an export (one deck, or one subdeck per entity).

    Args:
        export: What to export.
        progress: Called with 1 after each fact.

    Returns:
        The package, ready for `write_apkg`.
    """
    deck = export.deck
    description = _escape(deck.description) + (
        f'<p class="source">{_source_html(deck.source)}</p>' if deck.source else ""
    )
    main = genanki.Deck(_anki_id("quizapp", deck.key), anki_deck_name(deck), description)
    decks = {None: main}
    for due, (entity_name, note) in enumerate(_anki_notes(export, progress)):
        note.due = due  # new cards come up in deck order
        key = entity_name if export.subdecks else None
        if key not in decks:
            name = anki_deck_name(deck, entity_name)
            decks[key] = genanki.Deck(_anki_id("quizapp", deck.key, entity_name), name)
        decks[key].add_note(note)
    # The models go on every deck so a package is complete even with no fact notes.
    for anki_deck in decks.values():
        for model in (FACT_MODEL, CLOZE_MODEL, MULTIPLE_CHOICE_MODEL):
            anki_deck.add_model(model)
    return genanki.Package(list(decks.values()))


def write_apkg(export: ExportSet, out: IO[bytes], progress: Progress = _no_progress) -> None:
    """Write an export as an Anki package (.apkg), byte for byte reproducibly.

    genanki's own `write_to_file` stamps the zip with the current time; here the
    collection is built in memory and zipped with the export's timestamp.
    """
    package = build_package(export, progress)
    connection = sqlite3.connect(":memory:")
    try:
        ids = itertools.count(int(export.timestamp * 1000))
        package.write_to_db(connection.cursor(), export.timestamp, ids)
        connection.commit()
        collection = connection.serialize()
    finally:
        connection.close()
    moment = datetime.fromtimestamp(max(export.timestamp, 315_532_800), UTC)  # zip: >= 1980
    date_time = moment.timetuple()[:6]
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in (("collection.anki2", collection), ("media", b"{}")):
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)


# --- Anki's text format -------------------------------------------------------------------------

TSV_HEADER = (
    "#separator:tab\n"
    "#html:true\n"
    "#guid column:1\n"
    "#notetype column:2\n"
    "#deck column:3\n"
    "#tags column:6\n"
)


def _tsv_rows(export: ExportSet, progress: Progress) -> Iterator[list[str]]:
    """guid, note type, deck, two fields, tags: Anki's stock "Basic" and "Cloze" notes."""
    deck = export.deck
    by_fact = export.questions_by_fact()
    for fact in export.facts:
        entity = deck.entities[fact.subject]
        anki_deck = anki_deck_name(deck, entity.name if export.subdecks else None)
        tags = " ".join([_tag(fact.subject), _tag(fact.relation), _tag(deck.key)])
        source = _source_html(fact.source or deck.source)
        details = f'<blockquote class="evidence">{_escape(fact.evidence)}</blockquote>' + (
            f'<div class="source">{source}</div>' if source else ""
        )
        questions = by_fact.get(fact.key, [])
        if "fact" in export.note_types:
            back = f"<b>{_escape(_answer_text(fact))}</b>{details}"
            front = _escape(_forward_prompt(deck, fact))
            guid = _text_guid(deck.key, fact.key, "forward")
            yield [guid, "Basic", anki_deck, front, back, tags]
            reverse = _reverse_question(questions)
            if reverse is not None:
                back = f"<b>{_escape(_reverse_answer(reverse))}</b>{details}"
                guid = _text_guid(deck.key, reverse.id)
                yield [guid, "Basic", anki_deck, _escape(reverse.prompt), back, tags]
        for question in questions:
            guid = _text_guid(deck.key, question.id)
            if question.kind == "cloze" and "cloze" in export.note_types:
                text = _cloze_text(fact.evidence, question.answer)
                yield [guid, "Cloze", anki_deck, text, source, tags]
            elif (
                question.kind in CHOICE_KINDS and question.choices and "choice" in export.note_types
            ):
                front = _escape(question.prompt) + _options_html(question)
                back = f"<b>{_escape(', '.join(question.correct))}</b>{details}"
                yield [guid, "Basic", anki_deck, front, back, tags]
        progress(1)


def write_tsv(export: ExportSet, out: IO[bytes], progress: Progress = _no_progress) -> None:
    """Write an export in Anki's text import format (tab-separated, with header lines)."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    try:
        text.write(TSV_HEADER)
        writer = csv.writer(text, delimiter="\t", lineterminator="\n")
        for row in _tsv_rows(export, progress):
            # HTML fields: a line break is <br>, never a raw newline inside a record.
            writer.writerow([cell.replace("\r\n", "<br>").replace("\n", "<br>") for cell in row])
    finally:
        text.detach()


# --- CSV for spreadsheets -------------------------------------------------------------------------


def write_csv(export: ExportSet, out: IO[bytes], progress: Progress = _no_progress) -> None:
    """Write every question of the export as CSV: one row per question, plain text.

    Columns are `CSV_COLUMNS`; options and right answers are joined with " | ".
    The file starts with a UTF-8 byte order mark so spreadsheets read it as UTF-8.
    """
    deck = export.deck
    by_fact = export.questions_by_fact()
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    try:
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        for fact in export.facts:
            for q in by_fact.get(fact.key, []):
                row = (
                    q.prompt,
                    q.answer,
                    OPTION_SEPARATOR.join(q.choices),
                    OPTION_SEPARATOR.join(q.correct),
                    q.kind,
                    q.evidence,
                    q.source,
                    deck.entities[fact.subject].name,
                    deck.relations[fact.relation].label,
                    deck.key,
                    fact.key,
                    q.id,
                )
                writer.writerow([safe_cell(cell) for cell in row])
            progress(1)
    finally:
        text.detach()


# --- JSONL: the question bank -------------------------------------------------------------------


def write_jsonl(questions: Iterable[Mapping[str, Any]], out: IO[str]) -> None:
    """Write questions (`Question.to_dict()` data) one JSON object per line, keys sorted."""
    for question in questions:
        out.write(json.dumps(question, ensure_ascii=False, sort_keys=True) + "\n")


def _write_jsonl_export(export: ExportSet, out: IO[bytes], progress: Progress) -> None:
    # In question id order, as `quizapp questions export` writes the whole bank.
    chosen = {fact.key for fact in export.facts}
    questions = sorted((q for q in export.questions if q.fact_key in chosen), key=lambda q: q.id)
    text = io.TextIOWrapper(out, encoding="utf-8", newline="\n", write_through=True)
    try:
        write_jsonl((q.to_dict() for q in questions), text)
    finally:
        text.detach()
    progress(len(export.facts))


EXPORTERS: dict[str, Exporter] = {
    exporter.name: exporter
    for exporter in (
        Exporter("apkg", "Anki package (.apkg)", "apkg", "application/apkg", write_apkg),
        Exporter(
            "tsv",
            "Anki text file (.tsv)",
            "tsv",
            "text/tab-separated-values; charset=utf-8",
            write_tsv,
        ),
        Exporter("csv", "Spreadsheet (.csv)", "csv", "text/csv; charset=utf-8", write_csv),
        Exporter(
            "jsonl",
            "Question bank (.jsonl)",
            "jsonl",
            "application/jsonl; charset=utf-8",
            _write_jsonl_export,
        ),
    )
}
