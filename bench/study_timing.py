"""Timing the study service's answer, shared by bench_study and its exam run."""

from __future__ import annotations

import time
import uuid


def time_answers(count: int, *, fuzzing: bool) -> list[float]:
    """Answer the next card `count` times as the bench's learner (user 1), inside an app
    context; returns the seconds each `study.answer` took."""
    from quizapp.extensions import db
    from quizapp.models import User, utcnow
    from quizapp.services import study

    times = []
    for _ in range(count):
        db.session.remove()
        user = db.session.get(User, 1)
        card = study.card(user, now=utcnow())
        started = time.perf_counter()
        study.answer(
            user,
            item_id=card.item.id,
            question_id=card.question_row.id,
            version=card.item.version,
            request_id=uuid.uuid4().hex,
            rating=3,
            response=card.question.answer,
            elapsed_ms=5000,
            now=utcnow(),
            fuzzing=fuzzing,
        )
        times.append(time.perf_counter() - started)
    return times
