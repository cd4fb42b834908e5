"""The Anki package (.apkg): the three quizapp note types with their fixed ids and CSS,
the notes of an export, and a deterministic package written with genanki.
"""

from __future__ import annotations

import itertools
import sqlite3
import zipfile
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import IO

import genanki

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
