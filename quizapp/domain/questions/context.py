"""The generation context: the deck, its indexes, the seed, and how distractors are found."""

from __future__ import annotations

import datetime
import itertools
import random
from collections.abc import Iterable, Iterator, Sequence
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
    TextValue,
    Value,
)
from quizapp.domain.grading import TYPO_MIN_LENGTH, TYPO_RATIO, normalise
from quizapp.domain.numbers import parse_amount, parse_date, to_decimal
from quizapp.domain.questions.cards import answer_kind, is_card_relation
from quizapp.domain.questions.compare import (
    INFINITY,
    could_be_same,
    figures_apart,
    implied,
    measure,
    precision,
)
from quizapp.domain.questions.index import Index, NameIndex
from quizapp.domain.questions.model import Dropped, Question, question_id
from quizapp.domain.questions.phrasing import mentions

__all__ = ["CHOICES", "Context", "unique_texts", "value_token"]

CHOICES = 4
# Options an author wrote shown at most (Kahoot has four answers, one or more right).
MAX_GIVEN_WRONG = 5
# How many candidates to try from a big pool before giving up on distractors.
_PROBES = 32
_FIGURE_SCALES = tuple(map(Decimal, ("0.1", "0.2", "0.5", "2", "3", "5", "10")))


class Context:
    """What a kind's builder gets besides the fact: the deck, its indexes and the seed.

    Builders draw all randomness from `rng(question_id)` and all knowledge of other
    facts from the methods here, which is what keeps questions deterministic and
    unambiguous.
    """

    def __init__(self, deck: Deck, seed: int) -> None:
        self.deck = deck
        self.seed = seed
        self.index = Index(deck)
        # Deck-wide plans that builders compute once (the true/false balance).
        self.cache: dict[str, Any] = {}

    def question_id(self, fact: Fact, kind: str, part: str = "") -> str:
        """The stable id of a question about `fact`."""
        return question_id(self.deck.key, fact.key, fact.relation, kind, part)

    def rng(self, question_id: str) -> random.Random:
        """A random generator for one question, independent of every other question."""
        return random.Random(f"{self.seed}:{question_id}")

    def question(self, fact: Fact, kind: str, id: str, **content: Any) -> Question | Dropped:
        """Make a question about `fact`, filling in what every question shares.

        Giveaways are repaired or refused here, for every kind: an alias that the
        prompt itself contains is not accepted ("Porsche" for "Who founded
        Porsche?", an alias of Ferdinand Porsche), and a question whose right
        answer is written in its prompt ("Which company makes the Porsche 911?")
        is dropped.
        """
        prompt, answer = content["prompt"], content["answer"]
        if content["answer_kind"] == "entity" and kind != "cloze" and mentions(prompt, answer):
            return Dropped(fact.key, kind, f"the answer '{answer}' is written in the question")
        content["accepted"] = tuple(
            text
            for text in content["accepted"]
            if text == answer or text in content["correct"] or not mentions(prompt, text)
        )
        if kind in ("typed", "cloze", "reverse") and content["answer_kind"] in ("entity", "text"):
            content["near_misses"] = self.near_misses(content["accepted"])
        return Question(
            id=id,
            deck=self.deck.key,
            fact_key=fact.key,
            kind=kind,
            subject=fact.subject,
            relation=fact.relation,
            evidence=fact.evidence,
            source=fact.source or self.deck.source,
            # A reverse question asks for the subject, which the picture may show.
            image=fact.image if fact.image and kind != "reverse" else "",
            **content,
        )

    def near_misses(self, accepted: Sequence[str]) -> tuple[str, ...]:
        """Names of the deck's entities that would pass as a typo of an accepted answer.

        Typo tolerance must never accept another entity's name ("GLM-4V-Plus" for
        "GLM-4-Plus"); the grader refuses these and answers closer to them.
        """
        index = self.cache.get("names")
        if index is None:
            index = self.cache["names"] = NameIndex(self.deck)
        keys = {normalise(text) for text in accepted}
        # an answer's own entity is no near miss ("Moonshot AI" beside "Moonshot")
        own = {index.names[key][1] for key in keys if key in index.names}
        found: dict[str, None] = {}
        for key in keys:
            if len(key) < TYPO_MIN_LENGTH:
                continue
            for match in index.close_to(key, TYPO_RATIO - 10):
                text, entity = index.names[match]
                if match not in keys and entity not in own:
                    found[text] = None
        return tuple(sorted(found))

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
        return unique_texts(answers)

    def given_wrong(self, fact: Fact) -> list[str]:
        """The author's own wrong options of a fact (a Kahoot question's), without right ones.

        An author who wrote the options has said they are wrong, so they stand even
        where the deck itself could not rule a value out (an open relation).
        """
        if not fact.choices:
            return []
        taken = {normalise(answer) for value in self.right_values(fact) for answer in value.answers}
        wrong: list[str] = []
        for text in fact.choices:
            if normalise(text) not in taken:
                taken.add(normalise(text))
                wrong.append(text)
        return wrong[:MAX_GIVEN_WRONG]

    def closed(self, relation: Relation) -> bool:
        """Whether the deck can know a value of `relation` to be wrong for a subject.

        Only a `unique` relation says so: one value per subject (any other is
        false), or for a `many` relation a complete list. Of any other relation
        the deck states some values, and an unstated one may be true as well.
        """
        return relation.unique

    def card_kind(self, fact: Fact, value: Value | None = None) -> str | None:
        """The kind of an imported card's answer (`cards.answer_kind`), None for other facts.

        Args:
            fact: The fact.
            value: One of its values; its first if None.
        """
        if not is_card_relation(self.deck.relations[fact.relation]):
            return None
        if value is None or value == fact.values[0]:
            return self.index.card_kinds[fact.key]
        return answer_kind(self.entity(fact.subject).name, value.display)

    def distractors(
        self, fact: Fact, like: Value, rng: random.Random, count: int, statement: bool = False
    ) -> list[Value]:
        """Values known to be wrong for the fact's subject and relation, like `like`.

        None if the relation is not `closed`: a distractor must be known to be
        wrong, never merely unstated.

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
        if not self.closed(relation):
            return []
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
            if not isinstance(like, Quantity | Money) or measure(candidate) != measure(like):
                return False
            if statement:
                return not any(could_be_same(candidate, right) for right in rights)
            return all(
                figures_apart(candidate, right) and not implied(candidate, right)
                for right in rights
                if isinstance(right, Quantity | Money)
            )
        return not any(could_be_same(candidate, right) for right in rights)

    def _candidates(
        self, relation: Relation, fact: Fact, like: Value, rng: random.Random, statement: bool
    ) -> Iterator[Value]:
        """Plausible values in order of preference: the relation's own, then similar ones.

        An imported card's only candidates are the other answers of its kind: "1989"
        is never offered for the capital of Kenya. A date, asked as a card's one answer,
        may also be set beside nearby dates (any other year is wrong).
        """
        own = self.index.relation_values[relation.key]
        if (kind := self.card_kind(fact, like)) is not None:
            yield from _draw(self.index.values_of_kind[(relation.key, kind)], rng)
            yield from _card_neighbours(kind, like, rng, self.deck.as_of)
        elif isinstance(like, EntityRef):
            yield from _draw(own, rng)
            # then entities that play a part like the right value's, then any of its type
            for role in sorted(self.index.roles[like.key] - {(relation.key, "value")}):
                alike = self.index.with_role[role]
                yield from (
                    self.entity(key).ref
                    for key in _draw(alike, rng)
                    if self.entity(key).type == relation.value
                )
            pool = self.index.entities_of_type[relation.value]
            yield from (self.entity(key).ref for key in _draw(pool, rng))
        elif isinstance(like, DateValue):
            same_precision = [v for v in _draw(own, rng) if precision(v) == precision(like)]
            yield from same_precision
            yield from _nearby_dates(like, rng)
        elif isinstance(like, Quantity | Money):
            if statement:
                yield from _draw(own, rng)
            # The relation's own figures, then scaled ones: a revenue is never offered a
            # launch price as a distractor ("around 33,000 JPY" for Sony's revenue).
            amounts = self.index.amounts_in[(relation.key, measure(like))]
            for amount in itertools.chain(_draw(amounts, rng), _scaled(like, rng)):
                yield _with_amount(like, amount)
        else:
            yield from _draw(own, rng)

    def term_fronts(self, fact: Fact) -> list[str] | None:
        """The term cards a term card's reverse question picks options from, or None.

        None unless the fact is a term card (`cards.reversible`): the other term
        cards whose answer is of the same kind ("el gato" beside "el perro").
        """
        kind = self.card_kind(fact)
        pool = self.index.term_fronts.get((fact.relation, kind or ""), [])
        return pool if fact.subject in pool else None

    def subject_distractors(
        self,
        relation: Relation,
        rights: set[str],
        avoid: str | None,
        rng: random.Random,
        pool: Sequence[str] | None = None,
    ) -> list[Entity]:
        """Subjects for the options of a reverse question, each known to be wrong.

        A subject is known to be wrong only if the relation is `closed` and the deck
        states its values, none of which could be the one asked: a product whose
        maker the deck never names is not offered as "not made by Zhipu".

        Args:
            pool: The subjects to draw from (sorted); the relation's by default.
        """
        if not self.closed(relation):
            return []
        taken = {normalise(answer) for key in rights for answer in self.entity(key).ref.answers}
        chosen: list[Entity] = []
        if pool is None:
            pool = self.index.relation_subjects[relation.key]
        for key in _draw(pool, rng):
            if len(chosen) == CHOICES - 1:
                break
            if key in rights or key == avoid:
                continue
            entity = self.entity(key)
            if normalise(entity.name) not in taken:
                taken.add(normalise(entity.name))
                chosen.append(entity)
        return chosen


def unique_texts(texts: Iterable[str]) -> tuple[str, ...]:
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


def _card_neighbours(
    kind: str, like: Value, rng: random.Random, as_of: DateValue
) -> Iterator[TextValue]:
    """Dates near a card's date at its precision, or its figure scaled (8 legs: 4, 16).

    A card asks one question with one answer, so any other year or figure is wrong.
    A figure is scaled only if the card writes it as the app does ("206 bones",
    "$15 million"), so that the options look alike, and only if unhedged: "over 500"
    would be true of a figure of over 1,000.
    """
    text = like.display.rstrip(".")
    if kind.startswith("date:") and (date := parse_date(text)) is not None:
        for near in _nearby_dates(DateValue(*date), rng):
            if _not_after(near, as_of):
                yield TextValue(near.display)
    elif kind.startswith(("number:", "money:")) and (figure := _card_figure(text)) is not None:
        for amount in _scaled(figure, rng):
            yield TextValue(_with_amount(figure, amount).display)


def _card_figure(text: str) -> Quantity | Money | None:
    """The figure a card's answer states, if it is unhedged and written as the app writes it."""
    parsed = parse_amount(text)
    if parsed is None or parsed.qualifier is not None:
        return None
    amount = to_decimal(parsed.amount)
    number: int | float = int(amount) if amount == amount.to_integral_value() else float(amount)
    figure: Quantity | Money
    if parsed.currency:
        if parsed.rest:
            return None
        figure = Money(number, parsed.currency)
    else:
        # the unit as the card writes it ("°C"; the parser lowers it)
        unit = text[len(text) - len(parsed.rest) :] if parsed.rest else ""
        figure = Quantity(number, "%" if parsed.percent else unit)
    return figure if figure.display == text else None


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
    ceiling = Decimal(100) if _is_percent(like) and amount <= 100 else INFINITY
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


def value_token(value: Value) -> str:
    return value.key if isinstance(value, EntityRef) else str(value.identity)
