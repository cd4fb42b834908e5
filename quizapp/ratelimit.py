"""Rate limits: where the counters live, and what a request is counted against.

A limit only means what it says when every worker counts in the same place: with
``memory://`` each gunicorn worker keeps its own counters, so three workers let
three times the limit through. `serve` therefore refuses several workers on
``memory://`` and names the store it uses at start-up (`storage_report`).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

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
