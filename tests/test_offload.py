"""Pages in native threads under gevent: which requests leave the event loop, and that
a page made in a thread is the page the app makes."""

from __future__ import annotations

import threading

import pytest
from werkzeug.test import Client

from quizapp.offload import ThreadedPages, offloaded


@pytest.mark.parametrize(
    ("method", "path", "in_thread"),
    [
        ("GET", "/", True),
        ("GET", "/study/stats", True),
        ("HEAD", "/decks/software-companies", True),
        ("GET", "/classes/1/gradebook", True),
        ("POST", "/study/rate", False),  # a body: read from the loop's socket
        ("GET", "/play/12/state", False),  # the live game stays on the loop
        ("POST", "/play/12/answer", False),
        ("GET", "/live/games/3", False),
        ("GET", "/playground", False),  # under /play: on the loop, as before
    ],
)
def test_which_requests_run_in_a_thread(method, path, in_thread):
    assert offloaded({"REQUEST_METHOD": method, "PATH_INFO": path}) is in_thread


def test_a_page_made_in_a_thread_is_the_apps_page(app):
    ran_in = []

    def recorded(environ, start_response):
        ran_in.append(threading.get_ident())
        return app.wsgi_app(environ, start_response)

    threaded = Client(ThreadedPages(recorded, threads=2))
    direct = Client(app.wsgi_app)
    page = threaded.get("/auth/login")
    assert page.status_code == 200
    assert (
        page.headers["Content-Security-Policy"]
        == direct.get("/auth/login").headers["Content-Security-Policy"]
    )
    assert b"<form" in page.data
    assert threaded.get("/nope").status_code == 404
    assert threaded.post("/auth/login", data={}).status_code == 400  # CSRF: on the loop
    here = threading.get_ident()
    assert ran_in[0] != here and ran_in[1] != here  # the two GETs
    assert ran_in[2] == here  # the POST
