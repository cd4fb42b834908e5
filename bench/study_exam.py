"""bench_study's measurement of the next item with an exam date and load balancing on
(run from bench/bench_study.py, on the database it built)."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime, timedelta

from bench import study_timing


def measure(app, db_path: str, *, summary, iterations: int, answers: int, password: str) -> dict:
    """The next item with an exam 30 days ahead on the deck and load balancing on.

    The exam's target is 0.97, so that many reviews are at risk (the bench's items are
    due when their recall reaches 0.9, and none would be at risk at 0.9), and the review
    limit is 0, so that every next item comes from the exam's at-risk query (its worst
    case: it runs after the due reviews). Answers are recorded with fuzzing, which load
    balancing replaces.
    """
    from quizapp.extensions import db
    from quizapp.models import User, utcnow
    from quizapp.services import study

    exam_day = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
    conn = sqlite3.connect(db_path)
    conn.execute(
        "INSERT INTO study_exams (user_id, deck_id, exam_on, target, updated_at)"
        " VALUES (1, 1, ?, 0.97, '2025-01-01 00:00:00.000000')",
        (exam_day,),
    )
    conn.execute("UPDATE study_settings SET reviews_per_day = 0, load_balance = 1")
    conn.commit()
    conn.close()
    print("  measuring with an exam in 30 days (target 0.97), load balancing, review limit 0 ...")
    results: dict = {}
    with app.app_context():
        times = []
        for _ in range(iterations):
            db.session.remove()
            user = db.session.get(User, 1)
            started = time.perf_counter()
            card = study.card(user, now=utcnow())
            times.append(time.perf_counter() - started)
            assert card is not None
        results["service"] = summary("service: next item, exam on", times)
        answer_times = study_timing.time_answers(answers // 2, fuzzing=True)
        summary("service: answer, load balancing", answer_times)
        db.session.remove()
    client = app.test_client()
    client.post("/auth/login", data={"email": "bench@example.com", "password": password})
    page_times = []
    for _ in range(iterations):
        started = time.perf_counter()
        response = client.get("/study/review")
        page_times.append(time.perf_counter() - started)
        assert response.status_code == 200 and b'id="answer-form"' in response.data
    results["http"] = summary("http: GET /study/review, exam on", page_times)
    return results
