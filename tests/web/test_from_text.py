"""New deck from text and Add from text: paste, review, save only what was accepted."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from quizapp.domain.suggest import MAX_TEXT_BYTES
from quizapp.extensions import db
from quizapp.models import Deck, DeckVersion
from tests.conftest import count_rows

ARTICLES = Path(__file__).resolve().parents[1] / "fixtures" / "articles"
TEXT = (
    "Northvolt was founded in 2016 by Peter Carlsson. "
    "The company is headquartered in Stockholm. "
    "Verkor was founded in 2020 by Benoit Lemaignan."
)


@pytest.fixture
def author(client, login, teacher):
    login(client, teacher)
    return teacher


def rows_of(page: str) -> int:
    return page.count('name="row-') // 5  # relation, subject, value, evidence, decision


def review(client, text=TEXT, **details):
    data = {"title": "Batteries", "as_of": "2025", "language": "en", "visibility": "private"}
    return client.post("/decks/new/from-text", data={**data, **details, "text": text})


def form_of(page_rows: list[dict], **details) -> dict:
    data = {
        "title": "Batteries",
        "source": "",
        "as_of": "2025",
        "language": "en",
        "visibility": "private",
        "rows": str(len(page_rows)),
        **details,
    }
    for number, row in enumerate(page_rows):
        for name, value in row.items():
            data[f"row-{number}-{name}"] = value
    return data


ROWS = [
    {
        "relation": "founder",
        "subject": "Northvolt",
        "value": "Peter Carlsson",
        "evidence": "Northvolt was founded in 2016 by Peter Carlsson.",
        "decision": "accept",
    },
    {
        "relation": "founded",
        "subject": "Northvolt",
        "value": "2016",
        "evidence": "Northvolt was founded in 2016 by Peter Carlsson.",
        "decision": "accept",
    },
    {
        "relation": "headquarters",
        "subject": "Northvolt",
        "value": "Stockholm",
        "evidence": "The company is headquartered in Stockholm.",
        "decision": "reject",
    },
]


def test_pasting_shows_the_suggestions_with_their_questions_and_saves_nothing(client, author):
    decks = count_rows(Deck)
    response = review(client)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert "Review 5 suggested facts" in page, page[page.find("<main") :][:3000]
    assert "Peter Carlsson" in page and "Stockholm" in page and "Benoit Lemaignan" in page
    assert "Which company was founded by Peter Carlsson?" in page  # the founder fact's preview
    assert "In which year was Northvolt founded?" in page
    assert count_rows(Deck) == decks


def test_saving_creates_the_deck_of_the_accepted_and_edited_suggestions(client, author):
    rows = [dict(r) for r in ROWS]
    rows[1]["value"] = "April 2016"  # edited by the teacher
    response = client.post("/decks/new/from-text/review", data=form_of(rows, action="save"))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    deck = db.session.scalar(select(Deck).where(Deck.key == f"batteries-u{author.id}"))
    content = deck.content
    assert {f["relation"]: f["value"] for f in content["facts"]} == {
        "founder": ["peter-carlsson"],
        "founded": "2016-04",
    }
    assert "stockholm" not in content["entities"]  # rejected
    assert content["deck"]["source"] == "Pasted text"
    assert content["facts"][0]["evidence"] == ROWS[0]["evidence"]


def test_preview_again_shows_what_was_edited_without_saving(client, author):
    rows = [dict(r) for r in ROWS]
    rows[0]["value"] = "Paolo Cerruti"
    decks = count_rows(Deck)
    response = client.post("/decks/new/from-text/review", data=form_of(rows, action="preview"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Northvolt was founded by Paolo Cerruti." in page
    assert count_rows(Deck) == decks


def test_a_value_of_the_wrong_kind_is_explained_and_not_added(client, author):
    rows = [dict(ROWS[1], value="sometime"), ROWS[0]]
    response = client.post("/decks/new/from-text/review", data=form_of(rows, action="preview"))
    assert "Will not be added: &#39;sometime&#39; is not a date." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"rows": "x"}, "The review page was incomplete"),
        ({"rows": "100000"}, "At most 300 suggestions"),
        ({"row-0-relation": "no_such"}, "Suggestion 1: choose a relation from the list."),
        ({"row-0-decision": "maybe"}, "Suggestion 1: choose accept or reject."),
        ({"row-0-subject": ""}, "Suggestion 1: the subject must be filled in"),
        ({"row-0-subject": "x" * 300}, "Suggestion 1: the subject must be filled in"),
        ({"as_of": "yesterday"}, "Facts true as of"),
    ],
)
def test_bad_review_forms_are_refused_with_words_and_nothing_saved(client, author, change, message):
    decks, versions = count_rows(Deck), count_rows(DeckVersion)
    response = client.post(
        "/decks/new/from-text/review", data={**form_of(ROWS, action="save"), **change}
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert (count_rows(Deck), count_rows(DeckVersion)) == (decks, versions)


def test_saving_with_nothing_accepted_is_refused(client, author):
    rows = [dict(r, decision="reject") for r in ROWS]
    response = client.post("/decks/new/from-text/review", data=form_of(rows, action="save"))
    assert response.status_code == 400
    assert "Accept at least one suggestion." in response.get_data(as_text=True)


@pytest.mark.parametrize("times", [1, 5])
def test_a_text_over_the_cap_is_refused_with_the_cap_in_words(client, author, times):
    decks = count_rows(Deck)
    text = "Northvolt was founded in 2016. " * (times * MAX_TEXT_BYTES // 30 + 10)
    response = review(client, text=text)
    assert response.status_code == 400
    assert "at most 200 KB can be read at once" in response.get_data(as_text=True)
    assert count_rows(Deck) == decks


def test_a_text_with_no_facts_says_what_is_looked_for(client, author):
    response = review(client, text="It rained all day. We stayed in.")
    assert response.status_code == 200
    assert "No facts were found in this text." in response.get_data(as_text=True)


def test_add_from_text_marks_what_the_deck_states_and_adds_the_rest(client, author):
    rows = [ROWS[0], ROWS[1]]
    client.post("/decks/new/from-text/review", data=form_of(rows, action="save"))
    key = f"batteries-u{author.id}"
    page = client.post(f"/decks/{key}/edit/from-text", data={"text": TEXT}).get_data(as_text=True)
    assert page.count("The deck already states this fact.") == 2
    # duplicates come unticked: only the new ones are accepted by default
    assert page.count('value="accept" checked') == 3
    new_rows = [
        ROWS[2] | {"decision": "accept"},
        {
            "relation": "founder",
            "subject": "Verkor",
            "value": "Benoit Lemaignan",
            "evidence": "Verkor was founded in 2020 by Benoit Lemaignan.",
            "decision": "accept",
        },
    ]
    data = form_of(new_rows, action="save")
    response = client.post(f"/decks/{key}/edit/from-text/review", data=data)
    assert response.status_code == 302
    content = db.session.scalar(select(Deck).where(Deck.key == key)).content
    assert len(content["facts"]) == 4
    assert content["entities"]["stockholm"]["type"] == "place"


def test_another_users_deck_cannot_be_added_to(app, client, make_user, login, author):
    client.post("/decks/new/from-text/review", data=form_of(ROWS[:1], action="save"))
    key = f"batteries-u{author.id}"
    other = app.test_client()
    login(other, make_user(role="teacher"))
    for url in (f"/decks/{key}/edit/from-text", f"/decks/{key}/edit/from-text/review"):
        response = other.post(url, data={"text": TEXT, **form_of(ROWS, action="save")})
        assert response.status_code in (403, 404)
    assert len(db.session.scalar(select(Deck).where(Deck.key == key)).content["facts"]) == 1


def test_the_pages_link_to_each_other(client, author):
    assert "/decks/new/from-text" in client.get("/decks/new").get_data(as_text=True)
    page = client.get("/decks/new/from-text").get_data(as_text=True)
    assert "Article or notes" in page and "200 KB" in page


def test_a_whole_article_becomes_a_deck(client, author):
    text = (ARTICLES / "batteries.txt").read_text(encoding="utf-8")
    page = review(client, text=text).get_data(as_text=True)
    count = int(page.split('name="rows" value="')[1].split('"')[0])
    assert count >= 20


def test_relations_are_picked_from_the_presets(client, author):
    client.post("/decks/new/from-text/review", data=form_of(ROWS[:1], action="save"))
    key = f"batteries-u{author.id}"
    page = client.get(f"/decks/{key}/edit").get_data(as_text=True)
    assert "Add relations from the presets" in page
    assert "founding dates: When was … founded?" in page
    response = client.post(f"/decks/{key}/edit/presets", data={"preset": "companies"})
    assert response.status_code == 303
    relations = db.session.scalar(select(Deck).where(Deck.key == key)).content["relations"]
    assert {"founder", "founded", "valuation", "investor"} <= set(relations)
    assert relations["founded"]["forward"] == "When was {subject} founded?"
    versions = count_rows(DeckVersion)
    assert client.post(f"/decks/{key}/edit/presets", data={"preset": "nope"}).status_code == 303
    assert count_rows(DeckVersion) == versions  # an unknown choice changes nothing
