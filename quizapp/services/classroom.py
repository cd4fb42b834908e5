"""Classes: a teacher creates one and shares its join code; students join with it.

Who may see what:

- A class is managed (roster, code, removing students) by its teacher alone.
- A class is seen by its teacher and its students. Everyone else gets the same
  NotFound as for an id that doesn't exist, so class ids can't be probed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from quizapp.domain import classroom as classroom_domain
from quizapp.extensions import db
from quizapp.models import ClassMembership, SchoolClass, User
from quizapp.models.types import is_row_id
from quizapp.services import Forbidden, NotFound, ServiceError, write_transaction

NAME_MAX = 120
DESCRIPTION_MAX = 2000
# Codes are secrets that let people in: never from a seeded generator.
_rng = random.SystemRandom()


@dataclass(frozen=True)
class JoinResult:
    school_class: SchoolClass
    joined: bool  # False: the student was already in the class (joining is idempotent)


def _not_found() -> NotFound:
    return NotFound("There is no class here, or it isn't one of yours.")


def _load_class(class_id: int) -> SchoolClass | None:
    return db.session.get(SchoolClass, class_id) if is_row_id(class_id) else None


def _clean_name(name: str | None, description: str | None) -> tuple[str, str]:
    name = (name or "").strip()
    description = (description or "").strip()
    if not name:
        raise ServiceError("Give the class a name.")
    if len(name) > NAME_MAX:
        raise ServiceError(f"A class name has at most {NAME_MAX} characters.")
    if len(description) > DESCRIPTION_MAX:
        raise ServiceError(f"A class description has at most {DESCRIPTION_MAX} characters.")
    return name, description


def _unique_code(session: Session) -> str:
    # Collisions are rare (3.8e10 codes); the unique constraint backs this check.
    for _ in range(20):
        code = classroom_domain.generate_code(_rng)
        if session.scalar(select(SchoolClass.id).where(SchoolClass.join_code == code)) is None:
            return code
    raise ServiceError("Could not make a new class code; try again.")


# --- teachers ----------------------------------------------------------------------------


def create_class(teacher: User, name: str, description: str = "") -> SchoolClass:
    """Create a class owned by `teacher`, with a fresh join code.

    Raises:
        Forbidden: The user is not a teacher.
        ServiceError: Missing or too long name or description.
    """
    if not teacher.is_teacher:
        raise Forbidden("Only teachers can create classes.")
    name, description = _clean_name(name, description)
    with write_transaction() as session:
        school_class = SchoolClass(
            teacher_id=teacher.id,
            name=name,
            description=description,
            join_code=_unique_code(session),
        )
        session.add(school_class)
    return school_class


def get_own_class(teacher: User, class_id: int) -> SchoolClass:
    """A class the user teaches.

    Raises:
        NotFound: No such class, or one taught by someone else (the same answer).
    """
    school_class = _load_class(class_id)
    if school_class is None or school_class.teacher_id != teacher.id:
        raise _not_found()
    return school_class


def update_class(teacher: User, class_id: int, name: str, description: str) -> SchoolClass:
    """Rename a class or change its description."""
    name, description = _clean_name(name, description)
    with write_transaction():
        school_class = get_own_class(teacher, class_id)
        school_class.name = name
        school_class.description = description
    return school_class


def rotate_code(teacher: User, class_id: int) -> str:
    """Give the class a new join code; the old code and link stop working.

    Students already in the class stay in it.
    """
    with write_transaction() as session:
        school_class = get_own_class(teacher, class_id)
        school_class.join_code = _unique_code(session)
        code = school_class.join_code
    return code


def roster(teacher: User, class_id: int) -> list[ClassMembership]:
    """The class's students, by name (teacher only)."""
    school_class = get_own_class(teacher, class_id)
    return list(
        db.session.scalars(
            select(ClassMembership)
            .join(User, User.id == ClassMembership.student_id)
            .where(ClassMembership.class_id == school_class.id)
            .order_by(func.lower(User.display_name), User.id)
        )
    )


def remove_student(teacher: User, class_id: int, student_id: int) -> User:
    """Take a student out of the class.

    They leave the gradebook; their attempts stay in their own quiz history (and come
    back to the gradebook if they rejoin).

    Raises:
        NotFound: Not the teacher's class, or the student is not in it.
    """
    with write_transaction() as session:
        school_class = get_own_class(teacher, class_id)
        membership = (
            session.scalar(
                select(ClassMembership).where(
                    ClassMembership.class_id == school_class.id,
                    ClassMembership.student_id == student_id,
                )
            )
            if is_row_id(student_id)
            else None
        )
        if membership is None:
            raise NotFound("That student is not in this class.")
        student = membership.student
        session.delete(membership)
    return student


def teacher_classes(teacher: User) -> list[dict]:
    """The teacher's classes with their number of students, newest first."""
    counts = (
        select(ClassMembership.class_id, func.count(ClassMembership.id).label("n"))
        .group_by(ClassMembership.class_id)
        .subquery()
    )
    rows = db.session.execute(
        select(SchoolClass, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.class_id == SchoolClass.id)
        .where(SchoolClass.teacher_id == teacher.id)
        .order_by(SchoolClass.created_at.desc(), SchoolClass.id.desc())
    )
    return [{"school_class": c, "students": n} for c, n in rows]


# --- students ----------------------------------------------------------------------------


def is_member(user: User, school_class: SchoolClass) -> bool:
    return (
        db.session.scalar(
            select(ClassMembership.id).where(
                ClassMembership.class_id == school_class.id,
                ClassMembership.student_id == user.id,
            )
        )
        is not None
    )


def get_class(user: User, class_id: int) -> SchoolClass:
    """A class the user teaches or belongs to.

    Raises:
        NotFound: No such class, or one the user is not part of (the same answer).
    """
    school_class = _load_class(class_id)
    if school_class is None or not (
        school_class.teacher_id == user.id or is_member(user, school_class)
    ):
        raise _not_found()
    return school_class


def class_by_code(code: str) -> SchoolClass:
    """The class a join code opens.

    Raises:
        ServiceError: The text can't be a code (says what a code looks like).
        NotFound: No class has this code (perhaps the teacher renewed it).
    """
    try:
        code = classroom_domain.normalize_code(code)
    except classroom_domain.CodeError as exc:
        raise ServiceError(str(exc)) from None
    school_class = db.session.scalar(select(SchoolClass).where(SchoolClass.join_code == code))
    if school_class is None:
        raise NotFound(
            f"No class has the code {classroom_domain.format_code(code)}. Check it with your "
            "teacher: a code stops working when the teacher renews it."
        )
    return school_class


def join_class(user: User, code: str) -> JoinResult:
    """Join the class with this code. Joining a class one is already in changes nothing.

    Raises:
        ServiceError / NotFound: A malformed or unknown code (see `class_by_code`), or
            the class's own teacher trying to join it.
    """
    school_class = class_by_code(code)
    if school_class.teacher_id == user.id:
        raise ServiceError("You teach this class: your students join it with this code.")
    try:
        with write_transaction() as session:
            if is_member(user, school_class):
                return JoinResult(school_class, joined=False)
            session.add(ClassMembership(class_id=school_class.id, student_id=user.id))
    except IntegrityError:
        # The same student's other request (double click, second tab) joined first.
        return JoinResult(db.session.get(SchoolClass, school_class.id), joined=False)
    return JoinResult(school_class, joined=True)


def leave_class(user: User, class_id: int) -> SchoolClass:
    """Leave a class (a student's own choice); rejoining needs the current code."""
    with write_transaction() as session:
        school_class = get_class(user, class_id)
        membership = session.scalar(
            select(ClassMembership).where(
                ClassMembership.class_id == school_class.id,
                ClassMembership.student_id == user.id,
            )
        )
        if membership is None:
            raise ServiceError("You teach this class; you can't leave it.")
        session.delete(membership)
    return school_class


def student_classes(user: User) -> list[SchoolClass]:
    """The classes the user belongs to, by name."""
    return list(
        db.session.scalars(
            select(SchoolClass)
            .join(ClassMembership, ClassMembership.class_id == SchoolClass.id)
            .where(ClassMembership.student_id == user.id)
            .order_by(func.lower(SchoolClass.name), SchoolClass.id)
        )
    )
