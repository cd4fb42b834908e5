"""Item analysis on a small class worked out by hand.

Six attempts, three questions (1 = right):

    attempt  Q1 (A)   Q2 (W)   Q3 (True)   total
    s1       A  1     X  0     True  1     2
    s2       A  1     X  0     True  1     2
    s3       A  1     W  1     True  1     3
    s4       B  0     W  1     False 0     1
    s5       C  0     W  1     False 0     1
    s6       -  0     Y  0     False 0     0

Ranked: s3, s1, s2, s4, s5, s6 (s1 before s2: ties go by key). Thirds of 2:
strong = {s3, s1}, weak = {s5, s6}.

Q1: facility 3/6 = 0.5; strong 2/2, weak 0/2, upper-lower 1.0.
    Point-biserial against the rest (total - Q1 = 1, 1, 2, 1, 1, 0; mean 1):
    deviations of Q1 (+.5 x3, -.5 x3) times those of the rest (0, 0, 1, 0, 0, -1)
    sum to .5 + .5 = 1; Sxx = 1.5, Syy = 2; r = 1 / sqrt(3) = 0.5773503.
Q2 (a wrong key: the strong students answer X): facility 3/6 = 0.5; strong 1/2,
    weak 1/2, upper-lower 0. Rest = 2, 2, 2, 0, 0, 0 (mean 1); Q2 deviations
    (-.5, -.5, +.5, +.5, +.5, -.5) times (1, 1, 1, -1, -1, -1) sum to -1;
    Sxx = 1.5, Syy = 6, r = -1 / 3: flagged. X: chosen by 1 strong, 0 weak.
Q3: the same credits as Q1 (r = 0.5773503); "False" chosen by 0 strong, 2 weak.
"""

from __future__ import annotations

import math

import pytest

from quizapp.domain.item_analysis import (
    MIN_ATTEMPTS,
    ItemQuestion,
    ItemResponse,
    analyse,
    correlation,
)

Q1 = ItemQuestion("q1", "Pick A", ("A", "B", "C", "D"), ("A",), link="fact-1")
Q2 = ItemQuestion("q2", "Pick W", ("W", "X", "Y", "Z"), ("W",), link="fact-2")
Q3 = ItemQuestion("q3", "A is true", ("True", "False"), ("True",), link="fact-3")

TABLE = {
    "s1": [("q1", "A", 1), ("q2", "X", 0), ("q3", "True", 1)],
    "s2": [("q1", "A", 1), ("q2", "X", 0), ("q3", "True", 1)],
    "s3": [("q1", "A", 1), ("q2", "W", 1), ("q3", "True", 1)],
    "s4": [("q1", "B", 0), ("q2", "W", 1), ("q3", "False", 0)],
    "s5": [("q1", "C", 0), ("q2", "W", 1), ("q3", "False", 0)],
    "s6": [("q2", "Y", 0), ("q3", "False", 0)],  # Q1 left unanswered
}


def responses(table=TABLE):
    return [
        ItemResponse(attempt, qid, credit, (choice,))
        for attempt, rows in table.items()
        for qid, choice, credit in rows
    ]


@pytest.fixture
def analysis():
    return analyse([Q1, Q2, Q3], responses())


def test_thirds(analysis):
    assert (analysis.attempts, analysis.group_size, analysis.enough) == (6, 2, True)


def test_facility_and_upper_lower_difference(analysis):
    q1, q2, q3 = analysis.items
    assert (q1.facility, q1.strong_facility, q1.weak_facility, q1.upper_lower) == (0.5, 1, 0, 1)
    assert (q2.facility, q2.strong_facility, q2.weak_facility, q2.upper_lower) == (0.5, 0.5, 0.5, 0)
    assert q3.upper_lower == 1
    assert [item.attempts for item in analysis.items] == [6, 6, 6]


def test_point_biserial_against_the_rest_of_the_score(analysis):
    q1, q2, q3 = analysis.items
    assert q1.point_biserial == pytest.approx(1 / math.sqrt(3))
    assert q1.point_biserial == pytest.approx(0.5773503, abs=1e-7)
    assert q2.point_biserial == pytest.approx(-1 / 3)
    assert q3.point_biserial == pytest.approx(q1.point_biserial)


def test_options_by_strong_and_weak_students(analysis):
    q1, q2, q3 = analysis.items
    assert [(o.option, o.correct, o.strong, o.weak, o.total) for o in q1.options] == [
        ("A", True, 2, 0, 3),
        ("B", False, 0, 0, 1),
        ("C", False, 0, 1, 1),
        ("D", False, 0, 0, 0),
    ]
    assert [(o.option, o.strong, o.weak, o.total) for o in q2.options] == [
        ("W", 1, 1, 3),
        ("X", 1, 0, 2),
        ("Y", 0, 1, 1),
        ("Z", 0, 0, 0),
    ]
    assert [o.option for o in q2.options if o.lures_strong] == ["X"]
    assert [(o.option, o.strong, o.weak) for o in q3.options] == [("True", 2, 0), ("False", 0, 2)]


def test_questions_strong_students_miss_are_flagged(analysis):
    assert [item.question.link for item in analysis.flagged] == ["fact-2"]
    flag = analysis.flagged[0].flag
    assert "rest of the assignment" in flag and "“X”" in flag


def test_strong_students_missing_more_than_weak_is_flagged_by_the_thirds():
    # s1-s3 get Q1 and Q3 right and miss q9 (choosing Q); s4-s6 the other way round.
    q9 = ItemQuestion("q9", "Pick P", ("P", "Q"), ("P",))
    table = {}
    for i in range(1, 7):
        strong = i <= 3
        table[f"s{i}"] = [
            ("q1", "A" if strong else "B", int(strong)),
            ("q3", "True" if strong else "False", int(strong)),
            ("q9", "Q" if strong else "P", int(not strong)),
        ]
    result = analyse([Q1, Q3, q9], responses(table))
    item = result.items[2]
    assert (item.strong_facility, item.weak_facility, item.upper_lower) == (0, 1, -1)
    assert item.flag.startswith("Strong students missed it more than weak ones")
    assert "“Q”" in item.flag
    assert [i.question.question_id for i in result.flagged] == ["q9"]


def test_too_few_attempts_give_facilities_only():
    few = {key: rows for key, rows in list(TABLE.items())[: MIN_ATTEMPTS - 1]}
    result = analyse([Q1, Q2, Q3], responses(few))
    assert (result.attempts, result.enough, result.flagged) == (5, False, ())
    q1 = result.items[0]
    assert q1.facility == 3 / 5
    assert (q1.upper_lower, q1.point_biserial, q1.strong_facility) == (None, None, None)
    assert [o.total for o in q1.options] == [3, 1, 1, 0]


def test_partial_credit_and_multiple_choices():
    q = ItemQuestion("m", "Pick two", ("A", "B", "C"), ("A", "B"))
    rows = [ItemResponse(f"s{i}", "m", 0.5, ("A", "C")) for i in range(6)]
    (item,) = analyse([q], rows).items
    assert item.facility == 0.5
    assert [o.total for o in item.options] == [6, 0, 6]
    assert item.point_biserial is None  # nobody differs: no correlation to speak of


def test_no_attempts():
    result = analyse([Q1], [])
    assert result.attempts == 0 and result.items[0].facility is None


@pytest.mark.parametrize(
    ("xs", "ys", "r"),
    [([1, 2, 3], [2, 4, 6], 1.0), ([1, 2, 3], [3, 2, 1], -1.0), ([1, 1, 1], [1, 2, 3], None)],
)
def test_correlation(xs, ys, r):
    assert correlation(xs, ys) == (pytest.approx(r) if r is not None else None)
