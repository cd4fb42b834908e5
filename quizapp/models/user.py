"""Accounts."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, String, false
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
    # Changes with the password: old sessions and "remember me" cookies stop working.
    auth_stamp: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(8))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # Best quiz scores appear on deck leaderboards (display name only) only if opted in.
    leaderboard_opt_in: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def set_password(self, password: str, method: str = "scrypt") -> None:
        self.password_hash = generate_password_hash(password, method=method)
        self.auth_stamp = secrets.token_hex(8)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        # Flask-Login stores this in the session and the remember cookie.
        return f"{self.id}:{self.auth_stamp}"

    @property
    def is_teacher(self) -> bool:
        return self.role == Role.TEACHER.value

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"
