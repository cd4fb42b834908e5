"""Taking quizzes: start one from a deck, one question per page, feedback, result.

The views only parse forms and pick templates; the quiz service grades, times and
stores. The clock (`utcnow()`) and a fresh seed are passed in from here.
"""

from __future__ import annotations

import secrets
import uuid
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from quizapp.domain import quizzes as quiz_domain
from quizapp.domain.responses import MAX_TYPED_LENGTH
from quizapp.models import utcnow
from quizapp.quiz.forms import AnswerForm, PlainForm, StartQuizForm
from quizapp.services import decks as deck_service
from quizapp.services import quizzes as quiz_service

bp = Blueprint("quiz", __name__, url_prefix="/quiz")
MAX_ECHOED = 20  # values of a refused answer shown again (an order has at most 5)


@bp.app_context_processor
def quiz_helpers():
    def quiz_start_form(deck):
        form = StartQuizForm(formdata=None, deck=deck.key)
        return _for_deck(form, deck)

    return {
        "quiz_start_form": quiz_start_form,
        "quiz_kind_labels": quiz_domain.KIND_LABELS,
    }


def _for_deck(form: StartQuizForm, deck) -> StartQuizForm:
    """Offer the deck's topics, and its kinds (estimate and order where its facts make them)."""
    return form.for_deck(deck_service.pickable_subjects(deck), quiz_service.deck_kinds(deck))


@bp.app_template_filter("quiz_time")
def quiz_time(moment) -> str:
    """A UTC timestamp in the learner's time zone, to the minute."""
    if moment is None:
        return ""
    zone = getattr(current_user, "timezone", None) or "UTC"
    try:
        moment = moment.astimezone(ZoneInfo(zone))
    except (ZoneInfoNotFoundError, ValueError):
        zone = "UTC"
    return f"{moment:%Y-%m-%d %H:%M}"


@bp.app_template_filter("quiz_duration")
def quiz_duration(value) -> str:
    """A timedelta or milliseconds as "1 min 5 s"."""
    if value is None:
        return ""
    seconds = value / 1000 if isinstance(value, int | float) else value.total_seconds()
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"


@bp.get("/")
@login_required
def index():
    return render_template(
        "quiz/index.html",
        attempts=quiz_service.list_attempts(current_user, limit=50),
        decks=deck_service.list_decks(current_user),
        form=PlainForm(),
    )


@bp.get("/new/<deck_key>")
@login_required
def new(deck_key: str):
    deck = deck_service.get_deck(current_user, deck_key)
    form = _for_deck(StartQuizForm(formdata=None, deck=deck.key), deck)
    return render_template("quiz/new.html", deck=deck, form=form)


@bp.post("/start")
@login_required
def start():
    deck = deck_service.get_deck(current_user, request.form.get("deck", ""))
    form = _for_deck(StartQuizForm(), deck)
    if not form.validate():
        return render_template("quiz/new.html", deck=deck, form=form), 400
    attempt = quiz_service.start_quiz(
        current_user, deck.key, form.options(), now=utcnow(), seed=secrets.randbits(31)
    )
    return redirect(url_for("quiz.show", attempt_id=attempt.id), code=303)


@bp.get("/<int:attempt_id>")
@login_required
def show(attempt_id: int):
    question = quiz_service.current_question(current_user, attempt_id, now=utcnow())
    if question is None:
        return redirect(url_for("quiz.result", attempt_id=attempt_id))
    return _question_page(question)


def _question_page(question, error: str = "", given: tuple[str, ...] = ()):
    """The question with a fresh answer form; after a refused answer, its message and
    what was sent (so a half-placed order or a mistyped guess needn't be redone)."""
    form = AnswerForm(
        formdata=None,
        position=question.position,
        question_id=question.question_id,
        request_id=uuid.uuid4().hex,
    )
    return render_template(
        "quiz/question.html",
        question=question,
        form=form,
        finish_form=PlainForm(),
        error=error,
        given=given,
    )


@bp.post("/<int:attempt_id>/answer")
@login_required
def answer(attempt_id: int):
    form = AnswerForm()
    if not form.validate():
        problems = "; ".join(f"{name}: {' '.join(e)}" for name, e in form.errors.items())
        abort(400, f"This answer could not be read ({problems}). Reload the question.")
    # Every `answer` field: one per ticked box of a multiple-select question, else one
    # (or none, if no option was chosen). The service checks the shape against the question.
    response = request.form.getlist("answer")
    try:
        feedback = quiz_service.answer(
            current_user,
            attempt_id,
            position=form.position.data,
            question_id=form.question_id.data,
            response=response,
            request_id=form.request_id.data,
            now=utcnow(),
        )
    except quiz_service.AnswerRefused as refused:
        question = quiz_service.current_question(
            current_user, attempt_id, now=utcnow(), serve=False
        )
        if question is None:
            raise
        # Sent back as they came (escaped), but only as much as a real form sends.
        given = tuple(v for v in response[:MAX_ECHOED] if len(v) <= MAX_TYPED_LENGTH)
        return _question_page(question, str(refused), given), 400
    return redirect(
        url_for("quiz.feedback", attempt_id=attempt_id, position=feedback.position), code=303
    )


@bp.get("/<int:attempt_id>/questions/<int:position>")
@login_required
def feedback(attempt_id: int, position: int):
    fb = quiz_service.feedback(current_user, attempt_id, position)
    return render_template("quiz/feedback.html", fb=fb)


@bp.post("/<int:attempt_id>/finish")
@login_required
def finish(attempt_id: int):
    if not PlainForm().validate():
        abort(400, "This form has expired. Reload the page and retry.")
    quiz_service.finish(current_user, attempt_id, now=utcnow())
    return redirect(url_for("quiz.result", attempt_id=attempt_id), code=303)


@bp.get("/<int:attempt_id>/result")
@login_required
def result(attempt_id: int):
    outcome = quiz_service.result(current_user, attempt_id)
    if not outcome.attempt.is_finished:
        return redirect(url_for("quiz.show", attempt_id=attempt_id))
    return render_template("quiz/result.html", result=outcome)
