"""Typed answers judged as a fair teacher would: one row per (answer, verdict), covering the
false accepts and false rejects found on decks nobody tuned the grader for (issue 14).

The questions are shaped as the generator makes them (a money value's accepted answers hold
its display and its ISO form, so "¥" can be told apart).
"""

from __future__ import annotations

import pytest

from quizapp.domain.grading import judge
from quizapp.domain.questions import Question


def typed(answer_kind: str, *accepted: str, near_misses: tuple[str, ...] = ()) -> Question:
    return Question(
        id="0" * 12,
        deck="d",
        fact_key="f",
        kind="typed",
        prompt="?",
        answer=accepted[0],
        accepted=accepted,
        choices=(),
        correct=(accepted[0],),
        subject="s",
        relation="r",
        evidence="",
        source="",
        answer_kind=answer_kind,
        near_misses=near_misses,
    )


OVER_TRILLION = typed("number", "over 1 trillion parameters")
OVER_45_TIMES = typed("number", "over 45 times")
THIRTY_PERCENT = typed("number", "30%")
ELEVEN_MODELS = typed("number", "11 foundational AI models")
USERS = typed("number", "over 13 million users")
PRICE_JPY = typed("money", "14,800 JPY")
CNY = typed("money", "¥2 billion", "2 billion CNY")
OVER_USD = typed("money", "over $2 billion", "over 2 billion USD")
AROUND_EUR = typed("money", "around €40.1 billion", "around 40.1 billion EUR")
DAY = typed("date", "January 15, 2025", "2025-01-15")
MONTH = typed("date", "April 2023", "2023-04")
YEAR = typed("date", "2022")
GLM = typed("entity", "GLM-4-Plus", near_misses=("GLM-4V-Plus",))
STEPFUN = typed("entity", "Stepfun", "StepFun", "阶跃星辰")
INFINIGENCE = typed("entity", "Infinigence AI", "Infinigence")
FOUNDERS = typed("text", "Steve Jobs, Steve Wozniak and Ronald Wayne")

ROWS = [
    # hedged figures: the hedge is never required, a contradicting one fails
    (OVER_TRILLION, "1 trillion", True),
    (OVER_TRILLION, "1T", True),
    (OVER_TRILLION, "over 1 trillion", True),
    (OVER_TRILLION, "more than one trillion", True),
    (OVER_TRILLION, "over a trillion", True),
    (OVER_TRILLION, "more than a trillion parameters", True),
    (OVER_TRILLION, "1,000,000,000,000", True),
    (OVER_TRILLION, "1 trillion parameters", True),
    (OVER_TRILLION, "1 trillion params", True),
    (OVER_TRILLION, "about 1 trillion", True),
    (OVER_TRILLION, "at least 1 trillion", True),
    (OVER_TRILLION, "> 1 trillion", True),
    (OVER_TRILLION, "under 1 trillion", False),
    (OVER_TRILLION, "less than 1 trillion", False),
    (OVER_TRILLION, "up to 1 trillion", False),
    (OVER_TRILLION, "at most 1 trillion", False),
    (OVER_TRILLION, "$1 trillion", False),
    (OVER_TRILLION, "1 trillion dollars", False),
    (OVER_TRILLION, "1 trillion users", False),
    (OVER_TRILLION, "1 billion", False),
    (OVER_TRILLION, "1", False),
    (OVER_TRILLION, "10 trillion", False),
    (OVER_TRILLION, "1 trillion%", False),
    # multiples versus shares
    (OVER_45_TIMES, "45", True),
    (OVER_45_TIMES, "45 times", True),
    (OVER_45_TIMES, "over 45 times", True),
    (OVER_45_TIMES, "more than 45 times", True),
    (OVER_45_TIMES, "45-fold", True),
    (OVER_45_TIMES, "45x", True),
    (OVER_45_TIMES, "45%", False),
    (OVER_45_TIMES, "over 45%", False),
    (OVER_45_TIMES, "under 45 times", False),
    (OVER_45_TIMES, "$45", False),
    (OVER_45_TIMES, "46", False),
    (THIRTY_PERCENT, "30%", True),
    (THIRTY_PERCENT, "30 percent", True),
    (THIRTY_PERCENT, "30 per cent", True),
    (THIRTY_PERCENT, "30", True),
    (THIRTY_PERCENT, "about 30%", True),
    (THIRTY_PERCENT, "thirty percent", True),
    (THIRTY_PERCENT, "30 times", False),
    (THIRTY_PERCENT, "over 30%", False),
    (THIRTY_PERCENT, "under 30%", False),
    (THIRTY_PERCENT, "$30", False),
    (THIRTY_PERCENT, "3%", False),
    # numbers in words, units in other words
    (ELEVEN_MODELS, "11", True),
    (ELEVEN_MODELS, "eleven", True),
    (ELEVEN_MODELS, "Eleven models", True),
    (ELEVEN_MODELS, "11 models", True),
    (ELEVEN_MODELS, "11 foundational models", True),
    (ELEVEN_MODELS, "about 11", True),
    (ELEVEN_MODELS, "12", False),
    (ELEVEN_MODELS, "11%", False),
    (ELEVEN_MODELS, "over 11", False),
    (ELEVEN_MODELS, "11 users", False),
    (USERS, "13 million", True),
    (USERS, "13M", True),
    (USERS, "13 million users", True),
    (USERS, "over thirteen million users", True),
    (USERS, "under 13 million", False),
    # currencies: a currency given must be the fact's; ¥ is the yen or the yuan
    (PRICE_JPY, "14,800 JPY", True),
    (PRICE_JPY, "14,800", True),
    (PRICE_JPY, "¥14,800", True),
    (PRICE_JPY, "14800 yen", True),
    (PRICE_JPY, "14,800 円", True),
    (PRICE_JPY, "14.8k", True),
    (PRICE_JPY, "about ¥14,800", True),
    (PRICE_JPY, "$14,800", False),
    (PRICE_JPY, "€14,800", False),
    (PRICE_JPY, "14,800 CNY", False),
    (PRICE_JPY, "14,800 yuan", False),
    (PRICE_JPY, "14,800%", False),
    (PRICE_JPY, "over 14,800 JPY", False),
    (CNY, "¥2 billion", True),
    (CNY, "2 billion yuan", True),
    (CNY, "2B CNY", True),
    (CNY, "RMB 2 billion", True),
    (CNY, "2 billion", True),
    (CNY, "2 billion JPY", False),
    (CNY, "2 billion yen", False),
    (CNY, "$2 billion", False),
    (OVER_USD, "over $2 billion", True),
    (OVER_USD, "$2 billion", True),
    (OVER_USD, "2 billion dollars", True),
    (OVER_USD, "US$2B", True),
    (OVER_USD, "more than $2 billion", True),
    (OVER_USD, "2 billion", True),
    (OVER_USD, "less than $2 billion", False),
    (OVER_USD, "under $2B", False),
    (OVER_USD, "€2 billion", False),
    (OVER_USD, "$20 billion", False),
    (OVER_USD, "over $2 million", False),
    (AROUND_EUR, "€40.1 billion", True),
    (AROUND_EUR, "40.1 billion euros", True),
    (AROUND_EUR, "around €40.1 billion", True),
    (AROUND_EUR, "40.1 billion EUR", True),
    (AROUND_EUR, "$40.1 billion", False),
    (AROUND_EUR, "£40.1 billion", False),
    (AROUND_EUR, "40 billion", False),
    # dates in common forms, at the precision asked
    (DAY, "January 15, 2025", True),
    (DAY, "Jan 15, 2025", True),
    (DAY, "15 January 2025", True),
    (DAY, "2025-01-15", True),
    (DAY, "January 15th, 2025", True),
    (DAY, "15th of January, 2025", True),
    (DAY, "January 15", False),
    (DAY, "January 2025", False),
    (DAY, "2025", False),
    (DAY, "January 16, 2025", False),
    (DAY, "1/15/2025", False),
    (MONTH, "April 2023", True),
    (MONTH, "Apr 2023", True),
    (MONTH, "April of 2023", True),
    (MONTH, "April, 2023", True),
    (MONTH, "2023-04", True),
    (MONTH, "4/2023", True),
    (MONTH, "2023", False),
    (MONTH, "April 2022", False),
    (MONTH, "April 1, 2023", False),
    (YEAR, "2022", True),
    (YEAR, "2021", False),
    # names: typos forgiven in long names, never another entity's name
    (GLM, "GLM-4-Plus", True),
    (GLM, "glm 4 plus", True),
    (GLM, "GLM-4-Pluss", True),
    (GLM, "GLM-4V-Plus", False),
    (GLM, "GLM-4V-Pluss", False),
    (STEPFUN, "stepfun", True),
    (STEPFUN, "Step fun", True),
    (STEPFUN, "阶跃星辰", True),
    (STEPFUN, "Stepfunn", False),
    (STEPFUN, "Moonshot", False),
    (INFINIGENCE, "Infinigense AI", True),
    (INFINIGENCE, "infinigence", True),
    # lists in another order
    (FOUNDERS, "Steve Jobs, Steve Wozniak and Ronald Wayne", True),
    (FOUNDERS, "Steve Wozniak, Steve Jobs and Ronald Wayne", True),
    (FOUNDERS, "Ronald Wayne & Steve Jobs & Steve Wozniak", True),
    (FOUNDERS, "Ronald Wayne, Steve Wozniak, Steve Jobs", True),
    (FOUNDERS, "Steve Jobs and Steve Wozniak", False),
    (FOUNDERS, "Steve Jobs, Steve Wozniak, Ronald Wayne and Bill Gates", False),
]


def test_the_table_is_big_enough() -> None:
    assert len(ROWS) >= 100
    assert {verdict for _, _, verdict in ROWS} == {True, False}


@pytest.mark.parametrize(
    ("question", "answer", "verdict"),
    ROWS,
    ids=[f"{q.answer}<-{answer}" for q, answer, _ in ROWS],
)
def test_verdict(question: Question, answer: str, verdict: bool) -> None:
    assert judge(question, answer).correct is verdict
