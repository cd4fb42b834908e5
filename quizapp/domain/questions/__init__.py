"""Generate questions from a deck's facts.

Each fact yields up to one question of each kind in `KINDS` (a registry: a new
kind is one new function and one entry):

- multiple_choice: the `forward` question of a one-value `unique` relation, 4
  options, one of them right.
- multiple_select: the `forward` question of a complete (`unique`) `many`
  relation: every right value and 2-3 distractors (4-8 options).
- true_false: the `statement`, true or certainly false, balanced over the deck
  (`truth`).
- typed: the `forward` question of a one-value relation, answer typed (not for
  free text of several words without aliases or accepted answers).
- cloze: the evidence with the cloze words blanked, cut to the clauses around
  the gap and naming the subject if it does not, answer typed.
- reverse: the `reverse` question (one per value of a `many` fact), answer
  typed, with 4 options when there are enough distractors known to be wrong.

Every kind refuses giveaways (`Context.question`, `phrasing.gives_away`): a
question whose answer is in its prompt, an accepted alias the prompt contains,
an option the prompt points at by a name no other option has.

What counts as right is decided against *all* facts of the deck. What counts
as wrong is only what the deck rules out: a value of a `unique` relation (one
value per subject, or a complete list) other than the stated one(s). Of any
other relation the deck states some values and an unstated one may be true, so
it gets no distractors, no reverse options and no false statements:

- A forward question's right answers are the values of every fact with the same
  subject and relation. Typed questions accept all of them; a choice question
  shows exactly one of them among its options, and its distractors are never
  any of them.
- A reverse question's right answers are every subject whose value could be the
  asked one: the same entity or text, a date at another precision that contains
  it ("2023" and "April 2023"), a figure whose range overlaps ("around $3
  billion" could be "over $2 billion"). The typed answer accepts all of them;
  options, when given, hold exactly one of them. A reverse question with more
  than `MAX_REVERSE_ANSWERS` right answers tests nothing and is dropped.
- A false statement replaces the value by one that cannot be true of the
  subject. Only `unique` relations say that a subject has no other values, so
  other relations only get true statements; reverse options are subjects whose
  stated value differs.
- Templates are filled by `phrasing`: prepositions before dates follow their
  precision, forward questions about dates say which precision is asked.
- Choice questions about a figure ask for the figure as reported: distractors
  keep the qualifier and unit ("over $2 billion" against "over $20 billion"),
  differ from every right figure by at least a factor `MIN_FIGURE_RATIO`, and
  are never implied by a right one ("over $1 billion" is true of a company
  valued at over $2 billion, so it is not offered).

A question that cannot be built properly (too few plausible distractors, a
cloze missing from its evidence) is not padded: it is listed in
`Generation.dropped` with the reason.

Identity and determinism: a question's id hashes (deck key, fact key, relation
key, kind) (plus the value for a reverse question of a `many` relation), never
its content or the seed, so editing a fact keeps its questions' ids. Every
question draws from its own random generator seeded by (seed, id), and every
pool of candidates is sorted by key, so the same deck and seed give the same
questions byte for byte, whatever the order of the file.

Cost: `generate` builds indexes of the deck once (by subject, by value, by
type), so each question costs about the same whatever the deck's size.
"""

from __future__ import annotations

from collections.abc import Iterable

from quizapp.domain.facts import Deck, Fact
from quizapp.domain.questions.compare import MIN_FIGURE_RATIO
from quizapp.domain.questions.context import Context
from quizapp.domain.questions.kinds import KINDS, MAX_REVERSE_ANSWERS, KindBuilder
from quizapp.domain.questions.model import Dropped, Generation, Question, question_id
from quizapp.domain.questions.preview import preview_deck, preview_fact, preview_of

__all__ = [
    "KINDS",
    "MAX_REVERSE_ANSWERS",
    "MIN_FIGURE_RATIO",
    "Context",
    "Dropped",
    "Generation",
    "KindBuilder",
    "Question",
    "generate",
    "generate_for_fact",
    "preview_deck",
    "preview_fact",
    "preview_of",
    "question_id",
]


def generate(deck: Deck, seed: int = 0) -> Generation:
    """Generate every question of a deck.

    Args:
        deck: A validated deck.
        seed: Chooses distractors, option order and true/false; never ids.

    Returns:
        The questions and the questions dropped, both sorted.
    """
    context = Context(deck, seed)
    return _run(context, context.index.facts)


def generate_for_fact(deck: Deck, fact_key: str, seed: int = 0) -> Generation:
    """Generate the questions of one fact, as `generate` would (for previews).

    Args:
        deck: A validated deck.
        fact_key: The fact.
        seed: As for `generate`.

    Returns:
        The fact's questions and dropped questions.

    Raises:
        KeyError: If the deck has no such fact.
    """
    fact = deck.facts_by_key[fact_key]
    return _run(Context(deck, seed), [fact])


def _run(context: Context, facts: Iterable[Fact]) -> Generation:
    questions: list[Question] = []
    dropped: list[Dropped] = []
    for fact in facts:
        for build in KINDS.values():
            for item in build(context, fact):
                (questions if isinstance(item, Question) else dropped).append(item)
    order = {kind: position for position, kind in enumerate(KINDS)}
    questions.sort(key=lambda q: (q.fact_key, order[q.kind], q.id))
    dropped.sort(key=lambda d: (d.fact_key, order[d.kind], d.reason))
    return Generation(tuple(questions), tuple(dropped))
