"""`quizapp serve` counts rate limits in one place for all its workers, and says where."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis

from quizapp.ratelimit import storage_report

REDIS_URL = "redis://127.0.0.1:6379"
QUIZAPP = Path(sys.executable).with_name("quizapp")


def serve(app, *args: str):
    return app.test_cli_runner().invoke(args=["serve", *args])


def test_serve_refuses_several_workers_that_would_each_count_on_their_own(app):
    app.config.update(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    result = serve(app, "--workers", "3", "--port", "1")
    assert result.exit_code == 1
    assert "with 3 workers every limit would let 3 times as many attempts through" in (
        result.output
    )
    assert "RATELIMIT_STORAGE_URI=redis://" in result.output
    assert "--workers 1" in result.output


def test_serve_refuses_a_store_that_does_not_answer(app):
    app.config.update(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1")
    result = serve(app, "--workers", "2", "--port", "1")
    assert result.exit_code == 1
    assert "The rate-limit store redis://127.0.0.1:1 does not answer" in result.output


def test_one_worker_may_count_in_memory_and_off_is_off():
    one = storage_report({"RATELIMIT_STORAGE_URI": "memory://"}, 1)
    assert one.problem is None and "memory of the one worker" in one.line
    off = storage_report({"RATELIMIT_ENABLED": False, "RATELIMIT_STORAGE_URI": "memory://"}, 4)
    assert off.problem is None and "off" in off.line


def test_a_password_in_the_store_uri_is_not_printed():
    report = storage_report({"RATELIMIT_STORAGE_URI": "redis://:hunter2@127.0.0.1:1"}, 2)
    assert report.problem is not None
    assert "hunter2" not in report.problem and "***" in report.problem


@pytest.fixture
def redis_url():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    return REDIS_URL


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_with_several_workers_on_redis_says_so_at_start_up(tmp_path, redis_url):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'quizapp.sqlite'}",
        "SECRET_KEY": "serve-test-secret",
        "RATELIMIT_STORAGE_URI": redis_url,
        "RATELIMIT_KEY_PREFIX": f"quizapp-test-{uuid.uuid4().hex}",
    }
    env.pop("QUIZAPP_DISABLE_RATELIMIT", None)
    command = [str(QUIZAPP), "serve", "--port", str(free_port()), "--workers", "2"]
    with subprocess.Popen(
        command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as server:
        try:
            first_line = server.stdout.readline()
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert "(2 workers, gevent)" in first_line
    assert f"rate limits: shared by all workers in {redis_url}" in first_line
