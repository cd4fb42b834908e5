"""Normalise and judge a learner's answer to a generated question.

Rules, by the question's `answer_kind` (typed, cloze and reverse questions):

- entity, text: case, punctuation, spaces and Latin diacritics don't matter
  ("zhipu ai" = "Zhipu AI", "Beyonce" = "Beyoncé"); every alias is accepted.
  A small typo is forgiven in long answers only: a rapidfuzz ratio of at
  least `TYPO_RATIO` against an accepted answer of `TYPO_MIN_LENGTH`+
  characters. Short answers, numbers and dates must be exact.
- number, money: the figure must be exact, scale words and units are optional:
  "4B" = "4 bn" = "4 billion" = "4,000,000,000" (but "4" is not 4 billion);
  "$2 billion" = "2B" = "2 billion dollars"; "30%" = "30 percent" = "30". A
  currency named in the answer must be the right one. The qualifier ("over")
  is never required.
- date: the same date at the same precision: "April 2023" = "2023-04" =
  "Apr 2023" = "4/2023"; "2023" is not April 2023.

Choice questions (multiple choice, true/false) compare the chosen option with
the right one(s). Multiple select gives partial credit: (right picked - wrong
picked) / number right, floored at 0; it is correct only for the exact set.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from quizapp.domain.numbers import parse_amount, parse_date

if TYPE_CHECKING:
    from quizapp.domain.questions import Question

__all__ = ["TYPO_MIN_LENGTH", "TYPO_RATIO", "Judgement", "judge", "normalise"]

TYPO_RATIO = 90
TYPO_MIN_LENGTH = 8

# Kept although they are symbols: they tell names apart ("C++", "C#").
_MEANINGFUL_SYMBOLS = frozenset("+#")
# Combining marks on letters below this code point (Latin, Greek, Cyrillic) are
# accents to ignore; above it (kana voicing marks, Indic vowel signs) they change
# the letter and are kept.
_ACCENTED_SCRIPTS_END = 0x0530


@dataclass(frozen=True)
class Judgement:
    """The verdict on one answer.

    Attributes:
        correct: Whether the answer is right.
        credit: 0..1; equals 1.0 or 0.0 except for multiple select.
        expected: The canonical right answer, to show the learner.
    """

    correct: bool
    credit: float
    expected: str


@functools.lru_cache(maxsize=8192)
def normalise(text: str) -> str:
    """Reduce an answer to what matters for comparison.

    Case-folds, drops punctuation, symbols and all whitespace, and removes
    diacritics from Latin, Greek and Cyrillic letters. CJK and other scripts are
    kept (full-width letters become ASCII by compatibility decomposition).

    Args:
        text: Any answer or option text.

    Returns:
        The comparison key ("Zhipu AI!" -> "zhipuai", "Beyoncé" -> "beyonce").
    """
    kept: list[str] = []
    base = ""
    for char in unicodedata.normalize("NFKD", text.casefold()):
        category = unicodedata.category(char)
        if category.startswith("M"):
            if base and ord(base) < _ACCENTED_SCRIPTS_END:
                continue
            kept.append(char)
        elif category[0] in "LN" or char in _MEANINGFUL_SYMBOLS:
            kept.append(char)
            base = char
    return unicodedata.normalize("NFC", "".join(kept))


def judge(question: Question, response: str | Sequence[str]) -> Judgement:
    """Judge a learner's response to a question.

    Args:
        question: The question asked.
        response: The typed text or chosen option; for multiple select, the
            chosen options (a single string counts as one pick).

    Returns:
        The judgement.
    """
    if question.kind == "multiple_select":
        picks = [response] if isinstance(response, str) else list(response)
        credit = _select_credit(question.correct, picks)
        exact = {normalise(pick) for pick in picks} == {normalise(c) for c in question.correct}
        return Judgement(exact, 1.0 if exact else credit, question.answer)
    if not isinstance(response, str):
        raise TypeError(f"a {question.kind} question takes one answer, not {response!r}")
    if question.kind in ("multiple_choice", "true_false"):
        right = normalise(response) in {normalise(option) for option in question.correct}
    else:
        right = _typed_matches(question.answer_kind, question.accepted, response)
    return Judgement(right, 1.0 if right else 0.0, question.answer)


def _select_credit(correct: Sequence[str], picks: Sequence[str]) -> float:
    right = {normalise(option) for option in correct}
    chosen = {normalise(pick) for pick in picks}
    score = len(chosen & right) - len(chosen - right)
    return max(0.0, score / len(right)) if right else 0.0


def _typed_matches(answer_kind: str, accepted: Sequence[str], response: str) -> bool:
    typed = normalise(response)
    if not typed:
        return False
    if typed in {normalise(answer) for answer in accepted}:
        return True
    if answer_kind in ("number", "money"):
        return _amount_matches(accepted, response)
    if answer_kind == "date":
        parsed = parse_date(response)
        return parsed is not None and any(parse_date(answer) == parsed for answer in accepted)
    if answer_kind in ("entity", "text"):
        return any(_forgivable_typo(normalise(answer), typed) for answer in accepted)
    return False


def _amount_matches(accepted: Sequence[str], response: str) -> bool:
    typed = parse_amount(response)
    if typed is None:
        return False
    for answer in accepted:
        right = parse_amount(answer)
        if right is None or right.amount != typed.amount:
            continue
        if typed.currency is None or right.currency in (None, typed.currency):
            return True
    return False


def _forgivable_typo(answer: str, typed: str) -> bool:
    return len(answer) >= TYPO_MIN_LENGTH and fuzz.ratio(answer, typed) >= TYPO_RATIO
