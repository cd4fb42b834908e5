"""Exporting a deck (or part of it) for Anki, spreadsheets, Moodle, Canvas, Kahoot...

`prepare_export` checks everything first (the deck, the format, the selection)
and returns an `ExportFile` that writes itself: a caller that gets one can
write it, and a caller that gets a `ServiceError` has written nothing.

What "only" selects, for the acting user and never anyone else:

- "all": every active fact of the deck (or of the chosen entities).
- "mistakes": facts the user got wrong or that are due again: their study
  item is in relearning (they pressed Again on a fact they had learnt), or it
  is not new and due now, which is what a wrong answer in a quiz or a live
  game does to it (`study_items.mark_due_after_wrong_answers`). Until the app
  keeps a review log, a fact made due by a wrong quiz answer cannot be told
  apart from one that is simply due, so both are included.
- "not_mastered": every fact except those the user has mastered: a study
  item in review with a stability of at least `MASTERED_STABILITY_DAYS` (FSRS
  expects them to still recall it three weeks on). Facts never studied count
  as not mastered.

Choosing entities keeps the facts *about* them (whose subject they are).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any

from sqlalchemy import and_, or_, select

from quizapp.domain import anki
from quizapp.domain import facts as facts_domain
from quizapp.domain.exports import EXPORTERS
from quizapp.domain.questions import Question as DomainQuestion
from quizapp.domain.scheduling import StudyState
from quizapp.extensions import db
from quizapp.models import Deck, Fact, User, utcnow
from quizapp.models.deck_media import DeckImage
from quizapp.models.study import StudyItem
from quizapp.services import Forbidden, ServiceError
from quizapp.services import decks as deck_service

MASTERED_STABILITY_DAYS = 21.0
# The formats whose files carry the facts' pictures (the others are text).
MEDIA_FORMATS = frozenset({"apkg"})

ONLY = {
    "all": "All facts",
    "mistakes": "Only facts I got wrong or that are due",
    "not_mastered": "Only facts I haven't mastered yet",
}
_FILENAME_SUFFIX = {"all": "", "mistakes": "-mistakes", "not_mastered": "-not-mastered"}


@dataclass(frozen=True)
class Selection:
    """What part of a deck to export.

    Attributes:
        entities: Entity keys; empty for every entity.
        only: A key of `ONLY`.
        note_types: For Anki exports, which notes to make (see `anki.NOTE_TYPES`).
        subdecks: For Anki exports, one subdeck per entity.
    """

    entities: tuple[str, ...] = ()
    only: str = "all"
    note_types: frozenset[str] = field(default_factory=lambda: frozenset(anki.NOTE_TYPES))
    subdecks: bool = False


@dataclass(frozen=True)
class ExportFile:
    """A checked export, ready to be written.

    Attributes:
        filename: A sensible download name ("chinese-ai-startups.apkg").
        mimetype: The content type.
        exporter: The format.
        content: The facts and questions chosen.
        personal: Whether it depends on the user's own study record (not cacheable).
    """

    filename: str
    mimetype: str
    exporter: anki.Exporter
    content: anki.ExportSet
    personal: bool

    @property
    def fact_count(self) -> int:
        return len(self.content.facts)

    def write(self, out: IO[bytes], progress: Callable[[int], None] | None = None) -> None:
        """Write the file to a binary stream; `progress(n)` is called as n facts are done."""
        self.exporter.write(self.content, out, progress or (lambda _: None))


def prepare_export(
    user: User | None,
    deck_key: str,
    fmt: str,
    selection: Selection | None = None,
    *,
    now: datetime | None = None,
) -> ExportFile:
    """Check an export request and gather what it exports.

    Args:
        user: The acting user; None (or anonymous) for the command line, which may
            export public decks only and has no study record.
        deck_key: The deck.
        fmt: A key of `domain.exports.EXPORTERS`.
        selection: What part of the deck; the whole deck by default.
        now: The moment "due now" is judged at (default: the current time).

    Returns:
        The export, not yet written.

    Raises:
        NotFound: No such deck, or one the user may not see.
        Forbidden: A personal selection ("mistakes", "not_mastered") without a
            logged-in user.
        ServiceError: An unknown format, selection, note type or entity, or a
            selection with no facts in it.
    """
    selection = selection or Selection()
    exporter = _exporter(fmt, selection)
    personal = selection.only != "all"
    signed_in = user is not None and user.is_authenticated
    if personal and not signed_in:
        raise Forbidden("Log in to export the facts you got wrong or haven't mastered.")

    row = deck_service.get_deck(user if signed_in else None, deck_key)
    deck = deck_service.domain_deck(row)
    facts = _selected_facts(user, row, deck, selection, now or utcnow())
    content = anki.ExportSet(
        deck=deck,
        facts=facts,
        questions=_questions_of(row, facts),
        timestamp=row.updated_at.timestamp(),
        note_types=frozenset(selection.note_types),
        subdecks=selection.subdecks,
        images=_pictures(row, facts) if exporter.name in MEDIA_FORMATS else {},
    )
    return ExportFile(
        filename=_filename(row.key, selection, exporter.extension),
        mimetype=exporter.mimetype,
        exporter=exporter,
        content=content,
        personal=personal,
    )


def _pictures(row: Deck, facts: tuple[facts_domain.Fact, ...]) -> dict[str, bytes]:
    """The stored pictures the chosen facts show (at most `images.MAX_DECK_IMAGES` bytes)."""
    names = {fact.image for fact in facts if fact.image}
    if not names:
        return {}
    query = select(DeckImage.name, DeckImage.data).where(
        DeckImage.deck_id == row.id, DeckImage.name.in_(sorted(names))
    )
    return {name: data for name, data in db.session.execute(query)}


def _exporter(fmt: str, selection: Selection) -> anki.Exporter:
    """The format's exporter, once the format, the selection and its note types are known."""
    exporter = EXPORTERS.get(fmt)
    if exporter is None:
        known = ", ".join(EXPORTERS)
        raise ServiceError(f"There is no export format {fmt!r}. Choose one of: {known}.")
    if selection.only not in ONLY:
        known = ", ".join(ONLY)
        raise ServiceError(f"Unknown selection {selection.only!r}: use one of {known}.")
    unknown_types = selection.note_types - set(anki.NOTE_TYPES)
    if unknown_types or not selection.note_types:
        known = ", ".join(anki.NOTE_TYPES)
        raise ServiceError(f"Choose at least one kind of note among: {known}.")
    return exporter


def _selected_facts(
    user: User | None, row: Deck, deck: facts_domain.Deck, selection: Selection, now: datetime
) -> tuple[facts_domain.Fact, ...]:
    """The deck's facts the selection keeps: its entities, then the user's own record."""
    unknown = [key for key in selection.entities if key not in deck.entities]
    if unknown:
        names = ", ".join(repr(key) for key in unknown)
        raise ServiceError(f"The deck {deck.title!r} has no entity {names}.")
    facts = deck.facts
    if selection.entities:
        chosen = set(selection.entities)
        facts = tuple(fact for fact in facts if fact.subject in chosen)
    if selection.only != "all":
        assert user is not None
        keep = _personal_fact_keys(user, row, selection.only, now)
        facts = tuple(fact for fact in facts if fact.key in keep)
    if not facts:
        raise ServiceError(_empty_message(deck.title, selection))
    return facts


def _questions_of(row: Deck, facts: tuple[facts_domain.Fact, ...]) -> tuple[DomainQuestion, ...]:
    chosen = {fact.key for fact in facts}
    return tuple(
        DomainQuestion.from_dict(payload)
        for payload in deck_service.question_payloads(row)
        if payload["fact"] in chosen
    )


def _personal_fact_keys(user: User, row: Deck, only: str, now: datetime) -> set[str]:
    """Keys of the deck's facts that `only` selects for this user (see the module doc)."""
    item_of_user = and_(
        StudyItem.fact_id == Fact.id, StudyItem.user_id == user.id, StudyItem.deck_id == row.id
    )
    mastered = and_(
        StudyItem.state == StudyState.REVIEW.value,
        StudyItem.stability >= MASTERED_STABILITY_DAYS,
    )
    if only == "mistakes":
        condition = or_(
            StudyItem.state == StudyState.RELEARNING.value,
            and_(StudyItem.state != StudyState.NEW.value, StudyItem.due <= now),
        )
        query = select(Fact.key).join(StudyItem, item_of_user).where(condition)
    else:  # not_mastered: facts without a study item count too
        query = (
            select(Fact.key)
            .outerjoin(StudyItem, item_of_user)
            .where(or_(StudyItem.id.is_(None), ~mastered))
        )
    query = query.where(Fact.deck_id == row.id, Fact.retired_at.is_(None))
    return set(db.session.scalars(query))


def _empty_message(title: str, selection: Selection) -> str:
    where = "of the chosen entities " if selection.entities else ""
    if selection.only == "mistakes":
        return (
            f"Nothing to export: none of the facts {where}in {title!r} are ones you got "
            "wrong or that are due."
        )
    if selection.only == "not_mastered":
        return f"Nothing to export: you have mastered every fact {where}in {title!r}."
    return f"Nothing to export: the deck {title!r} has no facts {where}yet."


def _filename(deck_key: str, selection: Selection, extension: str) -> str:
    part = ""
    if len(selection.entities) == 1:
        part = f"-{selection.entities[0]}"
    elif selection.entities:
        part = f"-{len(selection.entities)}-entities"
    return f"{deck_key}{part}{_FILENAME_SUFFIX[selection.only]}.{extension}"


def question_bank(deck_key: str | None = None) -> list[dict[str, Any]]:
    """The public decks' active questions as JSONL data, with their options' categories.

    What `quizapp questions export` prints, and the same lines as the "jsonl"
    export of a whole deck.

    Raises:
        NotFound: `deck_key` names no public deck.
    """
    bank = deck_service.question_bank(deck_key)
    categories: dict[str, dict[str, str]] = {}
    for key in sorted({payload["deck"] for payload in bank}):
        deck = deck_service.domain_deck(deck_service.get_deck(None, key))
        categories[key] = anki.option_categories(deck)
    return [anki.with_categories(payload, categories[payload["deck"]]) for payload in bank]
