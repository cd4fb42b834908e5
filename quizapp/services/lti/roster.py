"""The class roster from the platform (LTI Names and Role Provisioning Services).

Run on an instructor's launch and when the teacher asks. Active learners of the course
get their quizapp account (made if new) and join the class; learners the platform
marks inactive or deleted leave it. Nobody else is touched: a student who joined the
class by its code stays.
"""

from __future__ import annotations

from dataclasses import dataclass

from pylti1p3.exception import LtiException
from pylti1p3.names_roles import NamesRolesProvisioningService
from requests import RequestException
from sqlalchemy import delete, select

from quizapp.domain.lti import LtiRole, read_members
from quizapp.models import ClassMembership, LtiAccount, LtiCourse, utcnow
from quizapp.services import ServiceError, write_transaction
from quizapp.services.lti.connect import connector, describe
from quizapp.services.lti.launches import account_for, add_member

MEMBERS_MAX = 5000  # a course larger than this is read up to here


class RosterUnavailable(ServiceError):
    status = 502


@dataclass(frozen=True)
class RosterSync:
    added: int
    removed: int
    learners: int


def sync_roster(course: LtiCourse) -> RosterSync:
    """Bring the class's members in line with the platform's course roster.

    Raises:
        RosterUnavailable: The course has no roster service, or the platform failed.
    """
    if not course.memberships_url:
        raise RosterUnavailable("The platform offers no roster for this course.")
    service = NamesRolesProvisioningService(
        connector(course.platform), {"context_memberships_url": course.memberships_url}
    )
    try:
        members = []
        url = course.memberships_url
        while url and len(members) < MEMBERS_MAX:
            page, url = service.get_members_page(url)
            members.extend(page)
    except (LtiException, RequestException, ValueError) as exc:
        raise RosterUnavailable(f"The roster could not be read: {describe(exc)}") from exc
    learners = [m for m in read_members(members[:MEMBERS_MAX]) if m.role is LtiRole.LEARNER]
    issuer = course.platform.issuer
    school_class = course.school_class
    added = removed = 0
    for member in learners:
        if not member.active:
            continue
        user = account_for(issuer, member.subject, member.name, member.role)
        with write_transaction() as session:
            added += add_member(session, school_class, user)
    gone = [m.subject for m in learners if not m.active]
    with write_transaction() as session:
        if gone:
            user_ids = select(LtiAccount.user_id).where(
                LtiAccount.issuer == issuer, LtiAccount.subject.in_(gone)
            )
            removed = session.execute(
                delete(ClassMembership).where(
                    ClassMembership.class_id == school_class.id,
                    ClassMembership.student_id.in_(user_ids),
                ),
                execution_options={"synchronize_session": False},
            ).rowcount
        session.get(LtiCourse, course.id).synced_at = utcnow()
    return RosterSync(added=added, removed=removed, learners=len(learners))
