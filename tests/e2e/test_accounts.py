"""A newcomer's first minutes, in a real browser."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.pages import log_in, register


def test_register_logout_login_change_password(page):
    register(page)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_contain_text("Lin")

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/auth/login$"))
    expect(nav).not_to_contain_text("Lin")

    log_in(page, "lin@example.com", "first-secret-1")
    expect(nav).to_contain_text("Lin")

    page.get_by_role("link", name="Lin").click()
    page.get_by_label("Current password").fill("first-secret-1")
    page.get_by_label("New password", exact=True).fill("second-secret-2")
    page.get_by_label("Repeat new password").fill("second-secret-2")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("status")).to_contain_text("password is changed")

    page.get_by_role("button", name="Log out").click()
    log_in(page, "lin@example.com", "first-secret-1")
    expect(page.get_by_role("alert")).to_contain_text("Email or password is not right.")
    log_in(page, "lin@example.com", "second-secret-2")
    expect(nav).to_contain_text("Lin")


def test_login_page_fits_a_phone_in_dark_mode(new_page):
    page = new_page(width=375, color_scheme="dark")
    page.goto("/auth/login")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(18, 21, 28)"


def test_keyboard_reaches_the_login_form(page):
    page.goto("/auth/login")
    # The email field has autofocus; Tab moves through the form in order.
    expect(page.get_by_label("Email")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
