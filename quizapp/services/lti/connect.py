"""Talking to a platform's services: an HTTP session with a timeout (requests has no
default one, and a silent platform must not hold a student's request), and pylti1p3's
service connector for a stored registration."""

from __future__ import annotations

import requests
from pylti1p3.service_connector import REQUESTS_USER_AGENT, ServiceConnector

from quizapp.models import LtiPlatform
from quizapp.services.lti.platforms import registration

TIMEOUT_SECONDS = 5


class TimeoutSession(requests.Session):
    def __init__(self, timeout: float | None = None) -> None:
        super().__init__()
        self.timeout = TIMEOUT_SECONDS if timeout is None else timeout
        self.headers["User-Agent"] = REQUESTS_USER_AGENT

    def request(self, method, url, **kwargs):
        kwargs.setdefault("timeout", self.timeout)
        kwargs.setdefault("allow_redirects", False)
        return super().request(method, url, **kwargs)


def connector(platform: LtiPlatform) -> ServiceConnector:
    return ServiceConnector(registration(platform), TimeoutSession())


def describe(exc: Exception) -> str:
    """One line on why a call to the platform failed, for the teacher's page."""
    response = getattr(exc, "response", None)
    if response is not None and hasattr(response, "status_code"):
        body = (response.text or "")[:200].replace("\n", " ")
        return f"The platform answered {response.status_code}: {body}".strip()
    if isinstance(exc, requests.Timeout):
        return "The platform did not answer in time."
    if isinstance(exc, requests.ConnectionError):
        return "The platform could not be reached."
    return str(exc)[:300] or exc.__class__.__name__
