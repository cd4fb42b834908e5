"""The scheduler's pages through HTTP: the memory model and Optimise, the workload chart,
your facts with suspend/bury/reset, leeches on the stats page and for a teacher."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from quizapp.extensions import db
from quizapp.models import StudyItem, utcnow
from quizapp.models.study import ParameterFit
from quizapp.services import jobs, study, write_transaction
from tests.conftest import count_rows

DECK = "software-companies"


@pytest.fixture
def learner(client, login, make_user, builtin_decks):
    user = make_user()
    login(client, user)
    study.enroll(user, builtin_decks[DECK], utcnow())
    return user


def items_of(user):
    db.session.expire_all()
    return StudyItem.query.filter_by(user_id=user.id).order_by(StudyItem.id).all()


def test_settings_show_the_defaults_and_optimise_says_how_many_more(client, learner):
    html = client.get("/study/settings").get_data(as_text=True)
    assert "default FSRS parameters" in html
    assert "What a retention costs" in html and "least work" in html
    response = client.post("/study/settings/optimise", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "being optimised on your reviews, in the background" in html
    assert 'id="refit-queued"' in html and count_rows(ParameterFit) == 0  # a job, queued
    assert jobs.run_pending() == 1
    html = client.get("/study/settings").get_data(as_text=True)
    assert "<strong>400 more</strong>" in html and 'id="refit-queued"' not in html
    assert count_rows(ParameterFit) == 1


def test_the_workload_chart_is_an_svg_of_its_own(client, learner):
    response = client.get("/study/settings/workload.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    body = response.get_data(as_text=True)
    assert "least work" in body and "<script" not in body
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]


def test_leech_settings_are_saved_and_checked(client, learner):
    good = {
        "desired_retention": "0.9",
        "new_per_day": "20",
        "reviews_per_day": "200",
        "timezone": "UTC",
        "leech_threshold": "5",
        "leech_suspend": "y",
    }
    assert client.post("/study/settings", data=good).status_code == 303
    prefs = study.get_prefs(learner)
    assert (prefs.leech_threshold, prefs.leech_suspend) == (5, True)
    for bad in ("0", "100", "five"):
        response = client.post("/study/settings", data={**good, "leech_threshold": bad})
        assert response.status_code == 400
    assert study.get_prefs(learner).leech_threshold == 5


def test_your_facts_suspend_bury_reset(client, learner):
    first, second = items_of(learner)[:2]
    html = client.get(f"/study/facts?deck={DECK}").get_data(as_text=True)
    assert "19 facts" in html and html.count("Suspend</button>") == 19

    back = f"/study/facts?deck={DECK}"
    assert client.post(f"/study/facts/{first.id}/suspend", data={"back": back}).status_code == 303
    response = client.post(f"/study/facts/{second.id}/bury", data={"back": "https://evil.example"})
    assert response.headers["Location"] == "/study/facts"
    first, second = items_of(learner)[:2]
    assert first.suspended and second.buried_until > utcnow()
    assert study.next_item(learner, now=utcnow()).id not in {first.id, second.id}
    html = client.get(f"/study/facts?deck={DECK}").get_data(as_text=True)
    assert ">suspended<" in html and ">buried<" in html and "Unsuspend</button>" in html

    with write_transaction() as session:
        item = session.get(StudyItem, first.id)
        item.state, item.stability, item.difficulty = "review", 5.0, 5.0
        item.last_review, item.lapses, item.leech = utcnow() - timedelta(days=2), 9, True
    version = items_of(learner)[0].version
    client.post(f"/study/facts/{first.id}/reset", data={"back": back})
    first = items_of(learner)[0]
    assert (first.state, first.lapses, first.leech, first.suspended) == ("new", 0, False, False)
    assert first.version > version and first.stability is None


def test_actions_refuse_what_is_not_yours_or_not_an_action(client, learner, make_user):
    other = make_user()
    study.enroll(other, _deck(), utcnow())
    theirs = items_of(other)[0]
    assert client.post(f"/study/facts/{theirs.id}/suspend").status_code == 404
    assert not items_of(other)[0].suspended
    mine = items_of(learner)[0]
    assert client.post(f"/study/facts/{mine.id}/delete").status_code == 404
    assert client.get("/study/facts?page=zero").status_code == 400
    assert client.get("/study/facts?deck=NOPE!").status_code == 404


def _deck():
    from quizapp.models import Deck

    return Deck.query.filter_by(key=DECK).one()


def make_leech(user, lapses=8):
    with write_transaction() as session:
        item = session.get(StudyItem, items_of(user)[0].id)
        item.lapses, item.leech = lapses, True
    return item


def test_leeches_are_listed_on_the_stats_page_with_their_questions(client, learner):
    html = client.get("/study/stats").get_data(as_text=True)
    assert "No leeches" in html
    make_leech(learner)
    html = client.get(f"/study/stats?deck={DECK}").get_data(as_text=True)
    section = html[html.index('id="leeches"') : html.index('id="mastery-title"')]
    assert "forgotten 8 times" in section and "Its questions" in section
    assert "leeches=1" in section
    listing = client.get("/study/facts?leeches=1").get_data(as_text=True)
    assert "1 fact." in listing


def test_a_teacher_sees_the_class_leeches_per_deck(
    app, client, login, teacher, school_class, enrol, builtin_decks
):
    students = [enrol(), enrol()]
    for student in students:
        study.enroll(student, builtin_decks[DECK], utcnow())
        make_leech(student, lapses=9)
    login(client, teacher)
    html = client.get(f"/study/classes/{school_class.id}/leeches").get_data(as_text=True)
    assert builtin_decks[DECK].title in html
    assert "<td>2</td><td>18</td>" in html
    student_client = app.test_client()
    login(student_client, students[0])
    assert student_client.get(f"/study/classes/{school_class.id}/leeches").status_code == 404


def test_the_enrolment_notice_offers_the_rest_of_the_deck(client, make_user, login, builtin_decks):
    from quizapp.models import Fact
    from quizapp.services.study_items import get_or_create_items

    user = make_user()
    login(client, user)
    deck = builtin_decks[DECK]
    facts = Fact.query.filter_by(deck_id=deck.id, retired_at=None).order_by(Fact.id).all()
    # As a quiz does: only the facts missed in it become study items.
    with write_transaction() as session:
        get_or_create_items(session, user.id, [f.id for f in facts[:3]], utcnow())
    html = client.get(f"/study/review?deck={DECK}").get_data(as_text=True)
    assert f"You study 3 of {len(facts)} facts of" in html
    assert f"Add the other {len(facts) - 3}" in html
    assert f"Add the other {len(facts) - 3}" in client.get("/study/").get_data(as_text=True)
    assert client.post(f"/study/decks/{DECK}/start").status_code == 303
    assert len(items_of(user)) == len(facts)
    html = client.get(f"/study/review?deck={DECK}").get_data(as_text=True)
    assert "You study" not in html


def test_the_stats_page_shows_right_answers_by_kind(client, learner):
    from bench.synthetic_reviews import LEARNERS, simulate
    from tests.services.test_study_scheduler import insert_log

    html = client.get("/study/stats").get_data(as_text=True)
    assert "Right answers by question kind" in html and "No reviews of learnt facts" in html
    insert_log(learner, simulate(LEARNERS[1], facts=19, days=200, seed=2))
    html = client.get("/study/stats").get_data(as_text=True)
    table = html[html.index('class="kinds"') :]
    assert '<th scope="row">cloze</th>' in table
    # A cell: the right share, then the predicted recall and the number of reviews.
    assert re.search(r"\d+ % <span class=\"small-print\">\(\d+ %, \d+\)", table)


def test_an_exam_is_set_on_the_deck_settings_page(client, learner):
    from quizapp.models import Deck
    from quizapp.services.study import exams

    deck = Deck.query.filter_by(key=DECK).one()
    day = (utcnow() + timedelta(days=20)).date()
    url = f"/study/settings/decks/{DECK}/exam"
    response = client.post(url, data={"exam-exam_on": day.isoformat(), "exam-target": "0.92"})
    assert response.status_code == 303
    assert (exams.exam_of(learner, deck).exam_on, exams.exam_of(learner, deck).target) == (
        day,
        0.92,
    )
    page = client.get(f"/study/settings/decks/{DECK}").get_data(as_text=True)
    assert f'value="{day.isoformat()}"' in page
    past = client.post(url, data={"exam-exam_on": "2020-01-01", "exam-target": "0.9"})
    assert past.status_code == 400 and "after today" in past.get_data(as_text=True)
    bad = client.post(url, data={"exam-exam_on": "tomorrow", "exam-target": "2"})
    assert bad.status_code == 400
    assert exams.exam_of(learner, deck).exam_on == day
    assert "Exams ahead" in client.get("/study/stats").get_data(as_text=True)
    assert client.post(url, data={"exam-exam_on": "", "exam-target": "0.9"}).status_code == 303
    assert exams.exam_of(learner, deck) is None


def test_a_teacher_makes_an_assignment_due_date_the_class_exam_date(
    app, client, login, teacher, school_class, enrol, builtin_decks
):
    from quizapp.domain.scheduling import study_date
    from quizapp.services import assignments as assignment_service
    from quizapp.services.assignments import AssignmentSpec
    from quizapp.services.study import exams

    deck = builtin_decks[DECK]
    keen, other = enrol(), enrol()
    own_day = (utcnow() + timedelta(days=3)).date()
    exams.set_exam(keen, deck, day=own_day, target=0.95, now=utcnow())
    now = utcnow()
    assignment = assignment_service.create_assignment(
        teacher,
        school_class.id,
        AssignmentSpec(
            deck_key=DECK,
            title="Week 1",
            kinds=("multiple_choice",),
            count=5,
            opens_at=now - timedelta(hours=1),
            due_at=now + timedelta(days=10),
        ),
        now=now,
        seed=7,
    )
    login(client, teacher)
    url = f"/study/classes/{school_class.id}/assignments/{assignment.id}/exam"
    response = client.post(url, follow_redirects=True)
    assert "exam date of 1 student" in response.get_data(as_text=True)
    # The exam day is the study day (4 a.m. to 4 a.m. in the student's zone) it is due in.
    due_day = study_date(now + timedelta(days=10), study.get_prefs(other).timezone)
    assert exams.exam_of(other, deck).exam_on == due_day
    assert exams.exam_of(keen, deck).exam_on == own_day  # their own date stays
    student_client = app.test_client()
    login(student_client, other)
    assert student_client.post(url).status_code == 404
