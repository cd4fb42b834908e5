"""Steps a person takes in the browser that several e2e tests share."""

from __future__ import annotations


def register(page, email="lin@example.com", name="Lin", password="first-secret-1"):
    page.goto("/auth/register")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Display name").fill(name)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Repeat password").fill(password)
    page.get_by_role("button", name="Sign up").click()


def log_in(page, email, password):
    page.goto("/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
