"""Use cases: each function takes plain values (and the acting user), talks to the
database through the models, calls the pure domain code, and owns its transaction."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

from sqlalchemy.orm import Session

from quizapp.extensions import db


class ServiceError(Exception):
    """A use case refused its input; the message is meant for the user."""

    status = 400


class NotFound(ServiceError):
    status = 404


class Forbidden(ServiceError):
    status = 403


# SQLite has one write lock per database. A writer that finds it taken sleeps in
# SQLite's busy handler (1, 2, 5 ... 100 ms steps) and is not woken when the lock
# frees, so a burst of writers from the threads of one process convoys. Threads of a
# process queue on this lock instead, and the next one starts the moment the
# previous commits. Reentrant, so a use case calling another one inside its
# transaction does not wait for itself.
_SQLITE_WRITERS = threading.RLock()


@contextmanager
def write_transaction() -> Iterator[Session]:
    """Run a block in one write transaction: committed on success, rolled back on error.

    On SQLite the transaction starts with BEGIN IMMEDIATE, so concurrent writers wait
    for each other rather than failing midway: threads of one process in line on a
    lock (see `_SQLITE_WRITERS`), processes on busy_timeout. A read transaction left
    open by the request (Flask-Login loading the user) is closed first, so the write
    lock is taken at the start of the block and not upgraded later.
    """
    session = db.session()  # the request's Session, not the scoped proxy
    if session.in_transaction():
        session.commit()
    sqlite = session.get_bind().dialect.name == "sqlite"
    with _SQLITE_WRITERS if sqlite else nullcontext():
        session.connection(execution_options={"quizapp_write": True})
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
