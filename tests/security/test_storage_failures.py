"""Storage that cannot take a write, and errors outside the error handlers (issue 15).

A full disk is made real with SQLite's `max_page_count` (the database may not grow
by a page), a read-only database with `query_only`; both on every connection of the
app's engine. PostgreSQL has the same handler (SQLSTATE 53xxx, 25006); making its
disk full here is not possible, so these run on SQLite.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event, text

from quizapp.extensions import db
from quizapp.models import User
from quizapp.security import SECURITY_HEADERS
from tests.conftest import ON_POSTGRES, count_rows, running_app

pytestmark = pytest.mark.skipif(ON_POSTGRES, reason="SQLite pragmas make the fault real")


def break_storage(app, pragma: str) -> None:
    with app.app_context():
        engine = db.engine
        pages = db.session.execute(text("PRAGMA page_count")).scalar()
        db.session.remove()

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            if pragma == "full":  # the file may not grow past its size now
                cursor.execute(f"PRAGMA max_page_count = {pages}")
            else:
                cursor.execute("PRAGMA query_only = ON")
            cursor.close()

        engine.dispose()


def register(client, n: int):
    return client.post(
        "/auth/register",
        data={
            "email": f"new{n}@example.com",
            "display_name": f"New {n}",
            "password": "correct horse battery",
            "confirm": "correct horse battery",
        },
    )


def assert_security_headers(response):
    for name, value in SECURITY_HEADERS:
        assert response.headers.get(name) == value, name


@pytest.mark.parametrize("fault", ["full", "read-only"])
def test_a_write_that_storage_refuses_is_a_503_that_says_so(app_config, fault):
    # An app of its own: its engine gets a listener that breaks every connection.
    with running_app(app_config) as app:
        check_storage_fault(app, fault)


def check_storage_fault(app, fault: str) -> None:
    before = count_rows(User)
    break_storage(app, fault)
    refused = []
    for n in range(300):  # until the table needs a new page
        response = register(app.test_client(), n)  # a new visitor each time
        if response.status_code != 302:
            refused.append(response)
            break
    assert refused, "the storage fault never happened"
    response = refused[0]
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "cannot save right now" in response.get_data(as_text=True)
    assert "Nothing was lost" in response.get_data(as_text=True)
    assert_security_headers(response)
    if fault == "read-only":
        assert count_rows(User) == before


def test_an_error_page_that_cannot_render_is_plain_with_the_headers(
    app, client, make_user, login, app_config
):
    login(client, make_user())
    # The database disappears: loading the user fails in the view and again in the
    # error page (its template asks for the user).
    path = app_config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    with app.app_context():
        db.engine.dispose()
    with open(path, "wb"):
        pass
    response = client.get("/")
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)
    assert_security_headers(response)
