"""Accounts: registration, log-in, password changes, roles."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import cache

from flask import current_app
from sqlalchemy import delete, select
from werkzeug.security import check_password_hash, generate_password_hash

from quizapp.extensions import db
from quizapp.models import LoginSession, Role, User, utcnow
from quizapp.services import Forbidden, NotFound, ServiceError, write_transaction


class DuplicateEmail(ServiceError):
    status = 409


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def register(
    email: str,
    display_name: str,
    password: str,
    role: str = Role.STUDENT,
    *,
    teacher_request: bool = False,
) -> User:
    """Create an account.

    Args:
        teacher_request: Mark the (student) account as waiting to be approved as a teacher.

    Raises:
        DuplicateEmail: An account with that email exists.
        ServiceError: The role is not one of the known roles.
    """
    if role not in {r.value for r in Role}:
        raise ServiceError(f"Unknown role {role!r}.")
    with write_transaction() as session:
        if find_by_email(email) is not None:
            raise DuplicateEmail("An account with this email already exists. Log in instead?")
        user = User(email=normalise_email(email), display_name=display_name.strip(), role=role)
        user.teacher_requested_at = utcnow() if teacher_request else None
        user.set_password(password, _hash_method())
        session.add(user)
    return user


# --- who may be a teacher (QUIZAPP_TEACHER_SIGNUP) --------------------------------------------


def teacher_signup() -> str:
    """The server's rule for "I am a teacher" at sign-up: open, approval or closed."""
    return current_app.config["TEACHER_SIGNUP"]


def sign_up(email: str, display_name: str, password: str, role: str) -> User:
    """Create an account from the sign-up form, where the teacher rule applies.

    open: a teacher is a teacher; approval: a student with a request an administrator
    approves; closed: no one signs up as a teacher.

    Raises:
        DuplicateEmail, ServiceError: As `register`.
        Forbidden: A teacher sign-up while they are closed.
    """
    if role != Role.TEACHER or teacher_signup() == "open":
        return register(email, display_name, password, role)
    if teacher_signup() == "closed":
        raise Forbidden(
            "Teacher accounts are made by an administrator on this server; sign up as a "
            "learner, and ask them to make you a teacher."
        )
    return register(email, display_name, password, Role.STUDENT, teacher_request=True)


def pending_teachers() -> list[User]:
    """Accounts waiting to be approved as teachers, oldest request first."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.teacher_requested_at.is_not(None))
            .order_by(User.teacher_requested_at, User.id)
        )
    )


def approve_teacher(email: str) -> User:
    """Make the account that asked to be a teacher one.

    Raises:
        NotFound: No account has this email.
        ServiceError: The account has not asked (use `set_role` to make anyone a teacher).
    """
    with write_transaction():
        user = find_by_email(email)
        if user is None:
            raise NotFound(f"No user with email {email!r}.")
        if user.teacher_requested_at is None:
            raise ServiceError(
                f"{user.email} has not asked to be a teacher "
                "(`quizapp users set-role EMAIL teacher` makes anyone one)."
            )
        user.role = Role.TEACHER.value
        user.teacher_requested_at = None
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the user whose email and password match, else None (never says which failed)."""
    user = find_by_email(email)
    if user is None:
        # Spend the same hashing time as a real check so timing does not reveal the email.
        check_password_hash(_dummy_hash(), password)
        return None
    return user if user.check_password(password) else None


def change_password(user: User, current: str, new: str) -> str:
    """Change a password and end every log-in of the user but a new one for this browser.

    Returns:
        The Flask-Login id of the new log-in (the caller logs this browser in with it).
    """
    if not user.check_password(current):
        raise ServiceError("Your current password is not right.")
    with write_transaction() as session:
        user.set_password(new, _hash_method())
        session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
        return _add_login(session, user)


def set_role(email: str, role: str) -> User:
    if role not in {r.value for r in Role}:
        raise ServiceError(f"Unknown role {role!r}: use one of {', '.join(r.value for r in Role)}.")
    with write_transaction():
        user = find_by_email(email)
        if user is None:
            raise NotFound(f"No user with email {email!r}.")
        user.role = role
        user.teacher_requested_at = None  # decided: a request waits no more
    return user


# --- log-ins: one row per browser that logged in ---------------------------------------------


def login_lifetime() -> timedelta:
    """How long a log-in lasts at most: as long as a remember-me cookie."""
    duration = current_app.config.get("REMEMBER_COOKIE_DURATION", timedelta(days=365))
    return duration if isinstance(duration, timedelta) else timedelta(seconds=duration)


def start_session(user: User) -> str:
    """Record a new log-in of `user`; returns its Flask-Login id "<user id>:<secret>".

    The user's log-ins older than `login_lifetime` are deleted on the way.
    """
    with write_transaction() as session:
        session.execute(
            delete(LoginSession).where(
                LoginSession.user_id == user.id,
                LoginSession.created_at < utcnow() - login_lifetime(),
            )
        )
        return _add_login(session, user)


def _add_login(session, user: User) -> str:
    secret = secrets.token_urlsafe(32)
    session.add(LoginSession(user_id=user.id, secret_hash=_hash(secret), created_at=utcnow()))
    user.login_secret = secret
    return user.get_id()


def load_user(session_id: str) -> User | None:
    """Find the user of a Flask-Login id "<id>:<secret>" whose log-in has not ended."""
    user_id, _, secret = session_id.partition(":")
    # Signed by SECRET_KEY, but checked like any input: digits that fit an id.
    if not (user_id.isascii() and user_id.isdigit() and len(user_id) <= 9) or not secret:
        return None
    user = db.session.scalar(
        select(User)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(
            User.id == int(user_id),
            LoginSession.secret_hash == _hash(secret),
            LoginSession.created_at >= utcnow() - login_lifetime(),
        )
    )
    if user is not None:
        user.login_secret = secret
    return user


def end_session(user: User) -> None:
    """Log-out: this browser's log-in ends; a copy of its cookies finds no one."""
    if user.login_secret:
        with write_transaction() as session:
            session.execute(
                delete(LoginSession).where(
                    LoginSession.user_id == user.id,
                    LoginSession.secret_hash == _hash(user.login_secret),
                )
            )
        user.login_secret = None


def end_all_sessions(user: User) -> int:
    """Log out everywhere: every log-in of the user ends; returns how many there were."""
    with write_transaction() as session:
        result = session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    user.login_secret = None
    return result.rowcount


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _hash_method() -> str:
    return current_app.config["PASSWORD_HASH_METHOD"]


@cache
def _dummy_hash_for(method: str) -> str:
    return generate_password_hash("no account has this password", method=method)


def _dummy_hash() -> str:
    return _dummy_hash_for(_hash_method())
