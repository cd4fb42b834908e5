"""The rules of a live game: points, streaks, ranks, nicknames and option orders.

Pure functions; the service layer feeds them times and rows.

Points for one answer (`score_answer`):

- Speed scoring (Kahoot's rule): a correct answer given after `t` of a limit `T`
  scores ``round(1000 * (1 - (t / T) / 2))``: 1000 at once, 500 at the buzzer, never
  less than 500. Rounding is half up, in integer milliseconds, so it never depends
  on float noise.
- Accuracy-only scoring: 1000 for a correct answer, whenever it came.
- Multiple select gives partial credit (see `grading.judge`: right picks minus wrong
  picks over the number of right options, at least 0): the points of a correct
  answer given at that moment times the credit, rounded. Only the exact set is
  *correct*.
- Streak bonus (when on): the answer's streak is the number of correct answers in a
  row ending with it (a wrong, partial or missing answer breaks the row). The bonus
  is ``min(100 * (streak - 1), 500)``: nothing for the first, +100 for the second in
  a row, +200 for the third, up to +500 from the sixth on.
- A wrong answer, or no answer, scores 0.

The lead-in (`lead_in_ms`): a question is shown first and its options open at a
server time announced with it, later than every player's next poll, so every device
shows the options at that moment whatever the moment its poll fell. Speed scoring
counts from the opening, and an answer before it is refused.

Ranks are competition ranks ("1224"): equal scores share a rank, and the next rank
skips. Ties are listed by nickname so the order is stable.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import random
import unicodedata
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass

from quizapp.domain.grading import Judgement, judge, normalise
from quizapp.domain.questions import Question

__all__ = [
    "CHOICE_KINDS",
    "MAX_POINTS",
    "NICKNAME_MAX",
    "STREAK_BONUS_MAX",
    "STREAK_STEP",
    "TEAM_NAMES",
    "Ranked",
    "Scored",
    "TeamScore",
    "clean_nickname",
    "is_live_question",
    "is_rude_nickname",
    "lead_in_ms",
    "most_chosen_wrong",
    "nickname_key",
    "nickname_variants",
    "option_counts",
    "player_order",
    "rank",
    "rejoin_code",
    "same_rejoin_code",
    "score_answer",
    "score_judgement",
    "speed_points",
    "streak_bonus",
    "team_for_newcomer",
    "team_scores",
    "unique_nickname",
]

MAX_POINTS = 1000
STREAK_STEP = 100
STREAK_BONUS_MAX = 500
LEAD_IN_MIN_MS = 3000
LEAD_IN_MARGIN_MS = 1000
NICKNAME_MAX = 20

# Kinds a live game can ask: they all have options to tap.
CHOICE_KINDS = ("multiple_choice", "true_false", "multiple_select", "reverse")

# Characters a nickname may not hold: controls, unassigned and private-use code points,
# line separators, and format characters (bidi overrides that reorder what the host
# screen shows) except the zero-width joiner that emoji sequences need.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_ALLOWED_FORMAT = frozenset({"\u200d"})


@dataclass(frozen=True)
class Scored:
    """The outcome of one answer.

    Attributes:
        correct: Whether it was exactly right.
        credit: 0..1 (partial only for multiple select).
        points: Points earned, bonus included.
        bonus: The streak bonus part of `points`.
        streak: Correct answers in a row ending with this one (0 if not correct; a
            poll passes the streak before it on).
    """

    correct: bool
    credit: float
    points: int
    bonus: int
    streak: int


@dataclass(frozen=True)
class Ranked:
    rank: int
    player_id: int
    nickname: str
    score: int


def is_live_question(payload: Mapping) -> bool:
    """Whether a stored deck question can be asked in a live game: a choice kind with
    options, or a typed one (typed as such, or made an estimate: `live_kinds`)."""
    if payload.get("kind") == "typed":
        return True
    return payload.get("kind") in CHOICE_KINDS and len(payload.get("choices") or ()) >= 2


def lead_in_ms(poll_interval_ms: int) -> int:
    """How long a question is shown before its options open.

    Three poll intervals and a second: a player's poll lands anywhere within the
    first after the question appears, and the rest covers fetching the new state
    while every other player fetches it too (1,000 fetches in one interval): measured
    with bench/bench_live.py on two busy cores, the slowest 1% of players had their
    new state up to 1.4 s after two intervals and a second (1,000 players, 1 s
    polls). At least `LEAD_IN_MIN_MS`, time to read the question out.

    Args:
        poll_interval_ms: How often players poll (see `services.live.poll_ms`).
    """
    return max(LEAD_IN_MIN_MS, 3 * poll_interval_ms + LEAD_IN_MARGIN_MS)


def speed_points(elapsed_ms: int, limit_ms: int) -> int:
    """Points of a correct answer after `elapsed_ms` of `limit_ms`: 1000 down to 500.

    Args:
        elapsed_ms: Time from the question's start to the answer (clamped to the limit).
        limit_ms: The time limit, > 0.

    Returns:
        ``round(1000 * (1 - (t / T) / 2))``, rounded half up.
    """
    if limit_ms <= 0:
        raise ValueError("the time limit must be positive")
    t = min(max(elapsed_ms, 0), limit_ms)
    # 1000 - 500 t / T, half up: floor((2000 T - 1000 t + T) / 2T)
    return (2 * MAX_POINTS * limit_ms - MAX_POINTS * t + limit_ms) // (2 * limit_ms)


def streak_bonus(streak: int) -> int:
    """The bonus of the `streak`-th correct answer in a row (+100 each, at most +500)."""
    return min(STREAK_STEP * max(streak - 1, 0), STREAK_BONUS_MAX)


def score_answer(
    question: Question,
    picks: Sequence[str],
    *,
    elapsed_ms: int,
    limit_ms: int,
    accuracy_only: bool,
    streak_before: int,
    use_streak_bonus: bool,
) -> Scored:
    """Judge and score one answer.

    Args:
        question: The question asked.
        picks: The options chosen (texts of the question's choices).
        elapsed_ms: Time from the question's start to the answer, by the server's clock.
        limit_ms: The question's time limit.
        accuracy_only: 1000 per correct answer instead of speed points.
        streak_before: Correct answers in a row just before this question.
        use_streak_bonus: Whether the game gives the streak bonus.

    Returns:
        The scored answer.
    """
    return score_judgement(
        _judge(question, picks),
        elapsed_ms=elapsed_ms,
        limit_ms=limit_ms,
        accuracy_only=accuracy_only,
        streak_before=streak_before,
        use_streak_bonus=use_streak_bonus,
    )


def score_judgement(
    judgement: Judgement,
    *,
    elapsed_ms: int,
    limit_ms: int,
    accuracy_only: bool,
    streak_before: int,
    use_streak_bonus: bool,
    scored: bool = True,
) -> Scored:
    """Score a judged answer (any kind: see `live_kinds.judge_live`).

    Args:
        scored: False for a question without points (a poll): 0 points, and the
            streak goes on untouched (`Scored.streak` is `streak_before`).
    """
    if not scored:
        return Scored(False, 0.0, 0, 0, streak_before)
    base = MAX_POINTS if accuracy_only else speed_points(elapsed_ms, limit_ms)
    if not judgement.correct:
        points = _half_up(base * judgement.credit) if judgement.credit > 0 else 0
        return Scored(False, judgement.credit, points, 0, 0)
    streak = streak_before + 1
    bonus = streak_bonus(streak) if use_streak_bonus else 0
    return Scored(True, 1.0, base + bonus, bonus, streak)


def _judge(question: Question, picks: Sequence[str]) -> Judgement:
    if question.kind == "multiple_select":
        return judge(question, list(picks))
    if len(picks) != 1:
        return Judgement(False, 0.0, question.answer)
    return judge(question, picks[0])


def _half_up(value: float) -> int:
    return int(value + 0.5)


def player_order(choices: Sequence[str], seed: int, salt: str, kind: str = "") -> list[str]:
    """A player's own order of a question's options.

    Every player gets an independent shuffle, seeded by the player's seed and the
    question (`salt`), so a reload shows the same order. True/false keeps its
    conventional order: shuffling it hides nothing and only confuses.
    """
    order = list(choices)
    if kind != "true_false":
        random.Random(f"{seed}:{salt}").shuffle(order)
    return order


def option_counts(choices: Sequence[str], answers: Iterable[Sequence[str]]) -> dict[str, int]:
    """How many answers picked each option (an option of a multiple select counts per pick)."""
    counts = dict.fromkeys(choices, 0)
    for picks in answers:
        for pick in set(picks):
            if pick in counts:
                counts[pick] += 1
    return counts


def most_chosen_wrong(counts: Mapping[str, int], correct: Iterable[str]) -> tuple[str, int] | None:
    """The wrong option picked most often (first in option order on a tie), or None."""
    right = set(correct)
    best: tuple[str, int] | None = None
    for option, count in counts.items():
        if option not in right and count > 0 and (best is None or count > best[1]):
            best = (option, count)
    return best


def rank(players: Iterable[tuple[int, str, int]]) -> list[Ranked]:
    """Rank (player id, nickname, score) rows: best first, ties share a rank."""
    ordered = sorted(players, key=lambda p: (-p[2], p[1].casefold(), p[0]))
    ranked: list[Ranked] = []
    for position, (player_id, nickname, score) in enumerate(ordered, start=1):
        place = ranked[-1].rank if ranked and ranked[-1].score == score else position
        ranked.append(Ranked(place, player_id, nickname, score))
    return ranked


# Team names follow the tiles' colours, so a team's colour is its name.
TEAM_NAMES = ("Red", "Blue", "Yellow", "Green", "Purple", "Teal")
TEAMS_MAX = len(TEAM_NAMES)


@dataclass(frozen=True)
class TeamScore:
    rank: int
    team: int
    name: str
    score: int
    members: int


def team_for_newcomer(sizes: Sequence[int], rng: random.Random) -> int:
    """The team a new player goes to: one of the smallest, at random.

    Args:
        sizes: Players in each team now (its length is the number of teams).
    """
    smallest = min(sizes)
    return rng.choice([team for team, size in enumerate(sizes) if size == smallest])


def team_scores(members: Iterable[tuple[int, int]], team_count: int) -> list[TeamScore]:
    """Teams ranked by their score: the average of their members' points (half up).

    The average, not the sum, so a team of four can beat a team of six. A team with
    no players is left out. Ties share a rank, as for players.

    Args:
        members: (team, score) of each player in a team.
        team_count: How many teams the game has.
    """
    totals = [0] * team_count
    counts = [0] * team_count
    for team, score in members:
        if 0 <= team < team_count:
            totals[team] += score
            counts[team] += 1
    rows = [
        (team, (2 * totals[team] + counts[team]) // (2 * counts[team]), counts[team])
        for team in range(team_count)
        if counts[team]
    ]
    rows.sort(key=lambda row: (-row[1], row[0]))
    ranked: list[TeamScore] = []
    for position, (team, score, count) in enumerate(rows, start=1):
        place = ranked[-1].rank if ranked and ranked[-1].score == score else position
        ranked.append(TeamScore(place, team, TEAM_NAMES[team], score, count))
    return ranked


def clean_nickname(text: str) -> str:
    """Tidy a nickname, or say what is wrong with it.

    Spaces at the ends are dropped and runs of spaces become one.

    Raises:
        ValueError: Empty, longer than `NICKNAME_MAX` characters, or holding
            control or invisible formatting characters (the message says which).
    """
    text = unicodedata.normalize("NFC", text or "")
    for char in text:
        category = unicodedata.category(char)
        if category in _FORBIDDEN_CATEGORIES and char not in _ALLOWED_FORMAT:
            raise ValueError("Nicknames can't contain control or invisible characters.")
    text = " ".join(text.split())
    if not text:
        raise ValueError("Choose a nickname.")
    if len(text) > NICKNAME_MAX:
        raise ValueError(f"Nicknames are at most {NICKNAME_MAX} characters.")
    return text


@functools.cache
def _profanity_filter():
    # glin-profanity: a maintained word list (with leetspeak and look-alike letters)
    # that ships with the package and runs offline. Built once (~70 ms).
    from glin_profanity import Filter

    return Filter({"languages": ["english"], "detect_leetspeak": True})


def is_rude_nickname(nickname: str) -> bool:
    """Whether a nickname holds a swear word (the host can still remove any name)."""
    return bool(_profanity_filter().is_profane(nickname))


def nickname_key(nickname: str) -> str:
    """What two nicknames are compared by: "Ann", "ann" and "A.nn" are the same player."""
    key = normalise(nickname) or unicodedata.normalize("NFKC", nickname).casefold()
    return key[:80]


def player_key(secret: str | bytes, player_id: int, token_hash: str) -> str:
    """The key a player's page sends with each answer (header `X-Live-Key`).

    An HMAC of the player and their current rejoin token under the app's secret: a
    page from quizapp holds it, another site can neither read it nor send a custom
    header without a CORS preflight (which quizapp never grants), and a rejoin from
    another device (a new token) retires it. It stands in for the session's CSRF token
    on the answer fast path, which answers without loading a Flask session.
    """
    key = secret.encode() if isinstance(secret, str) else secret  # Flask allows either
    message = f"live-answer:{player_id}:{token_hash}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


# Rejoin codes: no 0/O, 1/I/L, so a child reads them off a screen without doubt.
REJOIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REJOIN_CODE_LENGTH = 6


def rejoin_code(secret: str | bytes, player_id: int, token_hash: str) -> str:
    """The short code a player's screen shows, to come back on another device.

    Derived (an HMAC under the app's secret) from the player and their current rejoin
    token, so nothing more is stored, and a rejoin from another device (a new token)
    gives a new code: a code read off a screen works once. Six characters of 31: a
    guess is one in 887 million, and wrong guesses count against the join rate limit.
    """
    key = secret.encode() if isinstance(secret, str) else secret
    digest = hmac.new(key, f"live-rejoin:{player_id}:{token_hash}".encode(), hashlib.sha256)
    number = int.from_bytes(digest.digest()[:8], "big")
    chars = []
    for _ in range(REJOIN_CODE_LENGTH):
        number, index = divmod(number, len(REJOIN_ALPHABET))
        chars.append(REJOIN_ALPHABET[index])
    return "".join(chars)


def same_rejoin_code(typed: str, code: str) -> bool:
    """Whether what a player typed is `code` (case, spaces and dashes aside)."""
    cleaned = "".join(ch for ch in (typed or "")[:40].upper() if ch not in " -")
    return hmac.compare_digest(cleaned.encode(), code.encode())


def nickname_variants(name: str, count: int = 50) -> list[str]:
    """`name` and its numbered variants, "Ana Li (2)", "Ana Li (3)" ..., each cut to fit.

    For a name the player did not type (their name in a class): when it is taken in
    the game, the next variant stays readable as the same person. A name too long for
    a nickname is cut short before the number, so the number always shows.

    Args:
        name: A clean nickname (see `clean_nickname`), or a longer name to cut.
        count: How many variants, the name itself included.
    """
    variants = [_cut(name, NICKNAME_MAX)]
    for number in range(2, count + 1):
        suffix = f" ({number})"
        variants.append(_cut(name, NICKNAME_MAX - len(suffix)) + suffix)
    return variants


def unique_nickname(name: str, taken: Container[str], count: int = 50) -> str:
    """The first of `nickname_variants(name)` whose `nickname_key` is not in `taken`.

    Raises:
        ValueError: All `count` variants are taken.
    """
    for variant in nickname_variants(name, count):
        if nickname_key(variant) not in taken:
            return variant
    raise ValueError("Too many players have this name in this game.")


def _cut(text: str, limit: int) -> str:
    return text[:limit].rstrip()
