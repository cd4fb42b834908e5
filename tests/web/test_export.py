"""The Export menu and downloads: formats, selections, a user's own mistakes, bad input."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest

from quizapp.domain.exports import XLSX
from quizapp.domain.facts import parse_deck
from quizapp.domain.scheduling import MemoryState, StudyState
from quizapp.models import Deck, Fact, Question, utcnow
from quizapp.models.study import StudyItem
from quizapp.services import decks as deck_service
from quizapp.services import exports, write_transaction
from quizapp.services.study_items import get_or_create_items
from tests.anki_tools import collection, import_apkg, notes
from tests.conftest import count_rows
from tests.domain.conftest import STARTUPS_TOML


@pytest.fixture
def startups(app, startups_rows):
    return Deck.query.filter_by(key="startups").one()


def fact_ids(*keys: str) -> dict[str, int]:
    return {f.key: f.id for f in Fact.query.filter(Fact.key.in_(keys))}


def set_memory(user, fact_key: str, state: StudyState, stability: float, due_in_days: float):
    now = utcnow()
    fact_id = fact_ids(fact_key)[fact_key]
    with write_transaction() as session:
        item = get_or_create_items(session, user.id, [fact_id], now)[fact_id]
        item.set_memory(
            MemoryState(
                state=state,
                step=0 if state is StudyState.RELEARNING else None,
                stability=stability,
                difficulty=5.0,
                due=now + timedelta(days=due_in_days),
                last_review=now - timedelta(days=1),
            )
        )


def apkg_fact_keys(tmp_path, data: bytes) -> set[str]:
    path = tmp_path / "download.apkg"
    path.write_bytes(data)
    with collection(tmp_path / "check.anki2") as col:
        import_apkg(col, path)
        return {n["quizapp id"].split("/")[1] for n in notes(col, '"note:quizapp fact"')}


def test_deck_page_has_an_export_menu(client, startups):
    body = client.get("/decks/startups").get_data(as_text=True)
    assert 'action="/export/startups"' in body
    assert 'method="get"' in body
    assert "Anki package (.apkg)" in body and "Spreadsheet (.csv)" in body
    assert 'value="stepfun"' in body  # an entity checkbox
    assert "css/export.css" in body
    assert 'name="only"' not in body  # "my mistakes" needs a login


def test_logged_in_deck_page_offers_my_mistakes(client, startups, make_user, login):
    login(client, make_user())
    body = client.get("/decks/startups").get_data(as_text=True)
    assert 'name="only"' in body and "Only facts I got wrong" in body


def test_download_apkg_with_a_sensible_filename(client, startups, tmp_path):
    response = client.get("/export/startups?format=apkg")
    assert response.status_code == 200
    assert response.mimetype == "application/apkg"
    assert response.headers["Content-Disposition"] == "attachment; filename=startups.apkg"
    assert zipfile.ZipFile(io.BytesIO(response.data)).namelist() == ["collection.anki2", "media"]
    assert len(apkg_fact_keys(tmp_path, response.data)) == len(parse_deck(STARTUPS_TOML).facts)


@pytest.mark.parametrize(
    ("fmt", "mimetype", "start"),
    [
        ("tsv", "text/tab-separated-values", b"#separator:tab\n"),
        ("csv", "text/csv", b"\xef\xbb\xbfquestion,answer,options"),
        ("jsonl", "application/jsonl", b"{"),
    ],
)
def test_download_text_formats(client, startups, fmt, mimetype, start):
    response = client.get(f"/export/startups?format={fmt}&entity=moonshot")
    assert response.status_code == 200
    assert response.mimetype == mimetype
    disposition = response.headers["Content-Disposition"]
    assert disposition == f"attachment; filename=startups-moonshot.{fmt}"
    assert response.data.startswith(start)
    assert b"Moonshot" in response.data and b"Stepfun was founded" not in response.data


def test_jsonl_download_is_the_question_bank(client, startups):
    response = client.get("/export/startups?format=jsonl")
    lines = response.get_data(as_text=True).splitlines()
    assert [json.loads(line) for line in lines] == exports.question_bank("startups")
    plain = deck_service.question_bank("startups")  # the stored fields, kept as they are
    assert [
        {k: v for k, v in json.loads(line).items() if k != "category"} for line in lines
    ] == plain


@pytest.mark.parametrize(
    ("fmt", "mimetype", "filename", "start"),
    [
        ("moodle", "application/xml", "startups-moonshot.moodle.xml", b"<?xml"),
        ("gift", "text/plain", "startups-moonshot.gift.txt", b"// Chinese AI startups"),
        ("qti", "application/zip", "startups-moonshot.qti.zip", b"PK"),
        ("kahoot", XLSX, "startups-moonshot.kahoot.xlsx", b"PK"),
    ],
)
def test_download_quiz_tool_formats(client, startups, fmt, mimetype, filename, start):
    response = client.get(f"/export/startups?format={fmt}&entity=moonshot")
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.headers["Content-Disposition"] == f"attachment; filename={filename}"
    assert response.data.startswith(start)


def test_export_menu_offers_the_quiz_tools(client, startups):
    body = client.get("/decks/startups").get_data(as_text=True)
    for label in ("Moodle XML", "Moodle GIFT", "QTI 2.1", "Kahoot spreadsheet"):
        assert label in body


def test_chosen_entities(client, startups, tmp_path):
    response = client.get("/export/startups?entity=moonshot&entity=stepfun")
    assert response.headers["Content-Disposition"].endswith("startups-2-entities.apkg")
    keys = apkg_fact_keys(tmp_path, response.data)
    assert keys and all(key.startswith(("moonshot-", "stepfun-")) for key in keys)


def test_my_mistakes_and_not_mastered_are_my_own(client, startups, make_user, login, tmp_path):
    me, other = make_user(), make_user()
    set_memory(me, "stepfun-founder", StudyState.RELEARNING, 2.0, due_in_days=0.01)
    set_memory(me, "zhipu-valuation", StudyState.REVIEW, 40.0, due_in_days=30)  # mastered
    set_memory(me, "minimax-founder", StudyState.REVIEW, 5.0, due_in_days=3)  # learnt, not yet
    set_memory(me, "moonshot-founder", StudyState.REVIEW, 30.0, due_in_days=-1)  # due again
    set_memory(other, "baichuan-founder", StudyState.RELEARNING, 1.0, due_in_days=0.01)
    login(client, me)

    mistakes = client.get("/export/startups?only=mistakes")
    assert mistakes.status_code == 200
    assert mistakes.headers["Content-Disposition"].endswith("startups-mistakes.apkg")
    assert "no-store" in mistakes.headers["Cache-Control"]
    assert apkg_fact_keys(tmp_path, mistakes.data) == {"stepfun-founder", "moonshot-founder"}

    not_mastered = client.get("/export/startups?only=not_mastered&format=jsonl")
    facts = {json.loads(line)["fact"] for line in not_mastered.data.decode().splitlines()}
    every = {f.key for f in parse_deck(STARTUPS_TOML).facts}
    # Stability of 21 days or more in review is mastered, even when due again.
    assert facts == every - {"zhipu-valuation", "moonshot-founder"}

    # There is no way to name another user: an extra parameter changes nothing.
    again = client.get(f"/export/startups?only=mistakes&user={other.id}&user_id={other.id}")
    assert again.data == mistakes.data


def test_someone_without_mistakes_gets_a_message(client, startups, make_user, login):
    other = make_user()
    set_memory(other, "baichuan-founder", StudyState.RELEARNING, 1.0, due_in_days=0.01)
    login(client, make_user())
    response = client.get("/export/startups?only=mistakes")
    assert response.status_code == 400
    assert "Nothing to export" in response.get_data(as_text=True)
    assert "attachment" not in response.headers.get("Content-Disposition", "")


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/export/no-such-deck", 404, "There is no deck"),
        ("/export/startups?format=docx", 400, "There is no export format"),
        ("/export/startups?entity=nobody", 400, "has no entity"),
        ("/export/startups?only=everyone", 400, "Unknown selection"),
        ("/export/startups?notes=images", 400, "Choose at least one kind of note"),
        ("/export/startups?only=mistakes", 403, "Log in to export"),
        ("/export/startups?only=not_mastered", 403, "Log in to export"),
    ],
)
def test_bad_requests_get_words_and_no_file(client, startups, url, status, message):
    counts = [count_rows(model) for model in (Deck, Fact, Question, StudyItem)]
    response = client.get(url)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert "Content-Disposition" not in response.headers
    assert [count_rows(model) for model in (Deck, Fact, Question, StudyItem)] == counts


def test_bad_request_as_json(client, startups):
    response = client.get("/export/startups?entity=nobody", headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert "has no entity" in response.get_json()["error"]


def test_private_deck_of_another_user_cannot_be_exported(client, app, make_user, login):
    owner, other = make_user(), make_user()
    private = STARTUPS_TOML.replace('key = "startups"', 'key = "secret"')
    deck_service.sync_deck(parse_deck(private), owner=owner, visibility="private")
    login(client, other)
    assert client.get("/export/secret").status_code == 404
    client.post("/auth/logout")
    login(client, owner)
    assert client.get("/export/secret").status_code == 200


def test_an_edited_deck_reimports_without_duplicates(client, startups, tmp_path):
    first = tmp_path / "first.apkg"
    first.write_bytes(client.get("/export/startups").data)
    edited = STARTUPS_TOML.replace("came late.", "came late to the race.")
    deck_service.sync_deck(parse_deck(edited, "startups.toml"))
    # Anki updates a note when the export's modification time (the deck's updated_at,
    # in whole seconds) is newer; an edit a minute later stands for a real one.
    with write_transaction() as session:
        row = session.get(Deck, startups.id)
        row.updated_at = row.updated_at + timedelta(minutes=1)
    second = tmp_path / "second.apkg"
    second.write_bytes(client.get("/export/startups").data)
    with collection(tmp_path / "anki.anki2") as col:
        import_apkg(col, first)
        count = col.note_count()
        assert len(import_apkg(col, second).new) == 0
        assert col.note_count() == count
        evidence = {n["quizapp id"]: n["Evidence"] for n in notes(col, '"note:quizapp fact"')}
        assert evidence["startups/stepfun-founder"].endswith("came late to the race.")
