"""`quizapp serve` starts a job runner of its own: a refit queued in the database is done
without any other process, and the runner stops with the server."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from quizapp.extensions import db
from quizapp.models.jobs import DONE, Job
from quizapp.services import jobs
from tests.web.test_live_workers import free_port, wait_until_up

QUIZAPP = Path(sys.executable).with_name("quizapp")


def children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in found.read_text().split()] if found.exists() else []


def gone(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    return not status.exists() or "zombie" in status.read_text()


def test_the_server_runs_queued_jobs_and_stops_its_runner(app, make_user, tmp_path):
    user = make_user()
    jobs.queue(jobs.REFIT, user.id, datetime.now(UTC))
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "serve-jobs-secret",
        "QUIZAPP_DISABLE_RATELIMIT": "1",
    }
    port = free_port()
    with open(tmp_path / "server.log", "w") as log:
        server = subprocess.Popen(
            [str(QUIZAPP), "serve", "--port", str(port), "--workers", "1", "--job-runners", "1"],
            env=env,
            cwd=tmp_path,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_up(f"http://127.0.0.1:{port}", server)
            spawned = children(server.pid)
            state = None
            for _ in range(600):  # up to a minute on a busy machine
                db.session.rollback()  # a new snapshot: see what the runner wrote
                state = db.session.scalar(db.select(Job.state).where(Job.user_id == user.id))
                if state == DONE:
                    break
                time.sleep(0.1)
            assert state == DONE, (tmp_path / "server.log").read_text()
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert len(spawned) == 2  # the gunicorn worker and the job runner
    for pid in spawned:
        assert (
            not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()
        )
