"""The cheap answer to a player's poll: "304 Not Modified" without going through Flask.

Nearly every poll of `/play/<id>/state` asks "has the game moved since version v?"
and the answer is no. That answer needs one number, the game's version, and no
player, session or template; building a Flask request for it costs several times
more than the lookup itself. This WSGI middleware answers those polls directly
and hands everything else (and every poll whose version moved) to the app.

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

from quizapp.models.live import LiveGame

VERSION_TTL = 0.2
STATE_PATH = re.compile(r"/play/(\d{1,12})/state")


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
        tag = environ.get("HTTP_IF_NONE_MATCH")
        if tag and environ.get("REQUEST_METHOD") == "GET":
            match = STATE_PATH.fullmatch(environ.get("PATH_INFO", ""))
            if match:
                version = self.version(int(match.group(1)))
                etag = f'"{version}"'
                if version is not None and etag in (t.strip() for t in tag.split(",")):
                    start_response(
                        "304 Not Modified", [("ETag", etag), ("Cache-Control", "no-store")]
                    )
                    return [b""]
        return self.wsgi_app(environ, start_response)

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


def install(app: Flask) -> None:
    app.wsgi_app = PollShortcut(app, app.wsgi_app)
