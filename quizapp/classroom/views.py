"""Classes: the teacher's classes and roster, students joining with a code, assignments
and the gradebook."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from quizapp import ratelimit
from quizapp.charts import chart_response, data_version
from quizapp.classroom import chart
from quizapp.classroom.forms import AssignmentForm, ClassForm, JoinForm
from quizapp.domain.classroom import format_code
from quizapp.extensions import limiter
from quizapp.models import utcnow
from quizapp.services import Forbidden, NotFound, ServiceError
from quizapp.services import assignments as assignment_service
from quizapp.services import classroom as classroom_service
from quizapp.services import decks as deck_service
from quizapp.services import quizzes as quiz_service

bp = Blueprint("classroom", __name__, url_prefix="/classes")

# Both join forms and the join link (GET and POST) share one counter per address, so
# codes can't be found by trying many. Only wrong codes count: a class behind one school
# address joins with the right one together; once limited, the right code waits too.
JOIN_LIMIT = "20 per minute; 200 per hour"

join_limit = limiter.shared_limit(JOIN_LIMIT, scope="class-join", deduct_when=ratelimit.failed)


@bp.before_request
@login_required
def _require_login():
    """Every class page is for logged-in users (a join link sends guests to log in first)."""
    return None


def _user():
    return current_user._get_current_object()


@bp.app_template_filter("join_code")
def _join_code_filter(code: str) -> str:
    return format_code(code)


def _render_index(join_form: JoinForm, status: int = 200):
    user = _user()
    return render_template(
        "classroom/index.html",
        teaching=classroom_service.teacher_classes(user) if user.is_teacher else [],
        classes=classroom_service.student_classes(user),
        join_form=join_form,
    ), status


@bp.get("/")
def index():
    return _render_index(JoinForm(formdata=None))


@bp.route("/new", methods=["GET", "POST"])
def new():
    user = _user()
    if not user.is_teacher:
        raise Forbidden("Only teachers can create classes.")
    form = ClassForm()
    if form.validate_on_submit():
        try:
            school_class = classroom_service.create_class(
                user, form.name.data, form.description.data or ""
            )
        except ServiceError as exc:
            form.name.errors.append(str(exc))
            return render_template("classroom/new.html", form=form), exc.status
        flash(
            f"Class “{school_class.name}” created. Students join with the code "
            f"{format_code(school_class.join_code)}.",
            "success",
        )
        return redirect(url_for("classroom.show", class_id=school_class.id))
    status = 400 if form.is_submitted() else 200
    return render_template("classroom/new.html", form=form), status


def _joined(result: classroom_service.JoinResult):
    name = result.school_class.name
    if result.joined:
        flash(f"You joined “{name}”.", "success")
    else:
        flash(f"You are already in “{name}”.", "info")
    return redirect(url_for("classroom.show", class_id=result.school_class.id))


@bp.post("/join")
@join_limit
def join():
    """Join with a typed code (the form on the classes page)."""
    form = JoinForm()
    if not form.validate_on_submit():
        return _render_index(form, 400)
    try:
        result = classroom_service.join_class(_user(), form.code.data)
    except ServiceError as exc:
        form.code.errors.append(str(exc))
        return _render_index(form, exc.status)
    return _joined(result)


@bp.route("/join/<code>", methods=["GET", "POST"])
@join_limit
def join_link(code: str):
    """The join link: GET asks to confirm, POST joins (no state changes over GET).

    CSRFProtect checks every POST's token before a view runs, so the confirm button's
    form needs nothing but its hidden token.
    """
    try:
        school_class = classroom_service.class_by_code(code)
    except ServiceError as exc:
        join_form = JoinForm(formdata=None, data={"code": code[:40]})
        join_form.code.errors = [str(exc)]
        return _render_index(join_form, exc.status)
    if request.method == "POST":
        return _joined(classroom_service.join_class(_user(), code))
    user = _user()
    already = school_class.teacher_id == user.id or classroom_service.is_member(user, school_class)
    return render_template("classroom/join.html", school_class=school_class, already=already)


@bp.get("/<int:class_id>")
def show(class_id: int):
    user = _user()
    school_class = classroom_service.get_class(user, class_id)
    now = utcnow()
    if school_class.teacher_id == user.id:
        return render_template(
            "classroom/teacher.html",
            school_class=school_class,
            roster=classroom_service.roster(user, class_id),
            book=assignment_service.class_gradebook(user, class_id, now=now),
        )
    return render_template(
        "classroom/student.html",
        school_class=school_class,
        assigned=assignment_service.student_assignments(user, now=now, class_id=class_id),
    )


@bp.route("/<int:class_id>/edit", methods=["GET", "POST"])
def edit(class_id: int):
    user = _user()
    school_class = classroom_service.get_own_class(user, class_id)
    form = ClassForm(obj=school_class)
    if form.validate_on_submit():
        classroom_service.update_class(user, class_id, form.name.data, form.description.data or "")
        flash("Class details saved.", "success")
        return redirect(url_for("classroom.show", class_id=class_id))
    status = 400 if form.is_submitted() else 200
    return render_template("classroom/edit.html", form=form, school_class=school_class), status


@bp.post("/<int:class_id>/code")
def rotate_code(class_id: int):
    code = classroom_service.rotate_code(_user(), class_id)
    flash(
        f"The class has a new code: {format_code(code)}. The old code and link no longer work.",
        "success",
    )
    return redirect(url_for("classroom.show", class_id=class_id))


@bp.post("/<int:class_id>/students/<int:student_id>/remove")
def remove_student(class_id: int, student_id: int):
    student = classroom_service.remove_student(_user(), class_id, student_id)
    flash(f"{student.display_name} is no longer in this class.", "success")
    return redirect(url_for("classroom.show", class_id=class_id))


@bp.post("/<int:class_id>/leave")
def leave(class_id: int):
    school_class = classroom_service.leave_class(_user(), class_id)
    flash(f"You left “{school_class.name}”.", "info")
    return redirect(url_for("classroom.index"))


# --- assignments ------------------------------------------------------------------------------


def _zone() -> ZoneInfo:
    try:
        return ZoneInfo(getattr(current_user, "timezone", None) or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _from_local(moment: datetime) -> datetime:
    """A naive date-time typed in the user's time zone, as UTC."""
    return moment.replace(tzinfo=_zone()).astimezone(UTC)


def _to_local(moment: datetime) -> datetime:
    return moment.astimezone(_zone()).replace(tzinfo=None, second=0, microsecond=0)


@bp.app_template_filter("class_time")
def _class_time(moment: datetime | None) -> str:
    """A UTC time in the viewer's time zone, to the minute."""
    return "" if moment is None else f"{_to_local(moment):%Y-%m-%d %H:%M}"


@bp.app_template_filter("class_date")
def _class_date(moment: datetime | None) -> str:
    """A UTC time's date in the viewer's time zone."""
    return "" if moment is None else f"{_to_local(moment):%Y-%m-%d}"


@bp.app_template_filter("class_duration")
def _class_duration(value: timedelta | None) -> str:
    if value is None:
        return ""
    minutes, seconds = divmod(round(value.total_seconds()), 60)
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"


@bp.app_template_filter("class_percent")
def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:g}%"


def _spec(form: AssignmentForm) -> assignment_service.AssignmentSpec:
    options = form.options()
    return assignment_service.AssignmentSpec(
        deck_key=form.deck.data,
        title=form.title.data or "",
        subjects=options.subjects,
        kinds=options.kinds,
        count=options.count,
        time_limit=options.time_limit,
        opens_at=_from_local(form.opens_at.data),
        due_at=_from_local(form.due_at.data),
        attempts_allowed=1 if form.attempts.data == "1" else None,
        scoring=form.scoring.data,
        late_policy=form.late_policy.data,
        shuffle=bool(form.shuffle.data),
    )


@bp.route("/<int:class_id>/assignments/new", methods=["GET", "POST"])
def new_assignment(class_id: int):
    """Assign a quiz: first pick a deck (a plain GET form), then the options for it."""
    user = _user()
    school_class = classroom_service.get_own_class(user, class_id)
    deck_key = (request.form.get("deck") or request.args.get("deck") or "").strip()
    if not deck_key:
        return render_template(
            "classroom/assignment_deck.html",
            school_class=school_class,
            decks=deck_service.list_decks(user),
        )
    deck = deck_service.get_deck(user, deck_key)
    now = utcnow()
    form = AssignmentForm(
        deck=deck.key,
        opens_at=_to_local(now),
        due_at=_to_local(now + timedelta(days=7)),
    ).for_deck(deck_service.pickable_subjects(deck), quiz_service.deck_kinds(deck))
    status = 200
    if form.validate_on_submit():
        try:
            assignment = assignment_service.create_assignment(
                user, class_id, _spec(form), now=utcnow()
            )
        except NotFound:
            raise
        except ServiceError as exc:
            form.form_errors.append(str(exc))
            status = exc.status
        else:
            flash(f"Assigned “{assignment.title}” to {school_class.name}.", "success")
            return redirect(
                url_for("classroom.assignment", class_id=class_id, assignment_id=assignment.id),
                code=303,
            )
    elif form.is_submitted():
        status = 400
    return render_template(
        "classroom/assignment_new.html", school_class=school_class, deck=deck, form=form
    ), status


@bp.get("/<int:class_id>/assignments/<int:assignment_id>")
def assignment(class_id: int, assignment_id: int):
    user = _user()
    school_class, _ = assignment_service.get_assignment(user, class_id, assignment_id)
    now = utcnow()
    if school_class.teacher_id == user.id:
        report = assignment_service.assignment_report(user, class_id, assignment_id, now=now)
        return render_template("classroom/assignment_report.html", report=report, now=now)
    view = assignment_service.student_view(user, class_id, assignment_id, now=now)
    return render_template(
        "classroom/assignment_student.html", school_class=school_class, view=view, now=now
    )


@bp.get("/<int:class_id>/assignments/<int:assignment_id>/items")
def item_analysis(class_id: int, assignment_id: int):
    report = assignment_service.item_analysis(_user(), class_id, assignment_id, now=utcnow())
    return render_template("classroom/item_analysis.html", report=report)


@bp.post("/<int:class_id>/assignments/<int:assignment_id>/answers/<int:response_id>/accept")
def accept_answer(class_id: int, assignment_id: int, response_id: int):
    accepted = assignment_service.accept_answer(
        _user(), class_id, assignment_id, response_id, now=utcnow()
    )
    name = accepted.student.display_name
    if accepted.changed:
        flash(f"Accepted {name}’s answer: their score is now {accepted.score:g}.", "success")
    else:
        flash(f"{name}’s answer already counted as right.", "info")
    target = url_for("classroom.item_analysis", class_id=class_id, assignment_id=assignment_id)
    return redirect(target, code=303)


@bp.post("/<int:class_id>/assignments/<int:assignment_id>/start")
def start_assignment(class_id: int, assignment_id: int):
    attempt = assignment_service.start(_user(), class_id, assignment_id, now=utcnow())
    return redirect(url_for("quiz.show", attempt_id=attempt.id), code=303)


@bp.post("/<int:class_id>/assignments/<int:assignment_id>/delete")
def delete_assignment(class_id: int, assignment_id: int):
    title = assignment_service.delete_assignment(_user(), class_id, assignment_id)
    flash(f"Deleted “{title}”. Students keep their attempts in their own history.", "info")
    return redirect(url_for("classroom.show", class_id=class_id), code=303)


@bp.get("/<int:class_id>/assignments/<int:assignment_id>/distribution.svg")
def distribution_chart(class_id: int, assignment_id: int):
    report = assignment_service.assignment_report(_user(), class_id, assignment_id, now=utcnow())
    bands = report.distribution
    return chart_response(
        lambda: chart.distribution_chart(bands), data_version(chart.distribution_chart, bands)
    )


def _csv_response(text: str, filename: str) -> Response:
    response = Response(text, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/<int:class_id>/assignments/<int:assignment_id>/results.csv")
def assignment_export(class_id: int, assignment_id: int):
    text = assignment_service.assignment_csv(_user(), class_id, assignment_id, now=utcnow())
    return _csv_response(text, f"class-{class_id}-assignment-{assignment_id}.csv")


@bp.get("/<int:class_id>/gradebook")
def gradebook(class_id: int):
    book = assignment_service.class_gradebook(_user(), class_id, now=utcnow())
    return render_template("classroom/gradebook.html", book=book)


@bp.get("/<int:class_id>/gradebook.csv")
def gradebook_export(class_id: int):
    text = assignment_service.gradebook_csv(_user(), class_id, now=utcnow())
    return _csv_response(text, f"class-{class_id}-gradebook.csv")


@bp.get("/<int:class_id>/students/<int:student_id>")
def student(class_id: int, student_id: int):
    history = assignment_service.student_history(_user(), class_id, student_id, now=utcnow())
    return render_template("classroom/student_history.html", history=history)
