"""Password rules: long enough, and not one of the passwords everyone tries first."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

MIN_LENGTH = 8


@cache
def common_passwords() -> frozenset[str]:
    text = files("quizapp.auth").joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def password_problem(password: str) -> str | None:
    """Return why a password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if password.lower() in common_passwords():
        return "This password is one of the most common ones; choose another."
    return None
