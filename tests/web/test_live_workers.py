"""A live game served by two separate app processes on one database.

The game's state lives in the database, so a player who joins through one process
is seen, and sees the host's moves, through the other (as with several gunicorn
workers or servers behind a load balancer). Both processes are real
`quizapp serve` servers on loopback ports, with CSRF on as in production.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models.live import LiveAnswer, LiveGame, LivePlayer
from quizapp.services import live as live_service
from tests.factories import make_game

pytestmark = pytest.mark.slow

QUIZAPP = Path(sys.executable).with_name("quizapp")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(base: str, process: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{base} exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(base + "/play", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{base} did not start within {timeout} s")


@pytest.fixture
def two_servers(app, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "two-servers-secret",
        "QUIZAPP_DISABLE_RATELIMIT": "1",
    }
    processes, bases, logs = [], [], []
    try:
        for n in range(2):
            port = free_port()
            log = open(tmp_path / f"server{n}.log", "w")  # noqa: SIM115  (closed in finally)
            logs.append(log)
            # One of each worker class `quizapp serve` offers: gevent (the default), gthread.
            worker_class = ("gevent", "gthread")[n]
            process = subprocess.Popen(
                [
                    *(str(QUIZAPP), "serve", "--port", str(port), "--workers", "1"),
                    *("--worker-class", worker_class, "--threads", "4"),
                ],
                env=env,
                cwd=tmp_path,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            processes.append(process)
            bases.append(f"http://127.0.0.1:{port}")
        for base, process in zip(bases, processes, strict=True):
            wait_until_up(base, process)
        yield bases
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        for log in logs:
            log.close()


class Browser:
    """A cookie-keeping HTTP client (cookies ignore ports, as in a browser)."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, url, data=None, headers=None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        req = urllib.request.Request(url, data=body, headers=headers or {})
        try:
            with self.opener.open(req, timeout=10) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'id="live-csrf" value="([^"]+)"', html
    )
    assert match, html[:500]
    return match.group(1)


def test_a_game_played_across_two_processes(app, make_user, two_servers):
    from quizapp.domain.facts import load_deck
    from quizapp.services.decks import sync_deck
    from tests.factories import SOFTWARE_DECK_FILE as DECK_FILE

    sync_deck(load_deck(DECK_FILE))
    teacher = make_user(role="teacher")
    game = make_game(teacher, question_count=2, scoring="accuracy")
    one, two = two_servers
    player = Browser()

    # join through process one
    status, _, html = player.request(f"{one}/play?pin={game.pin}")
    assert status == 200
    status, _, html = player.request(
        f"{one}/play", {"pin": game.pin, "nickname": "Ann", "csrf_token": csrf_token(html)}
    )
    assert status == 200 and "You're in!" in html

    # process two knows the player, by the rejoin cookie
    status, headers, body = player.request(f"{two}/play/{game.id}/state")
    assert status == 200 and '"nickname":"Ann"' in body.replace(" ", "")
    etag = headers["ETag"]
    status, _, _ = player.request(f"{two}/play/{game.id}/state", headers={"If-None-Match": etag})
    assert status == 304

    # the host moves the game (a third process: this test's own app) ...
    db.session.rollback()  # end the read snapshot: see what the servers wrote
    live_service.advance(teacher, game.id, db.session.get(LiveGame, game.id).version)
    # ... and both processes see it (each may answer from its version cache for 0.2 s)
    for base in (one, two):
        deadline = time.monotonic() + 10
        while True:
            status, _, body = player.request(
                f"{base}/play/{game.id}/state", headers={"If-None-Match": etag}
            )
            if status != 304 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert status == 200 and '"state":"question"' in body.replace(" ", "")

    # answer through process two, with its page's CSRF token; a replay through one is a no-op
    status, _, html = player.request(f"{two}/play/{game.id}")
    token = csrf_token(html)
    for base in (two, one):
        status, _, body = player.request(
            f"{base}/play/{game.id}/answer",
            {"position": "0", "pick": "0", "csrf_token": token},
            headers={"Accept": "application/json"},
        )
        assert status == 200, body
    db.session.rollback()  # end the read snapshot: see what the servers wrote
    assert len(db.session.scalars(select(LiveAnswer)).all()) == 1
    assert db.session.scalars(select(LivePlayer)).one().nickname == "Ann"
    # a single player answered: the game revealed itself, seen from process one (which
    # may answer from its per-version cache for 0.2 s, so it is asked until it tells)
    deadline = time.monotonic() + 10
    while True:
        status, _, body = player.request(f"{one}/play/{game.id}/state")
        if '"state":"reveal"' in body.replace(" ", "") or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert '"state":"reveal"' in body.replace(" ", "")


def test_many_answers_at_once_through_both_servers_are_each_stored_once(
    app, make_user, two_servers
):
    """Answers sent at the same instant, half through each server, twice each (a double
    submit), on the fast path with the player's key: every one stored once, and the
    last one reveals the question. Each server's batch leader and waiters (greenlets
    in one, threads in the other) share the database with the other server."""
    import threading

    from quizapp.domain.facts import load_deck
    from quizapp.services.decks import sync_deck
    from tests.factories import SOFTWARE_DECK_FILE as DECK_FILE

    sync_deck(load_deck(DECK_FILE))
    teacher = make_user(role="teacher")
    game = make_game(teacher, question_count=1, kinds=["true_false"])
    game_id, pin = game.id, game.pin
    bases = two_servers
    players = []
    for n in range(16):
        browser, base = Browser(), bases[n % 2]
        status, _, html = browser.request(f"{base}/play?pin={pin}")
        status, _, html = browser.request(
            f"{base}/play", {"pin": pin, "nickname": f"P{n}", "csrf_token": csrf_token(html)}
        )
        assert status == 200, html[:300]
        key = re.search(r'data-player-key="([0-9a-f]+)"', html).group(1)
        players.append((browser, key))
    db.session.rollback()
    live_service.advance(teacher, game_id, db.session.get(LiveGame, game_id).version)
    time.sleep(0.3)  # past the servers' version cache

    barrier = threading.Barrier(len(players) * 2)
    results = []

    def send(n, browser, key):
        barrier.wait(10)
        results.append(
            browser.request(
                f"{bases[n % 2]}/play/{game_id}/answer",
                {"position": "0", "pick": str(n % 2)},
                headers={"Accept": "application/json", "X-Live-Key": key},
            )
        )

    threads = [
        threading.Thread(target=send, args=(n, browser, key))
        for n, (browser, key) in enumerate(players * 2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(status for status, _, _ in results) == [200] * 32, results
    firsts = [json.loads(body)["first"] for _, _, body in results]
    assert firsts.count(True) == 16
    db.session.rollback()  # end the read snapshot: see what the servers wrote
    assert len(db.session.scalars(select(LiveAnswer)).all()) == 16
    assert db.session.get(LiveGame, game_id).state == "reveal"
