"""Imports of what teachers have: tables with headers, Quizlet sets, Kahoot spreadsheets."""

from __future__ import annotations

import pytest

from quizapp.domain.importers import (
    ColumnMapping,
    DeckMeta,
    guess_mapping,
    mapped_rows,
    read_table,
    table_to_deck,
)
from quizapp.domain.questions import generate

META = DeckMeta(key="t", title="T", source="", as_of="2025")

# --- header rows ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "header"),
    [
        ("Question,Answer\nCapital of France?,Paris\nCapital of Italy?,Rome\n", True),
        ("Country,Capital\nFrance,Paris\nItaly,Rome\n", True),
        ("Term:;Definition:\nmitosis;cell division\nosmosis;diffusion of water\n", True),
        ("Land;Hauptstadt\nWhat is the capital of France?;Paris\nAnd of Italy?;Rome\n", True),
        (
            "Begriff\tErklärung\nMitosis\tCell division that makes two cells.\nOsmosis\tWater "
            "moving through a membrane.\n",
            True,
        ),
        ("Element,Number\nHydrogen,1\nHelium,2\n", True),
        ("France,Paris\nItaly,Rome\nSpain,Madrid\n", False),
        ("Mitosis,Cell division that makes two cells.\nOsmosis,Water moving in.\n", False),
        ("France,capital,Paris\nItaly,capital,Rome\nFrance,currency,Euro\n", False),
        ("What is 2+2?,4\nWhat is 3+3?,6\n", False),
    ],
)
def test_a_header_row_is_detected(text, header):
    assert read_table(text.encode(), "t.csv").header_guess is header


def test_columns_are_guessed_from_their_names():
    text = "Tags,Back,Front,Notes\ngeo,Paris,Capital of France?,It is on the Seine.\n"
    table = read_table(text.encode(), "t.csv")
    guess = guess_mapping(table)
    assert guess == ColumnMapping("qa", header=True, question=2, answer=1, evidence=3, tags=0)
    headings, rows = mapped_rows(table, guess)
    assert headings == ["Question", "Answer", "Evidence", "Tags"]
    assert rows == [["Capital of France?", "Paris", "It is on the Seine.", "geo"]]


def test_facts_are_guessed_from_a_repeated_relation_column():
    text = "France,capital,Paris\nItaly,capital,Rome\nFrance,currency,Euro\nItaly,currency,Euro\n"
    guess = guess_mapping(read_table(text.encode(), "t.csv"))
    assert (guess.mode, guess.subject, guess.relation, guess.value) == ("erv", 0, 1, 2)
    assert guess.header is False


def test_the_header_is_not_a_fact_when_the_guess_is_taken():
    text = "Country,Capital\nFrance,Paris\nItaly,Rome\nSpain,Madrid\nPeru,Lima\n"
    table = read_table(text.encode(), "t.csv")
    deck = table_to_deck(table, guess_mapping(table), META).deck
    names = [deck.entities[f.subject].name for f in deck.facts]
    assert names == ["France", "Italy", "Spain", "Peru"]
    options = {c for q in generate(deck).questions for c in q.choices}
    assert "Capital" not in options and "Country" not in options
