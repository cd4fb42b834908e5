"""Rate limits: where the counters live, and what a request is counted against.

The limits themselves sit on their views (`auth`, `classroom`, `live`); the rules of
counting are here.

A limit only means what it says when every worker counts in the same place: with
``memory://`` each gunicorn worker keeps its own counters, so three workers let
three times the limit through. `serve` therefore refuses several workers on
``memory://`` and names the store it uses at start-up (`storage_report`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from flask import Response, g, request
from limits.storage import storage_from_string


@dataclass(frozen=True)
class StorageReport:
    """What `serve` says about rate limits at start-up; `problem` refuses to start."""

    line: str
    problem: str | None = None


def storage_report(config, workers: int) -> StorageReport:
    """Check that the rate-limit store is shared by `workers` worker processes.

    Args:
        config: The app's configuration (RATELIMIT_ENABLED, RATELIMIT_STORAGE_URI).
        workers: How many worker processes will serve.

    Returns:
        A line for the operator, and the problem that must stop the start, if any.
    """
    if not config.get("RATELIMIT_ENABLED", True):
        return StorageReport("rate limits: off (QUIZAPP_DISABLE_RATELIMIT)")
    uri = config.get("RATELIMIT_STORAGE_URI") or "memory://"
    if uri.startswith("memory://"):
        if workers > 1:
            return StorageReport(
                "rate limits: memory:// (each worker its own counters)",
                problem=(
                    f"Rate limits are counted in each worker's own memory "
                    f"(RATELIMIT_STORAGE_URI=memory://), so with {workers} workers every "
                    f"limit would let {workers} times as many attempts through. Set "
                    "RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379 (a Redis all workers "
                    "share), or start one worker with --workers 1."
                ),
            )
        return StorageReport("rate limits: counted in the memory of the one worker")
    shown = _without_password(uri)
    try:
        reachable = storage_from_string(uri).check()
    except Exception as exc:  # a bad URI or a missing driver: say which, don't start
        return StorageReport("rate limits: -", problem=f"RATELIMIT_STORAGE_URI={shown}: {exc}")
    if not reachable:
        return StorageReport(
            "rate limits: -",
            problem=(
                f"The rate-limit store {shown} does not answer; start it or fix "
                "RATELIMIT_STORAGE_URI (every request that counts would fail without it)."
            ),
        )
    return StorageReport(f"rate limits: shared by all workers in {shown}")


def _without_password(uri: str) -> str:
    parts = urlsplit(uri)
    if parts.password is None:
        return uri
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


# --- what a request is counted against --------------------------------------------------------
# A school puts a whole class behind one address, so counting every request per address
# stops the 11th student. Attempts that fail (a wrong password, a wrong code) are what a
# guesser makes, so those are counted per address and per account; a sign-up that comes
# through a valid class join link is counted against that class instead.

_JOIN_LINK = re.compile(r"/classes/join/([A-Za-z0-9 -]{1,40})")


def failed(response: Response) -> bool:
    """`deduct_when` for guessable forms: count what a guesser gets (a 4xx but the 429)."""
    return 400 <= response.status_code < 500 and response.status_code != 429


def account_key() -> str:
    """The account a log-in names, from any address (a hash keeps keys short)."""
    email = (request.form.get("email") or "").strip().lower()[:254]
    return "account:" + hashlib.sha256(email.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def signup_class_id() -> int | None:
    """The class whose valid join link this sign-up came through (``?next=`` names it)."""
    if "signup_class_id" not in g:
        g.signup_class_id = _class_of_join_link(request.args.get("next") or "")
    return g.signup_class_id


def _class_of_join_link(target: str) -> int | None:
    from quizapp.services import ServiceError
    from quizapp.services import classroom as classroom_service

    match = _JOIN_LINK.fullmatch(target)
    if match is None:
        return None
    try:
        return classroom_service.class_by_code(match.group(1)).id
    except ServiceError:
        return None


def signup_class_key() -> str:
    return f"class-signup:{signup_class_id()}"
