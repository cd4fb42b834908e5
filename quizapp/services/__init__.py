"""Use cases: each function takes plain values (and the acting user), talks to the
database through the models, calls the pure domain code, and owns its transaction."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

from sqlalchemy.orm import Session

try:
    import fcntl
except ImportError:  # not on a POSIX system: processes queue on busy_timeout alone
    fcntl = None  # type: ignore[assignment]

from quizapp.extensions import db

# The id a form carries so that a resent answer is stored once (study and quizzes
# write uuid4().hex; anything of 8 to 64 of these characters is accepted).
REQUEST_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")


def is_request_id(value: object) -> bool:
    return isinstance(value, str) and REQUEST_ID.fullmatch(value) is not None


class ServiceError(Exception):
    """A use case refused its input; the message is meant for the user."""

    status = 400


class NotFound(ServiceError):
    status = 404


class Forbidden(ServiceError):
    status = 403


class _SqliteWriters:
    """The queue for SQLite's one write lock, for threads and for processes.

    A writer that finds SQLite's lock taken sleeps in SQLite's busy handler (1, 2,
    5 ... 100 ms steps) and is not woken when the lock frees: under a burst of
    writers that convoys, and with gevent workers the sleep stalls every request of
    the process. So writers queue here instead, and the next one starts the moment
    the previous commits: the threads of a process on a lock, the processes on an
    advisory `flock` of a file beside the database (the kernel wakes the next one).
    Reentrant, so a use case calling another one inside its transaction does not wait
    for itself. busy_timeout stays as the fallback for writers that don't queue here
    (another program on the same file).
    """

    def __init__(self) -> None:
        self.depth = 0
        self.files: dict[tuple[int, str], int] = {}  # (pid, lock path) -> descriptor
        self._threads: threading.RLock | None = None
        self._pid = 0
        self._creating = threading.Lock()

    @property
    def threads(self) -> threading.RLock:
        # Made in the process using it, after gevent (if any) patched `threading`.
        if self._pid != os.getpid():
            with self._creating:
                if self._pid != os.getpid():
                    self._threads, self.depth, self._pid = threading.RLock(), 0, os.getpid()
        return self._threads

    @contextmanager
    def hold(self, database: str | None) -> Iterator[None]:
        with self.threads:
            descriptor = self._file(database) if self.depth == 0 else None
            if descriptor is not None:
                fcntl.flock(descriptor, fcntl.LOCK_EX)
            self.depth += 1
            try:
                yield
            finally:
                self.depth -= 1
                if descriptor is not None:
                    fcntl.flock(descriptor, fcntl.LOCK_UN)

    def _file(self, database: str | None) -> int | None:
        if fcntl is None or not database or database == ":memory:":
            return None
        path = f"{database}.write-lock"
        # Per process: a descriptor inherited across fork would share its lock.
        key = (os.getpid(), path)
        descriptor = self.files.get(key)
        if descriptor is None:
            try:
                descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            except OSError:
                return None  # a read-only folder: SQLite's busy handler still works
            self.files[key] = descriptor
        return descriptor


_SQLITE_WRITERS = _SqliteWriters()


@contextmanager
def write_transaction() -> Iterator[Session]:
    """Run a block in one write transaction: committed on success, rolled back on error.

    On SQLite the transaction starts with BEGIN IMMEDIATE, so concurrent writers wait
    for each other rather than failing midway, in line (see `_SqliteWriters`). A
    read transaction left
    open by the request (Flask-Login loading the user) is closed first, so the write
    lock is taken at the start of the block and not upgraded later.
    """
    session = db.session()  # the request's Session, not the scoped proxy
    if session.in_transaction():
        session.commit()
    bind = session.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    with _SQLITE_WRITERS.hold(bind.url.database) if sqlite else nullcontext():
        session.connection(execution_options={"quizapp_write": True})
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
