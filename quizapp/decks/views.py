"""Browsing decks: the list, a deck's facts with their evidence, and question previews."""

from __future__ import annotations

from itertools import groupby

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from quizapp.security import form_int
from quizapp.services import decks as deck_service

bp = Blueprint("decks", __name__, url_prefix="/decks")


@bp.get("/")
def index():
    return render_template("decks/index.html", decks=deck_service.list_decks(current_user))


@bp.get("/<key>")
def show(key: str):
    """A deck's facts, 50 a page, by subject; `?q=` searches, `?page=` pages."""
    deck = deck_service.get_deck(current_user, key)
    page = form_int(request.args.get("page", "1"), low=1)
    if page is None:
        abort(400, "The page number must be a whole number from 1.")
    facts = deck_service.facts_page(deck, request.args.get("q", ""), page)
    by_subject = [
        (name, list(group)) for name, group in groupby(facts.facts, key=lambda f: f.subject_name)
    ]
    return render_template("decks/show.html", deck=deck, by_subject=by_subject, facts=facts)


@bp.get("/<key>/facts/<fact_key>")
def fact(key: str, fact_key: str):
    deck = deck_service.get_deck(current_user, key)
    fact = deck_service.get_fact(deck, fact_key)
    questions = deck_service.active_questions(fact)
    return render_template("decks/fact.html", deck=deck, fact=fact, questions=questions)
