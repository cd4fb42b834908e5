"""LTI Dynamic Registration: the platform registers quizapp through a one-time link an
administrator made, and the registration then launches like a hand-made one."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import LtiPlatform
from tests.conftest import count_rows
from tests.lti.conftest import launch, people
from tests.lti.platform import TestPlatform


@pytest.fixture
def dynamic():
    platform = TestPlatform("moodle").start()
    yield platform
    platform.stop()


@pytest.fixture
def admin(app, make_user, as_user):
    app.config["LTI_ADMINS"] = ["admin@school.example"]
    return as_user(make_user(role="teacher", email="admin@school.example"))


def registration_link(admin) -> str:
    page = admin.post("/lti/platforms/registration-link", follow_redirects=True)
    found = re.search(r"http://localhost(/lti/register/[\w-]+)", page.get_data(as_text=True))
    assert found, page.get_data(as_text=True)
    return found.group(1)


def open_link(client, path, platform, **params):
    query = {
        "openid_configuration": platform.base + "/.well-known/openid-configuration",
        "registration_token": platform.registration_token,
        **params,
    }
    return client.get(path, query_string=query)


def test_a_platform_registers_quizapp_and_launches(app, client, admin, dynamic):
    path = registration_link(admin)
    response = open_link(client, path, dynamic)  # opened by the platform, no quizapp login
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "quizapp is registered with moodle" in response.get_data(as_text=True)
    # The page sits in the platform's registration dialog.
    assert dynamic.base in response.headers["Content-Security-Policy"].split("frame-ancestors")[1]
    (sent,) = dynamic.received.registrations
    assert sent["initiate_login_uri"] == "http://localhost/lti/login"
    assert sent["redirect_uris"] == ["http://localhost/lti/launch"]
    assert sent["jwks_uri"] == "http://localhost/lti/jwks"
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in sent["scope"].split()
    (platform,) = db.session.scalars(select(LtiPlatform))
    assert (platform.issuer, platform.client_id) == (dynamic.base, dynamic.client_id)
    assert platform.deployment_ids == [dynamic.deployment_id]

    # It launches like any registration.
    dynamic.tool_jwks = client.get("/lti/jwks").get_json()
    teacher, _, _ = people(dynamic)
    assert launch(app.test_client(), dynamic, teacher, deep_link=True).status_code == 200

    # The link worked once.
    again = open_link(app.test_client(), path, dynamic)
    assert again.status_code == 404 and "used or expired" in again.get_data(as_text=True)


@pytest.mark.parametrize(
    "params, status, words",
    [
        ({"openid_configuration": "javascript:alert(1)"}, 400, "no usable openid_configuration"),
        ({"registration_token": "wrong"}, 400, "The platform answered 401"),
        ({"openid_configuration": "http://127.0.0.1:9/nothing"}, 400, "could not be reached"),
    ],
)
def test_a_failed_registration_stores_nothing_and_the_link_still_works(
    app, client, admin, dynamic, params, status, words
):
    path = registration_link(admin)
    response = open_link(client, path, dynamic, **params)
    assert response.status_code == status
    assert words in response.get_data(as_text=True)
    assert count_rows(LtiPlatform) == 0
    assert open_link(client, path, dynamic).status_code == 200  # the admin's link survives


def test_without_a_link_nobody_registers_a_platform(app, client, dynamic):
    response = open_link(client, "/lti/register/" + "x" * 32, dynamic)
    assert response.status_code == 404
    assert dynamic.received.registrations == [] and count_rows(LtiPlatform) == 0


def test_only_administrators_make_registration_links(app, make_user, as_user):
    teacher = as_user(make_user(role="teacher"))
    assert teacher.post("/lti/platforms/registration-link").status_code == 403
