"""What a learner sent as an answer, checked against the question's shape (one rule for
quizzes and study).

(Live games send option positions instead: `read_live_response`.)

A response is one of the options, several of them (a "select all" question) or typed
text (`read_response`), a guess at a number or year (`read_estimate`) or a place for
every item of an order question (`read_order`). Each returns it cleaned (text
stripped, repeated picks dropped) or None when nothing was answered; anything of
the wrong shape is a `ResponseRefused` with words for the learner. What "nothing"
means is the caller's: study shows the answer, a quiz refuses it unless time ran out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from quizapp.domain.fact_kinds import GUESS_MAX_CHARS, read_guess

MAX_TYPED_LENGTH = 500  # characters of a typed answer
MAX_PICKS = 20  # options of one live answer (the most a question has, and then some)


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


@dataclass(frozen=True)
class LiveResponse:
    """A live answer as sent: the question's position, the options picked as positions
    in the player's own order (in the order given: an order question's answer is that
    order), and the text typed (a typed answer or an estimate), if any."""

    position: int
    picks: tuple[int, ...]
    text: str | None = None


_INDEX = re.compile(r"[0-9]{1,9}")


def read_live_response(fields: Iterable[tuple[str, str]]) -> LiveResponse:
    """A live answer from its form fields (`position`, `pick` once per option, `answer`).

    One parser for the answer fast path (quizapp/live/fastpath.py) and the view that
    answers a browser without JavaScript: both refuse the same things in the same words.

    Args:
        fields: (name, value) pairs of the form, as sent.

    Raises:
        ResponseRefused: No position, a pick that is not a whole number (ASCII digits
            only: "²" passes str.isdigit), more than `MAX_PICKS` picks, a NUL or an
            answer over `MAX_TYPED_LENGTH` characters.
    """
    position: str | None = None
    picks: list[int] = []
    text: str | None = None
    for name, value in fields:
        if name == "position" and position is None:
            position = value.strip()
        elif name == "answer" and text is None:
            if len(value) > MAX_TYPED_LENGTH or "\x00" in value:
                raise ResponseRefused(f"An answer has at most {MAX_TYPED_LENGTH} characters.")
            text = value.strip()
        elif name == "pick":
            if len(picks) == MAX_PICKS or not _INDEX.fullmatch(value.strip()):
                raise ResponseRefused("Pick one of the options shown.")
            picks.append(int(value))
    if position is None or not _INDEX.fullmatch(position):
        raise ResponseRefused("Pick one of the options shown.")
    return LiveResponse(int(position), tuple(picks), text)


def _one_text(response: Any, refusal: str) -> str:
    if isinstance(response, list | tuple) and len(response) <= 1:
        response = response[0] if response else ""
    if not isinstance(response, str) or "\x00" in response:
        raise ResponseRefused(refusal)
    return response.strip()


def read_estimate(unit: str, response: Any) -> str | None:
    """A guess at an estimate question (stripped), or None when nothing was typed.

    Args:
        unit: The question's unit: "year" or "amount".
        response: What came from the form: a string (or a list of one).

    Raises:
        ResponseRefused: Several values, not a number (words, "NaN", "inf", "1e999"),
            a year that is not a whole number of up to 4 digits, or more than
            `GUESS_MAX_CHARS` characters.
    """
    refusal = (
        "Type a year as a whole number, for example 1984."
        if unit == "year"
        else "Type a number, for example 1500, 2.5 million or $700."
    )
    text = _one_text(response, refusal)
    if not text:
        return None
    if len(text) > GUESS_MAX_CHARS or read_guess(text, unit) is None:
        raise ResponseRefused(refusal)
    return text


_PLACE = re.compile(r"([0-9]{1,2}):([0-9]{1,2})")


def read_order(items: Sequence[str], response: Any) -> tuple[str, ...] | None:
    """The items of an order question in the order the learner put them, or None when
    no place was chosen.

    Args:
        items: The items as the question showed them.
        response: One "item:place" string per item (item by its 0-based position as
            shown, place 1-based), as the order form's selects send them; an empty
            string is a select left unchosen.

    Raises:
        ResponseRefused: A value that is not "item:place", an item that is not shown
            or given twice, a place out of 1..n or given to two items, or some items
            placed and others not.
    """
    values = [response] if isinstance(response, str) else response
    if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
        raise ResponseRefused("Give every item a place in the order.")
    chosen = [v.strip() for v in values if v.strip()]
    if not chosen:
        return None
    places: dict[int, int] = {}
    for value in chosen:
        match = _PLACE.fullmatch(value)
        if match is None or len(places) == len(items):
            raise ResponseRefused("Give every item one of the places shown.")
        item, place = int(match.group(1)), int(match.group(2))
        if not 0 <= item < len(items) or not 1 <= place <= len(items) or item in places:
            raise ResponseRefused("Give every item one of the places shown.")
        places[item] = place
    if len(places) < len(items):
        raise ResponseRefused("Give every item a place in the order.")
    if len(set(places.values())) < len(items):
        raise ResponseRefused("Two items have the same place: give each its own.")
    return tuple(items[item] for item in sorted(places, key=places.__getitem__))
