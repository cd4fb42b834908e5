"""Normalise and judge a learner's answer to a generated question.

Rules, by the question's `answer_kind` (typed, cloze and reverse questions):

- entity, text: case, punctuation, spaces and Latin diacritics don't matter
  ("zhipu ai" = "Zhipu AI", "Beyonce" = "Beyoncé"); every alias is accepted.
  A small typo is forgiven in long answers only: a rapidfuzz ratio of at
  least `TYPO_RATIO` against an accepted answer of `TYPO_MIN_LENGTH`+
  characters, unless the answer is another entity's name or closer to one
  (`Question.near_misses`: "GLM-4V-Plus" is no typo of "GLM-4-Plus"). A list
  may come in any order ("Tsinghua and CMU").
- number, money: the figure must be exact, scale words and units are optional:
  "4B" = "4 bn" = "4 billion" = "4,000,000,000" = "four billion" (but "4" is
  not 4 billion); "$2 billion" = "2B" = "2 billion dollars". A currency named
  must be the fact's ("¥" is the yen or the yuan, decided by the fact's ISO
  form among the accepted answers); a count takes no currency; a share ("30%")
  is not a multiple ("30 times") and the reverse; a unit given must be the
  fact's ("params" for "parameters"). The qualifier ("over") is never
  required, but one that contradicts the fact fails ("under 1 trillion" for
  "over 1 trillion", "over 30%" for exactly 30%).
- date: the same date at the same precision: "April 2023" = "2023-04" =
  "Apr 2023" = "April of 2023" = "4/2023"; "2023" is not April 2023.

Choice questions (multiple choice, true/false) compare the chosen option with
the right one(s). Multiple select gives partial credit: (right picked - wrong
picked) / number right, floored at 0; it is correct only for the exact set.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from quizapp.domain.numbers import AMBIGUOUS_YEN, ParsedAmount, parse_amount, parse_date

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
        right = right and not _near_miss(question.near_misses, question.accepted, response)
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
    if answer_kind in ("number", "money") and parse_amount(response) is not None:
        # compared as figures: "$30" and "30%" differ though their letters are the same
        return _amount_matches(answer_kind, accepted, response)
    if typed in {normalise(answer) for answer in accepted}:
        return True
    if answer_kind == "date":
        parsed = parse_date(response)
        return parsed is not None and any(parse_date(answer) == parsed for answer in accepted)
    if answer_kind in ("entity", "text"):
        if any(_same_list(answer, response) for answer in accepted):
            return True
        return any(_forgivable_typo(normalise(answer), typed) for answer in accepted)
    return False


_LIST_SEPARATORS = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*|\s*;\s*)\s*")


def _same_list(answer: str, response: str) -> bool:
    """A list answer in another order: "Tsinghua and CMU" for "CMU and Tsinghua"."""
    parts = [normalise(part) for part in _LIST_SEPARATORS.split(answer) if normalise(part)]
    if len(parts) < 2:
        return False
    given = [normalise(part) for part in _LIST_SEPARATORS.split(response) if normalise(part)]
    return sorted(given) == sorted(parts)


def _amount_matches(answer_kind: str, accepted: Sequence[str], response: str) -> bool:
    typed = parse_amount(response)
    if typed is None:
        return False
    rights = [right for right in map(parse_amount, accepted) if right is not None]
    # The fact's currency: the ISO form among the accepted answers tells "¥" apart.
    currencies = {r.currency for r in rights if r.currency not in (None, AMBIGUOUS_YEN)}
    for right in rights:
        if right.amount != typed.amount or _contradicts(typed.qualifier, right.qualifier):
            continue
        if answer_kind == "money" and _same_money(typed, right, currencies):
            return True
        if answer_kind == "number" and _same_unit(typed, right):
            return True
    return False


_BELOW = frozenset({"under", "up to"})


def _contradicts(said: str | None, fact: str | None) -> bool:
    """Whether a learner's hedge contradicts the fact's ("under 1 trillion" for "over ...")."""
    if said is None or said == "around" or fact == "around":
        return False
    if fact is None:  # an exact figure: "over 30%" is not 30%
        return True
    return (said == "over") != (fact == "over") and not (said in _BELOW and fact in _BELOW)


def _same_money(typed: ParsedAmount, right: ParsedAmount, currencies: set[str]) -> bool:
    if typed.percent or typed.currency is None:
        return not typed.percent
    known = currencies or ({right.currency} - {None, AMBIGUOUS_YEN})
    if typed.currency == AMBIGUOUS_YEN:
        return not known or known <= {"JPY", "CNY"}
    return not known or typed.currency in known


# Unit words that say the same thing ("45-fold" = "45 times").
_UNIT_SYNONYMS = {"fold": "times", "x": "times"}


def _same_unit(typed: ParsedAmount, right: ParsedAmount) -> bool:
    """A count has no currency; a share is not a multiple; a unit given must be the fact's."""
    if typed.currency is not None or (typed.percent and not right.percent):
        return False
    said = [_UNIT_SYNONYMS.get(word, word) for word in map(normalise, typed.rest.split())]
    said = [word for word in said if word]
    if right.percent:
        return not said
    unit = {normalise(word)[:5] for word in right.rest.split()}
    # "params" for "parameters", "models" for "foundational AI models": each word given
    # must start like a word of the unit (units are free text)
    return not unit or all(word[:5] in unit for word in said)


def _near_miss(near_misses: Sequence[str], accepted: Sequence[str], response: str) -> bool:
    """Whether the answer is (or is closer to) another entity's name: "GLM-4V-Plus" is
    no typo of "GLM-4-Plus" in a deck that has both."""
    typed = normalise(response)
    if not near_misses or typed in {normalise(answer) for answer in accepted}:
        return False
    closest = max(fuzz.ratio(normalise(answer), typed) for answer in accepted)
    return any(fuzz.ratio(normalise(other), typed) >= closest for other in near_misses)


def _forgivable_typo(answer: str, typed: str) -> bool:
    return len(answer) >= TYPO_MIN_LENGTH and fuzz.ratio(answer, typed) >= TYPO_RATIO
