"""LTI 1.3: the platforms (LMSs) registered with quizapp, the tool's own key pair, and
how the platform's users, courses and links map onto quizapp's accounts, classes and
assignments; the grades waiting to be sent back; pylti1p3's short-lived launch values.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.extensions import db
from quizapp.models.classroom import Assignment, SchoolClass
from quizapp.models.types import UTCDateTime, utcnow
from quizapp.models.user import User

URL_MAX = 500
LTI_ID_MAX = 255  # the spec caps `sub`, context and resource link ids at 255 characters


class LtiPlatform(db.Model):
    """A registration: one client id that quizapp has at one platform (issuer)."""

    __tablename__ = "lti_platforms"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    issuer: Mapped[str] = mapped_column(String(URL_MAX))
    client_id: Mapped[str] = mapped_column(String(LTI_ID_MAX))
    auth_login_url: Mapped[str] = mapped_column(String(URL_MAX))
    auth_token_url: Mapped[str] = mapped_column(String(URL_MAX))
    # Some platforms (Moodle does not, D2L does) want another audience on the token JWT.
    auth_audience: Mapped[str] = mapped_column(String(URL_MAX), default="")
    key_set_url: Mapped[str] = mapped_column(String(URL_MAX))
    deployment_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Origins (scheme://host[:port]) allowed to frame quizapp's LTI pages.
    frame_origins: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LtiToolKey(db.Model):
    """The tool's RSA key pair: it signs deep-link responses and service-token requests.

    Generated on the server when the first platform is registered; only the public half
    leaves it (at /lti/jwks).
    """

    __tablename__ = "lti_tool_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    private_pem: Mapped[str] = mapped_column(Text)
    public_pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LtiAccount(db.Model):
    """A platform user (issuer + subject) linked to the quizapp account made for them."""

    __tablename__ = "lti_accounts"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(URL_MAX))
    subject: Mapped[str] = mapped_column(String(LTI_ID_MAX))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship()


class LtiCourse(db.Model):
    """A platform course (context) and the quizapp class it became."""

    __tablename__ = "lti_courses"
    __table_args__ = (UniqueConstraint("platform_id", "context_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    context_id: Mapped[str] = mapped_column(String(LTI_ID_MAX))
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), unique=True)
    deployment_id: Mapped[str] = mapped_column(String(LTI_ID_MAX))
    # The NRPS endpoint from the last launch that named one.
    memberships_url: Mapped[str | None] = mapped_column(String(URL_MAX))
    synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    platform: Mapped[LtiPlatform] = relationship()
    school_class: Mapped[SchoolClass] = relationship()


class LtiResourceLink(db.Model):
    """A link placed in a platform course, opening one quizapp assignment."""

    __tablename__ = "lti_resource_links"
    __table_args__ = (UniqueConstraint("course_id", "resource_link_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("lti_courses.id", ondelete="CASCADE"), index=True
    )
    resource_link_id: Mapped[str] = mapped_column(String(LTI_ID_MAX))
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), index=True
    )
    # The AGS claim of the last launch: which scopes, the line items and the line item.
    ags_scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    lineitems_url: Mapped[str | None] = mapped_column(String(URL_MAX))
    lineitem_url: Mapped[str | None] = mapped_column(String(URL_MAX))

    course: Mapped[LtiCourse] = relationship()
    assignment: Mapped[Assignment] = relationship()


class LtiGradeSend(db.Model):
    """The score one student has to receive on one link's line item: the outbox.

    One row per (link, student): a new submission replaces the score and marks it
    pending again; a failed send stays pending with its error until a retry succeeds.
    """

    __tablename__ = "lti_grade_sends"
    __table_args__ = (UniqueConstraint("link_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("lti_resource_links.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(LTI_ID_MAX))
    score_given: Mapped[float] = mapped_column(Float)
    score_maximum: Mapped[float] = mapped_column(Float)
    scored_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(8), index=True)  # PENDING / SENT
    tries: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    tried_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    link: Mapped[LtiResourceLink] = relationship()
    user: Mapped[User] = relationship()


class LtiLaunchValue(db.Model):
    """pylti1p3's launch storage (nonces, state, launch data) and quizapp's entry tickets.

    Kept in the database rather than the session cookie: the launch is a cross-site
    POST that carries no SameSite=Lax cookie, and a nonce must be usable once only.
    """

    __tablename__ = "lti_launch_values"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[dict | list | str | bool | None] = mapped_column(JSON)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
