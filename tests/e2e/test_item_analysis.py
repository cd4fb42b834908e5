"""A teacher reads an assignment's item analysis on a phone and accepts an answer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from quizapp.services import assignments as assignment_service
from quizapp.services.assignments import AssignmentSpec
from tests.conftest import PASSWORD
from tests.e2e.pages import log_in
from tests.factories import NOW, STARTUPS_DECK, take

STRONG = ["right", "right", "wrong", "right", "right", "right"]
WEAK = ["wrong", "wrong", "right", "wrong", "right", "wrong"]


@pytest.fixture
def analysed(builtin_decks, teacher, school_class, enrol):
    assignment = assignment_service.create_assignment(
        teacher,
        school_class.id,
        AssignmentSpec(
            deck_key=STARTUPS_DECK,
            title="Week 1",
            kinds=("multiple_choice",),
            count=6,
            opens_at=NOW - timedelta(hours=1),
            due_at=NOW + timedelta(days=7),
            shuffle=False,
        ),
        now=NOW,
    )
    for i, answers in enumerate([STRONG] * 3 + [WEAK] * 3):
        student = enrol(name=f"Student {i + 1}")
        attempt = assignment_service.start(student, school_class.id, assignment.id, now=NOW)
        take(student, attempt.id, answers, start=NOW)
    return f"/classes/{school_class.id}/assignments/{assignment.id}"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_item_analysis_on_a_phone_and_accepting_an_answer(new_page, analysed, teacher, scheme):
    page = new_page(width=375, color_scheme=scheme)
    log_in(page, teacher.email, PASSWORD)
    page.goto(analysed)
    page.get_by_role("link", name="Item analysis").click()
    expect(page.get_by_role("heading", name="Item analysis")).to_be_visible()
    flagged = page.locator("tr.flagged")
    expect(flagged).to_have_count(1)
    expect(flagged).to_contain_text("Strong students missed it more than weak ones")
    # Nothing sticks out sideways at 375 px but the table's own scroller.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    flagged.get_by_text("Options and answers").click()
    accept = flagged.get_by_role("button", name="Accept as right").first
    accept.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("their score is now")).to_be_visible()
    expect(page.locator("tr.flagged")).to_have_count(1)


def test_moodle_download_from_the_export_menu(page, builtin_decks, tmp_path):
    page.goto(f"/decks/{STARTUPS_DECK}")
    page.get_by_text("Export", exact=True).click()
    page.get_by_label("Format").select_option("moodle")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download").click()
    assert info.value.suggested_filename == f"{STARTUPS_DECK}.moodle.xml"
    path = tmp_path / "moodle.xml"
    info.value.save_as(path)
    assert path.read_bytes().startswith(b"<?xml")
