"""A validated launch, applied: the platform user's account, the course's class, the
member's place in it, and the link's assignment.

- A platform user is linked by issuer + subject to a quizapp account made on their
  first launch, with no usable password (the platform is how they log in). An email
  from the platform is never used to find an account: a platform could claim anyone's.
- The course becomes a class the first time an instructor launches from it; that
  instructor is its teacher. Learners join it on launch (and by the roster sync).
- A course link opens the assignment its deep link named (the custom parameter
  `quizapp_assignment`, signed by the platform), which must belong to the course's class.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from quizapp.domain.lti import DEEP_LINK_LAUNCH, Launch, LaunchRefused, LtiRole
from quizapp.extensions import db
from quizapp.models import (
    Assignment,
    ClassMembership,
    LtiAccount,
    LtiCourse,
    LtiPlatform,
    LtiResourceLink,
    Role,
    SchoolClass,
    User,
)
from quizapp.services import classroom as classroom_service
from quizapp.services import write_transaction

# The password "hash" of an LTI account: the platform is how it logs in.
NO_PASSWORD = "!lti: logs in through its course platform"


@dataclass(frozen=True)
class LaunchResult:
    user: User
    role: LtiRole
    course: LtiCourse
    assignment: Assignment | None  # None for a deep-linking request


def lti_email(issuer: str, subject: str) -> str:
    """The placeholder address of an LTI account: unique, unroutable (.invalid)."""
    digest = hashlib.sha256(f"{issuer}\n{subject}".encode()).hexdigest()[:32]
    return f"lti-{digest}@lti.invalid"


def account_for(issuer: str, subject: str, name: str, role: LtiRole) -> User:
    """The quizapp account of a platform user, made on first sight."""
    found = linked_user(issuer, subject)
    if found is not None:
        if found.display_name != name or (role is LtiRole.INSTRUCTOR and not found.is_teacher):
            with write_transaction():
                found.display_name = name
                if role is LtiRole.INSTRUCTOR:
                    found.role = Role.TEACHER.value
        return found
    try:
        with write_transaction() as session:
            user = User(
                email=lti_email(issuer, subject),
                display_name=name,
                role=(Role.TEACHER if role is LtiRole.INSTRUCTOR else Role.STUDENT).value,
            )
            # Not a hash (no "$"): no password matches it, and making it costs no scrypt
            # run per account (a roster sync makes a class's worth at once).
            user.password_hash = NO_PASSWORD
            session.add(user)
            session.flush()
            session.add(LtiAccount(issuer=issuer, subject=subject, user_id=user.id))
    except IntegrityError:
        db.session.rollback()  # the same user's other launch made it first
        user = linked_user(issuer, subject)
        if user is None:
            raise
    return user


def linked_user(issuer: str, subject: str) -> User | None:
    return db.session.scalar(
        select(User)
        .join(LtiAccount, LtiAccount.user_id == User.id)
        .where(LtiAccount.issuer == issuer, LtiAccount.subject == subject)
    )


def find_course(platform: LtiPlatform, context_id: str) -> LtiCourse | None:
    return db.session.scalar(
        select(LtiCourse).where(
            LtiCourse.platform_id == platform.id, LtiCourse.context_id == context_id
        )
    )


def check_launch(platform: LtiPlatform, launch: Launch) -> None:
    """Refuse, before anything is created, what no account or class would fix.

    Raises:
        LaunchRefused: A learner in a course no instructor opened yet; a learner's
            deep-linking request; a link that names no assignment of this course.
    """
    course = find_course(platform, launch.context_id)
    if launch.role is LtiRole.OTHER:
        raise LaunchRefused(
            "quizapp lets instructors and learners of a course in; your role is neither."
        )
    if launch.role is not LtiRole.INSTRUCTOR:
        if launch.message_type == DEEP_LINK_LAUNCH:
            raise LaunchRefused("Only the course's instructors add quizapp assignments.")
        if course is None:
            raise LaunchRefused(
                "Your teacher has not set this course up in quizapp yet. Try again later."
            )
    if launch.message_type == DEEP_LINK_LAUNCH:
        return
    if launch.assignment_id is not None:
        assignment = db.session.get(Assignment, launch.assignment_id)
        if assignment is None or course is None or assignment.class_id != course.class_id:
            raise LaunchRefused("This link names an assignment of another course.")
    elif course is None or _link(course, launch.resource_link_id) is None:
        raise LaunchRefused(
            "This course link does not name a quizapp assignment. The teacher adds "
            "quizapp assignments through the course's tool picker (deep linking)."
        )


def apply_launch(platform: LtiPlatform, launch: Launch) -> LaunchResult:
    """Create or update what a (checked) launch maps to.

    Raises:
        LaunchRefused: An instructor who is not the teacher of the course's class.
    """
    check_launch(platform, launch)
    user = account_for(launch.issuer, launch.subject, launch.name, launch.role)
    course = find_course(platform, launch.context_id)
    if course is None:  # an instructor's first launch from this course
        school_class = classroom_service.create_class(user, launch.context_title)
        try:
            with write_transaction() as session:
                course = LtiCourse(
                    platform_id=platform.id,
                    context_id=launch.context_id,
                    class_id=school_class.id,
                    deployment_id=launch.deployment_id,
                )
                session.add(course)
        except IntegrityError:
            db.session.rollback()
            course = find_course(platform, launch.context_id)
    with write_transaction() as session:
        if launch.memberships_url:
            course.memberships_url = launch.memberships_url
        if launch.role is LtiRole.INSTRUCTOR:
            if course.school_class.teacher_id != user.id:
                teacher = course.school_class.teacher.display_name
                raise LaunchRefused(
                    f"This course's quizapp class is run by {teacher}; quizapp classes "
                    "have one teacher. Ask them to share the results with you."
                )
        else:
            add_member(session, course.school_class, user)
        assignment = None
        if launch.message_type != DEEP_LINK_LAUNCH:
            assignment = _place_link(session, course, launch).assignment
    return LaunchResult(user, launch.role, course, assignment)


def add_member(session, school_class: SchoolClass, user: User) -> bool:
    """Put a student in a class (no-op if there); returns whether they were added."""
    if school_class.teacher_id == user.id:
        return False
    exists = session.scalar(
        select(ClassMembership.id).where(
            ClassMembership.class_id == school_class.id, ClassMembership.student_id == user.id
        )
    )
    if exists is None:
        session.add(ClassMembership(class_id=school_class.id, student_id=user.id))
        return True
    return False


def _link(course: LtiCourse, resource_link_id: str | None) -> LtiResourceLink | None:
    return db.session.scalar(
        select(LtiResourceLink).where(
            LtiResourceLink.course_id == course.id,
            LtiResourceLink.resource_link_id == resource_link_id,
        )
    )


def _place_link(session, course: LtiCourse, launch: Launch) -> LtiResourceLink:
    link = _link(course, launch.resource_link_id)
    if link is None:
        link = LtiResourceLink(
            course_id=course.id,
            resource_link_id=launch.resource_link_id,
            assignment_id=launch.assignment_id,
        )
        session.add(link)
    elif launch.assignment_id is not None:
        link.assignment_id = launch.assignment_id  # the platform's signed word, checked
    if launch.ags is not None:
        link.ags_scopes = list(launch.ags.scopes)
        link.lineitems_url = launch.ags.lineitems or link.lineitems_url
        link.lineitem_url = launch.ags.lineitem or link.lineitem_url
    session.flush()
    return link


def course_of_class(school_class_id: int) -> LtiCourse | None:
    return db.session.scalar(select(LtiCourse).where(LtiCourse.class_id == school_class_id))
