"""Live games of a class: choosing the class, members playing under their names, and the
finished game's results in the class gradebook, its CSV and a student's history."""

from __future__ import annotations

import csv
import io
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from quizapp.domain import live as rules
from quizapp.extensions import db
from quizapp.models import LiveGame, LivePlayer, LiveQuestion, SchoolClass
from quizapp.services import NotFound
from quizapp.services import assignments as assignment_service
from quizapp.services import classroom as classroom_service
from quizapp.services import live as live_service
from tests.conftest import count_rows

DECK_FILE = Path(__file__).resolve().parents[2] / "questions" / "software_companies.toml"
DECK = "software-companies"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def make_game(teacher, class_id=None, **options):
    options.setdefault("question_count", 3)
    options.setdefault("kinds", ["multiple_choice"])
    options.setdefault("scoring", "accuracy")
    options.setdefault("streak_bonus", False)
    return live_service.create_game(
        teacher, DECK, class_id=class_id, rng=random.Random(7), **options
    )


def game_row(game_id: int) -> LiveGame:
    db.session.expire_all()
    return db.session.get(LiveGame, game_id)


def current(game_id: int) -> LiveQuestion:
    game = game_row(game_id)
    return db.session.scalar(
        select(LiveQuestion).where(
            LiveQuestion.game_id == game_id, LiveQuestion.position == game.current_index
        )
    )


def picks_for(player: LivePlayer, question: LiveQuestion, how: str) -> list[int]:
    """Positions in the player's own order: "right", "wrong", or "one" (one right option)."""
    order = rules.player_order(
        question.payload["choices"], player.shuffle_seed, str(question.id), question.kind
    )
    correct = set(question.payload["correct"])
    if how == "right":
        return [i for i, option in enumerate(order) if option in correct]
    if how == "one":
        return [next(i for i, option in enumerate(order) if option in correct)]
    return [next(i for i, option in enumerate(order) if option not in correct)]


def play(teacher, game_id: int, rounds: list[dict[int, str]], finish_after: int | None = None):
    """Play the game: per question, player id -> "right" / "wrong" / "one"; then finish."""
    for position, answers in enumerate(rounds):
        live_service.advance(teacher, game_id, game_row(game_id).version, now=START)
        question = current(game_id)
        assert question.position == position
        for player_id, how in answers.items():
            player = db.session.get(LivePlayer, player_id)
            live_service.submit_answer(
                game_id,
                player,
                position,
                picks_for(player, question, how),
                received=START + timedelta(seconds=2),
            )
        while game_row(game_id).state != "leaderboard":
            live_service.advance(teacher, game_id, game_row(game_id).version, now=START)
        if finish_after is not None and position + 1 == finish_after:
            break
    live_service.finish(teacher, game_id, now=START + timedelta(minutes=5))
    assert game_row(game_id).state == "finished"


# --- choosing the class ------------------------------------------------------------------


def test_a_game_for_one_of_the_hosts_classes(software_deck, teacher, school_class):
    game = make_game(teacher, school_class.id)
    assert game.class_id == school_class.id
    games = live_service.host_games(teacher)
    assert [(row["game"].id, row["class_name"]) for row in games] == [(game.id, "History 9B")]


def test_someone_elses_class_is_refused_like_a_missing_one(software_deck, make_user, school_class):
    other = make_user(role="teacher")
    missing_id = school_class.id + 1000
    with pytest.raises(NotFound) as theirs:
        make_game(other, school_class.id)
    with pytest.raises(NotFound) as missing:
        make_game(other, missing_id)
    assert str(theirs.value) == str(missing.value)
    assert "class" in str(theirs.value)
    assert count_rows(LiveGame) == 0


# --- joining -------------------------------------------------------------------------------


def test_a_member_joins_under_their_name_in_the_class(software_deck, teacher, school_class, enrol):
    ana = enrol("Ana Li")
    game = make_game(teacher, school_class.id)
    joined = live_service.join(game.id, "xXsniperXx", ana)
    assert joined.player.nickname == "Ana Li" and joined.player.user_id == ana.id
    # joining again (another device) is the same player, still under that name
    again = live_service.join(game.id, "Other", ana)
    assert again.rejoined and again.player.id == joined.player.id
    assert again.player.nickname == "Ana Li"


def test_a_name_that_is_taken_gets_a_readable_number(software_deck, teacher, school_class, enrol):
    game = make_game(teacher, school_class.id)
    live_service.join(game.id, "ana li", None)  # a guest took it first
    first = live_service.join(game.id, "", enrol("Ana Li")).player
    second = live_service.join(game.id, "", enrol("Ana Li")).player
    assert (first.nickname, second.nickname) == ("Ana Li (2)", "Ana Li (3)")
    # a long name is cut so the number still shows, within the nickname's length
    long = live_service.join(game.id, "", enrol("Anastasia Montgomery-Smith")).player
    again = live_service.join(game.id, "", enrol("Anastasia Montgomery-Jones")).player
    assert long.nickname == "Anastasia Montgomery"
    assert again.nickname == "Anastasia Montgo (2)"
    assert len(again.nickname) == rules.NICKNAME_MAX
    keys = [p.nickname_key for p in db.session.scalars(select(LivePlayer))]
    assert len(keys) == len(set(keys)) == 5


def test_non_members_play_under_their_nickname_as_guests(
    software_deck, teacher, school_class, enrol, make_user
):
    enrol("Ana Li")
    outsider = make_user(name="Out Sider")
    game = make_game(teacher, school_class.id)
    assert live_service.join(game.id, "Zed", outsider).player.nickname == "Zed"
    assert live_service.join(game.id, "Kim", None).player.nickname == "Kim"
    # the class's teacher, joining their own game, is no member either
    assert live_service.join(game.id, "Host", teacher).player.nickname == "Host"
    # outside a class game a member types their nickname like anyone
    other = make_game(teacher)
    member = enrol("Bo Chen")
    assert live_service.join(other.id, "Bobo", member).player.nickname == "Bobo"


def test_the_host_sees_who_of_the_class_is_in(software_deck, teacher, school_class, enrol):
    ana, bo = enrol("Ana Li"), enrol("Bo Chen")
    enrol("Cy Diaz")
    game = make_game(teacher, school_class.id)
    live_service.join(game.id, "", ana)
    live_service.join(game.id, "", bo)
    live_service.join(game.id, "Guest", None)
    bo_player = live_service.player_by_account(game.id, bo)
    live_service.remove_player(teacher, game.id, bo_player.id)
    state = live_service.host_state(game_row(game.id))
    assert state["class"] == {
        "id": school_class.id,
        "name": "History 9B",
        "size": 3,
        "joined": 1,
    }
    assert {p["nickname"]: p["member"] for p in state["players"]} == {
        "Ana Li": True,
        "Guest": False,
    }
    plain = live_service.host_state(game_row(make_game(teacher).id))
    assert plain["class"] is None


# --- results in the gradebook ----------------------------------------------------------------


@pytest.fixture
def finished(software_deck, teacher, school_class, enrol):
    """A 3-question class game: Ana 2 right, Bo 1 right then gone, a guest all right,
    Cy absent."""
    ana, bo, cy = enrol("Ana Li"), enrol("Bo Chen"), enrol("Cy Diaz")
    game = make_game(teacher, school_class.id)
    a = live_service.join(game.id, "", ana).player.id
    b = live_service.join(game.id, "", bo).player.id
    g = live_service.join(game.id, "Guest", None).player.id
    play(
        teacher,
        game.id,
        [
            {a: "right", b: "right", g: "right"},
            {a: "wrong", g: "right"},
            {a: "right", g: "right"},
        ],
    )
    return {"game": game_row(game.id), "ana": ana, "bo": bo, "cy": cy}


def test_a_finished_class_game_is_a_gradebook_column(finished, teacher, school_class):
    book = assignment_service.class_gradebook(teacher, school_class.id, now=START)
    assert book.assignments == []
    [column] = book.live
    assert (column.game_id, column.asked, column.played) == (finished["game"].id, 3, 2)
    assert column.title == finished["game"].title
    ana, bo, cy = (column.result(finished[k].id) for k in ("ana", "bo", "cy"))
    # accuracy scoring, no streak bonus: 1000 a right answer
    assert (ana.percent, ana.points, ana.rank, ana.players) == (66.7, 2000, 2, 3)
    assert (bo.percent, bo.points, bo.rank) == (33.3, 1000, 3)
    assert not cy.played and cy.percent is None
    assert column.average == 50.0
    history = assignment_service.student_history(
        teacher, school_class.id, finished["ana"].id, now=START
    )
    assert [(c.game_id, r.percent, r.rank) for c, r in history.live] == [
        (finished["game"].id, 66.7, 2)
    ]
    absent = assignment_service.student_history(
        teacher, school_class.id, finished["cy"].id, now=START
    )
    assert [r.played for _, r in absent.live] == [False]


def test_the_gradebook_csv_has_the_live_columns(finished, teacher, school_class):
    text = assignment_service.gradebook_csv(teacher, school_class.id, now=START)
    rows = list(csv.reader(io.StringIO(text)))
    label = f"Live: {finished['game'].title}, 2026-03-02 09:05"
    live = [label, f"{label} points", f"{label} rank"]
    assert rows[0] == ["student", "student_id", *live, "average"]
    by_name = {row[0]: row[2:5] for row in rows[1:]}
    assert by_name["Ana Li"] == ["66.7", "2000", "2"]
    assert by_name["Bo Chen"] == ["33.3", "1000", "3"]
    assert by_name["Cy Diaz"] == ["absent", "", ""]
    assert by_name["class average"] == ["50.0", "", ""]


def test_partial_credit_and_a_game_ended_early(software_deck, teacher, school_class, enrol):
    ana = enrol("Ana Li")
    game = make_game(teacher, school_class.id, question_count=3, kinds=["multiple_select"])
    a = live_service.join(game.id, "", ana).player.id
    play(teacher, game.id, [{a: "one"}, {a: "right"}], finish_after=2)
    first = db.session.scalar(
        select(LiveQuestion).where(LiveQuestion.game_id == game.id, LiveQuestion.position == 0)
    )
    partial = 1 / len(first.payload["correct"])
    assert partial < 1
    [column] = assignment_service.class_gradebook(teacher, school_class.id, now=START).live
    assert column.asked == 2  # the third question was never asked
    assert column.result(ana.id).percent == round(100 * (partial + 1) / 2, 1)


def test_what_is_not_a_finished_class_game_is_in_no_gradebook(
    software_deck, teacher, school_class, enrol, make_user
):
    ana = enrol("Ana Li")
    plain = make_game(teacher)
    p = live_service.join(plain.id, "Ana", ana).player.id
    play(teacher, plain.id, [{p: "right"}])
    running = make_game(teacher, school_class.id)
    live_service.join(running.id, "", ana)
    live_service.advance(teacher, running.id, game_row(running.id).version, now=START)
    in_lobby = make_game(teacher, school_class.id)
    live_service.finish(teacher, in_lobby.id)  # ended before any question: grades nothing
    other_teacher = make_user(role="teacher")
    other_class = classroom_service.create_class(other_teacher, "Other")
    classroom_service.join_class(ana, other_class.join_code)
    for owner, class_id in ((teacher, school_class.id), (other_teacher, other_class.id)):
        book = assignment_service.class_gradebook(owner, class_id, now=START)
        assert book.live == []
        text = assignment_service.gradebook_csv(owner, class_id, now=START)
        assert "Live:" not in text


def test_a_deleted_class_leaves_its_games_classless(finished, teacher, school_class):
    game_id = finished["game"].id
    db.session.delete(db.session.get(SchoolClass, school_class.id))
    db.session.commit()
    assert game_row(game_id).class_id is None
    assert [row["class_name"] for row in live_service.host_games(teacher)] == [None]
    assert live_service.host_state(game_row(game_id))["class"] is None
    assert live_service.report(teacher, game_id)["school_class"] is None
