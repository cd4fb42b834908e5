"""How fast is the study loop for a heavy user, compared with Anki's own scheduler?

Builds, in a temporary SQLite database migrated to head, one user with 100,000
study items (one per synthetic fact, each fact with a typed and a
multiple-choice question) and 1,000,000 review-log rows, all bulk-inserted with
executemany. Then measures, p50 and p99 over a few hundred iterations:

- through the service functions: the next item (`study.card`: queue, question,
  interval labels), the progress counts, and recording an answer (`study.answer`);
- through HTTP with the Flask test client: GET /study/review (the whole
  next-item page: queue, counts, undo button, template), POST /study/check
  (grade) and POST /study/rate (record).

In the same run it builds the same 100,000 cards in a collection of the real
Anki library with a comparable due distribution, closes it, reopens it, and
times `col.sched.get_queued_cards()` from cold (a freshly opened collection),
several times. It prints quizapp's p50 divided by Anki's cold queue build.

Both sides use the default limits (20 new, 200 reviews a day) while the next
item is measured; the answer measurements raise quizapp's limits so that the
few hundred answers never run out of due items (an answer's cost does not
depend on the limits).

Then bench/optimiser.py: the FSRS optimiser's time and memory on 10,000 / 100,000 /
1,000,000 reviews, and its prediction quality on simulated learners against the
defaults and against Anki's own optimiser on the same logs (see that module).

Run: python bench/bench_study.py   (about 3-4 minutes on 2 cores)
"""

from __future__ import annotations

import os
import random
import re
import shutil
import sqlite3
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import study_exam, study_timing

ITEMS = 100_000
LOGS = 1_000_000
ITERATIONS = 300
ANSWERS = 200
ANKI_COLD_RUNS = 15
SEED = 7
PASSWORD = "bench password 1"
# Share of items by state, and how far due dates spread (days from now).
NEW_SHARE = 0.10
LEARNING_SHARE = 0.02
REVIEW_DUE_DAYS = (-10.0, 200.0)  # about 5 % of reviews are due


def sqlite_time(moment: datetime) -> str:
    """How SQLAlchemy stores a UTC datetime in SQLite (UTCDateTime strips the zone)."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def summary(name: str, seconds: list[float]) -> dict[str, float]:
    p50, p99 = percentile(seconds, 50) * 1000, percentile(seconds, 99) * 1000
    print(f"  {name:<34} p50 {p50:8.2f} ms   p99 {p99:8.2f} ms   (n={len(seconds)})")
    return {"p50": p50, "p99": p99}


# --- the synthetic collection, shared by both sides -------------------------------------------


def plan_items(now: datetime, rng: random.Random) -> list[dict]:
    """State, due date and memory of each of the 100,000 items (the same for Anki)."""
    items = []
    for i in range(ITEMS):
        roll = rng.random()
        if roll < NEW_SHARE:
            items.append({"state": "new", "due": now - timedelta(days=30, seconds=-i)})
        elif roll < NEW_SHARE + LEARNING_SHARE:
            # Learning steps are minutes apart: these come due in the next hours.
            due = now + timedelta(minutes=rng.uniform(10, 180))
            state = rng.choice(("learning", "relearning"))
            items.append({"state": state, "due": due, "stability": rng.uniform(0.5, 3), "step": 0})
        else:
            offset = rng.uniform(*REVIEW_DUE_DAYS)
            interval = max(1.0, rng.uniform(1, 300))
            items.append(
                {
                    "state": "review",
                    "due": now + timedelta(days=offset),
                    "stability": interval,
                    "interval": interval,
                }
            )
    return items


# --- quizapp --------------------------------------------------------------------------------


def build_quizapp(path: str, items: list[dict], now: datetime, rng: random.Random):
    from flask_migrate import upgrade
    from werkzeug.security import generate_password_hash

    from quizapp import create_app
    from quizapp.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "STUDY_FUZZING": False,
        }
    )
    with app.app_context():
        upgrade()
        db.engine.dispose()

    started = time.perf_counter()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    created = sqlite_time(now - timedelta(days=800))
    conn.execute(
        "INSERT INTO users (id, email, display_name, password_hash, role, timezone,"
        " created_at) VALUES (1, 'bench@example.com', 'Bench', ?, 'student', 'UTC', ?)",
        (generate_password_hash(PASSWORD), created),
    )
    conn.execute(
        "INSERT INTO decks (id, key, title, description, source, as_of, language, owner_id,"
        " visibility, content, version, created_at, updated_at) VALUES"
        " (1, 'bench', 'Bench deck', '', '', '', 'en', NULL, 'public', '{}', 1, ?, ?)",
        (created, created),
    )
    fact_rows = (
        (
            i + 1,
            1,
            f"fact-{i}",
            f"company-{i % 5000}",
            f"Company {i % 5000}",
            f"rel-{i // 5000}",
            f"relation {i // 5000}",
            f"value {i}",
            f"Company {i % 5000} has relation {i // 5000} value {i}.",
            "https://example.com/source",
            "fp",
            None,
            created,
        )
        for i in range(ITEMS)
    )
    conn.executemany(
        "INSERT INTO facts (id, deck_id, key, subject, subject_name, relation, relation_label,"
        " value, evidence, source, fingerprint, retired_at, updated_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        fact_rows,
    )

    def question_rows():
        import json

        for i in range(ITEMS):
            base = {
                "deck": "bench",
                "fact": f"fact-{i}",
                "prompt": f"What is relation {i // 5000} of Company {i % 5000}?",
                "answer": f"value {i}",
                "accepted": [f"value {i}"],
                "subject": f"company-{i % 5000}",
                "relation": f"rel-{i // 5000}",
                "evidence": f"Company {i % 5000} has relation {i // 5000} value {i}.",
                "source": "https://example.com/source",
                "answer_kind": "text",
            }
            typed = {
                **base,
                "id": f"{i:010d}ty",
                "kind": "typed",
                "choices": [],
                "correct": [f"value {i}"],
            }
            choices = [f"value {i}", f"value {i + 1}", f"value {i + 2}", f"value {i + 3}"]
            choice = {
                **base,
                "id": f"{i:010d}mc",
                "kind": "multiple_choice",
                "choices": choices,
                "correct": [f"value {i}"],
            }
            for q in (typed, choice):
                yield (
                    q["id"],
                    1,
                    i + 1,
                    q["kind"],
                    q["prompt"],
                    q["answer"],
                    json.dumps(q),
                    None,
                    created,
                )

    conn.executemany(
        "INSERT INTO questions (id, deck_id, fact_id, kind, prompt, answer, payload, retired_at,"
        " updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
        question_rows(),
    )

    def item_rows():
        for i, item in enumerate(items):
            state = item["state"]
            if state == "new":
                yield (
                    i + 1,
                    1,
                    i + 1,
                    1,
                    "new",
                    None,
                    None,
                    None,
                    sqlite_time(item["due"]),
                    None,
                    created,
                    0,
                    0,
                    None,
                    0,
                )
            else:
                step = None if state == "review" else item["step"]
                last = item["due"] - timedelta(days=item.get("interval", 0.01))
                yield (
                    i + 1,
                    1,
                    i + 1,
                    1,
                    state,
                    step,
                    item["stability"],
                    5.0,
                    sqlite_time(item["due"]),
                    sqlite_time(last),
                    created,
                    5,
                    0,
                    "typed",
                    5,
                )

    conn.executemany(
        "INSERT INTO study_items (id, user_id, fact_id, deck_id, state, step, stability,"
        " difficulty, due, last_review, created_at, reps, lapses, last_kind, version)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        item_rows(),
    )
    conn.commit()
    print(f"  facts, questions, items inserted in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    studied = [i + 1 for i, item in enumerate(items) if item["state"] != "new"]
    # Every review is history: all before today's study day, so today's limits are fresh.
    latest = now - timedelta(days=1)

    # In time order, as a real log grows: the (user, time) indexes are appended to.
    offsets = sorted((rng.uniform(0, 730 * 86400) for _ in range(LOGS)), reverse=True)

    def log_rows():
        for n, offset in enumerate(offsets):
            item_id = studied[rng.randrange(len(studied))]
            at = latest - timedelta(seconds=offset)
            stamp = sqlite_time(at)
            due_after = sqlite_time(at + timedelta(days=10))
            rating = 1 if rng.random() < 0.1 else 3
            yield (
                1,
                item_id,
                item_id,
                1,
                f"{item_id - 1:010d}ty",
                "typed",
                f"hist-{n}",
                rating,
                "value",
                rating != 1,
                4000,
                stamp,
                None,
                "review",
                None,
                20.0,
                5.0,
                stamp,
                stamp,
                4,
                0,
                "typed",
                "review",
                None,
                30.0,
                5.0,
                due_after,
            )

    conn.executemany(
        "INSERT INTO review_logs (user_id, item_id, fact_id, deck_id, question_id, kind,"
        " request_id, rating, answer, correct, elapsed_ms, reviewed_at, undone_at, state_before,"
        " step_before, stability_before, difficulty_before, due_before, last_review_before,"
        " reps_before, lapses_before, last_kind_before, state_after, step_after,"
        " stability_after, difficulty_after, due_after)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        log_rows(),
    )
    conn.commit()
    conn.close()
    print(f"  {LOGS:,} review-log rows inserted in {time.perf_counter() - started:.1f} s")
    return app


def explain(app) -> None:
    """Print how SQLite runs the queue's queries: index ranges, not table scans."""
    from sqlalchemy import event

    from quizapp.extensions import db
    from quizapp.models import User, utcnow
    from quizapp.services import study

    statements: list[tuple[str, tuple]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().startswith("SELECT") and (
            "study_items" in statement or "review_logs" in statement
        ):
            statements.append((statement, parameters))

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", capture)
        study.page(db.session.get(User, 1), now=utcnow())
        event.remove(db.engine, "before_cursor_execute", capture)
        print("  query plans of the review page's queries (SQLite EXPLAIN QUERY PLAN):")
        for statement, parameters in statements:
            plan = (
                db.session.connection()
                .exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
                .all()
            )
            first = " ".join(statement.split())[:90]
            print(f"    {first}...")
            for row in plan:
                print(f"      {row[-1]}")


FIELD = re.compile(r'name="(item|question|version|kind|shown_at|deck)" value="([^"]*)"')


def raise_limits(path: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO study_settings (user_id, desired_retention, new_per_day, reviews_per_day,"
        " timezone_chosen, updated_at) VALUES (1, 0.9, 9999, 9999, 1, '2025-01-01 00:00:00.000000')"
        " ON CONFLICT (user_id) DO UPDATE SET new_per_day = 9999, reviews_per_day = 9999"
    )
    conn.commit()
    conn.close()


# --- Anki -------------------------------------------------------------------------------------


def build_anki(path: str, items: list[dict], now: datetime) -> None:
    from anki.collection import AddNoteRequest, Collection

    started = time.perf_counter()
    col = Collection(path)
    notetype = col.models.by_name("Basic")
    deck_id = 1  # the Default deck: the one get_queued_cards() studies unless told otherwise
    requests = []
    for i in range(ITEMS):
        note = col.new_note(notetype)
        note["Front"] = f"What is relation {i // 5000} of Company {i % 5000}?"
        note["Back"] = f"value {i}"
        requests.append(AddNoteRequest(note=note, deck_id=deck_id))
    col.add_notes(requests)
    today = col.sched.today
    now_seconds = int(now.timestamp())
    card_ids = col.db.list("select id from cards order by nid")
    updates = []
    for position, (card_id, item) in enumerate(zip(card_ids, items, strict=True)):
        state = item["state"]
        if state == "new":
            updates.append((0, 0, position, 0, 0, card_id))
        elif state in ("learning", "relearning"):
            kind = 1 if state == "learning" else 3
            updates.append((kind, 1, int(item["due"].timestamp()), 0, 2500, card_id))
        else:
            days = (item["due"] - now).total_seconds() / 86400
            updates.append((2, 2, today + int(days // 1), round(item["interval"]), 2500, card_id))
    col.close()
    # The collection is an SQLite file: set the scheduling columns in one executemany
    # (through Anki's own DB bridge, each row is a round trip: minutes for 100,000).
    conn = sqlite3.connect(path)
    conn.executemany(
        "update cards set type=?, queue=?, due=?, ivl=?, factor=?, left=0 where id=?", updates
    )
    conn.commit()
    conn.close()
    print(
        f"  Anki collection of {ITEMS:,} cards built in {time.perf_counter() - started:.1f} s"
        f" (learning due in epoch seconds around {now_seconds})"
    )


def measure_anki(path: str) -> dict:
    from anki.collection import Collection

    cold = []
    counts = None
    for _ in range(ANKI_COLD_RUNS):
        col = Collection(path)
        started = time.perf_counter()
        queued = col.sched.get_queued_cards()
        cold.append(time.perf_counter() - started)
        counts = (queued.new_count, queued.learning_count, queued.review_count)
        col.close()
    print(f"  Anki queue counts (new, learning, review): {counts}")
    return summary("anki: cold get_queued_cards()", cold)


def main() -> int:
    rng = random.Random(SEED)
    now = datetime.now(UTC)
    workdir = os.environ.get("BENCH_STUDY_DIR") or tempfile.mkdtemp(prefix="bench-study-")
    try:
        items = plan_items(now, rng)
        states = {
            s: sum(1 for i in items if i["state"] == s)
            for s in ("new", "learning", "relearning", "review")
        }
        due_reviews = sum(1 for i in items if i["state"] == "review" and i["due"] <= now)
        print(f"{ITEMS:,} items: {states}; reviews due now: {due_reviews:,}")

        print("\nquizapp (SQLite)")
        db_path = os.path.join(workdir, "quizapp.sqlite")
        app = build_quizapp(db_path, items, now, rng)
        explain(app)
        service = measure_service_read_then_write(app, db_path)
        http = measure_http_after(app)
        exam = study_exam.measure(
            app, db_path, summary=summary, iterations=ITERATIONS, answers=ANSWERS, password=PASSWORD
        )

        print("\nAnki")
        anki_path = os.path.join(workdir, "collection.anki2")
        build_anki(anki_path, items, now)
        anki = measure_anki(anki_path)

        print("\nratios (quizapp p50 / Anki cold queue p50; goal <= 1.0)")
        print(
            f"  quizapp_next_item_http_p50 / anki_cold_queue = "
            f"{http['next']['p50']:.2f} / {anki['p50']:.2f} = "
            f"{http['next']['p50'] / anki['p50']:.2f}"
        )
        print(
            f"  quizapp_next_item_service_p50 / anki_cold_queue = "
            f"{service['next']['p50']:.2f} / {anki['p50']:.2f} = "
            f"{service['next']['p50'] / anki['p50']:.2f}"
        )
        print(
            f"  with an exam date and load balancing: next item http / anki_cold_queue = "
            f"{exam['http']['p50']:.2f} / {anki['p50']:.2f} = "
            f"{exam['http']['p50'] / anki['p50']:.2f}; service = "
            f"{exam['service']['p50'] / anki['p50']:.2f}"
        )
        # The optimiser behind "Optimise": time, memory, prediction quality vs Anki's.
        from bench import optimiser

        optimiser.main()
    finally:
        if not os.environ.get("BENCH_STUDY_DIR"):
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


_READ_ONLY_HTTP: dict = {}


def measure_service_read_then_write(app, db_path: str) -> dict:
    """Next item at default limits (service, then HTTP), then answers at raised limits."""
    print("  measuring (default limits: 20 new, 200 reviews a day) ...")
    from quizapp.extensions import db
    from quizapp.models import User, utcnow
    from quizapp.services import study

    results: dict = {}
    with app.app_context():
        card_times, count_times = [], []
        for _ in range(ITERATIONS):
            db.session.remove()  # a fresh session: nothing cached between "requests"
            user = db.session.get(User, 1)
            started = time.perf_counter()
            card = study.card(user, now=utcnow())
            card_times.append(time.perf_counter() - started)
            assert card is not None
            started = time.perf_counter()
            study.counts(user, now=utcnow())
            count_times.append(time.perf_counter() - started)
        results["next"] = summary("service: next item (study.card)", card_times)
        results["counts"] = summary("service: progress counts", count_times)
        db.session.remove()

    client = app.test_client()
    response = client.post("/auth/login", data={"email": "bench@example.com", "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    page_times = []
    for _ in range(ITERATIONS):
        started = time.perf_counter()
        response = client.get("/study/review")
        page_times.append(time.perf_counter() - started)
        assert response.status_code == 200 and b'id="answer-form"' in response.data
    _READ_ONLY_HTTP["next"] = summary("http: GET /study/review (next item page)", page_times)

    raise_limits(db_path)
    print("  measuring answers (limits raised so the due items last) ...")
    with app.app_context():
        answer_times = study_timing.time_answers(ANSWERS, fuzzing=False)
        results["answer"] = summary("service: answer (study.answer)", answer_times)
        db.session.remove()
    _READ_ONLY_HTTP["client"] = client
    return results


def measure_http_after(app) -> dict:
    client = _READ_ONLY_HTTP.pop("client")
    check_times, rate_times = [], []
    for _ in range(ANSWERS):
        fields = dict(FIELD.findall(client.get("/study/review").get_data(as_text=True)))
        started = time.perf_counter()
        response = client.post("/study/check", data={**fields, "reveal": "1"})
        check_times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        data = {
            **{k: v for k, v in fields.items() if k != "shown_at"},
            "request_id": uuid.uuid4().hex,
            "rating": "3",
            "revealed": "1",
            "elapsed_ms": "5000",
        }
        started = time.perf_counter()
        response = client.post("/study/rate", data=data)
        rate_times.append(time.perf_counter() - started)
        assert response.status_code == 303, response.status_code
    summary("http: POST /study/check (grade)", check_times)
    summary("http: POST /study/rate (record)", rate_times)
    return {"next": _READ_ONLY_HTTP["next"]}


if __name__ == "__main__":
    sys.exit(main())
