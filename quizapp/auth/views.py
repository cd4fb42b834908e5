"""Register, log in, log out, change password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from quizapp import ratelimit
from quizapp.auth.forms import ChangePasswordForm, LoginForm, RegisterForm
from quizapp.extensions import limiter, login_manager
from quizapp.services import ServiceError, accounts

bp = Blueprint("auth", __name__, url_prefix="/auth")

# Per address: sign-ups, and log-ins that fail (a class logging in right is not counted).
AUTH_LIMIT = "10 per minute; 100 per hour"
# Per account, from any address: wrong passwords for one email.
ACCOUNT_LIMIT = "10 per minute; 50 per hour"
# Sign-ups through one class's valid join link, wherever they come from (instead of the
# address: a class behind one school address signs up together).
CLASS_SIGNUP_LIMIT = "60 per minute; 300 per hour"


@login_manager.user_loader
def _load_user(session_id: str):
    return accounts.load_user(session_id)


def safe_next(target: str | None, default: str = "main.home") -> str:
    """Only follow a `next=` that stays on this site (a path, not another host)."""
    if target:
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith(("//", "/\\"))
        ):
            return target
    return url_for(default)


def _log_in(user, remember: bool = False) -> None:
    # A fresh session at log-in: nothing planted before log-in survives it. The log-in
    # gets its own server-side row, which log-out deletes.
    session.clear()
    accounts.start_session(user)
    login_user(user, remember=remember)


def _limit_post_only() -> bool:
    return request.method != "POST"


def _class_signup() -> bool:
    return request.method == "POST" and ratelimit.signup_class_id() is not None


def _not_class_signup() -> bool:
    return not _class_signup()


def _address_signup_exempt() -> bool:
    return request.method != "POST" or _class_signup()


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, exempt_when=_address_signup_exempt)
@limiter.limit(
    CLASS_SIGNUP_LIMIT, key_func=ratelimit.signup_class_key, exempt_when=_not_class_signup
)
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
    form.offer_roles(accounts.teacher_signup())
    if form.validate_on_submit():
        try:
            user = accounts.sign_up(
                form.email.data, form.display_name.data, form.password.data, form.role.data
            )
        except ServiceError as exc:
            form.email.errors.append(str(exc))
            return render_template("auth/register.html", form=form), exc.status
        _log_in(user)
        flash(f"Welcome to quizapp, {user.display_name}!", "success")
        if user.teacher_requested_at is not None:
            flash(
                "Your request to be a teacher is waiting for an administrator; until then "
                "your account is a learner's.",
                "info",
            )
        return redirect(safe_next(request.args.get("next")))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/register.html", form=form), status


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, exempt_when=_limit_post_only, deduct_when=ratelimit.failed)
@limiter.limit(
    ACCOUNT_LIMIT,
    key_func=ratelimit.account_key,
    exempt_when=_limit_post_only,
    deduct_when=ratelimit.failed,
)
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append("Email or password is not right.")
            return render_template("auth/login.html", form=form), 401
        _log_in(user, remember=form.remember.data)
        flash(f"Logged in as {user.display_name}.", "success")
        return redirect(safe_next(request.args.get("next")))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        accounts.end_session(current_user._get_current_object())
    logout_user()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))


@bp.post("/logout-everywhere")
@login_required
def logout_everywhere():
    count = accounts.end_all_sessions(current_user._get_current_object())
    logout_user()
    session.clear()
    devices = "this browser" if count <= 1 else f"all {count} browsers and devices"
    flash(f"You are logged out on {devices}.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
@limiter.limit(AUTH_LIMIT, exempt_when=_limit_post_only)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            accounts.change_password(user, form.current.data, form.password.data)
        except ServiceError as exc:
            form.current.errors.append(str(exc))
            return render_template("auth/password.html", form=form), exc.status
        # Every log-in ended but a new one for this browser: take it, keep this session.
        login_user(user)
        flash("Your password is changed. Other devices are logged out.", "success")
        return redirect(url_for("main.home"))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/password.html", form=form), status
