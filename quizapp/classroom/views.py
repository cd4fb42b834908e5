"""Classes: the teacher's classes and roster, students joining with a code."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from quizapp.classroom.forms import ClassForm, JoinForm
from quizapp.domain.classroom import format_code
from quizapp.extensions import limiter
from quizapp.services import Forbidden, ServiceError
from quizapp.services import classroom as classroom_service

bp = Blueprint("classroom", __name__, url_prefix="/classes")

# Both join forms share one counter per address, so codes can't be found by trying many.
JOIN_LIMIT = "20 per minute; 200 per hour"


def _limit_post_only() -> bool:
    return request.method != "POST"


join_limit = limiter.shared_limit(JOIN_LIMIT, scope="class-join", exempt_when=_limit_post_only)


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


@bp.app_context_processor
def _home_summary():
    def classroom_home():
        """What the home page shows: the classes one teaches, or the classes one joined."""
        user = _user()
        if user.is_teacher:
            return {"teaching": classroom_service.teacher_classes(user), "classes": []}
        return {"teaching": [], "classes": classroom_service.student_classes(user)}

    return {"classroom_home": classroom_home}


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
    if school_class.teacher_id == user.id:
        return render_template(
            "classroom/teacher.html",
            school_class=school_class,
            roster=classroom_service.roster(user, class_id),
        )
    return render_template("classroom/student.html", school_class=school_class)


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
