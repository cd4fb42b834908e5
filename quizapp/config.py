"""Configuration: defaults, then the environment, then the caller's overrides.

Every setting that an operator may change is read from an environment
variable listed in the README's configuration table.
"""

from __future__ import annotations

import os
import secrets
from typing import Any

SECRET_KEY_FILE = "secret_key"
# Who may be a teacher at sign-up: anyone ("open"), anyone an administrator approves
# with `quizapp users approve-teacher` ("approval"), or no one ("closed": only
# `quizapp users set-role` makes teachers).
TEACHER_SIGNUP_CHOICES = ("open", "approval", "closed")
LIVE_POLL_RANGE = (100, 3000)


class ConfigError(ValueError):
    """A setting has a value quizapp can't run with; the message says which and why."""


def load_config(instance_path: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the app's configuration as a plain mapping.

    Args:
        instance_path: The Flask instance folder (holds the SQLite file and secret key).
        overrides: Values that win over defaults and environment (used by tests).

    Returns:
        A dict ready for ``app.config.from_mapping``.
    """
    overrides = dict(overrides or {})
    env = os.environ
    config: dict[str, Any] = {
        "SQLALCHEMY_DATABASE_URI": database_url(
            env.get("DATABASE_URL") or "sqlite:///" + os.path.join(instance_path, "quizapp.sqlite")
        ),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "MAX_CONTENT_LENGTH": int(env.get("QUIZAPP_MAX_UPLOAD_MB", "10")) * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _flag(env.get("QUIZAPP_SECURE_COOKIES")),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _flag(env.get("QUIZAPP_SECURE_COOKIES")),
        "WTF_CSRF_TIME_LIMIT": None,  # a CSRF token lives as long as the session
        # werkzeug's method string; tests choose a cheap one, production keeps scrypt.
        "PASSWORD_HASH_METHOD": env.get("QUIZAPP_PASSWORD_HASH_METHOD", "scrypt"),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        # Several apps (or test runs) can share one Redis under different prefixes.
        "RATELIMIT_KEY_PREFIX": env.get("RATELIMIT_KEY_PREFIX", ""),
        "RATELIMIT_ENABLED": not _flag(env.get("QUIZAPP_DISABLE_RATELIMIT")),
        # How often a live game's screens poll, at the fastest (a class; a crowd polls
        # slower, see services/live/rounds.py `poll_ms`).
        "LIVE_POLL_MS": env.get("QUIZAPP_LIVE_POLL_MS", "1000"),
        "TEACHER_SIGNUP": env.get("QUIZAPP_TEACHER_SIGNUP", "open").strip().lower(),
        "QUESTIONS_DIR": env.get(
            "QUIZAPP_QUESTIONS_DIR",
            os.path.join(os.path.dirname(os.path.dirname(__file__)), "questions"),
        ),
    }
    if "SQLALCHEMY_DATABASE_URI" in overrides:
        overrides["SQLALCHEMY_DATABASE_URI"] = database_url(overrides["SQLALCHEMY_DATABASE_URI"])
    config.update(overrides)
    if config["TEACHER_SIGNUP"] not in TEACHER_SIGNUP_CHOICES:
        raise ConfigError(
            f"QUIZAPP_TEACHER_SIGNUP={config['TEACHER_SIGNUP']!r} is not a choice: use open, "
            "approval or closed (who may sign up as a teacher)."
        )
    config["LIVE_POLL_MS"] = _poll_ms(config["LIVE_POLL_MS"])
    # A ping guards against server connections dropped while pooled; a SQLite file
    # has none, and the ping would be one more statement per request.
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") and (
        "SQLALCHEMY_ENGINE_OPTIONS" not in overrides
    ):
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": False}
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = env.get("SECRET_KEY") or instance_secret_key(instance_path)
    return config


def database_url(url: str) -> str:
    """Normalise a database URL so PostgreSQL always goes through psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def instance_secret_key(instance_path: str) -> str:
    """Read the secret key kept in the instance folder, creating it once (mode 0600)."""
    path = os.path.join(instance_path, SECRET_KEY_FILE)
    try:
        with open(path, encoding="ascii") as fh:
            key = fh.read().strip()
        if key:
            return key
    except FileNotFoundError:
        pass
    key = secrets.token_hex(32)
    # O_EXCL: if two processes start at once, one writes and the other reads its key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        with open(path, encoding="ascii") as fh:
            return fh.read().strip()
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key)
    return key


def _poll_ms(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if not LIVE_POLL_RANGE[0] <= number <= LIVE_POLL_RANGE[1]:
        low, high = LIVE_POLL_RANGE
        raise ConfigError(
            f"QUIZAPP_LIVE_POLL_MS={value!r} is not a number of milliseconds from {low} to "
            f"{high} (how often a live game's screens ask the server what changed)."
        )
    return number


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}
