"""The FSRS optimiser behind study's "Optimise": its time and memory, and how well the
parameters it fits predict a learner's reviews, against the defaults and against the
`anki` package's own optimiser on the same logs in the same run.

1. Time and memory: review logs of 10,000 / 100,000 / 1,000,000 reviews (synthetic
   learners, bench/synthetic_reviews.py), each size in a fresh subprocess so that its
   peak resident memory (VmHWM) is its own. Timed: turning the log into FSRS items
   (`optimizer.training_items`) and fitting (`optimizer.optimise`, which also evaluates
   before and after).
2. Prediction quality: several synthetic learners whose memory follows known FSRS
   parameters. On each log: log loss and RMSE (binned, as Anki) of the defaults, of
   quizapp's fit (fsrs-rs-python), of Anki's `compute_fsrs_params_from_items` on the
   very same items, and of the true parameters (the floor). All evaluated with one
   evaluator (fsrs-rs-python's), in-sample, as Anki's own "Evaluate" does.

Run: python bench/optimiser.py   (bench/bench_study.py runs it at its end)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.synthetic_reviews import LEARNERS, simulate
from quizapp.domain.scheduling import optimizer

SIZES = (10_000, 100_000, 1_000_000)
QUALITY_FACTS = 1_500
QUALITY_DAYS = 365


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def synthetic_log(reviews: int) -> list[optimizer.LoggedReview]:
    """About `reviews` reviews: one simulated learner's year, repeated onto new item ids
    (simulating a million reviews one by one would take longer than fitting them)."""
    base = simulate(LEARNERS[0], facts=2_000, days=QUALITY_DAYS, seed=11)
    log: list[optimizer.LoggedReview] = []
    copy = 0
    while len(log) < reviews:
        offset = copy * 10_000
        log.extend(
            optimizer.LoggedReview(r.item_id + offset, r.reviewed_at, r.rating) for r in base
        )
        copy += 1
    # Cut at a whole item so no history is truncated mid-way.
    log = log[:reviews]
    last = log[-1].item_id
    return [r for r in log if r.item_id != last] if len(log) == reviews else log


def measure_one(reviews: int) -> dict:
    log = synthetic_log(reviews)
    rss_before = _status_kb("VmRSS")
    started = time.perf_counter()
    training = optimizer.training_items(log, "UTC")
    items_seconds = time.perf_counter() - started
    started = time.perf_counter()
    fit = optimizer.optimise(training)
    fit_seconds = time.perf_counter() - started
    return {
        "reviews": len(log),
        "items": len(training.items),
        "items_s": items_seconds,
        "fit_s": fit_seconds,
        "rss_before_mb": rss_before / 1024,
        "peak_mb": _status_kb("VmHWM") / 1024,
        "log_loss": fit.log_loss_after,
    }


def time_and_memory() -> list[dict]:
    rows = []
    for size in SIZES:
        result = subprocess.run(
            [sys.executable, __file__, "--one", str(size)],
            check=True,
            capture_output=True,
            text=True,
        )
        rows.append(json.loads(result.stdout.strip().splitlines()[-1]))
    print("\nOptimiser time and memory (fsrs-rs-python, one process per size)")
    print(
        f"  {'reviews':>10} {'items':>10} {'build items':>12} {'fit+evaluate':>13} "
        f"{'RSS before':>11} {'peak RSS':>9}"
    )
    for row in rows:
        print(
            f"  {row['reviews']:>10,} {row['items']:>10,} {row['items_s']:>10.2f} s "
            f"{row['fit_s']:>11.2f} s {row['rss_before_mb']:>8.0f} MB {row['peak_mb']:>6.0f} MB"
        )
    return rows


def anki_fit(items) -> tuple[list[float], float]:
    from anki import scheduler_pb2
    from anki.collection import Collection

    with tempfile.TemporaryDirectory() as folder:
        col = Collection(os.path.join(folder, "bench.anki2"))
        try:
            converted = [
                scheduler_pb2.FsrsItem(
                    reviews=[
                        scheduler_pb2.FsrsReview(rating=rating, delta_t=delta)
                        for rating, delta in history
                    ]
                )
                for history in items
            ]
            started = time.perf_counter()
            response = col._backend.compute_fsrs_params_from_items(converted)
            seconds = time.perf_counter() - started
        finally:
            col.close()
    return list(response.params), seconds


def prediction_quality() -> list[dict]:
    rows = []
    for seed, learner in enumerate(LEARNERS, start=1):
        log = simulate(learner, facts=QUALITY_FACTS, days=QUALITY_DAYS, seed=seed)
        training = optimizer.training_items(log, "UTC")
        histories = optimizer.histories(log, "UTC")
        started = time.perf_counter()
        fit = optimizer.optimise(training)
        ours_seconds = time.perf_counter() - started
        anki_parameters, anki_seconds = anki_fit(histories)
        anki_loss, anki_rmse = optimizer.evaluate(anki_parameters, training.evaluated)
        true_loss, true_rmse = optimizer.evaluate(learner.parameters, training.evaluated)
        rows.append(
            {
                "learner": learner.name,
                "reviews": len(log),
                "evaluated": training.reviews,
                "default": (fit.log_loss_before, fit.rmse_before),
                "ours": (fit.log_loss_after, fit.rmse_after),
                "anki": (anki_loss, anki_rmse),
                "true": (true_loss, true_rmse),
                "ours_s": ours_seconds,
                "anki_s": anki_seconds,
            }
        )
    print(
        f"\nPrediction quality on simulated learners ({QUALITY_FACTS:,} facts, "
        f"{QUALITY_DAYS} days each; log: reviews in the log, scored: reviews on a later day "
        f"than the one before, which log loss / RMSE are measured on; lower is better)"
    )
    print(
        f"  {'learner':<12} {'log':>7} {'scored':>7} {'default':>16} {'quizapp fit':>16} "
        f"{'Anki fit':>16} {'true params':>16} {'vs Anki':>8}"
    )
    for row in rows:
        cells = " ".join(
            f"{row[key][0]:.4f} / {row[key][1] * 100:4.1f}%"
            for key in ("default", "ours", "anki", "true")
        )
        gap = 100 * (row["ours"][0] - row["anki"][0]) / row["anki"][0]
        print(
            f"  {row['learner']:<12} {row['reviews']:>7,} {row['evaluated']:>7,} {cells} "
            f"{gap:>+7.2f}%"
        )
    worst = max(100 * (r["ours"][0] - r["anki"][0]) / r["anki"][0] for r in rows)
    print(
        f"  worst log loss vs Anki's optimiser: {worst:+.2f}% (goal: within +1%); "
        f"fit time quizapp {sum(r['ours_s'] for r in rows):.2f} s, "
        f"Anki {sum(r['anki_s'] for r in rows):.2f} s over the {len(rows)} learners"
    )
    return rows


def main() -> int:
    prediction_quality()
    time_and_memory()
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(measure_one(int(sys.argv[2]))))
        sys.exit(0)
    sys.exit(main())
