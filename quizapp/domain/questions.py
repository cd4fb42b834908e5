"""Generate questions from a deck's facts.

Each fact yields up to one question of each kind in `KINDS` (a registry: a new
kind is one new function and one entry):

- multiple_choice: the `forward` question of a one-value relation, 4 options,
  one of them right.
- multiple_select: the `forward` question of a `many` relation, up to 4 right
  values and 2-3 distractors (4-6 options).
- true_false: the `statement`, true, or for `unique` relations false half of
  the time.
- typed: the `forward` question of a one-value relation, answer typed.
- cloze: the evidence with the cloze words blanked, answer typed.
- reverse: the `reverse` question (one per value of a `many` fact), answer
  typed, with 4 options when there are enough distractors.

What counts as right is decided against *all* facts of the deck, read as a
closed world (what the deck does not state is false):

- A forward question's right answers are the values of every fact with the same
  subject and relation. Typed questions accept all of them; a choice question
  shows exactly one of them among its options, and its distractors are never
  any of them.
- A reverse question's right answers are every subject whose value could be the
  asked one: the same entity or text, a date at another precision that contains
  it ("2023" and "April 2023"), a figure whose range overlaps ("around $3
  billion" could be "over $2 billion"). The typed answer accepts all of them;
  options, when given, hold exactly one of them. A reverse question with more
  than `MAX_REVERSE_ANSWERS` right answers tests nothing and is dropped.
- A false statement replaces the value by one that cannot be true of the
  subject. Only `unique` relations say that a subject has no other values, so
  other relations only get true statements.
- Choice questions about a figure ask for the figure as reported: distractors
  keep the qualifier and unit ("over $2 billion" against "over $20 billion"),
  differ from every right figure by at least a factor `MIN_FIGURE_RATIO`, and
  are never implied by a right one ("over $1 billion" is true of a company
  valued at over $2 billion, so it is not offered).

A question that cannot be built properly (too few plausible distractors, a
cloze missing from its evidence) is not padded: it is listed in
`Generation.dropped` with the reason.

Identity and determinism: a question's id hashes (deck key, fact key, relation
key, kind) (plus the value for a reverse question of a `many` relation), never
its content or the seed, so editing a fact keeps its questions' ids. Every
question draws from its own random generator seeded by (seed, id), and every
pool of candidates is sorted by key, so the same deck and seed give the same
questions byte for byte, whatever the order of the file.

Cost: `generate` builds indexes of the deck once (by subject, by value, by
type), so each question costs about the same whatever the deck's size.
"""

from __future__ import annotations

import bisect
import datetime
import hashlib
import itertools
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from quizapp.domain.facts import (
    DateValue,
    Deck,
    Entity,
    EntityRef,
    Fact,
    Money,
    Quantity,
    Relation,
    Value,
)
from quizapp.domain.grading import normalise
from quizapp.domain.numbers import parse_amount, parse_date, to_decimal

__all__ = [
    "KINDS",
    "MAX_REVERSE_ANSWERS",
    "MIN_FIGURE_RATIO",
    "Context",
    "Dropped",
    "Generation",
    "KindBuilder",
    "Question",
    "generate",
    "generate_for_fact",
    "question_id",
]

MAX_REVERSE_ANSWERS = 5
MIN_FIGURE_RATIO = Decimal(2)
CHOICES = 4
TRUE, FALSE = "True", "False"
BLANK = "____"

# How far "around" reaches when deciding whether two figures could be the same.
_AROUND = (Decimal("0.8"), Decimal("1.2"))
_INFINITY = Decimal("Infinity")
# How many candidates to try from a big pool before giving up on distractors.
_PROBES = 32
_FIGURE_SCALES = tuple(map(Decimal, ("0.1", "0.2", "0.5", "2", "3", "5", "10")))


@dataclass(frozen=True)
class Question:
    """One generated question.

    Attributes:
        id: Stable 12-hex-digit id from (deck, fact, relation, kind).
        deck: Deck key.
        fact_key: Key of the fact it asks about.
        kind: A key of `KINDS`.
        prompt: The question text (for cloze: the evidence with a blank).
        answer: The canonical right answer, for display.
        accepted: Every answer accepted when typed (all aliases of all right answers).
        choices: The options, in display order; empty for typed questions.
        correct: The right options; for typed questions, every right answer's display text.
        subject: Key of the fact's subject entity.
        relation: Relation key.
        evidence: The source sentence, shown after answering.
        source: Source URL.
        answer_kind: "entity", "date", "number", "money", "text" or "boolean" (true/false);
            tells the grader how to compare typed answers.
    """

    id: str
    deck: str
    fact_key: str
    kind: str
    prompt: str
    answer: str
    accepted: tuple[str, ...]
    choices: tuple[str, ...]
    correct: tuple[str, ...]
    subject: str
    relation: str
    evidence: str
    source: str
    answer_kind: str

    def to_dict(self) -> dict[str, Any]:
        """Return the question as JSON-compatible data (one line of the JSONL export)."""
        return {
            "id": self.id,
            "deck": self.deck,
            "fact": self.fact_key,
            "kind": self.kind,
            "prompt": self.prompt,
            "answer": self.answer,
            "accepted": list(self.accepted),
            "choices": list(self.choices),
            "correct": list(self.correct),
            "subject": self.subject,
            "relation": self.relation,
            "evidence": self.evidence,
            "source": self.source,
            "answer_kind": self.answer_kind,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Question:
        """Rebuild a question from `to_dict` output (as stored with a quiz or study item)."""
        return cls(
            id=data["id"],
            deck=data["deck"],
            fact_key=data["fact"],
            kind=data["kind"],
            prompt=data["prompt"],
            answer=data["answer"],
            accepted=tuple(data["accepted"]),
            choices=tuple(data["choices"]),
            correct=tuple(data["correct"]),
            subject=data["subject"],
            relation=data["relation"],
            evidence=data["evidence"],
            source=data["source"],
            answer_kind=data["answer_kind"],
        )


@dataclass(frozen=True)
class Dropped:
    """A question that was not generated, and why.

    Attributes:
        fact_key: The fact.
        kind: The kind of question.
        reason: Why, for the deck's author.
    """

    fact_key: str
    kind: str
    reason: str


@dataclass(frozen=True)
class Generation:
    """The result of generating a deck's questions.

    Attributes:
        questions: Sorted by fact key, kind (in `KINDS` order) and id.
        dropped: Questions not made, in the same order.
    """

    questions: tuple[Question, ...]
    dropped: tuple[Dropped, ...]


def question_id(deck_key: str, fact_key: str, relation_key: str, kind: str, part: str = "") -> str:
    """Derive a question's stable id.

    Args:
        deck_key: The deck.
        fact_key: The fact.
        relation_key: The relation whose template the question uses.
        kind: The kind of question.
        part: Tells apart several questions of one kind about one fact.

    Returns:
        12 hex digits.
    """
    text = "\x1f".join((deck_key, fact_key, relation_key, kind, part))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


# --- what could be the same value -------------------------------------------------------------


def _interval(value: Quantity | Money) -> tuple[Decimal, Decimal]:
    amount = to_decimal(value.amount)
    match value.qualifier:
        case "over":
            return amount, _INFINITY
        case "under" | "up to":
            return Decimal(0), amount
        case "around":
            return amount * _AROUND[0], amount * _AROUND[1]
    return amount, amount


def _measure(value: Quantity | Money) -> str:
    """What a figure is counted in: two figures compare only within one measure."""
    return value.unit if isinstance(value, Quantity) else value.currency


def _could_be_same(a: Value, b: Value) -> bool:
    """Whether a statement with value `a` could be true of a subject whose value is `b`."""
    if type(a) is not type(b):
        return False
    if isinstance(a, DateValue) and isinstance(b, DateValue):
        return a.year == b.year and all(
            x is None or y is None or x == y for x, y in ((a.month, b.month), (a.day, b.day))
        )
    if isinstance(a, Quantity | Money) and isinstance(b, Quantity | Money):
        if _measure(a) != _measure(b):
            return False
        (low_a, high_a), (low_b, high_b) = _interval(a), _interval(b)
        return low_a <= high_b and low_b <= high_a
    return a.identity == b.identity


def _figures_apart(a: Quantity | Money, b: Quantity | Money) -> bool:
    """Whether two reported figures are clearly different (or in different measures)."""
    if _measure(a) != _measure(b):
        return True
    low, high = sorted((to_decimal(a.amount), to_decimal(b.amount)))
    return low == 0 < high or (low > 0 and high / low >= MIN_FIGURE_RATIO)


def _implied(claim: Quantity | Money, fact: Quantity | Money) -> bool:
    """Whether `claim` is certainly true given `fact` ("over $1B" given "over $2B")."""
    if _measure(claim) != _measure(fact):
        return False
    (claim_low, claim_high), (fact_low, fact_high) = _interval(claim), _interval(fact)
    return claim_low <= fact_low and fact_high <= claim_high


# --- indexes ----------------------------------------------------------------------------------


class _FigureIndex:
    """Figures of one relation and measure, to find those whose range overlaps a query."""

    def __init__(self) -> None:
        self.entries: dict[str, list[tuple[Decimal, str]]] = defaultdict(list)

    def add(self, value: Quantity | Money, subject: str) -> None:
        self.entries[value.qualifier].append((to_decimal(value.amount), subject))

    def freeze(self) -> None:
        for entries in self.entries.values():
            entries.sort()

    def overlapping(self, low: Decimal, high: Decimal) -> Iterator[str]:
        """Subjects whose figure's range overlaps [low, high], without scanning the rest."""
        ranges = {
            # exact a: low <= a <= high
            "exact": (low, high),
            # around a, i.e. [0.8a, 1.2a]: low/1.2 <= a <= high/0.8
            "around": (low / _AROUND[1], high / _AROUND[0]),
            # over a, i.e. [a, inf): a <= high
            "over": (Decimal(0), high),
            # under / up to a, i.e. [0, a]: a >= low
            "under": (low, _INFINITY),
            "up to": (low, _INFINITY),
        }
        for qualifier in sorted(self.entries):
            entries = self.entries[qualifier]
            first, last = ranges[qualifier]
            start = bisect.bisect_left(entries, (first, ""))
            for amount, subject in itertools.islice(entries, start, None):
                if amount > last:
                    break
                yield subject


class _Index:
    """Everything a question needs to know about the rest of the deck, built once."""

    def __init__(self, deck: Deck) -> None:
        self.deck = deck
        self.facts = sorted(deck.facts, key=lambda fact: fact.key)
        # (relation, subject) -> values / facts
        self.values_of: dict[tuple[str, str], list[Value]] = defaultdict(list)
        self.facts_of: dict[tuple[str, str], list[Fact]] = defaultdict(list)
        # (relation, identity) -> subjects, for entity and text values
        self.subjects_with: dict[tuple[str, Any], list[str]] = defaultdict(list)
        # subjects by date: any date in a year, any date in a month, exactly a date
        self.in_year: dict[tuple[str, int], list[str]] = defaultdict(list)
        self.in_month: dict[tuple[str, int, int], list[str]] = defaultdict(list)
        self.on_date: dict[tuple[str, int, int | None, int | None], list[str]] = defaultdict(list)
        self.figures: dict[tuple[str, str], _FigureIndex] = defaultdict(_FigureIndex)
        # pools of distractors, each sorted so that drawing from them is reproducible
        self.relation_values: dict[str, list[Value]] = defaultdict(list)
        self.relation_subjects: dict[str, list[str]] = defaultdict(list)
        self.entities_of_type: dict[str, list[str]] = defaultdict(list)
        self.amounts_in: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
        for key in sorted(deck.entities):
            self.entities_of_type[deck.entities[key].type].append(key)
        seen: set[tuple[Any, ...]] = set()
        for fact in self.facts:
            self._add(fact, seen)
        for key in list(self.relation_subjects):
            self.relation_subjects[key] = sorted(set(self.relation_subjects[key]))
        for key in list(self.amounts_in):
            self.amounts_in[key] = sorted(set(self.amounts_in[key]))
        for figures in self.figures.values():
            figures.freeze()

    def _add(self, fact: Fact, seen: set[tuple[Any, ...]]) -> None:
        pair = (fact.relation, fact.subject)
        self.facts_of[pair].append(fact)
        self.relation_subjects[fact.relation].append(fact.subject)
        for value in fact.values:
            stated = (fact.relation, fact.subject, value.identity)
            if stated in seen:
                continue
            seen.add(stated)
            self.values_of[pair].append(value)
            if (fact.relation, value.identity) not in seen:
                seen.add((fact.relation, value.identity))
                self.relation_values[fact.relation].append(value)
            if isinstance(value, DateValue):
                self.in_year[(fact.relation, value.year)].append(fact.subject)
                if value.month is not None:
                    self.in_month[(fact.relation, value.year, value.month)].append(fact.subject)
                date = (fact.relation, value.year, value.month, value.day)
                self.on_date[date].append(fact.subject)
            elif isinstance(value, Quantity | Money):
                self.figures[(fact.relation, _measure(value))].add(value, fact.subject)
                self.amounts_in[(value.kind, _measure(value))].append(to_decimal(value.amount))
            else:
                self.subjects_with[(fact.relation, value.identity)].append(fact.subject)

    def subjects_matching(self, relation: str, value: Value, limit: int) -> list[str]:
        """Subjects of `relation` whose value could be `value`: at most `limit` + 1 of them."""
        found: Iterable[str]
        if isinstance(value, DateValue):
            found = self._dates_containing(relation, value)
        elif isinstance(value, Quantity | Money):
            found = self.figures[(relation, _measure(value))].overlapping(*_interval(value))
        else:
            found = self.subjects_with[(relation, value.identity)]
        subjects: dict[str, None] = {}
        for subject in found:
            subjects[subject] = None
            if len(subjects) > limit:
                break
        return sorted(subjects)

    def _dates_containing(self, relation: str, date: DateValue) -> Iterable[str]:
        """Subjects with a date that contains `date` or lies within it."""
        year, month, day = date.year, date.month, date.day
        if month is None:
            return self.in_year[(relation, year)]
        year_only = self.on_date[(relation, year, None, None)]
        if day is None:
            return itertools.chain(year_only, self.in_month[(relation, year, month)])
        month_only = self.on_date[(relation, year, month, None)]
        return itertools.chain(year_only, month_only, self.on_date[(relation, year, month, day)])


# --- building questions -----------------------------------------------------------------------


class Context:
    """What a kind's builder gets besides the fact: the deck, its indexes and the seed.

    Builders draw all randomness from `rng(question_id)` and all knowledge of other
    facts from the methods here, which is what keeps questions deterministic and
    unambiguous.
    """

    def __init__(self, deck: Deck, seed: int) -> None:
        self.deck = deck
        self.seed = seed
        self.index = _Index(deck)

    def question_id(self, fact: Fact, kind: str, part: str = "") -> str:
        """The stable id of a question about `fact`."""
        return question_id(self.deck.key, fact.key, fact.relation, kind, part)

    def rng(self, question_id: str) -> random.Random:
        """A random generator for one question, independent of every other question."""
        return random.Random(f"{self.seed}:{question_id}")

    def question(self, fact: Fact, kind: str, id: str, **content: Any) -> Question:
        """Make a question about `fact`, filling in what every question shares."""
        return Question(
            id=id,
            deck=self.deck.key,
            fact_key=fact.key,
            kind=kind,
            subject=fact.subject,
            relation=fact.relation,
            evidence=fact.evidence,
            source=fact.source or self.deck.source,
            **content,
        )

    def entity(self, key: str) -> Entity:
        """An entity of the deck."""
        return self.deck.entities[key]

    def right_values(self, fact: Fact) -> list[Value]:
        """Every value the deck states for the fact's subject and relation."""
        return self.index.values_of[(fact.relation, fact.subject)]

    def accepted(self, fact: Fact) -> tuple[str, ...]:
        """Every typed answer accepted for the fact's subject and relation."""
        answers = [answer for value in self.right_values(fact) for answer in value.answers]
        for same in self.index.facts_of[(fact.relation, fact.subject)]:
            answers += same.accepted
        return _unique(answers)

    def distractors(
        self, fact: Fact, like: Value, rng: random.Random, count: int, statement: bool = False
    ) -> list[Value]:
        """Wrong values for the fact's subject and relation, of the same type as `like`.

        Args:
            fact: The fact asked about.
            like: The right value the distractors stand beside.
            rng: The question's random generator.
            count: How many are wanted.
            statement: Whether they are for a false statement, where each must be
                impossible for the subject (ranges of figures must not overlap);
                for options, figures must be clearly different reported figures.

        Returns:
            Up to `count` values; fewer if the deck lacks plausible ones.
        """
        relation = self.deck.relations[fact.relation]
        rights = self.right_values(fact)
        taken = {normalise(answer) for value in rights for answer in value.answers}
        chosen: list[Value] = []
        for candidate in self._candidates(relation, fact, like, rng, statement):
            if len(chosen) == count:
                break
            if self._is_wrong(candidate, fact, rights, like, statement):
                key = normalise(candidate.display)
                if key not in taken:
                    taken.add(key)
                    chosen.append(candidate)
        return chosen

    def _is_wrong(
        self, candidate: Value, fact: Fact, rights: Sequence[Value], like: Value, statement: bool
    ) -> bool:
        if isinstance(candidate, EntityRef) and candidate.key == fact.subject:
            return False
        if isinstance(candidate, DateValue) and not _not_after(candidate, self.deck.as_of):
            return False
        if isinstance(candidate, Quantity | Money):
            if not isinstance(like, Quantity | Money) or _measure(candidate) != _measure(like):
                return False
            if statement:
                return not any(_could_be_same(candidate, right) for right in rights)
            return all(
                _figures_apart(candidate, right) and not _implied(candidate, right)
                for right in rights
                if isinstance(right, Quantity | Money)
            )
        return not any(_could_be_same(candidate, right) for right in rights)

    def _candidates(
        self, relation: Relation, fact: Fact, like: Value, rng: random.Random, statement: bool
    ) -> Iterator[Value]:
        """Plausible values in order of preference: the relation's own, then similar ones."""
        own = self.index.relation_values[relation.key]
        if isinstance(like, EntityRef):
            yield from _draw(own, rng)
            pool = self.index.entities_of_type[relation.value]
            yield from (self.entity(key).ref for key in _draw(pool, rng))
        elif isinstance(like, DateValue):
            same_precision = [v for v in _draw(own, rng) if _precision(v) == _precision(like)]
            yield from same_precision
            yield from _nearby_dates(like, rng)
        elif isinstance(like, Quantity | Money):
            if statement:
                yield from _draw(own, rng)
            amounts = self.index.amounts_in[(like.kind, _measure(like))]
            for amount in itertools.chain(_draw(amounts, rng), _scaled(like, rng)):
                yield _with_amount(like, amount)
        else:
            yield from _draw(own, rng)

    def subject_distractors(
        self, relation: Relation, rights: set[str], avoid: str | None, rng: random.Random
    ) -> list[Entity]:
        """Subjects for the options of a reverse question, none of them possibly right."""
        taken = {normalise(answer) for key in rights for answer in self.entity(key).ref.answers}
        chosen: list[Entity] = []
        pools = (
            self.index.relation_subjects[relation.key],
            self.index.entities_of_type[relation.subject],
        )
        for key in itertools.chain.from_iterable(_draw(pool, rng) for pool in pools):
            if len(chosen) == CHOICES - 1:
                break
            if key in rights or key == avoid:
                continue
            entity = self.entity(key)
            if normalise(entity.name) not in taken:
                taken.add(normalise(entity.name))
                chosen.append(entity)
        return chosen


def _unique(texts: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(texts))


def _draw(pool: Sequence[Any], rng: random.Random) -> Iterator[Any]:
    """Items of a sorted pool in random order; from a big pool, up to `_PROBES` of them.

    Big pools are probed lazily, one random index at a time, so that a question
    needing three distractors costs about three draws whatever the deck's size.
    """
    if len(pool) <= 2 * _PROBES:
        items = list(pool)
        rng.shuffle(items)
        yield from items
        return
    seen: set[int] = set()
    for _ in range(_PROBES):
        index = rng.randrange(len(pool))
        if index not in seen:
            seen.add(index)
            yield pool[index]


def _precision(date: DateValue) -> int:
    return 1 + (date.month is not None) + (date.day is not None)


def _not_after(date: DateValue, as_of: DateValue) -> bool:
    """Whether a date could have happened by `as_of` (a date from the future is a giveaway)."""
    return (date.year, date.month or 1, date.day or 1) <= (
        as_of.year,
        as_of.month or 12,
        as_of.day or 31,
    )


def _nearby_dates(date: DateValue, rng: random.Random) -> list[DateValue]:
    """Dates near `date` at its precision, in random order."""
    if date.month is None:
        offsets = [o for o in range(-4, 5) if o]
        rng.shuffle(offsets)
        return [DateValue(date.year + offset) for offset in offsets]
    if date.day is None:
        offsets = [o for o in range(-15, 16) if o]
        rng.shuffle(offsets)
        months = (date.year * 12 + date.month - 1 + offset for offset in offsets)
        return [DateValue(m // 12, m % 12 + 1) for m in months]
    day = datetime.date(date.year, date.month, date.day)
    offsets = [o for o in range(-120, 121, 7) if o]
    rng.shuffle(offsets)
    shifted = (day + datetime.timedelta(days=offset) for offset in offsets)
    return [DateValue(d.year, d.month, d.day) for d in shifted]


def _scaled(like: Quantity | Money, rng: random.Random) -> list[Decimal]:
    """The figure times 0.1 ... 10, rounded to two significant digits, in random order."""
    amount = to_decimal(like.amount)
    whole = amount == amount.to_integral_value()
    # A share of a whole (30% of training time) can't be 300%.
    ceiling = Decimal(100) if _is_percent(like) and amount <= 100 else _INFINITY
    scaled = []
    for scale in _FIGURE_SCALES:
        value = amount * scale
        if value <= 0:
            continue
        digits = value.adjusted() - 1
        value = value.scaleb(-digits).quantize(Decimal(1)).scaleb(digits)
        if whole:
            # Counts stay whole ("5 models", not "5.5 models"); 1 would need a singular unit.
            value = value.to_integral_value()
            if value < 2:
                continue
        if value <= ceiling and value not in scaled:
            scaled.append(value)
    rng.shuffle(scaled)
    return scaled


def _is_percent(value: Quantity | Money) -> bool:
    return isinstance(value, Quantity) and value.unit.strip().lower() in {"%", "percent"}


def _with_amount(like: Quantity | Money, amount: Decimal) -> Quantity | Money:
    number: int | float = int(amount) if amount == amount.to_integral_value() else float(amount)
    if isinstance(like, Quantity):
        return Quantity(number, like.unit, like.qualifier)
    return Money(number, like.currency, like.qualifier)


def _value_token(value: Value) -> str:
    return value.key if isinstance(value, EntityRef) else str(value.identity)


# --- the kinds --------------------------------------------------------------------------------

Built = Iterator[Question | Dropped]


def multiple_choice(context: Context, fact: Fact) -> Built:
    """Ask the forward question with four options, one right."""
    relation = context.deck.relations[fact.relation]
    if relation.many:
        return
    kind = "multiple_choice"
    id = context.question_id(fact, kind)
    rng = context.rng(id)
    value = fact.values[0]
    wrong = context.distractors(fact, value, rng, CHOICES - 1)
    if len(wrong) < CHOICES - 1:
        yield _too_few(fact, kind, len(wrong), CHOICES - 1)
        return
    choices = [value.display, *(distractor.display for distractor in wrong)]
    rng.shuffle(choices)
    yield context.question(
        fact,
        kind,
        id,
        prompt=relation.forward.format(subject=context.entity(fact.subject).name),
        answer=value.display,
        accepted=_unique((*value.answers, *fact.accepted)),
        choices=tuple(choices),
        correct=(value.display,),
        answer_kind=value.kind,
    )


def multiple_select(context: Context, fact: Fact) -> Built:
    """Ask the forward question of a `many` relation: pick every right value (4-6 options)."""
    relation = context.deck.relations[fact.relation]
    if not relation.many:
        return
    kind = "multiple_select"
    id = context.question_id(fact, kind)
    rng = context.rng(id)
    rights = context.right_values(fact)
    shown = rng.sample(rights, min(len(rights), CHOICES))
    needed = max(2, CHOICES - len(shown))
    wrong = context.distractors(fact, fact.values[0], rng, needed)
    if len(wrong) < needed:
        yield _too_few(fact, kind, len(wrong), needed)
        return
    choices = [value.display for value in (*shown, *wrong)]
    rng.shuffle(choices)
    correct = tuple(choice for choice in choices if choice in {v.display for v in shown})
    yield context.question(
        fact,
        kind,
        id,
        prompt=relation.forward.format(subject=context.entity(fact.subject).name),
        answer=", ".join(correct),
        accepted=correct,
        choices=tuple(choices),
        correct=correct,
        answer_kind=fact.values[0].kind,
    )


def true_false(context: Context, fact: Fact) -> Built:
    """State the fact, or (half of the time, for `unique` relations) a false version of it."""
    relation = context.deck.relations[fact.relation]
    kind = "true_false"
    id = context.question_id(fact, kind)
    rng = context.rng(id)
    value = rng.choice(fact.values)
    stated, answer = value, TRUE
    if relation.unique and rng.random() < 0.5:
        false = context.distractors(fact, value, rng, 1, statement=True)
        if false:
            stated, answer = false[0], FALSE
    subject = context.entity(fact.subject).name
    yield context.question(
        fact,
        kind,
        id,
        prompt=relation.statement.format(subject=subject, value=stated.display),
        answer=answer,
        accepted=(answer,),
        choices=(TRUE, FALSE),
        correct=(answer,),
        answer_kind="boolean",
    )


def typed(context: Context, fact: Fact) -> Built:
    """Ask the forward question; every right value and alias is accepted."""
    relation = context.deck.relations[fact.relation]
    if relation.many:
        return
    kind = "typed"
    value = fact.values[0]
    others = (right.display for right in context.right_values(fact) if right != value)
    yield context.question(
        fact,
        kind,
        context.question_id(fact, kind),
        prompt=relation.forward.format(subject=context.entity(fact.subject).name),
        answer=value.display,
        accepted=context.accepted(fact),
        choices=(),
        correct=_unique((value.display, *others)),
        answer_kind=value.kind,
    )


def cloze(context: Context, fact: Fact) -> Built:
    """Blank the cloze words out of the evidence; the learner types them."""
    kind = "cloze"
    text = fact.cloze or _default_cloze(fact)
    if text is None:
        reason = "no `cloze` given, and the value's text does not occur in the evidence"
        yield Dropped(fact.key, kind, reason)
        return
    if text not in fact.evidence:
        yield Dropped(fact.key, kind, f"cloze '{text}' does not occur in the evidence")
        return
    answer_kind, accepted = "text", (text,)
    if len(fact.values) == 1 and _names_value(text, fact.values[0]):
        value = fact.values[0]
        answer_kind = value.kind
        accepted = _unique((text, *value.answers, *fact.accepted))
    yield context.question(
        fact,
        kind,
        context.question_id(fact, kind),
        prompt=fact.evidence.replace(text, BLANK),
        answer=text,
        accepted=accepted,
        choices=(),
        correct=(text,),
        answer_kind=answer_kind,
    )


def _default_cloze(fact: Fact) -> str | None:
    if len(fact.values) != 1:
        return None
    return next((text for text in fact.values[0].answers if text in fact.evidence), None)


def _names_value(text: str, value: Value) -> bool:
    """Whether cloze words say the value itself (so its aliases are right too)."""
    if isinstance(value, Quantity | Money):
        parsed = parse_amount(text)
        return parsed is not None and parsed.amount == to_decimal(value.amount)
    if isinstance(value, DateValue):
        return parse_date(text) == (value.year, value.month, value.day)
    return normalise(text) in {normalise(answer) for answer in value.answers}


def reverse(context: Context, fact: Fact) -> Built:
    """Ask for the subject from the value: typed, with options when they can be unambiguous."""
    relation = context.deck.relations[fact.relation]
    if relation.reverse is None:
        return
    kind = "reverse"
    subject = context.entity(fact.subject)
    for value in fact.values:
        id = context.question_id(fact, kind, _value_token(value) if relation.many else "")
        rights = context.index.subjects_matching(relation.key, value, MAX_REVERSE_ANSWERS)
        if len(rights) > MAX_REVERSE_ANSWERS:
            reason = f"more than {MAX_REVERSE_ANSWERS} subjects fit '{value.display}'"
            yield Dropped(fact.key, kind, reason)
            continue
        others = [key for key in rights if key != subject.key]
        everyone = [subject, *map(context.entity, others)]
        rng = context.rng(id)
        avoid = value.key if isinstance(value, EntityRef) else None
        wrong = context.subject_distractors(relation, set(rights), avoid, rng)
        choices: tuple[str, ...] = ()
        correct = tuple(entity.name for entity in everyone)
        if len(wrong) == CHOICES - 1:
            options = [subject.name, *(entity.name for entity in wrong)]
            rng.shuffle(options)
            choices, correct = tuple(options), (subject.name,)
        yield context.question(
            fact,
            kind,
            id,
            prompt=relation.reverse.format(value=value.display),
            answer=subject.name,
            accepted=_unique(answer for entity in everyone for answer in entity.ref.answers),
            choices=choices,
            correct=correct,
            answer_kind="entity",
        )


def _too_few(fact: Fact, kind: str, found: int, needed: int) -> Dropped:
    return Dropped(fact.key, kind, f"only {found} plausible distractors, {needed} needed")


KindBuilder = Callable[[Context, Fact], Iterable[Question | Dropped]]

KINDS: dict[str, KindBuilder] = {
    "multiple_choice": multiple_choice,
    "multiple_select": multiple_select,
    "true_false": true_false,
    "typed": typed,
    "cloze": cloze,
    "reverse": reverse,
}


# --- entry points -----------------------------------------------------------------------------


def generate(deck: Deck, seed: int = 0) -> Generation:
    """Generate every question of a deck.

    Args:
        deck: A validated deck.
        seed: Chooses distractors, option order and true/false; never ids.

    Returns:
        The questions and the questions dropped, both sorted.
    """
    context = Context(deck, seed)
    return _run(context, context.index.facts)


def generate_for_fact(deck: Deck, fact_key: str, seed: int = 0) -> Generation:
    """Generate the questions of one fact, as `generate` would (for previews).

    Args:
        deck: A validated deck.
        fact_key: The fact.
        seed: As for `generate`.

    Returns:
        The fact's questions and dropped questions.

    Raises:
        KeyError: If the deck has no such fact.
    """
    fact = deck.facts_by_key[fact_key]
    return _run(Context(deck, seed), [fact])


def _run(context: Context, facts: Iterable[Fact]) -> Generation:
    questions: list[Question] = []
    dropped: list[Dropped] = []
    for fact in facts:
        for build in KINDS.values():
            for item in build(context, fact):
                (questions if isinstance(item, Question) else dropped).append(item)
    order = {kind: position for position, kind in enumerate(KINDS)}
    questions.sort(key=lambda q: (q.fact_key, order[q.kind], q.id))
    dropped.sort(key=lambda d: (d.fact_key, order[d.kind], d.reason))
    return Generation(tuple(questions), tuple(dropped))
