"""Live games: hosting, joining, answering, and the state each side polls.

Everything a game is lives in the database, so several workers (and servers, on
PostgreSQL) can serve one game: any request reads the rows it needs. Clients poll
the game's `version` with an ETag; only when it moved do they fetch a new state
(`player_state` / `host_state`).

Fairness rules enforced here, whatever the client sends:

- The deadline is the server's clock, read when the request arrives; an answer
  after it, or to a question that is not the current one, is refused.
- One answer per player per question: a unique constraint, so a double submit or a
  replayed request stores nothing new (the first answer is acknowledged again).
- The right answer leaves the server only after the reveal: the player's state and
  the acknowledgement of an answer say "received", never "right".
- Host controls check the host; other users get 404, so game ids can't be probed.
- A host action carries the version it was made at; a stale or repeated click
  (two tabs, a double click) changes nothing.

A game may belong to one of its host's classes (`LiveGame.class_id`): a member of
the class who joins logged in plays under their name in the class (`join`), the host
sees how many of the class are in, and once the game is finished its results show in
the class's gradebook (read there from these tables: see `_finish`).
"""

from __future__ import annotations

import bisect
import hashlib
import hmac
import random
import secrets
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError

from quizapp.domain import live as rules
from quizapp.domain.questions import Question as DomainQuestion
from quizapp.extensions import db
from quizapp.models import ClassMembership, Fact, Question, SchoolClass, User, utcnow
from quizapp.models.live import (
    GameState,
    LiveAnswer,
    LiveGame,
    LivePlayer,
    LiveQuestion,
    Scoring,
)
from quizapp.services import Forbidden, NotFound, ServiceError, write_transaction
from quizapp.services import classroom as classroom_service
from quizapp.services import decks as deck_service
from quizapp.services.group_commit import GroupCommit, Pending
from quizapp.services.study_items import mark_due_after_wrong_answers

MIN_SECONDS, MAX_SECONDS = 5, 120
MAX_QUESTIONS = 50
TOP = 5
ROSTER_SHOWN = 100
KIND_LABELS = {
    "multiple_choice": "Multiple choice",
    "true_false": "True or false",
    "multiple_select": "Multiple select (partial credit)",
    "reverse": "Reverse (which one…?)",
}


class TooLate(ServiceError):
    status = 409


@dataclass(frozen=True)
class Joined:
    player: LivePlayer
    token: str
    rejoined: bool


@dataclass(frozen=True)
class QuestionView:
    """A game question as plain data (what the per-version cache keeps)."""

    id: int
    position: int
    kind: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class AnswerReceipt:
    answer_id: int
    created: bool


# --- creating and finding games -------------------------------------------------------------


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
    rows = db.session.execute(
        select(Fact.subject, Fact.subject_name, Question.kind, Question.payload)
        .join(Question, Question.fact_id == Fact.id)
        .where(Fact.deck_id == deck.id, Fact.retired_at.is_(None), Question.retired_at.is_(None))
    )
    entities: dict[str, str] = {}
    kinds: dict[str, int] = dict.fromkeys(rules.CHOICE_KINDS, 0)
    for subject, name, kind, payload in rows:
        if rules.is_live_question(payload):
            entities[subject] = name
            kinds[kind] += 1
    return {
        "deck": deck,
        "entities": sorted(entities.items(), key=lambda item: item[1].casefold()),
        "kinds": kinds,
    }


def create_game(
    host: User,
    deck_key: str,
    *,
    entities: Sequence[str] = (),
    kinds: Sequence[str] = rules.CHOICE_KINDS,
    question_count: int = 10,
    seconds: int = 20,
    scoring: str = Scoring.SPEED.value,
    streak_bonus: bool = True,
    class_id: int | None = None,
    rng: random.Random | None = None,
) -> LiveGame:
    """Create a game in the lobby, with its questions drawn and snapshotted.

    Questions are drawn at random among the deck's choice questions of the chosen
    kinds about the chosen entities, a different fact for each while there are enough.
    With `class_id` the game is for that class, which the host must teach.

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
    if not 1 <= question_count <= MAX_QUESTIONS:
        raise ServiceError(f"Choose between 1 and {MAX_QUESTIONS} questions.")
    if not MIN_SECONDS <= seconds <= MAX_SECONDS:
        raise ServiceError(f"Choose between {MIN_SECONDS} and {MAX_SECONDS} seconds a question.")
    if scoring not in {s.value for s in Scoring}:
        raise ServiceError("Choose speed or accuracy scoring.")
    kinds = [k for k in rules.CHOICE_KINDS if k in set(kinds)]
    if not kinds:
        raise ServiceError("Choose at least one kind of question.")
    deck = deck_service.get_deck(host, deck_key)
    query = (
        select(Question)
        .join(Fact, Fact.id == Question.fact_id)
        .where(
            Question.deck_id == deck.id,
            Question.retired_at.is_(None),
            Fact.retired_at.is_(None),
            Question.kind.in_(kinds),
        )
        .order_by(Question.id)
    )
    if entities:
        query = query.where(Fact.subject.in_(list(entities)))
    candidates = [q for q in db.session.scalars(query) if rules.is_live_question(q.payload)]
    if not candidates:
        raise ServiceError("No question of this deck matches these options.")
    chosen = _draw_questions(candidates, question_count, rng)
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
            state=GameState.LOBBY.value,
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
                    question_id=question.id,
                    fact_id=question.fact_id,
                    kind=question.kind,
                    payload=dict(question.payload),
                )
            )
    return game


def _draw_questions(candidates: list[Question], count: int, rng: random.Random) -> list[Question]:
    """Up to `count` questions in random order, covering as many facts as possible."""
    rng.shuffle(candidates)
    seen: dict[int, int] = {}
    ranked = []
    for question in candidates:
        nth = seen.get(question.fact_id, 0)
        seen[question.fact_id] = nth + 1
        ranked.append((nth, question))
    ranked.sort(key=lambda item: item[0])  # stable: first questions of each fact first
    return [question for _, question in ranked[:count]]


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
    return game


@dataclass(frozen=True)
class GameView:
    """A game row as plain data: what a player's poll needs, read in one Core query."""

    id: int
    version: int
    state: str
    title: str
    question_count: int
    current_index: int
    seconds: int
    question_deadline: datetime | None
    created_at: datetime


# The hottest paths (polls and answers) run Core statements on the session's
# connection, built once with bound parameters, against the tables rather than the
# mapped classes: an ORM-enabled statement costs several times more Python per
# execution (an ORM insert or update with session synchronisation ~0.3 ms, the same
# statement in Core ~0.03 ms), and building a select costs more than SQLite takes to
# run it. Measured with bench/bench_live.py; see the README's "Live game".
_games = LiveGame.__table__
_players = LivePlayer.__table__
_questions = LiveQuestion.__table__
_answers = LiveAnswer.__table__


def _connection():
    return db.session.connection()


_GAME_VIEW = select(*[_games.c[name] for name in GameView.__dataclass_fields__]).where(
    _games.c.id == bindparam("game_id")
)


def game_view(game_id: int, conn=None) -> GameView | None:
    """The game for a player's poll, without building an ORM object.

    Args:
        conn: A connection to read on, instead of the session's.
    """
    row = (conn or _connection()).execute(_GAME_VIEW, {"game_id": game_id}).first()
    return GameView(*row) if row is not None else None


_PLAYER_ROW_COLUMNS = [
    _players.c.id,
    _players.c.game_id,
    _players.c.token_hash,
    _players.c.nickname,
    _players.c.score,
    _players.c.removed,
    _players.c.shuffle_seed,
    _players.c.user_id,
    _players.c.streak,
    _players.c.streak_position,
]
_PLAYER_BY_ID = select(*_PLAYER_ROW_COLUMNS).where(_players.c.id == bindparam("player_id"))
_PLAYER_BY_ACCOUNT = select(*_PLAYER_ROW_COLUMNS).where(
    _players.c.game_id == bindparam("game_id"), _players.c.user_id == bindparam("user_id")
)


def _cookie_id(text: str) -> bool:
    """Whether the id part of a rejoin cookie can be a player's id.

    The cookie is the browser's to change: "²" passed isdigit() into int(), and a
    20-digit id overflowed the database (500s on every /play page).
    """
    return text.isascii() and text.isdigit() and len(text) <= 9


def player_row(game_id: int, cookie: str | None, user: User | None, conn=None):
    """The player behind a poll or an answer (by rejoin cookie, else account) as a
    plain row, or None.

    What `player_state` and `submit_answer` read of a player, in one Core query with
    no ORM object built: polls and answers are the most frequent requests.
    """
    if cookie and "." in cookie:
        player_id, _, token = cookie.partition(".")
        if _cookie_id(player_id) and token:
            params = {"player_id": int(player_id)}
            row = (conn or _connection()).execute(_PLAYER_BY_ID, params).first()
            if (
                row is not None
                and row.game_id == game_id
                and hmac.compare_digest(row.token_hash, _hash_token(token))
            ):
                return row
    if user is None or not user.is_authenticated:
        return None
    params = {"game_id": game_id, "user_id": user.id}
    return (conn or _connection()).execute(_PLAYER_BY_ACCOUNT, params).first()


# --- players --------------------------------------------------------------------------------


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def join(game_id: int, nickname: str, user: User | None = None) -> Joined:
    """Join a game as a new player, or come back as the same one.

    A logged-in user is one player per game: joining again (from any device) returns
    that player with a fresh rejoin token. An anonymous player comes back with the
    token kept in their browser (`player_by_token`), not through this function. A
    member of the game's class plays under their name in the class, whatever they
    typed (see `_account_nickname`); anyone else, members who are not logged in
    included, plays under the nickname they typed, as a guest of the class.

    Raises:
        NotFound: No such game, or it is finished.
        ServiceError: The nickname is invalid or taken, or the player was removed.
    """
    account = user if user is not None and user.is_authenticated else None
    if account is None:
        try:
            nickname = rules.clean_nickname(nickname)
        except ValueError as exc:
            raise ServiceError(str(exc)) from None
    token = secrets.token_urlsafe(24)
    for attempt in range(3):
        try:
            return _join_once(game_id, nickname, account, token)
        except IntegrityError:
            # Someone took the same nickname at the same instant (PostgreSQL). Someone
            # logged in tries again: it was their own other request (a double click),
            # found now, or a name picked for them, and the next free one is taken.
            if account is None or attempt == 2:
                raise ServiceError(
                    "That nickname was just taken in this game; pick another."
                ) from None
    raise AssertionError("unreachable")


def _join_once(game_id: int, nickname: str, account: User | None, token: str) -> Joined:
    with write_transaction() as session:
        game = session.get(LiveGame, game_id)
        if game is None or game.state == GameState.FINISHED.value:
            raise NotFound("This game is over or does not exist.")
        if account is not None:
            existing = session.scalar(
                select(LivePlayer).where(
                    LivePlayer.game_id == game.id, LivePlayer.user_id == account.id
                )
            )
            if existing is not None:
                if existing.removed:
                    raise Forbidden("The host removed you from this game.")
                existing.token_hash = _hash_token(token)
                return Joined(existing, token, rejoined=True)
            nickname = _account_nickname(session, game, account, nickname)
        key = rules.nickname_key(nickname)
        taken = session.scalar(
            select(LivePlayer.id).where(
                LivePlayer.game_id == game.id, LivePlayer.nickname_key == key
            )
        )
        if taken is not None:
            raise ServiceError(f"The nickname “{nickname}” is taken in this game; pick another.")
        player = LivePlayer(
            game_id=game.id,
            nickname=nickname,
            nickname_key=key,
            user_id=account.id if account is not None else None,
            token_hash=_hash_token(token),
            shuffle_seed=secrets.randbelow(2**31),
            removed=False,
            score=0,
            streak=0,
            streak_position=-1,
            correct_count=0,
        )
        session.add(player)
        game.roster_version += 1
        session.flush()
    return Joined(player, token, rejoined=False)


def _account_nickname(session, game: LiveGame, user: User, wanted: str) -> str:
    """A logged-in player's name in a game.

    A member of the game's class appears as the class knows them (their display
    name), whatever they typed: the host must recognise their students on the
    screen, and the gradebook finds them by account anyway. Anyone else plays under
    the nickname they typed, else their display name. A name the player did not type
    is made unique in the game in a readable way ("Ana Li (2)"), since nicknames are
    unique per game and there is nothing for the player to pick.

    Raises:
        ServiceError: Fifty players of the game already have this name.
    """
    member = (
        game.class_id is not None
        and session.scalar(
            select(ClassMembership.id).where(
                ClassMembership.class_id == game.class_id,
                ClassMembership.student_id == user.id,
            )
        )
        is not None
    )
    if not member:
        try:
            return rules.clean_nickname(wanted)
        except ValueError:
            pass
    try:
        base = rules.clean_nickname(user.display_name[: rules.NICKNAME_MAX])
    except ValueError:
        base = f"Player {user.id}"[: rules.NICKNAME_MAX]
    keys = [rules.nickname_key(variant) for variant in rules.nickname_variants(base)]
    taken = set(
        session.scalars(
            select(LivePlayer.nickname_key).where(
                LivePlayer.game_id == game.id, LivePlayer.nickname_key.in_(keys)
            )
        )
    )
    try:
        return rules.unique_nickname(base, taken)
    except ValueError as exc:
        raise ServiceError(str(exc)) from None


def player_by_token(game_id: int, cookie: str | None) -> LivePlayer | None:
    """The player a rejoin cookie ("<player id>.<token>") stands for, or None."""
    if not cookie or "." not in cookie:
        return None
    player_id, _, token = cookie.partition(".")
    if not _cookie_id(player_id) or not token:
        return None
    player = db.session.get(LivePlayer, int(player_id))
    if player is None or player.game_id != game_id:
        return None
    if not hmac.compare_digest(player.token_hash, _hash_token(token)):
        return None
    return player


def player_by_account(game_id: int, user: User | None) -> LivePlayer | None:
    if user is None or not user.is_authenticated:
        return None
    return db.session.scalar(
        select(LivePlayer).where(LivePlayer.game_id == game_id, LivePlayer.user_id == user.id)
    )


def remove_player(host: User, game_id: int, player_id: int) -> None:
    """Take a player out of the game (their answers stay in the results).

    Raises:
        NotFound: Not the host's game, or no such player in it.
    """
    host_game(host, game_id)
    with write_transaction() as session:
        game = session.get(LiveGame, game_id)
        player = session.get(LivePlayer, player_id)
        if player is None or player.game_id != game.id:
            raise NotFound("There is no such player in this game.")
        if player.removed:
            return
        player.removed = True
        game.roster_version += 1
        game.version += 1  # the removed player's screen must change
        if game.state == GameState.QUESTION.value:
            current = session.scalar(
                select(LiveQuestion.id).where(
                    LiveQuestion.game_id == game.id, LiveQuestion.position == game.current_index
                )
            )
            if _everyone_answered(session.connection(), game.id, current):
                _set_state(game, GameState.REVEAL)


# --- the host drives the game ---------------------------------------------------------------


def _set_state(game: LiveGame, state: GameState) -> None:
    game.state = state.value
    game.version += 1


def _ask(session, game: LiveGame, position: int, now: datetime) -> None:
    question = session.scalar(
        select(LiveQuestion).where(
            LiveQuestion.game_id == game.id, LiveQuestion.position == position
        )
    )
    question.asked_at = now
    game.current_index = position
    game.question_started_at = now
    game.question_deadline = now + timedelta(seconds=game.seconds)
    _set_state(game, GameState.QUESTION)


def advance(host: User, game_id: int, seen_version: int, now: datetime | None = None) -> LiveGame:
    """The host's "next": lobby -> question -> reveal -> top 5 -> next question ... -> podium.

    Args:
        host: The acting user (must host the game).
        game_id: The game.
        seen_version: The version the host's screen showed; if the game has moved
            since (a double click, a second tab, the timer and a click together),
            nothing happens.
        now: The server's clock (tests pass it).

    Raises:
        NotFound: Not the host's game.
        ServiceError: Starting with nobody in the game.
    """
    host_game(host, game_id)
    now = now or utcnow()
    with write_transaction() as session:
        game = _locked_game(session, game_id)
        if game.version != seen_version:
            return game
        state = GameState(game.state)
        if state == GameState.LOBBY:
            if _active_players(session, game.id) == 0:
                raise ServiceError("Wait until at least one player has joined.")
            _ask(session, game, 0, now)
        elif state == GameState.QUESTION:
            _set_state(game, GameState.REVEAL)
        elif state == GameState.REVEAL:
            _set_state(game, GameState.LEADERBOARD)
        elif state == GameState.LEADERBOARD:
            if game.current_index + 1 < game.question_count:
                _ask(session, game, game.current_index + 1, now)
            else:
                _finish(game, now)
    return game


def finish(host: User, game_id: int, now: datetime | None = None) -> LiveGame:
    """End the game now (from any phase): the podium shows, the PIN is freed.

    Raises:
        NotFound: Not the host's game.
    """
    host_game(host, game_id)
    with write_transaction() as session:
        game = _locked_game(session, game_id)
        if game.state != GameState.FINISHED.value:
            _finish(game, now or utcnow())
    return game


def _finish(game: LiveGame, now: datetime) -> None:
    game.pin = None
    game.finished_at = now
    _set_state(game, GameState.FINISHED)
    # A class game's results need no copy here: once finished, its players and answers
    # never change (answers wait for the game row and find it closed), so the class
    # gradebook reads them as they are (services/assignments.py, `_live_columns`).


def _locked_game(session, game_id: int) -> LiveGame:
    # FOR UPDATE on PostgreSQL waits for answers in flight (they hold FOR SHARE), so a
    # reveal never misses an answer that was accepted; SQLite's BEGIN IMMEDIATE
    # already serialises every write.
    return session.scalar(
        select(LiveGame)
        .where(LiveGame.id == game_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _active_players(session, game_id: int) -> int:
    return session.scalar(
        select(func.count(LivePlayer.id)).where(
            LivePlayer.game_id == game_id, LivePlayer.removed.is_(False)
        )
    )


def _everyone_answered(conn, game_id: int, question_id: int) -> bool:
    """Whether every active player has answered the question (then it reveals itself).

    Asked as "is there an active player without an answer?", which stops at the first
    one: while a question is open that is found after a few index probes, where
    counting would visit every player and every answer, under the write lock, on each
    answer.
    """
    params = {"game_id": game_id, "question_id": question_id}
    return conn.execute(_SOMEONE_UNANSWERED, params).first() is None


_SOMEONE_UNANSWERED = (
    select(_players.c.id)
    .where(
        _players.c.game_id == bindparam("game_id"),
        _players.c.removed.is_(False),
        ~select(_answers.c.id)
        .where(
            _answers.c.player_id == _players.c.id,
            _answers.c.live_question_id == bindparam("question_id"),
        )
        .exists(),
    )
    .limit(1)
)


# --- answering ------------------------------------------------------------------------------


def submit_answer(
    game_id: int,
    player: LivePlayer,
    position: int,
    picks: Sequence[int],
    received: datetime | None = None,
) -> AnswerReceipt:
    """Store a player's answer to the current question, scored by the server's clock.

    One read before the write transaction fetches the game, the question and any
    earlier answer together; the answer is judged and scored in Python; the write
    transaction then only re-checks the game, inserts the answer (a duplicate is
    skipped by the unique constraint, not raised), adds the points and asks whether
    everybody has answered. On SQLite every writer waits for the one holding the
    lock, so the lock is held for those few statements, not for the Python around
    them.

    Args:
        game_id: The game.
        player: The answering player (identified by token or account by the caller).
        position: The question the player's screen showed (0-based).
        picks: The chosen options, as positions in the player's own order.
        received: When the request reached the server (the deadline is checked
            against this, not against when the database lock was free).

    Returns:
        The stored answer's id; `created` is False when the player had already
        answered (the first answer stands, nothing changes).

    Raises:
        NotFound: No such game.
        Forbidden: The player was removed.
        TooLate: Not the current question, or its time is up.
        ServiceError: The picks don't fit the question.
    """
    received = received or utcnow()
    if player.game_id != game_id:
        raise NotFound("You are not in this game.")
    if player.removed:
        raise Forbidden("The host removed you from this game.")
    player_id, user_id = player.id, player.user_id
    row = (
        _connection()
        .execute(
            _ANSWER_CONTEXT, {"game_id": game_id, "position": position, "player_id": player_id}
        )
        .first()
    )
    if row is None:
        raise NotFound("You are not in this game.")
    (state, index, started_at, deadline, seconds, scoring, streak_bonus) = row[:7]
    question_id, fact_id, kind, payload, existing = row[7:]
    if question_id is None:
        raise ServiceError("This game has no such question.")
    if existing is not None:
        return AnswerReceipt(existing, created=False)
    _check_open(state, index, deadline, position, received)
    domain_question = DomainQuestion.from_dict(payload)
    order = rules.player_order(payload["choices"], player.shuffle_seed, str(question_id), kind)
    chosen = _picked_options(domain_question, order, picks)
    elapsed_ms = max(0, int((received - started_at).total_seconds() * 1000))
    # Only this player's own answers move their streak, and they answer this question once.
    streak_before = player.streak if player.streak_position == position - 1 else 0
    scored = rules.score_answer(
        domain_question,
        chosen,
        elapsed_ms=elapsed_ms,
        limit_ms=seconds * 1000,
        accuracy_only=scoring == Scoring.ACCURACY.value,
        streak_before=streak_before,
        use_streak_bonus=streak_bonus,
    )
    new_streak_position = position if scored.correct else player.streak_position
    # The read is over: its transaction ends here rather than stay open (a pinned
    # snapshot, a pooled connection held) while the answer waits for its batch.
    db.session.commit()
    return _ANSWERS.submit(
        _PreparedAnswer(
            position=position,
            user_id=user_id,
            fact_id=fact_id,
            row={
                "game_id": game_id,
                "player_id": player_id,
                "live_question_id": question_id,
                "choices": chosen,
                "correct": scored.correct,
                "credit": scored.credit,
                "points": scored.points,
                "elapsed_ms": elapsed_ms,
                "answered_at": received,
            },
            points={
                "player_id": player_id,
                "points": scored.points,
                "correct": int(scored.correct),
                "streak": scored.streak,
                "streak_position": new_streak_position,
            },
        )
    )


@dataclass(frozen=True)
class _PreparedAnswer:
    """A judged and scored answer, waiting for its place in a write transaction."""

    position: int
    user_id: int | None
    fact_id: int
    row: dict[str, Any]  # the live_answers row
    points: dict[str, Any]  # what it adds to the player (`_ADD_POINTS`)

    @property
    def game_id(self) -> int:
        return self.row["game_id"]

    @property
    def received(self) -> datetime:
        return self.row["answered_at"]

    @property
    def correct(self) -> bool:
        return self.row["correct"]


def _store_answers(batch: list[Pending]) -> None:
    """Store a batch of answers in one write transaction (see `group_commit`).

    Each answer is checked and stored as if alone: the question must still be open
    at its arrival time, a second answer of a player finds the unique constraint
    and changes nothing, a removed player's answer is taken back. Whether everybody
    has answered is asked once per game, after the batch.
    """
    with write_transaction() as session:
        conn = session.connection()
        games: dict[int, tuple[str, int, datetime | None]] = {}
        answered: dict[int, int] = {}  # game -> the question that got new answers
        for pending in batch:
            answer: _PreparedAnswer = pending.data
            game = games.get(answer.game_id)
            if game is None:
                # Re-checked under the lock: the host may have revealed meanwhile.
                game = conn.execute(_OPEN_QUESTION, {"game_id": answer.game_id}).one()
                games[answer.game_id] = game
            try:
                _check_open(*game, answer.position, answer.received)
            except TooLate as exc:
                # A replay of an answer stored before the question closed is "already
                # answered", not "too late": the player's answer did count.
                first = conn.execute(_ANSWER_ID, answer.row).scalar()
                if first is not None:
                    pending.resolve(AnswerReceipt(first, created=False))
                else:
                    pending.fail(exc)
                continue
            answer_id = conn.execute(_insert_answer(conn), answer.row).scalar()
            if answer_id is None:
                # Answered already (a double submit, a replay): the first one stands.
                first = conn.execute(_ANSWER_ID, answer.row).scalar()
                pending.resolve(AnswerReceipt(first, created=False))
                continue
            if conn.execute(_ADD_POINTS, answer.points).rowcount != 1:
                conn.execute(_DELETE_ANSWER, {"answer_id": answer_id})
                pending.fail(Forbidden("The host removed you from this game."))
                continue
            if answer.user_id is not None and not answer.correct:
                mark_due_after_wrong_answers(
                    session, answer.user_id, [answer.fact_id], answer.received
                )
            answered[answer.game_id] = answer.row["live_question_id"]
            pending.resolve(AnswerReceipt(answer_id, created=True))
        for game_id, question_id in answered.items():
            if _everyone_answered(conn, game_id, question_id):
                conn.execute(_REVEAL_NOW, {"game_id": game_id})


_ANSWERS = GroupCommit(_store_answers)


# What an answer reads before its write transaction: the game, the question at the
# position the player saw, and the player's earlier answer to it, if any.
_ANSWER_CONTEXT = (
    select(
        _games.c.state,
        _games.c.current_index,
        _games.c.question_started_at,
        _games.c.question_deadline,
        _games.c.seconds,
        _games.c.scoring,
        _games.c.streak_bonus,
        _questions.c.id,
        _questions.c.fact_id,
        _questions.c.kind,
        _questions.c.payload,
        _answers.c.id,
    )
    .select_from(_games)
    .outerjoin(
        _questions,
        (_questions.c.game_id == _games.c.id) & (_questions.c.position == bindparam("position")),
    )
    .outerjoin(
        _answers,
        (_answers.c.live_question_id == _questions.c.id)
        & (_answers.c.player_id == bindparam("player_id")),
    )
    .where(_games.c.id == bindparam("game_id"))
)
# Re-read under the write lock. FOR SHARE (PostgreSQL) makes a reveal wait for the
# answers in flight.
_OPEN_QUESTION = (
    select(_games.c.state, _games.c.current_index, _games.c.question_deadline)
    .where(_games.c.id == bindparam("game_id"))
    .with_for_update(read=True)
)
_ADD_POINTS = (
    update(_players)
    .where(_players.c.id == bindparam("player_id"), _players.c.removed.is_(False))
    .values(
        score=_players.c.score + bindparam("points"),
        correct_count=_players.c.correct_count + bindparam("correct"),
        streak=bindparam("streak"),
        streak_position=bindparam("streak_position"),
    )
)
_ANSWER_ID = select(_answers.c.id).where(
    _answers.c.player_id == bindparam("player_id"),
    _answers.c.live_question_id == bindparam("live_question_id"),
)
_DELETE_ANSWER = _answers.delete().where(_answers.c.id == bindparam("answer_id"))
_REVEAL_NOW = (
    update(_games)
    .where(_games.c.id == bindparam("game_id"))
    .values(state=GameState.REVEAL.value, version=_games.c.version + 1)
)
_INSERT_ANSWER: dict[str, Any] = {}


def _insert_answer(conn):
    """INSERT ... ON CONFLICT (player, question) DO NOTHING RETURNING id.

    A replay finds the unique constraint and inserts nothing (no row comes back)
    instead of raising: on PostgreSQL an error would abort the whole transaction.
    """
    dialect = conn.dialect.name
    statement = _INSERT_ANSWER.get(dialect)
    if statement is None:
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        statement = _INSERT_ANSWER[dialect] = (
            insert(_answers)
            .on_conflict_do_nothing(index_elements=["player_id", "live_question_id"])
            .returning(_answers.c.id)
        )
    return statement


def _check_open(
    state: str, index: int, deadline: datetime | None, position: int, received: datetime
) -> None:
    if state != GameState.QUESTION.value or index != position:
        raise TooLate("This question is closed; your answer was not counted.")
    if deadline is None or received > deadline:
        raise TooLate("Time is up: your answer came after the deadline and was not counted.")


def _player_order(player: LivePlayer, question: LiveQuestion | QuestionView) -> list[str]:
    return rules.player_order(
        question.payload["choices"], player.shuffle_seed, str(question.id), question.kind
    )


def _picked_options(question: DomainQuestion, order: list[str], picks: Sequence[int]) -> list[str]:
    if any(not 0 <= pick < len(order) for pick in picks) or len(set(picks)) != len(picks):
        raise ServiceError("Pick one of the options shown.")
    if not picks:
        raise ServiceError("Pick an option first.")
    if question.kind != "multiple_select" and len(picks) != 1:
        raise ServiceError("Pick exactly one option.")
    return [order[pick] for pick in picks]


# --- what each side sees --------------------------------------------------------------------

# What every player of a game sees at one version (the question, or its reveal), built
# once per worker: rows of a version never change, so this never goes stale.
_SHARED: OrderedDict[tuple[int, str, int], dict[str, Any]] = OrderedDict()
_SHARED_LOCK = threading.Lock()
_SHARED_MAX = 64


def _shared_key(game: LiveGame | GameView) -> tuple[int, str, int]:
    # created_at too: a test database (or a restored one) may hand out an id again.
    return (game.id, game.created_at.isoformat(), game.version)


def shared_ready(game: LiveGame | GameView) -> bool:
    """Whether what every player sees at this version is built in this process, so a
    player's state needs only their own rows (`player_state(..., conn=...)`)."""
    with _SHARED_LOCK:
        return _shared_key(game) in _SHARED


def _shared(game: LiveGame) -> dict[str, Any]:
    key = _shared_key(game)
    with _SHARED_LOCK:
        cached = _SHARED.get(key)
        if cached is not None:
            _SHARED.move_to_end(key)
            return cached
    shared: dict[str, Any] = {"players": _active_players(db.session, game.id)}
    if game.current_index >= 0 and game.state != GameState.LOBBY.value:
        question = db.session.scalar(
            select(LiveQuestion).where(
                LiveQuestion.game_id == game.id, LiveQuestion.position == game.current_index
            )
        )
        # Plain data, not the ORM row: the cache outlives this request's session.
        shared["question"] = QuestionView(
            question.id, question.position, question.kind, dict(question.payload)
        )
        if game.state in (GameState.REVEAL.value, GameState.LEADERBOARD.value):
            shared["counts"] = _counts(question.id, question.payload["choices"])
    if game.state in _RANKED_STATES:
        shared["top"] = top_players(game.id, TOP)
        # Every active player's score, ascending: a rank is then a bisection, not a
        # count over the game's players for each of them.
        shared["scores"] = sorted(
            db.session.scalars(
                select(LivePlayer.score).where(
                    LivePlayer.game_id == game.id, LivePlayer.removed.is_(False)
                )
            )
        )
    # Not in the lobby, where joins change the player count without a new version.
    # (While a question is open nothing here depends on the answers coming in; from
    # the reveal on no answer can come in: they wait for the game row, see above.)
    if game.state != GameState.LOBBY.value:
        with _SHARED_LOCK:
            _SHARED[key] = shared
            while len(_SHARED) > _SHARED_MAX:
                _SHARED.popitem(last=False)
    return shared


def _counts(question_id: int, choices: Sequence[str]) -> dict[str, int]:
    picks = db.session.scalars(
        select(LiveAnswer.choices).where(LiveAnswer.live_question_id == question_id)
    )
    return rules.option_counts(choices, picks)


def top_players(game_id: int, limit: int) -> list[rules.Ranked]:
    rows = db.session.execute(
        select(LivePlayer.id, LivePlayer.nickname, LivePlayer.score)
        .where(LivePlayer.game_id == game_id, LivePlayer.removed.is_(False))
        .order_by(LivePlayer.score.desc(), LivePlayer.nickname, LivePlayer.id)
        .limit(limit * 4)  # ties at the edge are ordered by rank() below
    )
    return rules.rank((r[0], r[1], r[2]) for r in rows)[:limit]


def _rank_in(scores: list[int], score: int) -> int:
    """1 + how many of the ascending `scores` beat `score` (ties share a rank)."""
    return len(scores) - bisect.bisect_right(scores, score) + 1


def remaining_ms(game: LiveGame, now: datetime) -> int:
    if game.state != GameState.QUESTION.value or game.question_deadline is None:
        return 0
    return max(0, int((game.question_deadline - now).total_seconds() * 1000))


def poll_ms(players: int) -> int:
    """How often clients should poll: every second for a class, slower for a crowd.

    Each poll is a cheap 304 when nothing changed, but 2,000 players polling every
    second would still be 2,000 requests a second; this keeps the rate near 1,000/s.
    """
    return min(3000, max(1000, players))


# From the reveal on no answer comes in, so the scores and ranks are final: a player
# sees their rank with the reveal, as on Kahoot's devices.
_RANKED_STATES = frozenset(
    {GameState.REVEAL.value, GameState.LEADERBOARD.value, GameState.FINISHED.value}
)


def player_version(game: LiveGame | GameView) -> int:
    """The version of what a game's players see: the ETag of their state.

    The game's version, except during the top 5: that is the host's screen, and a
    player's device shows nothing it did not show at the reveal (their points and
    rank came with it), so it keeps the reveal's version. 2,000 players then fetch
    two states a question, not three. The top 5 always follows its reveal at the
    next version, so `version - 1` names that reveal (or, after a removal during the
    top 5, the top 5 before it): never the version of a different screen.
    """
    if game.state == GameState.LEADERBOARD.value:
        return game.version - 1
    return game.version


def player_state(
    game: LiveGame, player: LivePlayer, now: datetime | None = None, conn=None
) -> dict:
    """What a player's screen shows: never the right answer before the reveal.

    `conn`, a connection to read the player's answer on (instead of the session's),
    is for a caller that has checked `shared_ready`.

    Returns:
        JSON-ready data; `question.options` are in the player's own order, and
        `reveal` (right options, the player's points) appears only from the reveal on.
    """
    now = now or utcnow()
    shared = _shared(game)
    state: dict[str, Any] = {
        "game": game.id,
        "version": player_version(game),
        "state": game.state,
        "title": game.title,
        "total": game.question_count,
        "position": game.current_index,
        "players": shared["players"],
        "poll_ms": poll_ms(shared["players"]),
        "me": {"nickname": player.nickname, "score": player.score, "removed": player.removed},
    }
    if player.removed:
        state["state"] = "removed"
        return state
    question: QuestionView | None = shared.get("question")
    if question is not None and game.state in (
        GameState.QUESTION.value,
        GameState.REVEAL.value,
        GameState.LEADERBOARD.value,
    ):
        order = _player_order(player, question)
        answer = (
            (conn or _connection())
            .execute(_MY_ANSWER, {"player_id": player.id, "question_id": question.id})
            .first()
        )
        state["question"] = {
            "position": question.position,
            "number": question.position + 1,
            "prompt": question.payload["prompt"],
            "kind": question.kind,
            "multi": question.kind == "multiple_select",
            "options": order,
            "seconds": game.seconds,
            "remaining_ms": remaining_ms(game, now),
        }
        state["answered"] = answer is not None
        if answer is not None and game.state == GameState.QUESTION.value:
            # The score moved when the answer was stored; showing it now would tell
            # the player whether they were right before the reveal.
            state["me"]["score"] = player.score - answer.points
        state["my_picks"] = [order.index(c) for c in answer.choices if c in order] if answer else []
        if game.state != GameState.QUESTION.value:
            correct = set(question.payload["correct"])
            state["reveal"] = {
                "answer": question.payload["answer"],
                "correct": [i for i, option in enumerate(order) if option in correct],
                "evidence": question.payload["evidence"],
                "mine": {
                    "answered": answer is not None,
                    "correct": bool(answer and answer.correct),
                    "credit": answer.credit if answer else 0.0,
                    "points": answer.points if answer else 0,
                },
            }
    if game.state in _RANKED_STATES:
        state["rank"] = _rank_in(shared["scores"], player.score)
        state["top"] = [_ranked(r) for r in shared["top"]]
    return state


_MY_ANSWER = select(
    _answers.c.choices, _answers.c.correct, _answers.c.credit, _answers.c.points
).where(
    _answers.c.player_id == bindparam("player_id"),
    _answers.c.live_question_id == bindparam("question_id"),
)


def _ranked(r: rules.Ranked) -> dict[str, Any]:
    return {"rank": r.rank, "nickname": r.nickname, "score": r.score}


def answers_so_far(game: LiveGame) -> int:
    if game.state != GameState.QUESTION.value:
        return 0
    return db.session.scalar(
        select(func.count(LiveAnswer.id))
        .join(LiveQuestion, LiveQuestion.id == LiveAnswer.live_question_id)
        .where(LiveQuestion.game_id == game.id, LiveQuestion.position == game.current_index)
    )


def host_state(game: LiveGame, now: datetime | None = None) -> dict[str, Any]:
    """What the host's screen shows, the answer included once revealed.

    For a class game also the class's name, its size, how many of it joined, and
    which players shown are its members (`class`, `players[].member`).
    """
    now = now or utcnow()
    # The newest names only: a lobby of 2,000 would make a page of megabytes.
    players = list(
        db.session.scalars(
            select(LivePlayer)
            .where(LivePlayer.game_id == game.id, LivePlayer.removed.is_(False))
            .order_by(LivePlayer.id.desc())
            .limit(ROSTER_SHOWN)
        )
    )[::-1]
    state: dict[str, Any] = {
        "game": game.id,
        "version": game.version,
        "roster_version": game.roster_version,
        "state": game.state,
        "pin": game.pin,
        "title": game.title,
        "total": game.question_count,
        "position": game.current_index,
        "seconds": game.seconds,
        "players": [{"id": p.id, "nickname": p.nickname, "member": False} for p in players],
        "player_count": _active_players(db.session, game.id),
        "answers": answers_so_far(game),
        "remaining_ms": remaining_ms(game, now),
        "class": None,
    }
    if game.class_id is not None:
        state["class"] = _class_presence(game, state["players"], players)
    shared = _shared(game)
    question: QuestionView | None = shared.get("question")
    if question is not None:
        state["question"] = {
            "number": question.position + 1,
            "prompt": question.payload["prompt"],
            "kind": question.kind,
            "options": list(question.payload["choices"]),
        }
        if "counts" in shared:
            correct = set(question.payload["correct"])
            total = max(1, sum(shared["counts"].values()))
            state["reveal"] = {
                "answer": question.payload["answer"],
                "evidence": question.payload["evidence"],
                "source": question.payload.get("source", ""),
                "bars": [
                    {
                        "option": option,
                        "count": count,
                        "correct": option in correct,
                        "share": count / total,
                    }
                    for option, count in shared["counts"].items()
                ],
            }
    if "top" in shared:
        state["top"] = [_ranked(r) for r in shared["top"]]
    return state


def _class_presence(
    game: LiveGame, shown: list[dict[str, Any]], players: list[LivePlayer]
) -> dict[str, Any] | None:
    """The game's class for the host: name, size, members in the game; marks `shown`."""
    school_class = db.session.get(SchoolClass, game.class_id)
    if school_class is None:
        return None
    members = select(ClassMembership.student_id).where(ClassMembership.class_id == school_class.id)
    size = db.session.scalar(select(func.count()).select_from(members.subquery()))
    joined = db.session.scalar(
        select(func.count(LivePlayer.id)).where(
            LivePlayer.game_id == game.id,
            LivePlayer.removed.is_(False),
            LivePlayer.user_id.in_(members),
        )
    )
    accounts = {p.user_id for p in players if p.user_id is not None}
    in_class = (
        set(db.session.scalars(members.where(ClassMembership.student_id.in_(accounts))))
        if accounts
        else set()
    )
    for row, player in zip(shown, players, strict=True):
        row["member"] = player.user_id in in_class
    return {"id": school_class.id, "name": school_class.name, "size": size, "joined": joined}


# --- results ---------------------------------------------------------------------------------


def report(host: User, game_id: int) -> dict[str, Any]:
    """Per question: how many answered and got it right, counts per option, and the
    wrong option chosen most; and every player's final rank.

    Raises:
        NotFound: Not the host's game.
    """
    game = host_game(host, game_id)
    questions = []
    for question in game.questions:
        answers = list(
            db.session.scalars(select(LiveAnswer).where(LiveAnswer.live_question_id == question.id))
        )
        counts = rules.option_counts(question.payload["choices"], (a.choices for a in answers))
        questions.append(
            {
                "question": question,
                "asked": question.asked_at is not None,
                "answered": len(answers),
                "correct": sum(1 for a in answers if a.correct),
                "counts": counts,
                "right": set(question.payload["correct"]),
                "wrong": rules.most_chosen_wrong(counts, question.payload["correct"]),
            }
        )
    players = db.session.execute(
        select(LivePlayer.id, LivePlayer.nickname, LivePlayer.score).where(
            LivePlayer.game_id == game.id, LivePlayer.removed.is_(False)
        )
    )
    return {
        "game": game,
        "school_class": db.session.get(SchoolClass, game.class_id) if game.class_id else None,
        "questions": questions,
        "ranking": rules.rank((r[0], r[1], r[2]) for r in players),
    }


CSV_HEADER = (
    "player",
    "account",
    "question",
    "prompt",
    "kind",
    "chosen",
    "right answer",
    "correct",
    "credit",
    "points",
    "seconds",
    "answered at",
    "final score",
    "final rank",
)


def results_rows(host: User, game_id: int) -> list[tuple]:
    """One row per player per question (a missed question is a row with no answer).

    Raises:
        NotFound: Not the host's game.
    """
    data = report(host, game_id)
    game = data["game"]
    ranks = {r.player_id: r.rank for r in data["ranking"]}
    players = list(
        db.session.execute(
            select(LivePlayer, User.display_name)
            .outerjoin(User, User.id == LivePlayer.user_id)
            .where(LivePlayer.game_id == game.id)
            .order_by(LivePlayer.nickname, LivePlayer.id)
        )
    )
    answers = {
        (a.player_id, a.live_question_id): a
        for a in db.session.scalars(select(LiveAnswer).where(LiveAnswer.game_id == game.id))
    }
    rows = []
    for player, account in players:
        for question in game.questions:
            answer = answers.get((player.id, question.id))
            rows.append(
                (
                    player.nickname + (" (removed)" if player.removed else ""),
                    account or "",
                    question.position + 1,
                    question.payload["prompt"],
                    question.kind,
                    "; ".join(answer.choices) if answer else "",
                    question.payload["answer"],
                    ("yes" if answer.correct else "no") if answer else "no answer",
                    f"{answer.credit:.2f}" if answer else "0.00",
                    answer.points if answer else 0,
                    f"{answer.elapsed_ms / 1000:.1f}" if answer else "",
                    answer.answered_at.isoformat(timespec="seconds") if answer else "",
                    player.score,
                    ranks.get(player.id, ""),
                )
            )
    return rows
