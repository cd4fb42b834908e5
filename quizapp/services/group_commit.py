"""Group commit: many small writes from many threads stored in one transaction.

When hundreds of players answer within seconds, one write transaction per answer
spends its time taking and handing over the database's write lock (SQLite has one
per database), and the thread holding it is slowed by every other thread of the
process competing for the GIL: measured under bench/bench_live.py, the queue for
the lock, not the work, made answers wait hundreds of milliseconds.

Here each thread puts its write in a queue. If no other thread is writing, it
becomes the leader: it takes everything queued so far and stores it in one
transaction; threads that arrived meanwhile wait and are answered when that
transaction has committed (or failed). When the leader is done, one of the
threads still waiting leads the next batch. No background thread is needed, a
batch is as large as the traffic makes it (one write alone is stored at once), and
every caller returns only after its own write is stored: acknowledged only when
stored.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any

# Guards the first use of a `GroupCommit` in each process (see `GroupCommit.changed`).
_CREATING = threading.Lock()


class Pending:
    """One queued write: the caller's data in, and its result or error out."""

    __slots__ = ("data", "done", "error", "result")

    def __init__(self, data: Any) -> None:
        self.data = data
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None

    def resolve(self, result: Any) -> None:
        self.result, self.done = result, True

    def fail(self, error: BaseException) -> None:
        self.error, self.done = error, True


class GroupCommit:
    """Run `store(batch)` for queued writes, one batch at a time in this process.

    `store` gets a list of `Pending` and must `resolve` or `fail` each one; an
    exception escaping it fails every write of the batch it did not settle (the
    transaction rolled back, so none of them is stored).
    """

    def __init__(self, store: Callable[[list[Pending]], None]) -> None:
        self.store = store
        self.queue: list[Pending] = []
        self.leading = False
        self._changed: threading.Condition | None = None
        self._pid = 0

    @property
    def changed(self) -> threading.Condition:
        """The condition writers wait on, made in the process (and green world) using it.

        Not at import: gunicorn's gevent workers patch `threading` after the fork, and
        a waiter blocked on a lock made before would block every greenlet of its
        worker, the leader it waits for included.
        """
        if self._pid != os.getpid():
            with _CREATING:
                if self._pid != os.getpid():
                    self.queue, self.leading = [], False
                    self._changed = threading.Condition()
                    self._pid = os.getpid()
        return self._changed

    def submit(self, data: Any) -> Any:
        """Store `data` in the next batch; return what `store` resolved it to.

        Raises:
            Whatever `store` failed this write with.
        """
        mine = Pending(data)
        changed = self.changed
        with changed:
            self.queue.append(mine)
            while not mine.done:
                if self.leading:
                    changed.wait()
                    continue
                self.leading = True
                batch, self.queue = self.queue, []
                changed.release()
                try:
                    self._store(batch)
                finally:
                    changed.acquire()
                    self.leading = False
                    changed.notify_all()
        if mine.error is not None:
            raise mine.error
        return mine.result

    def _store(self, batch: list[Pending]) -> None:
        try:
            self.store(batch)
        except BaseException as exc:  # handed to every caller of the batch
            for pending in batch:
                if not pending.done or pending.error is None:
                    # Rolled back: even the writes `store` had resolved are not stored.
                    # A new exception per caller: one object raised in many threads at
                    # once would have its traceback rewritten under them.
                    failure = BatchFailed("The batch this write was in was not stored.")
                    failure.__cause__ = exc
                    pending.fail(failure)
            return
        for pending in batch:
            if not pending.done:
                pending.fail(BatchFailed("The write was neither stored nor refused."))


class BatchFailed(RuntimeError):
    """The transaction of a batch failed; this write was not stored."""
