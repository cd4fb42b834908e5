"""The editor's rules as plain functions: a typed fact becomes deck data, or a refusal."""

from __future__ import annotations

import pytest

from quizapp.domain import deck_edits
from quizapp.domain.deck_edits import FactInput, fact_lines, put_fact
from quizapp.domain.facts import Deck
from quizapp.domain.questions import preview_fact

CAPITAL = {
    "label": "capitals",
    "subject": "place",
    "value": "place",
    "forward": "What is the capital of {subject}?",
    "reverse": "{value} is the capital of which country?",
    "statement": "The capital of {subject} is {value}.",
    "unique": True,
}


def deck_data(**relations):
    return {
        "deck": {"key": "capitals", "title": "Capitals", "as_of": "2025", "language": "en"},
        "relations": relations or {"capital": CAPITAL},
        "entities": {},
        "facts": [],
    }


def typed(**fields):
    base = {"relation": "capital", "new_subject": "France", "new_value": "Paris"}
    return FactInput(**{**base, "evidence": "Paris is the capital of France.", **fields})


def test_a_typed_fact_with_new_entities_is_added_and_validates():
    data = deck_data()
    edit = put_fact(data, typed(), None)
    assert edit.ok and edit.key == "france-capital"
    assert edit.data["entities"] == {
        "france": {"name": "France", "type": "place"},
        "paris": {"name": "Paris", "type": "place"},
    }
    assert data["entities"] == {}  # the input is not changed
    Deck.from_dict(edit.data)  # a deck without a source is valid


def test_an_existing_entity_of_the_same_name_is_reused():
    first = put_fact(deck_data(), typed(), None).data
    second = put_fact(first, typed(new_subject="Paris region", new_value="Paris"), None)
    assert sorted(second.data["entities"]) == ["france", "paris", "paris-region"]


@pytest.mark.parametrize(
    ("fields", "where", "words"),
    [
        ({"relation": "nope"}, "relation", "Choose a relation"),
        ({"new_subject": ""}, "subject", "Choose a subject"),
        ({"new_value": ""}, "value_entity", "Choose the answer (place)"),
        ({"value_entities": ("a", "b"), "new_value": ""}, "value_entity", "one answer"),
    ],
)
def test_what_the_form_cannot_say_is_a_refusal_by_field(fields, where, words):
    edit = put_fact(deck_data(), typed(**fields), None)
    assert not edit.ok and edit.data is None
    assert words in " ".join(edit.field_problems[where])


def test_a_chosen_key_that_is_taken_is_refused_on_the_key():
    data = put_fact(deck_data(), typed(key="fr"), None).data
    edit = put_fact(data, typed(key="fr"), None)
    assert edit.field_problems == {"key": ("There is already a fact with the key 'fr'.",)}


def test_the_deck_changing_under_the_form_is_a_refused_edit_not_an_exception():
    data = put_fact(deck_data(), typed(), None).data
    removed = deck_edits.remove(data, "fact", "france-capital").data
    # editing a fact someone removed meanwhile
    edit = put_fact(removed, typed(), "france-capital")
    assert not edit.ok and "removed meanwhile" in edit.all_problems()[0]
    # the relation removed meanwhile
    no_relation = {**removed, "relations": {}}
    assert put_fact(no_relation, typed(), None).field_problems["relation"]


def test_values_of_each_answer_type():
    relations = {
        "founded": {**CAPITAL, "subject": "company", "value": "date"},
        "revenue": {**CAPITAL, "subject": "company", "value": "money"},
        "motto": {**CAPITAL, "subject": "company", "value": "text"},
    }
    data = deck_data(**relations)
    base = {"new_subject": "Acme", "new_value": "", "evidence": "Acme."}
    date = put_fact(data, FactInput(relation="founded", value_date="2023-04", **base), None)
    money = put_fact(
        data,
        FactInput(relation="revenue", value_amount="2,000", value_currency="usd", **base),
        None,
    )
    text = put_fact(
        data, FactInput(relation="motto", value_text="Go", value_aliases="go!", **base), None
    )
    assert date.data["facts"][0]["value"] == "2023-04"
    assert money.data["facts"][0]["value"] == {"amount": 2000.0, "currency": "USD"}
    assert text.data["facts"][0]["value"] == {"text": "Go", "aliases": ["go!"]}
    bad = put_fact(data, FactInput(relation="revenue", value_amount="lots", **base), None)
    assert bad.field_problems == {"value_amount": ("Enter a number.",)}


def test_removing_an_entity_a_fact_uses_is_refused_with_the_facts_named():
    data = put_fact(deck_data(), typed(), None).data
    edit = deck_edits.remove(data, "entity", "paris")
    assert not edit.ok and "'france-capital'" in edit.problems[0]


def test_new_keys_are_made_from_names_and_kept_free():
    assert deck_edits.new_key("relation", "", "Founded by", ["founded_by"]) == "founded_by_2"
    assert deck_edits.new_key("entity", "", "Île-de-France", ["ile-de-france"]) == (
        "ile-de-france-2"
    )
    assert deck_edits.new_key("entity", "chosen", "whatever", ["chosen"]) == "chosen"


def test_fact_lines_show_names_not_keys():
    data = put_fact(deck_data(), typed(), None).data
    lines = fact_lines(data, Deck.from_dict(data))
    assert [(x.subject, x.relation, x.value) for x in lines] == [("France", "capitals", "Paris")]
    # an invalid deck still lists names
    assert fact_lines(data, None)[0].value == "Paris"


def test_preview_of_a_fact_says_what_is_wrong_or_what_it_gives():
    data = put_fact(deck_data(), typed(), None).data
    shown = preview_fact(data, "france-capital")
    assert shown["ok"] and {q["kind"] for q in shown["questions"]} >= {"typed", "true false"}
    broken = put_fact(deck_data(), typed(evidence=""), None).data
    assert not preview_fact(broken, "france-capital")["ok"]
    assert preview_fact(data, "nope")["problems"] == ["There is no fact 'nope'."]


def test_a_picture_is_set_kept_on_edit_and_removed_on_request():
    name = "0" * 32 + ".png"
    data = put_fact(deck_data(), typed(picture=name), None).data
    assert data["facts"][0]["image"] == name
    kept = put_fact(data, typed(), "france-capital").data
    assert kept["facts"][0]["image"] == name
    removed = put_fact(data, typed(remove_picture=True), "france-capital").data
    assert "image" not in removed["facts"][0]
    Deck.from_dict(kept)  # the name is one the fact file accepts


def test_wrong_options_are_kept_one_per_line():
    edit = put_fact(deck_data(), typed(choices="Lyon\n\n Marseille \n"), None)
    assert edit.data["facts"][0]["choices"] == ["Lyon", "Marseille"]
    shown = preview_fact(edit.data, edit.key)
    choice = next(q for q in shown["questions"] if q["kind"] == "multiple choice")
    assert set(choice["choices"]) == {"Paris", "Lyon", "Marseille"}
