"""Accounts: registration, log-in, password changes, roles."""

from __future__ import annotations

from functools import cache

from flask import current_app
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from quizapp.extensions import db
from quizapp.models import Role, User
from quizapp.services import NotFound, ServiceError, write_transaction


class DuplicateEmail(ServiceError):
    status = 409


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def register(email: str, display_name: str, password: str, role: str = Role.STUDENT) -> User:
    """Create an account.

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
        user.set_password(password, _hash_method())
        session.add(user)
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the user whose email and password match, else None (never says which failed)."""
    user = find_by_email(email)
    if user is None:
        # Spend the same hashing time as a real check so timing does not reveal the email.
        check_password_hash(_dummy_hash(), password)
        return None
    return user if user.check_password(password) else None


def change_password(user: User, current: str, new: str) -> None:
    """Change a password; other sessions and remember-me cookies stop working."""
    if not user.check_password(current):
        raise ServiceError("Your current password is not right.")
    with write_transaction():
        user.set_password(new, _hash_method())


def set_role(email: str, role: str) -> User:
    if role not in {r.value for r in Role}:
        raise ServiceError(f"Unknown role {role!r}: use one of {', '.join(r.value for r in Role)}.")
    with write_transaction():
        user = find_by_email(email)
        if user is None:
            raise NotFound(f"No user with email {email!r}.")
        user.role = role
    return user


def load_user(session_id: str) -> User | None:
    """Find the user of a Flask-Login id "<id>:<auth stamp>"; a stale stamp finds no one."""
    user_id, _, stamp = session_id.partition(":")
    # Signed by SECRET_KEY, but checked like any input: digits that fit an id.
    if not (user_id.isascii() and user_id.isdigit() and len(user_id) <= 9) or not stamp:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.auth_stamp != stamp:
        return None
    return user


def _hash_method() -> str:
    return current_app.config["PASSWORD_HASH_METHOD"]


@cache
def _dummy_hash_for(method: str) -> str:
    return generate_password_hash("no account has this password", method=method)


def _dummy_hash() -> str:
    return _dummy_hash_for(_hash_method())
