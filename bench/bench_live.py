"""How many live-game players one small server holds.

Starts the app with `quizapp serve` (gunicorn, gevent workers) on a fresh SQLite
database in a temporary folder, or with --postgres on a throwaway PostgreSQL
database (migrated, decks loaded), then for N = 300, 1,000
and 2,000 players: a host logs in and drives a 10-question game over HTTP, N
simulated players join with a PIN and a nickname, poll their state with an ETag as
live_player.js does (a 304 while nothing changed, at the `poll_ms` the server
asks for), see every question, answer at a random moment within the limit, and 5%
of them send their answer a second time (a double submit), on a second keep-alive
connection as a browser does while its poll is in flight. All traffic goes to
127.0.0.1; each size is capped at `budget_s` and the run at the sum (about 6 minutes
with the default 5-second questions; `--seconds 20`, the game's default limit, takes
about 14).

Printed per N: answers sent (first submissions), answers stored (must be equal),
duplicates stored (must be 0), refused answers, p50/p99 latency of an answer, p99
delay from the host's "next" to a player seeing the question, the spread between
players of the moment their screen shows the options (the question comes first and
its options open at an announced server time: see `domain.live.lead_in_ms`) and the
speed points that spread costs, players who missed a question, requests per second,
and the server's CPU (all its processes) and memory.

The load generator is one asyncio process with raw HTTP/1.1 keep-alive connections
(two per player), so it stays light: it shares the 2 cores with the server, and it
prints how late its own event loop ran (part of every latency it measures).

Run: python bench/bench_live.py [--sizes 300,1000,2000] [--questions 10] [--seconds 5]
     [--workers N] [--worker-class gevent|gthread] [--threads N] [--access-log FILE]
     [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from serving import free_port, wait_until_serving  # noqa: E402

QUIZAPP = Path(sys.executable).with_name("quizapp")


def budget_s(questions: int, seconds: int) -> float:
    """Seconds one size may take before its host ends the game early (the questions
    played are reported): each question's limit, its reveal and top 5, and the joins."""
    return questions * (seconds + 3 + 10) + 40  # 10: the lead-in, at most 3 x 3 s + 1 s


PASSWORD = "bench-password-1234"
LOBBY_S = 5.0
REPLAY_SHARE = 0.05


# --- a tiny HTTP/1.1 keep-alive client ---------------------------------------------------------


class Connection:
    """One keep-alive connection with a cookie jar (one per simulated browser)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.cookies: dict[str, str] = {}
        self._second: Connection | None = None
        self.busy = False  # a request is in flight on it

    @property
    def second(self) -> Connection:
        """Another connection of the same browser (same cookies), opened when needed."""
        if self._second is None:
            self._second = Connection(self.port)
            self._second.cookies = self.cookies
        return self._second

    async def _open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    async def close(self) -> None:
        if self._second is not None:
            await self._second.close()
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
            self.writer = None

    async def request(
        self, method: str, path: str, form: dict | list | None = None, headers: dict | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        body = urlencode(form, doseq=True).encode() if form is not None else b""
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        for key, value in (headers or {}).items():
            lines.append(f"{key}: {value}")
        if method == "POST":
            lines.append("Content-Type: application/x-www-form-urlencoded")
            lines.append(f"Content-Length: {len(body)}")
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        self.busy = True
        try:
            return await self._send(raw)
        finally:
            self.busy = False

    async def _send(self, raw: bytes) -> tuple[int, dict[str, str], bytes]:
        for attempt in (1, 2):
            try:
                if self.writer is None:
                    await self._open()
                self.writer.write(raw)
                await self.writer.drain()
                return await self._read()
            except (ConnectionError, asyncio.IncompleteReadError, OSError):
                await self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _read(self) -> tuple[int, dict[str, str], bytes]:
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if not line:
                continue
            key, _, value = line.partition(":")
            key, value = key.strip().lower(), value.strip()
            if key == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
            headers[key] = value
        length = int(headers.get("content-length", "0"))
        body = await self.reader.readexactly(length) if length else b""
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, headers, body


class Clock:
    """A player's estimate of the server's clock, as live_player.js keeps it: the
    offset measured by the poll with the fastest round trip (which ages a little)."""

    def __init__(self) -> None:
        self.offset: float | None = None
        self.best_trip = float("inf")

    def learn(self, headers: dict[str, str], sent_at: float) -> None:
        server = headers.get("x-server-time")
        if not server:
            return
        now = time.time()
        trip = now - sent_at
        self.best_trip += 0.002
        if trip <= self.best_trip:
            self.best_trip = trip
            self.offset = (sent_at + now) / 2 - int(server) / 1000

    def opening(self, question: dict, received: float) -> float:
        """When (time.time()) this player's screen shows the options."""
        if self.offset is not None and question.get("options_at_ms"):
            return max(received, question["options_at_ms"] / 1000 + self.offset)
        return received + question.get("opens_in_ms", 0) / 1000


CSRF = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')
KEY = re.compile(rb'data-player-key="([0-9a-f]+)"')


# --- the server's processes ----------------------------------------------------------------


def process_tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime
        except (OSError, IndexError, ValueError):
            pass
    return total / ticks


def rss_mb(pids: list[int]) -> float:
    total_kb = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total_kb += int(line.split()[1])
        except OSError:
            pass
    return total_kb / 1024


# --- setup -----------------------------------------------------------------------------------


def prepare_database(url: str) -> None:
    """Migrate, load the built-in decks, create the teacher (in this process)."""
    from flask_migrate import upgrade

    from quizapp import create_app
    from quizapp.domain.facts import load_decks
    from quizapp.extensions import db
    from quizapp.services import accounts
    from quizapp.services.decks import sync_deck

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        for deck in load_decks([ROOT / "questions"]):
            sync_deck(deck)
        accounts.register("host@example.com", "Bench Host", PASSWORD, "teacher")
        db.session.remove()
        db.engine.dispose()


def throwaway_postgres(server_url: str):
    """(URL of a new empty database on that server, a function that drops it)."""
    import uuid

    import sqlalchemy as sa

    name = f"bench_live_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(server_url).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


def count_stored(url: str, game_id: int) -> tuple[int, int, int, set[tuple[str, int]]]:
    """(answers stored, duplicate (player, question) pairs, players, the (nickname,
    position) of every stored answer) for a game."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        stored = conn.execute(
            sa.text("SELECT count(*) FROM live_answers WHERE game_id = :g"), {"g": game_id}
        ).scalar()
        duplicates = conn.execute(
            sa.text(
                "SELECT count(*) FROM (SELECT player_id, live_question_id FROM live_answers "
                "WHERE game_id = :g GROUP BY player_id, live_question_id HAVING count(*) > 1) d"
            ),
            {"g": game_id},
        ).scalar()
        players = conn.execute(
            sa.text("SELECT count(*) FROM live_players WHERE game_id = :g"), {"g": game_id}
        ).scalar()
        answered = {
            (nickname, position)
            for nickname, position in conn.execute(
                sa.text(
                    "SELECT p.nickname, q.position FROM live_answers a "
                    "JOIN live_players p ON p.id = a.player_id "
                    "JOIN live_questions q ON q.id = a.live_question_id WHERE a.game_id = :g"
                ),
                {"g": game_id},
            )
        }
    engine.dispose()
    return stored, duplicates, players, answered


# --- one game --------------------------------------------------------------------------------


@dataclass
class Figures:
    players: int
    joined: int = 0
    join_s: float = 0.0
    sent: int = 0
    acknowledged: int = 0
    acked: set[tuple[str, int]] = field(default_factory=set)  # (nickname, position)
    replays: int = 0
    replay_not_first: int = 0
    refused: int = 0
    errors: int = 0
    answer_ms: list[float] = field(default_factory=list)
    seen_delay_ms: list[float] = field(default_factory=list)
    # Per question, when each player's screen shows the options (time.time()).
    visible: dict[int, list[float]] = field(default_factory=dict)
    missed: int = 0
    requests: int = 0
    not_modified: int = 0
    ask_times: dict[int, float] = field(default_factory=dict)
    game_id: int = 0
    played: int = 0


class Game:
    def __init__(self, port: int, figures: Figures, questions: int, seconds: int) -> None:
        self.port = port
        self.figures = figures
        self.questions = questions
        self.seconds = seconds
        self.game_id = 0
        self.pin = ""
        self.finished = asyncio.Event()
        self.pending: list[asyncio.Task] = []

    async def host(self, host: Connection) -> None:
        status, _, body = await host.request("GET", "/live/")
        token = CSRF.search(body).group(1).decode()
        status, headers, _ = await host.request(
            "POST",
            "/live/new?deck=software-companies",
            {
                "csrf_token": token,
                "kinds": ["multiple_choice", "true_false", "multiple_select", "reverse"],
                "question_count": str(self.questions),
                "seconds": str(self.seconds),
                "scoring": "speed",
                "streak_bonus": "y",
            },
        )
        assert status == 302, status
        self.game_id = int(headers["location"].rstrip("/").rsplit("/", 1)[1])
        status, _, body = await host.request("GET", f"/live/games/{self.game_id}")
        self.pin = re.search(rb'class="pin">(\d{6})<', body).group(1).decode()
        self.csrf = CSRF.search(body).group(1).decode()

    async def host_state(self, host: Connection) -> dict:
        _, _, body = await host.request(
            "GET", f"/live/games/{self.game_id}/state", headers={"Accept": "application/json"}
        )
        return json.loads(body)

    async def host_next(self, host: Connection) -> None:
        state = await self.host_state(host)
        status, _, _ = await host.request(
            "POST",
            f"/live/games/{self.game_id}/next",
            {"csrf_token": self.csrf, "version": str(state["version"])},
            headers={"Accept": "application/json"},
        )
        assert status == 200, status

    async def drive(self, host: Connection, stop_at: float) -> None:
        for position in range(self.questions):
            if time.monotonic() > stop_at:
                break  # over this size's time budget: the host ends the game early
            self.figures.ask_times[position] = time.monotonic()
            await self.host_next(host)  # ask
            # wait for the deadline (or everybody's answer, which reveals by itself);
            # the lead-in before the options open is part of it
            remaining = (await self.host_state(host))["remaining_ms"] / 1000
            deadline = time.monotonic() + remaining + 0.3
            while time.monotonic() < deadline:
                await asyncio.sleep(0.5)
                if (await self.host_state(host))["state"] != "question":
                    break
            if (await self.host_state(host))["state"] == "question":
                await self.host_next(host)  # reveal
            await asyncio.sleep(0.5)
            await self.host_next(host)  # top 5
            await asyncio.sleep(0.5)
            self.figures.played = position + 1
        if self.figures.played == self.questions:
            await self.host_next(host)  # podium
        else:
            await host.request(
                "POST",
                f"/live/games/{self.game_id}/end",
                {"csrf_token": self.csrf, "version": "0"},
                headers={"Accept": "application/json"},
            )
        self.finished.set()

    async def player(
        self, index: int, conn: Connection, start: asyncio.Event, joining, rng
    ) -> None:
        figures = self.figures
        async with joining:  # a class arrives over a few seconds, not in one instant
            _, _, body = await conn.request("GET", f"/play?pin={self.pin}")
            token = CSRF.search(body).group(1).decode()
            status, _, _ = await conn.request(
                "POST", "/play", {"csrf_token": token, "pin": self.pin, "nickname": f"p{index}"}
            )
        if status != 302:
            figures.errors += 1
            return
        # The browser follows the redirect to the play page, which holds the key its
        # script sends with each answer.
        status, _, body = await conn.request("GET", f"/play/{self.game_id}")
        key = KEY.search(body)
        if status != 200 or key is None:
            figures.errors += 1
            return
        player_key = key.group(1).decode()
        figures.joined += 1
        await start.wait()
        etag = None
        answered: set[int] = set()
        seen: set[int] = set()
        replay = rng.random() < REPLAY_SHARE
        poll_s = 1.0
        state_path = f"/play/{self.game_id}/state"
        clock = Clock()
        while True:
            headers = {"Accept": "application/json"}
            if etag:
                headers["If-None-Match"] = etag
            sent_at = time.time()
            status, response_headers, body = await conn.request("GET", state_path, headers=headers)
            clock.learn(response_headers, sent_at)
            figures.requests += 1
            if status == 304:
                figures.not_modified += 1
            elif status == 200:
                etag = response_headers.get("etag")
                state = json.loads(body)
                poll_s = state.get("poll_ms", 1000) / 1000
                if state["state"] == "finished":
                    break
                question = state.get("question")
                if state["state"] == "question" and question:
                    position = question["position"]
                    opens_in = question.get("opens_in_ms", 0) / 1000
                    if position not in seen:
                        seen.add(position)
                        received = time.monotonic()
                        asked = figures.ask_times.get(position)
                        if asked is not None:
                            figures.seen_delay_ms.append((received - asked) * 1000)
                        # As live_player.js: the options show at the announced opening
                        # (on this player's estimate of the server's clock), or at once
                        # if the state came after it.
                        figures.visible.setdefault(position, []).append(
                            clock.opening(question, time.time())
                        )
                    if position not in answered and not state["answered"]:
                        answered.add(position)
                        room = max(0.0, question["remaining_ms"] / 1000 - opens_in - 1.0)
                        self.pending.append(
                            asyncio.get_running_loop().create_task(
                                self.answer(
                                    conn,
                                    token,
                                    player_key,
                                    question,
                                    opens_in + rng.uniform(0, room),
                                    replay,
                                    rng,
                                    f"p{index}",
                                )
                            )
                        )
            else:
                figures.errors += 1
            await asyncio.sleep(poll_s * rng.uniform(0.9, 1.1))
        figures.missed += self.questions - len(seen)

    async def answer(self, conn, token, player_key, question, delay, replay, rng, who) -> None:
        await asyncio.sleep(delay)
        n = len(question["options"])
        picks = rng.sample(range(n), rng.randint(1, 2)) if question["multi"] else [rng.randrange(n)]
        form = {"csrf_token": token, "position": str(question["position"]), "pick": picks}
        headers = {"Accept": "application/json", "X-CSRFToken": token, "X-Live-Key": player_key}
        # The answer goes on a second keep-alive connection of the player's, as a
        # browser opens one when its poll is in flight, and keeps it for the next. If
        # that one still waits for the previous answer (a very slow server), a browser
        # opens another: two requests on one connection would read each other's replies.
        single = conn.second
        spare = None
        if single.busy:
            spare = single = Connection(conn.port)
            spare.cookies = conn.cookies
        for attempt in range(2 if replay else 1):
            started = time.perf_counter()
            if attempt == 0:
                self.figures.sent += 1
            try:
                status, _, body = await single.request(
                    "POST", f"/play/{self.game_id}/answer", form, headers
                )
            except (OSError, asyncio.IncompleteReadError):
                self.figures.errors += 1
                return
            if attempt == 0:
                self.figures.answer_ms.append((time.perf_counter() - started) * 1000)
                if status == 200:
                    self.figures.acknowledged += 1
                    self.figures.acked.add((who, question["position"]))
                elif status in (403, 409):
                    self.figures.refused += 1
                else:
                    self.figures.errors += 1
            else:
                self.figures.replays += 1
                if status == 200 and not json.loads(body)["first"]:
                    self.figures.replay_not_first += 1
        if spare is not None:
            await spare.close()


async def play_game(
    port: int, players: int, questions: int, seconds: int, seed: int, budget_s: float
) -> Figures:
    figures = Figures(players)
    game = Game(port, figures, questions, seconds)
    host = Connection(port)
    _, _, body = await host.request("GET", "/auth/login")
    token = CSRF.search(body).group(1).decode()
    status, _, _ = await host.request(
        "POST",
        "/auth/login",
        {"csrf_token": token, "email": "host@example.com", "password": PASSWORD},
    )
    assert status == 302, f"host login failed: {status}"
    await game.host(host)
    rng = random.Random(seed)
    start = asyncio.Event()
    connections = [Connection(port) for _ in range(players)]
    joining = asyncio.Semaphore(64)

    began = time.monotonic()
    tasks = [
        asyncio.create_task(
            game.player(i, connections[i], start, joining, random.Random(rng.random()))
        )
        for i in range(players)
    ]
    while figures.joined + figures.errors < players and time.monotonic() - began < 120:
        await asyncio.sleep(0.2)
    figures.join_s = time.monotonic() - began
    start.set()
    # The class waits in the lobby a moment, polling as live_player.js does from the
    # moment a player joins, before the host starts: each device's estimate of the
    # server's clock then rests on a few polls, not on one made in the first burst.
    await asyncio.sleep(LOBBY_S)
    await game.drive(host, began + budget_s)
    await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), timeout=30)
    answered = await asyncio.wait_for(
        asyncio.gather(*game.pending, return_exceptions=True), timeout=30
    )
    # An answer task that failed in the load generator itself (not the server's doing).
    figures.errors += sum(1 for result in answered if isinstance(result, BaseException))
    for conn in [host, *connections]:
        await conn.close()
    figures.game_id = game.game_id
    return figures


def visible_spread_ms(visible: dict[int, list[float]]) -> list[float]:
    """Per player and question: how much later than the first player of that question
    their screen showed the options."""
    return [(t - min(times)) * 1000 for times in visible.values() for t in times]


def points_lost(spread_ms: list[float], seconds: int) -> list[int]:
    """What each of those delays costs a right answer under speed scoring (which counts
    from the opening), against the same answer given as soon as the first player saw it."""
    from quizapp.domain.live import MAX_POINTS, speed_points

    return [MAX_POINTS - speed_points(round(d), seconds * 1000) for d in spread_ms]


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="300,1000,2000")
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=5, help="time limit per question")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--worker-class", default=None, choices=["gevent", "gthread"])
    parser.add_argument("--access-log", default=None, help="the server's access log, to FILE")
    parser.add_argument(
        "--postgres",
        default=None,
        metavar="URL",
        help="run on PostgreSQL: a throwaway database is made on this server "
        "(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test) and dropped after",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 16_384)), hard))

    run_started = time.monotonic()
    # Stop starting new sizes after this: the run is bounded whatever it meets.
    total_cap = len(sizes) * (budget_s(args.questions, args.seconds) + 30)
    tmp = Path(tempfile.mkdtemp(prefix="bench-live-"))
    if args.postgres:
        url, drop = throwaway_postgres(args.postgres)
    else:
        url, drop = f"sqlite:///{tmp / 'bench.sqlite'}", None
    prepare_database(url)
    port = free_port()
    command = [str(QUIZAPP), "serve", "--port", str(port)]
    if args.workers:
        command += ["--workers", str(args.workers)]
    if args.threads:
        command += ["--threads", str(args.threads)]
    if args.worker_class:
        command += ["--worker-class", args.worker_class]
    if args.access_log:
        command += ["--access-log", str(Path(args.access_log).resolve())]
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-secret",
        "QUIZAPP_DISABLE_RATELIMIT": "1",
    }
    log = open(tmp / "server.log", "w")  # noqa: SIM115
    server = subprocess.Popen(command, env=env, cwd=tmp, stdout=log, stderr=subprocess.STDOUT)
    results = []
    rows = [
        "| players | answers sent / stored / duplicates / refused late | answer p50 / p99 "
        "| next -> seen p99 | options visible spread p50 / p99 | points lost p99 "
        "| server CPU, RSS | load generator CPU |",
        "|---|---|---|---|---|---|---|---|",
    ]
    try:
        wait_until_serving(port, server, tmp / "server.log")
        where = "PostgreSQL" if args.postgres else f"SQLite at {tmp}"
        print(f"server: {' '.join(command[1:])} (pid {server.pid}), {where}")
        print(
            f"game: {args.questions} questions, {args.seconds} s each; "
            f"{int(REPLAY_SHARE * 100)}% of players submit each answer twice"
        )
        for n in sizes:
            if time.monotonic() - run_started > total_cap:
                print(f"N={n}: skipped, the run's time cap ({total_cap:.0f} s) was reached")
                continue
            pids = process_tree(server.pid)
            cpu_before, t_before = cpu_seconds(pids), time.monotonic()
            me_before = sum(os.times()[:2])
            peak = [rss_mb(pids)]

            lag: list[float] = []

            async def sample(stop: asyncio.Event, peak=peak) -> None:
                while not stop.is_set():
                    peak.append(rss_mb(process_tree(server.pid)))
                    await asyncio.sleep(1.0)

            async def watch_loop(stop: asyncio.Event, lag=lag) -> None:
                # How late this process's own event loop runs a timer: a latency
                # measured here includes up to this much of the load generator's delay.
                while not stop.is_set():
                    asked = time.perf_counter()
                    await asyncio.sleep(0.01)
                    lag.append((time.perf_counter() - asked - 0.01) * 1000)

            async def run(n=n) -> Figures:
                stop = asyncio.Event()
                sampler = asyncio.create_task(sample(stop))
                watcher = asyncio.create_task(watch_loop(stop))
                try:
                    budget = budget_s(args.questions, args.seconds)
                    return await play_game(
                        port, n, args.questions, args.seconds, seed=n, budget_s=budget
                    )
                finally:
                    stop.set()
                    await sampler
                    await watcher

            figures = asyncio.run(run())
            elapsed = time.monotonic() - t_before
            cpu = cpu_seconds(process_tree(server.pid)) - cpu_before
            me = sum(os.times()[:2]) - me_before
            stored, duplicates, players, answered = count_stored(url, figures.game_id)
            lost_answers = len(figures.acked - answered)
            results.append((figures, stored, duplicates, lost_answers))
            spread = visible_spread_ms(figures.visible)
            lost = points_lost(spread, args.seconds)
            rows.append(
                f"| {n:,} | {figures.sent:,} / {stored:,} / {duplicates} / {figures.refused:,}"
                f" ({figures.played} of {args.questions} questions) "
                f"| {percentile(figures.answer_ms, 50):,.0f} ms / "
                f"{percentile(figures.answer_ms, 99):,.0f} ms "
                f"| {percentile(figures.seen_delay_ms, 99) / 1000:.1f} s "
                f"| {percentile(spread, 50):,.0f} ms / {percentile(spread, 99):,.0f} ms "
                f"| {percentile(lost, 99):,.0f} "
                f"| {100 * cpu / elapsed:.0f}% of a core, {max(peak):.0f} MB "
                f"| {100 * me / elapsed:.0f}% of a core |"
            )
            print(
                f"\nN={n}: {figures.joined} joined in {figures.join_s:.1f} s "
                f"({players} player rows); {figures.played} of {args.questions} questions "
                f"played in {elapsed:.0f} s"
            )
            print(
                f"  answers sent {figures.sent}, stored {stored} "
                f"({'equal' if stored == figures.sent - figures.refused else 'NOT EQUAL'}), "
                f"duplicates stored {duplicates}, refused {figures.refused}, "
                f"errors {figures.errors}; replays {figures.replays} "
                f"(acknowledged as already answered: {figures.replay_not_first})"
            )
            unsettled = figures.sent - figures.acknowledged - figures.refused - figures.errors
            print(
                f"  acknowledged {figures.acknowledged}; acknowledged but not stored (lost): "
                f"{lost_answers}; sent but neither acknowledged nor refused: {unsettled}"
            )
            server_log = (tmp / "server.log").read_text(errors="replace")
            print(
                f"  server log so far: {server_log.count('WORKER TIMEOUT')} worker timeouts, "
                f"{server_log.count('Traceback')} tracebacks"
            )
            print(
                f"  answer latency p50 {percentile(figures.answer_ms, 50):.0f} ms, "
                f"p99 {percentile(figures.answer_ms, 99):.0f} ms, "
                f"max {max(figures.answer_ms, default=float('nan')):.0f} ms"
            )
            print(
                f"  host 'next' -> player sees the question: "
                f"p50 {percentile(figures.seen_delay_ms, 50):.0f} ms, "
                f"p99 {percentile(figures.seen_delay_ms, 99):.0f} ms; "
                f"questions missed by a player: {figures.missed}"
            )
            print(
                f"  options visible, spread between players: "
                f"p50 {percentile(spread, 50):.0f} ms, p99 {percentile(spread, 99):.0f} ms, "
                f"max {max(spread, default=float('nan')):.0f} ms; points it costs a right "
                f"answer: p50 {percentile(lost, 50):.0f}, p99 {percentile(lost, 99):.0f}"
            )
            print(
                f"  polls {figures.requests} ({figures.requests / elapsed:.0f}/s, "
                f"{100 * figures.not_modified / max(1, figures.requests):.0f}% were 304)"
            )
            print(
                f"  server CPU {cpu:.1f} s = {100 * cpu / elapsed:.0f}% of one core "
                f"(2 cores = 200%), peak RSS {max(peak):.0f} MB over "
                f"{len(process_tree(server.pid))} processes; load generator CPU {me:.1f} s"
            )
            print(
                f"  load generator's own event-loop lag: p50 {percentile(lag, 50):.0f} ms, "
                f"p99 {percentile(lag, 99):.0f} ms (part of every latency above)"
            )
            # The machine may be shared: a load average above the cores means every
            # process here waited for a core (and so did every latency above).
            print(
                f"  machine load average (1 min) at the end: {os.getloadavg()[0]:.1f} "
                f"on {os.cpu_count()} cores"
            )
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)
        if drop is not None:
            drop()
    print("\n" + "\n".join(rows))
    print(f"\ntotal {time.monotonic() - run_started:.0f} s")
    bad = [f for f, stored, dup, lost in results if dup or lost or stored != f.sent - f.refused]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
