"""Anki notes -> facts: field HTML to text, and cloze deletions to cloze questions.

Both parsers here read untrusted text and are linear in it by construction: they
move a cursor forward and never rescan. (The standard library's HTMLParser took
minutes on a field of 150,000 "<!--", and the old cloze regex grew with the cube
of the length of "{{c1::{{c1::...".) Each charges what it scans to a `Work`.

How notes become facts (the relations are made for it):

- A Basic-like note (any normal note type: "Front"/"Back" or the first two
  fields) is an entity named by its front (type "concept") and a fact of the
  relation `answer` whose value is its back.
- A Cloze note gives one fact per cloze number, of the relation `cloze`: the
  subject is the text with that number's deletions blanked, the value the
  deleted words, the evidence the full text and the cloze the deleted words.
- Tags go to the entity's description ("Tags: geo, europe"); `[sound:]` and
  `<img>` references are dropped, with a notice.
- quizapp's own notes ("quizapp fact", "quizapp cloze", "quizapp multiple
  choice") carry a hidden "quizapp id" (deck/fact[/question]): an export makes
  several notes of one fact, and they give one fact here, whose origin is kept
  so that the fact itself can be restored (`restore`).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from quizapp.domain.facts import Deck
from quizapp.domain.importers.collection import Note
from quizapp.domain.importers.common import (
    ANSWER_RELATION,
    CLOZE_RELATION,
    DeckBuilder,
    Work,
    clean_text,
)

# --- field HTML -> text -----------------------------------------------------------------------

_BREAKS = frozenset({"br", "div", "p", "li", "tr"})
_MEDIA = frozenset({"img", "audio", "video", "object", "embed"})
# A tag: its name, then attributes, whose quoted values may hold ">". No part of it
# crosses a "<", so a failed attempt stops at the next "<" and the attempts of a
# whole field scan each character about once; possessive quantifiers never backtrack.
_TAG = re.compile(r"""</?([A-Za-z][A-Za-z0-9-]*+)(?:[^<>"']++|"[^"<]*+"|'[^'<]*+')*+>""")
_SOUND = re.compile(r"\[sound:[^\]\[]*+\]")


def field_text(raw: str, work: Work | None = None) -> tuple[str, bool]:
    """An Anki field's text without HTML or media references; and whether it had media.

    Tags are dropped (block tags and <br> leave a space; a script's code stays as
    text, which the pages escape), comments and declarations dropped, character
    references decoded; a "<" that starts no tag is text.
    """
    work = work or Work()
    media = False
    parts: list[str] = []
    position, end = 0, len(raw)
    while position < end:
        start = raw.find("<", position)
        if start < 0:
            start = end
        parts.append(raw[position:start])
        work.charge(start - position + 1)
        if start == end:
            break
        position, name = _skip_markup(raw, start, work)
        if name in _MEDIA:
            media = True
        if name in _BREAKS:
            parts.append(" ")
        if name is None and position == start + 1:
            parts.append("<")
    text = html.unescape("".join(parts))
    media = media or bool(_SOUND.search(text))
    return clean_text(_SOUND.sub(" ", text)), media


def _skip_markup(raw: str, start: int, work: Work) -> tuple[int, str | None]:
    """Where the markup at `start` ends, and its tag name (None: not a tag)."""
    if raw.startswith("<!--", start):
        close = raw.find("-->", start + 4)
        stop = len(raw) if close < 0 else close + 3
        work.charge(stop - start)
        return stop, None
    if raw.startswith(("<!", "<?"), start):
        close = raw.find(">", start)
        stop = len(raw) if close < 0 else close + 1
        work.charge(stop - start)
        return stop, None
    match = _TAG.match(raw, start)
    if match is None:  # "a < b", or a tag never closed: the "<" is text
        following = raw.find("<", start + 1)  # no failed attempt scans past it
        work.charge((len(raw) if following < 0 else following) - start)
        return start + 1, None
    work.charge(match.end() - start)
    return match.end(), match.group(1).lower()


# --- cloze deletions --------------------------------------------------------------------------

# "{{c12::", the "::" before a hint, and "}}". Nothing else in the text matters.
_CLOZE_TOKEN = re.compile(r"\{\{c(\d{1,3})::|::|\}\}")
_MAX_NESTING = 8  # Anki nests clozes; deeper openings are read as text


@dataclass
class _Cloze:
    number: int
    opening: str
    content: list[str | _Cloze] = field(default_factory=list)
    hint: list[str] | None = None


def parse_clozes(raw: str, work: Work | None = None) -> list[str | _Cloze]:
    """The field as text pieces and (possibly nested) cloze deletions, in one pass.

    A deletion never closed is text, as Anki shows it.
    """
    work = work or Work()
    root: list[str | _Cloze] = []
    stack: list[_Cloze] = []

    def out() -> list[Any]:
        if not stack:
            return root
        top = stack[-1]
        return top.hint if top.hint is not None else top.content

    position = 0
    for match in _CLOZE_TOKEN.finditer(raw):
        work.charge(match.end() - position + 1)
        out().append(raw[position : match.start()])
        position = match.end()
        token = match.group(0)
        if match.group(1) and len(stack) < _MAX_NESTING:
            stack.append(_Cloze(int(match.group(1)), token))
        elif token == "::" and stack and stack[-1].hint is None:
            stack[-1].hint = []
        elif token == "}}" and stack:
            done = stack.pop()
            out().append(done)
        else:
            out().append(token)
    out().append(raw[position:])
    while stack:  # never closed: its opening and content are plain text
        done = stack.pop()
        text = [done.opening, *done.content]
        if done.hint is not None:
            text += ["::", *done.hint]
        out().extend(text)
    return root


def _render(pieces: list[str | _Cloze], blank: int | None, answers: list[str]) -> str:
    """Raw text with the deletions of number `blank` blanked (their answers collected)."""
    parts = []
    for piece in pieces:
        if isinstance(piece, str):
            parts.append(piece)
        elif piece.number == blank:
            answers.append(_render(piece.content, None, []))
            hint = field_text(_render(piece.hint, None, []))[0] if piece.hint else ""
            parts.append(f"____ [{hint}]" if hint else "____")
        else:
            parts.append(_render(piece.content, blank, answers))
    return "".join(parts)


def _numbers(pieces: list[str | _Cloze]) -> set[int]:
    found: set[int] = set()
    for piece in pieces:
        if isinstance(piece, _Cloze):
            found.add(piece.number)
            found |= _numbers(piece.content)
    return found


# --- notes -> facts ---------------------------------------------------------------------------


def note_facts(builder: DeckBuilder, note: Note) -> None:
    if note.kind == "basic":
        front_name = "Front" if "Front" in note.fields else note.field_order[0]
        back_name = "Back" if "Back" in note.fields else note.field_order[1]
        front, media_front = field_text(note.fields.get(front_name, ""))
        back, media_back = field_text(note.fields.get(back_name, ""))
        note.had_media = media_front or media_back
        builder.card(ANSWER_RELATION, front, back, f"{front} — {back}", tags=note.tags)
    elif note.kind == "cloze":
        text_name = "Text" if "Text" in note.fields else note.field_order[0]
        _cloze_facts(builder, note, note.fields.get(text_name, ""))


def _cloze_facts(builder: DeckBuilder, note: Note, raw: str) -> None:
    pieces = parse_clozes(raw)
    numbers = sorted(_numbers(pieces))
    if not numbers:
        builder.skipped["are Cloze notes without a cloze deletion"] += 1
        return
    full, media = field_text(_render(pieces, None, []))
    note.had_media = media
    for number in numbers[:50]:
        raw_answers: list[str] = []
        question = field_text(_render(pieces, number, raw_answers))[0]
        answers = [field_text(a)[0] for a in raw_answers]
        answer = " … ".join(a for a in answers if a)
        # Several deletions of one number: a typed question only (a cloze blanks one text).
        cloze = answers[0] if len(answers) == 1 and answers[0] and answers[0] in full else None
        builder.card(
            CLOZE_RELATION,
            question,
            answer,
            full,
            cloze=cloze,
            tags=note.tags,
            key_suffix=f"-c{number}",
        )


def anki_cards(deck: Deck) -> list[dict[str, Any]]:
    """The notes an imported deck stands for (for tests and round trips).

    Returns:
        One dict per fact: kind "basic" (front, back) or "cloze" (text with the cloze
        words, answer), with its tags.
    """
    cards = []
    for fact in deck.facts:
        entity = deck.entities[fact.subject]
        tags = entity.description.removeprefix("Tags: ").split(", ") if entity.description else []
        card = {"tags": tags, "answer": fact.values[0].display}
        if fact.relation == CLOZE_RELATION:
            card |= {"kind": "cloze", "text": fact.evidence, "question": entity.name}
        else:
            card |= {"kind": "basic", "front": entity.name}
        cards.append(card)
    return cards


# --- quizapp's own notes ----------------------------------------------------------------------

QUIZAPP_ID = "quizapp id"
# Which note of a fact tells it best: the fact note states it; a choice note asks it.
_QUIZAPP_TYPES = ("quizapp fact", "quizapp multiple choice", "quizapp cloze")


def quizapp_ref(note: Note) -> tuple[str, str] | None:
    """(deck key, fact key) of a note quizapp exported, or None for any other note."""
    if note.kind_name not in _QUIZAPP_TYPES or QUIZAPP_ID not in note.fields:
        return None
    parts = field_text(note.fields[QUIZAPP_ID])[0].split("/")
    if len(parts) not in (2, 3) or not all(0 < len(p) <= 120 for p in parts[:2]):
        return None
    return parts[0], parts[1]


def quizapp_facts(
    builder: DeckBuilder, notes: list[Note]
) -> tuple[dict[str, tuple[str, str]], list[tuple[int, int, Note]]]:
    """One fact per exported fact, from the note that tells it best; the rest are not facts.

    Returns:
        Imported fact key -> (deck key, fact key) it was exported from; and for each
        note used, the span of `builder.facts` it made (start, end, note), where its
        picture goes.
    """
    best: dict[tuple[str, str], Note] = {}
    for note in notes:
        ref = quizapp_ref(note)
        if ref is None:
            continue
        held = best.get(ref)
        if held is None or _QUIZAPP_TYPES.index(note.kind_name) < _QUIZAPP_TYPES.index(
            held.kind_name
        ):
            best[ref] = note
    origins: dict[str, tuple[str, str]] = {}
    spans: list[tuple[int, int, Note]] = []
    for ref, note in best.items():
        before = len(builder.facts)
        if note.kind_name == "quizapp cloze":
            _cloze_facts(builder, note, note.fields.get("Text", ""))
        else:
            question, media_q = field_text(note.fields.get("Question", ""))
            answer, media_a = field_text(note.fields.get("Answer", ""))
            evidence = field_text(note.fields.get("Evidence", ""))[0] or f"{question} — {answer}"
            note.had_media = media_q or media_a
            builder.card(ANSWER_RELATION, question, answer, evidence, tags=note.tags)
        for fact in builder.facts[before:]:
            origins[fact["key"]] = ref
        spans.append((before, len(builder.facts), note))
    return origins, spans
