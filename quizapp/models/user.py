"""Accounts."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from quizapp.extensions import db
from quizapp.models.types import UTCDateTime, utcnow


class Role(enum.StrEnum):
    STUDENT = "student"
    TEACHER = "teacher"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default=Role.STUDENT.value)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # Best quiz scores appear on deck leaderboards (display name only) only if opted in.
    leaderboard_opt_in: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Signed up as a teacher under QUIZAPP_TEACHER_SIGNUP=approval: a student until an
    # administrator approves (`quizapp users approve-teacher`).
    teacher_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def set_password(self, password: str, method: str = "scrypt") -> None:
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    # The secret of the log-in this request belongs to (`services.accounts` sets it when
    # it starts or finds a `LoginSession`); not a column.
    login_secret = None  # str while logged in

    def get_id(self) -> str:
        # Flask-Login stores this in the session and the remember cookie: the user and the
        # secret of one log-in, so deleting that log-in's row makes both cookies useless.
        if not self.login_secret:
            raise RuntimeError("log a user in through accounts.start_session")
        return f"{self.id}:{self.login_secret}"

    @property
    def is_teacher(self) -> bool:
        return self.role == Role.TEACHER.value

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class LoginSession(db.Model):
    """One log-in of one browser: its session and remember-me cookies name it.

    Only a hash of the secret is stored, so a copy of the database logs no one in.
    Log-out deletes the row; "log out everywhere" and a password change delete all of
    the user's rows.
    """

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
