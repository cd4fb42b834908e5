"""Stored and reflected XSS: markup typed by users is shown as text on every page.

The world of tests/security/world.py is built with markup appended to everything a
user writes (display names, deck titles, descriptions, relation labels, entity
names, evidence, typed quiz answers, upload file names, CSV cells, import notices,
live nicknames) and `javascript:` as every source link. Every page each actor may
see is then fetched: none may carry the markup raw, or a `javascript:` URL in an
attribute. Then every form is sent with the markup in each of its text fields, and
the page that answers (an error, a preview) must escape it too.
"""

from __future__ import annotations

import re

import pytest

from tests.security.matrix import plan
from tests.security.world import build_world

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
PAYLOAD = f" {SCRIPT}{ATTRIBUTE}"
URL = "javascript:alert(1)"

RAW = [
    re.compile(r"<script>alert", re.I),
    re.compile(r"<img src=x onerror", re.I),
    re.compile(r"<svg/onload", re.I),
    re.compile(r"<[ib] onclick", re.I),
    re.compile(r"""(href|src|action|formaction|xlink:href)\s*=\s*["']?\s*javascript:""", re.I),
]


def raw_markup(html: str) -> list[str]:
    found = []
    for pattern in RAW:
        for match in pattern.finditer(html):
            found.append(html[max(0, match.start() - 60) : match.end() + 20])
    return found


@pytest.fixture
def xss_world(app):
    return build_world(app, payload=PAYLOAD, url_payload=URL)


def test_payloads_are_stored_as_typed(xss_world):
    """The markup is really in the database (not refused), so the pages below are a test."""
    from quizapp.extensions import db
    from quizapp.models import Deck, QuizResponse, User

    assert SCRIPT in db.session.get(User, xss_world.users["student_a"].id).display_name
    deck = db.session.scalar(db.select(Deck).where(Deck.key == xss_world.deck_key("d-sa")))
    assert SCRIPT in deck.title and ATTRIBUTE in deck.description
    assert any(SCRIPT in str(r.answer) for r in db.session.scalars(db.select(QuizResponse)))


def test_every_page_escapes_what_users_wrote(app, xss_world):
    problems = []
    pages = 0
    for call in plan(app, xss_world):
        if call.method != "GET" or not call.allowed:
            continue
        response = xss_world.clients[call.actor].get(call.url)
        if response.mimetype == "text/html":
            pages += 1
            for snippet in raw_markup(response.get_data(as_text=True)):
                problems.append(f"{call.describe()}: {snippet!r}")
        response.close()
    assert pages > 40
    assert not problems, "\n".join(problems[:40])


def test_forms_echo_what_was_sent_escaped(app, xss_world):
    """Reflected XSS: each form sent with markup in every text field."""
    problems = []
    for call in plan(app, xss_world):
        if call.method != "POST" or not call.allowed or call.rule.form is None:
            continue
        if call.rule.skip_allowed_post:
            continue
        form = call.rule.form(call.target)
        for name, value in list(form.items()):
            if isinstance(value, str) and not value.isdigit():
                form[name] = value + PAYLOAD
        response = xss_world.clients[call.actor].post(call.url, data=form)
        if response.mimetype == "text/html":
            for snippet in raw_markup(response.get_data(as_text=True)):
                problems.append(f"{call.describe()}: {snippet!r}")
        response.close()
        xss_world.relogin(call.actor)
    assert not problems, "\n".join(problems[:40])
