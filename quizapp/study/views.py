"""The study blueprint: pick a deck, review, settings, statistics.

The review loop is three plain forms, so it works without JavaScript:

1. GET  /study/review        shows the next fact's question;
2. POST /study/check         grades the answer (writes nothing) and shows the right
                             answer, the evidence and the rating buttons with the
                             proposed rating focused;
3. POST /study/rate          records the review and redirects to step 1 (303).

study.js only adds keys (Space/Enter, 1-4, Ctrl+Z) and the browser's timezone.
"""

from __future__ import annotations

import re
import uuid

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from quizapp.charts import chart_response, svg_response
from quizapp.domain.scheduling import Rating, calibration, optimizer
from quizapp.domain.scheduling import workload as workload_domain
from quizapp.models import Deck, utcnow
from quizapp.security import DB_INT_MAX, form_int
from quizapp.services import NotFound, ServiceError, study_stats
from quizapp.services import classroom as classroom_service
from quizapp.services import decks as deck_service
from quizapp.services import study as study_service
from quizapp.services.study import calibration as study_calibration
from quizapp.services.study import exams as study_exams
from quizapp.services.study import facts as study_facts
from quizapp.services.study import parameters as study_parameters
from quizapp.study import charts
from quizapp.study.forms import DeckLimitsForm, ExamForm, SettingsForm

bp = Blueprint("study", __name__, url_prefix="/study")

RATING_LABELS = {
    Rating.Again: "Again",
    Rating.Hard: "Hard",
    Rating.Good: "Good",
    Rating.Easy: "Easy",
}


@bp.before_request
@login_required
def _require_login():
    """Every study page is someone's own."""


DECK_KEY = re.compile(r"[a-z0-9-]{1,80}")


def _deck(key: str) -> Deck:
    # Checked before any query: some strings (a NUL byte) are errors to PostgreSQL.
    if not DECK_KEY.fullmatch(key):
        abort(404, f"There is no deck {key!r}.")
    return deck_service.get_deck(current_user, key)


def _scope_deck(key: str | None) -> Deck | None:
    return _deck(key) if key else None


def _form_int(name: str, *, required: bool = True, high: int = DB_INT_MAX) -> int | None:
    raw = request.form.get(name, "").strip()
    if not raw and not required:
        return None
    # Bounded: ids go to the database, and one too large for its integer columns is an
    # error there (a 500), not "no such item".
    value = form_int(raw, high=high)
    if value is None:
        abort(400, f"The form field {name!r} must be a whole number. Reload the page.")
    return value


def _review_url(deck_key: str | None, **params) -> str:
    return url_for("study.review", deck=deck_key or None, **params)


def _fuzzing() -> bool:
    return bool(current_app.config.get("STUDY_FUZZING", True))


def _response_from_form(kind: str) -> str | list[str] | None:
    if request.form.get("reveal"):
        return None
    if kind == "multiple_select":
        return request.form.getlist("response")
    return request.form.get("response")


# --- choosing what to study ---------------------------------------------------------------------


@bp.get("/")
def index():
    now = utcnow()
    enrolled = study_stats.enrolled_decks(current_user)
    enrolled_ids = {d.id for d in enrolled}
    rows = [
        (
            deck,
            study_service.counts(current_user, deck=deck, now=now),
            study_service.enrolment(current_user, deck),
        )
        for deck in enrolled
    ]
    others = [
        row["deck"]
        for row in deck_service.list_decks(current_user)
        if row["deck"].id not in enrolled_ids and row["facts"]
    ]
    total = study_service.counts(current_user, now=now) if enrolled else None
    return render_template("study/index.html", rows=rows, others=others, total=total)


@bp.post("/decks/<key>/start")
def start(key: str):
    deck = _deck(key)
    now = utcnow()
    study_service.set_browser_timezone(current_user, request.form.get("browser_timezone"), now)
    added = study_service.enroll(current_user, deck, now)
    if added:
        flash(f"{added} new facts from {deck.title} are ready to learn.", "success")
    return redirect(_review_url(deck.key), 303)


# --- the review loop ----------------------------------------------------------------------------


@bp.get("/review")
def review():
    deck_key = request.args.get("deck") or None
    deck = _scope_deck(deck_key)
    item_id = request.args.get("item")
    if item_id is not None:
        # form_int, not isdigit(): "²" and 20-digit numbers ended in a 500.
        item_id = form_int(item_id, low=0)
        if item_id is None:
            abort(400, "The item must be a number.")
    now = utcnow()
    card, counts = study_service.page(current_user, deck=deck, now=now, item_id=item_id)
    if card is None and study_parameters.queue_refit_if_due(current_user, now):
        # The end of a session: a good moment to learn from the reviews just done.
        flash(
            "Your memory model is being optimised on your latest reviews, in the"
            " background: the settings page shows the result.",
            "success",
        )
    return render_template(
        "study/review.html",
        deck=deck,
        card=card,
        counts=counts,
        last=study_service.last_review(current_user),
        shown_at=int(now.timestamp() * 1000),
        ratings=RATING_LABELS,
        enrolment=study_service.enrolment(current_user, deck) if deck else None,
    )


@bp.post("/check")
def check():
    deck_key = request.form.get("deck") or None
    deck = _scope_deck(deck_key)
    item_id = _form_int("item")
    version = _form_int("version")
    now = utcnow()
    if request.form.get("claimed_right"):
        # "I was right" sends the feedback's own time back: asking again changes nothing.
        elapsed_ms = _form_int("elapsed_ms")
    else:
        shown_at = _form_int("shown_at", high=2**53)  # milliseconds since 1970
        elapsed_ms = int(now.timestamp() * 1000) - shown_at
    kind = request.form.get("kind", "")
    try:
        feedback = study_service.check(
            current_user,
            item_id=item_id,
            question_id=request.form.get("question", ""),
            version=version,
            response=_response_from_form(kind),
            elapsed_ms=elapsed_ms,
            now=now,
            claimed_right=bool(request.form.get("claimed_right")),
        )
    except study_service.StaleAnswer as exc:
        flash(str(exc), "warning")
        return redirect(_review_url(deck_key), 303)
    return render_template(
        "study/feedback.html",
        deck=deck,
        feedback=feedback,
        card=feedback.card,
        counts=study_service.counts(current_user, deck=deck, now=now),
        request_id=uuid.uuid4().hex,
        ratings=RATING_LABELS,
    )


@bp.post("/rate")
def rate():
    deck_key = request.form.get("deck") or None
    _scope_deck(deck_key)
    item_id = _form_int("item")
    version = _form_int("version")
    rating = _form_int("rating")
    elapsed_ms = _form_int("elapsed_ms")
    revealed = bool(request.form.get("revealed"))
    kind = request.form.get("kind", "")
    if revealed:
        response = None
    elif kind == "multiple_select":
        response = request.form.getlist("response")
    else:
        response = request.form.get("response")
    try:
        study_service.answer(
            current_user,
            item_id=item_id,
            question_id=request.form.get("question", ""),
            version=version,
            request_id=request.form.get("request_id", ""),
            rating=rating,
            response=response,
            elapsed_ms=elapsed_ms,
            now=utcnow(),
            fuzzing=_fuzzing(),
            claimed_right=bool(request.form.get("claimed_right")),
        )
    except study_service.StaleAnswer as exc:
        flash(str(exc), "warning")
    return redirect(_review_url(deck_key), 303)


@bp.post("/undo")
def undo():
    deck_key = request.form.get("deck") or None
    _scope_deck(deck_key)
    review_id = _form_int("review")
    try:
        log = study_service.undo(current_user, review_id, utcnow())
    except study_service.StaleAnswer as exc:
        flash(str(exc), "warning")
        return redirect(_review_url(deck_key), 303)
    flash("Your last answer is undone.", "success")
    return redirect(_review_url(deck_key, item=log.item_id), 303)


# --- settings -----------------------------------------------------------------------------------


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    prefs = study_service.get_prefs(current_user)
    form = SettingsForm(
        data={
            "desired_retention": prefs.desired_retention,
            "new_per_day": prefs.new_per_day,
            "reviews_per_day": prefs.reviews_per_day,
            "timezone": prefs.timezone,
            "leech_threshold": prefs.leech_threshold,
            "leech_suspend": prefs.leech_suspend,
            "load_balance": prefs.load_balance,
            "easy_days": sorted(prefs.easy_days),
        }
        if request.method == "GET"
        else None
    )
    if form.validate_on_submit():
        study_service.update_settings(
            current_user,
            desired_retention=form.desired_retention.data,
            new_per_day=form.new_per_day.data,
            reviews_per_day=form.reviews_per_day.data,
            timezone=form.timezone.data,
            now=utcnow(),
            leech_threshold=form.leech_threshold.data,
            leech_suspend=form.leech_suspend.data,
            load_balance=form.load_balance.data,
            easy_days=form.easy_days.data or [],
        )
        flash("Your study settings are saved.", "success")
        return redirect(url_for("study.settings"), 303)
    status = 400 if form.is_submitted() else 200
    decks = [
        (deck, study_service.deck_limits(current_user, deck))
        for deck in study_stats.enrolled_decks(current_user)
    ]
    workloads, chosen = study_parameters.workload(current_user)
    return render_template(
        "study/settings.html",
        form=form,
        prefs=prefs,
        decks=decks,
        fit=study_parameters.report(current_user),
        min_reviews=optimizer.MIN_REVIEWS,
        workloads=workloads,
        best=workload_domain.best(workloads),
        chosen=chosen,
    ), status


@bp.post("/settings/optimise")
def optimise():
    # A fit grows with the log (about 10 s of CPU at a million reviews): a job, not this
    # request. The settings page says it is on its way, then shows its result.
    if study_parameters.queue_optimise(current_user, utcnow()):
        flash(
            "Your memory model is being optimised on your reviews, in the background:"
            " this page shows the result once it is done.",
            "success",
        )
    else:
        flash("Your memory model is already being optimised: the result comes here.", "info")
    return redirect(url_for("study.settings") + "#memory-model", 303)


@bp.get("/settings/workload.svg")
def workload_chart():
    workloads, chosen = study_parameters.workload(current_user)
    return svg_response(charts.workload_chart(workloads, chosen))


def _exam_form(deck: Deck) -> ExamForm:
    exam = study_exams.exam_of(current_user, deck)
    data = {"exam_on": exam.exam_on, "target": exam.target} if exam else None
    return ExamForm(data=data, prefix="exam")


@bp.route("/settings/decks/<key>", methods=["GET", "POST"])
def deck_settings(key: str):
    deck = _deck(key)
    limits = study_service.deck_limits(current_user, deck)
    form = DeckLimitsForm(
        data={
            "new_per_day": limits.new_per_day if limits else None,
            "reviews_per_day": limits.reviews_per_day if limits else None,
        }
        if request.method == "GET"
        else None
    )
    if form.validate_on_submit():
        study_service.update_deck_limits(
            current_user,
            deck,
            new_per_day=form.new_per_day.data,
            reviews_per_day=form.reviews_per_day.data,
            now=utcnow(),
        )
        flash(f"Limits for {deck.title} are saved.", "success")
        return redirect(url_for("study.settings"), 303)
    status = 400 if form.is_submitted() else 200
    return render_template(
        "study/deck_settings.html", form=form, exam_form=_exam_form(deck), deck=deck
    ), status


@bp.post("/settings/decks/<key>/exam")
def deck_exam(key: str):
    deck = _deck(key)
    exam_form = _exam_form(deck)
    if exam_form.validate_on_submit():
        try:
            study_exams.set_exam(
                current_user,
                deck,
                day=exam_form.exam_on.data,
                target=exam_form.target.data,
                now=utcnow(),
            )
        except ServiceError as exc:
            exam_form.exam_on.errors = [str(exc)]
        else:
            saved = "saved" if exam_form.exam_on.data else "removed"
            flash(f"The exam for {deck.title} is {saved}.", "success")
            return redirect(url_for("study.deck_settings", key=deck.key), 303)
    limits = study_service.deck_limits(current_user, deck)
    form = DeckLimitsForm(
        formdata=None,
        data={
            "new_per_day": limits.new_per_day if limits else None,
            "reviews_per_day": limits.reviews_per_day if limits else None,
        },
    )
    return render_template(
        "study/deck_settings.html", form=form, exam_form=exam_form, deck=deck
    ), 400


# --- your facts ---------------------------------------------------------------------------------


@bp.get("/facts")
def facts():
    deck_key = request.args.get("deck") or None
    deck = _scope_deck(deck_key)
    page = form_int(request.args.get("page", "1"), low=1, high=10**6)
    if page is None:
        abort(400, "The page must be a whole number from 1.")
    leeches_only = request.args.get("leeches") == "1"
    listing = study_facts.browse(current_user, deck=deck, page=page, leeches_only=leeches_only)
    return render_template(
        "study/facts.html",
        deck=deck,
        listing=listing,
        leeches_only=leeches_only,
        decks=study_stats.enrolled_decks(current_user),
        now=utcnow(),
    )


@bp.post("/facts/<int:item_id>/<action>")
def fact_action(item_id: int, action: str):
    if action not in study_facts.ACTIONS:
        abort(404)
    study_facts.act(current_user, item_id, action, utcnow())
    flash(_ACTION_DONE[action], "success")
    back = request.form.get("back", "")
    # Only back to our own fact list: never a redirect to another site.
    if not back.startswith("/study/facts") or "//" in back or "\\" in back:
        back = url_for("study.facts")
    return redirect(back, 303)


_ACTION_DONE = {
    "suspend": "The fact is suspended: it stays out of study until you bring it back.",
    "unsuspend": "The fact is back in study.",
    "bury": "The fact is buried until tomorrow.",
    "reset": "The fact is new again.",
}


@bp.get("/classes/<int:class_id>/leeches")
def class_leeches(class_id: int):
    school_class = classroom_service.get_own_class(current_user, class_id)
    rows = study_facts.class_leeches(current_user, class_id)
    return render_template("study/class_leeches.html", school_class=school_class, rows=rows)


@bp.post("/classes/<int:class_id>/assignments/<int:assignment_id>/exam")
def class_exam(class_id: int, assignment_id: int):
    try:
        added = study_exams.set_class_exam(current_user, class_id, assignment_id, utcnow())
    except NotFound:
        raise
    except ServiceError as exc:  # due already: said on the page, nothing changed
        flash(str(exc), "warning")
    else:
        flash(
            f"The due date is now the exam date of {added} student"
            f"{'s' if added != 1 else ''} (students with an exam date of their own keep it).",
            "success",
        )
    return redirect(
        url_for("classroom.assignment", class_id=class_id, assignment_id=assignment_id), 303
    )


# --- statistics ---------------------------------------------------------------------------------


@bp.get("/stats")
def stats():
    deck_key = request.args.get("deck") or None
    deck = _scope_deck(deck_key)
    page = form_int(request.args.get("subjects", "1"), low=1)
    if page is None:
        abort(400, "The page of subjects must be a whole number from 1.")
    prefs = study_service.get_prefs(current_user)  # read once for the page's parts
    data = study_stats.study_stats(current_user, deck=deck, now=utcnow(), prefs=prefs)
    return render_template(
        "study/stats.html",
        deck=deck,
        stats=data,
        mastery=study_stats.mastery_page(data.mastery, page),
        leeches=study_facts.leeches(current_user, deck=deck),
        leech_threshold=prefs.leech_threshold,
        exams=study_exams.outlook(current_user, utcnow()),
        kinds=study_calibration.kind_accuracy(current_user, deck=deck, prefs=prefs),
        kinds_window=study_calibration.MAX_REVIEWS,
        bands=calibration.BANDS,
        heatmap=charts.heatmap_cells(data),
        charts=charts.CHARTS,
        decks=study_stats.enrolled_decks(current_user),
    )


@bp.get("/stats/<name>.svg")
def chart(name: str):
    if name not in charts.CHARTS:
        abort(404)
    deck = _scope_deck(request.args.get("deck") or None)
    data = study_stats.chart_numbers(current_user, deck=deck, now=utcnow(), parts=(name,))
    draw, _alt = charts.CHARTS[name]
    return chart_response(lambda: draw(data), charts.chart_version(name, data))
