"""Question-and-answer decks (Quizlet sets, "qa" CSVs, Anki basic notes): answers of one kind.

The sets in tests/fixtures/qa/ are written for these tests in five domains; every
question generated from them is checked, not one example.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.domain.importers import DeckMeta, read_apkg, table_to_deck
from quizapp.domain.importers.quizlet import read_quizlet
from quizapp.domain.importers.tables import guess_mapping
from quizapp.domain.questions import generate
from quizapp.domain.questions.cards import answer_kind, card_statement
from tests.anki_files import anki_package

SETS = Path(__file__).parent.parent / "fixtures" / "qa"
NAMES = sorted(path.stem for path in SETS.glob("*.txt"))
META = DeckMeta(key="qa", title="Q&A", source="", as_of="2025-06-01")


def quizlet_deck(name: str):
    table, _ = read_quizlet((SETS / f"{name}.txt").read_text(), "\t", "\n")
    return table_to_deck(table, guess_mapping(table), META).deck


def cards(name: str) -> list[tuple[str, str]]:
    lines = (SETS / f"{name}.txt").read_text().splitlines()
    return [tuple(line.split("\t", 1)) for line in lines if line.strip()]


@pytest.mark.parametrize(
    ("question", "answer", "kind"),
    [
        ("Who painted the Mona Lisa?", "Leonardo da Vinci", "person"),
        ("Whose theory is natural selection?", "Charles Darwin", "person"),
        ("In which year did the Berlin Wall fall?", "1989", "date:year"),
        ("When did the First World War begin?", "July 1914", "date:month"),
        ("When did Apollo 11 land on the Moon?", "July 20, 1969", "date:day"),
        ("Berlin Wall falls", "1989", "date:year"),
        ("When did the Renaissance begin?", "the 14th century", "time"),
        ("In which century did Dante live?", "Middle Ages", "time"),
        ("How many years did the Hundred Years' War last?", "116", "number:"),
        ("How many continents are there?", "seven", "number:"),
        ("How many people live in Lima?", "2000", "number:"),
        ("How many bones are in the human body?", "206 bones", "number:bones"),
        ("How many people died on the Titanic?", "about 1,500", "number:around"),
        ("How much did the Louisiana Purchase cost?", "$15 million", "money:USD"),
        ("What is the boiling point of water?", "100 °C", "number:°c"),
        ("Where was the Declaration of Independence signed?", "Philadelphia", "place"),
        ("What is the capital of Kenya?", "Nairobi", "place:city"),
        ("In which city was Caesar killed?", "Rome", "place:city"),
        ("Which country has Oslo as its capital?", "Norway", "place:country"),
        ("What is the largest planet?", "Jupiter", "name"),
        ("Which play did Shakespeare write first?", "Henry VI", "name"),
        ("Who wrote Romeo and Juliet?", "William Shakespeare", "person"),
        ("What is the chemical symbol for gold?", "Au", "symbol"),
        ("What is the formula of water?", "H2O", "symbol"),
        ("What carries genetic information?", "DNA", "symbol"),
        ("What is the powerhouse of the cell?", "mitochondria", "term"),
        ("What is the currency of the UK?", "pound sterling", "term"),
        ("el perro", "the dog", "term:noun"),
        ("comer", "to eat", "term:verb"),
        ("Enzyme", "a protein that speeds up a chemical reaction", "description"),
        ("Who was Socrates?", "a philosopher of ancient Athens", "description"),
        ("Osmosis", "The movement of water across a membrane.", "description"),
    ],
)
def test_an_answer_kind_comes_from_the_question_and_the_answers_shape(question, answer, kind):
    assert answer_kind(question, answer) == kind


def stated(prompt: str, question: str) -> str:
    """The answer a true/false statement about a card states."""
    statement = card_statement(question, "")
    if statement is not None:
        head = statement[: statement.rindex(" is ") + 4]
        assert prompt.startswith(head) and prompt.endswith(".")
        return prompt[len(head) : -1]
    front, dash, answer = prompt.partition(" — ")
    assert dash and front == question
    return answer


def assert_same_kinds(deck, generation) -> Counter:
    """Every option and every false statement is of the right answer's kind."""
    asked = Counter()
    kind_of = {
        deck.entities[f.subject].name: answer_kind(
            deck.entities[f.subject].name, f.values[0].display
        )
        for f in deck.facts
    }
    for question in generation.questions:
        fact = deck.facts_by_key[question.fact_key]
        front = deck.entities[fact.subject].name
        kind = answer_kind(front, fact.values[0].display)
        if question.kind == "multiple_choice":
            assert {answer_kind(front, choice) for choice in question.choices} == {kind}, (
                question.prompt,
                question.choices,
            )
            asked[question.kind] += 1
        elif question.kind == "reverse" and question.choices:
            kinds = {kind_of[choice] for choice in question.choices}
            assert kinds == {kind}, (question.prompt, question.choices)
            asked[question.kind] += 1
        elif question.kind == "true_false":
            assert answer_kind(front, stated(question.prompt, front)) == kind, question.prompt
            asked[question.answer] += 1
    return asked


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", [0, 1, 7])
def test_no_option_or_false_statement_is_of_another_kind(name, seed):
    deck = quizlet_deck(name)
    asked = assert_same_kinds(deck, generate(deck, seed))
    assert asked["multiple_choice"] >= 3 and asked["False"] >= 3


@pytest.mark.parametrize("name", NAMES)
def test_true_false_is_balanced_in_every_set(name):
    deck = quizlet_deck(name)
    for seed in range(5):
        verdicts = Counter(
            q.answer for q in generate(deck, seed).questions if q.kind == "true_false"
        )
        assert verdicts["False"] > 0
        assert abs(verdicts["True"] - verdicts["False"]) <= 1, (seed, verdicts)


@pytest.mark.parametrize("name", ["spanish_english", "biology"])
def test_term_cards_are_asked_backwards_and_question_cards_are_not(name):
    deck = quizlet_deck(name)
    generation = generate(deck)
    reverse = [q for q in generation.questions if q.kind == "reverse"]
    terms = [f for f in deck.facts if not deck.entities[f.subject].name.endswith("?")]
    assert len(reverse) == len(terms)
    assert {q.fact_key for q in reverse} == {f.key for f in terms}
    assert assert_same_kinds(deck, generation)["reverse"] >= 5


def test_too_few_answers_of_a_kind_drop_the_choice_question_with_the_reason():
    deck = quizlet_deck("general")
    gold = next(f for f in deck.facts if "gold" in deck.entities[f.subject].name)
    dropped = [d for d in generate(deck).dropped if d.fact_key == gold.key]
    assert [d.kind for d in dropped if "same kind (symbol)" in d.reason] == ["multiple_choice"]


def test_names_are_typed_and_long_descriptions_are_not():
    general, biology = generate(quizlet_deck("general")), generate(quizlet_deck("biology"))
    typed = {q.answer for q in general.questions if q.kind == "typed"}
    assert {"Leonardo da Vinci", "Ludwig van Beethoven", "Au", "7"} <= typed
    assert not [q for q in biology.questions if q.kind == "typed" and len(q.answer.split()) > 3]
    assert any("free text" in d.reason for d in biology.dropped if d.kind == "typed")


def test_the_issue_example_no_longer_gives_the_answer_away():
    generation = generate(quizlet_deck("general"))
    (wall,) = [
        q
        for q in generation.questions
        if q.kind == "multiple_choice" and q.prompt == "In which year did the Berlin Wall fall?"
    ]
    assert all(len(choice) == 4 and choice.isdigit() for choice in wall.choices), wall.choices
    kenya = [q for q in generation.questions if "capital of Kenya" in q.prompt]
    assert {q.kind for q in kenya} == {"typed", "true_false"}
    statements = [q.prompt for q in generation.questions if q.kind == "true_false"]
    assert all(" — " not in prompt for prompt in statements)


def test_anki_basic_notes_get_the_same_kinds(tmp_path):
    basic = [(front, back, []) for front, back in cards("general")]
    package = anki_package(tmp_path, legacy=False, basic=basic, cloze=[]).read_bytes()
    deck = read_apkg(package, "general.apkg", META).deck
    asked = assert_same_kinds(deck, generate(deck, 3))
    assert asked["multiple_choice"] >= 3 and asked["False"] >= 3


def test_a_question_answer_csv_gets_the_same_kinds():
    from quizapp.domain.importers import read_table

    rows = "".join(f'"{front}","{back}"\n' for front, back in cards("history"))
    table = read_table(("Question,Answer\n" + rows).encode(), "history.csv")
    imported = table_to_deck(table, guess_mapping(table), META)
    assert len(imported.deck.facts) == len(cards("history"))
    asked = assert_same_kinds(imported.deck, generate(imported.deck, 5))
    assert asked["multiple_choice"] >= 5 and asked["False"] >= 3


def test_a_lone_figure_is_set_beside_scaled_figures_written_the_same_way():
    generation = generate(quizlet_deck("general"))
    choice = {q.prompt: q.choices for q in generation.questions if q.kind == "multiple_choice"}
    cost = choice["How much did the Louisiana Purchase cost?"]
    assert "$15 million" in cost and all(c.startswith("$") and c.endswith(" million") for c in cost)
    boiling = choice["What is the boiling point of water at sea level?"]
    assert "100 °C" in boiling and all(c.endswith(" °C") for c in boiling)
    # a hedged count is not scaled: "over 500" would be true of "over 1,000"
    titanic = [q for q in generate(quizlet_deck("history")).dropped if "titanic" in q.fact_key]
    assert [d.kind for d in titanic if "number (around)" in d.reason] == ["multiple_choice"]


def test_the_order_of_the_cards_does_not_change_the_questions():
    lines = (SETS / "general.txt").read_text().splitlines()
    shuffled = "\n".join(lines[1::2] + lines[0::2])
    table, _ = read_quizlet(shuffled, "\t", "\n")
    deck = table_to_deck(table, guess_mapping(table), META).deck
    assert generate(deck, 4) == generate(quizlet_deck("general"), 4)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40), st.text(max_size=40))
def test_any_card_has_a_kind(question, answer):
    assert answer_kind(question, answer)


def test_a_card_of_dots_is_imported_and_asked():
    table, _ = read_quizlet("What comes next?\t...\nWho?\tNobody\n", "\t", "\n")
    deck = table_to_deck(table, guess_mapping(table), META).deck
    assert "typed" in {q.kind for q in generate(deck).questions}


@pytest.mark.parametrize(
    ("name", "prompt", "right", "wrong"),
    [
        ("history", "When did Apollo 11 land on the Moon?", "20 July 1969", "July 21, 1969"),
        ("history", "When did the First World War begin?", "1914-07", "1914"),
        ("general", "How many continents are there?", "seven", "70"),
        ("general", "How much did the Louisiana Purchase cost?", "15 million dollars", "$15"),
        ("general", "What is the boiling point of water at sea level?", "100", "1000"),
        ("general", "Who painted the Mona Lisa?", "leonardo da vinci", "Leonardo"),
    ],
)
def test_a_typed_card_answer_is_judged_by_its_kind(name, prompt, right, wrong):
    from quizapp.domain.grading import judge

    generation = generate(quizlet_deck(name))
    (question,) = [q for q in generation.questions if q.kind == "typed" and q.prompt == prompt]
    assert judge(question, right).correct
    assert not judge(question, wrong).correct
