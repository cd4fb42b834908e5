"""The whole LTI 1.3 flow against a test platform (Canvas and Moodle flavours): login
initiation, instructor launch, deep link, two learners launched, their submissions,
the scores received by the platform."""

from __future__ import annotations

from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import (
    ClassMembership,
    LtiAccount,
    LtiCourse,
    LtiGradeSend,
    LtiResourceLink,
    QuizAttempt,
    SchoolClass,
    User,
    utcnow,
)
from tests.conftest import count_rows
from tests.factories import take
from tests.lti.conftest import deep_link, enter, launch, people, return_to_platform


def test_instructor_deep_link_two_learners_and_their_scores(app, platform, software_deck):
    teacher, ben, chloe = people(platform)
    staff = app.test_client()

    returned = deep_link(staff, platform, teacher, software_deck)
    assert returned.status_code == 200, returned.get_data(as_text=True)
    # The return page may post to the platform: its CSP form-action names it.
    assert platform.base in returned.headers["Content-Security-Policy"]
    saved = return_to_platform(returned)
    assert saved.status_code == 200, saved.text
    (claims,) = platform.received.deep_link_returns
    (item,) = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert item["type"] == "ltiResourceLink" and item["url"] == "http://localhost/lti/launch"
    assert item["lineItem"]["scoreMaximum"] == 5
    assert claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == "opaque-platform-data"
    (link,) = platform.links.values()
    assignment_id = int(link.custom["quizapp_assignment"])

    # The course became a class whose teacher is the instructor's new account.
    course = db.session.scalar(select(LtiCourse))
    school_class = db.session.get(SchoolClass, course.class_id)
    instructor = db.session.scalar(
        select(User).join(LtiAccount).where(LtiAccount.subject == teacher.sub)
    )
    assert school_class.teacher_id == instructor.id and instructor.is_teacher
    assert instructor.email.endswith("@lti.invalid")  # never the platform's email

    # The instructor opens the link: their course page, the roster read on the way.
    landed = enter(staff, launch(staff, platform, teacher, link=link))
    assert landed == f"/lti/classes/{school_class.id}"
    assert platform.received.membership_reads == 2  # deep-link launch and this one
    assert count_rows(ClassMembership) == 2  # both learners, from the roster

    scores = {}
    for person, verdicts in (
        (ben, ["right", "right", "wrong", "right", "wrong"]),
        (chloe, ["right"] * 5),
    ):
        browser = app.test_client()
        page = enter(browser, launch(browser, platform, person, link=link))
        assert page == f"/classes/{school_class.id}/assignments/{assignment_id}"
        assert browser.get(page).status_code == 200
        started = browser.post(page + "/start")
        assert started.status_code == 303
        attempt = db.session.scalar(
            select(QuizAttempt).join(User).join(LtiAccount).where(LtiAccount.subject == person.sub)
        )
        user = db.session.get(User, attempt.user_id)
        take(user, attempt.id, verdicts, start=utcnow())
        scores[person.sub] = float(verdicts.count("right"))

    received = {score["userId"]: score for score in platform.received.scores}
    assert {sub: score["scoreGiven"] for sub, score in received.items()} == scores
    for score in received.values():
        assert score["scoreMaximum"] == 5
        assert score["activityProgress"] == "Completed"
        assert score["gradingProgress"] == "FullyGraded"
        assert score["lineitem"] == link.lineitem_id  # the deep link's own column
    assert not platform.received.lineitems_created[1:]  # no second column made
    # The service token was asked for with a JWT assertion the platform verified.
    assert all(token["claims"]["iss"] == platform.client_id for token in platform.received.tokens)
    assert {row.status for row in db.session.scalars(select(LtiGradeSend))} == {"sent"}
    assert count_rows(LtiAccount) == 3 and count_rows(User) == 3


def test_a_link_without_a_line_item_gets_one_made_by_quizapp(app, canvas, client, software_deck):
    from tests.lti.conftest import register

    register(client, canvas)
    teacher, ben, _ = people(canvas)
    staff = app.test_client()
    return_to_platform(deep_link(staff, canvas, teacher, software_deck))
    (link,) = canvas.links.values()
    link.lineitem_id = None  # a platform that kept no column for the link
    canvas.lineitems.clear()
    browser = app.test_client()
    page = enter(browser, launch(browser, canvas, ben, link=link))
    browser.post(page + "/start")
    attempt = db.session.scalar(select(QuizAttempt))
    take(db.session.get(User, attempt.user_id), attempt.id, ["right"] * 5, start=utcnow())
    (created,) = canvas.lineitems
    assert created["tag"] == f"quizapp-assignment-{attempt.assignment_id}"
    assert created["scoreMaximum"] == 5
    (score,) = canvas.received.scores
    assert score["lineitem"] == created["id"] and score["scoreGiven"] == 5
    stored = db.session.scalar(select(LtiResourceLink))
    assert stored.lineitem_url == created["id"]  # found again next time, not made twice
