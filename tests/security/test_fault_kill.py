"""No answer is lost when the server dies: kill -9 a worker, then the whole server.

`quizapp serve` runs with three workers on a SQLite database in a temporary
folder, with CSRF and rate limits on as in production. Learners (threads, each with
its own session cookie) answer quiz questions and rate study reviews through the
plain HTML forms over loopback HTTP. Mid-load one worker is killed with SIGKILL,
then the master and every worker. The server is started again; a learner whose
request failed sends the same form again (same request id), as a browser retry
would. At the end every answer that got a success response is in the database
exactly once, nothing else is, and `PRAGMA integrity_check` says ok.
"""

from __future__ import annotations

import http.client
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
import redis

from quizapp.domain.facts import parse_deck
from quizapp.domain.quizzes import QuizOptions
from quizapp.models import utcnow
from quizapp.services import accounts, study
from quizapp.services import decks as deck_service
from quizapp.services import quizzes as quiz_service
from tests.conftest import PASSWORD, base_config, migrate_to_head, running_app
from tests.security.forms import page_forms

pytestmark = pytest.mark.slow

QUIZAPP = Path(sys.executable).with_name("quizapp")
REDIS_URL = "redis://127.0.0.1:6379"
LEARNERS = 6  # under the log-in rate limit of one address (10 a minute)
FACTS = 12
QUIZZES_EACH = 3
PHASE = 1.5  # seconds of load before each kill, and after the restart


def fact_deck() -> str:
    lines = [
        '[deck]\nkey = "load"\ntitle = "Load"\nsource = "https://example.com"',
        'as_of = "2025"\nlanguage = "en"\n',
        "[relations.capital]",
        'label = "capitals"\nsubject = "place"\nvalue = "place"',
        'forward = "What is the capital of {subject}?"',
        'reverse = "{value} is the capital of which country?"',
        'statement = "The capital of {subject} is {value}."\n',
    ]
    for n in range(FACTS):
        lines += [f'[entities.c{n}]\nname = "Country {n}"\ntype = "place"\n']
        lines += [f'[entities.k{n}]\nname = "City {n}"\ntype = "place"\n']
    for n in range(FACTS):
        lines += [
            f'[[facts]]\nkey = "f{n}"\nsubject = "c{n}"\nrelation = "capital"\nvalue = "k{n}"',
            f'evidence = "City {n} is the capital of Country {n}."\n',
        ]
    return "\n".join(lines)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerDown(Exception):
    """The connection failed: the server (or the worker serving us) is gone."""


@dataclass
class Learner:
    email: str
    port: int
    attempts: list[int]
    cookies: dict[str, str] = field(default_factory=dict)
    # (what, request id) of every answer that got a success response
    acknowledged: list[tuple[str, str]] = field(default_factory=list)
    retried: int = 0  # answers sent again after a failed connection
    failed: int = 0  # requests of any kind that met a dead server
    errors: list[str] = field(default_factory=list)

    def request(self, method: str, path: str, form: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode()
        except (OSError, http.client.HTTPException) as exc:
            self.failed += 1
            raise ServerDown(str(exc)) from exc
        finally:
            conn.close()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location") or "", text

    def form(self, path: str, action: str) -> dict[str, list[str]] | None:
        status, _, html = self.request("GET", path)
        if status != 200:
            return None
        return page_forms(path, html).get(("POST", action))

    def log_in(self) -> None:
        fields = self.form("/auth/login", "/auth/login")
        status, location, _ = self.request(
            "POST",
            "/auth/login",
            {"csrf_token": fields["csrf_token"][0], "email": self.email, "password": PASSWORD},
        )
        assert status == 302 and location == "/", f"log-in failed: {status}"

    def send_until_acknowledged(self, what: str, path: str, form: dict, stop) -> None:
        """POST the same form until the server acknowledges it (a retry after a crash)."""
        while True:
            try:
                status, _, text = self.request("POST", path, form)
            except ServerDown:
                if stop.is_set():
                    return
                self.retried += 1
                time.sleep(0.1)
                continue
            if status in (302, 303):
                self.acknowledged.append((what, form["request_id"]))
            else:
                self.errors.append(f"{what} {path}: {status} {text[:300]}")
            return

    def answer_quiz(self, attempt_id: int, stop) -> bool:
        path = f"/quiz/{attempt_id}"
        fields = self.form(path, f"{path}/answer")
        if fields is None:
            return False  # finished: on to the next quiz
        choices = [v for v in fields.get("answer", []) if v]
        form = {name: values[0] for name, values in fields.items() if name != "answer"}
        form["answer"] = random.choice(choices) if choices else "City 1"
        self.send_until_acknowledged("quiz", f"{path}/answer", form, stop)
        return True

    def review(self, stop) -> bool:
        fields = self.form("/study/review", "/study/check")
        if fields is None:
            return False  # nothing due
        check = {name: values[0] for name, values in fields.items() if name != "response"}
        check["reveal"] = "1"
        status, _, html = self.request("POST", "/study/check", check)
        rate = page_forms("/study/check", html).get(("POST", "/study/rate"))
        if status != 200 or rate is None:
            self.errors.append(f"check: {status}")
            return False
        form = {name: values[0] for name, values in rate.items() if name != "rating"}
        form["rating"] = "3"
        self.send_until_acknowledged("review", "/study/rate", form, stop)
        return True

    def run(self, stop: threading.Event) -> None:
        quizzes = list(self.attempts)
        studying = True
        while not stop.is_set() and (quizzes or studying):
            try:
                if studying:
                    studying = self.review(stop)
                if quizzes and not self.answer_quiz(quizzes[0], stop):
                    quizzes.pop(0)
            except ServerDown:
                time.sleep(0.1)  # a page failed to load: load it again


class Server:
    def __init__(self, env: dict, port: int) -> None:
        self.env, self.port = env, port
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            # No job runner: the master's children are then its three workers.
            [
                str(QUIZAPP),
                "serve",
                "--port",
                str(self.port),
                "--workers",
                "3",
                "--threads",
                "4",
                "--job-runners",
                "0",
            ],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: kill -9 takes master and workers
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "quizapp serve exited"
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                if len(self.workers()) == 3:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError("quizapp serve did not start")

    def workers(self) -> list[int]:
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.parent.name))
        return pids

    def kill_worker(self) -> None:
        os.kill(self.workers()[0], signal.SIGKILL)

    def kill_all(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def seed(url: str) -> list[tuple[str, list[int]]]:
    """Learners enrolled in a deck, each with quizzes to take; returns (email, attempt ids)."""
    with running_app(base_config(url)):
        deck_service.sync_deck(parse_deck(fact_deck()))
        learners = []
        now = utcnow() - timedelta(minutes=5)
        for n in range(LEARNERS):
            user = accounts.register(f"learner{n}@example.com", f"Learner {n}", PASSWORD)
            study.enroll(user, deck_service.get_deck(user, "load"), now)
            attempts = [
                quiz_service.start_quiz(
                    user, "load", QuizOptions(count=10), now=now, seed=n * 10 + k
                )
                for k in range(QUIZZES_EACH)
            ]
            learners.append((user.email, [a.id for a in attempts]))
        return learners


def shared_rate_limits() -> dict[str, str]:
    """Three workers need one rate-limit store (`serve` refuses memory:// for them)."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        return {"QUIZAPP_DISABLE_RATELIMIT": "1"}  # no Redis here: limits are not the point
    return {"RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": f"fault-{uuid.uuid4()}"}


def test_answers_survive_kill_9_of_a_worker_and_of_the_whole_server(tmp_path):
    path = tmp_path / "quizapp.sqlite"
    url = f"sqlite:///{path}"
    migrate_to_head(url)
    learners_data = seed(url)
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "fault-test-secret",
        "QUIZAPP_QUESTIONS_DIR": str(tmp_path),
    }
    env.pop("QUIZAPP_DISABLE_RATELIMIT", None)
    env.update(shared_rate_limits())
    server = Server(env, port)
    learners = [Learner(email, port, attempts) for email, attempts in learners_data]
    stop = threading.Event()
    threads = [threading.Thread(target=learner.run, args=(stop,)) for learner in learners]
    try:
        server.start()
        for learner in learners:
            learner.log_in()
        for thread in threads:
            thread.start()
        time.sleep(PHASE)
        server.kill_worker()  # gunicorn starts another; requests on it fail and are retried
        time.sleep(PHASE)
        server.kill_all()  # master and workers at once, mid-request
        time.sleep(0.3)
        server.start()
        time.sleep(PHASE)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        assert not any(thread.is_alive() for thread in threads)
    finally:
        stop.set()
        server.stop()

    acknowledged = [item for learner in learners for item in learner.acknowledged]
    errors = [error for learner in learners for error in learner.errors]
    assert not errors, errors[:5]
    quiz_ids = [rid for what, rid in acknowledged if what == "quiz"]
    review_ids = [rid for what, rid in acknowledged if what == "review"]
    # Load reached both kinds of answer, and the kills met learners' requests.
    assert len(quiz_ids) >= LEARNERS and review_ids, (len(quiz_ids), len(review_ids))
    assert sum(learner.failed for learner in learners) > 0
    print(
        f"acknowledged: {len(quiz_ids)} quiz answers, {len(review_ids)} reviews; "
        f"failed requests {sum(x.failed for x in learners)}, "
        f"answers sent again {sum(x.retried for x in learners)}"
    )

    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        stored_quiz = [r for (r,) in conn.execute("SELECT request_id FROM quiz_responses")]
        stored_reviews = [r for (r,) in conn.execute("SELECT request_id FROM review_logs")]
        per_question = conn.execute(
            "SELECT attempt_question_id, COUNT(*) FROM quiz_responses "
            "GROUP BY attempt_question_id HAVING COUNT(*) > 1"
        ).fetchall()
    # Every acknowledged answer is stored, once; nothing was stored twice.
    assert sorted(quiz_ids) == sorted(set(quiz_ids)), "one request id acknowledged twice"
    assert set(quiz_ids) <= set(stored_quiz)
    assert len(stored_quiz) == len(set(stored_quiz)) and not per_question
    assert sorted(review_ids) == sorted(set(review_ids))
    assert set(review_ids) <= set(stored_reviews)
    assert len(stored_reviews) == len(set(stored_reviews))
    # What is stored beyond the acknowledged ones can only be answers whose success
    # response the kill swallowed (and whose retry then found them stored).
    unacknowledged = (set(stored_quiz) - set(quiz_ids)) | (set(stored_reviews) - set(review_ids))
    assert len(unacknowledged) <= sum(learner.retried for learner in learners)
