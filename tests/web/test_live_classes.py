"""Live games for a class through the web: the class on the game form, members joining
under their names, the host's class count, and the results on the class's pages."""

from __future__ import annotations

import csv
import io
import random
import re
from pathlib import Path

from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import LiveGame, LivePlayer, LiveQuestion
from quizapp.services import classroom as classroom_service
from quizapp.services import live as live_service
from quizapp.services.live import answers as live_answers
from tests.conftest import count_rows

DECK_FILE = Path(__file__).resolve().parents[2] / "questions" / "software_companies.toml"
DECK = "software-companies"
GAME_FORM = {"kinds": ["multiple_choice"], "question_count": 2, "seconds": 20, "scoring": "speed"}


def text(response) -> str:
    return response.get_data(as_text=True)


def class_options(html: str) -> dict[str, str]:
    """The options of the game form's class field: value -> label (selected marked *)."""
    select_html = re.search(r'<select[^>]*name="class_id".*?</select>', html, re.S).group(0)
    options = {}
    for attrs, label in re.findall(r"<option([^>]*)>([^<]*)</option>", select_html):
        value = re.search(r'value="([^"]*)"', attrs).group(1)
        options[value] = label + ("*" if re.search(r"\bselected\b", attrs) else "")
    return options


def test_the_game_form_offers_the_hosts_own_classes_only(
    software_deck, teacher, school_class, make_user, as_user
):
    other = make_user(role="teacher")
    theirs = classroom_service.create_class(other, "Not Yours 7C")
    mine = classroom_service.create_class(teacher, "Algebra 8A")
    host = as_user(teacher)
    html = text(host.get(f"/live/new?deck={DECK}"))
    assert class_options(html) == {
        "": "None*",
        str(mine.id): "Algebra 8A",
        str(school_class.id): "History 9B",
    }
    assert "Not Yours 7C" not in html
    # ?class_id= preselects one of the host's classes, and nothing else
    chosen = class_options(text(host.get(f"/live/new?deck={DECK}&class_id={school_class.id}")))
    assert chosen[str(school_class.id)] == "History 9B*"
    for value in (theirs.id, "x", "²", 2**70, -1):
        page = host.get(f"/live/new?deck={DECK}&class_id={value}")
        assert page.status_code == 200
        assert class_options(text(page))[""] == "None*"
        assert "Not Yours 7C" not in text(page)
    # a teacher with no class sees no class field
    classless = as_user(make_user(role="teacher"))
    assert 'name="class_id"' not in text(classless.get(f"/live/new?deck={DECK}"))


def test_someone_elses_class_is_refused_in_words(software_deck, teacher, make_user, as_user):
    other = make_user(role="teacher")
    theirs = classroom_service.create_class(other, "Not Yours 7C")
    host = as_user(teacher)
    for value in (theirs.id, theirs.id + 100, "abc", "99999999999999999999"):
        response = host.post(f"/live/new?deck={DECK}", data={**GAME_FORM, "class_id": value})
        assert response.status_code == 400
        assert "Choose one of your classes, or none." in text(response)
        assert "Not Yours 7C" not in text(response)
    assert count_rows(LiveGame) == 0


def app_client(client):
    """A fresh client of the same app, logged in as nobody."""
    return client.application.test_client()


def test_a_class_game_from_the_class_page(software_deck, teacher, school_class, enrol, as_user):
    ana, bo = enrol("Ana Li"), enrol("Bo Chen")
    host = as_user(teacher)
    class_page = text(host.get(f"/classes/{school_class.id}"))
    assert f'href="/live/?class_id={school_class.id}"' in class_page
    index = text(host.get(f"/live/?class_id={school_class.id}"))
    assert "History 9B" in index
    assert f"/live/new?deck={DECK}&amp;class_id={school_class.id}" in index
    response = host.post(
        f"/live/new?deck={DECK}", data={**GAME_FORM, "class_id": str(school_class.id)}
    )
    assert response.status_code == 302
    game = db.session.scalars(select(LiveGame)).one()
    assert game.class_id == school_class.id
    # a member joins under their name whatever they type; a guest with a nickname
    joined = as_user(ana).post("/play", data={"pin": game.pin, "nickname": "ninja"})
    assert joined.status_code == 302
    as_user(bo).post("/play", data={"pin": game.pin, "nickname": ""})
    guest = app_client(host)
    assert guest.post("/play", data={"pin": game.pin, "nickname": "Kim"}).status_code == 302
    nicknames = {p.nickname: p.user_id for p in db.session.scalars(select(LivePlayer))}
    assert nicknames == {"Ana Li": ana.id, "Bo Chen": bo.id, "Kim": None}


def test_the_host_screen_and_list_show_the_class(
    software_deck, teacher, school_class, enrol, as_user
):
    ana = enrol("Ana Li")
    enrol("Bo Chen")
    game = live_service.create_game(
        teacher, DECK, class_id=school_class.id, kinds=["multiple_choice"], question_count=2
    )
    as_user(ana).post("/play", data={"pin": game.pin, "nickname": "ninja"})
    live_service.join(game.id, "Guest", None)
    host = as_user(teacher)
    screen = text(host.get(f"/live/games/{game.id}"))
    assert "Class: <strong>History 9B</strong>" in screen
    assert "1 of 2</strong> in the class" in screen
    roster = re.search(r'<ul class="plain roster".*?</ul>', screen, re.S).group(0)
    assert re.search(r'<li class="member">Ana Li <span class="badge">class</span>', roster)
    assert re.search(r"<li>Guest ", roster)
    state = host.get(f"/live/games/{game.id}/state").get_json()
    assert state["class"]["joined"] == 1 and state["class"]["size"] == 2
    listing = text(host.get("/live/"))
    assert "<td>History 9B</td>" in listing


def test_a_finished_class_game_on_the_class_pages(
    software_deck, teacher, school_class, enrol, as_user
):
    ana, cy = enrol("Ana Li"), enrol("Cy Diaz")
    game = live_service.create_game(
        teacher,
        DECK,
        class_id=school_class.id,
        kinds=["multiple_choice"],
        question_count=2,
        scoring="accuracy",
        streak_bonus=False,
        rng=random.Random(3),
    )
    player = live_service.join(game.id, "", ana).player
    version = db.session.get(LiveGame, game.id).version
    live_service.advance(teacher, game.id, version)
    db.session.expire_all()
    question = db.session.scalar(
        select(LiveQuestion).where(LiveQuestion.game_id == game.id, LiveQuestion.position == 0)
    )
    order = live_answers._player_order(player, question)
    right = order.index(question.payload["correct"][0])
    live_service.submit_answer(game.id, player, 0, [right])
    live_service.finish(teacher, game.id)  # ended after one question: 1 of 1 right
    finished = db.session.get(LiveGame, game.id)
    host = as_user(teacher)

    book = text(host.get(f"/classes/{school_class.id}/gradebook"))
    date = f"{finished.finished_at:%Y-%m-%d}"
    assert f"Live: {finished.title}, {date}" in book
    assert "1 of 2 played" in book
    assert "100%" in book and "1000 pts · #1 of 1" in book
    assert "absent" in book
    assert f'href="/live/games/{game.id}/report"' in book

    history = text(host.get(f"/classes/{school_class.id}/students/{ana.id}"))
    assert "Live games" in history and "100%" in history and "1 of 1" in history
    assert "absent" in text(host.get(f"/classes/{school_class.id}/students/{cy.id}"))

    class_page = text(host.get(f"/classes/{school_class.id}"))
    assert f"Live: {finished.title}" in class_page and "1 / 2" in class_page

    export = host.get(f"/classes/{school_class.id}/gradebook.csv")
    rows = list(csv.DictReader(io.StringIO(text(export))))
    label = f"Live: {finished.title}, {finished.finished_at:%Y-%m-%d %H:%M}"
    cells = {row["student"]: (row[label], row[f"{label} points"]) for row in rows}
    assert cells["Ana Li"] == ("100.0", "1000") and cells["Cy Diaz"] == ("absent", "")

    report = text(host.get(f"/live/games/{game.id}/report"))
    assert "History 9B" in report

    # the class's students see none of it: the gradebook is the teacher's
    student = as_user(ana)
    assert student.get(f"/classes/{school_class.id}/gradebook").status_code == 404
    assert f"Live: {finished.title}" not in text(student.get(f"/classes/{school_class.id}"))
