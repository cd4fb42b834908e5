"""A course platform launches quizapp in a real browser: the instructor picks the
assignment through deep linking, a learner opens it from the course page, takes it,
and the platform's gradebook receives the score."""

from __future__ import annotations

import json
import re

import pytest
import requests
from playwright.sync_api import expect

from quizapp.services.lti import platforms as platform_service
from tests.e2e.test_classroom import shown_question
from tests.lti.conftest import course_with_link
from tests.lti.platform import INSTRUCTOR, LEARNER, TestPlatform

DECK = "chinese-ai-startups"


@pytest.fixture
def moodle(live_server):
    platform = TestPlatform("moodle").start()
    platform.tool_login_url = live_server + "/lti/login"
    platform.tool_launch_url = live_server + "/lti/launch"
    platform_service.register_platform(platform_service.PlatformSpec(**platform.registration()))
    platform.tool_jwks = requests.get(live_server + "/lti/jwks", timeout=10).json()
    yield platform
    platform.stop()


def test_deep_link_then_a_learner_takes_the_assignment_and_the_platform_gets_the_score(
    new_page, builtin_decks, moodle, tmp_path
):
    teacher = moodle.add_person("moodle-teacher-2", "Ada Rivera", INSTRUCTOR)
    learner = moodle.add_person("moodle-learner-9", "Ben Okafor", LEARNER)

    # The instructor adds the assignment from the course's tool picker.
    desk = new_page(color_scheme="dark")
    desk.goto(moodle.base + "/course/" + moodle.expect_launch(teacher, deep_link=True))
    desk.get_by_role("button", name="Open the quizapp assignment").click()
    expect(desk.get_by_role("heading", level=1)).to_contain_text("Add a quizapp assignment")
    desk.screenshot(path=str(tmp_path / "deep_link.png"), full_page=True)
    desk.get_by_label("Deck").select_option(DECK)
    desk.get_by_label("Title (optional)").fill("Founders quiz")
    desk.get_by_label("Multiple choice").check()
    desk.get_by_label("Number of questions").fill("5")
    desk.get_by_role("button", name="Add to the course").click()
    # lti.js posts the signed link back to the platform at once.
    expect(desk.locator("#saved")).to_have_text("Saved link-1")
    (link,) = moodle.links.values()

    # A learner opens it from the course page: no password, straight to the assignment.
    phone = new_page(width=375)
    phone.goto(moodle.base + "/course/" + moodle.expect_launch(learner, link=link))
    phone.get_by_role("button", name="Open the quizapp assignment").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Founders quiz")
    expect(phone.get_by_role("navigation", name="Main")).to_contain_text("Ben Okafor")
    phone.get_by_role("button", name="Start").click()
    for position in range(1, 6):
        expect(phone.locator(".quiz-progress")).to_contain_text(f"Question {position} of 5")
        payload = shown_question(position).payload
        pick = (
            payload["correct"][0]
            if position != 3
            else next(c for c in payload["choices"] if c not in payload["correct"])
        )
        phone.locator(f"input[name=answer][value={json.dumps(pick)}]").check()
        phone.get_by_role("button", name="Answer").click()
        phone.get_by_role("link", name=re.compile("Next question|See your result")).click()

    (score,) = moodle.received.scores
    assert score["userId"] == learner.sub
    assert (score["scoreGiven"], score["scoreMaximum"]) == (4.0, 5.0)
    assert score["lineitem"] == link.lineitem_id

    # The instructor's course page shows the grade as sent.
    desk.goto(moodle.base + "/course/" + moodle.expect_launch(teacher, link=link))
    desk.get_by_role("button", name="Open the quizapp assignment").click()
    expect(desk.locator("#grade-sends")).to_contain_text("Ben Okafor")
    expect(desk.locator("#grade-sends")).to_contain_text("4 / 5")
    expect(desk.locator("#grade-sends")).to_contain_text("sent")
    desk.set_viewport_size({"width": 375, "height": 800})
    desk.screenshot(path=str(tmp_path / "course.png"), full_page=True)


def test_a_launch_inside_the_platforms_frame_opens_quizapp_in_a_new_tab(
    app, new_page, builtin_decks, moodle, tmp_path
):
    learner = moodle.add_person("moodle-learner-9", "Ben Okafor", LEARNER)
    link, _ = course_with_link(app, moodle, DECK, kinds="multiple_choice")

    page = new_page()
    page.goto(moodle.base + "/framed/" + moodle.expect_launch(learner, link=link))
    frame = page.frame_locator("iframe")
    frame.get_by_role("button", name="Open the quizapp assignment").click()
    # The launch page may be framed by the platform (frame-ancestors lists it) ...
    expect(frame.get_by_role("link", name="Open in quizapp")).to_be_visible()
    page.screenshot(path=str(tmp_path / "framed.png"))
    # ... and the work opens in its own tab, where quizapp's Lax cookies are kept.
    with page.expect_popup() as opened:
        frame.get_by_role("link", name="Open in quizapp").click()
    tab = opened.value
    expect(tab.get_by_role("heading", level=1)).to_contain_text("Software quiz")
    expect(tab.get_by_role("navigation", name="Main")).to_contain_text("Ben Okafor")


def test_other_pages_refuse_to_be_framed(new_page, live_server, moodle):
    """The platform may frame the launch pages only: quizapp's own pages stay unframed."""
    page = new_page()
    page.goto(moodle.base + "/jwks")  # any page of the platform's origin
    with page.expect_response(lambda r: r.url.endswith("/decks/")) as loaded:
        page.set_content(f"<iframe src='{live_server}/decks/'></iframe>")
    assert "frame-ancestors 'none'" in loaded.value.headers["content-security-policy"]
    (frame,) = page.main_frame.child_frames
    for _ in range(200):  # the browser swaps in its error page once it refuses the frame
        if frame.url.startswith("chrome-error://"):
            break
        page.wait_for_timeout(50)
    assert frame.url.startswith("chrome-error://")  # blocked, not rendered
