"""Quiz items: a quizapp question as the quiz tools see one.

Moodle, GIFT, QTI and Kahoot know a few shapes of question, not quizapp's kinds.
`items` maps each question of an export to one shape, once, so every format
agrees on what a question becomes:

- `SINGLE`: one right option among several (multiple choice, a reverse
  question with options and one right subject);
- `MULTIPLE`: several right options (multiple select, a reverse question
  with options and more than one right subject), graded with partial credit;
- `TRUE_FALSE`: a statement, true or false;
- `SHORT`: a typed answer (typed, cloze, a reverse question without options),
  with every answer quizapp accepts.

`moodle_fraction` is the partial-credit rule Moodle's importers accept (its
grade list), which the GIFT and Moodle XML writers share.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from quizapp.domain.anki.content import ExportSet
from quizapp.domain.anki.fields import _escape, _source_html
from quizapp.domain.questions import Question
from quizapp.domain.quizzes import KIND_LABELS

SINGLE, MULTIPLE, TRUE_FALSE, SHORT = "single", "multiple", "true_false", "short"
# The gap in a cloze question's prompt (`questions.kinds.BLANK`).
BLANK = "____"

# Moodle's grade list (question_bank::fraction_options_full): an imported
# fraction must be one of these, or the import stops.
_MOODLE_FRACTIONS = (
    1.0,
    0.9,
    0.8333333,
    0.8,
    0.75,
    0.7,
    0.6666667,
    0.6,
    0.5,
    0.4,
    0.3333333,
    0.3,
    0.25,
    0.2,
    0.1666667,
    0.1428571,
    0.125,
    0.1111111,
    0.1,
    0.05,
)


@dataclass(frozen=True)
class Item:
    """One question in a quiz tool's terms.

    Attributes:
        id: The question's stable quizapp id.
        shape: `SINGLE`, `MULTIPLE`, `TRUE_FALSE` or `SHORT`.
        name: A short name for a question bank ("Stepfun: founders — Typed answer").
        prompt: The question text (plain text, not HTML); for cloze, with `BLANK`.
        options: The options in display order (empty for `SHORT`).
        correct: The right options; for `SHORT`, every accepted answer.
        truth: For `TRUE_FALSE`, whether the statement is true.
        evidence: The source sentence, the teacher's feedback after answering.
        source: The source URL ("" when there is none).
        question: The quizapp question it comes from.
    """

    id: str
    shape: str
    name: str
    prompt: str
    options: tuple[str, ...]
    correct: tuple[str, ...]
    truth: bool
    evidence: str
    source: str
    question: Question

    def is_correct(self, option: str) -> bool:
        return option in self.correct


def shape_of(question: Question) -> str:
    """The quiz-tool shape of a quizapp question (see the module doc)."""
    if question.kind == "true_false":
        return TRUE_FALSE
    if not question.choices:
        return SHORT
    return MULTIPLE if len(question.correct) > 1 else SINGLE


def items(export: ExportSet) -> Iterator[Item]:
    """The export's questions as items, fact by fact in deck order, then by kind and id."""
    deck = export.deck
    by_fact = export.questions_by_fact()
    for fact in export.facts:
        entity = deck.entities[fact.subject].name
        relation = deck.relations[fact.relation].label
        for question in by_fact.get(fact.key, []):
            shape = shape_of(question)
            if shape == SHORT:
                options: tuple[str, ...] = ()
                correct = _unique((*question.accepted, *question.correct))
            else:
                options, correct = question.choices, question.correct
            yield Item(
                id=question.id,
                shape=shape,
                name=f"{entity}: {relation} — {KIND_LABELS.get(question.kind, question.kind)}",
                prompt=question.prompt,
                options=options,
                correct=correct,
                truth=shape == TRUE_FALSE and question.correct == ("True",),
                evidence=question.evidence or fact.evidence,
                source=question.source or fact.source or deck.source,
                question=question,
            )


def _unique(texts: tuple[str, ...]) -> tuple[str, ...]:
    """The texts without blanks or repeats (case-insensitively), first spelling kept."""
    seen: set[str] = set()
    kept = []
    for text in texts:
        key = text.strip().casefold()
        if key and key not in seen:
            seen.add(key)
            kept.append(text.strip())
    return tuple(kept)


def moodle_fraction(share: float) -> float:
    """The grade Moodle accepts nearest to `share` of full marks (sign kept).

    Moodle refuses an imported fraction not on its grade list; 1/7 or 1/3 are on
    it (to 7 digits), so partial credit splits exactly up to 10 right options.
    """
    sign = -1.0 if share < 0 else 1.0
    nearest = min(_MOODLE_FRACTIONS, key=lambda grade: abs(grade - abs(share)))
    return sign * nearest


def credit_shares(item: Item) -> dict[str, float]:
    """Each option's share of the marks in a `MULTIPLE` item: the right ones share
    full marks, the wrong ones share minus full marks, so ticking every box scores 0."""
    right = [option for option in item.options if item.is_correct(option)]
    wrong = [option for option in item.options if not item.is_correct(option)]
    shares = {option: moodle_fraction(1 / len(right)) for option in right}
    if wrong:
        shares.update({option: moodle_fraction(-1 / len(wrong)) for option in wrong})
    return shares


def feedback_html(item: Item) -> str:
    """The evidence, and a link to the source, as HTML: the general feedback."""
    parts = [f"<p>{_escape(item.evidence)}</p>"] if item.evidence else []
    if item.source:
        parts.append(f"<p>Source: {_source_html(item.source)}</p>")
    return "".join(parts)


def deck_title(export: ExportSet) -> str:
    """The deck's title on one line: the name of the category the items go in."""
    return " ".join(export.deck.title.split())


def percent_text(value: float) -> str:
    """100 -> "100", 33.333330 -> "33.33333", -50 -> "-50": a grade as Moodle writes one."""
    text = f"{value:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
