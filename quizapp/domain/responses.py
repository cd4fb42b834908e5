"""What a learner sent as an answer, checked against the question's shape (one rule for
quizzes and study).

A response is one of the options, several of them (a "select all" question) or typed
text. `read_response` returns it cleaned (text stripped, repeated picks dropped) or None
when nothing was answered; anything of the wrong shape is a `ResponseRefused` with words
for the learner. What "nothing" means is the caller's: study shows the answer, a quiz
refuses it unless time ran out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

MAX_TYPED_LENGTH = 500  # characters of a typed answer


class ResponseRefused(ValueError):
    """A response that is not of the question's shape; the message is for the learner."""


def read_response(
    choices: Sequence[str], several: bool, response: Any
) -> str | tuple[str, ...] | None:
    """The cleaned response, or None when nothing was answered.

    Args:
        choices: The question's options (empty for a typed question).
        several: Whether several options may be picked.
        response: What came from the form: a string, or a list of strings.

    Raises:
        ResponseRefused: An option that is not offered, several answers to a one-answer
            question, a value that is not text, a NUL, a typed answer over
            `MAX_TYPED_LENGTH` characters.
    """
    if response is None:
        return None
    if several:
        picks = [response] if isinstance(response, str) else response
        if not isinstance(picks, list | tuple) or not all(isinstance(p, str) for p in picks):
            raise ResponseRefused("Choose options from the list.")
        picks = tuple(p for p in dict.fromkeys(picks) if p)
        if any(p not in choices for p in picks):
            raise ResponseRefused("That is not one of the options of this question.")
        return picks or None
    if isinstance(response, list | tuple) and len(response) <= 1:
        response = response[0] if response else ""
    if not isinstance(response, str):
        raise ResponseRefused("This question takes one answer.")
    if "\x00" in response:
        raise ResponseRefused("An answer cannot contain a NUL character.")
    if choices:
        if response == "":
            return None
        if response not in choices:
            raise ResponseRefused("That is not one of the options of this question.")
        return response
    if len(response) > MAX_TYPED_LENGTH:
        raise ResponseRefused(f"An answer has at most {MAX_TYPED_LENGTH} characters.")
    return response.strip() or None
