"""Starting a quiz: choosing its questions from a deck (or fixing a set once, for a
classroom assignment) and creating the attempt with its snapshot of questions.

Estimate and order questions are not stored questions: they are made here from the
deck's typed questions of amounts and dates (`fact_kinds.fact_questions`, as a live
game makes them), each under the id of the question it is made from, and their
payloads travel with the chosen ids (`QuestionSet.built`).
"""

from __future__ import annotations

import functools
import random
from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import select

from quizapp.domain import fact_kinds
from quizapp.domain import quizzes as quiz_domain
from quizapp.domain.questions import Question as DomainQuestion
from quizapp.extensions import db
from quizapp.models import (
    Deck,
    Fact,
    Question,
    QuizAttempt,
    QuizQuestion,
    User,
)
from quizapp.services import ServiceError, write_transaction
from quizapp.services.decks import deck_subjects, get_deck
from quizapp.services.quizzes.values import QuestionSet


def _candidates(deck: Deck, options: quiz_domain.QuizOptions) -> list[quiz_domain.Candidate]:
    """The deck's active questions, and the estimate and order questions its typed ones
    make (from the chosen subjects only, when there are some) if those kinds are asked."""
    rows = db.session.execute(
        select(Question.id, Question.fact_id, Fact.subject, Question.kind)
        .join(Fact, Fact.id == Question.fact_id)
        .where(
            Question.deck_id == deck.id,
            Question.retired_at.is_(None),
            Fact.retired_at.is_(None),
        )
    )
    found = [
        quiz_domain.Candidate(question_id=qid, fact=fact_id, subject=subject, kind=kind)
        for qid, fact_id, subject, kind in rows
    ]
    made_kinds = [k for k in fact_kinds.FACT_KINDS if not options.kinds or k in options.kinds]
    if made_kinds:
        found.extend(
            quiz_domain.Candidate(
                made.question_id, _asks_about(made), made.subject, made.kind, made.payload
            )
            for made in fact_kinds.fact_questions(_typed(deck, options.subjects), made_kinds)
        )
    return found


def _asks_about(made: fact_kinds.FactQuestion) -> object:
    # An order question asks about a relation's facts together, not about the one it is
    # filed under: as the quiz's "one question per fact" it is a fact of its own, or an
    # estimate of that fact would crowd it out of a quiz of both kinds.
    return ("order", made.question_id) if made.kind == "order" else made.fact


def _typed(deck: Deck, subjects: Sequence[str]) -> list[fact_kinds.Sourced]:
    query = (
        select(Question, Fact.subject, Fact.subject_name)
        .join(Fact, Fact.id == Question.fact_id)
        .where(
            Question.deck_id == deck.id,
            Question.kind == "typed",
            Question.retired_at.is_(None),
            Fact.retired_at.is_(None),
        )
    )
    if subjects:
        query = query.where(Fact.subject.in_(list(subjects)))
    return [
        fact_kinds.Sourced(
            question.id, question.fact_id, subject, name, DomainQuestion.from_dict(question.payload)
        )
        for question, subject, name in db.session.execute(query)
    ]


def deck_kinds(deck: Deck) -> tuple[str, ...]:
    """The kinds a quiz on this deck may offer: every generated kind, and estimate and
    order only if the deck's facts make some.

    Finding out builds every estimate and order question of the deck (0.6 s of CPU at
    10,000 facts), and every deck page asks (its quiz form), so `sync_deck` finds them
    with the questions and stores them on the deck (`Deck.quiz_kinds`). A deck synced
    before that column existed is asked once per version and process here.
    """
    if deck.quiz_kinds is not None:
        made = set(deck.quiz_kinds.split(","))
    else:
        made = set(_fact_kinds_of(deck.id, deck.key, deck.version, deck.updated_at))
    return tuple(k for k in quiz_domain.QUIZ_KINDS if k not in fact_kinds.FACT_KINDS or k in made)


@functools.lru_cache(maxsize=256)
def _fact_kinds_of(deck_id: int, key: str, version: int, updated_at: datetime) -> tuple[str, ...]:
    # `sync_deck`, the only writer of a deck's facts and questions, makes a new version
    # whenever one changes: an answer per version stays true.
    return find_fact_kinds(db.session.get(Deck, deck_id))


def find_fact_kinds(deck: Deck) -> tuple[str, ...]:
    """The kinds made from facts (estimate, order) that the deck's questions make."""
    made = {m.kind for m in fact_kinds.fact_questions(_typed(deck, ()), fact_kinds.FACT_KINDS)}
    return tuple(kind for kind in fact_kinds.FACT_KINDS if kind in made)


def _built(chosen: Sequence[quiz_domain.Candidate]) -> dict[str, dict]:
    return {c.question_id: dict(c.payload) for c in chosen if c.kind in fact_kinds.FACT_KINDS}


def _checked_options(deck: Deck, options: quiz_domain.QuizOptions) -> quiz_domain.QuizOptions:
    known = [key for key, _ in deck_subjects(deck)]
    try:
        return options.validated(known)
    except quiz_domain.QuizOptionsError as exc:
        raise ServiceError(str(exc)) from exc


def choose_question_ids(
    user: User, deck_key: str, options: quiz_domain.QuizOptions, *, seed: int
) -> QuestionSet:
    """Choose a quiz's questions without starting it (an assignment's fixed set).

    Args:
        user: Who chooses (must be able to see the deck).
        deck_key: The deck.
        options: Subjects, kinds and count (the time limit is not used here).
        seed: Seeds the choice.

    Returns:
        Question ids, in a shuffled order, with the estimate and order questions made
        for the set (pass them to `start_fixed_quiz`).

    Raises:
        NotFound: No such deck (or not visible to the user).
        ServiceError: Bad options, or no question matches them.
    """
    deck = get_deck(user, deck_key)
    options = _checked_options(deck, options)
    chosen = quiz_domain.select_questions(_candidates(deck, options), options, random.Random(seed))
    if not chosen:
        raise ServiceError("No questions match these choices. Pick more topics or kinds.")
    return QuestionSet(ids=[c.question_id for c in chosen], built=_built(chosen))


def start_quiz(
    user: User, deck_key: str, options: quiz_domain.QuizOptions, *, now: datetime, seed: int
) -> QuizAttempt:
    """Start a self-test quiz on a deck.

    Args:
        user: The learner.
        deck_key: The deck.
        options: What to ask (validated here).
        now: The start time (UTC).
        seed: Seeds the choice of questions and the order of questions and options.

    Returns:
        The new attempt (it may hold fewer questions than asked for if fewer match).

    Raises:
        NotFound: No such deck (or not visible to the user).
        ServiceError: Bad options, or no question matches them.
    """
    deck = get_deck(user, deck_key)
    options = _checked_options(deck, options)
    rng = random.Random(seed)
    chosen = quiz_domain.select_questions(_candidates(deck, options), options, rng)
    if not chosen:
        raise ServiceError("No questions match these choices. Pick more topics or kinds.")
    return _create_attempt(
        user,
        deck,
        [c.question_id for c in chosen],
        _built(chosen),
        options,
        now=now,
        seed=seed,
        rng=rng,
    )


def start_fixed_quiz(
    user: User,
    deck: Deck,
    question_ids: Sequence[str],
    *,
    now: datetime,
    seed: int,
    built: Mapping[str, dict] | None = None,
    shuffle: bool = True,
    time_limit: int | None = None,
    due_at: datetime | None = None,
    accept_late: bool = True,
    assignment_id: int | None = None,
    attempt_number: int | None = None,
) -> QuizAttempt:
    """Start an attempt of a given question set (for assignments).

    The caller has checked that the user may take it. Retired questions are allowed:
    an assignment made before a deck edit still asks what it was made with.

    Args:
        user: The student.
        deck: The deck the questions come from.
        question_ids: The set, in the assignment's order.
        now: The start time (UTC).
        seed: Seeds the per-student order of questions (if `shuffle`) and options.
        built: The set's estimate and order questions (`QuestionSet.built`).
        shuffle: Shuffle the question order for this student.
        time_limit: Seconds per question, or None.
        due_at: After this, answers are marked late or refused (`accept_late`).
        accept_late: Whether answers after `due_at` are still taken.
        assignment_id: The classroom assignment the attempt is for.
        attempt_number: Which attempt at that assignment (unique per student).

    Raises:
        ServiceError: An id is not a question of this deck, repeated, or the set is
            empty or larger than `MAX_COUNT`.
    """
    ids = list(question_ids)
    if not ids or len(ids) > quiz_domain.MAX_COUNT or len(set(ids)) != len(ids):
        raise ServiceError(
            f"A quiz needs 1 to {quiz_domain.MAX_COUNT} different questions, not {len(ids)}."
        )
    options = quiz_domain.QuizOptions(count=len(ids), time_limit=time_limit)
    if time_limit is not None:
        try:
            quiz_domain.QuizOptions(time_limit=time_limit).validated()
        except quiz_domain.QuizOptionsError as exc:
            raise ServiceError(str(exc)) from exc
    rng = random.Random(seed)
    if shuffle:
        rng.shuffle(ids)
    return _create_attempt(
        user,
        deck,
        ids,
        built or {},
        options,
        now=now,
        seed=seed,
        rng=rng,
        due_at=due_at,
        accept_late=accept_late,
        assignment_id=assignment_id,
        attempt_number=attempt_number,
    )


def _create_attempt(
    user: User,
    deck: Deck,
    question_ids: Sequence[str],
    built: Mapping[str, dict],
    options: quiz_domain.QuizOptions,
    *,
    now: datetime,
    seed: int,
    rng: random.Random,
    due_at: datetime | None = None,
    accept_late: bool = True,
    assignment_id: int | None = None,
    attempt_number: int | None = None,
) -> QuizAttempt:
    with write_transaction() as session:
        rows = {
            q.id: q
            for q in session.scalars(
                select(Question).where(Question.id.in_(question_ids), Question.deck_id == deck.id)
            )
        }
        missing = [qid for qid in question_ids if qid not in rows]
        if missing:
            raise ServiceError(f"The deck {deck.title!r} has no question {missing[0]!r}.")
        attempt = QuizAttempt(
            user_id=user.id,
            deck_id=deck.id,
            subjects=list(options.subjects),
            kinds=list(options.kinds),
            question_count=options.count,
            time_limit_seconds=options.time_limit,
            seed=seed % 2**31,
            due_at=due_at,
            accept_late=accept_late,
            assignment_id=assignment_id,
            attempt_number=attempt_number,
            started_at=now,
            score=0.0,
            max_score=len(question_ids),
        )
        session.add(attempt)
        session.flush()
        for position, qid in enumerate(question_ids, start=1):
            question = rows[qid]
            payload = built.get(qid) or question.payload
            session.add(
                QuizQuestion(
                    attempt_id=attempt.id,
                    position=position,
                    question_id=qid,
                    fact_id=question.fact_id,
                    kind=payload["kind"],
                    payload=quiz_domain.shuffle_choices(payload, rng),
                )
            )
    return attempt
