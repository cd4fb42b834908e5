"""Relation presets: a fact file may use built-in relations by name."""

from __future__ import annotations

import pytest

from quizapp.domain.facts import FactFileError, parse_deck, to_toml
from quizapp.domain.facts.presets import LIBRARIES, PRESETS
from quizapp.domain.questions import generate

HEADER = """
[deck]
key = "mini"
title = "Mini"
source = "https://example.com"
as_of = "2025"
language = "en"
"""

SAMPLE_VALUES = {
    "person": "some-person",
    "company": "some-company",
    "organisation": "some-organisation",
    "product": "some-product",
    "place": "other-place",
    "group": "some-group",
    "concept": "some-concept",
    "date": '"2020-05"',
    "number": '{ amount = 12, unit = "things" }',
    "money": '{ amount = 2e9, currency = "USD" }',
    "text": '"research"',
}
ENTITIES = "".join(
    f'\n[entities.{key}]\nname = "{key.replace("-", " ").title()}"\ntype = "{kind}"\n'
    for kind, key in [
        ("person", "some-person"),
        ("company", "some-company"),
        ("organisation", "some-organisation"),
        ("product", "some-product"),
        ("place", "some-place"),
        ("place", "other-place"),
        ("group", "some-group"),
        ("concept", "some-concept"),
    ]
)


def fact(key: str, relation: str, subject: str, value: str, many: bool = False) -> str:
    value = f"[{value}]" if many else value
    return (
        f'\n[[facts]]\nkey = "{key}"\nsubject = "{subject}"\nrelation = "{relation}"\n'
        f'value = {value}\nevidence = "A sentence."\n'
    )


def subject_of(preset: dict) -> str:
    return {"place": "some-place"}.get(preset["subject"], SAMPLE_VALUES[preset["subject"]])


@pytest.mark.parametrize("key", sorted(PRESETS))
def test_every_preset_is_valid_and_asks_questions(key):
    preset = PRESETS[key]
    value = SAMPLE_VALUES[preset["value"]]
    if preset["value"] not in ("date", "number", "money", "text"):
        value = f'"{value}"'
    text = HEADER + ENTITIES + fact("f", key, subject_of(preset), value, preset["many"])
    deck = parse_deck(text)  # no [relations] table at all
    assert deck.relations[key].forward == preset["forward"]
    assert generate(deck).questions, key
    assert parse_deck(to_toml(deck)) == deck


@pytest.mark.parametrize(
    ("date", "statement", "question"),
    [
        ("2021", "Some Company was founded in 2021.", "In which year was Some Company founded?"),
        (
            "2021-03",
            "Some Company was founded in March 2021.",
            "In which month and year was Some Company founded?",
        ),
        (
            "2021-03-04",
            "Some Company was founded on March 4, 2021.",
            "On which date was Some Company founded?",
        ),
    ],
)
def test_date_presets_read_right_at_every_precision(date, statement, question):
    text = HEADER + ENTITIES + fact("f", "founded", "some-company", f'"{date}"')
    prompts = {q.prompt for q in generate(parse_deck(text)).questions}
    assert statement in prompts
    assert question in prompts


def test_use_declares_a_library_and_a_table_replaces_its_preset():
    text = (
        HEADER
        + '\n[relations]\nuse = ["companies", "capital_of"]\n'
        + '\n[relations.founded]\nlabel = "starts"\nsubject = "company"\nvalue = "date"\n'
        + 'forward = "When did {subject} start?"\nreverse = false\n'
        + 'statement = "{subject} started in {value}."\n'
        + ENTITIES
    )
    deck = parse_deck(text)
    assert set(LIBRARIES["companies"]) | {"capital_of"} == set(deck.relations)
    assert deck.relations["founded"].label == "starts"


def test_unknown_library_is_named_with_a_hint():
    with pytest.raises(FactFileError) as error:
        parse_deck(HEADER + '\n[relations]\nuse = ["companys"]\n')
    assert "no preset or library 'companys' (did you mean 'companies'?)" in str(error.value)


def test_a_relation_that_is_neither_declared_nor_a_preset_is_still_an_error():
    text = HEADER + ENTITIES + fact("f", "founderr", "some-company", '"some-person"')
    with pytest.raises(FactFileError) as error:
        parse_deck(text)
    assert "unknown relation 'founderr' (did you mean 'founder'?)" in str(error.value)


def test_a_relation_table_called_use_is_still_a_relation():
    text = (
        HEADER
        + '\n[relations.use]\nlabel = "uses"\nsubject = "concept"\nvalue = "text"\n'
        + 'forward = "What is {subject} used for?"\nreverse = false\n'
        + 'statement = "{subject} is used for {value}."\n'
        + ENTITIES
        + fact("f", "use", "some-concept", '"lamps"')
    )
    assert parse_deck(text).relations["use"].label == "uses"


def test_use_must_list_names():
    with pytest.raises(FactFileError) as error:
        parse_deck(HEADER + '\n[relations]\nuse = "companies"\n')
    assert "field 'use' must be a list of names" in str(error.value)


@pytest.mark.parametrize("key", ["opened", "construction_began", "completed"])
@pytest.mark.parametrize(
    ("date", "written", "asked"),
    [
        ("2021", "in 2021", "In which year"),
        ("2021-03", "in March 2021", "In which month and year"),
        ("2021-03-04", "on March 4, 2021", "On which date"),
    ],
)
def test_general_date_presets_read_right_at_every_precision(key, date, written, asked):
    text = HEADER + ENTITIES + fact("f", key, "some-place", f'"{date}"')
    prompts = {q.prompt for q in generate(parse_deck(text)).questions}
    assert any("Some Place" in p and p.endswith(f"{written}.") for p in prompts), prompts
    assert any(p.startswith(asked) and "Some Place" in p for p in prompts), prompts
