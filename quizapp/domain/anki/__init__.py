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

Where each part lives: `content` (ExportSet, Exporter, identities), `fields` (field
HTML), `apkg` (note types, package), `collection` (its notes and cards, in bulk),
`text_formats` (TSV, CSV, JSONL); the registry `EXPORTERS` is in this file, which
re-exports every public name.
"""

from quizapp.domain.anki.apkg import (
    CARD_CSS,
    CLOZE_MODEL,
    CLOZE_MODEL_ID,
    FACT_MODEL,
    FACT_MODEL_ID,
    MULTIPLE_CHOICE_MODEL,
    MULTIPLE_CHOICE_MODEL_ID,
    build_package,
    write_apkg,
)
from quizapp.domain.anki.content import (
    CHOICE_KINDS,
    NOTE_TYPES,
    Exporter,
    ExportSet,
    Progress,
    anki_deck_name,
    fact_guid,
    guid_for,
    question_guid,
)
from quizapp.domain.anki.text_formats import (
    CSV_COLUMNS,
    OPTION_SEPARATOR,
    TSV_HEADER,
    _write_jsonl_export,
    option_categories,
    with_categories,
    write_csv,
    write_jsonl,
    write_tsv,
)

# The registry of export formats: a new format is one new entry.
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


__all__ = [
    "CARD_CSS",
    "CHOICE_KINDS",
    "CLOZE_MODEL",
    "CLOZE_MODEL_ID",
    "CSV_COLUMNS",
    "EXPORTERS",
    "FACT_MODEL",
    "FACT_MODEL_ID",
    "MULTIPLE_CHOICE_MODEL",
    "MULTIPLE_CHOICE_MODEL_ID",
    "NOTE_TYPES",
    "OPTION_SEPARATOR",
    "TSV_HEADER",
    "ExportSet",
    "Exporter",
    "Progress",
    "anki_deck_name",
    "build_package",
    "fact_guid",
    "guid_for",
    "option_categories",
    "question_guid",
    "with_categories",
    "write_apkg",
    "write_csv",
    "write_jsonl",
    "write_tsv",
]
