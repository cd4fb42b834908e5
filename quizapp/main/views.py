"""The home page and small site-wide pages."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_login import current_user

from quizapp.models.types import utcnow
from quizapp.services import home as home_service

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    dashboard = None
    if current_user.is_authenticated:
        dashboard = home_service.dashboard(current_user._get_current_object(), utcnow())
    return render_template("main/home.html", dashboard=dashboard)


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
