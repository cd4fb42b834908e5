"""Use cases: each function takes plain values (and the acting user), talks to the
database through the models, calls the pure domain code, and owns its transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from quizapp.extensions import db


class ServiceError(Exception):
    """A use case refused its input; the message is meant for the user."""

    status = 400


class NotFound(ServiceError):
    status = 404


class Forbidden(ServiceError):
    status = 403


@contextmanager
def write_transaction() -> Iterator[Session]:
    """Run a block in one write transaction: committed on success, rolled back on error.

    On SQLite the transaction starts with BEGIN IMMEDIATE, so concurrent writers wait
    for each other (busy_timeout) rather than failing midway. A read transaction left
    open by the request (Flask-Login loading the user) is closed first, so the write
    lock is taken at the start of the block and not upgraded later.
    """
    session = db.session()  # the request's Session, not the scoped proxy
    if session.in_transaction():
        session.commit()
    session.connection(execution_options={"quizapp_write": True})
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
