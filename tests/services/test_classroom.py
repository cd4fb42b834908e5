"""Classes: creating, joining with a code, the roster, removing students, new codes."""

from __future__ import annotations

import pytest

from quizapp.domain.classroom import CODE_ALPHABET, format_code
from quizapp.models import ClassMembership, SchoolClass
from quizapp.services import Forbidden, NotFound, ServiceError
from quizapp.services import classroom as classroom_service
from tests.conftest import count_rows


@pytest.fixture
def school_class(teacher):
    return classroom_service.create_class(teacher, "  History 9B ", " Autumn term ")


def test_create_class_gets_a_code(teacher, school_class):
    assert school_class.name == "History 9B"
    assert school_class.description == "Autumn term"
    assert school_class.teacher_id == teacher.id
    assert len(school_class.join_code) == 8
    assert set(school_class.join_code) <= set(CODE_ALPHABET)


def test_codes_are_unique_across_classes(teacher):
    codes = {classroom_service.create_class(teacher, f"C{i}").join_code for i in range(30)}
    assert len(codes) == 30


def test_only_teachers_create_classes(make_user):
    with pytest.raises(Forbidden, match="Only teachers"):
        classroom_service.create_class(make_user(), "Mine")
    assert count_rows(SchoolClass) == 0


@pytest.mark.parametrize(
    ("name", "description", "message"),
    [
        ("   ", "", "Give the class a name"),
        ("x" * 121, "", "at most 120"),
        ("ok", "d" * 2001, "at most 2000"),
    ],
)
def test_bad_names_are_refused(teacher, name, description, message):
    with pytest.raises(ServiceError, match=message):
        classroom_service.create_class(teacher, name, description)
    assert count_rows(SchoolClass) == 0


def test_join_with_code_in_any_case(make_user, school_class):
    student = make_user()
    typed = format_code(school_class.join_code).lower()
    result = classroom_service.join_class(student, f" {typed} ")
    assert result.joined and result.school_class.id == school_class.id
    assert classroom_service.student_classes(student) == [school_class]


def test_joining_twice_is_a_no_op(make_user, school_class):
    student = make_user()
    assert classroom_service.join_class(student, school_class.join_code).joined
    again = classroom_service.join_class(student, school_class.join_code)
    assert not again.joined
    assert count_rows(ClassMembership) == 1


def test_wrong_code_says_so_and_changes_nothing(make_user, school_class):
    student = make_user()
    wrong = "ACEFGH34" if school_class.join_code != "ACEFGH34" else "ACEFGH37"
    with pytest.raises(NotFound, match="No class has the code ACEF-GH"):
        classroom_service.join_class(student, wrong)
    with pytest.raises(ServiceError, match="8 letters and digits"):
        classroom_service.join_class(student, "hello")
    assert count_rows(ClassMembership) == 0


def test_teacher_cannot_join_own_class(teacher, school_class):
    with pytest.raises(ServiceError, match="You teach this class"):
        classroom_service.join_class(teacher, school_class.join_code)
    assert count_rows(ClassMembership) == 0


def test_roster_is_sorted_by_name(make_user, teacher, school_class):
    for name in ["zoe", "Adam", "mia"]:
        classroom_service.join_class(make_user(name=name), school_class.join_code)
    names = [m.student.display_name for m in classroom_service.roster(teacher, school_class.id)]
    assert names == ["Adam", "mia", "zoe"]
    [row] = classroom_service.teacher_classes(teacher)
    assert row["students"] == 3


def test_remove_student(make_user, teacher, school_class):
    stay, go = make_user(), make_user()
    for student in (stay, go):
        classroom_service.join_class(student, school_class.join_code)
    classroom_service.remove_student(teacher, school_class.id, go.id)
    assert [m.student_id for m in classroom_service.roster(teacher, school_class.id)] == [stay.id]
    with pytest.raises(NotFound):
        classroom_service.get_class(go, school_class.id)
    with pytest.raises(NotFound, match="not in this class"):
        classroom_service.remove_student(teacher, school_class.id, go.id)


def test_rotate_code_stops_the_old_one(make_user, teacher, school_class):
    old = school_class.join_code
    member = make_user()
    classroom_service.join_class(member, old)
    new = classroom_service.rotate_code(teacher, school_class.id)
    assert new != old
    with pytest.raises(NotFound):
        classroom_service.join_class(make_user(), old)
    assert classroom_service.join_class(make_user(), new).joined
    assert classroom_service.get_class(member, school_class.id).id == school_class.id


def test_a_teacher_manages_only_their_own_classes(make_user, school_class):
    other = make_user(role="teacher")
    student = make_user()
    classroom_service.join_class(student, school_class.join_code)
    for call in (
        lambda: classroom_service.get_own_class(other, school_class.id),
        lambda: classroom_service.roster(other, school_class.id),
        lambda: classroom_service.rotate_code(other, school_class.id),
        lambda: classroom_service.remove_student(other, school_class.id, student.id),
        lambda: classroom_service.update_class(other, school_class.id, "Mine", ""),
        lambda: classroom_service.get_class(other, school_class.id),
    ):
        with pytest.raises(NotFound):
            call()
    assert count_rows(ClassMembership) == 1
    assert SchoolClass.query.one().name == "History 9B"


def test_a_student_of_the_class_cannot_manage_it(make_user, school_class):
    student = make_user()
    classroom_service.join_class(student, school_class.join_code)
    assert classroom_service.get_class(student, school_class.id).id == school_class.id
    with pytest.raises(NotFound):
        classroom_service.roster(student, school_class.id)


def test_leave_class(make_user, teacher, school_class):
    student = make_user()
    classroom_service.join_class(student, school_class.join_code)
    classroom_service.leave_class(student, school_class.id)
    assert classroom_service.student_classes(student) == []
    with pytest.raises(ServiceError, match="can't leave"):
        classroom_service.leave_class(teacher, school_class.id)
