"""The cheap answer to a player's poll, without going through Flask.

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

Each process keeps the versions it read for `VERSION_TTL` seconds, so 2,000 players
polling one game cost a few database reads a second per worker, not 2,000; a new
question reaches a player at most `VERSION_TTL` later than without the cache.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable

from flask import Flask
from sqlalchemy import select
from sqlalchemy.engine import Engine
from werkzeug.http import parse_cookie

from quizapp.models.live import LiveGame

VERSION_TTL = 0.2
# Nine digits at most: always within the games table's 32-bit ids (a larger number is
# left to Flask, whose route answers 404; the database would refuse it with an error).
STATE_PATH = re.compile(r"/play/([0-9]{1,9})/state")


class PollShortcut:
    """WSGI middleware: 304 for `GET /play/<id>/state` with a current If-None-Match."""

    def __init__(self, app: Flask, wsgi_app: Callable) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.engine: Engine | None = None
        self.versions: dict[int, tuple[int | None, float]] = {}
        self.lock = threading.Lock()
        # Tests check each move at once; a served app shares reads for a moment.
        self.ttl = 0.0 if app.testing else app.config.get("LIVE_POLL_CACHE_SECONDS", VERSION_TTL)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "GET":
            match = STATE_PATH.fullmatch(environ.get("PATH_INFO", ""))
            if match:
                game_id = int(match.group(1))
                tags = [t.strip() for t in environ.get("HTTP_IF_NONE_MATCH", "").split(",")]
                if tags != [""]:
                    version = self.version(game_id)
                    if version is not None and f'"{version}"' in tags:
                        return self._not_modified(version, start_response)
                state = self.player_state(game_id, environ)
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
                            *SECURITY_HEADERS,
                        ],
                    )
                    return [body]
        return self.wsgi_app(environ, start_response)

    @staticmethod
    def _not_modified(version: int, start_response: Callable) -> Iterable[bytes]:
        headers = [("ETag", f'"{version}"'), ("Cache-Control", "no-store")]
        start_response("304 Not Modified", headers)
        return [b""]

    def player_state(self, game_id: int, environ: dict) -> tuple[int, bytes] | None:
        """(version, JSON body) of the player's state, or None to let the app answer."""
        from quizapp.live.views import COOKIE
        from quizapp.services import live as live_service

        cookie = parse_cookie(environ).get(COOKIE)
        if not cookie:
            return None
        with self.app.app_context():
            game = live_service.game_view(game_id)
            if game is None:
                return None
            player = live_service.player_row(game_id, cookie, None)
            if player is None:
                return None
            state = live_service.player_state(game, player)
            return state["version"], self.app.json.dumps(state).encode()

    def version(self, game_id: int) -> int | None:
        now = time.monotonic()
        cached = self.versions.get(game_id)
        if cached is not None and now - cached[1] < self.ttl:
            return cached[0]
        with self.lock:  # one reader per process refreshes; the others wait a moment
            cached = self.versions.get(game_id)
            if cached is not None and now - cached[1] < self.ttl:
                return cached[0]
            with self._engine().connect() as conn:
                version = conn.execute(
                    select(LiveGame.version).where(LiveGame.id == game_id)
                ).scalar()
            if len(self.versions) > 10_000:
                self.versions.clear()
            self.versions[game_id] = (version, time.monotonic())
            return version

    def _engine(self) -> Engine:
        if self.engine is None:
            from quizapp.extensions import db

            with self.app.app_context():
                self.engine = db.engine
        return self.engine


def _security_headers() -> list[tuple[str, str]]:
    from quizapp.security import CONTENT_SECURITY_POLICY

    return [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
    ]


SECURITY_HEADERS = _security_headers()


def install(app: Flask) -> None:
    app.wsgi_app = PollShortcut(app, app.wsgi_app)
