"""pylti1p3's launch storage in the database, and the one-time tickets that carry a
launch into a first-party page.

Why not the session cookie (pylti1p3's default): the launch is a cross-site form POST
from the platform, and quizapp's session cookie is SameSite=Lax, so the browser does
not send it there. The OIDC state still travels in pylti1p3's own short-lived cookie
(SameSite=None; Secure, path /lti/ only: see `quizapp.lti.cookies`); the nonce, the
state's parameters and the validated launch live here, keyed by random values.

A nonce is usable once: `check_value` on a nonce deletes it, so a replayed id_token
finds no nonce and is refused.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from pylti1p3.launch_data_storage.base import LaunchDataStorage
from sqlalchemy import delete, select

from quizapp.extensions import db
from quizapp.models import LtiLaunchValue, utcnow
from quizapp.services import write_transaction

KEY_MAX = 200
TICKET_LIFETIME = timedelta(minutes=2)
_TICKET = "ticket-"


class DatabaseLaunchStorage(LaunchDataStorage):
    """Launch values in `lti_launch_values`, with an expiry each."""

    _session_cookie_name = None  # keys are random already; no extra cookie needed

    def get_session_cookie_name(self):
        return None

    def can_set_keys_expiration(self) -> bool:
        return True

    def get_value(self, key: str) -> Any:
        return read(self._prepare_key(key))

    def set_value(self, key: str, value: Any, exp: int | None = None) -> None:
        write(self._prepare_key(key), value, timedelta(seconds=exp or 86400))

    def check_value(self, key: str) -> bool:
        key = self._prepare_key(key)
        if "-nonce-" in key:
            return take(key) is not None
        return read(key) is not None


def read(key: str) -> Any:
    if len(key) > KEY_MAX:
        return None
    row = db.session.get(LtiLaunchValue, key)
    if row is None or row.expires_at <= utcnow():
        return None
    return row.value


def write(key: str, value: Any, lifetime: timedelta) -> None:
    if len(key) > KEY_MAX:
        raise ValueError("launch storage key too long")
    now = utcnow()
    with write_transaction() as session:
        session.execute(delete(LtiLaunchValue).where(LtiLaunchValue.expires_at <= now))
        row = session.get(LtiLaunchValue, key)
        if row is None:
            session.add(LtiLaunchValue(key=key, value=value, expires_at=now + lifetime))
        else:
            row.value, row.expires_at = value, now + lifetime


def take(key: str) -> Any:
    """Read a value and delete it in one transaction: of two racing requests, one wins."""
    if len(key) > KEY_MAX:
        return None
    with write_transaction() as session:
        value = session.scalar(
            select(LtiLaunchValue.value).where(
                LtiLaunchValue.key == key, LtiLaunchValue.expires_at > utcnow()
            )
        )
        deleted = session.execute(delete(LtiLaunchValue).where(LtiLaunchValue.key == key))
    return value if deleted.rowcount == 1 and value is not None else None


def issue_ticket(user_id: int, target: str) -> str:
    """A one-time, two-minute ticket that logs `user_id` in and opens `target`."""
    token = secrets.token_urlsafe(32)
    write(_TICKET + token, {"user_id": user_id, "target": target}, TICKET_LIFETIME)
    return token


def redeem_ticket(token: str) -> tuple[int, str] | None:
    """The (user id, target) of a ticket, once; None if unknown, used or expired."""
    if not isinstance(token, str) or not 20 <= len(token) <= 64:
        return None
    value = take(_TICKET + token)
    if not isinstance(value, dict):
        return None
    return value.get("user_id"), value.get("target")
