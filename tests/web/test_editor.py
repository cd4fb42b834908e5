"""Decks owned by users: create, edit, version, download, visibility, imports over HTTP."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from quizapp.domain.facts import parse_deck
from quizapp.domain.importers import Limits
from quizapp.extensions import db
from quizapp.models import Deck, DeckVersion, Fact, PendingImport, Question
from tests.anki_files import anki_package, genanki_package, zip_bomb, zip_bytes
from tests.conftest import count_rows

DECK_FORM = {
    "title": "Capitals",
    "source": "https://example.com/capitals",
    "as_of": "2025",
    "language": "en",
    "visibility": "private",
}
CAPITAL = {
    "label": "capitals",
    "key": "capital",
    "subject": "place",
    "value": "place",
    "forward": "What is the capital of {subject}?",
    "reverse": "{value} is the capital of which country?",
    "statement": "The capital of {subject} is {value}.",
    "unique": "y",
}
COUNTRIES = [("France", "Paris"), ("Italy", "Rome"), ("Spain", "Madrid"), ("Peru", "Lima")]


@pytest.fixture
def author(client, login, teacher):
    login(client, teacher)
    return teacher


def create_deck(client, **overrides):
    response = client.post("/decks/new", data={**DECK_FORM, **overrides})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response.headers["Location"].split("/")[2]


def add_fact(client, key, country, capital, **extra):
    data = {
        "relation": "capital",
        "new_subject": country,
        "new_value": capital,
        "evidence": f"{capital} is the capital of {country}.",
        "submit": "1",
        **extra,
    }
    return client.post(f"/decks/{key}/edit/facts/new", data=data)


@pytest.fixture
def capitals(client, author):
    key = create_deck(client)
    assert client.post(f"/decks/{key}/edit/relations/new", data=CAPITAL).status_code == 302
    for country, capital in COUNTRIES:
        response = add_fact(client, key, country, capital)
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return key


def deck_row(key):
    return db.session.scalar(select(Deck).where(Deck.key == key))


# --- create, edit, version, download ----------------------------------------------------------


def test_create_an_empty_deck(client, author):
    key = create_deck(client)
    assert key == f"capitals-u{author.id}"  # a user's deck keys are their own
    deck = deck_row(key)
    assert deck.owner_id == author.id and deck.visibility == "private" and deck.version == 1
    assert [v.summary for v in DeckVersion.query.all()] == ["Created empty"]


def test_facts_made_in_forms_become_questions(client, capitals):
    deck = deck_row(capitals)
    assert count_rows(Fact) == 4
    prompts = {q.prompt for q in Question.query.filter_by(deck_id=deck.id)}
    assert "What is the capital of France?" in prompts
    page = client.get(f"/decks/{capitals}").get_data(as_text=True)
    assert "Paris is the capital of France." in page
    assert f"/decks/{capitals}/edit" in page  # the owner's actions


def test_editing_a_fact_changes_only_its_questions_and_makes_a_version(client, capitals):
    before = {q.id: q.payload for q in Question.query.all()}
    version = deck_row(capitals).version
    fact_key = db.session.scalar(select(Fact.key).where(Fact.subject_name == "Peru"))
    page = client.get(f"/decks/{capitals}/edit/facts/{fact_key}").get_data(as_text=True)
    assert "Lima is the capital of Peru." in page
    response = client.post(
        f"/decks/{capitals}/edit/facts/{fact_key}",
        data={
            "relation": "capital",
            "subject": "peru",
            "value_entity": "lima",
            "evidence": "Lima, on the coast, is the capital of Peru.",
            "submit": "1",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    after = {q.id: q.payload for q in Question.query.all()}
    assert before.keys() == after.keys()
    changed = {qid for qid in before if before[qid] != after[qid]}
    assert changed and all(after[qid]["fact"] == fact_key for qid in changed)
    assert deck_row(capitals).version == version + 1
    latest = DeckVersion.query.order_by(DeckVersion.number.desc()).first()
    assert latest.summary.startswith(f"Edited fact '{fact_key}'")
    assert latest.author.display_name


def test_the_fact_list_shows_names_not_keys(client, capitals):
    page = client.get(f"/decks/{capitals}/edit").get_data(as_text=True)
    assert "<strong>France</strong> — capitals: Paris" in page
    assert "capitals: paris" not in page


def test_a_deck_needs_no_source(client, author):
    key = create_deck(client, source="")
    assert deck_row(key).source == ""
    assert client.post(f"/decks/{key}/edit/relations/new", data=CAPITAL).status_code == 302
    assert add_fact(client, key, "France", "Paris").status_code == 302
    assert "source" not in client.get(f"/decks/{key}/download.toml").get_data(as_text=True)
    assert client.post("/decks/new", data={**DECK_FORM, "source": "not a link"}).status_code == 400


def test_the_class_choice_says_whom_it_reaches(client, author, school_class, enrol):
    page = client.get("/decks/new").get_data(as_text=True)
    assert "no student has joined" in page and "until classes exist" not in page
    enrol()
    enrol()
    assert "the 2 students of your class" in client.get("/decks/new").get_data(as_text=True)


def test_a_teacher_without_a_class_is_told_so(client, author):
    assert "you have no class" in client.get("/decks/new").get_data(as_text=True)


def test_an_edit_that_no_longer_applies_saves_nothing_and_says_why(client, capitals, author):
    from quizapp.domain.deck_edits import FactInput, put_fact
    from quizapp.services import user_decks

    typed = FactInput(
        relation="capital",
        subject="france",
        value_entities=("paris",),
        evidence="Paris is the capital of France.",
    )
    assert client.post(f"/decks/{capitals}/edit/facts/france-capital/delete").status_code == 303
    version = deck_row(capitals).version
    # the form was filled before the fact was removed: the edit is refused inside the save
    with pytest.raises(user_decks.DeckProblems, match="removed meanwhile"):
        user_decks.change_deck(
            author,
            capitals,
            lambda current: put_fact(current, typed, "france-capital"),
            "Edited fact 'france-capital'",
        )
    assert deck_row(capitals).version == version


def test_history_and_every_version_downloads(client, capitals):
    page = client.get(f"/decks/{capitals}/versions").get_data(as_text=True)
    assert "Created empty" in page and "Added relation" in page
    first = client.get(f"/decks/{capitals}/versions/1.toml")
    assert first.status_code == 200
    assert parse_deck(first.get_data(as_text=True)).facts == ()
    assert client.get(f"/decks/{capitals}/versions/99.toml").status_code == 404


def test_download_loads_back_equal(client, capitals):
    response = client.get(f"/decks/{capitals}/download.toml")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    deck = parse_deck(response.get_data(as_text=True), "download.toml")
    from quizapp.services.decks import domain_deck

    assert deck == domain_deck(deck_row(capitals))
    assert len(deck.facts) == 4


def test_an_invalid_edit_saves_nothing_and_says_why(client, capitals):
    version = deck_row(capitals).version
    response = add_fact(client, capitals, "Chile", "Santiago", evidence="")
    assert response.status_code == 400
    assert "Paste the sentence" in response.get_data(as_text=True)
    # a second capital for France: the relation is unique
    response = add_fact(client, capitals, "France", "Lyon", evidence="Lyon is not it.")
    assert response.status_code == 400
    assert "already has a" in response.get_data(as_text=True)
    assert deck_row(capitals).version == version
    assert count_rows(Fact) == 4


def test_removing_an_entity_in_use_is_refused(client, capitals):
    response = client.post(f"/decks/{capitals}/edit/entities/paris/delete")
    assert response.status_code == 303
    assert "used by 1 fact" in client.get(f"/decks/{capitals}/edit").get_data(as_text=True)
    assert "paris" in deck_row(capitals).content["entities"]


def test_removing_a_fact_retires_its_questions(client, capitals):
    fact_key = db.session.scalar(select(Fact.key).where(Fact.subject_name == "Spain"))
    assert client.post(f"/decks/{capitals}/edit/facts/{fact_key}/delete").status_code == 303
    fact = db.session.scalar(select(Fact).where(Fact.key == fact_key))
    assert fact.retired_at is not None


def test_settings_and_visibility(client, capitals):
    response = client.post(
        f"/decks/{capitals}/edit/settings", data={**DECK_FORM, "title": "World capitals"}
    )
    assert response.status_code == 302
    assert deck_row(capitals).title == "World capitals"
    response = client.post(f"/decks/{capitals}/edit/visibility", data={"visibility": "public"})
    assert response.status_code == 302
    assert deck_row(capitals).visibility == "public"


# --- preview ----------------------------------------------------------------------------------


def test_live_preview_returns_questions_as_json(client, capitals):
    response = client.post(
        f"/decks/{capitals}/edit/preview",
        data={
            "relation": "capital",
            "new_subject": "Chile",
            "new_value": "Santiago",
            "evidence": "Santiago is the capital of Chile.",
        },
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200
    data = response.get_json()
    assert data["ok"]
    prompts = {q["prompt"] for q in data["questions"]}
    assert "What is the capital of Chile?" in prompts
    assert count_rows(Fact) == 4  # a preview saves nothing


def test_preview_flags_an_ambiguous_question(client, author):
    key = create_deck(client, title="Founders")
    relation = {
        "label": "founding dates",
        "key": "founded",
        "subject": "company",
        "value": "date",
        "forward": "When was {subject} founded?",
        "reverse": "Which company was founded in {value}?",
        "statement": "{subject} was founded in {value}.",
        "unique": "y",
    }
    assert client.post(f"/decks/{key}/edit/relations/new", data=relation).status_code == 302
    response = add_fact(
        client,
        key,
        "Acme",
        None,
        new_value="",
        value_date="2023-04",
        relation="founded",
        evidence="Acme was founded in April 2023.",
    )
    assert response.status_code == 302
    data = client.post(
        f"/decks/{key}/edit/preview",
        data={
            "relation": "founded",
            "new_subject": "Bolt",
            "value_date": "2023",
            "evidence": "Bolt was founded in 2023.",
        },
    ).get_json()
    warnings = [q["warning"] for q in data["questions"] if q["warning"]]
    assert any("Ambiguous" in w and "Acme" in w and "Bolt" in w for w in warnings), data


def test_preview_without_javascript_renders_on_the_page(client, capitals):
    response = client.post(
        f"/decks/{capitals}/edit/facts/new",
        data={
            "relation": "capital",
            "new_subject": "Chile",
            "new_value": "Santiago",
            "evidence": "Santiago is the capital of Chile.",
            "preview": "1",
        },
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "What is the capital of Chile?" in page
    assert count_rows(Fact) == 4


def test_preview_reports_problems(client, capitals):
    data = client.post(
        f"/decks/{capitals}/edit/preview",
        data={"relation": "capital", "new_subject": "Chile", "evidence": "x"},
    ).get_json()
    assert not data["ok"] and data["problems"]


# --- access -----------------------------------------------------------------------------------


def test_private_deck_is_invisible_to_others(client, capitals, make_user, login):
    other = make_user()
    client.post("/auth/logout")
    login(client, other)
    for url in (
        f"/decks/{capitals}",
        f"/decks/{capitals}/edit",
        f"/decks/{capitals}/download.toml",
        f"/decks/{capitals}/versions",
        f"/decks/{capitals}/versions/1.toml",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/decks/{capitals}/edit/facts/x/delete").status_code == 404
    assert "Capitals" not in client.get("/decks/").get_data(as_text=True)
    client.post("/auth/logout")
    assert client.get(f"/decks/{capitals}").status_code == 404
    assert client.get(f"/decks/{capitals}/download.toml").status_code == 404


def test_public_deck_is_listed_but_read_only_for_others(client, capitals, make_user, login):
    client.post(f"/decks/{capitals}/edit/visibility", data={"visibility": "public"})
    client.post("/auth/logout")
    login(client, make_user())
    assert "Capitals" in client.get("/decks/").get_data(as_text=True)
    assert client.get(f"/decks/{capitals}/download.toml").status_code == 200
    assert client.get(f"/decks/{capitals}/edit").status_code == 403
    assert add_fact(client, capitals, "Chile", "Santiago").status_code == 403
    assert count_rows(Fact) == 4


def test_class_visibility_hides_the_deck_from_users_outside_the_classes(
    client, capitals, make_user, login
):
    client.post(f"/decks/{capitals}/edit/visibility", data={"visibility": "class"})
    assert deck_row(capitals).visibility == "class"
    client.post("/auth/logout")
    login(client, make_user())
    assert client.get(f"/decks/{capitals}").status_code == 404


def test_builtin_decks_are_read_only(client, author, builtin_decks):
    key = next(iter(builtin_decks))
    assert client.get(f"/decks/{key}/edit").status_code == 403
    assert client.post(f"/decks/{key}/edit/settings", data=DECK_FORM).status_code == 403
    assert client.post(f"/decks/{key}/edit/facts/x/delete").status_code == 403
    response = client.get(f"/decks/{key}/download.toml")
    assert response.status_code == 200
    assert parse_deck(response.get_data(as_text=True)).key == key


def test_students_keep_decks_private(client, make_user, login):
    student = make_user()
    login(client, student)
    response = client.post("/decks/new", data={**DECK_FORM, "visibility": "public"})
    assert response.status_code == 400
    assert count_rows(Deck) == 0
    assert create_deck(client) == f"capitals-u{student.id}"


def test_keys_never_collide(client, author, builtin_decks, make_user, login):
    # A built-in deck's key becomes the author's own: no collision, nothing to probe.
    builtin = next(iter(builtin_decks))
    assert create_deck(client, key=builtin) == f"{builtin}-u{author.id}"
    assert create_deck(client) == f"capitals-u{author.id}"
    again = client.post("/decks/new", data=DECK_FORM)
    assert again.headers["Location"].split("/")[2] == f"capitals-2-u{author.id}"
    client.post("/auth/logout")
    other = make_user(role="teacher")
    login(client, other)
    assert create_deck(client) == f"capitals-u{other.id}"


def test_login_required(client):
    assert client.get("/decks/new").status_code == 302
    assert client.post("/decks/import/anki").status_code == 302


def test_uploaded_text_is_escaped_everywhere(client, author):
    toml = FACT_FILE.replace('name = "Acme"', 'name = "<script>alert(1)</script>"')
    response = upload(client, "/decks/upload", toml.encode(), "evil.toml")
    assert response.status_code == 302
    tiny = f"/decks/tiny-u{author.id}"
    for url in (tiny, f"{tiny}/edit", f"{tiny}/facts/acme-founder"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in page, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, url


# --- fact file uploads ------------------------------------------------------------------------

FACT_FILE = """
[deck]
key = "tiny"
title = "Tiny deck"
source = "https://example.com/tiny"
as_of = "2025"
language = "en"

[relations.founder]
label = "founders"
subject = "company"
value = "person"
forward = "Who founded {subject}?"
reverse = "Which company was founded by {value}?"
statement = "{subject} was founded by {value}."

[entities.acme]
name = "Acme"
type = "company"

[entities.ann]
name = "Ann Smith"
type = "person"

[[facts]]
key = "acme-founder"
subject = "acme"
relation = "founder"
value = "ann"
evidence = "Acme was founded by Ann Smith."
"""


def upload(client, url, data: bytes, filename: str, **fields):
    return client.post(
        url,
        data={"file": (io.BytesIO(data), filename), "visibility": "private", **fields},
        content_type="multipart/form-data",
    )


def test_upload_a_fact_file(client, author):
    response = upload(client, "/decks/upload", FACT_FILE.encode(), "tiny.toml")
    assert response.status_code == 302
    key = f"tiny-u{author.id}"
    assert deck_row(key).owner_id == author.id
    download = client.get(f"/decks/{key}/download.toml").get_data(as_text=True)
    assert parse_deck(download) == parse_deck(FACT_FILE.replace('"tiny"', f'"{key}"'))
    assert DeckVersion.query.one().summary.startswith("Uploaded tiny.toml")


def test_replace_from_file_keeps_unchanged_questions(client, author):
    upload(client, "/decks/upload", FACT_FILE.encode(), "tiny.toml")
    key = f"tiny-u{author.id}"
    before = {q.id: q.payload for q in Question.query.all()}
    edited = FACT_FILE.replace('title = "Tiny deck"', 'title = "Tiny, edited"')
    response = upload(client, f"/decks/{key}/edit/replace", edited.encode(), "tiny.toml")
    assert response.status_code == 302
    assert deck_row(key).title == "Tiny, edited"
    assert {q.id: q.payload for q in Question.query.all()} == before
    assert deck_row(key).version == 2


@pytest.mark.parametrize(
    "data, message",
    [
        (b"[deck\n", "TOML syntax error"),
        (b"\xff\xfe\x00\x00", "not UTF-8"),
        (FACT_FILE.replace('value = "ann"', 'value = "bob"').encode(), "unknown entity"),
    ],
)
def test_bad_fact_files_are_refused(client, author, data, message):
    response = upload(client, "/decks/upload", data, "bad.toml")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count_rows(Deck) == 0 and count_rows(DeckVersion) == 0


def test_oversized_upload_is_413(app, client, author):
    # Small sizes: werkzeug's test client spools bigger bodies to a file it never closes.
    app.config["MAX_CONTENT_LENGTH"] = 100 * 1024
    response = upload(client, "/decks/import/anki", bytes(200 * 1024), "big.apkg")
    assert response.status_code == 413
    assert "upload is too large" in response.get_data(as_text=True)
    assert count_rows(PendingImport) == 0
    assert client.get("/decks/mine").status_code == 200  # and the server carries on


# --- CSV import -------------------------------------------------------------------------------

CSV = "question,answer\nCapital of France?,Paris\nCapital of Italy?,Rome\n<b>Bold</b>?,Yes\n"


def test_csv_import_maps_previews_then_saves(client, author):
    response = upload(client, "/decks/import/csv", CSV.encode(), "capitals.csv")
    assert response.status_code == 302
    mapping_url = response.headers["Location"]
    page = client.get(mapping_url).get_data(as_text=True)
    assert "Capital of France?" in page and "comma" in page
    form = {"mode": "qa", "header": "y", "question": "0", "answer": "1", "title": "Capitals"}
    preview = client.post(mapping_url, data={**form, "visibility": "private", "preview": "1"})
    assert preview.status_code == 200
    assert "Capital of France?" in preview.get_data(as_text=True)
    assert "&lt;b&gt;Bold&lt;/b&gt;" in preview.get_data(as_text=True)
    assert count_rows(Deck) == 0
    saved = client.post(mapping_url, data={**form, "visibility": "private", "submit": "1"})
    assert saved.status_code == 302
    deck = Deck.query.one()
    assert deck.owner_id == author.id and deck.title == "Capitals"
    assert {f.subject_name for f in Fact.query.all()} == {
        "Capital of France?",
        "Capital of Italy?",
        "<b>Bold</b>?",
    }
    assert count_rows(PendingImport) == 0
    # replaying the confirmation creates nothing more
    assert client.post(mapping_url, data={**form, "submit": "1"}).status_code == 404
    assert count_rows(Deck) == 1


def test_csv_import_of_facts(client, author):
    tsv = "France\tcapital\tParis\nItaly\tcapital\tRome\nFrance\tcurrency\tEuro\n"
    location = upload(client, "/decks/import/csv", tsv.encode(), "f.tsv").headers["Location"]
    form = {"mode": "erv", "subject": "0", "relation": "1", "value": "2", "title": "Europe"}
    assert (
        client.post(location, data={**form, "visibility": "private", "submit": "1"}).status_code
        == 302
    )
    prompts = {q.prompt for q in Question.query.all()}
    assert "What is the capital of France?" in prompts


@pytest.mark.parametrize("data", [b"", b"one column only\nsecond\n", b"a,\x00b\n", b"\xff\xfe"])
def test_bad_tables_are_refused(client, author, data):
    response = upload(client, "/decks/import/csv", data, "bad.csv")
    assert response.status_code == 400
    assert "not imported" in response.get_data(as_text=True)
    assert count_rows(PendingImport) == 0


def test_someone_elses_upload_is_not_found(client, author, make_user, login):
    location = upload(client, "/decks/import/csv", CSV.encode(), "c.csv").headers["Location"]
    client.post("/auth/logout")
    login(client, make_user())
    assert client.get(location).status_code == 404


# --- Anki import ------------------------------------------------------------------------------


@pytest.mark.parametrize("maker", ["genanki", "anki-new", "anki-legacy"])
def test_anki_import_previews_then_saves(client, author, tmp_path, maker):
    if maker == "genanki":
        path = genanki_package(tmp_path / "geo.apkg")
    else:
        path = anki_package(tmp_path, legacy=maker == "anki-legacy")
    response = upload(client, "/decks/import/anki", path.read_bytes(), path.name)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Capital of France?" in page and "Geography" in page
    assert "left out" in page  # the sound of one note
    assert count_rows(Deck) == 0
    saved = client.post(response.headers["Location"], data={"visibility": "private"})
    assert saved.status_code == 302
    deck = Deck.query.one()
    assert deck.key == f"geography-u{author.id}" and deck.owner_id == author.id
    assert count_rows(Fact) == 6
    typed = {q.prompt: q.answer for q in Question.query.filter_by(kind="typed")}
    assert typed["Capital of France?"] == "Paris"


@pytest.mark.parametrize(
    "data, message",
    [
        (zip_bomb(), "zip bomb"),
        (zip_bytes({"../../evil": b"x"}), "unsafe file name"),
        (zip_bytes({f"{i}": b"" for i in range(51)}), "at most 50 are allowed"),
        (b"PK\x03\x04garbage", "not a readable zip"),
        (b"garbage", "not an Anki package"),
        (zip_bytes({"collection.anki2": b"not sqlite" * 50}), "not an SQLite"),
    ],
    ids=["bomb", "slip", "entries", "truncated", "garbage", "not-sqlite"],
)
def test_bad_packages_are_refused(app, client, author, data, message):
    app.config["IMPORT_LIMITS"] = Limits(max_entries=50)
    response = upload(client, "/decks/import/anki", data, "bad.apkg")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count_rows(PendingImport) == 0 and count_rows(Deck) == 0


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/decks/%00/edit", 400),  # NUL is refused for every request
        ("/decks/%00/download.toml", 400),
        ("/decks/import/csv/" + "%00" * 32, 400),
        ("/decks/import/anki/" + "z" * 32, 404),
        ("/decks/" + "x" * 300 + "/versions", 404),
    ],
)
def test_odd_urls_are_4xx_not_500(client, author, url, status):
    assert client.get(url).status_code == status
