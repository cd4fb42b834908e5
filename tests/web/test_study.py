"""The study pages through HTTP: the review loop without JavaScript, settings, stats, bad input."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Fact, Question, StudyItem, User
from quizapp.models.study import ReviewLog, StudySettings
from tests.conftest import count_rows

DECK = "software-companies"
HIDDEN = re.compile(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"')


@pytest.fixture
def app_config(app_config):
    return {**app_config, "STUDY_FUZZING": False}


@pytest.fixture
def learner(client, login, make_user, builtin_decks):
    user = make_user()
    login(client, user)
    return user


def start(client, deck=DECK, timezone="Europe/Berlin"):
    response = client.post(f"/study/decks/{deck}/start", data={"browser_timezone": timezone})
    assert response.status_code == 303
    return response


def question_form(client, deck=DECK):
    response = client.get(f"/study/review?deck={deck}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    form = html[html.index('id="answer-form"') :]
    return dict(HIDDEN.findall(form[: form.index("</form>")])), html


def rate_form(html):
    form = html[html.index('id="rate-form"') :]
    form = form[: form.index("</form>")]
    fields = {}
    for name, value in HIDDEN.findall(form):
        fields.setdefault(name, []).append(value)
    return {k: v if len(v) > 1 else v[0] for k, v in fields.items()}


def test_login_is_required(client):
    response = client.get("/study/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_the_review_loop_without_javascript(client, learner):
    start(client)
    assert db.session.get(User, learner.id).timezone == "Europe/Berlin"
    fields, html = question_form(client)
    assert "New <strong>19</strong>" in html
    assert 'name="csrf_token"' in html
    item = db.session.get(StudyItem, int(fields["item"]))
    question = db.session.get(Question, fields["question"])
    # The right answer is not on the question page.
    assert "evidence" not in html.split('id="answer-form"')[1].split("</form>")[0]

    response = client.post("/study/check", data={**fields, "reveal": "1"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert str(escape(question.answer.split(",")[0])) in page
    fact = db.session.get(Fact, item.fact_id)
    assert str(escape(fact.evidence)) in page and fact.source in page
    assert re.search(r'class="interval">10m<', page)  # Good on a new fact
    assert count_rows(ReviewLog) == 0  # checking writes nothing

    data = rate_form(page)
    response = client.post("/study/rate", data={**data, "rating": "3"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/study/review?deck={DECK}")
    log = db.session.scalar(select(ReviewLog))
    assert (log.item_id, log.rating, log.correct) == (item.id, 3, None)
    # The form sent again (double click, reload) records nothing more.
    response = client.post("/study/rate", data={**data, "rating": "3"})
    assert response.status_code == 303
    assert count_rows(ReviewLog) == 1


def test_a_wrong_typed_answer_proposes_again(client, learner):
    start(client)
    fields, html = question_form(client)
    # The kinds rotate: after a choice question the same fact comes back typed.
    for _ in range(4):
        if 'id="answer"' in html:
            break
        page = client.post("/study/check", data={**fields, "reveal": "1"}).get_data(as_text=True)
        client.post("/study/rate", data={**rate_form(page), "rating": "1"})
        fields, html = question_form(client, f"{DECK}&item={fields['item']}")
    else:
        pytest.fail("no typed question came up")
    response = client.post("/study/check", data={**fields, "response": "Definitely wrong"})
    page = response.get_data(as_text=True)
    assert "Not quite" in page
    assert re.search(r'class="rating rating-again proposed" autofocus', page)


def test_feedback_of_a_choice_shows_the_pick_against_the_right_option(client, learner):
    start(client)
    fields, html = question_form(client)
    for _ in range(6):  # the kinds rotate; find a single-choice question
        if 'type="radio" name="response"' in html:
            break
        page = client.post("/study/check", data={**fields, "reveal": "1"}).get_data(as_text=True)
        client.post("/study/rate", data={**rate_form(page), "rating": "1"})
        fields, html = question_form(client)
    else:
        pytest.fail("no single-choice question came up")
    question = db.session.get(Question, fields["question"])
    wrong = next(c for c in question.payload["choices"] if c not in question.payload["correct"])
    page = client.post("/study/check", data={**fields, "response": wrong}).get_data(as_text=True)
    start_at = page.index('class="option-review"')
    review = page[start_at : page.index("</ul>", start_at)]
    assert review.count("<li") == len(question.payload["choices"])
    picked = review[review.index(str(escape(wrong))) - 120 :]
    assert 'class="bad"' in picked[:200] and "your pick" in picked
    assert review.count('class="ok"') == len(question.payload["correct"])


def test_two_tabs_record_one_review(client, learner):
    start(client)
    fields, _ = question_form(client)
    tab_a = client.post("/study/check", data={**fields, "reveal": "1"}).get_data(as_text=True)
    tab_b = client.post("/study/check", data={**fields, "reveal": "1"}).get_data(as_text=True)
    assert client.post("/study/rate", data={**rate_form(tab_a), "rating": "3"}).status_code == 303
    response = client.post("/study/rate", data={**rate_form(tab_b), "rating": "1"})
    assert response.status_code == 303
    assert count_rows(ReviewLog) == 1
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "already answered" in follow


def test_undo_puts_the_item_back(client, learner):
    start(client)
    fields, _ = question_form(client)
    page = client.post("/study/check", data={**fields, "reveal": "1"}).get_data(as_text=True)
    client.post("/study/rate", data={**rate_form(page), "rating": "4"})
    item = db.session.get(StudyItem, int(fields["item"]))
    assert item.state == "review"

    _, html = question_form(client)
    review_id = re.search(r'name="review" value="(\d+)"', html).group(1)
    response = client.post("/study/undo", data={"review": review_id, "deck": DECK})
    assert response.status_code == 303
    assert f"item={fields['item']}" in response.headers["Location"]
    item = db.session.get(StudyItem, int(fields["item"]))
    assert (item.state, item.reps, item.last_review) == ("new", 0, None)
    again, _ = question_form(client)
    assert again["item"] == fields["item"]


def test_another_users_items_are_404(client, learner, make_user, login, app):
    start(client)
    fields, _ = question_form(client)
    page = client.post("/study/check", data={**fields, "reveal": "1"}).get_data(as_text=True)
    data = rate_form(page)
    client.post("/study/rate", data={**data, "rating": "3"})
    review_id = db.session.scalar(select(ReviewLog.id))
    before = count_rows(ReviewLog)

    intruder = app.test_client()
    login(intruder, make_user())
    assert intruder.get(f"/study/review?item={fields['item']}").status_code == 404
    check = {**fields, "version": "1", "reveal": "1"}
    assert intruder.post("/study/check", data=check).status_code == 404
    forged = {**data, "version": "1", "request_id": "intruder-request-1", "rating": "1"}
    assert intruder.post("/study/rate", data=forged).status_code == 404
    assert intruder.post("/study/undo", data={"review": review_id}).status_code == 404
    assert count_rows(ReviewLog) == before
    assert db.session.get(StudyItem, int(fields["item"])).state == "learning"


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"item": "abc"}, 400),
        ({"item": "999999"}, 404),
        ({"question": "forged00000"}, 400),
        ({"rating": "0"}, 400),
        ({"rating": "5"}, 400),
        ({"rating": "good"}, 400),
        ({"request_id": "short"}, 400),
        ({"version": ""}, 400),
        ({"deck": "no-such-deck"}, 404),
        ({"deck": "nul\x00"}, 400),  # NUL is refused for every request
        ({"question": "nul\x00"}, 400),
        ({"response": "nul\x00", "revealed": ""}, 400),
    ],
)
def test_bad_rate_input_is_refused(client, learner, change, status):
    start(client)
    fields, _ = question_form(client)
    page = client.post("/study/check", data={**fields, "reveal": "1"}).get_data(as_text=True)
    data = {**rate_form(page), "rating": "3", **change}
    item = db.session.get(StudyItem, int(fields["item"]))
    state = (item.state, item.due, item.version)
    response = client.post("/study/rate", data=data, headers={"Accept": "text/html"})
    assert response.status_code == status
    assert "Traceback" not in response.get_data(as_text=True)
    assert count_rows(ReviewLog) == 0
    db.session.expire_all()
    item = db.session.get(StudyItem, int(fields["item"]))
    assert (item.state, item.due, item.version) == state


def test_bad_check_input_is_refused(client, learner):
    start(client)
    fields, html = question_form(client)
    assert client.post("/study/check", data={**fields, "shown_at": "x"}).status_code == 400
    assert client.get("/study/review?item=x").status_code == 400
    if 'type="radio"' in html or 'type="checkbox"' in html:
        bad = {**fields, "response": "not one of the options"}
        assert client.post("/study/check", data=bad).status_code == 400


def test_settings(client, learner):
    response = client.get("/study/settings")
    assert response.status_code == 200
    assert 'value="0.9"' in response.get_data(as_text=True)
    good = {
        "desired_retention": "0.85",
        "new_per_day": "10",
        "reviews_per_day": "100",
        "timezone": "Asia/Tokyo",
    }
    assert client.post("/study/settings", data=good).status_code == 303
    row = db.session.get(StudySettings, learner.id)
    assert (row.desired_retention, row.new_per_day, row.reviews_per_day) == (0.85, 10, 100)
    assert db.session.get(User, learner.id).timezone == "Asia/Tokyo"


@pytest.mark.parametrize(
    "change",
    [
        {"desired_retention": "0.99"},
        {"desired_retention": "0.5"},
        {"desired_retention": "lots"},
        {"new_per_day": "-1"},
        {"reviews_per_day": "100000"},
        {"reviews_per_day": ""},
        {"timezone": "Nowhere/City"},
    ],
)
def test_bad_settings_are_refused(client, learner, change):
    data = {
        "desired_retention": "0.85",
        "new_per_day": "10",
        "reviews_per_day": "100",
        "timezone": "Asia/Tokyo",
        **change,
    }
    response = client.post("/study/settings", data=data)
    assert response.status_code == 400
    assert 'role="alert"' in response.get_data(as_text=True)
    assert count_rows(StudySettings) == 0
    assert db.session.get(User, learner.id).timezone == "UTC"


def test_deck_limits_form(client, learner):
    start(client)
    url = f"/study/settings/decks/{DECK}"
    assert client.post(url, data={"new_per_day": "2", "reviews_per_day": ""}).status_code == 400
    assert client.post(url, data={"new_per_day": "2", "reviews_per_day": "9"}).status_code == 303
    assert "2 new, 9 reviews a day" in client.get("/study/settings").get_data(as_text=True)
    assert client.get("/study/settings/decks/nope").status_code == 404


def test_stats_pages_and_charts(client, learner):
    start(client)
    fields, _ = question_form(client)
    page = client.post("/study/check", data={**fields, "reveal": "1"}).get_data(as_text=True)
    client.post("/study/rate", data={**rate_form(page), "rating": "3"})
    for url in ("/study/stats", f"/study/stats?deck={DECK}"):
        response = client.get(url)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert html.count("<img ") == 3 and 'class="heat heat-4"' in html
        assert "Mastery by subject" in html and "Microsoft" in html
        assert "<style" not in html and " style=" not in html
        assert len(response.data) < 100_000
    for name in ("retention", "forecast", "states"):
        response = client.get(f"/study/stats/{name}.svg?deck={DECK}")
        assert response.status_code == 200
        assert response.mimetype == "image/svg+xml"
        csp = response.headers["Content-Security-Policy"]
        assert csp == "default-src 'none'; style-src 'unsafe-inline'"
        assert b"<svg" in response.data and b"<script" not in response.data
    assert client.get("/study/stats/nope.svg").status_code == 404
    assert client.get("/study/stats?deck=nope").status_code == 404
    assert (
        client.get("/study/stats?deck=%00").status_code == 400
    )  # NUL is refused for every request


def test_partials_on_the_home_and_deck_pages(client, learner):
    home = client.get("/").get_data(as_text=True)
    assert "Choose a deck" in home
    deck_page = client.get(f"/decks/{DECK}").get_data(as_text=True)
    assert f'action="/study/decks/{DECK}/start"' in deck_page
    start(client)
    home = client.get("/").get_data(as_text=True)
    assert "Left today: <strong>19</strong> new" in home
    assert 'href="/study/"' in home  # the nav link


def test_no_state_change_over_get(client, learner):
    assert client.get(f"/study/decks/{DECK}/start").status_code == 405
    assert client.get("/study/rate").status_code == 405
    assert count_rows(StudyItem) == 0
