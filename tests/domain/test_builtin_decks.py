"""The fact files shipped in questions/: they load cleanly and ask what the article says."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizapp.domain.facts import Deck, load_deck, load_decks, parse_deck, to_toml
from quizapp.domain.grading import judge
from quizapp.domain.questions import Question, generate

QUESTIONS = Path(__file__).parents[2] / "questions"
CHINESE_AI = QUESTIONS / "chinese_ai_startups.toml"
BUILT_IN = sorted(QUESTIONS.glob("*.toml"))


def load_or_skip(path: Path) -> Deck:
    if not path.exists():
        pytest.skip(f"{path.name} is not in questions/ yet")
    return load_deck(path)


def asked(deck: Deck, prompt: str, kind: str) -> Question:
    found = [q for q in generate(deck).questions if q.prompt == prompt and q.kind == kind]
    assert len(found) == 1, f"{kind} {prompt!r}: {len(found)} questions"
    return found[0]


@pytest.mark.parametrize("path", BUILT_IN, ids=[path.name for path in BUILT_IN])
def test_built_in_deck_is_clean_and_round_trips(path: Path) -> None:
    deck = load_deck(path)
    assert deck.warnings == ()
    assert parse_deck(to_toml(deck), path.name) == deck
    assert generate(deck).questions


def test_built_in_decks_have_distinct_keys() -> None:
    assert len(load_decks([QUESTIONS])) == len(BUILT_IN)


def test_who_founded_stepfun() -> None:
    deck = load_or_skip(CHINESE_AI)
    typed = asked(deck, "Who founded Stepfun?", "typed")
    assert typed.answer == "Jiang Daxin"
    assert judge(typed, "jiang daxin").correct
    choice = asked(deck, "Who founded Stepfun?", "multiple_choice")
    assert choice.correct == ("Jiang Daxin",)


def test_which_company_makes_kimi() -> None:
    deck = load_or_skip(CHINESE_AI)
    question = asked(deck, "Which company developed Kimi?", "typed")
    assert question.answer == "Moonshot"
    assert judge(question, "Moonshot AI").correct


def test_reverse_questions_of_the_article() -> None:
    deck = load_or_skip(CHINESE_AI)
    founder = asked(deck, "Which company was founded by Jiang Daxin?", "reverse")
    assert founder.answer == "Stepfun"
    assert judge(founder, "StepFun").correct
    product = asked(deck, "Which product did Moonshot develop?", "reverse")
    assert product.answer == "Kimi"


def test_figures_of_the_article() -> None:
    deck = load_or_skip(CHINESE_AI)
    parameters = asked(deck, "How many parameters does Step-2 have?", "typed")
    assert parameters.answer == "over 1 trillion parameters"
    assert judge(parameters, "1T").correct
    assert not judge(parameters, "1").correct
    valuation = asked(deck, "What was Zhipu valued at in early 2025?", "typed")
    assert valuation.answer == "over $2 billion"
    assert judge(valuation, "2 billion dollars").correct
