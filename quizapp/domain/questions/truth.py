"""Which true/false statements are true and which false: balanced over the whole deck.

A deck whose statements are mostly true teaches nothing by true/false: always
answering True would score high. So the truth of each statement is planned for
the deck as a whole, aiming at half true and half false:

- A false statement must be *certainly* false. The deck is a closed world only
  where the author said so: a `unique` relation (one value per subject, or for a
  `many` relation a complete list) makes any other value false. Other relations
  ("focus", a founders list not marked complete) only get true statements.
- Of the facts that can be stated false, half of all statements (rounded down)
  are made false, chosen by a hash of (seed, question id), so the choice does
  not depend on the order of the file.
- If too few facts can be stated false, only as many true statements are kept
  as there are false ones (chosen by a hash of the question id alone, so that
  which questions exist never depends on the seed); the others are dropped with
  the reason, so the share of True stays at half whatever the deck.

The plan is made once per generation and cached on the context, so generating
one fact's questions (a preview) gives the same statement as the whole deck.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

from quizapp.domain.facts import Fact, TextValue, Value
from quizapp.domain.questions.context import Context

__all__ = ["KIND", "Statement", "statement_for"]

KIND = "true_false"
_CACHE_KEY = "true_false_plan"


@dataclass(frozen=True)
class Statement:
    """The value a true/false question states, and whether that makes it true.

    Attributes:
        value: The value stated.
        true: Whether the statement is true.
    """

    value: Value
    true: bool


def statement_for(context: Context, fact: Fact) -> Statement | str:
    """The planned statement about `fact`, or why it has none (for `Dropped`)."""
    plan = context.cache.get(_CACHE_KEY)
    if plan is None:
        plan = context.cache[_CACHE_KEY] = _plan(context)
    return plan[fact.key]


def _order(context: Context, fact: Fact, seeded: bool = True) -> str:
    id = context.question_id(fact, KIND)
    seed = context.seed if seeded else ""
    return hashlib.sha256(f"{seed}:{id}:truth".encode()).hexdigest()


def _false_value(context: Context, fact: Fact, value: Value, rng: random.Random) -> Value | None:
    """A value that makes the statement certainly false, if the deck has one.

    Whether there is one is decided without the seed (so that which questions exist
    never depends on it); which one is stated depends on the seed.
    """
    if given := context.given_wrong(fact):  # the author's own wrong options are surest
        return TextValue(rng.choice(given))
    fixed = random.Random(f"exists:{context.question_id(fact, KIND)}")
    surely = context.distractors(fact, fixed.choice(fact.values), fixed, 1, statement=True)
    if not surely:
        return None
    wrong = context.distractors(fact, value, rng, 1, statement=True)
    return wrong[0] if wrong else surely[0]


def _plan(context: Context) -> dict[str, Statement | str]:
    trues: dict[str, Statement] = {}
    falses: dict[str, Statement] = {}
    for fact in context.index.facts:
        rng = context.rng(context.question_id(fact, KIND))
        value = rng.choice(fact.values)
        trues[fact.key] = Statement(value, True)
        if (wrong := _false_value(context, fact, value, rng)) is not None:
            falses[fact.key] = Statement(wrong, False)
    facts = sorted(context.index.facts, key=lambda fact: _order(context, fact))
    wanted = len(facts) // 2
    plan: dict[str, Statement | str] = {}
    made_false = [fact for fact in facts if fact.key in falses][:wanted]
    for fact in made_false:
        plan[fact.key] = falses[fact.key]
    keep_true = len(facts) - wanted
    if len(made_false) < wanted:
        keep_true = len(made_false)
        facts.sort(key=lambda fact: _order(context, fact, seeded=False))
    for fact in facts:
        if fact.key in plan:
            continue
        if keep_true > 0:
            plan[fact.key] = trues[fact.key]
            keep_true -= 1
        else:
            plan[fact.key] = (
                f"only {len(made_false)} statements of the deck can be made certainly false "
                "(unique relations only), so as many true ones are kept to balance them"
            )
    return plan
