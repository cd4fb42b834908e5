"""A small world of users and their objects, for the security tests.

Five actors: an anonymous visitor, two students and two teachers. Each user owns
objects (decks, quiz attempts, pending imports...) whose visible texts carry a
*marker*: a word like ``zzSAdeckzz`` that appears nowhere else. `World.markers`
says which actors may see each marker; a page shown to anyone else must not
contain it. URL keys and ids stay neutral (``d-sa``), because an error page may
echo the address the visitor typed, which is not a leak.

`World.targets` lists, per kind of object, the URL values that name it and the
actors who may read it and who may change it; the access matrix pairs them with
the routes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from quizapp.domain.facts import parse_deck
from quizapp.domain.quizzes import QuizOptions
from quizapp.extensions import db
from quizapp.models import QuizQuestion, User, utcnow
from quizapp.services import accounts, user_decks
from quizapp.services import decks as deck_service
from quizapp.services import live as live_service
from quizapp.services import quizzes as quiz_service
from quizapp.services import study as study_service

PASSWORD = "correct horse battery"

ANON = "anonymous"
SA, SB, TA, TB = "student_a", "student_b", "teacher_a", "teacher_b"
USERS = (SA, SB, TA, TB)
ACTORS = (ANON, *USERS)
EVERYONE = frozenset(ACTORS)
LOGGED_IN = frozenset(USERS)
TEACHERS = frozenset({TA, TB})
NO_ONE: frozenset[str] = frozenset()

# Short tags used in markers and neutral keys.
TAG = {SA: "SA", SB: "SB", TA: "TA", TB: "TB"}

CAPITALS = [
    ("France", "Paris"),
    ("Italy", "Rome"),
    ("Spain", "Madrid"),
    ("Peru", "Lima"),
    ("Chile", "Santiago"),
]


def deck_toml(
    key: str, marker: str, *, title: str | None = None, payload: str = "", source: str = ""
) -> str:
    """A valid five-fact deck whose every visible text carries `marker` (and `payload`)."""

    def q(text: str) -> str:  # a TOML basic string (JSON's escapes are TOML's)
        return json.dumps(text, ensure_ascii=False)

    mark = marker + payload
    lines = [
        "[deck]",
        f"key = {q(key)}",
        f"title = {q(title or 'Deck ' + mark)}",
        f"description = {q('About ' + mark)}",
        f"source = {q(source or 'https://example.com/' + marker)}",
        'as_of = "2025-01-01"',
        'language = "en"',
        "",
        "[relations.capital]",
        f"label = {q('capitals ' + mark)}",
        'subject = "place"',
        'value = "place"',
        'forward = "What is the capital of {subject}?"',
        'reverse = "{value} is the capital of which country?"',
        'statement = "The capital of {subject} is {value}."',
        "",
    ]
    for n, (country, city) in enumerate(CAPITALS, start=1):
        lines += [
            f"[entities.c{n}]",
            f"name = {q(f'{country} {mark}')}",
            'type = "place"',
            "",
            f"[entities.k{n}]",
            f"name = {q(f'{city} {mark}')}",
            'type = "place"',
            "",
        ]
    for n, (country, city) in enumerate(CAPITALS, start=1):
        lines += [
            "[[facts]]",
            f'key = "f{n}"',
            f'subject = "c{n}"',
            'relation = "capital"',
            f'value = "k{n}"',
            f"evidence = {q(f'{city} {mark} is the capital of {country} {mark}.')}",
            f"source = {q(source or 'https://example.com/fact')}",
            "",
        ]
    return "\n".join(lines)


@dataclass(frozen=True)
class Target:
    """One object as the routes see it: the URL values naming it and who may do what.

    Attributes:
        label: For failure messages ("private deck of student_a").
        values: URL values (``{"key": "d-sa"}``).
        readers: Actors who may see it.
        owners: Actors who may change it.
        form: Extra form fields that name the object in a POST body.
    """

    label: str
    values: dict[str, Any]
    readers: frozenset[str]
    owners: frozenset[str]
    form: dict[str, Any] = field(default_factory=dict)


@dataclass
class World:
    app: Flask
    users: dict[str, User]
    clients: dict[str, FlaskClient]
    targets: dict[str, list[Target]]
    # marker -> actors who may see it on some page
    markers: dict[str, frozenset[str]]
    # Objects by name, for tests that need ids ("attempt_sa" -> attempt id ...).
    ids: dict[str, Any] = field(default_factory=dict)
    # A user's deck is stored under its name plus "-u<owner id>": "d-sa" -> "d-sa-u1".
    deck_keys: dict[str, str] = field(default_factory=dict)

    def deck_key(self, name: str) -> str:
        return self.deck_keys.get(name, name)

    def add(self, kind: str, target: Target) -> None:
        self.targets.setdefault(kind, []).append(target)

    def forbidden_markers(self, actor: str) -> list[str]:
        return [m for m, seen_by in self.markers.items() if actor not in seen_by]

    def relogin(self, actor: str) -> bool:
        """Put the actor's session back (after a logout or a password change).

        Returns:
            Whether a new log-in had to be recorded (a row of login_sessions written).
        """
        if actor == ANON:
            return False
        key = f"session_{actor}"
        session_id = self.ids.get(key)
        if session_id and accounts.load_user(session_id) is not None:
            log_in(self.clients[actor], session_id=session_id)
            return False
        user = db.session.get(User, self.users[actor].id)
        self.ids[key] = log_in(self.clients[actor], user)
        return True


def log_in(client: FlaskClient, user: User | None = None, session_id: str | None = None) -> str:
    """Log a client in as Flask-Login would, without spending a password hash.

    Returns:
        The Flask-Login id of the log-in (a new one unless `session_id` names one).
    """
    session_id = session_id or accounts.start_session(user)
    with client.session_transaction() as session:
        session.clear()
        session["_user_id"] = session_id
        session["_fresh"] = True
    return session_id


def marker(owner: str, what: str) -> str:
    return f"zz{TAG.get(owner, owner)}{what}zz"


def build_world(app: Flask, payload: str = "", url_payload: str = "") -> World:
    """Users, decks, attempts, imports and games of everyone; see the module docstring.

    Args:
        app: The app (its context pushed).
        payload: Appended to every text a user wrote (names, titles, facts, answers,
            file names); the stored-XSS test puts markup here.
        url_payload: Used as every source link instead of an https address.
    """
    users: dict[str, User] = {}
    markers: dict[str, frozenset[str]] = {}
    for actor in USERS:
        role = "teacher" if actor in TEACHERS else "student"
        name_marker = marker(actor, "name")
        users[actor] = accounts.register(
            f"{actor.replace('_', '.')}@example.com",
            f"{actor} {name_marker}{payload}",
            PASSWORD,
            role,
        )
        # A display name is seen by its owner (and, below, where the app shows it).
        markers[name_marker] = frozenset({actor})
    clients = {actor: app.test_client() for actor in ACTORS}
    sessions = {f"session_{actor}": log_in(clients[actor], users[actor]) for actor in USERS}
    world = World(app=app, users=users, clients=clients, targets={}, markers=markers)
    world.ids.update(sessions)

    # --- classes (once classrooms exist): teacher A teaches student A, B teaches B ------------
    members = build_classes(world, payload) if has_classrooms(app) else {}

    # --- decks ---------------------------------------------------------------------------------
    builtin = deck_toml(
        "pub", "builtin", title=f"Public deck{payload}", payload=payload, source=url_payload
    )
    deck_service.sync_deck(parse_deck(builtin))
    world.add("decks", Target("built-in deck", {"key": "pub"}, EVERYONE, NO_ONE))
    decks = [
        (SA, "d-sa", "private"),
        (SB, "d-sb", "private"),
        (TA, "d-ta", "private"),
        (TA, "d-tac", "class"),
        (TA, "d-tap", "public"),
        (TB, "d-tb", "private"),
    ]
    for owner, name, visibility in decks:
        mark = marker(owner, f"deck{visibility}")
        row = user_decks.create_deck(
            users[owner],
            _deck_data(name, mark, payload, url_payload),
            visibility=visibility,
            summary=f"Created {mark}",
        )
        key = world.deck_keys[name] = row.key
        readers = EVERYONE if visibility == "public" else frozenset({owner})
        if visibility == "class":  # seen by the students of the owner's classes
            readers = readers | members.get(owner, frozenset())
        markers[mark] = readers
        label = f"{visibility} deck of {owner}"
        world.add("decks", Target(label, {"key": key}, readers, frozenset({owner})))
        world.add("owned_decks", Target(label, {"key": key}, readers, frozenset({owner})))
        image = _deck_image(row)
        world.add(
            "deck_images",
            Target(f"image of {label}", {"key": key, "name": image}, readers, frozenset({owner})),
        )
        world.add(
            "facts",
            Target(f"fact of {label}", {"key": key, "fact_key": "f1"}, readers, frozenset({owner})),
        )
        world.add(
            "deck_items",
            Target(
                f"entity of {label}", {"key": key, "item_key": "c1"}, readers, frozenset({owner})
            ),
        )
        world.add(
            "deck_relations",
            Target(
                f"relation of {label}",
                {"key": key, "item_key": "capital"},
                readers,
                frozenset({owner}),
            ),
        )
        world.add(
            "deck_facts",
            Target(f"fact of {label}", {"key": key, "item_key": "f1"}, readers, frozenset({owner})),
        )
        world.add(
            "versions",
            Target(f"version 1 of {label}", {"key": key, "number": 1}, readers, frozenset({owner})),
        )
    world.add(
        "facts", Target("fact of built-in deck", {"key": "pub", "fact_key": "f1"}, EVERYONE, NO_ONE)
    )
    # Quiz and leaderboard pages need a log-in even for public decks.
    for target in world.targets["decks"]:
        key = target.values["key"]
        readers = target.readers & LOGGED_IN
        world.add("quiz_decks", Target(target.label, {"deck_key": key}, readers, NO_ONE))
        world.add(
            "quiz_decks_form",
            Target(target.label, {}, readers, NO_ONE, form={"deck_key": key}),
        )

    # --- quiz attempts: one in progress (first answer typed), one finished ---------------------
    now = utcnow() - timedelta(minutes=30)
    for actor in USERS:
        answer_marker = marker(actor, "answer")
        markers[answer_marker] = frozenset({actor})
        started = quiz_service.start_quiz(
            users[actor], "pub", QuizOptions(kinds=("typed",), count=5), now=now, seed=7
        )
        quiz_service.current_question(users[actor], started.id, now=now)
        first = _question(started.id, 1)
        quiz_service.answer(
            users[actor],
            started.id,
            position=1,
            question_id=first.question_id,
            response=f"answer {answer_marker}{payload}",
            request_id=f"request-req-{actor}-1",
            now=now + timedelta(seconds=3),
        )
        finished = quiz_service.start_quiz(
            users[actor], "pub", QuizOptions(kinds=("typed",), count=5), now=now, seed=8
        )
        for position in range(1, 6):
            question = _question(finished.id, position)
            quiz_service.current_question(users[actor], finished.id, now=now)
            quiz_service.answer(
                users[actor],
                finished.id,
                position=position,
                question_id=question.question_id,
                response=f"finished {answer_marker}{payload}",
                request_id=f"request-req-{actor}-f{position}",
                now=now + timedelta(seconds=position),
            )
        owner = frozenset({actor})
        second = _question(started.id, 2)
        # A valid answer form for the next question of each attempt.
        next_form = {
            "position": 2,
            "question_id": second.question_id,
            "request_id": f"request-m-{actor}",
        }
        done_form = {"position": 1, "question_id": _question(finished.id, 1).question_id}
        done_form["request_id"] = f"m-{actor}-done"
        world.ids[f"attempt_{actor}"] = started.id
        world.ids[f"finished_{actor}"] = finished.id
        world.add(
            "attempts",
            Target(
                f"quiz of {actor} in progress",
                {"attempt_id": started.id},
                owner,
                owner,
                form=next_form,
            ),
        )
        world.add(
            "attempts",
            Target(
                f"finished quiz of {actor}",
                {"attempt_id": finished.id},
                owner,
                owner,
                form=done_form,
            ),
        )
        world.add(
            "answered",
            Target(
                f"answered question of {actor}",
                {"attempt_id": started.id, "position": 1},
                owner,
                owner,
            ),
        )
        world.add(
            "answered",
            Target(
                f"answer of {actor}'s finished quiz",
                {"attempt_id": finished.id, "position": 2},
                owner,
                owner,
            ),
        )

    # --- uploads waiting for their preview ------------------------------------------------------
    for actor in (SA, TA, TB):
        imp_marker = marker(actor, "import")
        markers[imp_marker] = frozenset({actor})
        owner = frozenset({actor})
        token = user_decks.stage_import(
            users[actor],
            "csv",
            f"table-{actor}{payload}.csv",
            {"text": _csv([["question", "answer"], [f"What is {imp_marker}{payload}?", "yes"]])},
        )
        world.add("csv_imports", Target(f"CSV upload of {actor}", {"token": token}, owner, owner))
        token = user_decks.stage_import(
            users[actor],
            "anki",
            f"deck-{actor}{payload}.apkg",
            {
                "deck": _deck_data(f"anki-{TAG[actor].lower()}", imp_marker, payload, url_payload),
                "notices": [f"Left out {imp_marker}{payload}"],
            },
        )
        world.add("anki_imports", Target(f"Anki upload of {actor}", {"token": token}, owner, owner))
        token = user_decks.stage_import(
            users[actor],
            "kahoot",
            f"quiz-{actor}{payload}.xlsx",
            {
                "deck": _deck_data(
                    f"kahoot-{TAG[actor].lower()}", imp_marker, payload, url_payload
                ),
                "notices": [f"Left out {imp_marker}{payload}"],
            },
        )
        world.add(
            "kahoot_imports", Target(f"Kahoot upload of {actor}", {"token": token}, owner, owner)
        )

    build_live_games(world, NICK_PAYLOADS if payload else None)
    build_study(world, payload)
    if has_classrooms(app):
        build_assignments(world, payload)
        build_class_game(world)

    # Student B shows on leaderboards: their name is public to those who can read them.
    quiz_service.set_leaderboard_opt_in(users[SB], True)
    markers[marker(SB, "name")] = LOGGED_IN
    db.session.commit()
    return world


# The smallest PNG: one transparent pixel.
_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f80f00000101000518d84e0000000049454e44ae426082"
)


def _deck_image(row) -> str:
    """Store a picture in a deck (as an import would) and return its name."""
    from quizapp.domain import images
    from quizapp.models import DeckImage

    image = images.accept(_PNG)
    db.session.add(
        DeckImage(
            deck_id=row.id,
            name=image.name,
            content_type=image.content_type,
            size=len(image.data),
            data=image.data,
        )
    )
    db.session.flush()
    return image.name


def has_classrooms(app: Flask) -> bool:
    return "classroom" in app.blueprints


# Teacher -> the students of their class. Student B is in both classes: a student must
# not see a classmate's results, nor a class they left... nor the other class's code.
CLASSES = {TA: (SA, SB), TB: (SB,)}


def build_classes(world: World, payload: str = "") -> dict[str, frozenset[str]]:
    """Class X of teacher A with students A and B, class Y of teacher B with student B.

    Returns:
        Teacher -> the students of their classes (who see the teacher's class decks).
    """
    from quizapp.domain import classroom as classroom_domain
    from quizapp.services import classroom as classroom_service

    users, members = world.users, {}
    for teacher, students in CLASSES.items():
        name_marker = marker(teacher, "class")
        school_class = classroom_service.create_class(
            users[teacher], f"Class {name_marker}{payload}", f"About {name_marker}{payload}"
        )
        for student in students:
            classroom_service.join_class(users[student], school_class.join_code)
        in_class = frozenset({teacher, *students})
        members[teacher] = frozenset(students)
        world.markers[name_marker] = in_class
        # The join code is the key to the class: only its teacher sees it (a student
        # who joined has no more use for it, nor reason to pass it on).
        code = classroom_domain.format_code(school_class.join_code)
        world.markers[code] = frozenset({teacher})
        # A teacher sees the names of their students (roster, gradebook); students see
        # their teacher's name, not each other's.
        for student in students:
            for one, other in ((student, teacher), (teacher, student)):
                world.markers[marker(one, "name")] = world.markers[marker(one, "name")] | {other}
        world.ids[f"class_{teacher}"] = school_class.id
        teachers = frozenset({teacher})
        ids = {"class_id": school_class.id}
        world.add("classes", Target(f"class of {teacher}", ids, in_class, teachers))
        world.add("class_memberships", Target(f"class of {teacher}", ids, in_class, in_class))
        for student in students:
            world.add(
                "class_students",
                Target(
                    f"{student} in the class of {teacher}",
                    {**ids, "student_id": users[student].id},
                    in_class,
                    teachers,
                ),
            )
        world.add(
            "join_codes",
            Target(
                f"join code of {teacher}'s class",
                {"code": school_class.join_code},
                LOGGED_IN,  # whoever has the code may see the class's name and join
                LOGGED_IN,
                form={"reveals": {name_marker, marker(teacher, "name"), code}},
            ),
        )
    return members


def build_assignments(world: World, payload: str = "") -> None:
    """An assignment in each class, started by each student with one typed answer."""
    from quizapp.services import assignments as assignment_service

    now = utcnow()
    for teacher, deck in ((TA, "d-tac"), (TB, "pub")):
        students = CLASSES[teacher]
        class_id = world.ids[f"class_{teacher}"]
        title = marker(teacher, "assignment")
        spec = assignment_service.AssignmentSpec(
            deck_key=world.deck_key(deck),
            title=f"{title}{payload}",
            kinds=("typed",),
            count=5,
            opens_at=now - timedelta(hours=1),
            due_at=now + timedelta(days=7),
        )
        assignment = assignment_service.create_assignment(
            world.users[teacher], class_id, spec, now=now
        )
        for student in students:
            user = world.users[student]
            attempt = assignment_service.start(user, class_id, assignment.id, now=now)
            quiz_service.current_question(user, attempt.id, now=now)
            answer = marker(student, f"answerto{TAG[teacher]}")
            quiz_service.answer(
                user,
                attempt.id,
                position=1,
                question_id=_question(attempt.id, 1).question_id,
                response=f"{answer}{payload}",
                request_id=f"request-assign-{student}-{teacher}",
                now=now + timedelta(seconds=2),
            )
            # The teacher's report shows each student's answers; classmates don't see them.
            world.markers[answer] = frozenset({teacher, student})
        first_answer = _first_response(assignment.id)
        in_class = frozenset({teacher, *students})
        world.markers[title] = in_class
        ids = {"class_id": class_id, "assignment_id": assignment.id}
        world.add(
            "assignments",
            Target(f"assignment of {teacher}", ids, in_class, frozenset({teacher})),
        )
        world.add(
            "assignment_members",
            Target(f"assignment of {teacher}", ids, in_class, frozenset(students)),
        )
        # A student's answer in it, which only the class's teacher may accept.
        world.add(
            "assignment_answers",
            Target(
                f"an answer in the assignment of {teacher}",
                {**ids, "response_id": first_answer},
                in_class,
                frozenset({teacher}),
            ),
        )


def _first_response(assignment_id: int) -> int:
    from quizapp.models import QuizAttempt, QuizResponse

    return db.session.scalar(
        sa.select(QuizResponse.id)
        .join(QuizQuestion, QuizQuestion.id == QuizResponse.attempt_question_id)
        .join(QuizAttempt, QuizAttempt.id == QuizQuestion.attempt_id)
        .where(QuizAttempt.assignment_id == assignment_id)
        .order_by(QuizResponse.id)
    )


def build_study(world: World, payload: str = "") -> None:
    """Each user studies their own deck (a private one, or the public one): one review each."""
    now = utcnow() - timedelta(minutes=20)
    own_deck = {SA: "d-sa", SB: "d-sb", TA: "d-ta", TB: "d-tb"}
    for actor, name in own_deck.items():
        key = world.deck_key(name)
        user = world.users[actor]
        owner = frozenset({actor})
        deck = deck_service.get_deck(user, key)
        study_service.enroll(user, deck, now)
        card = study_service.card(user, deck=deck, now=now)
        answer_marker = marker(actor, "review")
        if not card.is_choice:
            world.markers[answer_marker] = owner
        study_service.answer(
            user,
            item_id=card.item.id,
            question_id=card.question_row.id,
            version=card.item.version,
            request_id=f"request-review-{actor}",
            rating=1,
            response=None if card.is_choice else f"{answer_marker}{payload}",
            elapsed_ms=4000,
            now=now,
            fuzzing=False,
        )
        log = study_service.last_review(user)
        # The next card of this deck: what a review form would send.
        nxt = study_service.card(user, deck=deck, now=now + timedelta(seconds=5))
        shown = {
            "item": nxt.item.id,
            "version": nxt.item.version,
            "question": nxt.question_row.id,
            "kind": nxt.question_row.kind,
            "deck": key,
            "shown_at": int(now.timestamp() * 1000),
        }
        world.ids[f"study_item_{actor}"] = nxt.item.id
        world.add(
            "study_items",
            Target(f"study item of {actor}", {}, owner, owner, form=shown),
        )
        world.add(
            "study_reviews",
            Target(f"last review of {actor}", {}, owner, owner, form={"review": log.id}),
        )
        world.add(
            "study_facts",
            Target(f"study item of {actor}", {"item_id": nxt.item.id}, owner, owner),
        )
    for target in world.targets["decks"]:
        world.add(
            "study_decks",
            Target(target.label, dict(target.values), target.readers & LOGGED_IN, NO_ONE),
        )


# Markup that fits a 20-character nickname.
NICK_PAYLOADS = {SA: "<svg/onload=alert()>", ANON: "<i onclick=alert()>", SB: "<b onclick=alert()>"}


def build_live_games(world: World, nick_payloads: dict[str, str] | None = None) -> None:
    """A game hosted by each teacher; A's has student A and an anonymous player in it.

    A game's PIN is a marker too: it lets anyone join, so only the host and its
    players may see it.
    """
    users = world.users
    players = {TA: [(SA, "zzSAnickzz"), (ANON, "zzANnickzz")], TB: [(SB, "zzSBnickzz")]}
    for host, joiners in players.items():
        game = live_service.create_game(
            users[host], "pub", question_count=3, seconds=live_service.MAX_SECONDS
        )
        _picture_every_question(game)
        in_game = frozenset({host, *(actor for actor, _ in joiners)})
        world.markers[game.pin] = in_game
        hosts = frozenset({host})
        for actor, nickname in joiners:
            if nick_payloads:
                nickname = nick_payloads[actor]
            joined = live_service.join(game.id, nickname, users.get(actor))
            world.markers[nickname] = in_game
            if actor != ANON:
                # A student who joins logged in is known to the host by name (report, CSV).
                name = marker(actor, "name")
                world.markers[name] = world.markers[name] | hosts
            if actor == ANON:
                world.clients[ANON].set_cookie(
                    "live_player",
                    f"{joined.player.id}.{joined.token}",
                    path=f"/play/{game.id}",
                )
            world.add(
                "game_players",
                Target(
                    f"player {actor} of {host}'s game",
                    {"game_id": game.id, "player_id": joined.player.id},
                    in_game,
                    hosts,
                    form={"version": game.version},
                ),
            )
        game = live_service.advance(users[host], game.id, game.version)
        world.ids[f"game_{host}"] = game.id
        players_only = in_game - hosts
        world.add(
            "games",
            Target(f"game of {host}", {"game_id": game.id}, in_game, hosts, form={"version": 0}),
        )
        world.add(
            "played_games",
            Target(
                f"game of {host}, as a player",
                {"game_id": game.id},
                players_only,
                players_only,
                form={"position": 0, "pick": 0},
            ),
        )
    # Teacher A's class is named in the game form's query (?class_id=, a preselection):
    # teacher B's form must neither offer it nor show its name.
    class_a = {"class_id": world.ids[f"class_{TA}"]} if f"class_{TA}" in world.ids else {}
    for target in world.targets["decks"]:
        world.add(
            "host_decks",
            Target(
                target.label,
                {},
                target.readers & TEACHERS,
                NO_ONE,
                form={"deck": target.values["key"], **class_a},
            ),
        )


def _picture_every_question(game) -> None:
    """Give each question of a game a picture of its deck, as a fact's image would."""
    from quizapp.domain import images
    from quizapp.models import Deck, DeckImage
    from quizapp.models.live import LiveQuestion

    image = images.accept(_PNG)
    stored = db.session.scalar(
        sa.select(DeckImage.id).where(
            DeckImage.deck_id == game.deck_id, DeckImage.name == image.name
        )
    )
    if stored is None:
        _deck_image(db.session.get(Deck, game.deck_id))
    for question in db.session.scalars(
        sa.select(LiveQuestion).where(LiveQuestion.game_id == game.id)
    ):
        question.payload = {**question.payload, "image": image.name}
    db.session.commit()


def build_class_game(world: World) -> None:
    """A finished live game of teacher A's class deck for that class: student A played
    in it (under their name in the class) beside a guest; student B was absent.

    Its column in the class gradebook and student A's history show the deck's title
    and student A's name: markers the class's teacher already sees.
    """
    users = world.users
    game = live_service.create_game(
        users[TA],
        world.deck_key("d-tac"),
        question_count=2,
        seconds=live_service.MAX_SECONDS,
        class_id=world.ids[f"class_{TA}"],
    )
    player = live_service.join(game.id, "ignored", users[SA]).player
    live_service.join(game.id, "Guest", None)
    game = live_service.advance(users[TA], game.id, game.version)
    live_service.submit_answer(game.id, player, 0, [0])
    live_service.finish(users[TA], game.id)
    world.ids[f"class_game_{TA}"] = game.id


def _deck_data(key: str, mark: str, payload: str = "", source: str = "") -> dict[str, Any]:
    return parse_deck(deck_toml(key, mark, payload=payload, source=source)).to_dict()


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def _question(attempt_id: int, position: int) -> QuizQuestion:
    return db.session.scalar(
        sa.select(QuizQuestion).where(
            QuizQuestion.attempt_id == attempt_id, QuizQuestion.position == position
        )
    )


# --- database snapshots -----------------------------------------------------------------------


class _WriteWatch:
    """Whether a statement that can change rows ran on an engine since its last snapshot.

    Every request of the in-process app runs its SQL through the same engine, so when
    none of it could write, the previous digest still holds and the tables need not be
    read again (the matrix takes a snapshot after each of ~1,900 requests).
    """

    _READS = ("SELECT", "PRAGMA", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "SHOW")

    def __init__(self) -> None:
        self.dirty: dict[int, bool] = {}
        self.last: dict[tuple[int, str], dict[str, str]] = {}

    def watch(self, engine) -> int:
        """The engine's number (not id(): an id may be reused by a later engine)."""
        key = getattr(engine, "_quizapp_watch", None)
        if key is None:
            key = engine._quizapp_watch = len(self.dirty) + 1
            self.dirty[key] = True
            sa.event.listen(engine, "before_cursor_execute", self._seen(key))
            # A new connection may be to a new copy of the database (the test fixtures
            # reuse an app, and its engine, from test to test): read the tables again.
            sa.event.listen(engine, "connect", self._reconnected(key))
        return key

    def _reconnected(self, key: int):
        def reconnected(*_args) -> None:
            self.dirty[key] = True

        return reconnected

    def _seen(self, key: int):
        def seen(_conn, _cursor, statement: str, *_args) -> None:
            if not statement.lstrip().upper().startswith(self._READS):
                self.dirty[key] = True

        return seen


_WATCH = _WriteWatch()


def snapshot(masked: dict[str, Iterable[str]] | None = None) -> dict[str, str]:
    """A digest of every table's rows, to tell whether anything changed.

    Args:
        masked: Table name -> columns; such a table gets a second digest, under
            "<table>~masked", that leaves those columns out (documented exceptions).

    Returns:
        Table name -> "<row count>:<sha256 of the rows>".
    """
    masked = masked or {}
    engine = _WATCH.watch(db.engine)
    key = (engine, repr(sorted((t, sorted(c)) for t, c in masked.items())))
    if not _WATCH.dirty[engine] and key in _WATCH.last:
        return dict(_WATCH.last[key])
    if _WATCH.dirty[engine]:
        _WATCH.last = {k: v for k, v in _WATCH.last.items() if k[0] != engine}
    _WATCH.dirty[engine] = False
    digests = _digests(masked)
    _WATCH.last[key] = digests
    return dict(digests)


def _digests(masked: dict[str, Iterable[str]]) -> dict[str, str]:
    db.session.rollback()  # read what is committed, not what this session cached
    digests = {}
    # Plain driver rows (no ORM, no JSON decoding): this runs after every request.
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        digests = _postgres_digests(connection, masked)
        db.session.rollback()
        return digests
    for table in db.metadata.sorted_tables:
        columns = ", ".join(f'"{c.name}"' for c in table.columns)
        order = ", ".join(f'"{c.name}"' for c in table.primary_key.columns)
        query = f'SELECT {columns} FROM "{table.name}" ORDER BY {order}'
        rows = connection.exec_driver_sql(query).all()
        digests[table.name] = _digest(rows)
        if table.name in masked:
            keep = [i for i, c in enumerate(table.columns) if c.name not in masked[table.name]]
            digests[table.name + "~masked"] = _digest([[row[i] for i in keep] for row in rows])
    db.session.rollback()
    return digests


def _postgres_digests(connection, masked: dict[str, Iterable[str]]) -> dict[str, str]:
    """The same digests computed by the server, all tables in one round trip."""
    parts = []
    for table in db.metadata.sorted_tables:
        variants = [(table.name, list(table.columns))]
        if table.name in masked:
            kept = [c for c in table.columns if c.name not in masked[table.name]]
            variants.append((table.name + "~masked", kept))
        order = ", ".join(f't."{c.name}"' for c in table.primary_key.columns)
        for name, columns in variants:
            row = ", ".join(f't."{c.name}"' for c in columns)
            parts.append(
                f"SELECT '{name}', count(*), "
                f"md5(coalesce(string_agg(ROW({row})::text, '|' ORDER BY {order}), '')) "
                f'FROM "{table.name}" t'
            )
    rows = connection.exec_driver_sql(" UNION ALL ".join(parts)).all()
    return {name: f"{count}:{digest[:16]}" for name, count, digest in rows}


def _digest(rows) -> str:
    digest = hashlib.sha256(repr([tuple(row) for row in rows]).encode()).hexdigest()
    return f"{len(rows)}:{digest[:16]}"


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(name for name in after if before.get(name) != after[name])
