"""Group commit: writes queued by many threads are stored in batches, and each caller
gets its own result only after its batch was stored."""

from __future__ import annotations

import threading

import pytest

from quizapp.services.group_commit import BatchFailed, GroupCommit


class Refused(Exception):
    pass


def test_a_lone_write_is_stored_at_once_in_a_batch_of_its_own():
    batches = []

    def store(batch):
        batches.append([p.data for p in batch])
        for pending in batch:
            pending.resolve(pending.data * 2)

    writes = GroupCommit(store)
    assert writes.submit(3) == 6
    assert writes.submit(4) == 8
    assert batches == [[3], [4]]


def test_writes_arriving_during_a_batch_go_together_in_the_next_one():
    first_started, release_first = threading.Event(), threading.Event()
    batches = []

    def store(batch):
        batches.append(sorted(p.data for p in batch))
        if len(batches) == 1:
            first_started.set()
            assert release_first.wait(10)
        for pending in batch:
            pending.resolve(f"stored {pending.data}")

    writes = GroupCommit(store)
    results = {}

    def write(n):
        results[n] = writes.submit(n)

    leader = threading.Thread(target=write, args=(0,))
    leader.start()
    assert first_started.wait(10)
    followers = [threading.Thread(target=write, args=(n,)) for n in range(1, 9)]
    for thread in followers:
        thread.start()
    # Every follower is queued behind the first batch before it is let go.
    for _ in range(1000):
        with writes.changed:
            if len(writes.queue) == 8:
                break
        threading.Event().wait(0.01)
    release_first.set()
    for thread in [leader, *followers]:
        thread.join(10)
    assert batches == [[0], list(range(1, 9))]
    assert results == {n: f"stored {n}" for n in range(9)}


def test_a_refused_write_fails_alone_and_the_others_are_stored():
    def store(batch):
        for pending in batch:
            if pending.data < 0:
                pending.fail(Refused(f"{pending.data} is negative"))
            else:
                pending.resolve(pending.data)

    writes = GroupCommit(store)
    with pytest.raises(Refused, match="-1 is negative"):
        writes.submit(-1)
    assert writes.submit(1) == 1


def test_a_failed_batch_fails_every_write_it_had_stored_but_keeps_refusals():
    seen = []

    def store(batch):
        for pending in batch:
            seen.append(pending)
            if pending.data == "refuse":
                pending.fail(Refused("no"))
            else:
                pending.resolve("ok")
        raise OSError("disk full")  # the commit fails: nothing of the batch is stored

    writes = GroupCommit(store)
    with pytest.raises(BatchFailed) as failed:
        writes.submit("store")
    assert isinstance(failed.value.__cause__, OSError)
    with pytest.raises(Refused):
        writes.submit("refuse")
    assert all(p.done for p in seen)


def test_a_write_the_store_forgot_is_not_reported_stored():
    writes = GroupCommit(lambda batch: None)
    with pytest.raises(BatchFailed, match="neither stored nor refused"):
        writes.submit("lost?")


def test_after_a_failure_the_next_batch_still_runs():
    calls = []

    def store(batch):
        calls.append(len(batch))
        if len(calls) == 1:
            raise RuntimeError("first batch fails")
        for pending in batch:
            pending.resolve(True)

    writes = GroupCommit(store)
    with pytest.raises(BatchFailed):
        writes.submit(1)
    assert writes.submit(2) is True
    assert not writes.leading and writes.queue == []
