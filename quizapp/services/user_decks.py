"""Decks owned by users: create, edit, version, download, import.

Every save goes the way of a fact file: the whole deck is validated by
`facts.Deck.from_dict` (a problem refuses the save, nothing is written), then
upserted by `decks.sync_deck_in`, so an edit changes only the edited fact's
questions and learners' progress survives. The save and its `DeckVersion` row
are one transaction.

Access: built-in decks (no owner) are read-only here (Forbidden); a deck the user
may not see is NotFound, so keys of private decks can't be probed. A user's deck
keys are their own (`owner_key`), so creating a deck can't probe them either.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, select

from quizapp.domain import deck_edits, importers
from quizapp.domain import facts as facts_domain
from quizapp.domain import images as images_domain
from quizapp.domain.importers import restore
from quizapp.extensions import db
from quizapp.models import (
    ClassMembership,
    Deck,
    DeckVersion,
    Fact,
    PendingImport,
    SchoolClass,
    User,
    Visibility,
    utcnow,
)
from quizapp.services import Forbidden, NotFound, ServiceError, deck_images, write_transaction
from quizapp.services import decks as deck_service

# Paths under /decks/ that a deck key must not shadow.
RESERVED_KEYS = frozenset({"new", "upload", "import", "imports", "mine"})
PENDING_LIFETIME = timedelta(hours=6)
# Uploads waiting for their owner's confirmation: a new one pushes out the oldest.
MAX_PENDING_PER_USER = 3


class DeckProblems(ServiceError):
    """A deck did not validate; `problems` lists what to fix (nothing was saved)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("The deck was not saved: " + "; ".join(problems[:5]))


def allowed_visibilities(user: User) -> list[str]:
    """Anyone may keep a deck for private study; sharing it is for teachers."""
    if user.is_teacher:
        return [Visibility.PRIVATE.value, Visibility.CLASS.value, Visibility.PUBLIC.value]
    return [Visibility.PRIVATE.value]


def class_reach(user: User) -> tuple[int, int]:
    """How many classes the user teaches and how many students are in them (a student in
    two classes counts once): who a deck shared with "my classes" reaches today."""
    if not user.is_teacher:
        return 0, 0
    classes = db.session.scalar(
        select(func.count(SchoolClass.id)).where(SchoolClass.teacher_id == user.id)
    )
    students = db.session.scalar(
        select(func.count(func.distinct(ClassMembership.student_id)))
        .join(SchoolClass, SchoolClass.id == ClassMembership.class_id)
        .where(SchoolClass.teacher_id == user.id)
    )
    return int(classes or 0), int(students or 0)


def _check_visibility(user: User, visibility: str) -> None:
    if visibility not in {v.value for v in Visibility}:
        raise ServiceError(f"Unknown visibility {visibility!r}.")
    if visibility not in allowed_visibilities(user):
        raise Forbidden("Only teachers can share decks; yours stays private.")


def storage_problems(deck: facts_domain.Deck) -> list[str]:
    """What the deck's database rows could not hold (checked before saving)."""
    limits = {
        "deck key": (Deck.__table__.c.key.type.length, [deck.key]),
        "title": (Deck.__table__.c.title.type.length, [deck.title]),
        "source": (Deck.__table__.c.source.type.length, [deck.source]),
        "language": (Deck.__table__.c.language.type.length, [deck.language]),
        "fact key": (Fact.__table__.c.key.type.length, [f.key for f in deck.facts]),
        "entity key": (Fact.__table__.c.subject.type.length, list(deck.entities)),
        "entity name": (
            Fact.__table__.c.subject_name.type.length,
            [e.name for e in deck.entities.values()],
        ),
        "relation key": (Fact.__table__.c.relation.type.length, list(deck.relations)),
        "relation label": (
            Fact.__table__.c.relation_label.type.length,
            [r.label for r in deck.relations.values()],
        ),
        "fact source": (
            Fact.__table__.c.source.type.length,
            [f.source for f in deck.facts if f.source],
        ),
    }
    problems = []
    for what, (length, texts) in limits.items():
        for text in texts:
            if len(text) > length:
                problems.append(f"a {what} is longer than {length} characters: {text[:40]}…")
                break
    return problems


def validate(data: dict[str, Any], filename: str = "deck") -> facts_domain.Deck:
    """Validate deck data as a fact file is validated, plus what the database can hold.

    Raises:
        DeckProblems: Every problem found.
    """
    try:
        deck = facts_domain.Deck.from_dict(data, filename=filename)
    except facts_domain.FactFileError as error:
        raise DeckProblems([f"{p.where}: {p.message}" for p in error.problems]) from None
    if problems := storage_problems(deck):
        raise DeckProblems(problems)
    return deck


def owner_key(user: User, key: str) -> str:
    """The key a deck of `user` is stored under: the key asked for, made theirs alone.

    "-u<user id>" is added unless the key already ends with it. No two users then want
    the same key, so creating a deck answers the same whether or not a deck the user
    can't see has the key asked for (the key of a private deck can't be probed).
    """
    suffix = f"-u{user.id}"
    if key.endswith(suffix):
        return key
    room = Deck.__table__.c.key.type.length - len(suffix)
    return key[:room].rstrip("-") + suffix


def key_problem(key: str, user: User, session=None) -> str | None:
    """Why a new deck of `user` may not take this (stored) key, or None."""
    session = session or db.session
    if key in RESERVED_KEYS:
        return f"'{key}' is reserved; choose another key."
    owner = session.execute(select(Deck.owner_id).where(Deck.key == key)).first()
    if owner is None:
        return None
    if owner.owner_id == user.id:
        return f"You already have a deck with the key '{key}'; choose another."
    # Only a built-in deck (public) or a deck keyed before keys were per owner.
    return f"The key '{key}' is already used by another deck; choose another."


def unique_key(text: str, user: User) -> str:
    """A free key of this user's made from a title: "my-deck-u7", else "my-deck-2-u7"..."""
    base = importers.slug(text) or "deck"
    candidate, n = owner_key(user, base), 1
    while key_problem(candidate, user) is not None:
        n += 1
        candidate = owner_key(user, f"{base}-{n}")
    return candidate


def _with_owner_key(user: User, data: dict[str, Any]) -> dict[str, Any]:
    """The deck data with its key made the user's own (a copy; other problems stay)."""
    header = data.get("deck")
    if not isinstance(header, dict) or not isinstance(header.get("key"), str):
        return data  # validation says what is missing
    return {**data, "deck": {**header, "key": owner_key(user, header["key"])}}


# --- access -----------------------------------------------------------------------------------


def editable_deck(user: User, key: str) -> Deck:
    """The deck, if this user may edit it.

    Raises:
        NotFound: No such deck, or one the user may not see.
        Forbidden: A built-in deck, or another user's (public) deck.
    """
    deck = deck_service.get_deck(user, key)
    if deck.is_builtin:
        raise Forbidden(
            "Built-in decks are read-only in the browser: they are edited as files in "
            "questions/. Download it to start a deck of your own from it."
        )
    if deck.owner_id != user.id:
        raise Forbidden("Only the deck's owner can change it.")
    return deck


# --- saving -----------------------------------------------------------------------------------


def _record(session, row: Deck, user: User, summary: str, report) -> DeckVersion:
    parts = [f"{report.facts[k]} {k}" for k in ("added", "updated", "retired") if report.facts[k]]
    detail = f" (facts: {', '.join(parts)})" if parts else ""
    version = DeckVersion(
        deck_id=row.id,
        number=row.version,
        author_id=user.id,
        created_at=utcnow(),
        summary=(summary + detail)[:500],
        content=row.content,
    )
    session.add(version)
    return version


def create_deck(
    user: User, data: dict[str, Any], *, visibility: str, summary: str = "Created"
) -> Deck:
    """Create a deck owned by `user` from deck data (validated like a fact file).

    Raises:
        DeckProblems: The data is not a valid deck.
        ServiceError: The key is taken or reserved.
        Forbidden: A student asked to share the deck.
    """
    _check_visibility(user, visibility)
    data = _with_owner_key(user, data)
    deck = validate(data, filename=str(data.get("deck", {}).get("key", "deck")))
    with write_transaction() as session:
        if problem := key_problem(deck.key, user, session):
            raise DeckProblems([problem])
        row, report = deck_service.sync_deck_in(session, deck, owner=user, visibility=visibility)
        _record(session, row, user, summary, report)
    return row


def change_deck(
    user: User,
    key: str,
    edit: Callable[[dict[str, Any]], dict[str, Any] | deck_edits.Edit],
    summary: str,
    images: Iterable[images_domain.Image] = (),
) -> Deck:
    """Apply an edit to a deck's current content and save it as a new version.

    The edit runs inside the write transaction on the content as it is now, so two
    people saving at once never undo each other's change to another fact. An edit
    that no longer applies to the content as it is now (a relation removed under the
    form) returns a refused `deck_edits.Edit`, and nothing is saved.

    Args:
        user: The acting user (must own the deck).
        key: The deck.
        edit: Takes a copy of the deck data, returns the new data (the key is kept),
            or a `deck_edits.Edit`.
        summary: What changed, for the history.
        images: Pictures the edit names (stored with the deck if its facts name them).

    Raises:
        DeckProblems: The edit was refused, or the edited deck is not valid; nothing
            was saved.
    """
    editable_deck(user, key)
    with write_transaction() as session:
        row = session.scalar(select(Deck).where(Deck.key == key).with_for_update())
        if row is None or row.owner_id != user.id:
            raise NotFound(f"There is no deck {key!r}.")
        data = edit(_copy(row.content))
        if isinstance(data, deck_edits.Edit):
            if data.data is None:
                raise DeckProblems(data.all_problems())
            data = data.data
        data.setdefault("deck", {})["key"] = key
        deck = validate(data, filename=key)
        before = row.version
        row, report = deck_service.sync_deck_in(
            session, deck, owner=user, visibility=row.visibility
        )
        if problem := deck_images.save(session, row, deck, images):
            raise DeckProblems([problem])
        if row.version != before:
            _record(session, row, user, summary, report)
    return row


def set_visibility(user: User, key: str, visibility: str) -> Deck:
    """Change who may see a deck (not a new version of its content)."""
    _check_visibility(user, visibility)
    editable_deck(user, key)
    with write_transaction() as session:
        row = session.scalar(select(Deck).where(Deck.key == key))
        row.visibility = visibility
    return row


def _copy(content: dict[str, Any]) -> dict[str, Any]:
    import copy

    return copy.deepcopy(content)


# --- history and downloads --------------------------------------------------------------------


def versions(user: User, key: str) -> tuple[Deck, list[DeckVersion]]:
    deck = editable_deck(user, key)
    rows = db.session.scalars(
        select(DeckVersion)
        .where(DeckVersion.deck_id == deck.id)
        .order_by(DeckVersion.number.desc())
    )
    return deck, list(rows)


def version_toml(user: User, key: str, number: int) -> str:
    deck = editable_deck(user, key)
    row = db.session.scalar(
        select(DeckVersion).where(DeckVersion.deck_id == deck.id, DeckVersion.number == number)
    )
    if row is None:
        raise NotFound(f"The deck has no version {number}.")
    return facts_domain.to_toml(facts_domain.Deck.from_dict(row.content, filename=key))


def deck_toml(user: User | None, key: str) -> str:
    """The deck as a fact file, for anyone who may see it (built-in decks too)."""
    deck = deck_service.get_deck(user, key)
    return facts_domain.to_toml(deck_service.domain_deck(deck))


# --- imports ----------------------------------------------------------------------------------


def stage_import(user: User, kind: str, filename: str, payload: dict[str, Any]) -> str:
    """Keep an upload server-side until its owner confirms it; returns its token.

    Uploads past `PENDING_LIFETIME` (anyone's) are cleared on the way, and this
    user keeps at most `MAX_PENDING_PER_USER`: the oldest go first.
    """
    token = secrets.token_hex(16)
    with write_transaction() as session:
        session.execute(
            delete(PendingImport).where(PendingImport.created_at < utcnow() - PENDING_LIFETIME)
        )
        kept = session.scalars(
            select(PendingImport.id)
            .where(PendingImport.owner_id == user.id)
            .order_by(PendingImport.created_at.desc(), PendingImport.id)
            .limit(MAX_PENDING_PER_USER - 1)
        ).all()
        session.execute(
            delete(PendingImport).where(
                PendingImport.owner_id == user.id, PendingImport.id.not_in(kept)
            )
        )
        session.add(
            PendingImport(
                id=token,
                owner_id=user.id,
                kind=kind,
                filename=filename[:200],
                payload=payload,
                created_at=utcnow(),
            )
        )
    return token


def pending_import(user: User, token: str, kind: str) -> PendingImport:
    valid = len(token) == 32 and all(c in "0123456789abcdef" for c in token)
    row = db.session.get(PendingImport, token) if valid else None
    if row is None or row.owner_id != user.id or row.kind != kind:
        raise NotFound("This upload has expired or does not exist; upload the file again.")
    return row


def finish_import(
    user: User,
    token: str,
    kind: str,
    data: dict[str, Any],
    visibility: str,
    summary: str,
    images: Iterable[images_domain.Image] = (),
) -> Deck:
    """Create the deck of a staged upload and forget the upload, in one transaction.

    Args:
        images: The upload's pictures; those the deck's facts name are saved with it.

    Raises:
        DeckProblems, ServiceError, Forbidden: As `create_deck`; nothing is saved.
        NotFound: The upload is gone (already imported, or expired).
    """
    _check_visibility(user, visibility)
    data = _with_owner_key(user, data)
    deck = validate(data, filename=str(data.get("deck", {}).get("key", "deck")))
    with write_transaction() as session:
        pending = session.get(PendingImport, token)
        if pending is None or pending.owner_id != user.id or pending.kind != kind:
            raise NotFound("This upload was already imported or has expired.")
        if problem := key_problem(deck.key, user, session):
            raise DeckProblems([problem])
        row, report = deck_service.sync_deck_in(session, deck, owner=user, visibility=visibility)
        if problem := deck_images.save(session, row, deck, images):
            raise DeckProblems([problem])
        _record(session, row, user, summary, report)
        session.delete(pending)
    return row


# Earlier versions searched for facts removed since an export (newest first).
MAX_VERSIONS_SEARCHED = 200


def restoration_of(
    user: User, data: dict[str, Any], origins: dict[str, Any]
) -> tuple[restore.Restoration, Deck | None]:
    """How a package quizapp exported comes back: its facts from the deck it came from.

    Only a deck the user may see is looked at (a key of anyone else's private deck
    gives the same answer as a key of no deck). For the user's own deck, facts
    removed since the export are found in its earlier versions.

    Args:
        user: The importer.
        data: The deck data the package was read into (stand-in cards).
        origins: Fact key -> [deck key, fact key], from the package's quizapp ids.

    Returns:
        The restoration, and the source deck if the user owns it (it can be updated).
    """
    refs = {key: (str(ref[0]), str(ref[1])) for key, ref in origins.items()}
    source = restore.source_deck(refs)
    row = None
    if source is not None:
        row = db.session.scalar(deck_service.visible_decks_query(user).where(Deck.key == source))
    if row is None:
        return restore.restore(data, refs, []), None
    contents = [row.content]
    owned = row.owner_id == user.id
    today = {f.get("key") for f in row.content.get("facts", [])}
    if owned and any(fact not in today for deck, fact in refs.values() if deck == source):
        contents += db.session.scalars(
            select(DeckVersion.content)
            .where(DeckVersion.deck_id == row.id)
            .order_by(DeckVersion.number.desc())
            .limit(MAX_VERSIONS_SEARCHED)
        ).all()
    return restore.restore(data, refs, contents), row if owned else None


def restore_into(
    user: User, token: str, kind: str, key: str, restoration: restore.Restoration
) -> tuple[Deck, int]:
    """Put a package's facts back into the user's deck they were exported from.

    Facts the deck holds stay as they are; those removed since come back. The staged
    upload is forgotten.

    Returns:
        The deck and how many facts came back.

    Raises:
        DeckProblems, NotFound, Forbidden: As `change_deck`; nothing is saved.
    """
    pending_import(user, token, kind)
    added = 0

    def put_back(current: dict[str, Any]) -> dict[str, Any]:
        nonlocal added
        data, added = restore.add_missing(current, restoration)
        return data

    row = change_deck(
        user, key, put_back, f"Restored {len(restoration.missing)} fact(s) from a package"
    )
    with write_transaction() as session:
        session.execute(delete(PendingImport).where(PendingImport.id == token))
    return row, added


def user_decks(user: User) -> list[Deck]:
    return list(
        db.session.scalars(select(Deck).where(Deck.owner_id == user.id).order_by(Deck.title))
    )
