"""How the ordinary pages hold up when a whole class opens them at once.

Builds, in a temporary SQLite database: the built-in decks, public synthetic decks
of 100, 2,000 and 10,000 facts, and a student who studies the 2,000-fact deck
with a year of reviews (60 a day, bulk-inserted). Starts `quizapp serve` (its
default workers) on 127.0.0.1, logs the student in over HTTP, and for each page
measures it alone (1 client) and under load (CLIENTS concurrent keep-alive
clients for SECONDS), printing p50, p99, p99/p50 and requests per second, plus the
page's size. Issue 21's goals: p99 < 500 ms and p99/p50 < 10 under 30 clients, and
deck pages flat in cost and size from 100 to 10,000 facts.

Every request goes to 127.0.0.1; each page's run stops after SECONDS; the whole
run takes about two minutes.

Run: python bench/bench_pages.py [--clients 20] [--seconds 8]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serving import free_port, wait_until_serving
from synthetic import synthetic_deck

ROOT = Path(__file__).resolve().parents[1]
QUIZAPP = Path(sys.executable).with_name("quizapp")
PASSWORD = "bench-password-1234"
EMAIL = "student@example.com"
REVIEWS_PER_DAY = 60
DAYS = 365


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def sqlite_time(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def prepare(path: Path) -> None:
    """The decks, the student, their study items and a year of reviews."""
    from flask_migrate import upgrade

    from quizapp import create_app
    from quizapp.domain.facts import load_decks
    from quizapp.extensions import db
    from quizapp.models import Deck
    from quizapp.services import accounts
    from quizapp.services import study as study_service
    from quizapp.services.decks import sync_deck

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench"})
    now = datetime.now(UTC)
    with app.app_context():
        upgrade()
        for deck in load_decks([ROOT / "questions"]):
            sync_deck(deck)
        for size in (100, 2_000, 10_000):
            sync_deck(synthetic_deck(size, random.Random(size), key=f"facts-{size}"))
        student = accounts.register(EMAIL, "Student", PASSWORD, "student")
        deck = db.session.scalar(db.select(Deck).where(Deck.key == "facts-2000"))
        study_service.enroll(student, deck, now)
        user_id, deck_id = student.id, deck.id
        db.session.remove()
        db.engine.dispose()
    conn = sqlite3.connect(path)
    items = conn.execute(
        "SELECT id, fact_id FROM study_items WHERE user_id = ?", (user_id,)
    ).fetchall()
    rng = random.Random(7)
    rows = []
    for day in range(DAYS, 0, -1):
        for n in range(REVIEWS_PER_DAY):
            item_id, fact_id = rng.choice(items)
            moment = now - timedelta(days=day, minutes=n)
            rating = rng.choice((1, 3, 3, 3, 4))
            rows.append(
                (
                    user_id,
                    item_id,
                    fact_id,
                    deck_id,
                    "typed",
                    f"bench-{day}-{n}",
                    rating,
                    rating > 1,
                    4000,
                    sqlite_time(moment),
                    "review",
                    10.0,
                    5.0,
                    sqlite_time(moment),
                    sqlite_time(moment - timedelta(days=3)),
                    5,
                    0,
                    "review",
                    12.0,
                    5.0,
                    sqlite_time(moment + timedelta(days=12)),
                )
            )
    conn.executemany(
        "INSERT INTO review_logs (user_id, item_id, fact_id, deck_id, kind, request_id, rating,"
        " correct, elapsed_ms, reviewed_at, state_before, stability_before, difficulty_before,"
        " due_before, last_review_before, reps_before, lapses_before, state_after,"
        " stability_after, difficulty_after, due_after)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.commit()
    conn.close()


class Client:
    """One keep-alive HTTP connection with the student's cookies."""

    def __init__(self, port: int, cookie: str) -> None:
        self.port, self.cookie = port, cookie
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            self.conn.request("GET", path, headers={"Cookie": self.cookie})
            response = self.conn.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            return 0, b""


def log_in(port: int) -> str:
    """The student's session cookie, through the real log-in form (CSRF on)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/auth/login")
    response = conn.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    body = f"csrf_token={token.group(1)}&email={EMAIL}&password={PASSWORD.replace(' ', '+')}"
    conn.request(
        "POST",
        "/auth/login",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    response = conn.getresponse()
    response.read()
    session = response.getheader("Set-Cookie", "").split(";")[0]
    if response.status != 302 or not session:
        raise SystemExit(f"log-in failed: {response.status}")
    return session


def run_page(port: int, cookie: str, path: str, clients: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors = [0]
    size = [0]
    stop_at = time.monotonic() + seconds
    lock = threading.Lock()

    def worker() -> None:
        client = Client(port, cookie)
        mine = []
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            status, body = client.get(path)
            mine.append(time.perf_counter() - started)
            if status != 200:
                errors[0] += 1
            size[0] = len(body)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {
        "p50": percentile(latencies, 50) * 1000,
        "p99": percentile(latencies, 99) * 1000,
        "rps": len(latencies) / elapsed,
        "errors": errors[0],
        "kb": size[0] / 1024,
    }


PAGES = [
    ("home", "/"),
    ("deck page, 100 facts", "/decks/facts-100"),
    ("deck page, 2,000 facts", "/decks/facts-2000"),
    ("deck page, 10,000 facts", "/decks/facts-10000"),
    ("deck search, 10,000 facts", "/decks/facts-10000?q=Company+12"),
    ("study review", "/study/review?deck=facts-2000"),
    ("study statistics", "/study/stats?deck=facts-2000"),
    ("scores", "/scores/"),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    path = tmp / "bench.sqlite"
    started = time.perf_counter()
    prepare(path)
    built = time.perf_counter() - started
    print(f"dataset built in {built:.0f} s ({DAYS * REVIEWS_PER_DAY:,} reviews)")
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{path}",
        "SECRET_KEY": "bench-secret",
        "QUIZAPP_DISABLE_RATELIMIT": "1",
    }
    log = open(tmp / "server.log", "w")  # noqa: SIM115
    command = [str(QUIZAPP), "serve", "--port", str(port)]
    server = subprocess.Popen(command, env=env, cwd=tmp, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_serving(port, server, tmp / "server.log")
        cookie = log_in(port)
        print(f"server: quizapp serve; {args.clients} clients, {args.seconds:.0f} s a page")
        print(
            "| page | size | alone p50 | clients p50 | p99 | p99/p50 | req/s | errors |\n"
            "|---|---|---|---|---|---|---|---|"
        )
        for name, page in PAGES:
            alone = run_page(port, cookie, page, 1, min(3.0, args.seconds))
            loaded = run_page(port, cookie, page, args.clients, args.seconds)
            ratio = loaded["p99"] / loaded["p50"] if loaded["p50"] else float("nan")
            print(
                f"| {name} | {loaded['kb']:.0f} KB | {alone['p50']:.0f} ms | {loaded['p50']:.0f} ms"
                f" | {loaded['p99']:.0f} ms | {ratio:.1f} | {loaded['rps']:.0f}"
                f" | {loaded['errors']} |",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
