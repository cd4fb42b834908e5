"""Deep linking: the teacher picks a deck and the assignment's settings inside the
platform; quizapp makes the assignment in the course's class and returns a signed
content item (an LTI resource link with a line item), which the platform stores.

The deep-linking launch itself was validated by pylti1p3 and stored under its launch
id (`services.lti.storage`): the picker form carries that id, since inside the
platform's frame no quizapp cookie arrives. The id works once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.lineitem import LineItem

from quizapp.domain import lti as lti_domain
from quizapp.models import Assignment, LtiCourse, User
from quizapp.services import NotFound, ServiceError
from quizapp.services import assignments as assignment_service
from quizapp.services.lti import storage
from quizapp.services.lti.launches import find_course, linked_user
from quizapp.services.lti.platforms import find_platform, registration

DEEP_LINK_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
LAUNCH_ID_MAX = 100
GONE = "This choice has expired or was already sent. Start again from the course's tool picker."
RETRY_LIFETIME = timedelta(hours=1)  # to correct refused settings


@dataclass(frozen=True)
class PendingDeepLink:
    """A validated deep-linking request waiting for the teacher's choice."""

    launch_id: str
    teacher: User
    course: LtiCourse
    deployment_id: str
    settings: dict[str, Any]


def pending(launch_id: str) -> PendingDeepLink:
    """The deep-linking request stored under a launch id.

    Raises:
        NotFound: Unknown, used or expired id, or not a deep-linking request.
    """
    gone = NotFound(GONE)
    if not isinstance(launch_id, str) or not 0 < len(launch_id) <= LAUNCH_ID_MAX:
        raise gone
    body = storage.read(launch_id)
    if (
        not isinstance(body, dict)
        or body.get(lti_domain.MESSAGE_TYPE) != lti_domain.DEEP_LINK_LAUNCH
    ):
        raise gone
    launch = lti_domain.read_launch(body)
    aud = body.get("aud")
    platform = find_platform(launch.issuer, aud[0] if isinstance(aud, list) else aud)
    teacher = linked_user(launch.issuer, launch.subject)
    course = find_course(platform, launch.context_id) if platform else None
    settings = body.get(DEEP_LINK_SETTINGS)
    if teacher is None or course is None or not isinstance(settings, dict):
        raise gone
    return PendingDeepLink(launch_id, teacher, course, launch.deployment_id, settings)


def complete(
    request: PendingDeepLink,
    spec: assignment_service.AssignmentSpec,
    *,
    launch_url: str,
    now,
) -> tuple[str, str, Assignment]:
    """Make the assignment and sign the deep-linking response.

    Returns:
        (the platform's return URL, the signed JWT, the assignment).

    Raises:
        ServiceError: The assignment's settings are refused (as on quizapp's own form).
    """
    # Taken first, so that of two racing submits only one makes an assignment; given
    # back if the settings are refused, so the teacher can correct them.
    body = storage.take(request.launch_id)
    if body is None:
        raise NotFound(GONE)
    try:
        assignment = assignment_service.create_assignment(
            request.teacher, request.course.class_id, spec, now=now
        )
    except ServiceError:
        storage.write(request.launch_id, body, RETRY_LIFETIME)
        raise
    resource = (
        DeepLinkResource()
        .set_url(launch_url)
        .set_title(assignment.title)
        .set_custom_params({lti_domain.ASSIGNMENT_PARAM: str(assignment.id)})
        .set_lineitem(
            LineItem()
            .set_label(assignment.title)
            .set_score_maximum(assignment.question_count)
            .set_resource_id(f"quizapp-assignment-{assignment.id}")
            .set_tag(f"quizapp-assignment-{assignment.id}")
        )
    )
    deep_link = DeepLink(
        registration(request.course.platform), request.deployment_id, request.settings
    )
    return (
        request.settings["deep_link_return_url"],
        deep_link.get_response_jwt([resource]),
        assignment,
    )
