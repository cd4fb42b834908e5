"""Registering a platform (admin page, CLI), the tool's JWKS, and the cookie and framing
policy: relaxed on the LTI pages a platform frames, unchanged everywhere else."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import LtiPlatform, LtiToolKey
from tests.conftest import count_rows
from tests.lti.conftest import LAUNCH_URL, launch, people

FORM = {
    "name": "School Moodle",
    "issuer": "https://moodle.school.example",
    "client_id": "abc123",
    "auth_login_url": "https://moodle.school.example/mod/lti/auth.php",
    "auth_token_url": "https://moodle.school.example/mod/lti/token.php",
    "key_set_url": "https://moodle.school.example/mod/lti/certs.php",
    "deployment_ids": "7\n8, 7",
    "frame_origins": "",
    "auth_audience": "",
}


@pytest.fixture
def admin(app, make_user, as_user):
    user = make_user(role="teacher", email="admin@school.example")
    app.config["LTI_ADMINS"] = ["admin@school.example"]
    return as_user(user)


def test_an_administrator_registers_a_platform_and_the_tool_key_is_made(app, admin):
    page = admin.get("/lti/platforms").get_data(as_text=True)
    assert "http://localhost/lti/jwks" in page and "http://localhost/lti/login" in page
    response = admin.post("/lti/platforms", data=FORM, follow_redirects=True)
    assert response.status_code == 200
    assert "Registered School Moodle" in response.get_data(as_text=True)
    (platform,) = db.session.scalars(select(LtiPlatform))
    assert platform.deployment_ids == ["7", "8"]
    (key,) = db.session.scalars(select(LtiToolKey))
    assert "PRIVATE KEY" in key.private_pem
    jwks = admin.get("/lti/jwks").get_json()
    (published,) = jwks["keys"]
    assert published["kid"] == key.kid and published["alg"] == "RS256"
    assert "d" not in published and "p" not in published  # the public half only


@pytest.mark.parametrize(
    "change, words",
    [
        ({"issuer": "javascript:alert(1)"}, "issuer must be an http(s) URL"),
        ({"key_set_url": "ftp://x"}, "JWKS URL must be an http(s) URL"),
        ({"deployment_ids": ""}, "Give at least one deployment id"),
        ({"client_id": "x" * 300}, "Field cannot be longer than 255 characters"),
        ({"frame_origins": "not-a-url"}, "frame origin is an http(s) address"),
    ],
)
def test_a_bad_registration_is_refused_and_stores_nothing(app, admin, change, words):
    response = admin.post("/lti/platforms", data={**FORM, **change})
    assert response.status_code == 400
    assert words in response.get_data(as_text=True)
    assert count_rows(LtiPlatform) == 0 and count_rows(LtiToolKey) == 0


def test_only_administrators_see_the_registration_page(app, client, make_user, as_user):
    assert client.get("/lti/platforms").status_code == 302  # to log in
    teacher = as_user(make_user(role="teacher"))
    assert teacher.get("/lti/platforms").status_code == 403
    assert teacher.post("/lti/platforms", data=FORM).status_code == 403
    assert count_rows(LtiPlatform) == 0


def test_the_cli_registers_and_lists_a_platform(app):
    runner = app.test_cli_runner()
    args = ["lti", "register", "--name", "Canvas", "--issuer", "https://canvas.instructure.com"]
    args += [
        "--client-id",
        "1000042",
        "--auth-login-url",
        "https://sso.canvaslms.com/api/lti/authorize_redirect",
    ]
    args += ["--token-url", "https://sso.canvaslms.com/login/oauth2/token"]
    args += ["--jwks-url", "https://sso.canvaslms.com/api/lti/security/jwks"]
    args += ["--deployment", "1:abc", "--frame-origin", "https://school.instructure.com"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "Registered Canvas" in result.output
    listed = runner.invoke(args=["lti", "list"])
    assert "https://canvas.instructure.com\t1000042" in listed.output
    bad = runner.invoke(args=[*args[:-4], "--deployment", "1", "--jwks-url", "nope"])
    assert bad.exit_code != 0 and "JWKS URL must be an http(s) URL" in bad.output
    assert count_rows(LtiPlatform) == 1


def test_launch_pages_may_be_framed_by_registered_platforms_only(app, client, platform):
    teacher, _, _ = people(platform)
    response = launch(client, platform, teacher, deep_link=True)
    policy = response.headers["Content-Security-Policy"]
    ancestors = policy.split("frame-ancestors ", 1)[1].split(";", 1)[0].split()
    assert ancestors[0] == "'self'" and platform.issuer in ancestors
    assert platform.base in policy  # the auth URL's origin
    assert "X-Frame-Options" not in response.headers
    home = client.get("/")
    assert "frame-ancestors 'none'" in home.headers["Content-Security-Policy"]
    assert home.headers["X-Frame-Options"] == "DENY"
    jwks = client.get("/lti/jwks")
    assert "frame-ancestors 'none'" in jwks.headers["Content-Security-Policy"]


def test_the_state_cookie_is_samesite_none_secure_on_https_and_on_the_lti_path_only(app, platform):
    teacher, _, _ = people(platform)
    client = app.test_client()
    hint = platform.expect_launch(teacher, deep_link=True)
    response = client.get(
        "/lti/login",
        query_string=platform.login_params(teacher, hint, LAUNCH_URL),
        base_url="https://localhost",
    )
    (cookie,) = response.headers.getlist("Set-Cookie")
    assert cookie.startswith("lti1p3-state-")
    assert "Secure" in cookie and "SameSite=None" in cookie and "Path=/lti/" in cookie
    assert "HttpOnly" in cookie
    # The app's own cookies keep their policy.
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert "redirect_uri=https%3A%2F%2Flocalhost%2Flti%2Flaunch" in response.headers["Location"]


def test_a_launch_inside_a_frame_opens_quizapp_in_its_own_tab(app, platform, software_deck):
    from tests.lti.conftest import course_with_link

    link, (_, ben, _) = course_with_link(app, platform, software_deck)
    browser = app.test_client()
    hint = platform.expect_launch(ben, link=link)
    started = browser.get("/lti/login", query_string=platform.login_params(ben, hint, LAUNCH_URL))
    _, form = platform.authorize(started.headers["Location"])
    response = browser.post("/lti/launch", data=form, headers={"Sec-Fetch-Dest": "iframe"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'target="_blank"' in page and "/lti/enter/" in page
    enter_url = page.split('href="/lti/enter/', 1)[1].split('"', 1)[0]
    first = browser.get(f"/lti/enter/{enter_url}")
    assert first.status_code == 303
    again = browser.get(f"/lti/enter/{enter_url}")
    assert again.status_code == 404 and "already used" in again.get_data(as_text=True)


def test_the_platform_keys_are_cached_and_fetched_again_when_rotated(app, platform):
    teacher, _, _ = people(platform)
    assert launch(app.test_client(), platform, teacher, deep_link=True).status_code == 200
    assert launch(app.test_client(), platform, teacher, deep_link=True).status_code == 200
    assert platform.received.jwks_fetches == 1  # the second launch used the cached set
    platform.rotate_key()
    assert launch(app.test_client(), platform, teacher, deep_link=True).status_code == 200
    assert platform.received.jwks_fetches == 2  # the new key id sent quizapp for the new set


@pytest.mark.parametrize("password", ["", "!lti: logs in through its course platform", "x"])
def test_an_lti_account_has_no_password_to_log_in_with(app, client, platform, password):
    from quizapp.models import LtiAccount, User

    teacher, _, _ = people(platform)
    launch(app.test_client(), platform, teacher, deep_link=True)
    user = db.session.scalar(select(User).join(LtiAccount).where(LtiAccount.subject == teacher.sub))
    response = client.post("/auth/login", data={"email": user.email, "password": password})
    assert response.status_code in (400, 401)
    assert "Log out" not in response.get_data(as_text=True)


def test_entering_switches_a_shared_browser_to_the_launched_person(
    app, platform, software_deck, make_user, login
):
    from tests.lti.conftest import course_with_link, enter

    link, (_, ben, _) = course_with_link(app, platform, software_deck)
    browser = app.test_client()
    someone = make_user(name="Previous Student")
    login(browser, someone)
    with browser.session_transaction() as planted:
        planted["planted"] = "before the launch"
    page = enter(browser, launch(browser, platform, ben, link=link))
    shown = browser.get(page).get_data(as_text=True)
    assert "Ben Okafor" in shown and "Previous Student" not in shown
    with browser.session_transaction() as fresh:
        assert "planted" not in fresh
