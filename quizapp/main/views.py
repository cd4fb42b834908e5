"""The home page and small site-wide pages."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    return render_template("main/home.html")


# Top navigation, in order; a link shows once its blueprint is registered.
NAV_LINKS = [
    ("decks.index", "Decks"),
    ("study.index", "Study"),
    ("quiz.index", "Quizzes"),
    ("scores.index", "My scores"),
    ("classroom.index", "Classes"),
    ("live.index", "Live game"),
]


@bp.app_context_processor
def navigation():
    def nav_links():
        return [(e, label) for e, label in NAV_LINKS if e in current_app.view_functions]

    return {"nav_links": nav_links}
