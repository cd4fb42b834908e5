"""The kinds of question: one builder each, and the `KINDS` registry."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from quizapp.domain.facts import (
    DateValue,
    EntityRef,
    Fact,
    Money,
    Quantity,
    TextValue,
    Value,
    cloze_parts,
)
from quizapp.domain.grading import normalise
from quizapp.domain.numbers import (
    format_amount,
    format_money,
    format_quantity,
    parse_amount,
    parse_date,
    to_decimal,
)
from quizapp.domain.questions.cards import (
    CARD_REVERSE,
    card_statement,
    describe_kind,
    graded_as,
    is_card_relation,
    typeable,
)
from quizapp.domain.questions.context import CHOICES, Context, unique_texts, value_token
from quizapp.domain.questions.model import Dropped, Question
from quizapp.domain.questions.phrasing import (
    ask_forward,
    ask_reverse,
    cloze_prompt,
    gives_away,
    state,
)
from quizapp.domain.questions.truth import statement_for

__all__ = ["KINDS", "MAX_REVERSE_ANSWERS", "MAX_SELECT_RIGHTS", "KindBuilder", "word_for_word"]

MAX_REVERSE_ANSWERS = 5
LONG_TEXT_WORDS = 3
# A complete list is shown whole among the options; a longer one is not asked.
MAX_SELECT_RIGHTS = 6
TRUE, FALSE = "True", "False"
BLANK = "____"

Built = Iterator[Question | Dropped]


def multiple_choice(context: Context, fact: Fact) -> Built:
    """Ask the forward question with four options, one right."""
    relation = context.deck.relations[fact.relation]
    if relation.many:
        return
    kind = "multiple_choice"
    given = context.given_wrong(fact)
    if not given and not context.closed(relation):
        yield _open_world(fact, kind)
        return
    id = context.question_id(fact, kind)
    rng = context.rng(id)
    value = fact.values[0]
    if given:
        wrong = given
    else:
        wrong = [d.display for d in context.distractors(fact, value, rng, CHOICES - 1)]
        if len(wrong) < CHOICES - 1:
            yield _too_few(context, fact, kind, len(wrong), CHOICES - 1)
            return
    prompt = ask_forward(relation.forward, context.entity(fact.subject).name, value)
    if not given and gives_away(prompt, value.display, wrong):
        reason = f"the question points at '{value.display}' by a word no other option has"
        yield Dropped(fact.key, kind, reason)
        return
    choices = [value.display, *wrong]
    rng.shuffle(choices)
    yield context.question(
        fact,
        kind,
        id,
        prompt=prompt,
        answer=value.display,
        accepted=unique_texts((*value.answers, *fact.accepted)),
        choices=tuple(choices),
        correct=(value.display,),
        answer_kind=value.kind,
    )


def multiple_select(context: Context, fact: Fact) -> Built:
    """Ask the forward question of a complete `many` relation: pick every right value.

    The question asks for the whole list ("Which companies make up the Six
    Tigers?"), so it is made only for a list the author marked complete (a
    `unique` many relation), and every member is shown among the options, with
    2-3 distractors known to be wrong (4-8 options).
    """
    relation = context.deck.relations[fact.relation]
    if not relation.many:
        return
    kind = "multiple_select"
    given = context.given_wrong(fact)
    if not given and not context.closed(relation):
        yield _open_world(fact, kind)
        return
    rights = context.right_values(fact)
    if len(rights) > MAX_SELECT_RIGHTS:
        reason = f"a list of {len(rights)} is too long to show whole (at most {MAX_SELECT_RIGHTS})"
        yield Dropped(fact.key, kind, reason)
        return
    id = context.question_id(fact, kind)
    rng = context.rng(id)
    shown = list(rights)
    if given:
        wrong = given
    else:
        needed = max(2, CHOICES - len(shown))
        wrong = [d.display for d in context.distractors(fact, fact.values[0], rng, needed)]
        if len(wrong) < needed:
            yield _too_few(context, fact, kind, len(wrong), needed)
            return
    choices = [*(value.display for value in shown), *wrong]
    rng.shuffle(choices)
    correct = tuple(choice for choice in choices if choice in {v.display for v in shown})
    yield context.question(
        fact,
        kind,
        id,
        prompt=ask_forward(relation.forward, context.entity(fact.subject).name, rights[0]),
        answer=", ".join(correct),
        accepted=correct,
        choices=tuple(choices),
        correct=correct,
        answer_kind=fact.values[0].kind,
    )


def true_false(context: Context, fact: Fact) -> Built:
    """State the fact, or a certainly false version of it, as the deck's balance plans."""
    relation = context.deck.relations[fact.relation]
    kind = "true_false"
    planned = statement_for(context, fact)
    if isinstance(planned, str):
        yield Dropped(fact.key, kind, planned)
        return
    answer = TRUE if planned.true else FALSE
    subject = context.entity(fact.subject).name
    prompt = state(relation.statement, subject, planned.value)
    if context.card_kind(fact) is not None:
        prompt = card_statement(subject, planned.value.display) or prompt
    yield context.question(
        fact,
        kind,
        context.question_id(fact, kind),
        prompt=prompt,
        answer=answer,
        accepted=(answer,),
        choices=(TRUE, FALSE),
        correct=(answer,),
        answer_kind="boolean",
    )


def typed(context: Context, fact: Fact) -> Built:
    """Ask the forward question; every right value and alias is accepted."""
    relation = context.deck.relations[fact.relation]
    if relation.many:
        return
    kind = "typed"
    value = fact.values[0]
    if word_for_word(fact, value, context.card_kind(fact)):
        reason = f"'{value.display}' is free text: give it aliases or `accepted` answers"
        yield Dropped(fact.key, kind, reason + " to ask it as a typed question")
        return
    others = (right.display for right in context.right_values(fact) if right != value)
    yield context.question(
        fact,
        kind,
        context.question_id(fact, kind),
        prompt=ask_forward(relation.forward, context.entity(fact.subject).name, value),
        answer=value.display,
        accepted=context.accepted(fact),
        choices=(),
        correct=unique_texts((value.display, *others)),
        answer_kind=graded_as(context.card_kind(fact)) or value.kind,
    )


def word_for_word(fact: Fact, value: Value, card_kind: str | None = None) -> bool:
    """Whether a typed answer would have to repeat a phrase word for word.

    A phrase of `LONG_TEXT_WORDS`+ words with no aliases and no accepted answers
    ("consumer-facing applications built on others' models") cannot be typed
    fairly; a name or a short term can, and so can an imported card's answer
    that is a name or a date ("Leonardo da Vinci", "July 20, 1969": `cards.typeable`).
    """
    return (
        not typeable(card_kind)
        and isinstance(value, TextValue)
        and len(value.text.split()) >= LONG_TEXT_WORDS
        and not value.aliases
        and not fact.accepted
    )


def cloze(context: Context, fact: Fact) -> Built:
    """Blank the cloze words out of the evidence; the learner types them."""
    kind = "cloze"
    text = fact.cloze or _default_cloze(fact)
    if text is None:
        reason = "no `cloze` given, and the value's text does not occur in the evidence"
        yield Dropped(fact.key, kind, reason)
        return
    parts = cloze_parts(fact.evidence, text)
    if len(parts) == 1:
        yield Dropped(fact.key, kind, f"cloze '{text}' does not occur in the evidence")
        return
    if _restates(context, fact):
        reason = "the evidence is only the card's front and back: its cloze would repeat it"
        yield Dropped(fact.key, kind, reason)
        return
    answer_kind, accepted = "text", (text,)
    if len(fact.values) == 1 and _names_value(text, fact.values[0]):
        value = fact.values[0]
        answer_kind = value.kind
        accepted = unique_texts((text, *value.answers, *fact.accepted))
    yield context.question(
        fact,
        kind,
        context.question_id(fact, kind),
        prompt=cloze_prompt(parts, text, BLANK, context.entity(fact.subject)),
        answer=text,
        accepted=accepted,
        choices=(),
        correct=(text,),
        answer_kind=answer_kind,
    )


def _restates(context: Context, fact: Fact) -> bool:
    """Whether the fact is a card whose evidence is only "front — back" (an imported card).

    Its question is its subject ("{subject}"), so the cloze "front — ____" would ask
    the typed question again.
    """
    relation = context.deck.relations[fact.relation]
    if not is_card_relation(relation):
        return False
    subject = context.entity(fact.subject).name
    said = normalise(fact.evidence)
    return any(said == normalise(state(relation.statement, subject, v)) for v in fact.values)


def _default_cloze(fact: Fact) -> str | None:
    if len(fact.values) != 1:
        return None
    texts = [*fact.values[0].answers, *_figure_texts(fact.values[0])]
    return next((text for text in texts if len(cloze_parts(fact.evidence, text)) > 1), None)


def _figure_texts(value: Value) -> list[str]:
    """How a source may write a hedged figure without its hedge ("more than 154 million
    units" holds "154 million units" and "154 million" for "over 154 million units")."""
    if isinstance(value, Quantity):
        plain = format_quantity(value.amount, value.unit)
    elif isinstance(value, Money):
        plain = format_money(value.amount, value.currency)
    else:
        return []
    amount = format_amount(value.amount)
    # "154 million" is safe to look for; a bare "30" could be part of "2030"
    return [plain, amount] if " " in amount else [plain]


def _names_value(text: str, value: Value) -> bool:
    """Whether cloze words say the value itself (so its aliases are right too)."""
    if isinstance(value, Quantity | Money):
        parsed = parse_amount(text)
        return parsed is not None and parsed.amount == to_decimal(value.amount)
    if isinstance(value, DateValue):
        return parse_date(text) == (value.year, value.month, value.day)
    return normalise(text) in {normalise(answer) for answer in value.answers}


def reverse(context: Context, fact: Fact) -> Built:
    """Ask for the subject from the value: typed, with options when they can be unambiguous."""
    relation = context.deck.relations[fact.relation]
    template, pool = relation.reverse, None
    if template is None:
        if (pool := context.term_fronts(fact)) is None:
            return
        template = CARD_REVERSE
    kind = "reverse"
    subject = context.entity(fact.subject)
    for value in fact.values:
        id = context.question_id(fact, kind, value_token(value) if relation.many else "")
        rights = context.index.subjects_matching(relation.key, value, MAX_REVERSE_ANSWERS)
        if len(rights) > MAX_REVERSE_ANSWERS:
            reason = f"more than {MAX_REVERSE_ANSWERS} subjects fit '{value.display}'"
            yield Dropped(fact.key, kind, reason)
            continue
        others = [key for key in rights if key != subject.key]
        everyone = [subject, *map(context.entity, others)]
        rng = context.rng(id)
        avoid = value.key if isinstance(value, EntityRef) else None
        wrong = context.subject_distractors(relation, set(rights), avoid, rng, pool)
        choices: tuple[str, ...] = ()
        correct = tuple(entity.name for entity in everyone)
        prompt = ask_reverse(template, value)
        names = [entity.name for entity in wrong]
        if len(wrong) == CHOICES - 1 and not gives_away(prompt, subject.name, names):
            options = [subject.name, *names]
            rng.shuffle(options)
            choices, correct = tuple(options), (subject.name,)
        yield context.question(
            fact,
            kind,
            id,
            prompt=ask_reverse(template, value, with_options=bool(choices)),
            answer=subject.name,
            accepted=unique_texts(answer for entity in everyone for answer in entity.ref.answers),
            choices=choices,
            correct=correct,
            answer_kind="entity",
        )


def _open_world(fact: Fact, kind: str) -> Dropped:
    reason = (
        f"relation '{fact.relation}' is not `unique` (one value per subject, or a complete "
        "list), so the deck cannot say that any other value is wrong"
    )
    return Dropped(fact.key, kind, reason)


def _too_few(context: Context, fact: Fact, kind: str, found: int, needed: int) -> Dropped:
    if (answers := context.card_kind(fact)) is not None:
        reason = (
            f"only {found} other answers of the deck are of the same kind "
            f"({describe_kind(answers)}), {needed} needed"
        )
        return Dropped(fact.key, kind, reason)
    return Dropped(fact.key, kind, f"only {found} plausible distractors, {needed} needed")


KindBuilder = Callable[[Context, Fact], Iterable[Question | Dropped]]

KINDS: dict[str, KindBuilder] = {
    "multiple_choice": multiple_choice,
    "multiple_select": multiple_select,
    "true_false": true_false,
    "typed": typed,
    "cloze": cloze,
    "reverse": reverse,
}
