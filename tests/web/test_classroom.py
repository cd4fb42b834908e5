"""Class pages: creating, joining by code and by link, the roster, and who may see what."""

from __future__ import annotations

import re

import pytest

from quizapp.domain.classroom import format_code
from quizapp.models import ClassMembership, SchoolClass
from quizapp.services import classroom as classroom_service
from tests.conftest import count_rows


@pytest.fixture
def school_class(teacher):
    return classroom_service.create_class(teacher, "History 9B", "Autumn term")


def text(response) -> str:
    return response.get_data(as_text=True)


def without_csrf(response) -> str:
    """The page minus its CSRF tokens, which carry a timestamp and so differ each second."""
    return re.sub(r'<input[^>]*name="csrf_token"[^>]*>', "", text(response))


def test_guests_are_sent_to_log_in(client, school_class):
    response = client.get(f"/classes/join/{school_class.join_code}")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]
    assert "next=" in response.headers["Location"]
    assert client.get("/classes/").status_code == 302


def test_teacher_creates_a_class(teacher, as_user):
    client = as_user(teacher)
    assert "New class" in text(client.get("/classes/"))
    response = client.post("/classes/new", data={"name": " Biology ", "description": ""})
    assert response.status_code == 302
    school_class = SchoolClass.query.one()
    assert school_class.name == "Biology" and school_class.teacher_id == teacher.id
    page = text(client.get(response.headers["Location"]))
    assert format_code(school_class.join_code) in page
    assert f"/classes/join/{school_class.join_code}" in page


def test_empty_name_is_refused(teacher, as_user):
    response = as_user(teacher).post("/classes/new", data={"name": "  ", "description": "x"})
    assert response.status_code == 400
    assert "Give the class a name." in text(response)
    assert count_rows(SchoolClass) == 0


def test_students_cannot_create_classes(make_user, as_user):
    client = as_user(make_user())
    assert "New class" not in text(client.get("/classes/"))
    assert client.get("/classes/new").status_code == 403
    response = client.post("/classes/new", data={"name": "Mine"})
    assert response.status_code == 403
    assert "Only teachers can create classes." in text(response)
    assert count_rows(SchoolClass) == 0


def test_join_with_typed_code(make_user, as_user, school_class):
    client = as_user(make_user())
    typed = format_code(school_class.join_code).lower()
    response = client.post("/classes/join", data={"code": typed})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/classes/{school_class.id}")
    assert "You joined “History 9B”." in text(client.get(response.headers["Location"]))
    assert count_rows(ClassMembership) == 1


def test_joining_twice_is_a_no_op(make_user, as_user, school_class):
    client = as_user(make_user())
    client.post("/classes/join", data={"code": school_class.join_code})
    response = client.post(f"/classes/join/{school_class.join_code}")
    assert response.status_code == 302
    assert "already in" in text(client.get(response.headers["Location"]))
    assert count_rows(ClassMembership) == 1


@pytest.mark.parametrize(
    ("code", "status", "message"),
    [
        ("ACEFGH34", 404, "No class has the code ACEF-GH34."),
        ("hello", 400, "A class code is 8 letters and digits"),
        ("", 400, "Enter the class code your teacher gave you."),
    ],
)
def test_wrong_code_gives_a_clear_message(make_user, as_user, school_class, code, status, message):
    if school_class.join_code == "ACEFGH34":  # pragma: no cover - 1 in 3.8e10
        pytest.skip("the random code is the test's wrong code")
    client = as_user(make_user())
    response = client.post("/classes/join", data={"code": code})
    assert response.status_code == status
    assert message in text(response)
    assert count_rows(ClassMembership) == 0


def test_join_link_asks_before_joining(make_user, as_user, school_class):
    client = as_user(make_user())
    link = f"/classes/join/{school_class.join_code}"
    page = client.get(link)
    assert page.status_code == 200
    assert "Join “History 9B”?" in text(page) and "Ms Rivera" in text(page)
    assert count_rows(ClassMembership) == 0  # a GET never joins
    assert client.post(link).status_code == 302
    assert count_rows(ClassMembership) == 1
    assert "already part of this class" in text(client.get(link))


def test_join_link_with_old_or_bad_code(make_user, as_user, teacher, school_class):
    old = school_class.join_code
    classroom_service.rotate_code(teacher, school_class.id)
    client = as_user(make_user())
    for path, status in ((f"/classes/join/{old}", 404), ("/classes/join/nope", 400)):
        assert client.get(path).status_code == status
        response = client.post(path)
        assert response.status_code == status
        assert "code" in text(response)
    assert count_rows(ClassMembership) == 0


def test_teacher_cannot_join_own_class_by_link(teacher, as_user, school_class):
    response = as_user(teacher).post(f"/classes/join/{school_class.join_code}")
    assert response.status_code == 400
    assert "You teach this class" in text(response)
    assert count_rows(ClassMembership) == 0


def test_nobody_outside_the_class_can_open_it(make_user, as_user, school_class):
    """Another teacher's and an outside student's view of this class and of a missing id
    are the same 404, so ids can't be probed."""
    other_teacher = make_user(role="teacher")
    other_class = classroom_service.create_class(other_teacher, "Other")
    outsider = make_user()
    classroom_service.join_class(outsider, other_class.join_code)
    missing = max(school_class.id, other_class.id) + 100
    for user in (other_teacher, outsider):
        client = as_user(user)
        assert client.get(f"/classes/{other_class.id}").status_code == 200
        probe = client.get(f"/classes/{school_class.id}")
        absent = client.get(f"/classes/{missing}")
        assert probe.status_code == absent.status_code == 404
        assert without_csrf(probe) == without_csrf(absent)
        assert "History 9B" not in text(probe)


def test_another_teacher_cannot_manage_the_class(make_user, as_user, teacher, school_class):
    student = make_user()
    classroom_service.join_class(student, school_class.join_code)
    code = school_class.join_code
    client = as_user(make_user(role="teacher"))
    base = f"/classes/{school_class.id}"
    for path in (f"{base}/code", f"{base}/students/{student.id}/remove", f"{base}/edit"):
        assert client.post(path, data={"name": "Taken"}).status_code == 404
    assert client.get(f"{base}/edit").status_code == 404
    school_class = SchoolClass.query.one()
    assert (school_class.join_code, school_class.name) == (code, "History 9B")
    assert count_rows(ClassMembership) == 1


def test_a_student_sees_the_class_but_not_the_roster_or_code(make_user, as_user, school_class):
    student, classmate = make_user(name="Sam"), make_user(name="Kim Classmate")
    for user in (student, classmate):
        classroom_service.join_class(user, school_class.join_code)
    client = as_user(student)
    page = text(client.get(f"/classes/{school_class.id}"))
    assert "History 9B" in page and "Ms Rivera" in page
    assert "Kim Classmate" not in page
    assert school_class.join_code not in page and format_code(school_class.join_code) not in page
    for path in ("code", f"students/{classmate.id}/remove", "edit"):
        assert client.post(f"/classes/{school_class.id}/{path}").status_code == 404
    assert count_rows(ClassMembership) == 2


def test_teacher_sees_roster_and_removes_a_student(make_user, as_user, teacher, school_class):
    student = make_user(name="Sam Lee")
    classroom_service.join_class(student, school_class.join_code)
    client = as_user(teacher)
    assert "Sam Lee" in text(client.get(f"/classes/{school_class.id}"))
    response = client.post(f"/classes/{school_class.id}/students/{student.id}/remove")
    assert response.status_code == 302
    assert "Sam Lee is no longer in this class." in text(client.get(response.headers["Location"]))
    assert count_rows(ClassMembership) == 0
    again = client.post(f"/classes/{school_class.id}/students/{student.id}/remove")
    assert again.status_code == 404


def test_rotate_code_is_post_only(teacher, as_user, school_class):
    client = as_user(teacher)
    old = school_class.join_code
    assert client.get(f"/classes/{school_class.id}/code").status_code == 405
    assert SchoolClass.query.one().join_code == old
    response = client.post(f"/classes/{school_class.id}/code")
    assert response.status_code == 302
    new = SchoolClass.query.one().join_code
    assert new != old
    assert format_code(new) in text(client.get(response.headers["Location"]))


def test_edit_class(teacher, as_user, school_class):
    client = as_user(teacher)
    assert client.post(f"/classes/{school_class.id}/edit", data={"name": ""}).status_code == 400
    response = client.post(
        f"/classes/{school_class.id}/edit", data={"name": "History 10B", "description": ""}
    )
    assert response.status_code == 302
    assert SchoolClass.query.one().name == "History 10B"


def test_student_leaves(make_user, as_user, school_class):
    student = make_user()
    classroom_service.join_class(student, school_class.join_code)
    client = as_user(student)
    assert client.post(f"/classes/{school_class.id}/leave").status_code == 302
    assert count_rows(ClassMembership) == 0
    assert client.get(f"/classes/{school_class.id}").status_code == 404


def test_home_page_lists_classes(make_user, as_user, teacher, school_class):
    student = make_user()
    classroom_service.join_class(student, school_class.join_code)
    student_home = text(as_user(student).get("/"))
    assert "History 9B" in student_home and "Ms Rivera" in student_home
    teacher_home = text(as_user(teacher).get("/"))
    assert "History 9B" in teacher_home and "1 student" in teacher_home
    loner = text(as_user(make_user()).get("/"))
    assert "Join the class" in loner


def test_class_pages_keep_to_the_content_security_policy(make_user, as_user, teacher, school_class):
    student = make_user()
    classroom_service.join_class(student, school_class.join_code)
    pages = [
        (teacher, "/classes/"),
        (teacher, "/classes/new"),
        (teacher, f"/classes/{school_class.id}"),
        (teacher, f"/classes/{school_class.id}/edit"),
        (student, "/classes/"),
        (student, f"/classes/{school_class.id}"),
        (make_user(), f"/classes/join/{school_class.join_code}"),
    ]
    for user, path in pages:
        html = text(as_user(user).get(path))
        assert not re.search(r"\sstyle=|<style|\son[a-z]+=", html), path
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert len(html.encode()) < 100_000


@pytest.fixture
def rate_limited(app_config):
    """Turn the limiter on for this test's app (requested before anything builds the app)."""
    app_config.update(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")


def test_join_is_rate_limited(rate_limited, make_user, as_user, school_class):
    client = as_user(make_user())
    codes = [client.post("/classes/join", data={"code": "ACEFGH34"}) for _ in range(20)]
    assert {r.status_code for r in codes} <= {404, 302}
    # The link form shares the counter: the 21st try is refused whichever form it uses.
    blocked = client.post(f"/classes/join/{school_class.join_code}")
    assert blocked.status_code == 429
    assert "Too many attempts" in text(blocked)
    assert client.get(f"/classes/join/{school_class.join_code}").status_code == 429  # GET too
    assert count_rows(ClassMembership) == 0


def test_class_shared_decks_are_seen_by_the_teachers_students(
    make_user, as_user, teacher, school_class
):
    from quizapp.domain.facts import parse_deck
    from quizapp.services import decks as deck_service
    from tests.factories import SMALL

    deck_service.sync_deck(parse_deck(SMALL, "tiny.toml"), owner=teacher, visibility="class")
    member, outsider = make_user(), make_user()
    classroom_service.join_class(member, school_class.join_code)
    other_teacher = make_user(role="teacher")
    other_class = classroom_service.create_class(other_teacher, "Elsewhere")
    classroom_service.join_class(outsider, other_class.join_code)

    member_client, outsider_client = as_user(member), as_user(outsider)
    assert member_client.get("/decks/tiny").status_code == 200
    assert "Tiny deck" in text(member_client.get("/decks/"))
    assert outsider_client.get("/decks/tiny").status_code == 404
    assert "Tiny deck" not in text(outsider_client.get("/decks/"))
    classroom_service.remove_student(teacher, school_class.id, member.id)
    assert member_client.get("/decks/tiny").status_code == 404


def test_huge_ids_are_404_not_500(make_user, as_user, teacher, school_class):
    huge = 2**64
    client = as_user(teacher)
    for path in (f"/classes/{huge}", f"/classes/{huge}/gradebook", f"/classes/{huge}/edit"):
        assert client.get(path).status_code == 404, path
    base = f"/classes/{school_class.id}"
    for path in (
        f"{base}/assignments/{huge}",
        f"{base}/students/{huge}",
        f"{base}/assignments/{huge}/results.csv",
    ):
        assert client.get(path).status_code == 404, path
    assert client.post(f"{base}/students/{huge}/remove").status_code == 404
    assert client.post(f"/classes/{huge}/code").status_code == 404
