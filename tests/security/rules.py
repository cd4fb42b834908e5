"""Who may use each route: the access table that tests/security/test_access_matrix.py reads.

Every endpoint of `app.url_map` needs an entry here; a route without one fails the
matrix, so a new route is classified when it is added.

Access kinds:
    public   anyone, logged in or not
    login    any logged-in user (anonymous: redirect to the log-in page)
    teacher  logged-in teachers (students: 403/404)
    readers  the object's readers (`Target.readers`): e.g. a private deck's owner,
             everyone for a public deck; anonymous visitors only if they are readers
    owners   the object's owners (`Target.owners`): who may change it

`on` names a kind of `World.targets`; the route is requested once per target of
that kind, by every actor. `form` builds the POST body (a valid one, so a refused
request is refused for access and not for a malformed form); it gets the target.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.security.world import PASSWORD, Target, deck_toml


@dataclass(frozen=True)
class Rule:
    access: str
    on: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    form: Callable[[Target | None], dict[str, Any]] | None = None
    # Query string built from the target (for routes that name objects in ?args).
    query: Callable[[Target | None], dict[str, Any]] | None = None
    # Statuses that also count as "allowed" for this route (besides 2xx/3xx).
    ok: tuple[int, ...] = ()
    # A redirect to this path (exactly, no query) also counts as a refusal.
    refusal_redirect: str = ""
    # Why an allowed POST is not sent by the matrix (it is covered elsewhere).
    skip_allowed_post: str = ""
    # Routes whose GET writes, with what may change and why (see GET_WRITES).
    note: str = ""
    # Markers this route may show for this target to anyone it allows (a class's name
    # to whoever holds its join code).
    reveals: Callable[[Target], set[str]] | None = None


def _deck_settings(target):
    return {
        "title": "Renamed deck",
        "source": "https://example.com/renamed",
        "as_of": "2025",
        "language": "en",
    }


def _replace(target):
    key = target.values["key"]
    return {"file": (io.BytesIO(deck_toml(key, "replaced").encode()), "deck.toml")}


def _entity(target):
    return {"name": "Sweden", "type": "place", "aliases": "", "description": ""}


def _relation(target):
    return {
        "label": "presidents",
        "key": "president",
        "subject": "place",
        "value": "person",
        "forward": "Who is the president of {subject}?",
        "reverse": "",
        "statement": "The president of {subject} is {value}.",
    }


def _fact(target):
    return {
        "relation": "capital",
        "new_subject": "Norway",
        "new_value": "Oslo",
        "evidence": "Oslo is the capital of Norway.",
        "submit": "1",
    }


def _edit_fact(target):
    return {
        "relation": "capital",
        "subject": "c1",
        "value_entity": "k1",
        "evidence": "Paris is the capital of France, still.",
        "submit": "1",
    }


def _map_csv(target):
    return {
        "mode": "qa",
        "header": "y",
        "question": "0",
        "answer": "1",
        "title": "Imported table",
        "visibility": "private",
        "submit": "1",
    }


def _start_quiz(target):
    return {"deck": target.form["deck_key"], "count": "5"}


def _answer(target):
    return {**target.form, "answer": "Paris"}


def _upload_toml(target):
    return {"file": (io.BytesIO(deck_toml("uploaded", "uploaded").encode()), "deck.toml")}


def _csv_upload(target):
    return {"file": (io.BytesIO(b"question,answer\n2+2?,4\n3+3?,6\n"), "t.csv")}


def _quizlet(target):
    return {"text": "2+2?\t4\n3+3?\t6\n", "between": "tab", "rows": "newline"}


def _new_deck(target):
    return {**_deck_settings(target), "visibility": "private"}


def _game_form(target):
    return {
        "kinds": "multiple_choice",
        "question_count": "3",
        "seconds": "20",
        "scoring": "speed",
    }


def _version(target):
    return dict(target.form)


def _rate(target):
    return {
        **target.form,
        "rating": "3",
        "elapsed_ms": "3000",
        "request_id": "request-m-rate",
        "revealed": "1",
    }


def _study_settings(target):
    return {
        "desired_retention": "0.9",
        "new_per_day": "20",
        "reviews_per_day": "200",
        "timezone": "UTC",
    }


def _deck_limits(target):
    return {"new_per_day": "5", "reviews_per_day": "50"}


JOINING_CHANGES = "joining changes who may see what; tests/web/test_classroom.py covers it"


def _assignment(target):
    return {
        "deck": "pub",
        "count": "5",
        "opens_at": "2025-01-01T09:00",
        "due_at": "2031-01-01T09:00",
        "attempts": "1",
        "scoring": "best",
        "late_policy": "mark_late",
    }


RULES: dict[str, Rule] = {
    # --- site-wide -----------------------------------------------------------------------------
    "static": Rule("public", values={"filename": "css/app.css"}),
    "main.home": Rule("public"),
    # --- accounts ------------------------------------------------------------------------------
    "auth.login": Rule(
        "public",
        form=lambda t: {"email": "nobody@example.com", "password": PASSWORD},
        ok=(401,),  # a wrong password is a 401 with the form again
        skip_allowed_post="logging in replaces the session; tests/web/test_auth.py",
    ),
    "auth.register": Rule(
        "public",
        skip_allowed_post="registering logs the new user in; tests/web/test_auth.py",
    ),
    "auth.logout": Rule(
        "public", skip_allowed_post="ends the session; tests/web/test_auth.py covers it"
    ),
    "auth.logout_everywhere": Rule(
        "login", skip_allowed_post="ends every session; tests/web/test_sessions.py covers it"
    ),
    "auth.change_password": Rule(
        "login",
        skip_allowed_post="ends the other sessions; tests/web/test_auth.py covers it",
    ),
    # --- decks ---------------------------------------------------------------------------------
    "decks.index": Rule("public"),
    "decks.show": Rule("readers", on="decks"),
    "decks.fact": Rule("readers", on="facts"),
    "export.download": Rule("readers", on="decks"),
    "editor.download": Rule("readers", on="decks"),
    "editor.image": Rule("readers", on="deck_images"),
    "editor.mine": Rule("login"),
    "editor.new": Rule("login", form=_new_deck),
    "editor.upload": Rule("login", form=_upload_toml),
    "editor.edit": Rule("owners", on="owned_decks"),
    "editor.settings": Rule("owners", on="owned_decks", form=_deck_settings),
    "editor.visibility": Rule("owners", on="owned_decks", form=lambda t: {"visibility": "private"}),
    "editor.replace": Rule("owners", on="owned_decks", form=_replace),
    "editor.new_entity": Rule("owners", on="owned_decks", form=_entity),
    "editor.edit_entity": Rule("owners", on="deck_items", form=_entity),
    "editor.delete_entity": Rule("owners", on="deck_items", form=lambda t: {}),
    "editor.new_relation": Rule("owners", on="owned_decks", form=_relation),
    "editor.edit_relation": Rule("owners", on="deck_relations", form=_relation),
    "editor.delete_relation": Rule("owners", on="deck_relations", form=lambda t: {}),
    "editor.new_fact": Rule("owners", on="owned_decks", form=_fact),
    "editor.edit_fact": Rule("owners", on="deck_facts", form=_edit_fact),
    "editor.delete_fact": Rule("owners", on="deck_facts", form=lambda t: {}),
    "editor.live_preview": Rule("owners", on="owned_decks", form=_fact),
    "editor.versions": Rule("owners", on="versions"),
    "editor.version_download": Rule("owners", on="versions"),
    "editor.import_csv": Rule("login", form=_csv_upload),
    "editor.map_csv": Rule("owners", on="csv_imports", form=_map_csv),
    "editor.import_anki": Rule("login"),
    "editor.confirm_anki": Rule(
        "owners", on="anki_imports", form=lambda t: {"visibility": "private", "submit": "1"}
    ),
    # The "from text" pages (suggest): a pasted text, then the review of its suggestions.
    "editor.new_from_text": Rule("login"),
    "editor.new_from_text_review": Rule("login"),
    "editor.add_from_text": Rule("owners", on="owned_decks"),
    "editor.add_from_text_review": Rule("owners", on="owned_decks"),
    "editor.add_preset_relations": Rule(
        "owners", on="owned_decks", form=lambda t: {"preset": "companies"}
    ),
    "editor.import_quizlet": Rule("login", form=_quizlet),
    "editor.import_kahoot": Rule("login"),
    "editor.confirm_kahoot": Rule(
        "owners", on="kahoot_imports", form=lambda t: {"visibility": "private", "submit": "1"}
    ),
    # --- quizzes and scores --------------------------------------------------------------------
    "quiz.index": Rule("login"),
    "quiz.new": Rule("readers", on="quiz_decks"),
    # The deck is named in the form, not the URL: `values` stay empty.
    "quiz.start": Rule("readers", on="quiz_decks_form", form=_start_quiz),
    "quiz.show": Rule(
        "owners",
        on="attempts",
        note="serving a question records quiz_questions.served_at (the time limit's start)",
    ),
    "quiz.answer": Rule("owners", on="attempts", form=_answer),
    "quiz.feedback": Rule("owners", on="answered"),
    "quiz.finish": Rule("owners", on="attempts", form=lambda t: {}),
    "quiz.result": Rule("owners", on="attempts"),
    "scores.index": Rule("login"),
    "scores.chart": Rule("login"),
    "scores.export": Rule("login"),
    "scores.leaderboard_setting": Rule("login", form=lambda t: {"opt_in": "y"}),
    "scores.leaderboard": Rule("readers", on="quiz_decks"),
    # --- live games ----------------------------------------------------------------------------
    # Students get the join form here; teachers their games.
    "live.index": Rule("public"),
    # ?class_id= preselects one of the host's own classes (teacher A's here; teacher B
    # gets no class preselected and never sees its name).
    "live.new": Rule("readers", on="host_decks", query=lambda t: t.form, form=_game_form),
    "live.host": Rule("owners", on="games"),
    "live.host_state": Rule("owners", on="games"),
    "live.report": Rule("owners", on="games"),
    # A question's picture: the host any of their game's; a player only the question
    # their game asks now (see test_live_pictures for removed players and homework).
    "live.host_picture": Rule("owners", on="games", values={"position": 0}),
    "live.results_csv": Rule("owners", on="games"),
    "live.next_step": Rule("owners", on="games", form=_version),
    "live.end": Rule("owners", on="games", form=_version),
    "live.remove": Rule("owners", on="game_players", form=_version),
    "live.lock": Rule("owners", on="games", values={"on": 1}, form=_version),
    "live.approval": Rule("owners", on="games", values={"on": 0}, form=_version),
    "live.admit": Rule("owners", on="game_players", form=_version),
    "live.move_to_team": Rule("owners", on="game_players", values={"team": 0}, form=_version),
    "live.let_back_in": Rule("owners", on="game_players", values={"agree": 0}, form=_version),
    # Anyone with the PIN may join: the PIN is the secret (rate-limited, never shown to
    # others; see the markers of tests/security/world.py).
    "live.join": Rule("public", form=lambda t: {"pin": "000000", "nickname": "Joiner"}),
    "live.play": Rule("readers", on="played_games", refusal_redirect="/play"),
    "live.play_state": Rule("readers", on="played_games"),
    "live.picture": Rule("readers", on="played_games", values={"position": 0}),
    "live.answer": Rule("owners", on="played_games", form=_version),
    # --- study ---------------------------------------------------------------------------------
    "study.index": Rule("login"),
    "study.start": Rule("readers", on="study_decks", form=lambda t: {}),
    "study.review": Rule("owners", on="study_items", query=lambda t: {"item": t.form["item"]}),
    "study.check": Rule("owners", on="study_items", form=lambda t: {**t.form, "response": "x"}),
    "study.rate": Rule("owners", on="study_items", form=_rate),
    "study.undo": Rule("owners", on="study_reviews", form=lambda t: dict(t.form)),
    "study.settings": Rule("login", form=_study_settings),
    "study.deck_settings": Rule("readers", on="study_decks", form=_deck_limits),
    "study.stats": Rule("login"),
    "study.chart": Rule("login", values={"name": "forecast"}),
    "study.optimise": Rule("login", form=lambda t: {}),
    "study.workload_chart": Rule("login"),
    "study.facts": Rule("login"),
    # Unsuspend changes nothing of an item that is not suspended: later calls still see it.
    "study.fact_action": Rule(
        "owners", on="study_facts", values={"action": "unsuspend"}, form=lambda t: {}
    ),
    "study.class_leeches": Rule("owners", on="classes"),
    # Students without an exam date on the deck get one (the matrix's students study none).
    "study.class_exam": Rule("owners", on="assignments", form=lambda t: {}),
    # No date: removes an exam that is not there, so later calls see the same world.
    "study.deck_exam": Rule(
        "readers", on="study_decks", form=lambda t: {"exam-exam_on": "", "exam-target": "0.9"}
    ),
    # --- classes (issue 7) -------------------------------------------------------------------
    "classroom.index": Rule("login"),
    "classroom.new": Rule("teacher", form=lambda t: {"name": "New class", "description": ""}),
    "classroom.join": Rule(
        "login", form=lambda t: {"code": "ZZZZ-ZZZZ"}, skip_allowed_post=JOINING_CHANGES
    ),
    # The code is the key: any logged-in holder sees the class's name and may join.
    "classroom.join_link": Rule(
        "login",
        on="join_codes",
        form=lambda t: {},
        reveals=lambda t: t.form["reveals"],
        skip_allowed_post=JOINING_CHANGES,
    ),
    "classroom.show": Rule("readers", on="classes"),
    "classroom.edit": Rule("owners", on="classes", form=lambda t: {"name": "Renamed class"}),
    "classroom.rotate_code": Rule("owners", on="classes", form=lambda t: {}),
    "classroom.remove_student": Rule("owners", on="class_students", form=lambda t: {}),
    "classroom.student": Rule("owners", on="class_students"),
    # Its students may leave; its teacher is told (400) to delete the class instead.
    "classroom.leave": Rule("owners", on="class_memberships", form=lambda t: {}, ok=(400,)),
    "classroom.gradebook": Rule("owners", on="classes"),
    "classroom.gradebook_export": Rule("owners", on="classes"),
    "classroom.new_assignment": Rule("owners", on="classes", form=_assignment),
    "classroom.assignment": Rule("readers", on="assignments"),
    "classroom.start_assignment": Rule("owners", on="assignment_members", form=lambda t: {}),
    "classroom.delete_assignment": Rule("owners", on="assignments", form=lambda t: {}),
    "classroom.distribution_chart": Rule("owners", on="assignments"),
    "classroom.assignment_export": Rule("owners", on="assignments"),
    "classroom.item_analysis": Rule("owners", on="assignments"),
    "classroom.accept_answer": Rule("owners", on="assignment_answers", form=lambda t: {}),
    # --- LTI (tests/lti covers the protocol; here: nobody gets past the doors) -----------
    # The platform's side: refused with a 400/404 page for want of a valid login or token.
    "lti.login": Rule("public", ok=(400,)),
    "lti.launch": Rule("public", ok=(400,)),
    "lti.deep_link": Rule("public", ok=(404,)),
    "lti.jwks": Rule("public"),
    "lti.enter": Rule("public", values={"ticket": "x" * 40}, ok=(404,)),
    # A class's course-platform page: its teacher's (404 for them too here: the world's
    # classes are not linked to a platform).
    "lti.course": Rule("owners", on="classes", ok=(404,)),
    "lti.sync_roster": Rule("owners", on="classes", form=lambda t: {}, ok=(404,)),
    "lti.resend_grades": Rule("owners", on="classes", form=lambda t: {}, ok=(404,)),
    # Administrators only (LTI_ADMINS); the world has none, so every user gets a 403.
    "lti.platforms_page": Rule("login", ok=(403,), form=lambda t: {"name": "X"}),
    "lti.registration_link": Rule("login", form=lambda t: {}, ok=(403,)),
    "lti.dynamic_register": Rule("public", values={"token": "x" * 32}, ok=(404,)),
    "lti.delete_platform": Rule("login", values={"platform_id": 1}, form=lambda t: {}, ok=(403,)),
}

# Columns a GET may write, with the reason (everything else must stay byte-identical).
GET_WRITES: dict[str, set[str]] = {
    # The quiz page records when a question was first served: the per-question time
    # limit runs on the server clock from then, so a reload can't restart it.
    "quiz_questions": {"served_at"},
    # A homework page records when the player's next question was first served: with
    # speed scoring its clock runs from then, so a reload can't restart it.
    "live_players": {"served_at"},
}
