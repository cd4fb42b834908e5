"""Question quality on every deck we have: the built-in ones and decks the generator was
not tuned on (tests/fixtures/decks). Each test names a class of flaw found by reading the
generated questions (docs/question-review.md) and checks it on every deck and several seeds.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from quizapp.domain.facts import DateValue, Deck, Quantity, TextValue, load_deck
from quizapp.domain.grading import normalise
from quizapp.domain.numbers import MONTHS, format_quantity, singular
from quizapp.domain.questions import Question, generate
from quizapp.domain.questions.phrasing import (
    MAX_CLOZE_WORDS,
    ask_forward,
    ask_reverse,
    mentions,
    state,
)

ROOT = Path(__file__).parents[2]
DECK_FILES = sorted((ROOT / "questions").glob("*.toml")) + sorted(
    (ROOT / "tests" / "fixtures" / "decks").glob("*.toml")
)
SEEDS = range(4)
MONTH = "|".join(MONTHS)


@pytest.fixture(scope="module", params=DECK_FILES, ids=[path.stem for path in DECK_FILES])
def deck(request: pytest.FixtureRequest) -> Deck:
    return load_deck(request.param)


@pytest.fixture(scope="module")
def generations(deck: Deck) -> dict[int, tuple[Question, ...]]:
    return {seed: generate(deck, seed).questions for seed in SEEDS}


def stated_values(deck: Deck, relation: str, subject: str) -> list:
    return [
        value
        for fact in deck.facts
        if fact.relation == relation and fact.subject == subject
        for value in fact.values
    ]


def test_new_decks_are_big_enough_to_judge() -> None:
    fixtures = [load_deck(path) for path in DECK_FILES if "fixtures" in path.parts]
    assert len(fixtures) >= 2
    assert all(len(deck.facts) >= 40 for deck in fixtures)


# --- 1. true/false balance, false statements certainly false ----------------------------------


def test_true_false_is_balanced(deck: Deck, generations: dict[int, tuple[Question, ...]]) -> None:
    for questions in generations.values():
        answers = [q.answer for q in questions if q.kind == "true_false"]
        trues, falses = answers.count("True"), answers.count("False")
        # the plan makes half of them false (rounded down), whatever the deck
        assert 0 <= trues - falses <= 1, (deck.key, trues, falses)
        if len(deck.facts) >= 20:
            assert 0.4 <= trues / len(answers) <= 0.6
            assert falses >= 5


def test_false_statements_are_certainly_false(
    deck: Deck, generations: dict[int, tuple[Question, ...]]
) -> None:
    for questions in generations.values():
        for question in questions:
            if question.kind != "true_false" or question.answer != "False":
                continue
            relation = deck.relations[question.relation]
            # only a unique relation (one value, or a complete list) rules other values out
            assert relation.unique, question
            subject = deck.entities[question.subject].name
            for value in stated_values(deck, question.relation, question.subject):
                assert question.prompt != state(relation.statement, subject, value)


# --- 2. closed world: every wrong option is known to be wrong ---------------------------------


def test_forward_distractors_only_where_the_deck_rules_them_out(
    deck: Deck, generations: dict[int, tuple[Question, ...]]
) -> None:
    for questions in generations.values():
        for question in questions:
            if question.kind in ("multiple_choice", "multiple_select"):
                assert deck.relations[question.relation].unique, question


def test_reverse_options_have_a_stated_different_value(
    deck: Deck, generations: dict[int, tuple[Question, ...]]
) -> None:
    # "Which product did Zhipu develop?" must not offer a product whose maker is unstated
    subjects_of: dict[str, set[str]] = {}
    for fact in deck.facts:
        subjects_of.setdefault(fact.relation, set()).add(fact.subject)
    names = {entity.name: key for key, entity in deck.entities.items()}
    for questions in generations.values():
        for question in questions:
            if question.kind != "reverse" or not question.choices:
                continue
            assert deck.relations[question.relation].unique, question
            for option in set(question.choices) - set(question.correct):
                assert names[option] in subjects_of[question.relation], (question, option)


# --- 3. grammar at every date precision, numbers ---------------------------------------------

_WRONG_PREPOSITION = re.compile(
    rf"\b[Ii]n ({MONTH}) \d{{1,2}}, \d{{4}}|\b[Oo]n \d{{4}}\b|\b[Oo]n ({MONTH}) \d{{4}}\b"
)


def test_no_wrong_preposition_before_a_date(
    deck: Deck, generations: dict[int, tuple[Question, ...]]
) -> None:
    for questions in generations.values():
        for question in questions:
            if question.kind != "cloze":
                assert not _WRONG_PREPOSITION.search(question.prompt), question.prompt


def test_date_questions_say_which_precision_is_asked(
    deck: Deck, generations: dict[int, tuple[Question, ...]]
) -> None:
    asked = {1: ("year",), 2: ("month",), 3: ("date",)}
    for question in generations[0]:
        relation = deck.relations[question.relation]
        if relation.value != "date" or question.kind not in ("multiple_choice", "typed"):
            continue
        fact = deck.facts_by_key[question.fact_key]
        level = 1 + (fact.values[0].month is not None) + (fact.values[0].day is not None)
        assert any(word in question.prompt for word in asked[level]), question.prompt
        assert not question.prompt.startswith("When "), question.prompt


def test_sentences_start_with_a_capital(
    deck: Deck, generations: dict[int, tuple[Question, ...]]
) -> None:
    for question in generations[0]:
        if question.kind in ("true_false", "typed", "multiple_choice", "reverse"):
            first = question.prompt[0]
            assert not first.isalpha() or first.isupper(), question.prompt


@pytest.mark.parametrize(
    ("template", "date", "expected"),
    [
        ("{subject} was founded in {value}.", DateValue(1969), "X was founded in 1969."),
        ("{subject} was founded in {value}.", DateValue(1969, 5), "X was founded in May 1969."),
        (
            "{subject} was founded in {value}.",
            DateValue(1969, 5, 1),
            "X was founded on May 1, 1969.",
        ),
        ("{subject} was founded on {value}.", DateValue(1969), "X was founded in 1969."),
        ("{subject} was founded on {value}.", DateValue(1969, 5), "X was founded in May 1969."),
        (
            "{subject} was founded on {value}.",
            DateValue(1969, 5, 1),
            "X was founded on May 1, 1969.",
        ),
        (
            "In {value}, {subject} was founded.",
            DateValue(1969, 5, 1),
            "On May 1, 1969, X was founded.",
        ),
        ("On {value}, {subject} was founded.", DateValue(1969), "In 1969, X was founded."),
    ],
)
def test_statement_preposition_follows_the_precision(
    template: str, date: DateValue, expected: str
) -> None:
    assert state(template, "X", date) == expected


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (DateValue(1969), "In which year was X founded?"),
        (DateValue(1969, 5), "In which month and year was X founded?"),
        (DateValue(1969, 5, 1), "On which date was X founded?"),
    ],
)
def test_forward_question_names_the_precision(date: DateValue, expected: str) -> None:
    assert ask_forward("When was {subject} founded?", "X", date) == expected
    hinted = ask_forward("What was {subject}'s founding date?", "X", date)
    assert hinted.startswith("What was X's founding date (the ") and hinted.endswith(")?")


def test_reverse_question_preposition_and_options_wording() -> None:
    day = DateValue(1998, 12, 26)
    assert ask_reverse("Which element was discovered in {value}?", day) == (
        "Which element was discovered on December 26, 1998?"
    )
    template = "Which of these companies is headquartered in {value}?"
    place = TextValue("Cupertino")
    assert ask_reverse(template, place, with_options=False) == (
        "Which company is headquartered in Cupertino?"
    )
    assert ask_reverse(template, place) == "Which of these companies is headquartered in Cupertino?"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Quantity(80, "%"), "He got an 80% stake."),
        (Quantity(10, "%"), "He got a 10% stake."),
        (Quantity(11, "%"), "He got an 11% stake."),
        (Quantity(18000, "euros"), "He got an 18,000 euros stake."),
        (Quantity(110, "%"), "He got a 110% stake."),
        (Quantity(8, "%", "over"), "He got an over 8% stake."),
        (Quantity(30, "%", "under"), "He got an under 30% stake."),
        (Quantity(5, "%", "around"), "He got an around 5% stake."),
    ],
)
def test_article_before_the_value(value: Quantity, expected: str) -> None:
    assert state("He got a {value} stake.", "He", value) == expected
    assert state("He got an {value} stake.", "He", value) == expected


def test_hedged_value_at_the_start_of_a_sentence() -> None:
    value = Quantity(102_000_000, "units", "over")
    assert state("{value} of the {subject} were sold.", "PlayStation", value) == (
        "Over 102 million units of the PlayStation were sold."
    )
    assert state("{subject} has {value}.", "Step-2", Quantity(10**12, "parameters", "over")) == (
        "Step-2 has over 1 trillion parameters."
    )


@pytest.mark.parametrize(
    ("unit", "one"),
    [
        ("models", "1 model"),
        ("stable isotopes", "1 stable isotope"),
        ("times", "1 time"),
        ("subsidiaries", "1 subsidiary"),
        ("branches", "1 branch"),
        ("series", "1 series"),
        ("%", "1%"),
    ],
)
def test_one_takes_a_singular_unit(unit: str, one: str) -> None:
    assert format_quantity(1, unit) == one
    assert format_quantity(2, unit).endswith(unit)
    assert singular(unit) in one or unit == "%"


# --- 4. lists: never asked as complete unless they are, and then shown whole -------------------


def test_select_all_shows_the_whole_complete_list(
    deck: Deck, generations: dict[int, tuple[Question, ...]]
) -> None:
    for questions in generations.values():
        for question in questions:
            if question.kind != "multiple_select":
                continue
            assert deck.relations[question.relation].unique, question
            rights = stated_values(deck, question.relation, question.subject)
            assert {normalise(c) for c in question.correct} == {
                normalise(v.display) for v in rights
            }


def test_six_tigers_show_all_six() -> None:
    deck = load_deck(ROOT / "questions" / "chinese_ai_startups.toml")
    (question,) = [
        q
        for q in generate(deck).questions
        if q.kind == "multiple_select" and q.fact_key == "six-tigers-members"
    ]
    assert len(question.correct) == 6
    assert len(question.choices) == 8


def test_incomplete_founder_lists_are_not_asked_as_select_all() -> None:
    deck = load_deck(ROOT / "tests" / "fixtures" / "decks" / "consumer_brands.toml")
    generation = generate(deck)
    assert not [q for q in generation.questions if q.kind == "multiple_select"]
    dropped = {d.fact_key for d in generation.dropped if d.kind == "multiple_select"}
    assert "honda-founder" in dropped


# --- golden questions of the new decks --------------------------------------------------------


def asked(deck: Deck, prompt: str, kind: str, fact: str | None = None) -> Question:
    found = [
        q
        for q in generate(deck).questions
        if q.prompt == prompt and q.kind == kind and fact in (None, q.fact_key)
    ]
    assert len(found) == 1, f"{kind} {prompt!r}: {len(found)} questions"
    return found[0]


def test_golden_elements() -> None:
    deck = load_deck(ROOT / "tests" / "fixtures" / "decks" / "chemical_elements.toml")
    davy = asked(
        deck, "Which element was discovered by Humphry Davy?", "reverse", "sodium-discoverer"
    )
    assert {"Sodium", "Potassium", "Calcium"} <= set(davy.accepted)
    assert len(set(davy.choices) & {"Sodium", "Potassium", "Calcium"}) == 1
    born = asked(deck, "Which chemist was born on October 10, 1731?", "reverse")
    assert born.answer == "Henry Cavendish"
    year = asked(deck, "In which year was Oxygen discovered?", "typed")
    assert year.answer == "1774"
    day = asked(deck, "On which date was Radium discovered?", "typed")
    assert day.answer == "December 26, 1898"
    # Nobel prizes are not unique (Marie Curie won two): no options, no false statement
    kinds = {q.kind for q in generate(deck).questions if q.relation == "nobel"}
    assert kinds == {"true_false", "typed", "cloze"}


def test_golden_brands() -> None:
    deck = load_deck(ROOT / "tests" / "fixtures" / "decks" / "consumer_brands.toml")
    revenue = asked(deck, "What was Sony's revenue in its 2024 financial year?", "multiple_choice")
    # distractors come from revenues, never from launch prices in the same currency
    for option in revenue.choices:
        assert "trillion" in option or "billion" in option, revenue.choices
    founded = asked(deck, "On which date was Sony founded?", "typed")
    assert founded.answer == "May 7, 1946"
    reverse = asked(deck, "Which company was co-founded by Akio Morita?", "reverse")
    assert reverse.choices == ()  # founders lists are not complete: nobody is known wrong


# --- 5. giveaways and clozes without context --------------------------------------------------


def test_no_answer_written_in_its_question(
    deck: Deck, generations: dict[int, tuple[Question, ...]]
) -> None:
    for question in generations[0]:
        if question.kind in ("multiple_choice", "typed", "reverse"):
            if question.answer_kind == "entity":
                assert not mentions(question.prompt, question.answer), question.prompt
            for text in question.accepted:
                if text != question.answer and text not in question.correct:
                    assert not mentions(question.prompt, text), (question.prompt, text)


def test_clozes_name_their_subject(
    deck: Deck, generations: dict[int, tuple[Question, ...]]
) -> None:
    for question in generations[0]:
        if question.kind != "cloze":
            continue
        subject = deck.entities[question.subject]
        names = [subject.name, *subject.aliases, subject.name.rsplit(" ", 1)[-1]]
        assert any(mentions(question.prompt, n) or mentions(question.answer, n) for n in names), (
            question.prompt
        )


def test_an_alias_equal_to_a_company_name_is_not_a_giveaway() -> None:
    deck = load_deck(ROOT / "tests" / "fixtures" / "decks" / "consumer_brands.toml")
    founder = asked(deck, "Porsche was founded by ____.", "cloze")
    assert "Porsche" not in founder.accepted  # an alias of Ferdinand Porsche
    assert "Ferdinand Porsche" in founder.accepted
    dropped = {(d.fact_key, d.kind) for d in generate(deck).dropped}
    assert ("porsche-911-maker", "multiple_choice") in dropped  # "...makes the Porsche 911?"
    assert ("porsche-founder", "reverse") in dropped  # "...co-founded by Ferdinand Porsche?"


def test_cloze_without_its_subject_gets_it() -> None:
    deck = load_deck(ROOT / "tests" / "fixtures" / "decks" / "chemical_elements.toml")
    (question,) = [
        q
        for q in generate(deck).questions
        if q.kind == "cloze" and q.fact_key == "marie-curie-nobel-chemistry"
    ]
    assert question.prompt == "Marie Curie: She won the Nobel Prize in Chemistry alone in ____."


def test_entity_distractors_prefer_ones_that_play_the_same_part() -> None:
    # GPT-4 is matched by a model and has a parameter count: the distractors are other
    # models of the deck with one (Step-2, MiniCPM 3.0), not a chatbot app like Talkie.
    deck = load_deck(ROOT / "questions" / "chinese_ai_startups.toml")
    sized = {f.subject for f in deck.facts if f.relation in ("parameters", "matches")}
    sized |= {v.key for f in deck.facts if f.relation == "matches" for v in f.values}
    names = {deck.entities[key].name for key in sized}
    for seed in SEEDS:
        (question,) = [
            q
            for q in generate(deck, seed).questions
            if q.kind == "multiple_choice" and q.fact_key == "glm-4-plus-matches"
        ]
        assert set(question.choices) <= names, question.choices


def test_clozes_are_cut_to_the_clauses_around_the_gap(
    deck: Deck, generations: dict[int, tuple[Question, ...]]
) -> None:
    for question in generations[0]:
        if question.kind == "cloze":
            # the subject's name may be added in front ("Moonshot: ...")
            assert len(question.prompt.split()) <= MAX_CLOZE_WORDS + 3, question.prompt
            assert "____" in question.prompt


def test_a_long_cloze_keeps_the_clauses_that_fit() -> None:
    deck = load_deck(ROOT / "questions" / "chinese_ai_startups.toml")
    (question,) = [
        q
        for q in generate(deck).questions
        if q.kind == "cloze" and q.fact_key == "baichuan-founder"
    ]
    assert question.prompt == (
        "… Baichuan AI, founded by industry veteran ____ (the founder of Sogou) in April 2023, "
        "is focused on the domestic Chinese market, targeting sectors like medical assistance "
        "and health care."
    )


def test_no_option_is_pointed_at_by_the_prompt(
    deck: Deck, generations: dict[int, tuple[Question, ...]]
) -> None:
    # "Who was Adi Dassler's brother?" must not offer "Rudolf Dassler" among other families
    for questions in generations.values():
        for question in questions:
            if question.kind not in ("multiple_choice", "reverse") or not question.choices:
                continue
            wrong = [c for c in question.choices if c not in question.correct]
            for word in re.findall(r"\w{3,}", question.answer):
                if word[0].isupper() and mentions(question.prompt, word):
                    assert any(mentions(other, word) for other in wrong), question


def test_typo_tolerance_never_accepts_another_entitys_name() -> None:
    from quizapp.domain.grading import judge

    def product(name: str) -> dict:
        return {"name": name, "type": "product"}

    deck = Deck.from_dict(
        {
            "deck": {
                "key": "d",
                "title": "D",
                "source": "https://example.com",
                "as_of": "2025",
                "language": "en",
            },
            "relations": {
                "matches": {
                    "label": "matches",
                    "subject": "product",
                    "value": "product",
                    "forward": "Which model does {subject} match?",
                    "reverse": False,
                    "statement": "{subject} matches {value}.",
                }
            },
            "entities": {
                "step-2": product("Step-2"),
                "glm-4-plus": product("GLM-4-Plus"),
                "glm-4v-plus": product("GLM-4V-Plus"),
            },
            "facts": [
                {
                    "key": "step-2-matches",
                    "subject": "step-2",
                    "relation": "matches",
                    "value": "glm-4-plus",
                    "evidence": "Step-2 matches GLM-4-Plus.",
                }
            ],
        }
    )
    (question,) = [q for q in generate(deck).questions if q.kind == "typed"]
    assert question.near_misses == ("GLM-4V-Plus",)
    assert judge(question, "GLM-4-Pluss").correct  # a typo of the answer
    assert not judge(question, "GLM-4V-Plus").correct  # another entity's name
    assert not judge(question, "GLM-4V-Pluss").correct  # closer to the other one
    restored = Question.from_dict(question.to_dict())
    assert restored == question


def test_a_hedged_figure_in_the_evidence_gets_a_default_cloze() -> None:
    deck = Deck.from_dict(
        {
            "deck": {
                "key": "d",
                "title": "D",
                "source": "https://example.com",
                "as_of": "2025",
                "language": "en",
            },
            "relations": {
                "sold": {
                    "label": "sales",
                    "subject": "product",
                    "value": "number",
                    "forward": "How many {subject} were sold?",
                    "reverse": False,
                    "statement": "{value} of the {subject} were sold.",
                }
            },
            "entities": {"ds": {"name": "Nintendo DS", "type": "product"}},
            "facts": [
                {
                    "key": "ds-sold",
                    "subject": "ds",
                    "relation": "sold",
                    "value": {"amount": 154e6, "unit": "units", "qualifier": "over"},
                    "evidence": "The Nintendo DS sold more than 154 million units.",
                }
            ],
        }
    )
    (question,) = [q for q in generate(deck).questions if q.kind == "cloze"]
    assert question.prompt == "The Nintendo DS sold more than ____."
    assert judge_typed(question, "154 million")


def _staff_deck(evidence: str) -> Deck:
    return Deck.from_dict(
        {
            "deck": {"key": "d", "title": "D", "source": "x", "as_of": "2025", "language": "en"},
            "relations": {
                "staff": {
                    "label": "staff",
                    "subject": "company",
                    "value": "number",
                    "forward": "How many people work at {subject}?",
                    "reverse": False,
                    "statement": "{value} people work at {subject}.",
                }
            },
            "entities": {"acme": {"name": "Acme", "type": "company"}},
            "facts": [
                {
                    "key": "acme-staff",
                    "subject": "acme",
                    "relation": "staff",
                    "value": {"amount": 30, "unit": "people"},
                    "cloze": "30",
                    "evidence": evidence,
                }
            ],
        }
    )


@pytest.mark.parametrize(
    ("evidence", "prompt"),
    [
        # the words are blanked where they stand as words, not inside "2030"
        (
            "By 2030 Acme plans to double its 30 staff.",
            "By 2030 Acme plans to double its ____ staff.",
        ),
        # every time they stand: the answer is never left in view
        ("Acme has 30 staff; 30 is its cap.", "Acme has ____ staff; ____ is its cap."),
    ],
)
def test_a_cloze_blanks_whole_words_everywhere(evidence: str, prompt: str) -> None:
    (question,) = [q for q in generate(_staff_deck(evidence)).questions if q.kind == "cloze"]
    assert question.prompt == prompt


def test_a_cloze_found_only_inside_a_word_is_dropped() -> None:
    result = generate(_staff_deck("Acme set its plans for 2030."))
    assert not [q for q in result.questions if q.kind == "cloze"]
    assert ("acme-staff", "cloze") in {(d.fact_key, d.kind) for d in result.dropped}


def test_a_cloze_is_not_prefixed_by_a_subject_that_holds_the_answer() -> None:
    deck = _staff_deck("We have 30 staff in the office.")
    named = Deck.from_dict(
        {**deck.to_dict(), "entities": {"acme": {"name": "The 30 Club", "type": "company"}}}
    )
    (question,) = [q for q in generate(named).questions if q.kind == "cloze"]
    assert question.prompt == "We have ____ staff in the office."


def judge_typed(question: Question, answer: str) -> bool:
    from quizapp.domain.grading import judge

    return judge(question, answer).correct
