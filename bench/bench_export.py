"""Exporting a 10,000-fact deck to .apkg, against the anki package's own exporter.

Builds the synthetic 10,000-fact deck of bench_generate.py, generates its
questions (not timed), and times, in the same run:

- quizapp: `anki.EXPORTERS["apkg"]` (genanki) writing the package;
- Anki: a collection holding the same notes (made by importing that package)
  exporting them with `Collection.export_anki_package`, in Anki's current
  package format and in the legacy one genanki writes.

Also times the text formats (tsv, csv, jsonl) and the quiz-tool formats (moodle,
gift, qti, kahoot), once each. Prints the best of `RUNS` runs of each .apkg
exporter and the ratio quizapp / Anki. Takes about a minute.

Where the .apkg's time goes: `--profile` prints cProfile's top functions of one
quizapp export instead (the time the notes take to build, the bulk inserts, zlib).

Run: python bench/bench_export.py [--profile]
"""

from __future__ import annotations

import cProfile
import io
import pstats
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from anki.collection import Collection, DeckIdLimit
from anki.import_export_pb2 import (
    ExportAnkiPackageOptions,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import synthetic_deck

from quizapp.domain import anki
from quizapp.domain.exports import EXPORTERS
from quizapp.domain.questions import generate

FACTS = 10_000
# Best of 5 for the .apkg race: the machine is shared, and the best run is the one
# least disturbed; the other formats are timed once.
RUNS = 5
OTHER_RUNS = 1
TIMESTAMP = 1_738_000_000.0


def best_of(runs: int, action) -> tuple[float, float]:
    """(best, median) seconds of `runs` calls."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times)


def main() -> None:
    deck = synthetic_deck(FACTS, random.Random(1))
    started = time.perf_counter()
    questions = generate(deck).questions
    print(
        f"deck: {len(deck.facts)} facts, {len(questions)} questions "
        f"(generated in {time.perf_counter() - started:.1f} s, not timed below)"
    )
    export = anki.ExportSet(deck, deck.facts, questions, TIMESTAMP)
    if "--profile" in sys.argv[1:]:
        profile(export)
        return

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        package = work / "quizapp.apkg"

        def quizapp_export(fmt: str = "apkg", path: Path = package) -> None:
            with path.open("wb") as out:
                EXPORTERS[fmt].write(export, out, lambda _: None)

        ours, ours_median = best_of(RUNS, quizapp_export)
        print(
            f"quizapp .apkg (genanki):       best {ours:6.2f} s, median {ours_median:6.2f} s,"
            f" {package.stat().st_size / 1e6:.1f} MB"
        )

        col = Collection(str(work / "collection.anki2"))
        try:
            options = ImportAnkiPackageOptions(with_scheduling=False, with_deck_configs=False)
            col.import_anki_package(
                ImportAnkiPackageRequest(package_path=str(package), options=options)
            )
            deck_id = col.decks.id_for_name(anki.anki_deck_name(deck))
            print(f"Anki collection: {col.note_count()} notes, {col.card_count()} cards")
            figures = {}
            for legacy in (False, True):
                out = work / f"anki-{legacy}.apkg"

                def anki_export(out: Path = out, legacy: bool = legacy) -> None:
                    col.export_anki_package(
                        out_path=str(out),
                        options=ExportAnkiPackageOptions(
                            with_scheduling=False,
                            with_deck_configs=False,
                            with_media=False,
                            legacy=legacy,
                        ),
                        limit=DeckIdLimit(deck_id),
                    )

                best, median = best_of(RUNS, anki_export)
                figures[legacy] = best
                label = "legacy format" if legacy else "current format"
                print(
                    f"Anki export_anki_package ({label}): best {best:6.2f} s, "
                    f"median {median:6.2f} s, {out.stat().st_size / 1e6:.1f} MB"
                )
        finally:
            col.close()
        for legacy, best in figures.items():
            label = "legacy" if legacy else "current"
            print(f"ratio quizapp / Anki ({label} format): {ours / best:.2f}")

        for fmt in ("tsv", "csv", "jsonl", "moodle", "gift", "qti", "kahoot"):
            path = work / f"out.{EXPORTERS[fmt].extension}"
            best, _ = best_of(OTHER_RUNS, lambda fmt=fmt, path=path: quizapp_export(fmt, path))
            print(f"quizapp .{fmt}: best {best:6.2f} s, {path.stat().st_size / 1e6:.1f} MB")


def profile(export: anki.ExportSet) -> None:
    """cProfile's view of one .apkg export: the 25 functions with the most own time."""
    anki.EXPORTERS["apkg"].write(export, io.BytesIO(), lambda _: None)  # warm up
    profiler = cProfile.Profile()
    profiler.enable()
    anki.EXPORTERS["apkg"].write(export, io.BytesIO(), lambda _: None)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
