"""The statistics page's mastery table in pages of 50 subjects (issue 21): a deck with
many subjects no longer makes the page grow; bad page numbers get messages."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bench.synthetic import synthetic_deck
from quizapp.extensions import db
from quizapp.models import Deck
from quizapp.services import study
from quizapp.services.decks import sync_deck
from tests.conftest import database_template


@database_template
def big_deck_rows() -> None:
    """A synthetic deck of 600 facts about 100 subjects, "big"."""
    sync_deck(synthetic_deck(600, random.Random(3), key="big"))


@pytest.fixture
def learner(app, client, make_user, login, big_deck_rows):
    deck = db.session.scalar(select(Deck).where(Deck.key == "big"))
    user = make_user()
    study.enroll(user, deck, datetime(2025, 1, 1, tzinfo=UTC))
    login(client, user)
    return user


def subjects_shown(html: str) -> list[str]:
    table = html.split('class="mastery"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<th scope="row">([^<]+)</th>', table)


def test_the_mastery_table_pages_its_subjects(client, learner):
    first = client.get("/study/stats?deck=big").get_data(as_text=True)
    subjects = subjects_shown(first)
    assert len(subjects) == 50
    assert "Subjects 1–50 of 100:" in first
    assert 'href="/study/stats?subjects=2&amp;deck=big#mastery-title"' in first
    second = client.get("/study/stats?deck=big&subjects=2").get_data(as_text=True)
    rest = subjects_shown(second)
    assert len(rest) == 50 and not set(rest) & set(subjects)
    assert "Subjects 51–100 of 100:" in second and 'rel="prev"' in second
    everything = client.get("/study/stats").get_data(as_text=True)  # all decks: the same
    assert subjects_shown(everything) == subjects and 'href="/study/stats?subjects=2' in everything


@pytest.mark.parametrize(("value", "status"), [("x", 400), ("0", 400), ("-1", 400), ("3", 404)])
def test_a_bad_page_of_subjects_is_refused(client, learner, value, status):
    response = client.get(f"/study/stats?deck=big&subjects={value}")
    assert response.status_code == status
