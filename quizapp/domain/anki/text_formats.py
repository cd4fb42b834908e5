"""The text exports: Anki's text format (TSV with the stock Basic and Cloze note types),
CSV for spreadsheets (every cell spreadsheet-safe) and the JSONL question bank.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, Any

from quizapp.domain.anki.content import (
    CHOICE_KINDS,
    ExportSet,
    Progress,
    _no_progress,
    _tag,
    _text_guid,
    anki_deck_name,
)
from quizapp.domain.anki.fields import (
    _answer_text,
    _cloze_text,
    _escape,
    _forward_prompt,
    _options_html,
    _reverse_answer,
    _reverse_question,
    _source_html,
)
from quizapp.domain.facts import Deck
from quizapp.domain.spreadsheet import safe_cell

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


def option_categories(deck: Deck) -> dict[str, str]:
    """The category of each option text that names one of the deck's entities: its
    type ("company", "person", "product"...).

    Keyed by name and alias; a text that names entities of two types is left out,
    since its category is not known. Options that are dates, numbers or free text
    have none.
    """
    found: dict[str, set[str]] = {}
    for entity in deck.entities.values():
        for text in (entity.name, *entity.aliases):
            found.setdefault(text, set()).add(entity.type)
    return {text: next(iter(types)) for text, types in found.items() if len(types) == 1}


def with_categories(question: Mapping[str, Any], categories: Mapping[str, str]) -> dict[str, Any]:
    """A JSONL question with `category`, one per option (null where not known), added
    to its fields when it has options and the category of at least one is known."""
    choices = question.get("choices") or []
    known = [categories.get(choice) for choice in choices]
    if not any(known):
        return dict(question)
    return {**question, "category": known}


def _write_jsonl_export(export: ExportSet, out: IO[bytes], progress: Progress) -> None:
    # In question id order, as `quizapp questions export` writes the whole bank.
    chosen = {fact.key for fact in export.facts}
    questions = sorted((q for q in export.questions if q.fact_key in chosen), key=lambda q: q.id)
    categories = option_categories(export.deck)
    text = io.TextIOWrapper(out, encoding="utf-8", newline="\n", write_through=True)
    try:
        write_jsonl((with_categories(q.to_dict(), categories) for q in questions), text)
    finally:
        text.detach()
    progress(len(export.facts))
