"""Launches quizapp must refuse: each gets a 4xx page that says why, and nothing is
created in the database."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import (
    ClassMembership,
    LoginSession,
    LtiAccount,
    LtiCourse,
    LtiLaunchValue,
    LtiResourceLink,
    SchoolClass,
    User,
)
from tests.lti.conftest import launch, people
from tests.lti.platform import new_key

TABLES = (User, LtiAccount, LtiCourse, LtiResourceLink, SchoolClass, ClassMembership, LoginSession)


def snapshot() -> dict:
    counts = {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
        for model in TABLES
    }
    # Launch values: only the nonce the login step stored may exist, never a saved launch.
    counts["launches"] = db.session.scalar(
        select(func.count())
        .select_from(LtiLaunchValue)
        .where(LtiLaunchValue.key.like("lti1p3-launch-%"))
    )
    return counts


def _now() -> int:
    return int(time.time())


HOSTILE = {
    "wrong signature": ({"key": "other"}, "not signed by the platform's key"),
    "unknown key id": ({"kid": "no-such-key"}, "keys do not include the one"),
    "expired token": ({"exp": -600, "iat": -900}, "has expired"),
    "wrong audience": ({"aud": "some-other-tool"}, "meant for another tool"),
    "wrong audience in a list": ({"aud": ["some-other-tool"]}, "meant for another tool"),
    "unknown deployment": (
        {"https://purl.imsglobal.org/spec/lti/claim/deployment_id": "not-registered"},
        "deployment of quizapp is not registered",
    ),
    "no nonce": ({"nonce": None}, "launch token is not valid"),
    "no expiry": ({"exp": None}, "launch token is not valid"),
}


@pytest.mark.parametrize("case", list(HOSTILE), ids=list(HOSTILE))
def test_a_hostile_launch_is_refused_and_creates_nothing(app, client, platform, case):
    tamper, words = HOSTILE[case]
    tamper = dict(tamper)
    if tamper.get("key") == "other":
        tamper["key"] = new_key()  # signed by someone else, under the platform's key id
    for claim in ("exp", "iat"):
        if isinstance(tamper.get(claim), int):
            tamper[claim] = _now() + tamper[claim]
    teacher, _, _ = people(platform)
    before = snapshot()
    response = launch(client, platform, teacher, deep_link=True, **tamper)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert words in page.replace("&#39;", "'"), page
    assert "Nothing was saved" in page
    assert snapshot() == before


def test_a_replayed_launch_is_refused(app, client, platform):
    teacher, _, _ = people(platform)
    first = launch(client, platform, teacher, deep_link=True)
    assert first.status_code == 200
    form = launch.last_form
    before = snapshot()
    again = client.post("/lti/launch", data=form)
    assert again.status_code == 400
    assert "already used" in again.get_data(as_text=True)
    assert snapshot() == before


def test_a_launch_from_another_browser_is_refused(app, client, platform):
    """The state cookie ties the launch to the browser that started the login."""
    teacher, _, _ = people(platform)
    hint = platform.expect_launch(teacher, deep_link=True)
    started = client.get("/lti/login", query_string=platform.login_params(teacher, hint, "x"))
    _, form = platform.authorize(started.headers["Location"])
    before = snapshot()
    other = app.test_client()
    response = other.post("/lti/launch", data=form)
    assert response.status_code == 400
    assert "did not start in this browser" in response.get_data(as_text=True)
    assert snapshot() == before


def test_a_learner_before_any_instructor_is_told_to_wait(app, client, platform):
    _, ben, _ = people(platform)
    from tests.lti.platform import Link

    before = snapshot()
    link = Link("link-x", "Quiz", {"quizapp_assignment": "1"}, None)
    response = launch(client, platform, ben, link=link)
    assert response.status_code == 400
    assert "has not set this course up" in response.get_data(as_text=True)
    assert snapshot() == before


@pytest.mark.parametrize(
    "params, words",
    [
        ({}, "Could not find issuer"),
        ({"iss": "https://unknown.example", "login_hint": "x"}, "not registered"),
        ({"iss": "https://canvas.instructure.com"}, "Could not find login hint"),
    ],
)
def test_a_bad_login_initiation_is_refused(app, client, params, words):
    response = client.get("/lti/login", query_string=params)
    assert response.status_code == 400
    assert words in response.get_data(as_text=True)
    assert not response.headers.getlist("Set-Cookie")


def test_a_launch_with_no_login_step_is_refused(app, client):
    response = client.post("/lti/launch", data={"id_token": "a.b.c"})
    assert response.status_code == 400
    assert "did not come through quizapp's login step" in response.get_data(as_text=True).replace(
        "&#39;", "'"
    )


def test_a_link_to_another_courses_assignment_is_refused(app, canvas, moodle, software_deck):
    """A teacher on one platform can't point a link at an assignment of another course."""
    from quizapp.models import Assignment
    from tests.lti.conftest import course_with_link, register

    client = app.test_client()
    register(client, canvas)
    register(client, moodle)
    course_with_link(app, canvas, software_deck)
    assignment_id = db.session.scalar(select(Assignment.id))
    course_with_link(app, moodle, software_deck)  # moodle's course exists too
    _, ben, _ = people(moodle)
    from tests.lti.platform import Link

    forged = Link("link-99", "Quiz", {"quizapp_assignment": str(assignment_id)}, None)
    before = snapshot()
    response = launch(app.test_client(), moodle, ben, link=forged)
    assert response.status_code == 400
    assert "assignment of another course" in response.get_data(as_text=True)
    assert snapshot() == before


@pytest.mark.parametrize(
    "change, status, words",
    [
        ({"deck": "no-such-deck"}, 400, "Not a valid choice"),
        ({"count": "500"}, 400, "Between 5 and 50 questions"),
        ({"due_at": "2001-01-01T00:00"}, 400, "due date"),
        ({"launch": "lti1p3-launch-forged"}, 404, "has expired or was already sent"),
        ({"launch": ""}, 404, "has expired or was already sent"),
    ],
)
def test_a_bad_deep_link_choice_is_refused_and_makes_nothing(
    app, client, platform, software_deck, change, status, words
):
    from datetime import timedelta

    from quizapp.models import Assignment, utcnow
    from tests.lti.conftest import hidden

    teacher, _, _ = people(platform)
    page = launch(client, platform, teacher, deep_link=True).get_data(as_text=True)
    now = utcnow()
    form = {
        "launch": hidden(page, "launch"),
        "deck": software_deck,
        "count": "5",
        "opens_at": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "due_at": (now + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
        "attempts": "1",
        "scoring": "best",
        "late_policy": "mark",
        **change,
    }
    response = client.post("/lti/deep-link", data=form)
    assert response.status_code == status
    assert words in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Assignment)) == 0
    assert platform.received.deep_link_returns == []


def test_a_deep_link_choice_is_sent_once(app, client, platform, software_deck):
    from datetime import timedelta

    from quizapp.models import Assignment, utcnow
    from tests.lti.conftest import hidden

    teacher, _, _ = people(platform)
    page = launch(client, platform, teacher, deep_link=True).get_data(as_text=True)
    now = utcnow()
    form = {
        "launch": hidden(page, "launch"),
        "deck": software_deck,
        "count": "5",
        "opens_at": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "due_at": (now + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
        "attempts": "1",
        "scoring": "best",
        "late_policy": "mark",
    }
    refused = client.post(
        "/lti/deep-link",
        data={**form, "opens_at": "2000-01-01T00:00", "due_at": "2001-01-01T00:00"},
    )
    assert refused.status_code == 400 and "already passed" in refused.get_data(as_text=True)
    # The teacher corrects the dates: the same choice goes through, once.
    assert client.post("/lti/deep-link", data=form).status_code == 200
    again = client.post("/lti/deep-link", data=form)  # a double submit
    assert again.status_code == 404
    assert "already sent" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Assignment)) == 1
