"""One memory, several forms, measured: how often a learner is right, per question kind,
at a given predicted recall. Every kind of a fact moves one FSRS state; if a kind is
easier (choosing among options) or harder (typing the answer) than the memory predicts,
its right share sits above or below the predicted recall in the same band.

Measured only; the scheduler does not correct for the kind. A correction needs enough
reviews per kind and band to tell a real difference from noise (see `enough`).

Pure: the reviews come in as (kind, predicted recall, right) triples.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# Bands of predicted recall at the moment of the review (lower bound inclusive).
BANDS: tuple[tuple[float, float], ...] = (
    (0.0, 0.7),
    (0.7, 0.8),
    (0.8, 0.9),
    (0.9, 0.95),
    (0.95, 1.01),
)
# Fewer reviews than this in a cell: the share is shown but not trusted.
ENOUGH_REVIEWS = 30


@dataclass(frozen=True)
class Cell:
    reviews: int
    right: int
    predicted: float  # mean predicted recall of these reviews

    @property
    def share(self) -> float | None:
        return None if self.reviews == 0 else self.right / self.reviews

    @property
    def enough(self) -> bool:
        return self.reviews >= ENOUGH_REVIEWS

    @property
    def gap(self) -> float | None:
        """Right share minus predicted recall: > 0 the kind is easier than predicted."""
        return None if self.share is None else self.share - self.predicted


def band_of(recall: float) -> int:
    for index, (low, high) in enumerate(BANDS):
        if low <= recall < high:
            return index
    return len(BANDS) - 1


def by_kind(reviews: Iterable[tuple[str, float, bool]]) -> dict[str, list[Cell]]:
    """Per question kind, one `Cell` per band of `BANDS`."""
    sums: dict[str, list[list[float]]] = {}
    for kind, recall, right in reviews:
        cells = sums.setdefault(kind, [[0, 0, 0.0] for _ in BANDS])
        cell = cells[band_of(recall)]
        cell[0] += 1
        cell[1] += bool(right)
        cell[2] += recall
    return _cells(sums)


def from_sums(rows: Iterable[tuple[str, int, int, int, float]]) -> dict[str, list[Cell]]:
    """`by_kind` from sums already made per (kind, band index): reviews, right ones and
    the sum of their predicted recall (what the database counts)."""
    sums: dict[str, list[list[float]]] = {}
    for kind, band, reviews, right, recall in rows:
        sums.setdefault(kind, [[0, 0, 0.0] for _ in BANDS])[band] = [reviews, right, recall]
    return _cells(sums)


def _cells(sums: dict[str, list[list[float]]]) -> dict[str, list[Cell]]:
    return {
        kind: [Cell(int(n), int(r), (p / n) if n else 0.0) for n, r, p in cells]
        for kind, cells in sorted(sums.items())
    }
