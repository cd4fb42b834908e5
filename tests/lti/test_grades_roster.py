"""Grade passback when the platform fails (queued, shown to the teacher, sent later,
never lost), the assignment's best/last rule, and the roster sync."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select

from quizapp.extensions import db
from quizapp.models import (
    ClassMembership,
    LtiAccount,
    LtiCourse,
    LtiGradeSend,
    QuizAttempt,
    User,
    utcnow,
)
from tests.conftest import count_rows
from tests.factories import take
from tests.lti.conftest import course_with_link, enter, launch


def submit(app, platform, person, link, verdicts):
    """A learner launches, starts the assignment and answers every question."""
    browser = app.test_client()
    page = enter(browser, launch(browser, platform, person, link=link))
    assert browser.post(page + "/start").status_code == 303
    attempt = db.session.scalar(
        select(QuizAttempt)
        .join(User)
        .join(LtiAccount)
        .where(LtiAccount.subject == person.sub, QuizAttempt.finished_at.is_(None))
    )
    take(db.session.get(User, attempt.user_id), attempt.id, verdicts, start=utcnow())
    return attempt


def test_a_failed_send_waits_is_shown_and_is_sent_by_the_retry_command(
    app, platform, software_deck
):
    link, (teacher, ben, _) = course_with_link(app, platform, software_deck)
    platform.fail_scores = True
    submit(app, platform, ben, link, ["right", "wrong", "right", "right", "right"])
    (row,) = db.session.scalars(select(LtiGradeSend))
    assert row.status == "pending" and row.tries == 1
    assert "503" in row.last_error and "maintenance" in row.last_error
    assert platform.received.scores == []

    # The teacher sees it waiting, with the platform's answer; their launch, a minute
    # later, tries the platform again.
    row.tried_at -= timedelta(minutes=2)
    db.session.commit()
    staff = app.test_client()
    landed = enter(staff, launch(staff, platform, teacher, link=link))
    page = staff.get(landed).get_data(as_text=True)
    assert "1 grade waiting for the platform" in page and "maintenance" in page
    assert db.session.get(LtiGradeSend, row.id).tries == 2  # the launch tried again

    platform.fail_scores = False
    result = app.test_cli_runner().invoke(args=["lti", "retry"])
    assert result.exit_code == 0, result.output
    assert "1 grades sent, 0 still waiting" in result.output
    (score,) = platform.received.scores
    assert score["userId"] == ben.sub and score["scoreGiven"] == 4.0
    db.session.expire_all()
    assert db.session.get(LtiGradeSend, row.id).status == "sent"
    assert "No grade is waiting" not in staff.get(landed).get_data(as_text=True)


def test_the_retry_command_fails_while_grades_still_wait(app, platform, software_deck):
    link, (_, ben, _) = course_with_link(app, platform, software_deck)
    platform.fail_scores = True
    submit(app, platform, ben, link, ["right"] * 5)
    result = app.test_cli_runner().invoke(args=["lti", "retry"])
    assert result.exit_code == 1 and "0 grades sent, 1 still waiting" in result.output


def test_the_teacher_sends_waiting_grades_from_their_page(app, platform, software_deck):
    link, (teacher, ben, _) = course_with_link(app, platform, software_deck)
    platform.fail_scores = True
    submit(app, platform, ben, link, ["right"] * 5)
    staff = app.test_client()
    landed = enter(staff, launch(staff, platform, teacher, link=link))
    platform.fail_scores = False
    response = staff.post(landed + "/grades", follow_redirects=True)
    assert "1 of 1 waiting grades reached the platform" in response.get_data(as_text=True)
    assert [s["scoreGiven"] for s in platform.received.scores] == [5.0]


def test_best_and_last_rules_decide_what_the_platform_gets(app, platform, software_deck):
    link, (_, ben, chloe) = course_with_link(
        app, platform, software_deck, attempts="unlimited", scoring="best"
    )
    submit(app, platform, ben, link, ["right"] * 4 + ["wrong"])
    submit(app, platform, ben, link, ["wrong"] * 5)
    assert [s["scoreGiven"] for s in platform.received.scores] == [4.0, 4.0]  # best stays

    platform.links.clear()
    link, _ = course_with_link(app, platform, software_deck, attempts="unlimited", scoring="last")
    platform.received.scores.clear()
    submit(app, platform, chloe, link, ["right"] * 5)
    submit(app, platform, chloe, link, ["right"] + ["wrong"] * 4)
    assert [s["scoreGiven"] for s in platform.received.scores] == [5.0, 1.0]  # last counts
    assert count_rows(LtiGradeSend) == 2  # one outbox row per link and student


def test_the_roster_sync_adds_and_removes_learners(app, platform, software_deck):
    link, (teacher, ben, chloe) = course_with_link(app, platform, software_deck)
    course = db.session.scalar(select(LtiCourse))
    assert count_rows(ClassMembership) == 2  # read on the deep-linking launch
    dana = platform.add_person(
        "learner-sub-3", "Dana Wu", "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
    )
    chloe.status = "Inactive"
    staff = app.test_client()
    landed = enter(staff, launch(staff, platform, teacher, link=link))
    platform.people[dana.sub] = dana
    response = staff.post(landed + "/roster", follow_redirects=True)
    assert "3 learners; 0 joined the class, 0 left it" in response.get_data(as_text=True)
    members = set(
        db.session.scalars(
            select(LtiAccount.subject)
            .join(ClassMembership, ClassMembership.student_id == LtiAccount.user_id)
            .where(ClassMembership.class_id == course.class_id)
        )
    )
    assert members == {ben.sub, dana.sub}  # Chloé left on the launch's sync; Dana came


def test_the_course_page_is_the_teachers_alone(app, platform, software_deck, make_user, as_user):
    link, (_, ben, _) = course_with_link(app, platform, software_deck)
    course = db.session.scalar(select(LtiCourse))
    learner = app.test_client()
    enter(learner, launch(learner, platform, ben, link=link))
    assert learner.get(f"/lti/classes/{course.class_id}").status_code == 404
    assert learner.post(f"/lti/classes/{course.class_id}/roster").status_code == 404
    stranger = as_user(make_user(role="teacher"))
    assert stranger.get(f"/lti/classes/{course.class_id}").status_code == 404


def test_a_launch_does_not_retry_a_grade_tried_a_moment_ago(app, platform, software_deck):
    link, (_, ben, chloe) = course_with_link(app, platform, software_deck)
    platform.fail_scores = True
    submit(app, platform, ben, link, ["right"] * 5)
    browser = app.test_client()
    enter(browser, launch(browser, platform, chloe, link=link))
    (row,) = db.session.scalars(select(LtiGradeSend))
    assert row.tries == 1  # a platform that is down holds no launch up


def test_the_retry_command_queues_an_attempt_whose_grade_was_never_queued(
    app, platform, software_deck
):
    link, (_, ben, _) = course_with_link(app, platform, software_deck)
    submit(app, platform, ben, link, ["right"] * 3 + ["wrong"] * 2)
    # As if the process had stopped between the attempt's commit and its queueing.
    db.session.execute(delete(LtiGradeSend))
    db.session.commit()
    platform.received.scores.clear()
    result = app.test_cli_runner().invoke(args=["lti", "retry"])
    assert result.exit_code == 0, result.output
    assert "1 finished attempts had no queued grade" in result.output
    assert [s["scoreGiven"] for s in platform.received.scores] == [3.0]
    again = app.test_cli_runner().invoke(args=["lti", "retry"])
    assert "had no queued grade" not in again.output  # queued once, not on every run


def test_a_platform_that_hangs_leaves_the_grade_waiting(app, platform, software_deck, monkeypatch):
    from quizapp.services.lti import connect

    monkeypatch.setattr(connect, "TIMEOUT_SECONDS", 0.2)
    link, (_, ben, _) = course_with_link(app, platform, software_deck)
    platform.score_delay = 1.0
    submit(app, platform, ben, link, ["right"] * 5)
    (row,) = db.session.scalars(select(LtiGradeSend))
    assert row.status == "pending" and row.last_error == "The platform did not answer in time."


def test_the_class_page_links_the_course_platform_page(
    app, platform, software_deck, as_user, teacher, school_class
):
    course_with_link(app, platform, software_deck)
    course = db.session.scalar(select(LtiCourse))
    staff = app.test_client()
    enter(
        staff,
        launch(
            staff,
            platform,
            platform.people["teacher-sub-1"],
            link=next(iter(platform.links.values())),
        ),
    )
    page = staff.get(f"/classes/{course.class_id}").get_data(as_text=True)
    assert f'href="/lti/classes/{course.class_id}"' in page
    other = as_user(teacher).get(f"/classes/{school_class.id}").get_data(as_text=True)
    assert "/lti/classes/" not in other  # a class of quizapp's own: no such link


def test_a_learners_launch_reads_a_stale_roster_only(app, platform, software_deck):
    link, (_, ben, chloe) = course_with_link(app, platform, software_deck)
    reads = platform.received.membership_reads
    browser = app.test_client()
    enter(browser, launch(browser, platform, ben, link=link))
    assert platform.received.membership_reads == reads  # read a moment ago by the teacher
    course = db.session.scalar(select(LtiCourse))
    course.synced_at -= timedelta(hours=2)
    db.session.commit()
    other = app.test_client()
    enter(other, launch(other, platform, chloe, link=link))
    assert platform.received.membership_reads == reads + 1


def test_an_answer_the_teacher_accepts_sends_the_new_score(app, platform, software_deck):
    from quizapp.models import Assignment, QuizQuestion, QuizResponse
    from quizapp.services import assignments as assignment_service

    link, (_, ben, _) = course_with_link(app, platform, software_deck)
    attempt = submit(app, platform, ben, link, ["right", "wrong", "right", "right", "right"])
    assert [s["scoreGiven"] for s in platform.received.scores] == [4.0]

    wrong = db.session.scalar(
        select(QuizResponse)
        .join(QuizQuestion, QuizQuestion.id == QuizResponse.attempt_question_id)
        .where(QuizQuestion.attempt_id == attempt.id, QuizResponse.correct.is_(False))
    )
    assignment = db.session.get(Assignment, attempt.assignment_id)
    teacher = db.session.get(User, assignment.school_class.teacher_id)
    accepted = assignment_service.accept_answer(
        teacher, assignment.class_id, assignment.id, wrong.id, now=utcnow()
    )
    assert accepted.changed
    assert [s["scoreGiven"] for s in platform.received.scores] == [4.0, 5.0]
