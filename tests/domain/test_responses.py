"""One rule for what a learner may send as an answer (quizzes and study)."""

from __future__ import annotations

import pytest

from quizapp.domain.responses import MAX_TYPED_LENGTH, ResponseRefused, read_response

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
