"""Browsing decks: the list, a deck's facts with their evidence, and question previews."""

from __future__ import annotations

from itertools import groupby

from flask import Blueprint, render_template
from flask_login import current_user

from quizapp.services import decks as deck_service

bp = Blueprint("decks", __name__, url_prefix="/decks")


@bp.get("/")
def index():
    return render_template("decks/index.html", decks=deck_service.list_decks(current_user))


@bp.get("/<key>")
def show(key: str):
    deck = deck_service.get_deck(current_user, key)
    facts = deck_service.active_facts(deck)
    by_subject = [
        (name, list(group)) for name, group in groupby(facts, key=lambda f: f.subject_name)
    ]
    return render_template("decks/show.html", deck=deck, by_subject=by_subject, n_facts=len(facts))


@bp.get("/<key>/facts/<fact_key>")
def fact(key: str, fact_key: str):
    deck = deck_service.get_deck(current_user, key)
    fact = deck_service.get_fact(deck, fact_key)
    questions = deck_service.active_questions(fact)
    return render_template("decks/fact.html", deck=deck, fact=fact, questions=questions)
