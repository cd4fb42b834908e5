"""Grade passback (LTI Assignment and Grade Services): the outbox of scores.

When a student finishes an attempt at an assignment that a platform link opens, the
score that counts under the assignment's rule (best or last attempt) is queued in
`lti_grade_sends`, one row per link and student, and sent after the attempt's
transaction committed. A send that fails (platform down, token refused, timeout)
stays pending with its error, shown to the teacher, and is sent again by
`quizapp lti retry`, on the platform's next launch, or from the teacher's page.
A score is never dropped: only a successful send marks the row sent, and a newer
submission makes it pending again with the newer counted score.

The line item is the one the deep link created (the launch's `lineitem` claim); a
link without one gets a line item made by quizapp (tagged with the assignment) the
first time a score is sent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem
from requests import RequestException
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import (
    Assignment,
    LtiAccount,
    LtiCourse,
    LtiGradeSend,
    LtiPlatform,
    LtiResourceLink,
    QuizAttempt,
    User,
    utcnow,
)
from quizapp.services import ServiceError, write_transaction
from quizapp.services.assignments.submitted import counted_attempt
from quizapp.services.lti.connect import connector, describe

PENDING, SENT = "pending", "sent"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
RETRY_BATCH = 100

log = logging.getLogger(__name__)


def after_submission(attempt_id: int) -> list[int]:
    """Queue and send the grade of a finished attempt (called after its commit).

    Returns:
        The ids of the outbox rows queued (none if no platform link opens the
        assignment or the student has no platform account there).
    """
    queued = queue_attempt(attempt_id, now=utcnow())
    for send_id in queued:
        send(send_id)
    return queued


def queue_attempt(attempt_id: int, *, now: datetime) -> list[int]:
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.assignment_id is None or not attempt.is_finished:
        return []
    rows = db.session.execute(
        select(LtiResourceLink, LtiAccount.subject)
        .join(LtiCourse, LtiCourse.id == LtiResourceLink.course_id)
        .join(LtiPlatform, LtiPlatform.id == LtiCourse.platform_id)
        .join(
            LtiAccount,
            (LtiAccount.issuer == LtiPlatform.issuer) & (LtiAccount.user_id == attempt.user_id),
        )
        .where(LtiResourceLink.assignment_id == attempt.assignment_id)
    ).all()
    if not rows:
        return []
    assignment = db.session.get(Assignment, attempt.assignment_id)
    counted = counted_attempt(assignment, attempt.user_id, now=now)
    if counted is None:
        return []
    queued = []
    with write_transaction() as session:
        for link, subject in rows:
            row = session.scalar(
                select(LtiGradeSend).where(
                    LtiGradeSend.link_id == link.id, LtiGradeSend.user_id == attempt.user_id
                )
            )
            if row is None:
                row = LtiGradeSend(link_id=link.id, user_id=attempt.user_id, tries=0)
                session.add(row)
            row.subject = subject
            row.score_given = float(counted.score)
            row.score_maximum = float(counted.max_score or assignment.question_count)
            row.scored_at = counted.finished_at or now
            row.status = PENDING
            row.queued_at = max(now, attempt.finished_at)  # never before the submission
            row.last_error = ""
            session.flush()
            queued.append(row.id)
    return queued


def send(send_id: int, connectors: dict | None = None) -> bool:
    """Send one outbox row to its platform; record success or the error. Never raises
    for the platform's failures (the row stays pending).

    Args:
        send_id: The outbox row.
        connectors: Service connectors by platform id, reused across a batch so that
            one access token serves many scores.
    """
    row = db.session.get(LtiGradeSend, send_id)
    if row is None or row.status == SENT:
        return True
    link = row.link
    platform = link.course.platform
    connectors = {} if connectors is None else connectors
    error = ""
    lineitem_url = link.lineitem_url
    try:
        if platform.id not in connectors:
            connectors[platform.id] = connector(platform)
        lineitem_url = _post_score(connectors[platform.id], link, row)
    except (LtiException, RequestException, ServiceError, ValueError, KeyError) as exc:
        error = describe(exc)
        log.warning("LTI grade send %s failed: %s", send_id, error)
    with write_transaction():
        row = db.session.get(LtiGradeSend, send_id)
        row.tries += 1
        row.tried_at = utcnow()
        if lineitem_url and not link.lineitem_url:
            db.session.get(LtiResourceLink, link.id).lineitem_url = lineitem_url
        if error:
            row.last_error = error
        else:
            row.status, row.sent_at, row.last_error = SENT, utcnow(), ""
    return not error


def _post_score(service_connector, link: LtiResourceLink, row: LtiGradeSend) -> str:
    if SCORE_SCOPE not in link.ags_scopes:
        raise ServiceError("The platform did not grant quizapp the right to send scores.")
    ags = AssignmentsGradesService(
        service_connector,
        {"scope": link.ags_scopes, "lineitems": link.lineitems_url, "lineitem": link.lineitem_url},
    )
    lineitem = None
    if not link.lineitem_url:
        if not link.lineitems_url:
            raise ServiceError("The platform gave this link no grade column and no way to add one.")
        lineitem = ags.find_or_create_lineitem(
            LineItem()
            .set_tag(f"quizapp-assignment-{link.assignment_id}")
            .set_resource_id(f"quizapp-assignment-{link.assignment_id}")
            .set_resource_link_id(link.resource_link_id)
            .set_label(link.assignment.title)
            .set_score_maximum(row.score_maximum),
        )
    grade = (
        Grade()
        .set_score_given(row.score_given)
        .set_score_maximum(row.score_maximum)
        .set_activity_progress("Completed")
        .set_grading_progress("FullyGraded")
        .set_timestamp(row.scored_at.isoformat())
        .set_user_id(row.subject)
    )
    ags.put_grade(grade, lineitem)
    return lineitem.get_id() if lineitem is not None else link.lineitem_url


def retry_pending(
    *,
    platform_id: int | None = None,
    limit: int = RETRY_BATCH,
    resting: timedelta | None = None,
    stop_on_failure: bool = False,
) -> tuple[int, int]:
    """Send pending rows again, oldest first.

    Args:
        platform_id: Only this platform's rows.
        limit: At most this many rows.
        resting: Skip rows tried less than this long ago.
        stop_on_failure: Stop at the first failure (on a launch: a platform that is
            down must not hold the person up once per waiting grade).

    Returns:
        (sent, failed) among the rows tried.
    """
    query = select(LtiGradeSend.id).where(LtiGradeSend.status == PENDING)
    if platform_id is not None:
        query = (
            query.join(LtiResourceLink, LtiResourceLink.id == LtiGradeSend.link_id)
            .join(LtiCourse, LtiCourse.id == LtiResourceLink.course_id)
            .where(LtiCourse.platform_id == platform_id)
        )
    if resting is not None:
        query = query.where(
            (LtiGradeSend.tried_at.is_(None)) | (LtiGradeSend.tried_at < utcnow() - resting)
        )
    ids = list(
        db.session.scalars(query.order_by(LtiGradeSend.queued_at, LtiGradeSend.id).limit(limit))
    )
    connectors: dict = {}
    sent = failed = 0
    for send_id in ids:
        if send(send_id, connectors):
            sent += 1
        else:
            failed += 1
            if stop_on_failure:
                break
    return sent, failed


def reconcile(*, now: datetime) -> int:
    """Queue every finished attempt of a linked assignment that has no outbox row
    newer than it: the safety net for a process that stopped between the attempt's
    commit and its queueing. Returns how many attempts were queued."""
    newest = (
        select(func.max(LtiGradeSend.queued_at))
        .where(LtiGradeSend.user_id == QuizAttempt.user_id)
        .where(LtiGradeSend.link_id == LtiResourceLink.id)
        .scalar_subquery()
    )
    attempts = db.session.scalars(
        select(QuizAttempt.id)
        .join(LtiResourceLink, LtiResourceLink.assignment_id == QuizAttempt.assignment_id)
        .join(LtiCourse, LtiCourse.id == LtiResourceLink.course_id)
        .join(LtiPlatform, LtiPlatform.id == LtiCourse.platform_id)
        .join(
            LtiAccount,
            (LtiAccount.user_id == QuizAttempt.user_id) & (LtiAccount.issuer == LtiPlatform.issuer),
        )
        .where(QuizAttempt.finished_at.is_not(None))
        .where((newest.is_(None)) | (newest < QuizAttempt.finished_at))
        .distinct()
    ).all()
    for attempt_id in attempts:
        queue_attempt(attempt_id, now=now)
    return len(attempts)


@dataclass(frozen=True)
class SendRow:
    student: str
    assignment: str
    score: str
    status: str
    tries: int
    error: str
    when: datetime | None


def class_sends(school_class_id: int) -> list[SendRow]:
    """The outbox of one class, pending first: what the teacher sees."""
    rows = db.session.execute(
        select(LtiGradeSend, User.display_name, Assignment.title)
        .join(LtiResourceLink, LtiResourceLink.id == LtiGradeSend.link_id)
        .join(LtiCourse, LtiCourse.id == LtiResourceLink.course_id)
        .join(Assignment, Assignment.id == LtiResourceLink.assignment_id)
        .join(User, User.id == LtiGradeSend.user_id)
        .where(LtiCourse.class_id == school_class_id)
        .order_by(LtiGradeSend.status, Assignment.title, User.display_name)
    ).all()
    return [
        SendRow(
            student=name,
            assignment=title,
            score=f"{row.score_given:g} / {row.score_maximum:g}",
            status=row.status,
            tries=row.tries,
            error=row.last_error,
            when=row.sent_at or row.queued_at,
        )
        for row, name, title in rows
    ]


def pending_ids_of_class(school_class_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(LtiGradeSend.id)
            .join(LtiResourceLink, LtiResourceLink.id == LtiGradeSend.link_id)
            .join(LtiCourse, LtiCourse.id == LtiResourceLink.course_id)
            .where(LtiCourse.class_id == school_class_id, LtiGradeSend.status == PENDING)
            .order_by(LtiGradeSend.id)
        )
    )
