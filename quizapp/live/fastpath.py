"""The cheap answer to a player's poll and answer, without going through Flask.

Nearly every poll of `/play/<id>/state` asks "has the game moved since version v?"
and the answer is no. That answer needs one number, the game's version, and no
player, session or template; building a Flask request for it costs several times
more than the lookup itself. This WSGI middleware answers those polls directly.

When the game did move, every player fetches the new state within one poll
interval: 2,000 requests per phase, three phases per question. Those need the
game, the player (by the rejoin cookie) and the per-version part of the state
that `live_service.player_state` caches; the middleware builds them in an app
context, without a Flask request (no session, no Flask-Login, no routing). Anything
else (no cookie, a logged-in player without one, an unknown game) goes to the app,
which answers it as before.

Each process keeps the game row it read (the version and what players see of the
game) for `VERSION_TTL` seconds, so 2,000 players polling one game cost a few
database reads a second per worker, not 2,000, and a player's new state needs only
their own row; a new question reaches a player at most `VERSION_TTL` later than
without the cache.

Answers sent by live_player.js (`POST /play/<id>/answer` with an `X-Live-Key`
header) are stored here too: Flask's request, session, CSRF and login machinery cost
as much as storing the answer. The key is the player's HMAC (`rules.player_key`),
which stands in for the CSRF token; the answer goes through the same
`live_service.submit_answer`, with the same refusals. A request the shortcut can't
settle (no or wrong key, no rejoin cookie, an oversized body) goes to Flask, which
answers it in full (a plain form post from a browser without JavaScript always does).
"""

from __future__ import annotations

import hmac
import io
import re
import threading
import time
from collections.abc import Callable, Iterable
from urllib.parse import parse_qsl

from flask import Flask
from sqlalchemy.engine import Engine
from werkzeug.http import parse_cookie

from quizapp.security import SECURITY_HEADERS

# The rejoin cookie (player id and token) a player's browser holds for all of /play.
COOKIE = "live_player"
VERSION_TTL = 0.2
# Nine digits at most: always within the games table's 32-bit ids (a larger number is
# left to Flask, whose route answers 404; the database would refuse it with an error).
STATE_PATH = re.compile(r"/play/([0-9]{1,9})/state")
ANSWER_PATH = re.compile(r"/play/([0-9]{1,9})/answer")
# An answer is a position and a few picks; anything longer is left to Flask.
ANSWER_MAX_BYTES = 1024


class PollShortcut:
    """WSGI middleware: 304 for `GET /play/<id>/state` with a current If-None-Match."""

    def __init__(self, app: Flask, wsgi_app: Callable) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.engine: Engine | None = None
        self.games: dict[int, tuple[object | None, float]] = {}
        self.lock = threading.Lock()
        # Tests check each move at once; a served app shares reads for a moment.
        self.ttl = 0.0 if app.testing else app.config.get("LIVE_POLL_CACHE_SECONDS", VERSION_TTL)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "GET":
            match = STATE_PATH.fullmatch(environ.get("PATH_INFO", ""))
            if match:
                game_id = int(match.group(1))
                tags = [t.strip() for t in environ.get("HTTP_IF_NONE_MATCH", "").split(",")]
                game = self.game(game_id)
                if game is not None:
                    from quizapp.services.live import player_version

                    version = player_version(game)
                    if f'"{version}"' in tags:
                        return self._not_modified(version, start_response)
                state = self.player_state(game, environ)
                if state is not None:
                    version, body = state
                    if f'"{version}"' in tags:
                        return self._not_modified(version, start_response)
                    start_response(
                        "200 OK",
                        [
                            ("Content-Type", "application/json"),
                            ("Content-Length", str(len(body))),
                            ("ETag", f'"{version}"'),
                            ("Cache-Control", "no-store"),
                            server_time_header(),
                            *SECURITY_HEADERS,
                        ],
                    )
                    return [body]
        elif environ.get("REQUEST_METHOD") == "POST" and environ.get("HTTP_X_LIVE_KEY"):
            match = ANSWER_PATH.fullmatch(environ.get("PATH_INFO", ""))
            if match:
                answered = self.answer(int(match.group(1)), environ)
                if answered is not None:
                    status, body = answered
                    start_response(
                        status,
                        [
                            ("Content-Type", "application/json"),
                            ("Content-Length", str(len(body))),
                            ("Cache-Control", "no-store"),
                            *SECURITY_HEADERS,
                        ],
                    )
                    return [body]
        return self.wsgi_app(environ, start_response)

    def answer(self, game_id: int, environ: dict) -> tuple[str, bytes] | None:
        """(status, JSON body) for a player's answer, or None to let the app answer.

        The body read here is put back for the app when the shortcut declines.
        """
        from quizapp.domain.live import player_key
        from quizapp.domain.responses import ResponseRefused, read_live_response
        from quizapp.models import utcnow
        from quizapp.services import ServiceError
        from quizapp.services import live as live_service

        received = utcnow()  # the deadline is checked against arrival, as in the view
        cookie = parse_cookie(environ).get(COOKIE)
        length = environ.get("CONTENT_LENGTH") or ""
        if not cookie or not length.isascii() or not length.isdigit():
            return None
        if int(length) > ANSWER_MAX_BYTES:
            return None
        raw = environ["wsgi.input"].read(int(length))
        environ["wsgi.input"] = io.BytesIO(raw)  # for the app, if we decline
        try:
            fields = parse_qsl(raw.decode("utf-8"), keep_blank_values=True)
        except (UnicodeDecodeError, ValueError):
            return None
        with self.app.app_context():
            player = live_service.player_row(game_id, cookie, None)
            if player is None:
                return None
            key = player_key(self.app.secret_key, player.id, player.token_hash)
            # WSGI headers are latin-1 text: compare bytes (compare_digest refuses
            # non-ASCII str with a TypeError, outside Flask's error handlers).
            sent = environ["HTTP_X_LIVE_KEY"].encode("latin-1", "replace")
            if not hmac.compare_digest(key.encode(), sent):
                return None
            try:
                sent = read_live_response(fields)
            except ResponseRefused as refused:
                return "400 Bad Request", self._json({"error": str(refused), "status": 400})
            try:
                receipt = live_service.submit_answer(
                    game_id, player, sent.position, sent.picks, received, sent.text
                )
            except ServiceError as exc:
                body = {"error": str(exc), "status": exc.status}
                return f"{exc.status} {STATUS_WORDS.get(exc.status, 'Error')}", self._json(body)
            # "Received", never "right": the result waits for the reveal.
            return "200 OK", self._json({"received": True, "first": receipt.created})

    def _json(self, data: dict) -> bytes:
        return self.app.json.dumps(data).encode()

    @staticmethod
    def _not_modified(version: int, start_response: Callable) -> Iterable[bytes]:
        headers = [("ETag", f'"{version}"'), ("Cache-Control", "no-store"), server_time_header()]
        start_response("304 Not Modified", headers)
        return [b""]

    def player_state(self, game, environ: dict) -> tuple[int, bytes] | None:
        """(version, JSON body) of the player's state, or None to let the app answer."""
        from quizapp.services import live as live_service

        cookie = parse_cookie(environ).get(COOKIE)
        if not cookie or game is None:
            return None
        if live_service.shared_ready(game):
            # The usual case: the shared part is built, the player's rows are read on a
            # bare connection (an app context and a session cost a third of the poll).
            with self._engine().connect() as conn:
                player = live_service.player_row(game.id, cookie, None, conn)
                if player is None:
                    return None
                state = live_service.player_state(game, player, conn=conn)
            return state["version"], self.app.json.dumps(state).encode()
        with self.app.app_context():
            player = live_service.player_row(game.id, cookie, None)
            if player is None:
                return None
            state = live_service.player_state(game, player)
            return state["version"], self.app.json.dumps(state).encode()

    def game(self, game_id: int):
        """The game as its players see it (`live_service.GameView`), or None.

        Read at most once per `ttl` per process: the row only changes with its version,
        so the copy is exact for that version and at most `ttl` old.
        """
        now = time.monotonic()
        cached = self.games.get(game_id)
        if cached is not None and now - cached[1] < self.ttl:
            return cached[0]
        with self.lock:  # one reader per process refreshes; the others wait a moment
            cached = self.games.get(game_id)
            if cached is not None and now - cached[1] < self.ttl:
                return cached[0]
            from quizapp.services import live as live_service

            with self._engine().connect() as conn:
                game = live_service.game_view(game_id, conn)
            if len(self.games) > 10_000:
                self.games.clear()
            self.games[game_id] = (game, time.monotonic())
            return game

    def _engine(self) -> Engine:
        if self.engine is None:
            from quizapp.extensions import db

            with self.app.app_context():
                self.engine = db.engine
        return self.engine


def server_time_header() -> tuple[str, str]:
    """The server's clock (epoch ms) as the response leaves: with the time it sent the
    poll and the time the answer came, a player's device estimates its offset from the
    server (the fastest round trip bounds the error), so it shows a question's options
    at the announced server moment (`options_at_ms`) whenever its state arrived."""
    return ("X-Server-Time", str(int(time.time() * 1000)))


STATUS_WORDS = {400: "Bad Request", 403: "Forbidden", 404: "Not Found", 409: "Conflict"}


def install(app: Flask) -> None:
    """Put the shortcut in front of the app (called from `create_app`)."""
    app.wsgi_app = PollShortcut(app, app.wsgi_app)
