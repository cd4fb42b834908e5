"""Creating a live game (deck, questions, PIN) and finding it again: the host's list,
a game by id for its host, a game by PIN for a player. Also the limits a game obeys.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from quizapp.domain import live as rules
from quizapp.domain import live_kinds
from quizapp.extensions import db
from quizapp.models import SchoolClass, User, utcnow
from quizapp.models.live import (
    GameState,
    LiveGame,
    LivePlayer,
    LiveQuestion,
    Mode,
    Scoring,
)
from quizapp.services import Forbidden, NotFound, ServiceError, write_transaction
from quizapp.services import classroom as classroom_service
from quizapp.services import decks as deck_service
from quizapp.services.live import drawing

MIN_SECONDS, MAX_SECONDS = 5, 120
MAX_QUESTIONS = 50
MAX_PLAYERS = 5000
TOP = 5
ROSTER_SHOWN = 100
KIND_LABELS = {kind: live_kinds.LIVE_KINDS[kind].label for kind in live_kinds.DECK_KINDS}


class TooLate(ServiceError):
    status = 409


MAX_OPEN = timedelta(days=60)  # the longest a homework game stays open


def check_deadline(closes_at: datetime | None, now: datetime) -> datetime:
    """The deadline of a new homework game, once it is sensible.

    Raises:
        ServiceError: None, in the past, or more than `MAX_OPEN` ahead.
    """
    if closes_at is None:
        raise ServiceError("Choose until when the homework is open.")
    if closes_at <= now:
        raise ServiceError("The deadline must be in the future.")
    if closes_at > now + MAX_OPEN:
        raise ServiceError(f"A homework game is open for at most {MAX_OPEN.days} days.")
    return closes_at


def is_open(game: LiveGame, now: datetime) -> bool:
    return (
        game.mode == Mode.HOMEWORK.value
        and game.state == GameState.HOMEWORK.value
        and game.closes_at is not None
        and now < game.closes_at
    )


def require_teacher(user: User | None) -> None:
    if user is None or not user.is_authenticated:
        raise Forbidden("Log in as a teacher to host a live game.")
    if not user.is_teacher:
        raise Forbidden("Only teachers can host live games.")


def deck_choices(user: User, deck_key: str) -> dict[str, Any]:
    """What a host can choose from for a deck: its entities and the live kinds it has.

    Raises:
        NotFound: No such deck visible to the user.
    """
    deck = deck_service.get_deck(user, deck_key)
    entities = {
        question.payload["subject"]: name for question, name in drawing.live_rows(deck.id, ())
    }
    return {
        "deck": deck,
        "entities": sorted(entities.items(), key=lambda item: item[1].casefold()),
        "kinds": drawing.kind_counts(deck.id),
    }


def create_game(
    host: User,
    deck_key: str,
    *,
    entities: Sequence[str] = (),
    kinds: Sequence[str] = rules.CHOICE_KINDS,
    poll: tuple[str, Sequence[str]] | None = None,
    question_count: int = 10,
    seconds: int = 20,
    scoring: str | None = None,
    streak_bonus: bool = True,
    class_id: int | None = None,
    max_players: int | None = None,
    approval: bool = False,
    team_count: int = 0,
    mode: str = Mode.LIVE.value,
    closes_at: datetime | None = None,
    rng: random.Random | None = None,
) -> LiveGame:
    """Create a game in the lobby, with its questions drawn and snapshotted.

    Questions are drawn at random among the deck's choice questions of the chosen
    kinds about the chosen entities, a different fact for each while there are enough.
    With `poll` (a prompt and its options) the game opens with the host's own
    warm-up question, without points. With `class_id` the game is for that class,
    which the host must teach. With `max_players` at most that many play; with
    `approval` each new player waits in the lobby until the host lets them in. With
    `team_count` (2 to 6) players are put in that many teams as they join. A
    `mode="homework"` game is open at once until `closes_at`, for players to take at
    their own pace (see `homework`). `scoring` is "speed" or "accuracy"; left out, a
    live game scores speed and homework accuracy.

    Raises:
        Forbidden: The user is not a teacher.
        NotFound: No such deck visible to the host, or `class_id` is not a class the
            host teaches (the same words as for a class that doesn't exist).
        ServiceError: Options out of range, or no question matches them.
    """
    require_teacher(host)
    if class_id is not None:
        class_id = classroom_service.get_own_class(host, class_id).id
    rng = rng or random.Random()
    homework = mode == Mode.HOMEWORK.value
    if scoring is None:
        scoring = Scoring.ACCURACY.value if homework else Scoring.SPEED.value
    kinds = _checked_options(question_count, seconds, scoring, kinds)
    if max_players is not None and not 1 <= max_players <= MAX_PLAYERS:
        raise ServiceError(f"Allow between 1 and {MAX_PLAYERS:,} players, or leave it empty.")
    if team_count != 0 and not 2 <= team_count <= rules.TEAMS_MAX:
        raise ServiceError(f"Choose 2 to {rules.TEAMS_MAX} teams, or none.")
    now = utcnow()
    if homework:
        closes_at = check_deadline(closes_at, now)
    elif mode != Mode.LIVE.value:
        raise ServiceError("Choose a live game or homework.")
    else:
        closes_at = None
    deck = deck_service.get_deck(host, deck_key)
    found = drawing.candidates(deck.id, kinds, entities)
    if not found:
        raise ServiceError("No question of this deck matches these options.")
    chosen = drawing.draw(found, question_count, rng)
    if poll is not None:
        try:
            payload = live_kinds.poll_question(*poll)
        except ValueError as exc:
            raise ServiceError(str(exc)) from None
        chosen.insert(0, drawing.Drawn(None, None, "poll", payload))
    with write_transaction() as session:
        game = LiveGame(
            pin=_free_pin(session, rng),
            host_id=host.id,
            deck_id=deck.id,
            class_id=class_id,
            title=deck.title,
            entities=sorted(set(entities)),
            kinds=kinds,
            question_count=len(chosen),
            seconds=seconds,
            scoring=scoring,
            streak_bonus=streak_bonus,
            max_players=max_players,
            approval=approval,
            team_count=team_count,
            mode=mode,
            closes_at=closes_at,
            locked=False,
            state=GameState.HOMEWORK.value if homework else GameState.LOBBY.value,
            current_index=-1,
            version=1,
            roster_version=0,
        )
        session.add(game)
        session.flush()
        for position, question in enumerate(chosen):
            session.add(
                LiveQuestion(
                    game_id=game.id,
                    position=position,
                    question_id=question.question_id,
                    fact_id=question.fact_id,
                    kind=question.kind,
                    payload=question.payload,
                    # Homework: every question is asked from the start.
                    asked_at=now if homework else None,
                )
            )
    return game


def _checked_options(
    question_count: int, seconds: int, scoring: str, kinds: Sequence[str]
) -> list[str]:
    """The chosen kinds, in the usual order, once every option is in range."""
    if not 1 <= question_count <= MAX_QUESTIONS:
        raise ServiceError(f"Choose between 1 and {MAX_QUESTIONS} questions.")
    if not MIN_SECONDS <= seconds <= MAX_SECONDS:
        raise ServiceError(f"Choose between {MIN_SECONDS} and {MAX_SECONDS} seconds a question.")
    if scoring not in {s.value for s in Scoring}:
        raise ServiceError("Choose speed or accuracy scoring.")
    kinds = [k for k in live_kinds.DECK_KINDS if k in set(kinds)]
    if not kinds:
        raise ServiceError("Choose at least one kind of question.")
    return kinds


def _free_pin(session, rng: random.Random) -> str:
    for _ in range(50):
        pin = f"{rng.randrange(100_000, 1_000_000)}"
        if session.scalar(select(LiveGame.id).where(LiveGame.pin == pin)) is None:
            return pin
    raise ServiceError("No free game PIN right now; try again in a moment.")


def host_games(host: User) -> list[dict[str, Any]]:
    """The host's games, newest first, with their player counts and class names."""
    counts = (
        select(LivePlayer.game_id, func.count(LivePlayer.id).label("n"))
        .where(LivePlayer.removed.is_(False))
        .group_by(LivePlayer.game_id)
        .subquery()
    )
    rows = db.session.execute(
        select(LiveGame, func.coalesce(counts.c.n, 0), SchoolClass.name)
        .outerjoin(counts, counts.c.game_id == LiveGame.id)
        .outerjoin(SchoolClass, SchoolClass.id == LiveGame.class_id)
        .where(LiveGame.host_id == host.id)
        .order_by(LiveGame.created_at.desc(), LiveGame.id.desc())
    )
    return [{"game": game, "players": n, "class_name": name} for game, n, name in rows]


def host_game(host: User | None, game_id: int) -> LiveGame:
    """The game, if `host` hosts it.

    Raises:
        NotFound: No such game, or not this user's (the same answer: ids can't be probed).
    """
    game = db.session.get(LiveGame, game_id)
    if game is None or host is None or not host.is_authenticated or game.host_id != host.id:
        raise NotFound("There is no such game, or it is not yours.")
    return game


def game_by_pin(pin: str) -> LiveGame:
    """The joinable game with this PIN.

    Raises:
        NotFound: No active game has it.
    """
    pin = (pin or "").strip().replace(" ", "")
    game = None
    if len(pin) == 6 and pin.isdigit():
        game = db.session.scalar(select(LiveGame).where(LiveGame.pin == pin))
    if game is None or game.state == GameState.FINISHED.value:
        raise NotFound("No game is open with this PIN. Check the number on the big screen.")
    if game.mode == Mode.HOMEWORK.value and not is_open(game, utcnow()):
        raise NotFound("This homework is closed: it can't be taken any more.")
    return game
