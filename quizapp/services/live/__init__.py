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
the class's gradebook (read there from these tables: see `rounds._finish`).

Where each part lives: `games` (create, find, limits), `drawing` (which questions,
of which kinds), `players` (join, rejoin, remove), `lobby` (lock, approval, teams),
`rounds` (the host advances and finishes), `answers` (submit, group commit),
`homework` (a game at one's own pace), `pictures` (a question's picture, for
its game's host and players), `state` (what each side polls), `results`
(report, CSV), `rows` (the Core tables and plain-data reads of the hot paths).
Every public name is re-exported here, so callers write `live_service.join(...)`.
"""

from quizapp.services.live.answers import AnswerReceipt, submit_answer
from quizapp.services.live.games import (
    KIND_LABELS,
    MAX_PLAYERS,
    MAX_QUESTIONS,
    MAX_SECONDS,
    MIN_SECONDS,
    ROSTER_SHOWN,
    TOP,
    TooLate,
    create_game,
    deck_choices,
    game_by_pin,
    host_game,
    host_games,
    require_teacher,
)
from quizapp.services.live.homework import homework_state, progress, submit_homework_answer
from quizapp.services.live.lobby import admit, let_back_in, set_approval, set_locked, set_team
from quizapp.services.live.pictures import host_picture, player_picture
from quizapp.services.live.players import (
    Joined,
    LobbyClosed,
    NameTaken,
    asking_player,
    join,
    player_by_account,
    player_by_token,
    remove_player,
)
from quizapp.services.live.results import CSV_HEADER, report, results_rows
from quizapp.services.live.rounds import advance, finish
from quizapp.services.live.rows import GameView, QuestionView, game_view, player_row
from quizapp.services.live.state import (
    answers_so_far,
    host_state,
    opens_in_ms,
    player_state,
    player_version,
    poll_ms,
    remaining_ms,
    shared_ready,
    top_players,
)

__all__ = [
    "CSV_HEADER",
    "KIND_LABELS",
    "MAX_PLAYERS",
    "MAX_QUESTIONS",
    "MAX_SECONDS",
    "MIN_SECONDS",
    "ROSTER_SHOWN",
    "TOP",
    "AnswerReceipt",
    "GameView",
    "Joined",
    "LobbyClosed",
    "NameTaken",
    "QuestionView",
    "TooLate",
    "admit",
    "advance",
    "answers_so_far",
    "asking_player",
    "create_game",
    "deck_choices",
    "finish",
    "game_by_pin",
    "game_view",
    "homework_state",
    "host_game",
    "host_games",
    "host_picture",
    "host_state",
    "join",
    "let_back_in",
    "opens_in_ms",
    "player_by_account",
    "player_by_token",
    "player_picture",
    "player_row",
    "player_state",
    "player_version",
    "poll_ms",
    "progress",
    "remaining_ms",
    "remove_player",
    "report",
    "require_teacher",
    "results_rows",
    "set_approval",
    "set_locked",
    "set_team",
    "shared_ready",
    "submit_answer",
    "submit_homework_answer",
    "top_players",
]
