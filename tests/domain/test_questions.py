"""Generating questions from facts (quizapp.domain.questions), on a small hand-made deck."""

from __future__ import annotations

import collections
import json
import re

import pytest

from quizapp.domain.facts import Deck, parse_deck
from quizapp.domain.numbers import parse_amount, parse_date
from quizapp.domain.questions import (
    KINDS,
    MAX_REVERSE_ANSWERS,
    Dropped,
    Question,
    generate,
    generate_for_fact,
    question_id,
)

SEEDS = range(25)


def questions_of(deck: Deck, fact_key: str, kind: str, seed: int = 0) -> list[Question]:
    return [q for q in generate_for_fact(deck, fact_key, seed).questions if q.kind == kind]


def one(deck: Deck, fact_key: str, kind: str, seed: int = 0) -> Question:
    (question,) = questions_of(deck, fact_key, kind, seed)
    return question


def test_registry_of_kinds() -> None:
    assert list(KINDS) == [
        "multiple_choice",
        "multiple_select",
        "true_false",
        "typed",
        "cloze",
        "reverse",
    ]


@pytest.mark.parametrize(
    ("fact_key", "kinds"),
    [
        ("stepfun-founder", ["multiple_choice", "true_false", "typed", "cloze", "reverse"]),
        (
            "stepfun-backers",
            # backers are not marked complete: no "select all" question (closed world)
            ["true_false", "cloze", "reverse", "reverse"],
        ),
        ("step-2-parameters", ["multiple_choice", "true_false", "typed", "cloze"]),
    ],
)
def test_kinds_made_for_a_fact(startups: Deck, fact_key: str, kinds: list[str]) -> None:
    assert [q.kind for q in generate_for_fact(startups, fact_key).questions] == kinds


def test_forward_questions(startups: Deck) -> None:
    choice = one(startups, "stepfun-founder", "multiple_choice")
    assert choice.prompt == "Who founded Stepfun?"
    assert choice.answer == "Jiang Daxin"
    assert choice.correct == ("Jiang Daxin",)
    assert len(choice.choices) == 4
    assert set(choice.choices) - {"Jiang Daxin"} <= {"Wang Xiaochuan", "Yang Zhilin", "Yan Junjie"}
    assert choice.answer_kind == "entity"
    assert choice.subject == "stepfun"
    assert choice.relation == "founder"
    assert choice.source == "https://example.com/article"
    assert choice.evidence.startswith("Founded in April 2023")

    typed = one(startups, "stepfun-founder", "typed")
    assert (typed.prompt, typed.answer, typed.choices) == (
        "Who founded Stepfun?",
        "Jiang Daxin",
        (),
    )
    assert set(typed.accepted) == {"Jiang Daxin", "姜大昕", "Daxin Jiang"}


def test_reverse_with_two_right_answers_accepts_both_but_offers_one(startups: Deck) -> None:
    # Stepfun and Baichuan were both founded in April 2023; Infinigence AI in 2023,
    # which may have been April too.
    question = one(startups, "stepfun-founded", "reverse")
    assert question.prompt == "Which company was founded in April 2023?"
    assert question.answer == "Stepfun"
    assert {"Stepfun", "Baichuan", "Infinigence AI"} <= set(question.accepted)
    # Only subjects with a stated founding date can be known wrong; with three more,
    # the question gets options.
    data = startups.to_dict()
    for key, year in (("zhipu", "2019"), ("moonshot", "2020"), ("minimax", "2021")):
        data["facts"].append(
            {
                "key": f"{key}-founded",
                "subject": key,
                "relation": "founded",
                "value": year,
                "evidence": f"Founded in {year}.",
            }
        )
    deck = Deck.from_dict(data)
    for seed in SEEDS:
        question = one(deck, "stepfun-founded", "reverse", seed)
        assert question.correct == ("Stepfun",)
        assert "Stepfun" in question.choices
        assert not {"Baichuan", "Infinigence AI"} & set(question.choices)


def test_reverse_options_are_known_wrong(startups: Deck) -> None:
    # The deck states no founding date for Zhipu, Moonshot or Minimax: none of them is
    # known not to have been founded in April 2023, so none is offered as wrong.
    for seed in SEEDS:
        question = one(startups, "stepfun-founded", "reverse", seed)
        assert question.choices == ()
        assert set(question.correct) == {"Stepfun", "Baichuan", "Infinigence AI"}


def test_reverse_on_a_qualified_figure_counts_overlapping_ranges(startups: Deck) -> None:
    # Zhipu and Baichuan: over $2 billion. Moonshot: around $3 billion, so maybe over $2 billion.
    question = one(startups, "zhipu-valuation", "reverse")
    assert question.prompt == "Which company is valued at over $2 billion?"
    assert {"Zhipu", "Baichuan", "Moonshot"} <= set(question.accepted)
    for seed in SEEDS:
        choices = one(startups, "zhipu-valuation", "reverse", seed).choices
        # Minimax is the only company known to be valued differently: too few for options
        assert choices == ()


def test_reverse_without_enough_distractors_is_typed_only(startups: Deck) -> None:
    data = startups.to_dict()
    companies = [k for k, e in data["entities"].items() if e["type"] == "company"]
    for key in companies:
        if key not in ("stepfun", "minimax"):
            del data["entities"][key]
    data["facts"] = [f for f in data["facts"] if f["key"] in ("stepfun-founder", "minimax-founder")]
    question = one(Deck.from_dict(data), "stepfun-founder", "reverse")
    assert question.choices == ()
    assert question.correct == ("Stepfun",)


def test_reverse_with_too_many_right_answers_is_dropped(startups: Deck) -> None:
    data = startups.to_dict()
    for number in range(MAX_REVERSE_ANSWERS):
        data["entities"][f"startup-{number}"] = {"name": f"Startup {number}", "type": "company"}
        data["facts"].append(
            {
                "key": f"startup-{number}-founded",
                "subject": f"startup-{number}",
                "relation": "founded",
                "value": "2023",
                "evidence": "Founded in 2023.",
            }
        )
    generation = generate_for_fact(Deck.from_dict(data), "infinigence-founded")
    assert "reverse" not in [q.kind for q in generation.questions]
    assert generation.dropped == (
        Dropped("infinigence-founded", "reverse", "more than 5 subjects fit '2023'"),
    )


def test_multiple_select_only_for_complete_lists(startups: Deck) -> None:
    # Moonshot's backers are not marked complete: any other backer might be one too.
    for fact_key in ("moonshot-backers", "moonshot-backers-more"):
        generation = generate_for_fact(startups, fact_key)
        assert "multiple_select" not in {q.kind for q in generation.questions}
        (dropped,) = [d for d in generation.dropped if d.kind == "multiple_select"]
        assert "not `unique`" in dropped.reason


def test_multiple_select_shows_every_member_of_a_complete_list(startups: Deck) -> None:
    data = startups.to_dict()
    data["relations"]["backer"]["unique"] = True
    data["facts"] = [f for f in data["facts"] if f["key"] != "moonshot-backers-more"]
    moonshot = next(f for f in data["facts"] if f["key"] == "moonshot-backers")
    moonshot["value"] = ["alibaba", "tencent"]
    deck = Deck.from_dict(data)
    for seed in SEEDS:
        question = one(deck, "moonshot-backers", "multiple_select", seed)
        assert question.prompt == "Who backs Moonshot?"
        assert set(question.correct) == {"Alibaba", "Tencent"}
        assert 4 <= len(question.choices) <= 8
        wrong = set(question.choices) - set(question.correct)
        assert wrong <= {"Shanghai government", "Beijing city funds"}
        assert question.answer == ", ".join(question.correct)


def test_false_statements_only_for_unique_relations(startups: Deck) -> None:
    answers = {one(startups, "moonshot-backers", "true_false", seed).answer for seed in SEEDS}
    assert answers == {"True"}
    answers = {one(startups, "stepfun-founder", "true_false", seed).answer for seed in SEEDS}
    assert answers == {"True", "False"}


def test_false_statements_are_false(startups: Deck) -> None:
    for seed in SEEDS:
        question = one(startups, "stepfun-founded", "true_false", seed)
        match = re.fullmatch(r"Stepfun was founded in (.+)\.", question.prompt)
        assert match
        stated = parse_date(match.group(1))
        # 2023 would not be false: Stepfun was founded in (April) 2023.
        assert (question.answer == "True") == (stated == (2023, 4, None))


def test_false_figures_do_not_overlap_the_true_one(startups: Deck) -> None:
    for seed in SEEDS:
        question = one(startups, "moonshot-valuation", "true_false", seed)
        if question.answer == "False":
            stated = question.prompt.removeprefix("Moonshot is valued at ").rstrip(".")
            assert stated.startswith("around ")
            amount = parse_amount(stated).amount
            # around $3 billion reaches from $2.4 to $3.6 billion, around X from 0.8X to 1.2X
            assert amount * 12 / 10 < 2_400_000_000 or amount * 8 / 10 > 3_600_000_000


def test_figure_options_keep_qualifier_and_unit_and_are_not_implied(startups: Deck) -> None:
    for seed in SEEDS:
        question = one(startups, "step-2-parameters", "multiple_choice", seed)
        assert question.answer == "over 1 trillion parameters"
        for option in question.choices:
            assert option.startswith("over ")
            assert option.endswith(" parameters")
            amount = parse_amount(option).amount
            # "over 500 billion" would be true as well
            assert amount == 10**12 or amount >= 2 * 10**12


def test_date_options_keep_precision_and_do_not_come_from_the_future(startups: Deck) -> None:
    for seed in SEEDS:
        for option in one(startups, "stepfun-founded", "multiple_choice", seed).choices:
            year, month, day = parse_date(option)
            assert month is not None
            assert day is None
            assert (year, month) <= (2025, 2)


def test_right_option_position_is_spread(startups: Deck) -> None:
    positions = collections.Counter(
        q.choices.index(q.answer)
        for seed in range(60)
        for q in generate(startups, seed).questions
        if q.kind == "multiple_choice"
    )
    assert set(positions) == {0, 1, 2, 3}
    assert min(positions.values()) > sum(positions.values()) / 8


def test_choice_question_is_dropped_rather_than_padded(startups: Deck) -> None:
    generation = generate_for_fact(startups, "infinigence-focus")
    assert "multiple_choice" not in [q.kind for q in generation.questions]
    assert (
        Dropped("infinigence-focus", "multiple_choice", "only 0 plausible distractors, 3 needed")
        in generation.dropped
    )


def test_cloze_blanks_the_value_out_of_the_evidence(startups: Deck) -> None:
    question = one(startups, "stepfun-founded", "cloze")
    assert question.prompt == (
        "Founded in ____ by former Microsoft executive Jiang Daxin, Stepfun came late."
    )
    assert question.answer == "April 2023"
    assert question.answer_kind == "date"


def test_cloze_of_part_of_a_figure_is_graded_as_the_figure(startups: Deck) -> None:
    question = one(startups, "step-2-parameters", "cloze")
    assert question.prompt.endswith("has over ____ parameters.")
    assert question.answer == "1 trillion"
    assert question.answer_kind == "number"
    assert "over 1 trillion parameters" in question.accepted


def test_cloze_not_in_evidence_is_dropped(edited_toml) -> None:
    deck = parse_deck(edited_toml('cloze = "1 trillion"', 'cloze = "2 trillion"'))
    generation = generate_for_fact(deck, "step-2-parameters")
    assert "cloze" not in [q.kind for q in generation.questions]
    assert generation.dropped == (
        Dropped("step-2-parameters", "cloze", "cloze '2 trillion' does not occur in the evidence"),
    )


def test_ids_come_from_deck_fact_relation_and_kind(startups: Deck) -> None:
    generation = generate(startups)
    ids = [q.id for q in generation.questions]
    assert len(set(ids)) == len(ids)
    for question in generation.questions:
        assert re.fullmatch(r"[0-9a-f]{12}", question.id)
    question = one(startups, "stepfun-founder", "typed")
    assert question.id == question_id("startups", "stepfun-founder", "founder", "typed")


def test_ids_survive_a_new_seed_and_an_edited_value(startups: Deck, edited_toml) -> None:
    ids = [q.id for q in generate(startups).questions]
    assert [q.id for q in generate(startups, seed=7).questions] == ids
    edited = parse_deck(edited_toml('value = "2023"', 'value = "2022"'))
    edited_ids = {q.kind: q.id for q in generate_for_fact(edited, "infinigence-founded").questions}
    original_ids = {
        q.kind: q.id for q in generate_for_fact(startups, "infinigence-founded").questions
    }
    # the cloze is gone: the evidence says 2023, so "2022" cannot be blanked out of it
    assert edited_ids == {kind: id for kind, id in original_ids.items() if kind != "cloze"}


def test_same_seed_same_questions_byte_for_byte(startups: Deck, startups_toml: str) -> None:
    def export(deck: Deck, seed: int) -> str:
        return "\n".join(json.dumps(q.to_dict()) for q in generate(deck, seed).questions)

    assert export(startups, 3) == export(parse_deck(startups_toml), 3)
    assert export(startups, 3) != export(startups, 4)


def test_reordering_the_file_changes_nothing(startups: Deck) -> None:
    data = startups.to_dict()
    reordered = Deck.from_dict(
        {
            "deck": data["deck"],
            "facts": list(reversed(data["facts"])),
            "entities": dict(reversed(data["entities"].items())),
            "relations": dict(reversed(data["relations"].items())),
        }
    )
    for seed in (0, 1, 2):
        assert generate(reordered, seed) == generate(startups, seed)


def test_generate_for_fact_matches_generate(startups: Deck) -> None:
    everything = generate(startups, seed=5)
    for fact in startups.facts:
        part = generate_for_fact(startups, fact.key, seed=5)
        assert part.questions == tuple(q for q in everything.questions if q.fact_key == fact.key)
        assert part.dropped == tuple(d for d in everything.dropped if d.fact_key == fact.key)
    with pytest.raises(KeyError):
        generate_for_fact(startups, "no-such-fact")


def test_to_dict_for_the_jsonl_export(startups: Deck) -> None:
    question = one(startups, "stepfun-founder", "multiple_choice")
    data = json.loads(json.dumps(question.to_dict()))
    assert data["id"] == question.id
    assert data["fact"] == "stepfun-founder"
    assert data["choices"] == list(question.choices)
    assert set(data) >= {
        "id",
        "deck",
        "kind",
        "prompt",
        "answer",
        "accepted",
        "choices",
        "correct",
        "subject",
        "relation",
        "evidence",
        "source",
    }


def test_question_round_trips_through_dict():
    from quizapp.domain.facts import load_deck
    from quizapp.domain.questions import Question, generate
    from tests.conftest import QUESTIONS_DIR

    for question in generate(load_deck(QUESTIONS_DIR / "software_companies.toml")).questions:
        assert Question.from_dict(question.to_dict()) == question


@pytest.mark.parametrize("deck_file", ["chinese_ai_startups.toml", "software_companies.toml"])
def test_count_options_stay_whole_and_shares_stay_below_100(deck_file: str) -> None:
    from quizapp.domain.facts import Quantity, load_deck
    from tests.conftest import QUESTIONS_DIR

    startups = load_deck(QUESTIONS_DIR / deck_file)
    for seed in range(10):
        for question in generate(startups, seed=seed).questions:
            if question.kind != "multiple_choice" or question.answer_kind != "number":
                continue
            fact = startups.facts_by_key[question.fact_key]
            value = fact.values[0]
            assert isinstance(value, Quantity)
            amounts = [parse_amount(choice).amount for choice in question.choices]
            if float(value.amount).is_integer():
                # "5.5 foundational AI models" and "1 subsidiaries" are giveaways.
                assert all(a == int(a) and a >= 2 for a in amounts), question
            if value.unit == "%" and value.amount <= 100:
                assert all(a <= 100 for a in amounts), question
