"""Properties of generated questions on random small decks (hypothesis).

Every check here is made against the deck's facts by brute force, independently
of the generator's indexes: that is what finds a distractor that is secretly
right or a single-answer question with two right options.
"""

from __future__ import annotations

import json
import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bench.synthetic import RELATIONS as BENCH_RELATIONS
from quizapp.domain.facts import (
    DateValue,
    Deck,
    EntityRef,
    Money,
    Quantity,
    TextValue,
    Value,
    parse_deck,
    to_toml,
)
from quizapp.domain.grading import judge, normalise
from quizapp.domain.numbers import QUALIFIERS, parse_amount, parse_date
from quizapp.domain.questions import Question, generate
from quizapp.domain.questions.compare import could_be_same, implied

EXAMPLES = settings(max_examples=40, deadline=None)

# The synthetic benchmark's relations (bench/synthetic.py), with a reverse question on
# the text relation too: properties must hold for reverse questions of text values.
RELATIONS: dict[str, dict[str, Any]] = {
    **BENCH_RELATIONS,
    "focus": {**BENCH_RELATIONS["focus"], "reverse": "Which company focuses on {value}?"},
}

FOCUS_AREAS = ["research", "infrastructure", "health care", "consumer apps", "robots", "chips"]


@st.composite
def decks(draw: st.DrawFn) -> dict[str, Any]:
    """Data of a small valid deck, with many chances of shared values (ambiguity)."""
    companies = [f"company-{n}" for n in range(draw(st.integers(2, 8)))]
    people = [f"person-{n}" for n in range(draw(st.integers(1, 6)))]
    backers = [f"backer-{n}" for n in range(draw(st.integers(1, 6)))]
    entities = {
        key: {"name": key.title().replace("-", " "), "type": "company"} for key in companies
    }
    # long, close names ("Person Number 1", "Person Number 2"): each passes as a typo of another
    entities |= {
        key: {"name": f"Person Number {key.rsplit('-', 1)[1]}", "type": "person"} for key in people
    }
    entities |= {
        key: {"name": key.title().replace("-", " "), "type": "organisation"} for key in backers
    }
    founder_unique = draw(st.booleans())
    relations = {key: dict(relation) for key, relation in RELATIONS.items()}
    relations["founder"]["unique"] = founder_unique
    relations["backer"]["unique"] = draw(st.booleans())

    facts: list[dict[str, Any]] = []

    def add(subject: str, relation: str, value: Any, display: str = "") -> None:
        key = f"{subject}-{relation}-{len(facts)}"
        facts.append(
            {
                "key": key,
                "subject": subject,
                "relation": relation,
                "value": value,
                "evidence": f"Some sentence says {display or value} about {subject}.",
            }
        )

    for company in companies:
        founders = draw(
            st.lists(st.sampled_from(people), max_size=1 if founder_unique else 2, unique=True)
        )
        for person in founders:
            add(company, "founder", person)
        if draw(st.booleans()):
            year = draw(st.integers(2019, 2024))
            month = draw(st.none() | st.integers(1, 12))
            day = draw(st.none() | st.integers(1, 28)) if month else None
            date = f"{year}" if month is None else f"{year}-{month:02d}"
            add(company, "founded", date if day is None else f"{date}-{day:02d}")
        if draw(st.booleans()):
            amount = draw(st.sampled_from([1e8, 5e8, 1e9, 2e9, 3e9]))
            add(
                company,
                "valuation",
                {
                    "amount": amount,
                    "currency": "USD",
                    "qualifier": draw(st.sampled_from(QUALIFIERS)),
                },
            )
        if draw(st.booleans()):
            amount = draw(st.sampled_from([50, 100, 200, 1000]))
            add(
                company,
                "staff",
                {
                    "amount": amount,
                    "unit": "people",
                    "qualifier": draw(st.sampled_from(QUALIFIERS)),
                },
            )
        if draw(st.booleans()):
            chosen = draw(st.lists(st.sampled_from(backers), min_size=1, max_size=3, unique=True))
            add(company, "backer", chosen)
        if draw(st.booleans()):
            add(company, "focus", draw(st.sampled_from(FOCUS_AREAS)))
    return {
        "deck": {
            "key": "random",
            "title": "Random",
            "source": "https://example.com",
            "as_of": "2025-02-04",
            "language": "en",
        },
        "relations": relations,
        "entities": entities,
        "facts": facts,
    }


# --- brute-force knowledge of the deck --------------------------------------------------------


def values_of(deck: Deck, relation: str, subject: str) -> list[Value]:
    return [
        value
        for fact in deck.facts
        if fact.relation == relation and fact.subject == subject
        for value in fact.values
    ]


def subjects_that_could_have(deck: Deck, relation: str, value: Value) -> set[str]:
    return {
        fact.subject
        for fact in deck.facts
        if fact.relation == relation
        for other in fact.values
        if could_be_same(value, other)
    }


def entity_named(deck: Deck, name: str) -> str:
    (key,) = [key for key, entity in deck.entities.items() if entity.name == name]
    return key


def read_value(deck: Deck, relation: str, text: str, like: Value) -> Value:
    """Turn displayed text back into a value of the relation's type."""
    if isinstance(like, EntityRef):
        return deck.entities[entity_named(deck, text)].ref
    if isinstance(like, DateValue):
        return DateValue(*parse_date(text))
    if isinstance(like, Quantity | Money):
        qualifier = next((q for q in QUALIFIERS[1:] if text.startswith(f"{q} ")), "exact")
        amount = int(parse_amount(text).amount)
        if isinstance(like, Quantity):
            return Quantity(amount, like.unit, qualifier)
        return Money(amount, like.currency, qualifier)
    return TextValue(text)


def statement_value(deck: Deck, question: Question) -> str:
    relation = deck.relations[question.relation]
    subject = re.escape(deck.entities[question.subject].name)
    pattern = re.escape(relation.statement).replace(re.escape("{subject}"), subject)
    # the preposition before a date follows its precision ("in 2023", "on May 1, 2023")
    pattern = re.sub(r"\b(?:in|on)\\ \\\{value\\\}", "(?:in|on) (.+)", pattern)
    pattern = pattern.replace(re.escape("{value}"), "(.+)")
    match = re.fullmatch(pattern, question.prompt)
    assert match, (pattern, question.prompt)
    return match.group(1)


# --- properties -------------------------------------------------------------------------------


@EXAMPLES
@given(decks(), st.integers(0, 3))
def test_options_are_unique_and_hold_the_answer(data: dict[str, Any], seed: int) -> None:
    for question in generate(Deck.from_dict(data), seed).questions:
        if question.choices:
            assert len({normalise(c) for c in question.choices}) == len(question.choices)
            assert set(question.correct) <= set(question.choices)
            assert question.kind == "multiple_select" or question.answer in question.choices
        if question.kind == "multiple_choice":
            assert len(question.choices) == 4
        if question.kind == "multiple_select":
            assert 4 <= len(question.choices) <= 8


@EXAMPLES
@given(decks(), st.integers(0, 3))
def test_forward_choices_have_exactly_the_right_answers_right(
    data: dict[str, Any], seed: int
) -> None:
    deck = Deck.from_dict(data)
    for question in generate(deck, seed).questions:
        if question.kind not in ("multiple_choice", "multiple_select"):
            continue
        rights = values_of(deck, question.relation, question.subject)
        right_texts = {normalise(text) for value in rights for text in value.answers}
        for option in question.choices:
            is_right = normalise(option) in right_texts
            assert is_right == (option in question.correct), (question, option)
            if not is_right:
                value = read_value(deck, question.relation, option, rights[0])
                # a distractor that is true as well ("over $1 billion" of a company
                # valued at over $2 billion) would be a second right answer
                if isinstance(value, Quantity | Money):
                    assert not any(implied(value, right) for right in rights), (question, option)
                else:
                    assert not any(could_be_same(value, right) for right in rights)
        if question.kind == "multiple_choice":
            assert len(question.correct) == 1


@EXAMPLES
@given(decks(), st.integers(0, 3))
def test_reverse_questions_are_unambiguous(data: dict[str, Any], seed: int) -> None:
    deck = Deck.from_dict(data)
    for question in generate(deck, seed).questions:
        if question.kind != "reverse":
            continue
        fact = deck.facts_by_key[question.fact_key]
        asked = next(v for v in fact.values if question.prompt.endswith(f"{v.display}?"))
        possible = subjects_that_could_have(deck, question.relation, asked)
        accepted = {normalise(text) for text in question.accepted}
        for subject in possible:
            assert normalise(deck.entities[subject].name) in accepted
        if question.choices:
            right = [c for c in question.choices if entity_named(deck, c) in possible]
            assert right == [question.answer] == list(question.correct)


@EXAMPLES
@given(decks(), st.integers(0, 3))
def test_false_statements_are_false(data: dict[str, Any], seed: int) -> None:
    deck = Deck.from_dict(data)
    for question in generate(deck, seed).questions:
        if question.kind != "true_false":
            continue
        rights = values_of(deck, question.relation, question.subject)
        stated = read_value(deck, question.relation, statement_value(deck, question), rights[0])
        could_be_true = any(could_be_same(stated, right) for right in rights)
        assert could_be_true == (question.answer == "True"), question
        if question.answer == "False":
            assert deck.relations[question.relation].unique


@EXAMPLES
@given(decks(), st.integers(0, 3))
def test_typed_questions_accept_every_right_answer(data: dict[str, Any], seed: int) -> None:
    deck = Deck.from_dict(data)
    for question in generate(deck, seed).questions:
        if question.kind == "typed":
            for value in values_of(deck, question.relation, question.subject):
                assert judge(question, value.display).correct, (question, value)


@EXAMPLES
@given(decks(), st.integers(0, 3), st.randoms(use_true_random=False))
def test_reordering_changes_nothing(data: dict[str, Any], seed: int, random) -> None:
    deck = Deck.from_dict(data)
    facts = list(data["facts"])
    random.shuffle(facts)
    entities = list(data["entities"].items())
    random.shuffle(entities)
    relations = list(data["relations"].items())
    random.shuffle(relations)
    shuffled = Deck.from_dict(
        {**data, "facts": facts, "entities": dict(entities), "relations": dict(relations)}
    )
    assert generate(shuffled, seed) == generate(deck, seed)


@EXAMPLES
@given(decks(), st.integers(0, 1000))
def test_deterministic_and_ids_independent_of_seed(data: dict[str, Any], seed: int) -> None:
    deck = Deck.from_dict(data)
    first = generate(deck, seed)
    assert generate(deck, seed) == first
    assert [q.id for q in generate(deck, seed + 1).questions] == [q.id for q in first.questions]
    ids = [q.id for q in first.questions]
    assert len(set(ids)) == len(ids)


@EXAMPLES
@given(decks())
def test_round_trips(data: dict[str, Any]) -> None:
    deck = Deck.from_dict(data)
    assert Deck.from_dict(json.loads(json.dumps(deck.to_dict()))) == deck
    assert parse_deck(to_toml(deck)) == deck


@EXAMPLES
@given(decks(), st.integers(0, 3))
def test_true_false_is_balanced(data: dict[str, Any], seed: int) -> None:
    answers = [
        q.answer for q in generate(Deck.from_dict(data), seed).questions if q.kind == "true_false"
    ]
    assert 0 <= answers.count("True") - answers.count("False") <= 1


@EXAMPLES
@given(decks(), st.integers(0, 3))
def test_wrong_options_are_known_wrong(data: dict[str, Any], seed: int) -> None:
    """Closed world: an option is offered as wrong only if the deck rules it out."""
    deck = Deck.from_dict(data)
    stated = {(fact.relation, fact.subject) for fact in deck.facts}
    for question in generate(deck, seed).questions:
        relation = deck.relations[question.relation]
        wrong = set(question.choices) - set(question.correct)
        if question.kind in ("multiple_choice", "multiple_select") or (
            question.kind == "true_false" and question.answer == "False"
        ):
            assert relation.unique, question
        if question.kind == "reverse" and wrong:
            assert relation.unique, question
            for option in wrong:
                assert (question.relation, entity_named(deck, option)) in stated, question
        if question.kind == "multiple_select":
            rights = values_of(deck, question.relation, question.subject)
            assert {normalise(v.display) for v in rights} == {
                normalise(c) for c in question.correct
            }


@EXAMPLES
@given(decks(), st.integers(0, 3))
def test_dates_read_right_at_every_precision(data: dict[str, Any], seed: int) -> None:
    deck = Deck.from_dict(data)
    wrong = re.compile(r"\bin [A-Z][a-z]+ \d{1,2}, \d{4}|\bon \d{4}\b|\bon [A-Z][a-z]+ \d{4}\b")
    for question in generate(deck, seed).questions:
        if question.relation == "founded" and question.kind != "cloze":
            assert not wrong.search(question.prompt), question.prompt
            assert not question.prompt.startswith("When "), question.prompt


@EXAMPLES
@given(decks(), st.integers(0, 3))
def test_typo_tolerance_never_accepts_another_entitys_name(data: dict[str, Any], seed: int) -> None:
    deck = Deck.from_dict(data)
    for question in generate(deck, seed).questions:
        if question.answer_kind != "entity" or question.kind in (
            "multiple_choice",
            "multiple_select",
        ):
            continue
        accepted = {normalise(text) for text in question.accepted}
        for entity in deck.entities.values():
            if normalise(entity.name) not in accepted:
                assert not judge(question, entity.name).correct, (question, entity.name)
