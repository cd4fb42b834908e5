"""Indexes of a deck, built once per generation, so each question costs the same."""

from __future__ import annotations

import bisect
import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from rapidfuzz import fuzz

from quizapp.domain.facts import DateValue, Deck, EntityRef, Fact, Money, Quantity, Value
from quizapp.domain.grading import normalise
from quizapp.domain.numbers import to_decimal
from quizapp.domain.questions.cards import answer_kind, is_card_relation, reversible
from quizapp.domain.questions.compare import AROUND, INFINITY, interval, measure

__all__ = ["Index", "NameIndex"]


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
            "around": (low / AROUND[1], high / AROUND[0]),
            # over a, i.e. [a, inf): a <= high
            "over": (Decimal(0), high),
            # under / up to a, i.e. [0, a]: a >= low
            "under": (low, INFINITY),
            "up to": (low, INFINITY),
        }
        for qualifier in sorted(self.entries):
            entries = self.entries[qualifier]
            first, last = ranges[qualifier]
            start = bisect.bisect_left(entries, (first, ""))
            for amount, subject in itertools.islice(entries, start, None):
                if amount > last:
                    break
                yield subject


class Index:
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
        # An entity's roles, (relation, "subject" or "value"): a derived category, so that
        # a distractor for a model is another model that has parameters, not a chatbot.
        self.roles: dict[str, set[tuple[str, str]]] = defaultdict(set)
        self.with_role: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.amounts_in: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
        # Imported cards' answers by kind (`cards.answer_kind`): fact key -> kind, and
        # (relation, kind) -> values, the only distractors of a card relation.
        self.card_kinds: dict[str, str] = {}
        self.values_of_kind: dict[tuple[str, str], list[Value]] = defaultdict(list)
        # (relation, kind) -> subjects of term cards (`cards.reversible`), sorted by fact key
        self.term_fronts: dict[tuple[str, str], list[str]] = defaultdict(list)
        for key in sorted(deck.entities):
            self.entities_of_type[deck.entities[key].type].append(key)
        seen: set[tuple[Any, ...]] = set()
        for fact in self.facts:
            self._add(fact, seen)
        for key, roles in self.roles.items():
            for role in roles:
                self.with_role[role].append(key)
        for key in list(self.with_role):
            self.with_role[key].sort()
        for key in list(self.relation_subjects):
            self.relation_subjects[key] = sorted(set(self.relation_subjects[key]))
        for key in list(self.amounts_in):
            self.amounts_in[key] = sorted(set(self.amounts_in[key]))
        for figures in self.figures.values():
            figures.freeze()

    def _add(self, fact: Fact, seen: set[tuple[Any, ...]]) -> None:
        pair = (fact.relation, fact.subject)
        if is_card_relation(self.deck.relations[fact.relation]):
            self._add_card(fact, seen)
        self.facts_of[pair].append(fact)
        self.relation_subjects[fact.relation].append(fact.subject)
        self.roles[fact.subject].add((fact.relation, "subject"))
        for value in fact.values:
            if isinstance(value, EntityRef):
                self.roles[value.key].add((fact.relation, "value"))
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
                self.figures[(fact.relation, measure(value))].add(value, fact.subject)
                self.amounts_in[(fact.relation, measure(value))].append(to_decimal(value.amount))
            else:
                self.subjects_with[(fact.relation, value.identity)].append(fact.subject)

    def _add_card(self, fact: Fact, seen: set[tuple[Any, ...]]) -> None:
        question = self.deck.entities[fact.subject].name
        kinds = [answer_kind(question, value.display) for value in fact.values]
        self.card_kinds[fact.key] = kinds[0]  # as cards.fact_kind
        if reversible(question, kinds[0]) and len(fact.values) == 1:
            self.term_fronts[(fact.relation, kinds[0])].append(fact.subject)
        for kind, value in zip(kinds, fact.values, strict=True):
            if ("kind", fact.relation, kind, value.identity) not in seen:
                seen.add(("kind", fact.relation, kind, value.identity))
                self.values_of_kind[(fact.relation, kind)].append(value)

    def subjects_matching(self, relation: str, value: Value, limit: int) -> list[str]:
        """Subjects of `relation` whose value could be `value`: at most `limit` + 1 of them."""
        found: Iterable[str]
        if isinstance(value, DateValue):
            found = self._dates_containing(relation, value)
        elif isinstance(value, Quantity | Money):
            found = self.figures[(relation, measure(value))].overlapping(*interval(value))
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


class NameIndex:
    """The deck's entity names (and aliases), to find those close to an answer.

    Comparing an answer with every name would cost the deck's size per question.
    Names are indexed by their three-letter pieces; a name close enough to pass
    as a typo shares most pieces with the answer, so only names sharing one of the
    answer's rarer pieces are compared (all names, when every piece is common).
    """

    def __init__(self, deck: Deck) -> None:
        self.names: dict[str, tuple[str, str]] = {
            normalise(text): (text, key)
            for key, entity in sorted(deck.entities.items())
            for text in (entity.name, *entity.aliases)
        }
        self.postings: dict[str, list[str]] = defaultdict(list)
        for name in self.names:
            for gram in _grams(name):
                self.postings[gram].append(name)
        self.common = max(64, len(self.names) // 20)

    def close_to(self, key: str, cutoff: float) -> list[str]:
        """Normalised names whose rapidfuzz ratio to `key` is at least `cutoff`."""
        rare = [g for g in _grams(key) if len(self.postings.get(g, ())) <= self.common]
        candidates: Iterable[str] = (
            {name for gram in rare for name in self.postings[gram]} if rare else self.names
        )
        return sorted(name for name in candidates if fuzz.ratio(key, name) >= cutoff)


def _grams(text: str) -> set[str]:
    return {text[i : i + 3] for i in range(max(1, len(text) - 2))}
