"""Advice for deck authors (quizapp.domain.lint)."""

from __future__ import annotations

from pathlib import Path

from quizapp.domain.facts import Deck, load_deck
from quizapp.domain.lint import lint

ROOT = Path(__file__).parents[2]


def deck_with(relations: dict, facts: list) -> Deck:
    return Deck.from_dict(
        {
            "deck": {
                "key": "d",
                "title": "D",
                "source": "https://example.com",
                "as_of": "2025",
                "language": "en",
            },
            "relations": relations,
            "entities": {
                "acme": {"name": "Acme", "type": "company"},
                "ann": {"name": "Ann", "type": "person"},
            },
            "facts": facts,
        }
    )


def relation(value: str, **extra) -> dict:
    return {
        "label": "x",
        "subject": "company",
        "value": value,
        "forward": "What about {subject}?",
        "reverse": False,
        "statement": "{subject} was founded in {value}.",
        **extra,
    }


def fact(key: str, relation_key: str, value) -> dict:
    return {
        "key": key,
        "subject": "acme",
        "relation": relation_key,
        "value": value,
        "evidence": "Something.",
    }


def test_advice_names_the_relation_or_fact_and_a_fix() -> None:
    deck = deck_with(
        {
            "founders": relation("person", many=True),
            "pitch": relation("text"),
            "founded": relation("date", statement="{subject} was founded {value}."),
        },
        [
            fact("acme-founders", "founders", ["ann"]),
            fact("acme-pitch", "pitch", "cheap reliable rockets for everyone"),
            fact("acme-founded", "founded", "1969-05-01"),
        ],
    )
    notes = {note.where: note for note in lint(deck)}
    assert "unique = true" in notes["relation 'founders'"].fix
    assert "word for word" in notes["fact 'acme-pitch'"].message
    assert "in {value}" in notes["relation 'founded'"].fix
    assert "relation 'pitch'" not in notes  # one value per subject: nothing to say


def test_a_complete_deck_has_nothing_to_say() -> None:
    assert lint(load_deck(ROOT / "questions" / "software_companies.toml")) == []


def test_aliases_answer_the_text_advice() -> None:
    deck = deck_with(
        {"pitch": relation("text")},
        [
            fact(
                "p",
                "pitch",
                {"text": "cheap reliable rockets for everyone", "aliases": ["rockets"]},
            )
        ],
    )
    assert lint(deck) == []


def test_free_text_without_aliases_is_not_asked_as_typed() -> None:
    from quizapp.domain.questions import generate

    deck = deck_with(
        {"pitch": relation("text")}, [fact("p", "pitch", "cheap reliable rockets for everyone")]
    )
    generation = generate(deck)
    assert "typed" not in {q.kind for q in generation.questions}
    assert any(d.kind == "typed" and "free text" in d.reason for d in generation.dropped)
