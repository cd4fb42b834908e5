"""The rules of a live game: points, streaks, partial credit, ranks, nicknames, orders."""

from __future__ import annotations

import pytest

from quizapp.domain import live
from quizapp.domain.questions import Question


def make_question(kind="multiple_choice", choices=("A", "B", "C", "D"), correct=("A",)):
    return Question(
        id="q1",
        deck="d",
        fact_key="f",
        kind=kind,
        prompt="?",
        answer=", ".join(correct),
        accepted=tuple(correct),
        choices=tuple(choices),
        correct=tuple(correct),
        subject="s",
        relation="r",
        evidence="e",
        source="",
        answer_kind="text",
    )


def score(question, picks, elapsed=0, limit=20_000, accuracy=False, streak=0, bonus=False):
    return live.score_answer(
        question,
        picks,
        elapsed_ms=elapsed,
        limit_ms=limit,
        accuracy_only=accuracy,
        streak_before=streak,
        use_streak_bonus=bonus,
    )


@pytest.mark.parametrize(
    ("elapsed", "limit", "points"),
    [
        (0, 20_000, 1000),
        (20_000, 20_000, 500),
        (10_000, 20_000, 750),
        (5_000, 20_000, 875),
        (1, 20_000, 1000),  # 999.975 rounds up
        (30_000, 20_000, 500),  # late is clamped: never below 500
        (-5, 20_000, 1000),
        (1_000, 3_000, 833),  # 833.33
        (3, 4_000, 1000),  # 999.625
        (40, 1_000, 980),  # exactly 980
        (1, 1_000, 1000),  # 999.5 -> half up
    ],
)
def test_speed_points_follow_kahoots_rule(elapsed, limit, points):
    assert live.speed_points(elapsed, limit) == points


def test_speed_points_never_below_500_or_above_1000():
    for t in range(0, 20_001, 97):
        assert 500 <= live.speed_points(t, 20_000) <= 1000


def test_speed_points_reject_a_zero_limit():
    with pytest.raises(ValueError):
        live.speed_points(0, 0)


def test_correct_answer_scores_by_speed_and_wrong_scores_nothing():
    q = make_question()
    right = score(q, ["A"], elapsed=10_000)
    assert (right.correct, right.points, right.streak) == (True, 750, 1)
    wrong = score(q, ["B"], elapsed=0, streak=3, bonus=True)
    assert (wrong.correct, wrong.points, wrong.streak, wrong.bonus) == (False, 0, 0, 0)


def test_accuracy_only_gives_1000_whenever():
    q = make_question()
    assert score(q, ["A"], elapsed=19_999, accuracy=True).points == 1000
    assert score(q, ["A"], elapsed=0, accuracy=True).points == 1000
    assert score(q, ["C"], accuracy=True).points == 0


@pytest.mark.parametrize(
    ("streak_before", "bonus"), [(0, 0), (1, 100), (2, 200), (4, 400), (5, 500), (9, 500)]
)
def test_streak_bonus_is_100_per_correct_in_a_row_at_most_500(streak_before, bonus):
    scored = score(make_question(), ["A"], accuracy=True, streak=streak_before, bonus=True)
    assert scored.bonus == bonus
    assert scored.points == 1000 + bonus
    assert scored.streak == streak_before + 1


def test_streak_bonus_off_gives_no_bonus_but_counts_the_streak():
    scored = score(make_question(), ["A"], accuracy=True, streak=4, bonus=False)
    assert (scored.points, scored.bonus, scored.streak) == (1000, 0, 5)


def test_multiple_select_partial_credit():
    q = make_question("multiple_select", ("A", "B", "C", "D", "E"), ("A", "B"))
    exact = score(q, ["B", "A"], elapsed=0, streak=1, bonus=True)
    assert (exact.correct, exact.credit, exact.points) == (True, 1.0, 1100)
    half = score(q, ["A"], elapsed=0, streak=1, bonus=True)
    # half the points of a correct answer at that moment; not correct, so no bonus
    assert (half.correct, half.credit, half.points, half.streak) == (False, 0.5, 500, 0)
    slow_half = score(q, ["A"], elapsed=20_000)
    assert slow_half.points == 250
    cancelled = score(q, ["A", "C"])  # one right, one wrong: 0 credit
    assert (cancelled.credit, cancelled.points) == (0.0, 0)
    assert score(q, ["C", "D"]).points == 0
    assert score(q, []).points == 0


def test_single_choice_needs_exactly_one_pick():
    q = make_question()
    assert not score(q, ["A", "B"]).correct
    assert not score(q, []).correct


def test_reverse_question_with_options_is_judged_by_the_option():
    q = Question(
        id="r",
        deck="d",
        fact_key="f",
        kind="reverse",
        prompt="Which company was founded by Ann?",
        answer="Acme",
        accepted=("Acme", "Acme Inc"),
        choices=("Bolt", "Acme", "Cog", "Dyn"),
        correct=("Acme",),
        subject="acme",
        relation="founder",
        evidence="e",
        source="",
        answer_kind="entity",
    )
    assert score(q, ["Acme"]).correct
    assert not score(q, ["Bolt"]).correct


def test_rank_shares_places_on_ties():
    ranked = live.rank([(1, "bo", 500), (2, "Al", 900), (3, "cy", 500), (4, "di", 100)])
    assert [(r.rank, r.nickname) for r in ranked] == [(1, "Al"), (2, "bo"), (2, "cy"), (4, "di")]
    assert live.rank([]) == []


def test_option_counts_and_most_chosen_wrong():
    counts = live.option_counts(["A", "B", "C"], [["A"], ["B"], ["B"], ["C"], ["B", "B"], []])
    assert counts == {"A": 1, "B": 3, "C": 1}
    assert live.most_chosen_wrong(counts, ["A"]) == ("B", 3)
    assert live.most_chosen_wrong({"A": 4, "B": 0}, ["A"]) is None
    assert live.option_counts(["A"], [["Z"]]) == {"A": 0}


def test_player_order_is_a_stable_per_player_shuffle():
    choices = [f"option {i}" for i in range(6)]
    first = live.player_order(choices, 11, "7")
    assert sorted(first) == sorted(choices)
    assert live.player_order(choices, 11, "7") == first  # a reload shows the same order
    orders = {tuple(live.player_order(choices, seed, "7")) for seed in range(40)}
    assert len(orders) > 20  # players really get different orders
    assert live.player_order(["True", "False"], 5, "x", "true_false") == ["True", "False"]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("  Ann  ", "Ann"), ("Ann   Lee", "Ann Lee"), ("李雷", "李雷"), ("👩‍🚀 Zoe", "👩‍🚀 Zoe")],
)
def test_clean_nickname_tidies(raw, clean):
    assert live.clean_nickname(raw) == clean


@pytest.mark.parametrize(
    "raw", ["", "   ", "a" * 21, "bad\x00name", "tab\tname", "evil\u202egnp", "line\u2028x"]
)
def test_clean_nickname_refuses(raw):
    with pytest.raises(ValueError):
        live.clean_nickname(raw)


def test_nickname_key_makes_lookalikes_clash():
    assert live.nickname_key("Ann") == live.nickname_key(" a.nn") == live.nickname_key("ANN")
    assert live.nickname_key("Ann") != live.nickname_key("Anna")
    assert live.nickname_key("!!!") != live.nickname_key("???")


def test_is_live_question():
    assert live.is_live_question({"kind": "multiple_choice", "choices": ["a", "b"]})
    assert not live.is_live_question({"kind": "reverse", "choices": []})
    assert live.is_live_question({"kind": "typed", "choices": []})
    assert not live.is_live_question({"kind": "cloze", "choices": []})


def test_nickname_variants_number_a_name_and_keep_the_number_visible():
    assert live.nickname_variants("Ana Li", 3) == ["Ana Li", "Ana Li (2)", "Ana Li (3)"]
    long = live.nickname_variants("Anastasia Montgomery", 12)
    assert long[0] == "Anastasia Montgomery"
    assert long[1] == "Anastasia Montgo (2)" and long[11] == "Anastasia Montg (12)"
    assert all(len(v) <= live.NICKNAME_MAX for v in long)
    # the cut never leaves a space before the number
    assert live.nickname_variants("Abcdefghijklmno Pqrs", 2)[1] == "Abcdefghijklmno (2)"


def test_unique_nickname_skips_taken_keys():
    taken = {live.nickname_key("ana li"), live.nickname_key("Ana Li 2")}
    assert live.unique_nickname("Ana Li", taken) == "Ana Li (3)"
    assert live.unique_nickname("Bo", taken) == "Bo"
    everything = {live.nickname_key(v) for v in live.nickname_variants("Bo", 5)}
    with pytest.raises(ValueError, match="Too many players"):
        live.unique_nickname("Bo", everything, count=5)
