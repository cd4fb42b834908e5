"""How the ordinary pages hold up when a whole class opens them at once.

Builds, in a temporary SQLite database (or a throwaway PostgreSQL one with
--postgres URL): the built-in decks, public synthetic decks of 100, 2,000 and 10,000
facts, a student who studies the 2,000-fact deck with a year of reviews (60 a day),
a heavy learner with 100,000 reviews over the same year, and a teacher with 5
classes of 30 students who each sat 40 weekly assignments (bench/classes.py). The
reviews are bulk-inserted, the study items set as the reviews left them and the
daily counts made as the migration makes them. Starts `quizapp serve` on 127.0.0.1
(--worker-class gevent or gthread), logs each user in through the real form, and
for each page measures it alone (1 client) and under load (CLIENTS concurrent
keep-alive clients for SECONDS), printing p50, p99, p99/p50, requests per second and
the page's size, and how long a request served on the event loop (where the live game's
requests run) waits while the statistics page is loaded. "statistics + 3 charts" fetches the page
and its three charts in a row as one sample, revalidating the charts with their ETags as
a browser does.
Issue 21's goals: p99 < 500 ms and p99/p50 < 10 under 30 clients, the statistics
page under 20 ms alone at 100,000 reviews, deck pages flat from 100 to 10,000 facts.

Every request goes to 127.0.0.1; each page's run stops after SECONDS; the whole
run takes about three minutes.

With --with-live PLAYERS, a live game of that many players is then played alone and
again while the clients browse (bench/live_with_pages.py): its answer p99 should stay.

Run: python bench/bench_pages.py [--clients 20] [--seconds 8] [--worker-class gthread]
     [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test] [--only stat]
     [--with-live 300]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from classes import build_classes
from serving import free_port, wait_until_serving
from synthetic import synthetic_deck

ROOT = Path(__file__).resolve().parents[1]
QUIZAPP = Path(sys.executable).with_name("quizapp")
PASSWORD = "bench-password-1234"
USERS = {
    "student": "student@example.com",
    "heavy": "heavy@example.com",
    "teacher": "teacher@example.com",
}
LIVE_HOST = "host@example.com"  # the teacher bench_live's game logs in as
DAYS = 365
REVIEWS_PER_DAY = {"student": 60, "heavy": 274}  # 21,900 and 100,010 reviews


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def _study_year(user, deck, per_day: int, now: datetime, rng: random.Random) -> None:
    """A year of reviews of the deck's items, and the items as those reviews left them."""
    from sqlalchemy import insert, select, update

    from quizapp.extensions import db
    from quizapp.models import ReviewLog, StudyItem
    from quizapp.services import review_days, study

    study.enroll(user, deck, now - timedelta(days=DAYS + 1))
    items = db.session.execute(
        select(StudyItem.id, StudyItem.fact_id).where(StudyItem.user_id == user.id)
    ).all()
    last: dict[int, dict] = {}
    rows = []
    for day in range(DAYS, 0, -1):
        for n in range(per_day):
            item_id, fact_id = rng.choice(items)
            moment = now - timedelta(days=day, seconds=n * 240 // max(1, per_day // 60))
            rating = rng.choice((1, 3, 3, 3, 4))
            stability = rng.uniform(1, 60)
            after = stability * (0.3 if rating == 1 else 2.5)
            rows.append(
                {
                    "user_id": user.id,
                    "item_id": item_id,
                    "fact_id": fact_id,
                    "deck_id": deck.id,
                    "kind": "typed",
                    "request_id": f"bench-{day}-{n}",
                    "rating": rating,
                    "correct": rating > 1,
                    "elapsed_ms": 4000,
                    "reviewed_at": moment,
                    "state_before": "review",
                    "stability_before": stability,
                    "difficulty_before": 5.0,
                    "due_before": moment,
                    "last_review_before": moment - timedelta(days=3),
                    "reps_before": 5,
                    "lapses_before": 0,
                    "state_after": "review",
                    "stability_after": after,
                    "difficulty_after": 5.0,
                    "due_after": moment + timedelta(days=after),
                }
            )
            last[item_id] = rows[-1]
        if len(rows) >= 20_000:
            db.session.execute(insert(ReviewLog), rows)
            rows = []
    if rows:
        db.session.execute(insert(ReviewLog), rows)
    db.session.execute(
        update(StudyItem),
        [
            {
                "id": item_id,
                "state": "review",
                "step": None,
                "stability": log["stability_after"],
                "difficulty": 5.0,
                "due": log["due_after"],
                "last_review": log["reviewed_at"],
                "reps": 5,
            }
            for item_id, log in last.items()
        ],
    )
    db.session.commit()
    with review_days.write_transaction() as session:  # what the migration does
        review_days.rebuild(session, user.id, study.get_prefs(user).timezone)


def prepare(url: str) -> dict[str, str]:
    """The decks, the learners and their year, the teacher and theirs.

    Returns:
        Paths of the teacher's pages ("{class}", "{assignment}").
    """
    from flask_migrate import upgrade

    from quizapp import create_app
    from quizapp.domain.facts import load_decks
    from quizapp.extensions import db
    from quizapp.models import Deck
    from quizapp.services import accounts
    from quizapp.services.decks import sync_deck

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    now = datetime.now(UTC)
    rng = random.Random(7)
    with app.app_context():
        upgrade()
        for deck in load_decks([ROOT / "questions"]):
            sync_deck(deck)
        for size in (100, 2_000, 10_000):
            sync_deck(synthetic_deck(size, random.Random(size), key=f"facts-{size}"))
        deck = db.session.scalar(db.select(Deck).where(Deck.key == "facts-2000"))
        for who, per_day in REVIEWS_PER_DAY.items():
            learner = accounts.register(USERS[who], who.title(), PASSWORD, "student")
            _study_year(learner, deck, per_day, now, rng)
        class_id, assignment_id = build_classes(USERS["teacher"], PASSWORD, now, rng)
        accounts.register(LIVE_HOST, "Live Host", PASSWORD, "teacher")  # --with-live
        db.session.remove()
        db.engine.dispose()
    return {"class": str(class_id), "assignment": str(assignment_id)}


class Client:
    """One keep-alive HTTP connection with a user's cookies; it revalidates what came
    with an ETag, as a browser does."""

    def __init__(self, port: int, cookie: str) -> None:
        self.port, self.cookie = port, cookie
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.etags: dict[str, str] = {}

    def get(self, path: str) -> tuple[int, bytes]:
        headers = {"Cookie": self.cookie}
        if path in self.etags:
            headers["If-None-Match"] = self.etags[path]
        try:
            self.conn.request("GET", path, headers=headers)
            response = self.conn.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            return 0, b""
        if response.getheader("ETag"):
            self.etags[path] = response.getheader("ETag")
        return response.status, body


def log_in(port: int, email: str) -> str:
    """A session cookie, through the real log-in form (CSRF on)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/auth/login")
    response = conn.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    body = f"csrf_token={token.group(1)}&email={email}&password={PASSWORD.replace(' ', '+')}"
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


def run_page(port: int, cookie: str, paths: list[str], clients: int, seconds: float) -> dict:
    """Each client fetches `paths` in a row, again and again; one sample per round."""
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
            for path in paths:
                status, body = client.get(path)
                if status not in (200, 304):
                    errors[0] += 1
                if path == paths[0]:
                    size[0] = len(body)
            mine.append(time.perf_counter() - started)
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


STATS = "/study/stats?deck=facts-2000"
CHARTS = [
    "/study/stats/retention.svg?deck=facts-2000",
    "/study/stats/forecast.svg?deck=facts-2000",
    "/study/stats/states.svg?deck=facts-2000",
]
# (name, who, paths): the teacher's paths name their class and assignment.
PAGES = [
    ("home", "student", ["/"]),
    ("deck page, 100 facts", "student", ["/decks/facts-100"]),
    ("deck page, 2,000 facts", "student", ["/decks/facts-2000"]),
    ("deck page, 10,000 facts", "student", ["/decks/facts-10000"]),
    ("deck search, 10,000 facts", "student", ["/decks/facts-10000?q=Company+12"]),
    ("study review", "student", ["/study/review?deck=facts-2000"]),
    ("study statistics, 21,900 reviews", "student", [STATS]),
    ("statistics + 3 charts", "student", [STATS, *CHARTS]),
    ("study statistics, 100,010 reviews", "heavy", [STATS]),
    ("scores", "student", ["/scores/"]),
    ("export, 100 facts (Anki package)", "student", ["/export/facts-100"]),
    ("class page (30 students, 40 assignments)", "teacher", ["/classes/{class}"]),
    ("gradebook (30 x 40)", "teacher", ["/classes/{class}/gradebook"]),
    ("assignment report", "teacher", ["/classes/{class}/assignments/{assignment}"]),
]


def probe_loop(port: int, cookie: str, clients: int, seconds: float) -> str:
    """How long a request served on the event loop waits while `clients` load the
    statistics page: a poll of an unknown live game (/play/.../state, answered 404 by
    Flask on the loop, where the live game's requests run) every 20 ms."""
    polls: list[float] = []
    stop_at = time.monotonic() + seconds
    loader = threading.Thread(target=run_page, args=(port, cookie, [STATS], clients, seconds))
    loader.start()
    client = Client(port, "")
    while time.monotonic() < stop_at:
        time.sleep(0.02)
        started = time.perf_counter()
        client.get("/play/999999/state")
        polls.append(time.perf_counter() - started)
    loader.join()
    return (
        f"a request on the event loop while {clients} clients load the statistics:"
        f" p50 {percentile(polls, 50) * 1000:.0f} ms, p99 {percentile(polls, 99) * 1000:.0f} ms"
        f" ({len(polls)} polls)"
    )


class Database:
    """The benchmark's database: a temporary SQLite file, or a throwaway PostgreSQL one."""

    def __init__(self, tmp: Path, postgres: str | None) -> None:
        self.postgres = postgres
        if postgres is None:
            self.url = f"sqlite:///{tmp / 'bench.sqlite'}"
            return
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        self.name = f"bench_pages_{os.getpid()}"
        self.server = create_engine(postgres, isolation_level="AUTOCOMMIT")
        with self.server.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{self.name}"')
        self.url = make_url(postgres).set(database=self.name).render_as_string(False)

    def drop(self) -> None:
        if self.postgres is not None:
            with self.server.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            self.server.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--worker-class", choices=("gevent", "gthread"), default=None)
    parser.add_argument("--threads", type=int, default=None, help="gthread: threads per worker")
    parser.add_argument(
        "--page-threads", type=int, default=None, help="gevent: threads that render pages"
    )
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server to use")
    parser.add_argument(
        "--only", default="", help="measure only pages whose name has one of these (a,b)"
    )
    parser.add_argument(
        "--with-live",
        type=int,
        default=0,
        metavar="PLAYERS",
        help="then play a live game of PLAYERS alone and while CLIENTS browse pages",
    )
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    database = Database(tmp, args.postgres)
    try:
        started = time.perf_counter()
        ids = prepare(database.url)
        built = time.perf_counter() - started
        reviews = DAYS * sum(REVIEWS_PER_DAY.values())
        print(f"dataset built in {built:.0f} s ({reviews:,} reviews)")
        serve(database.url, tmp, ids, args)
    finally:
        database.drop()
    return 0


def serve(url: str, tmp: Path, ids: dict[str, str], args) -> None:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-secret",
        "QUIZAPP_DISABLE_RATELIMIT": "1",
    }
    command = [str(QUIZAPP), "serve", "--port", str(port)]
    if args.worker_class:
        command += ["--worker-class", args.worker_class]
    if args.threads:
        command += ["--threads", str(args.threads)]
    if args.page_threads is not None:
        command += ["--page-threads", str(args.page_threads)]
    log = open(tmp / "server.log", "w")  # noqa: SIM115
    server = subprocess.Popen(command, env=env, cwd=tmp, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_serving(port, server, tmp / "server.log")
        cookies = {who: log_in(port, email) for who, email in USERS.items()}
        database = "PostgreSQL" if url.startswith("postgres") else "SQLite"
        shape = args.worker_class or "default workers"
        if args.page_threads is not None:
            shape += f", --page-threads {args.page_threads}"
        print(
            f"server: quizapp serve ({shape}, {database}); {args.clients} clients, "
            f"{args.seconds:.0f} s a page; load average {os.getloadavg()[0]:.1f} (the"
            f" machine's other work shares its cores)"
        )
        print(
            "| page | size | alone p50 | clients p50 | p99 | p99/p50 | req/s | errors |\n"
            "|---|---|---|---|---|---|---|---|"
        )
        for name, who, paths in PAGES:
            if not any(part in name for part in args.only.split(",")):
                continue
            paths = [path.format(**ids) for path in paths]
            alone = run_page(port, cookies[who], paths, 1, min(3.0, args.seconds))
            loaded = run_page(port, cookies[who], paths, args.clients, args.seconds)
            ratio = loaded["p99"] / loaded["p50"] if loaded["p50"] else float("nan")
            print(
                f"| {name} | {loaded['kb']:.0f} KB | {alone['p50']:.0f} ms | {loaded['p50']:.0f} ms"
                f" | {loaded['p99']:.0f} ms | {ratio:.1f} | {loaded['rps']:.0f}"
                f" | {loaded['errors']} |",
                flush=True,
            )
        print(probe_loop(port, cookies["student"], args.clients, args.seconds))
        if args.with_live:
            from live_with_pages import run_together

            lines = run_together(
                port, url, Client, cookies["student"], args.clients, args.with_live
            )
            print("\n".join(lines))
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


if __name__ == "__main__":
    sys.exit(main())
