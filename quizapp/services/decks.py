"""Decks in the database: loading fact files into it, and reading decks back.

Loading is an upsert by key, so it is idempotent: running it twice changes nothing,
an edited fact updates only its own questions, and a fact removed from its file is
retired (its questions too) while every answer that points at it keeps its history.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, or_, select

from quizapp.domain import facts as facts_domain
from quizapp.domain import questions as questions_domain
from quizapp.extensions import db
from quizapp.models import ClassMembership, Deck, Fact, Question, SchoolClass, User, utcnow
from quizapp.models.deck import Visibility
from quizapp.services import NotFound, ServiceError, write_transaction


@dataclass
class SyncReport:
    """What loading one deck changed."""

    deck: str
    created: bool = False
    facts: Counter = field(default_factory=Counter)  # added / updated / retired / unchanged
    questions: Counter = field(default_factory=Counter)
    dropped: int = 0

    @property
    def changed(self) -> bool:
        return self.created or any(
            self.facts[k] or self.questions[k] for k in ("added", "updated", "retired")
        )

    def summary(self) -> str:
        def part(counter: Counter) -> str:
            return ", ".join(
                f"{counter[k]} {k}" for k in ("added", "updated", "retired", "unchanged")
            )

        return f"{self.deck}: facts {part(self.facts)}; questions {part(self.questions)}"


def fact_value_text(deck: facts_domain.Deck, fact: facts_domain.Fact) -> str:
    return ", ".join(value.display for value in fact.values)


def sync_deck(
    deck: facts_domain.Deck,
    *,
    owner: User | None = None,
    visibility: str = Visibility.PUBLIC.value,
    seed: int = 0,
) -> SyncReport:
    """Upsert a validated deck, its facts and its generated questions.

    Args:
        deck: A deck from the loader (already validated).
        owner: The owning user, or None for a built-in deck.
        visibility: Who may see the deck.
        seed: Generator seed (the same seed gives the same questions).

    Returns:
        What changed.

    Raises:
        ServiceError: The deck key belongs to a deck of another owner.
    """
    with write_transaction() as session:
        _row, report = sync_deck_in(session, deck, owner=owner, visibility=visibility, seed=seed)
    return report


def sync_deck_in(
    session,
    deck: facts_domain.Deck,
    *,
    owner: User | None = None,
    visibility: str = Visibility.PUBLIC.value,
    seed: int = 0,
) -> tuple[Deck, SyncReport]:
    """`sync_deck` inside a transaction the caller owns (so it can record more with it).

    Returns:
        The deck's row and what changed.
    """
    generation = questions_domain.generate(deck, seed=seed)
    report = SyncReport(deck=deck.key, dropped=len(generation.dropped))
    owner_id = owner.id if owner is not None else None
    now = utcnow()
    row = session.scalar(select(Deck).where(Deck.key == deck.key))
    if row is None:
        row = Deck(key=deck.key, owner_id=owner_id, visibility=visibility, version=0)
        session.add(row)
        report.created = True
    elif row.owner_id != owner_id:
        raise ServiceError(f"The deck key {deck.key!r} is already used by another deck.")
    content = deck.to_dict()
    content_changed = row.content != content
    header = content["deck"]
    for attr, value in (
        ("title", header["title"]),
        ("description", header.get("description", "")),
        ("source", header.get("source", "")),
        ("as_of", header["as_of"]),
        ("language", header["language"]),
        ("content", content),
    ):
        if getattr(row, attr) != value:
            setattr(row, attr, value)
    session.flush()

    fact_rows = _sync_facts(session, row, deck, report, now)
    _sync_questions(session, row, generation, fact_rows, report, now)
    # A new title or an unused entity changes no question, but it is a new version.
    if report.changed or content_changed:
        row.version += 1
        row.updated_at = now
    if report.changed or content_changed or row.quiz_kinds is None:
        # What the deck's quiz forms offer, found with the questions it is found from.
        from quizapp.services.quizzes.starting import find_fact_kinds

        session.flush()
        row.quiz_kinds = ",".join(find_fact_kinds(row))
    return row, report


def _sync_facts(session, row: Deck, deck: facts_domain.Deck, report: SyncReport, now):
    existing = {f.key: f for f in session.scalars(select(Fact).where(Fact.deck_id == row.id))}
    for fact in deck.facts:
        values = {
            "subject": fact.subject,
            "subject_name": deck.entities[fact.subject].name,
            "relation": fact.relation,
            "relation_label": deck.relations[fact.relation].label,
            "value": fact_value_text(deck, fact),
            "evidence": fact.evidence,
            "source": fact.source or deck.source,
            "fingerprint": facts_domain.fact_fingerprint(deck, fact),
        }
        current = existing.get(fact.key)
        if current is None:
            session.add(Fact(deck_id=row.id, key=fact.key, updated_at=now, **values))
            report.facts["added"] += 1
        elif current.retired_at is not None or any(
            getattr(current, k) != v for k, v in values.items()
        ):
            for k, v in values.items():
                setattr(current, k, v)
            current.retired_at = None
            current.updated_at = now
            report.facts["updated"] += 1
        else:
            report.facts["unchanged"] += 1
    keep = {fact.key for fact in deck.facts}
    for key, current in existing.items():
        if key not in keep and current.retired_at is None:
            current.retired_at = now
            report.facts["retired"] += 1
    session.flush()
    return {f.key: f for f in session.scalars(select(Fact).where(Fact.deck_id == row.id))}


def _sync_questions(session, row: Deck, generation, fact_rows, report: SyncReport, now):
    existing = {
        q.id: q for q in session.scalars(select(Question).where(Question.deck_id == row.id))
    }
    for question in generation.questions:
        payload = question.to_dict()
        current = existing.get(question.id)
        if current is None:
            session.add(
                Question(
                    id=question.id,
                    deck_id=row.id,
                    fact_id=fact_rows[question.fact_key].id,
                    kind=question.kind,
                    prompt=question.prompt,
                    answer=question.answer,
                    payload=payload,
                    updated_at=now,
                )
            )
            report.questions["added"] += 1
        elif current.retired_at is not None or current.payload != payload:
            current.prompt = question.prompt
            current.answer = question.answer
            current.kind = question.kind
            current.payload = payload
            current.retired_at = None
            current.updated_at = now
            report.questions["updated"] += 1
        else:
            report.questions["unchanged"] += 1
    keep = {question.id for question in generation.questions}
    for qid, current in existing.items():
        if qid not in keep and current.retired_at is None:
            current.retired_at = now
            report.questions["retired"] += 1


# --- reading ---------------------------------------------------------------------------------


def _class_shared_condition(user: User):
    """Which 'class' decks a user may see besides their own: those whose owner teaches a
    class the user belongs to."""
    teachers_of_user = (
        select(SchoolClass.teacher_id)
        .join(ClassMembership, ClassMembership.class_id == SchoolClass.id)
        .where(ClassMembership.student_id == user.id)
    )
    return Deck.owner_id.in_(teachers_of_user)


def visible_decks_query(user: User | None):
    """Decks a user may see: public ones, their own, and those shared with their classes."""
    condition = Deck.visibility == Visibility.PUBLIC.value
    if user is not None and user.is_authenticated:
        condition = or_(
            condition,
            Deck.owner_id == user.id,
            and_(Deck.visibility == Visibility.CLASS.value, _class_shared_condition(user)),
        )
    return select(Deck).where(condition)


def list_decks(user: User | None) -> list[dict[str, Any]]:
    """Visible decks with their active fact and question counts, by title."""
    fact_counts = (
        select(Fact.deck_id, func.count(Fact.id).label("n"))
        .where(Fact.retired_at.is_(None))
        .group_by(Fact.deck_id)
        .subquery()
    )
    question_counts = (
        select(Question.deck_id, func.count(Question.id).label("n"))
        .where(Question.retired_at.is_(None))
        .group_by(Question.deck_id)
        .subquery()
    )
    query = (
        visible_decks_query(user)
        .add_columns(func.coalesce(fact_counts.c.n, 0), func.coalesce(question_counts.c.n, 0))
        .outerjoin(fact_counts, fact_counts.c.deck_id == Deck.id)
        .outerjoin(question_counts, question_counts.c.deck_id == Deck.id)
        .order_by(Deck.title)
    )
    return [
        {"deck": deck, "facts": n_facts, "questions": n_questions}
        for deck, n_facts, n_questions in db.session.execute(query)
    ]


def get_deck(user: User | None, key: str) -> Deck:
    """The deck with this key, if the user may see it.

    Raises:
        NotFound: No such deck, or one the user may not see (the same answer, so ids
            of private decks can't be discovered).
    """
    # A key no deck can have is answered without asking the database (PostgreSQL
    # refuses NUL bytes in text parameters with an error, not an empty result).
    deck = None
    if _plausible(key, Deck.key):
        deck = db.session.scalar(visible_decks_query(user).where(Deck.key == key))
    if deck is None:
        raise NotFound(f"There is no deck {key!r}.")
    return deck


def _plausible(key: str, column) -> bool:
    return "\x00" not in key and len(key) <= column.type.length


def domain_deck(deck: Deck) -> facts_domain.Deck:
    """The stored deck as the pure domain's dataclass."""
    return facts_domain.Deck.from_dict(deck.content, filename=f"deck {deck.key}")


FACTS_PER_PAGE = 50
MAX_SEARCH = 100  # characters of a search within a deck


@dataclass(frozen=True)
class FactsPage:
    """One page of a deck's facts (by subject), maybe only those matching a search.

    Attributes:
        facts: This page's facts, by subject name, relation and key.
        matching: How many facts match the search (all active facts without one).
        total: Active facts of the deck.
        page: This page's number, from 1.
        pages: How many pages the matching facts fill (at least 1).
        query: The search, stripped ("" for none).
    """

    facts: list[Fact]
    matching: int
    total: int
    page: int
    pages: int
    query: str

    @property
    def first(self) -> int:
        return (self.page - 1) * FACTS_PER_PAGE + 1 if self.facts else 0

    @property
    def last(self) -> int:
        return self.first + len(self.facts) - 1 if self.facts else 0


def facts_page(deck: Deck, query: str = "", page: int = 1) -> FactsPage:
    """A page of the deck's active facts, searched in subject, relation, value and evidence.

    The cost is that of one page whatever the deck's size: a count and a `LIMIT 50`
    walk of an index in page order; a search reads the deck's facts once.

    Raises:
        ServiceError: (400) A search over `MAX_SEARCH` characters.
        NotFound: A page past the last one.
    """
    query = " ".join(query.split())
    if len(query) > MAX_SEARCH:
        raise ServiceError(f"Search for at most {MAX_SEARCH} characters.")
    active = [Fact.deck_id == deck.id, Fact.retired_at.is_(None)]
    matching = active
    if query:  # autoescape: "%" and "_" in the search are themselves
        columns = (Fact.subject_name, Fact.relation_label, Fact.value, Fact.evidence)
        matching = [*active, or_(*(c.icontains(query, autoescape=True) for c in columns))]
    total = db.session.scalar(select(func.count()).select_from(Fact).where(*active)) or 0
    found = total
    if query:
        # The matches are counted in the same scan that finds the page's (a search reads
        # every fact of the deck once, not twice); a page past the end counts them alone.
        rows = db.session.execute(
            _page_of(select(Fact, func.count().over()).where(*matching), page)
        ).all()
        facts = [fact for fact, _ in rows]
        found = rows[0][1] if rows else _count(matching)
    pages = max(1, -(-found // FACTS_PER_PAGE))
    if page > pages:
        raise NotFound(f"There is no page {page}: the facts fill {pages} page(s).")
    if not query:
        facts = db.session.scalars(_page_of(select(Fact).where(*matching), page)).all()
    return FactsPage(list(facts), found, total, page, pages, query)


def _page_of(facts, page: int):
    """The page's facts, in the deck page's order (an index walk: ix_facts_deck_order)."""
    return (
        facts.order_by(Fact.subject_name, Fact.relation, Fact.key)
        .offset((page - 1) * FACTS_PER_PAGE)
        .limit(FACTS_PER_PAGE)
    )


def _count(conditions) -> int:
    return db.session.scalar(select(func.count()).select_from(Fact).where(*conditions)) or 0


# Forms offer a deck's subjects as checkboxes (quiz topics, export entities) up to this
# many; past it a page would grow with the deck (1,600 checkboxes weighed 300 KB).
PICKABLE_SUBJECTS = 60


def pickable_subjects(deck: Deck) -> list[tuple[str, str]]:
    """The subjects a form offers to pick: all of them, or none past `PICKABLE_SUBJECTS`."""
    subjects = deck_subjects(deck, limit=PICKABLE_SUBJECTS + 1)
    return subjects if len(subjects) <= PICKABLE_SUBJECTS else []


def deck_subjects(deck: Deck, limit: int | None = None) -> list[tuple[str, str]]:
    """(entity key, name) of the subjects of the active facts, by name (the first `limit`)."""
    rows = db.session.execute(
        select(Fact.subject, Fact.subject_name)
        .where(Fact.deck_id == deck.id, Fact.retired_at.is_(None))
        .distinct()
        .order_by(Fact.subject_name, Fact.subject)
        .limit(limit)
    )
    return [(key, name) for key, name in rows]


def get_fact(deck: Deck, fact_key: str) -> Fact:
    fact = None
    if _plausible(fact_key, Fact.key):
        fact = db.session.scalar(select(Fact).where(Fact.deck_id == deck.id, Fact.key == fact_key))
    if fact is None:
        raise NotFound(f"The deck {deck.title!r} has no fact {fact_key!r}.")
    return fact


def active_questions(fact: Fact) -> list[Question]:
    return list(
        db.session.scalars(
            select(Question)
            .where(Question.fact_id == fact.id, Question.retired_at.is_(None))
            .order_by(Question.kind, Question.id)
        )
    )


def _active_payloads():
    """Stored questions as `Question.to_dict()` data, in the question bank's order."""
    return (
        select(Question.payload)
        .join(Deck, Deck.id == Question.deck_id)
        .where(Question.retired_at.is_(None))
        .order_by(Deck.key, Question.id)
    )


def question_bank(deck_key: str | None = None) -> list[dict[str, Any]]:
    """Active questions as JSON-ready dicts (the JSONL format), public decks only.

    Raises:
        NotFound: `deck_key` names no deck.
    """
    # The command line has no user: it sees what an anonymous visitor sees.
    query = _active_payloads().where(Deck.visibility == Visibility.PUBLIC.value)
    if deck_key is not None:
        public = visible_decks_query(None).where(Deck.key == deck_key)
        if db.session.scalar(public) is None:
            raise NotFound(f"There is no deck {deck_key!r}. Run `quizapp questions load` first?")
        query = query.where(Deck.key == deck_key)
    return list(db.session.scalars(query))


def question_payloads(deck: Deck) -> list[dict[str, Any]]:
    """The deck's active questions, as `question_bank` has them."""
    return list(db.session.scalars(_active_payloads().where(Question.deck_id == deck.id)))
