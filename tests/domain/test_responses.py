"""One rule for what a learner may send as an answer (quizzes, study and live games)."""

from __future__ import annotations

import pytest

from quizapp.domain.responses import (
    MAX_PICKS,
    MAX_TYPED_LENGTH,
    LiveResponse,
    ResponseRefused,
    read_live_response,
    read_response,
)

OPTIONS = ("Paris", "Rome", "Lima")


@pytest.mark.parametrize(
    ("choices", "several", "sent", "read"),
    [
        ((), False, "  Paris ", "Paris"),
        ((), False, "   ", None),
        ((), False, None, None),
        ((), False, ["Paris"], "Paris"),
        (OPTIONS, False, "Rome", "Rome"),
        (OPTIONS, False, "", None),
        (OPTIONS, True, ["Rome", "Lima", "Rome", ""], ("Rome", "Lima")),
        (OPTIONS, True, "Lima", ("Lima",)),
        (OPTIONS, True, [], None),
    ],
)
def test_responses_of_the_right_shape_are_read(choices, several, sent, read):
    assert read_response(choices, several, sent) == read


@pytest.mark.parametrize(
    ("choices", "several", "sent", "words"),
    [
        (OPTIONS, False, "Berlin", "not one of the options"),
        (OPTIONS, True, ["Paris", "Berlin"], "not one of the options"),
        (OPTIONS, True, [1, 2], "Choose options from the list"),
        ((), False, ["a", "b"], "takes one answer"),
        ((), False, {"a": 1}, "takes one answer"),
        ((), False, "a\x00b", "NUL"),
        ((), False, "x" * (MAX_TYPED_LENGTH + 1), f"at most {MAX_TYPED_LENGTH}"),
    ],
)
def test_responses_of_another_shape_are_refused_with_words(choices, several, sent, words):
    with pytest.raises(ResponseRefused, match=words):
        read_response(choices, several, sent)


# --- live answers: one parser for the fast path and the view --------------------------


@pytest.mark.parametrize(
    ("fields", "read"),
    [
        ([("position", "0"), ("pick", "2")], LiveResponse(0, (2,))),
        ([("pick", "3"), ("position", " 4 "), ("pick", "1")], LiveResponse(4, (3, 1))),
        ([("position", "1")], LiveResponse(1, ())),
    ],
)
def test_a_live_answer_is_read_in_the_order_sent(fields, read):
    assert read_live_response(fields) == read


@pytest.mark.parametrize(
    "fields",
    [
        [("pick", "1")],
        [("position", ""), ("pick", "1")],
        [("position", "²"), ("pick", "1")],
        [("position", "0"), ("pick", "-1")],
        [("position", "0"), ("pick", "1" * 10)],
        [("position", "0")] + [("pick", "1")] * (MAX_PICKS + 1),
    ],
)
def test_a_live_answer_of_the_wrong_shape_is_refused(fields):
    with pytest.raises(ResponseRefused, match="Pick one"):
        read_live_response(fields)
