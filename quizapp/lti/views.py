"""LTI 1.3 pages.

Platform-facing: /lti/login (OIDC login initiation), /lti/launch (the id_token POST),
/lti/deep-link (the teacher's choice, answered with the signed deep-linking response),
/lti/jwks (the tool's public keys). Then /lti/enter/<ticket>, the first-party step that
logs the launched user in, the administrator's /lti/platforms and the teacher's
/lti/classes/<id> (roster sync, grades sent to the platform).

Framing: only the pages a platform shows in its frame get a Content-Security-Policy
whose frame-ancestors (and form-action, for the deep-linking return) list the
registered platforms; every other page keeps quizapp's `frame-ancestors 'none'`.
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from quizapp.domain.lti import DEEP_LINK_LAUNCH, LaunchRefused, LtiRole, origin, read_launch
from quizapp.extensions import csrf, db
from quizapp.lti.forms import DeepLinkForm, PlatformForm
from quizapp.lti.launch import Refused, login_redirect, validated_launch
from quizapp.models import User, utcnow
from quizapp.security import CONTENT_SECURITY_POLICY
from quizapp.services import NotFound, ServiceError, accounts
from quizapp.services import assignments as assignment_service
from quizapp.services import classroom as classroom_service
from quizapp.services import decks as deck_service
from quizapp.services.lti import (
    deep_links,
    grades,
    launches,
    platforms,
    registration,
    roster,
    storage,
)

bp = Blueprint("lti", __name__, url_prefix="/lti", cli_group="lti")
log = logging.getLogger(__name__)

FRAMED = frozenset({"lti.login", "lti.launch", "lti.deep_link", "lti.dynamic_register"})
# On each launch some of the platform's waiting grades are sent again, each at most
# once per LAUNCH_RETRY_REST, stopping at the first failure.
LAUNCH_RETRIES = 10
LAUNCH_RETRY_REST = timedelta(minutes=1)
ROSTER_STALE = timedelta(hours=1)  # a learner's launch reads a roster older than this


@bp.record_once
def _config(state) -> None:
    admins = os.environ.get("QUIZAPP_LTI_ADMINS", "")
    state.app.config.setdefault(
        "LTI_ADMINS", [email.strip().lower() for email in admins.split(",") if email.strip()]
    )


@bp.app_template_global("lti_linked")
def _lti_linked(class_id: int) -> bool:
    """Whether a class came from a course platform (its page links the LTI page)."""
    return launches.course_of_class(class_id) is not None


@bp.after_request
def _frame_policy(response):
    if request.endpoint in FRAMED:
        origins = platforms.frame_origins() + g.get("lti_form_targets", [])
        origins = " ".join(dict.fromkeys(origins + g.get("lti_frame_origins", [])))
        policy = CONTENT_SECURITY_POLICY.replace(
            "frame-ancestors 'none'", f"frame-ancestors 'self' {origins}".strip()
        ).replace("form-action 'self'", f"form-action 'self' {origins}".strip())
        response.headers["Content-Security-Policy"] = policy
    return response


def _refused(message: str, status: int = 400):
    return render_template("lti/refused.html", message=message), status


# --- the platform's side ----------------------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
@csrf.exempt
def login():
    """OIDC login initiation: the platform sends the browser here first."""
    try:
        return login_redirect()
    except Refused as exc:
        return _refused(str(exc))


@bp.post("/launch")
@csrf.exempt
def launch():
    """The platform's form POST with the id_token, after the login step."""
    try:
        launch_id, body = validated_launch()
    except Refused as exc:
        return _refused(str(exc))
    try:
        claims = read_launch(body)
        aud = body.get("aud")
        platform = platforms.find_platform(claims.issuer, aud[0] if isinstance(aud, list) else aud)
        result = launches.apply_launch(platform, claims)
    except LaunchRefused as exc:
        storage.take(launch_id)  # a valid token quizapp can't act on: keep nothing of it
        return _refused(str(exc))
    _after_launch(platform, result)
    if claims.message_type == DEEP_LINK_LAUNCH:
        return _deep_link_page(deep_links.pending(launch_id))
    school_class = result.course.school_class
    if result.role is LtiRole.INSTRUCTOR:
        target = url_for("lti.course", class_id=school_class.id)
    else:
        target = url_for(
            "classroom.assignment", class_id=school_class.id, assignment_id=result.assignment.id
        )
    ticket = storage.issue_ticket(result.user.id, target)
    enter = url_for("lti.enter", ticket=ticket)
    if request.headers.get("Sec-Fetch-Dest") in ("iframe", "frame"):
        # Inside the platform's frame quizapp's Lax cookies are not kept: the work
        # opens in its own tab, where they are.
        return render_template("lti/open.html", enter=enter, result=result)
    return redirect(enter, code=303)


def _after_launch(platform, result) -> None:
    """Roster sync on an instructor's launch (and a learner's, when the last sync is over
    an hour old); pending grades of the platform sent again.
    Neither may keep the person from their work: failures are logged and stay visible
    on the teacher's page."""
    synced = result.course.synced_at
    stale = synced is None or synced < utcnow() - ROSTER_STALE
    if result.course.memberships_url and (result.role is LtiRole.INSTRUCTOR or stale):
        try:
            roster.sync_roster(result.course)
        except ServiceError as exc:
            log.warning("LTI roster sync on launch failed: %s", exc)
    grades.retry_pending(
        platform_id=platform.id,
        limit=LAUNCH_RETRIES,
        resting=LAUNCH_RETRY_REST,
        stop_on_failure=True,
    )


@bp.get("/jwks")
def jwks():
    """The tool's public keys, for the platform to check what quizapp signs."""
    response = jsonify(platforms.tool_jwks())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


# --- deep linking ---------------------------------------------------------------------------


def _zone(user) -> ZoneInfo:
    try:
        return ZoneInfo(user.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _deep_link_form(pending: deep_links.PendingDeepLink, formdata=None) -> DeepLinkForm:
    zone = _zone(pending.teacher)
    now = utcnow().astimezone(zone).replace(tzinfo=None, second=0, microsecond=0)
    form = DeepLinkForm(
        formdata=formdata,
        launch=pending.launch_id,
        opens_at=now,
        due_at=now + timedelta(days=7),
    )
    decks = deck_service.list_decks(pending.teacher)
    form.deck.choices = [(row["deck"].key, row["deck"].title) for row in decks if row["questions"]]
    return form


def _deep_link_page(pending, form=None, status: int = 200):
    form = form or _deep_link_form(pending)
    return render_template("lti/deep_link.html", form=form, pending=pending), status


@bp.post("/deep-link")
@csrf.exempt
def deep_link():
    """The teacher's choice: make the assignment, return the signed content item."""
    try:
        pending = deep_links.pending(request.form.get("launch", ""))
    except NotFound as exc:
        return _refused(str(exc), 404)
    form = _deep_link_form(pending, request.form)
    if not form.validate():
        return _deep_link_page(pending, form, 400)
    zone = _zone(pending.teacher)
    options = form.options()
    spec = assignment_service.AssignmentSpec(
        deck_key=form.deck.data,
        title=form.title.data or "",
        subjects=options.subjects,
        kinds=options.kinds,
        count=options.count,
        time_limit=options.time_limit,
        opens_at=form.opens_at.data.replace(tzinfo=zone).astimezone(UTC),
        due_at=form.due_at.data.replace(tzinfo=zone).astimezone(UTC),
        attempts_allowed=1 if form.attempts.data == "1" else None,
        scoring=form.scoring.data,
        late_policy=form.late_policy.data,
        shuffle=bool(form.shuffle.data),
    )
    return_url = pending.settings.get("deep_link_return_url")
    if not isinstance(return_url, str) or origin(return_url) is None:
        return _refused("The platform gave no address to return the link to.")
    try:
        return_url, token, assignment = deep_links.complete(
            pending, spec, launch_url=url_for("lti.launch", _external=True), now=utcnow()
        )
    except NotFound as exc:
        return _refused(str(exc), 404)
    except ServiceError as exc:
        form.form_errors.append(str(exc))
        return _deep_link_page(pending, form, exc.status)
    g.lti_form_targets = [origin(return_url)]
    return render_template(
        "lti/deep_link_return.html", return_url=return_url, token=token, assignment=assignment
    )


# --- into quizapp -----------------------------------------------------------------------------


@bp.get("/enter/<ticket>")
def enter(ticket: str):
    """Log the launched user in (first party: the cookies stay) and open their page."""
    found = storage.redeem_ticket(ticket)
    if found is None:
        return _refused(
            "This entry link was already used or has expired. Open the link from your "
            "course again.",
            404,
        )
    user_id, target = found
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not isinstance(target, str) or not target.startswith("/"):
        return _refused("This entry link leads nowhere any more.", 404)
    if target.startswith(("//", "/\\")):
        return _refused("This entry link leads nowhere any more.", 404)
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(target, code=303)
    if current_user.is_authenticated:  # someone else used this browser: their log-in ends
        accounts.end_session(current_user._get_current_object())
        logout_user()
    # A fresh session, as at any log-in: nothing planted before it survives.
    session.clear()
    accounts.start_session(user)
    login_user(user)
    return redirect(target, code=303)


# --- the teacher's page -------------------------------------------------------------------------


def _own_course(class_id: int):
    school_class = classroom_service.get_own_class(current_user, class_id)
    course = launches.course_of_class(school_class.id)
    if course is None:
        raise NotFound("This class is not linked to a course platform.")
    return school_class, course


@bp.get("/classes/<int:class_id>")
@login_required
def course(class_id: int):
    school_class, course = _own_course(class_id)
    return render_template(
        "lti/course.html",
        school_class=school_class,
        course=course,
        assignments=assignment_service.class_assignments(current_user, class_id),
        sends=grades.class_sends(school_class.id),
    )


@bp.post("/classes/<int:class_id>/roster")
@login_required
def sync_roster(class_id: int):
    _, course = _own_course(class_id)
    try:
        result = roster.sync_roster(course)
    except ServiceError as exc:
        flash(str(exc), "error")
    else:
        flash(
            f"Roster read: {result.learners} learners; {result.added} joined the class, "
            f"{result.removed} left it.",
            "success",
        )
    return redirect(url_for("lti.course", class_id=class_id), code=303)


@bp.post("/classes/<int:class_id>/grades")
@login_required
def resend_grades(class_id: int):
    school_class, _ = _own_course(class_id)
    ids = grades.pending_ids_of_class(school_class.id)[: grades.RETRY_BATCH]
    connectors: dict = {}
    sent = sum(1 for send_id in ids if grades.send(send_id, connectors))
    if ids:
        flash(
            f"{sent} of {len(ids)} waiting grades reached the platform.",
            "success" if sent == len(ids) else "error",
        )
    else:
        flash("No grade is waiting to be sent.", "info")
    return redirect(url_for("lti.course", class_id=class_id), code=303)


# --- the administrator's page -------------------------------------------------------------------


def _require_admin() -> None:
    if not current_user.is_authenticated:
        abort(401)
    if current_user.email.lower() not in current_app.config.get("LTI_ADMINS", []):
        abort(403)


@bp.route("/platforms", methods=["GET", "POST"])
@login_required
def platforms_page():
    _require_admin()
    form = PlatformForm()
    status = 200
    if form.validate_on_submit():
        try:
            platform = platforms.register_platform(form.spec())
        except ServiceError as exc:
            form.form_errors.append(str(exc))
            status = exc.status
        else:
            flash(f"Registered {platform.name}.", "success")
            return redirect(url_for("lti.platforms_page"), code=303)
    elif form.is_submitted():
        status = 400
    return render_template(
        "lti/platforms.html", form=form, platforms=platforms.list_platforms(), tool=_tool_urls()
    ), status


@bp.post("/platforms/<int:platform_id>/delete")
@login_required
def delete_platform(platform_id: int):
    _require_admin()
    name = platforms.delete_platform(platform_id)
    flash(f"Removed {name}. Its classes and assignments stay in quizapp.", "success")
    return redirect(url_for("lti.platforms_page"), code=303)


@bp.post("/platforms/registration-link")
@login_required
def registration_link():
    """A one-time link for a platform that registers tools itself (dynamic registration)."""
    _require_admin()
    url = url_for("lti.dynamic_register", token=registration.new_link(), _external=True)
    flash(f"Registration link (works once, for a day): {url}", "success")
    return redirect(url_for("lti.platforms_page"), code=303)


@bp.get("/register/<token>")
def dynamic_register(token: str):
    """The platform opens this with its openid_configuration and registration_token."""
    config_url = request.args.get("openid_configuration", "")
    found = origin(config_url) if len(config_url) <= 500 else None
    if found:
        g.lti_frame_origins = [found]  # the platform frames this page before it is registered
    try:
        platform = registration.register(
            token,
            config_url,
            request.args.get("registration_token") or None,
            {
                "login": url_for("lti.login", _external=True),
                "launch": url_for("lti.launch", _external=True),
                "jwks": url_for("lti.jwks", _external=True),
            },
        )
    except ServiceError as exc:
        return _refused(str(exc), exc.status)
    return render_template("lti/registered.html", platform=platform)


def _tool_urls() -> dict[str, str]:
    """What the administrator enters in the platform's tool settings."""
    return {
        "Login initiation URL": url_for("lti.login", _external=True),
        "Redirect / launch URL": url_for("lti.launch", _external=True),
        "Deep linking URL": url_for("lti.launch", _external=True),
        "Public keyset (JWKS) URL": url_for("lti.jwks", _external=True),
    }


# --- `quizapp lti ...` ----------------------------------------------------------------------------


@bp.cli.command("register")
@click.option("--name", required=True)
@click.option("--issuer", required=True)
@click.option("--client-id", required=True)
@click.option("--auth-login-url", required=True, help="The platform's OIDC auth URL.")
@click.option("--token-url", required=True, help="The platform's OAuth2 token URL.")
@click.option("--jwks-url", required=True, help="The platform's public keyset URL.")
@click.option("--deployment", "deployments", multiple=True, required=True)
@click.option("--audience", default="", help="Token audience, if the platform needs one.")
@click.option("--frame-origin", "frame_origins", multiple=True)
def register_command(
    name,
    issuer,
    client_id,
    auth_login_url,
    token_url,
    jwks_url,
    deployments,
    audience,
    frame_origins,
):
    """Register a platform (or update the one with this issuer and client id)."""
    spec = platforms.PlatformSpec(
        name=name,
        issuer=issuer,
        client_id=client_id,
        auth_login_url=auth_login_url,
        auth_token_url=token_url,
        key_set_url=jwks_url,
        deployment_ids=tuple(deployments),
        auth_audience=audience,
        frame_origins=tuple(frame_origins),
    )
    try:
        platform = platforms.register_platform(spec)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"Registered {platform.name} (issuer {platform.issuer}, client id {platform.client_id})."
    )


@bp.cli.command("list")
def list_command():
    """List the registered platforms."""
    for platform in platforms.list_platforms():
        click.echo(
            f"{platform.id}\t{platform.name}\t{platform.issuer}\t{platform.client_id}\t"
            f"deployments: {', '.join(platform.deployment_ids)}"
        )


@bp.cli.command("retry")
@click.option("--limit", default=1000, show_default=True, help="At most this many sends.")
def retry_command(limit):
    """Send the grades still waiting for their platform (and queue any attempt whose
    grade was never queued)."""
    queued = grades.reconcile(now=utcnow())
    if queued:
        click.echo(f"{queued} finished attempts had no queued grade; queued now.")
    sent, pending = grades.retry_pending(limit=limit)
    click.echo(f"{sent} grades sent, {pending} still waiting.")
    if pending:
        raise SystemExit(1)
