"""Fixtures for the LTI tests: test platforms on loopback, registered with quizapp, and
a driver that runs the OIDC login and launch through the Flask test client."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import requests
from sqlalchemy import select

from quizapp.models import LtiToolKey, utcnow
from quizapp.services import write_transaction
from quizapp.services.lti import platforms as platform_service
from tests.lti.platform import INSTRUCTOR, LEARNER, TestPlatform

LAUNCH_URL = "http://localhost/lti/launch"


@pytest.fixture
def canvas():
    platform = TestPlatform("canvas").start()
    yield platform
    platform.stop()


@pytest.fixture
def moodle():
    platform = TestPlatform("moodle").start()
    yield platform
    platform.stop()


# quizapp makes its key pair at the first registration of a deployment's life
# (tests/lti/test_setup_and_policy.py proves it); the other tests start where a
# deployment has had one for long: one pair made per test run, stored before registering.
_TOOL_KEY: list[LtiToolKey] = []


def install_tool_key() -> None:
    if not _TOOL_KEY:
        _TOOL_KEY.append(platform_service.new_tool_key())
    made = _TOOL_KEY[0]
    with write_transaction() as session:
        if session.scalar(select(LtiToolKey.id).limit(1)) is None:
            session.add(
                LtiToolKey(kid=made.kid, private_pem=made.private_pem, public_pem=made.public_pem)
            )


def register(client, platform: TestPlatform) -> None:
    install_tool_key()
    platform_service.register_platform(platform_service.PlatformSpec(**platform.registration()))
    # The administrator pastes quizapp's keyset URL into the platform.
    platform.tool_jwks = client.get("/lti/jwks").get_json()


@pytest.fixture(params=["canvas", "moodle"])
def platform(request, app, client):
    """Each flavour in turn, registered with quizapp."""
    found = request.getfixturevalue(request.param)
    register(client, found)
    return found


def launch(client, platform, person, *, link=None, deep_link=False, **tamper):
    """Login initiation, the platform's auth step, and the launch POST; the response."""
    hint = platform.expect_launch(person, link=link, deep_link=deep_link)
    response = client.get(
        "/lti/login", query_string=platform.login_params(person, hint, LAUNCH_URL)
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    redirect_uri, form = platform.authorize(response.headers["Location"], **tamper)
    launch.last_form = form
    return client.post(urlsplit(redirect_uri).path, data=form)


def hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', html
    )
    assert found, f"no hidden {name} in page"
    return found.group(1)


def people(platform):
    return (
        platform.add_person("teacher-sub-1", "Ada Rivera", INSTRUCTOR),
        platform.add_person("learner-sub-1", "Ben Okafor", LEARNER),
        platform.add_person("learner-sub-2", "Chloé Martin", LEARNER),
    )


def deep_link(client, platform, teacher, deck_key, **settings):
    """The instructor's deep-linking launch, the picker filled in; the return page."""
    response = launch(client, platform, teacher, deep_link=True)
    assert response.status_code == 200, response.get_data(as_text=True)
    page = response.get_data(as_text=True)
    now = utcnow()
    form = {
        "launch": hidden(page, "launch"),
        "deck": deck_key,
        "title": "Software quiz",
        "count": "5",
        "opens_at": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "due_at": (now + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
        "attempts": "1",
        "scoring": "best",
        "late_policy": "mark",
        "shuffle": "y",
        **settings,
    }
    return client.post("/lti/deep-link", data=form)


def return_to_platform(page_response) -> requests.Response:
    """What the return page's self-submitting form does in a browser."""
    page = page_response.get_data(as_text=True)
    action = page.split('action="', 1)[1].split('"', 1)[0]
    return requests.post(action, data={"JWT": hidden(page, "JWT")}, timeout=10)


def enter(client, response):
    """Follow a launch into quizapp (the one-time entry ticket)."""
    assert response.status_code == 303, response.get_data(as_text=True)
    entered = client.get(urlsplit(response.headers["Location"]).path)
    assert entered.status_code == 303
    return urlsplit(entered.headers["Location"]).path


def course_with_link(app, platform, deck_key, **settings):
    """An instructor deep-links an assignment; returns (the platform's link, people)."""
    teacher, ben, chloe = people(platform)
    return_to_platform(deep_link(app.test_client(), platform, teacher, deck_key, **settings))
    (link,) = platform.links.values()
    return link, (teacher, ben, chloe)
