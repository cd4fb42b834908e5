"""A learner's own memory model in a real browser: typed cards by keyboard (the reveal
key and "I was right" work in and after the answer box), then Optimise on the settings
page (a job, done by a runner), the fitted parameters and the workload chart."""

from __future__ import annotations

from datetime import UTC, datetime

from playwright.sync_api import expect
from sqlalchemy import select, update

from bench.synthetic_reviews import LEARNERS, simulate
from quizapp.extensions import db
from quizapp.models import StudyItem, User
from quizapp.models.study import ReviewLog
from quizapp.services import jobs, study, write_transaction
from tests.e2e.pages import register
from tests.services.test_study_scheduler import insert_log


def claimed_reviews() -> int:
    db.session.rollback()  # see what the server committed
    return len(db.session.scalars(select(ReviewLog).where(ReviewLog.claimed_right)).all())


def test_typed_cards_by_keyboard_then_optimise_and_see_the_workload(page, builtin_decks, tmp_path):
    violations = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    register(page, email="ada@example.com", name="Ada")
    page.goto("/decks/software-companies")
    with page.expect_navigation():
        page.get_by_role("button", name="Study this deck").click()
    # As if every fact had been asked as a choice already: recall (typed) comes next.
    with write_transaction() as session:
        session.execute(update(StudyItem).values(last_kind="multiple_select"))
    page.reload()

    typed = 0
    for _ in range(12):
        form = page.locator("#answer-form")
        expect(page.locator("html")).to_have_attribute("data-study-keys", "ready")
        if form.get_attribute("data-choice"):
            with page.expect_navigation():
                page.keyboard.press(" ")
        else:
            typed += 1
            expect(page.locator("#answer")).to_be_focused()
            page.keyboard.type("surely wrong")
            with page.expect_navigation():
                page.keyboard.press("Enter")
            expect(page.locator("#verdict")).to_contain_text("Not quite")
            expect(page.locator("button.rating.proposed")).to_contain_text("Again")
            with page.expect_navigation():
                page.keyboard.press("r")
            expect(page.locator("button.rating.proposed")).not_to_contain_text("Again")
            expect(page.locator("#claim-button")).to_have_count(0)
        expect(page.locator("#rate-form")).to_be_visible()
        expect(page.locator("html")).to_have_attribute("data-study-keys", "ready")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        if typed >= 2:
            break
    assert typed >= 1
    assert claimed_reviews() == typed

    # A year of reviews, as a learner with a memory unlike the default one would have.
    user = db.session.scalar(select(User).where(User.email == "ada@example.com"))
    for deck in builtin_decks.values():
        study.enroll(user, deck, datetime(2025, 1, 1, tzinfo=UTC))
    insert_log(user, simulate(LEARNERS[0], facts=80, days=365, seed=3))

    page.goto("/study/settings")
    expect(page.locator("#memory-model")).to_contain_text("default FSRS parameters")
    with page.expect_navigation():
        page.locator("#optimise-button").click()
    expect(page.locator("#refit-queued")).to_contain_text("in the background")
    db.session.rollback()  # see what the server committed
    assert jobs.run_pending() == 1  # the runner `quizapp serve` starts
    page.reload()
    expect(page.locator("#refit-queued")).to_have_count(0)
    model = page.locator("#memory-model")
    expect(model).to_contain_text("fitted to your own reviews")
    expect(model.locator("table.fit tbody tr")).to_have_count(2)
    model.locator("summary").click()
    expect(model.locator(".parameters")).to_contain_text(",")

    chart = page.locator("img.chart-image")
    chart.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=chart.element_handle()
    )
    expect(page.locator("table.workload tr.best")).to_have_count(1)
    page.screenshot(path=tmp_path / "settings.png", full_page=True)
    assert violations == []
