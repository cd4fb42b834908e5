"""LTI 1.3 claims read into plain values: who launched, from which course and link, in
which role; the roster members of a names-and-roles answer. Pure: no flask, no database.

pylti1p3 checks the id_token (signature, issuer, audience, nonce, expiry, deployment);
what is read here is the body it validated, so a missing or oversized claim is the
platform's mistake and is refused with words a teacher can pass on.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
MESSAGE_TYPE = LTI + "message_type"
DEPLOYMENT_ID = LTI + "deployment_id"
ROLES = LTI + "roles"
CONTEXT = LTI + "context"
RESOURCE_LINK = LTI + "resource_link"
CUSTOM = LTI + "custom"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
RESOURCE_LAUNCH = "LtiResourceLinkRequest"
DEEP_LINK_LAUNCH = "LtiDeepLinkingRequest"

# The custom parameter a deep-linked resource carries: the assignment it opens.
ASSIGNMENT_PARAM = "quizapp_assignment"
ID_MAX = 255
NAME_MAX = 80


class LaunchRefused(ValueError):
    """A validated launch that quizapp still can't act on; the message says why."""


class LtiRole(enum.StrEnum):
    INSTRUCTOR = "instructor"
    LEARNER = "learner"
    OTHER = "other"


# Context roles (full URIs and the short forms NRPS answers may use); an institution
# role alone ("Administrator" of the school) gives no role in a course.
_INSTRUCTOR = {
    "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor",
    "http://purl.imsglobal.org/vocab/lis/v2/membership#ContentDeveloper",
    "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant",
    "Instructor",
    "ContentDeveloper",
}
_LEARNER = {
    "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner",
    "http://purl.imsglobal.org/vocab/lis/v2/membership/Learner#Learner",
    "Learner",
}


def role_of(roles: Iterable[Any]) -> LtiRole:
    """The quizapp role of a member: Instructor (and kin) wins over Learner."""
    names = {role for role in roles if isinstance(role, str)}
    if names & _INSTRUCTOR:
        return LtiRole.INSTRUCTOR
    if names & _LEARNER:
        return LtiRole.LEARNER
    return LtiRole.OTHER


@dataclass(frozen=True)
class AgsEndpoint:
    """Where the link's grades go: the granted scopes, the line items, the line item."""

    scopes: tuple[str, ...]
    lineitems: str | None
    lineitem: str | None


@dataclass(frozen=True)
class Launch:
    """What quizapp needs of a validated launch."""

    message_type: str
    issuer: str
    subject: str
    name: str
    role: LtiRole
    deployment_id: str
    context_id: str
    context_title: str
    resource_link_id: str | None
    assignment_id: int | None  # from the custom parameter a deep link set
    memberships_url: str | None
    ags: AgsEndpoint | None


def _text(value: Any, limit: int = ID_MAX) -> str | None:
    if not isinstance(value, str | int) or isinstance(value, bool):
        return None
    text = str(value).strip()
    return text if 0 < len(text) <= limit else None


def _url(value: Any) -> str | None:
    text = _text(value, 500)
    return text if text and origin(text) else None


def display_name(body: Mapping[str, Any]) -> str:
    """The person's name as the platform gives it, capped; a neutral name if none."""
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        parts = [body.get("given_name"), body.get("family_name")]
        name = " ".join(part.strip() for part in parts if isinstance(part, str) and part.strip())
    name = " ".join(str(name or "").split())
    return name[:NAME_MAX] or "Course member"


def read_launch(body: Mapping[str, Any]) -> Launch:
    """Read a validated id_token body.

    Raises:
        LaunchRefused: No user (an anonymous launch), no course, or an id too long.
    """
    message_type = body.get(MESSAGE_TYPE)
    if message_type not in (RESOURCE_LAUNCH, DEEP_LINK_LAUNCH):
        raise LaunchRefused("quizapp opens course links and deep-linking requests only.")
    subject = _text(body.get("sub"))
    if subject is None:
        raise LaunchRefused("The launch names no user; quizapp needs a signed-in course member.")
    context = body.get(CONTEXT) if isinstance(body.get(CONTEXT), Mapping) else {}
    context_id = _text(context.get("id"))
    if context_id is None:
        raise LaunchRefused("The launch comes from no course; open quizapp from a course page.")
    link = body.get(RESOURCE_LINK) if isinstance(body.get(RESOURCE_LINK), Mapping) else {}
    resource_link_id = _text(link.get("id"))
    if message_type == RESOURCE_LAUNCH and resource_link_id is None:
        raise LaunchRefused("The launch names no course link.")
    custom = body.get(CUSTOM) if isinstance(body.get(CUSTOM), Mapping) else {}
    assignment = _text(custom.get(ASSIGNMENT_PARAM), 12)
    nrps = body.get(NRPS) if isinstance(body.get(NRPS), Mapping) else {}
    roles = body.get(ROLES)
    return Launch(
        message_type=message_type,
        issuer=str(body.get("iss")),
        subject=subject,
        name=display_name(body),
        role=role_of(roles if isinstance(roles, list) else []),
        deployment_id=_text(body.get(DEPLOYMENT_ID)) or "",
        context_id=context_id,
        context_title=(_text(context.get("title"), 1000) or "Course")[:120],
        resource_link_id=resource_link_id,
        assignment_id=int(assignment) if assignment and assignment.isdigit() else None,
        memberships_url=_url(nrps.get("context_memberships_url")),
        ags=read_ags(body.get(AGS)),
    )


def read_ags(claim: Any) -> AgsEndpoint | None:
    if not isinstance(claim, Mapping):
        return None
    scopes = claim.get("scope")
    scopes = tuple(s for s in scopes if isinstance(s, str)) if isinstance(scopes, list) else ()
    return AgsEndpoint(scopes, _url(claim.get("lineitems")), _url(claim.get("lineitem")))


@dataclass(frozen=True)
class Member:
    """One member of a course roster (NRPS)."""

    subject: str
    name: str
    role: LtiRole
    active: bool


def read_members(members: Iterable[Any]) -> list[Member]:
    """The usable members of an NRPS answer (entries without a user id are skipped)."""
    found = []
    for member in members:
        if not isinstance(member, Mapping):
            continue
        subject = _text(member.get("user_id"))
        if subject is None:
            continue
        roles = member.get("roles")
        found.append(
            Member(
                subject=subject,
                name=display_name(member),
                role=role_of(roles if isinstance(roles, list) else []),
                active=member.get("status", "Active") == "Active",
            )
        )
    return found


def origin(url: str) -> str | None:
    """The origin "scheme://host[:port]" of an http(s) URL, else None."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


def split_list(text: str) -> list[str]:
    """Deployment ids or origins typed one per line or separated by commas/spaces."""
    seen: list[str] = []
    for item in text.replace(",", " ").split():
        if item not in seen:
            seen.append(item)
    return seen
