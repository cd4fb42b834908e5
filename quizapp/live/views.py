"""Live games: the host's screens (under /live) and the players' (under /play).

Each side polls a JSON state with an ETag (the game's version): an unchanged game
costs a 304 that reads one row and nothing else. Every page also works without
JavaScript (plain forms; a <noscript> meta refresh keeps the page current).
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import segno
from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from markupsafe import Markup
from wtforms import SelectChoice

from quizapp.domain.live import player_key, rejoin_code
from quizapp.domain.responses import ResponseRefused, read_live_response
from quizapp.domain.spreadsheet import safe_cell
from quizapp.errors import wants_json
from quizapp.extensions import db, limiter
from quizapp.live.fastpath import COOKIE, server_time_header
from quizapp.live.forms import ActionForm, GameForm, JoinForm
from quizapp.models import utcnow
from quizapp.models.live import LiveGame
from quizapp.security import form_int, image_response
from quizapp.services import NotFound, ServiceError
from quizapp.services import classroom as classroom_service
from quizapp.services import decks as deck_service
from quizapp.services import live as live_service

bp = Blueprint("live", __name__)

COOKIE_MAX_AGE = 12 * 3600


# --- host ----------------------------------------------------------------------------------


def _own_classes() -> list:
    return [row["school_class"] for row in classroom_service.teacher_classes(current_user)]


def _preselected(classes: list) -> str:
    """`?class_id=` as a choice of the class field, if it is one of the host's classes.

    Anything else (someone else's class, no class, not a number) preselects nothing:
    it is a convenience of a link, not a request to refuse.
    """
    class_id = form_int(request.args.get("class_id"), low=1)
    return str(class_id) if any(c.id == class_id for c in classes) else ""


@bp.get("/live/")
def index():
    if not (current_user.is_authenticated and current_user.is_teacher):
        return render_template("live/join.html", form=JoinForm(pin=request.args.get("pin", "")))
    classes = _own_classes()
    chosen = _preselected(classes)
    return render_template(
        "live/index.html",
        games=live_service.host_games(current_user),
        decks=deck_service.list_decks(current_user),
        school_class=next((c for c in classes if str(c.id) == chosen), None),
    )


@bp.route("/live/new", methods=["GET", "POST"])
@login_required
def new():
    live_service.require_teacher(current_user)
    deck_key = request.args.get("deck", "")
    if not deck_key:
        return redirect(url_for("live.index"))
    choices = live_service.deck_choices(current_user, deck_key)
    classes = _own_classes()
    form = GameForm(class_id=_preselected(classes))
    form.class_id.choices = [SelectChoice("", "None")] + [
        SelectChoice(str(c.id), c.name) for c in sorted(classes, key=lambda c: c.name.casefold())
    ]
    form.entities.choices = [SelectChoice(key, name) for key, name in choices["entities"]]
    if form.validate_on_submit():
        try:
            game = live_service.create_game(
                current_user,
                deck_key,
                class_id=int(form.class_id.data) if form.class_id.data else None,
                entities=form.entities.data or [],
                kinds=form.kinds.data,
                question_count=form.question_count.data,
                seconds=form.seconds.data,
                scoring=form.chosen_scoring(),
                streak_bonus=form.streak_bonus.data,
                poll=_poll(form),
                max_players=form.max_players.data,
                team_count=int(form.team_count.data),
                mode=form.mode.data,
                closes_at=utcnow() + timedelta(days=form.open_days.data or 7),
                approval=form.approval.data,
            )
        except ServiceError as exc:
            flash(str(exc), "error")
            return render_template("live/new.html", form=form, **choices), exc.status
        return redirect(url_for("live.host", game_id=game.id))
    status = 400 if form.errors else 200
    return render_template("live/new.html", form=form, **choices), status


def _poll(form: GameForm) -> tuple[str, list[str]] | None:
    if not form.poll_prompt.data and not (form.poll_options.data or "").strip():
        return None
    return form.poll_prompt.data or "", (form.poll_options.data or "").splitlines()


def _join_url(game: LiveGame) -> str:
    return url_for("live.join", pin=game.pin, _external=True)


def _qr_svg(url: str) -> Markup:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=6, border=2, xmldecl=False, title="QR code of the join link"
    )
    return Markup(buffer.getvalue().decode())


@bp.get("/live/games/<int:game_id>")
@login_required
def host(game_id: int):
    game = live_service.host_game(current_user, game_id)
    state = live_service.host_state(game)
    join_url = _join_url(game) if game.pin else None
    return render_template(
        "live/host.html",
        game=game,
        state=state,
        join_url=join_url,
        qr=_qr_svg(join_url) if join_url and game.state in ("lobby", "homework") else None,
        form=ActionForm(version=game.version),
    )


@bp.get("/live/games/<int:game_id>/state")
@login_required
def host_state(game_id: int):
    game = live_service.host_game(current_user, game_id)
    state = live_service.host_state(game)
    etag = f"{state['version']}.{state['roster_version']}.{state['answers']}"
    return _conditional_json(state, etag)


def _host_action(game_id: int, action) -> Response:
    form = ActionForm()
    if not form.validate_on_submit():
        raise ServiceError("Reload the page and try again.")
    try:
        action(form.version.data)
    except ServiceError as exc:
        if wants_json() or isinstance(exc, NotFound):
            raise
        flash(str(exc), "error")
    if wants_json():
        return jsonify(ok=True)
    return redirect(url_for("live.host", game_id=game_id))


@bp.post("/live/games/<int:game_id>/next")
@login_required
def next_step(game_id: int):
    return _host_action(
        game_id, lambda version: live_service.advance(current_user, game_id, version)
    )


@bp.post("/live/games/<int:game_id>/end")
@login_required
def end(game_id: int):
    return _host_action(game_id, lambda _version: live_service.finish(current_user, game_id))


@bp.post("/live/games/<int:game_id>/players/<int:player_id>/remove")
@login_required
def remove(game_id: int, player_id: int):
    return _host_action(
        game_id, lambda _version: live_service.remove_player(current_user, game_id, player_id)
    )


@bp.post("/live/games/<int:game_id>/lock/<int(max=1):on>")
@login_required
def lock(game_id: int, on: int):
    return _host_action(
        game_id, lambda _version: live_service.set_locked(current_user, game_id, bool(on))
    )


@bp.post("/live/games/<int:game_id>/approval/<int(max=1):on>")
@login_required
def approval(game_id: int, on: int):
    return _host_action(
        game_id, lambda _version: live_service.set_approval(current_user, game_id, bool(on))
    )


@bp.post("/live/games/<int:game_id>/players/<int:player_id>/admit")
@login_required
def admit(game_id: int, player_id: int):
    return _host_action(
        game_id, lambda _version: live_service.admit(current_user, game_id, player_id)
    )


@bp.post("/live/games/<int:game_id>/players/<int:player_id>/team/<int(max=5):team>")
@login_required
def move_to_team(game_id: int, player_id: int, team: int):
    return _host_action(
        game_id, lambda _version: live_service.set_team(current_user, game_id, player_id, team)
    )


@bp.post("/live/games/<int:game_id>/players/<int:player_id>/back/<int(max=1):agree>")
@login_required
def let_back_in(game_id: int, player_id: int, agree: int):
    return _host_action(
        game_id,
        lambda _version: live_service.let_back_in(current_user, game_id, player_id, bool(agree)),
    )


# A question's picture is the same bytes all game long; a browser keeps it a while
# (its own cache: what its player was shown already).
PICTURE_CACHE = "private, max-age=3600"


@bp.get("/live/games/<int:game_id>/pictures/<int:position>")
@login_required
def host_picture(game_id: int, position: int):
    return image_response(live_service.host_picture(current_user, game_id, position), PICTURE_CACHE)


@bp.get("/live/games/<int:game_id>/report")
@login_required
def report(game_id: int):
    return render_template("live/report.html", **live_service.report(current_user, game_id))


@bp.get("/live/games/<int:game_id>/results.csv")
@login_required
def results_csv(game_id: int):
    rows = live_service.results_rows(current_user, game_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(live_service.CSV_HEADER)
    writer.writerows([[safe_cell(value) for value in row] for row in rows])
    response = make_response(out.getvalue())
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="live-game-{game_id}.csv"'
    return response


# --- players -------------------------------------------------------------------------------


# PIN guessing: a wrong PIN counts against the address, a right one doesn't, so a class
# behind one school NAT can all join while a guesser stops after a few dozen tries.
PIN_GUESS_LIMIT = "20 per minute; 100 per hour"


def _wrong_pin(response: Response) -> bool:
    # 404: no game has this PIN; 403: a wrong rejoin code (a guess at someone's name).
    return response.status_code in (403, 404)


# Joins per game, whoever sends them: flooding a PIN with bots is a known sport. A
# class joins well within it; a bot farm gets a slow trickle the host can remove.
JOINS_PER_GAME_LIMIT = "60 per 10 seconds"


def _game_key() -> str:
    return "live-join:" + (request.form.get("pin") or "").strip()[:6]


def _joined(response: Response) -> bool:
    return response.status_code == 302


@bp.route("/play", methods=["GET", "POST"])
@limiter.limit(PIN_GUESS_LIMIT, methods=["POST"], deduct_when=_wrong_pin)
@limiter.limit(JOINS_PER_GAME_LIMIT, methods=["POST"], key_func=_game_key, deduct_when=_joined)
def join():
    form = JoinForm()
    if request.method == "GET":
        form.pin.data = request.args.get("pin", "")[:6]
        if current_user.is_authenticated and not form.nickname.data:
            form.nickname.data = current_user.display_name[:20]
        return render_template("live/join.html", form=form)
    if not form.validate_on_submit():
        return render_template("live/join.html", form=form), 400
    try:
        game = live_service.game_by_pin(form.pin.data)
        joined = live_service.join(
            game.id,
            form.nickname.data or "",
            current_user,
            cookie=request.cookies.get(COOKIE),
            code=form.code.data or "",
            ask=request.form.get("ask") == "1",
        )
    except ServiceError as exc:
        target = form.pin if isinstance(exc, NotFound) else form.nickname
        if form.code.data and exc.status == 403:
            target = form.code
        target.errors = [*target.errors, str(exc)]
        can_ask = isinstance(exc, live_service.NameTaken)
        return render_template("live/join.html", form=form, can_ask=can_ask), exc.status
    response = redirect(url_for("live.play", game_id=game.id))
    _set_player_cookie(response, game.id, f"{joined.player.id}.{joined.token}")
    return response


def _set_player_cookie(response: Response, game_id: int, value: str) -> None:
    # For all of /play, the join form included: a child who comes back through /play
    # with the PIN and their nickname is taken back by it. (One game per browser at a
    # time: the value names the player, and so the game.)
    response.set_cookie(
        COOKIE,
        value,
        max_age=COOKIE_MAX_AGE,
        path=url_for("live.join"),
        httponly=True,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )


def _current_player(game_id: int):
    """The player this browser is: by its rejoin cookie, else by the logged-in account."""
    player = live_service.player_by_token(game_id, request.cookies.get(COOKIE))
    if player is None:
        player = live_service.player_by_account(game_id, current_user)
    return player


def _game(game_id: int) -> LiveGame:
    game = db.session.get(LiveGame, game_id)
    if game is None:
        raise NotFound("This game does not exist.")
    return game


@bp.get("/play/<int:game_id>")
def play(game_id: int):
    game = _game(game_id)
    player = _current_player(game_id)
    if player is None:
        asking = live_service.asking_player(game_id, request.cookies.get(COOKIE))
        if asking is not None and game.pin:
            return render_template("live/asking.html", game=game, player=asking)
        if game.pin:
            # To the join form, without the PIN: game ids are sequential, so putting the
            # PIN here would hand every open game's PIN to anyone who counts.
            return redirect(url_for("live.join"))
        raise NotFound("This game is over, and this browser did not play in it.")
    return _render_play(game, player)


def _render_play(game: LiveGame, player, status: int = 200):
    if game.mode == "homework":
        # Showing the page starts the clock of the player's next question.
        state = live_service.homework_state(game, player, serve=True)
        return render_template("live/homework.html", game=game, state=state), status
    state = live_service.player_state(game, player)
    key = player_key(current_app.secret_key, player.id, player.token_hash)
    code = rejoin_code(current_app.secret_key, player.id, player.token_hash)
    return (
        render_template("live/play.html", game=game, state=state, player_key=key, rejoin_code=code),
        status,
    )


@bp.get("/play/<int:game_id>/state")
def play_state(game_id: int):
    # Most unchanged polls never get here (see fastpath.py); the rest read the game
    # and the player as plain rows, and the per-version part of the state is cached.
    game = live_service.game_view(game_id)
    if game is None:
        raise NotFound("This game does not exist.")
    version = str(live_service.player_version(game))
    if request.if_none_match.contains(version):
        return _not_modified(version)
    player = live_service.player_row(game_id, request.cookies.get(COOKIE), current_user)
    if player is None:
        raise NotFound("You have not joined this game.")
    state = live_service.player_state(game, player)
    return _conditional_json(state, str(state["version"]))


def _not_modified(etag: str) -> Response:
    response = Response(status=304)
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-store"
    response.headers.set(*server_time_header())
    return response


def _conditional_json(state: dict, etag: str) -> Response:
    if request.if_none_match.contains(etag):
        return _not_modified(etag)
    response = jsonify(state)
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-store"
    response.headers.set(*server_time_header())
    return response


@bp.get("/play/<int:game_id>/pictures/<int:position>")
def picture(game_id: int, position: int):
    # Through Flask, not the fast path: once per question and player, at the lead-in.
    image = live_service.player_picture(
        game_id, request.cookies.get(COOKIE), current_user, position
    )
    return image_response(image, PICTURE_CACHE)


@bp.post("/play/<int:game_id>/answer")
def answer(game_id: int):
    received = utcnow()
    player = live_service.player_row(game_id, request.cookies.get(COOKIE), current_user)
    if player is None:
        _game(game_id)  # 404 with the right words when there is no such game
        raise NotFound("You have not joined this game.")
    try:
        sent = read_live_response(request.form.items(multi=True))
    except ResponseRefused as refused:
        raise ServiceError(str(refused)) from None
    if _game(game_id).mode == "homework":
        return _homework_answer(game_id, player, sent)
    try:
        receipt = live_service.submit_answer(
            game_id, player, sent.position, sent.picks, received, sent.text
        )
    except ServiceError as exc:
        if wants_json():
            raise
        db.session.rollback()
        flash(str(exc), "error")
        return _render_play(_game(game_id), player, exc.status)
    if wants_json():
        # "Received", never "right": the result waits for the reveal.
        return jsonify(received=True, first=receipt.created)
    if receipt.created:
        flash("Answer received. Wait for the reveal on the big screen.", "success")
    else:
        flash("You had already answered this question; your first answer counts.", "info")
    return redirect(url_for("live.play", game_id=game_id))


def _homework_answer(game_id: int, player, sent) -> Response:
    try:
        live_service.submit_homework_answer(game_id, player, sent.position, sent.picks, sent.text)
    except ServiceError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _render_play(_game(game_id), player, exc.status)
    return redirect(url_for("live.play", game_id=game_id))
