"""Imports of what teachers have, over HTTP: a CSV with a header, Quizlet, Kahoot, .apkg."""

from __future__ import annotations

from datetime import timedelta

import pytest

from quizapp.extensions import db
from quizapp.models import Deck, DeckImage, Fact, PendingImport, Question
from tests.anki_files import zip_bomb
from tests.conftest import count_rows
from tests.domain.test_teacher_imports import kahoot_xlsx
from tests.web.test_editor import author, capitals, upload  # noqa: F401 (fixtures)


def test_a_csv_header_is_ticked_and_names_the_columns(client, author):  # noqa: F811
    csv = "Country,Capital\nFrance,Paris\nItaly,Rome\nSpain,Madrid\nPeru,Lima\n"
    location = upload(client, "/decks/import/csv", csv.encode(), "capitals.csv").headers["Location"]
    page = client.get(location).get_data(as_text=True)
    assert '<input checked id="header" name="header"' in page
    assert "1: Country" in page and "Column 1" not in page
    assert "As they will be imported" in page and '<th scope="col">Question</th>' in page
    form = {"mode": "qa", "header": "y", "question": "0", "answer": "1", "title": "Capitals"}
    assert (
        client.post(location, data={**form, "visibility": "private", "submit": "1"}).status_code
        == 302
    )
    assert {f.subject_name for f in Fact.query.all()} == {"France", "Italy", "Spain", "Peru"}


def test_a_quizlet_set_is_pasted_mapped_and_imported(client, author):  # noqa: F811
    text = "mitosis\tcell division\nosmosis\twater through a membrane\nmeiosis\thalving\n"
    response = client.post(
        "/decks/import/quizlet", data={"text": text, "between": "tab", "rows": "newline"}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    location = response.headers["Location"]
    page = client.get(location).get_data(as_text=True)
    assert "osmosis" in page and "Every row is imported" in page
    form = {"mode": "qa", "question": "0", "answer": "1", "title": "Cells"}
    assert (
        client.post(location, data={**form, "visibility": "private", "submit": "1"}).status_code
        == 302
    )
    assert {f.subject_name for f in Fact.query.all()} == {"mitosis", "osmosis", "meiosis"}


def test_a_quizlet_set_with_custom_separators(client, author):  # noqa: F811
    data = {
        "text": "H2O = water|NaCl = salt|CO2 = carbon dioxide",
        "between": "custom",
        "between_custom": " = ",
        "rows": "custom",
        "rows_custom": "|",
    }
    response = client.post("/decks/import/quizlet", data=data)
    assert response.status_code == 302
    assert "carbon dioxide" in client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"text": "", "between": "tab", "rows": "newline"}, "Paste the exported set"),
        ({"text": "a b c", "between": "tab", "rows": "newline"}, "No card was found"),
        ({"text": "a\tb", "between": "custom", "rows": "newline"}, "Type the custom separator"),
        ({"text": "a\tb", "between": "nope", "rows": "newline"}, "Not a valid choice"),
        ({"text": "a\tb\n" * 600_000, "between": "tab", "rows": "newline"}, "At most 2 MB"),
    ],
    ids=["empty", "no-card", "no-custom", "bad-choice", "too-long"],
)
def test_bad_quizlet_input_is_refused_and_nothing_is_staged(client, author, data, words):  # noqa: F811
    response = client.post("/decks/import/quizlet", data=data)
    assert response.status_code == 400
    assert words in response.get_data(as_text=True)
    assert count_rows(PendingImport) == 0


def test_a_kahoot_is_previewed_then_saved_with_its_options(client, author):  # noqa: F811
    response = upload(client, "/decks/import/kahoot", kahoot_xlsx(), "Geography quiz.xlsx")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Capital of France?" in page and "Madrid" in page and "time limits" in page
    assert count_rows(Deck) == 0
    saved = client.post(response.headers["Location"], data={"visibility": "private"})
    assert saved.status_code == 302
    deck = Deck.query.one()
    assert deck.title == "Geography quiz" and deck.source == ""
    choice = Question.query.filter_by(kind="multiple_choice").all()
    france = next(q for q in choice if q.prompt == "Capital of France?")
    assert set(france.payload["choices"]) == {"Paris", "Rome", "Madrid", "Lima"}
    assert count_rows(PendingImport) == 0


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"not a spreadsheet", "not an .xlsx"),
        (kahoot_xlsx(header=["Q", "A"]), "No header row"),
        (zip_bomb(15 * 1024 * 1024), "zip bomb"),
    ],
    ids=["garbage", "no-header", "zip-bomb"],
)
def test_bad_kahoot_files_are_refused_and_leave_nothing(client, author, data, words):  # noqa: F811
    response = upload(client, "/decks/import/kahoot", data, "bad.xlsx")
    assert response.status_code == 400
    assert words in response.get_data(as_text=True)
    assert count_rows(PendingImport) == 0 and count_rows(Deck) == 0


# --- quizapp's own .apkg, back again ----------------------------------------------------------


def _import_package(client, data: bytes):
    response = upload(client, "/decks/import/anki", data, "export.apkg")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response.headers["Location"]


def test_an_exported_builtin_deck_comes_back_with_the_same_facts(client, author, builtin_decks):  # noqa: F811
    source = builtin_decks["chinese-ai-startups"]
    before = {f.key for f in source.facts}
    package = client.get("/export/chinese-ai-startups?format=apkg").data
    location = _import_package(client, package)
    page = client.get(location).get_data(as_text=True)
    assert f"its {len(before)} facts are restored as they were" in page
    assert 'name="into"' not in page  # not the importer's deck: only a new one
    assert client.post(location, data={"visibility": "private"}).status_code == 302
    copy = Deck.query.filter(Deck.owner_id == author.id).one()
    assert {f.key for f in copy.facts} == before  # 101 facts, not one per note
    assert copy.content["facts"] == source.content["facts"]
    assert copy.content["relations"] == source.content["relations"]


def test_an_owner_reimporting_an_export_gets_removed_facts_back(client, capitals):  # noqa: F811
    from tests.web.test_editor import deck_row

    package = client.get(f"/export/{capitals}?format=apkg").data
    assert client.post(f"/decks/{capitals}/edit/facts/france-capital/delete").status_code == 303
    location = _import_package(client, package)
    page = client.get(location).get_data(as_text=True)
    assert "no longer has 1 of them" in page and 'name="into"' in page
    response = client.post(location, data={"into": "update", "visibility": "private"})
    assert response.status_code == 302
    assert count_rows(Deck) == 1 and count_rows(PendingImport) == 0
    assert "france-capital" in {f["key"] for f in deck_row(capitals).content["facts"]}


def test_an_owner_may_still_make_a_new_deck_of_an_export(client, capitals):  # noqa: F811
    package = client.get(f"/export/{capitals}?format=apkg").data
    location = _import_package(client, package)
    assert client.post(location, data={"into": "new", "visibility": "private"}).status_code == 302
    decks = Deck.query.order_by(Deck.id).all()
    assert len(decks) == 2 and decks[1].content["facts"] == decks[0].content["facts"]


# --- pictures ---------------------------------------------------------------------------------


def test_pictures_of_an_anki_package_are_kept_and_served_as_images(client, author, tmp_path):  # noqa: F811
    from quizapp.domain import images
    from quizapp.models import DeckImage
    from tests.domain.test_teacher_imports import JPEG, PNG, package_with_pictures

    location = _import_package(client, package_with_pictures(tmp_path))
    page = client.get(location).get_data(as_text=True)
    assert 'src="data:image/png;base64,' in page  # the preview shows the picture
    assert "not PNG, JPEG, GIF or WebP" in page
    assert count_rows(DeckImage) == 0  # nothing stored before the confirmation
    assert client.post(location, data={"visibility": "private"}).status_code == 302
    deck = Deck.query.one()
    assert {i.name for i in DeckImage.query.all()} == {
        images.accept(PNG).name,
        images.accept(JPEG).name,
    }
    png = images.accept(PNG).name
    response = client.get(f"/decks/{deck.key}/images/{png}")
    assert response.status_code == 200 and response.data == PNG
    assert response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert client.get(f"/decks/{deck.key}/images/{png[:-3]}svg").status_code == 404
    assert client.get(f"/decks/{deck.key}/images/../../etc").status_code == 404
    client.post("/auth/logout")
    assert client.get(f"/decks/{deck.key}/images/{png}").status_code == 404  # a private deck


def test_a_quiz_question_shows_its_fact_picture(client, author, tmp_path):  # noqa: F811
    from quizapp.domain.quizzes import QuizOptions
    from quizapp.models import utcnow
    from quizapp.services import quizzes as quiz_service
    from tests.domain.test_teacher_imports import package_with_pictures

    location = _import_package(client, package_with_pictures(tmp_path))
    assert client.post(location, data={"visibility": "private"}).status_code == 302
    deck = Deck.query.one()
    with_image = [q for q in Question.query.all() if q.payload.get("image")]
    assert with_image and all(q.kind != "reverse" for q in with_image)
    attempt = quiz_service.start_quiz(author, deck.key, QuizOptions(count=20), now=utcnow(), seed=1)
    pictures = 0
    while (shown := quiz_service.current_question(author, attempt.id, now=utcnow())) is not None:
        body = client.get(f"/quiz/{attempt.id}").get_data(as_text=True)
        image = db.session.get(Question, shown.question_id).payload.get("image")
        if image:
            pictures += 1
            assert f'src="/decks/{deck.key}/images/{image}"' in body
        else:
            assert "question-image" not in body
        quiz_service.answer(
            author,
            attempt.id,
            position=shown.position,
            question_id=shown.question_id,
            response=shown.choices[0] if shown.choices else "x",
            request_id=f"request-{shown.position:04d}",
            now=utcnow(),
        )
    assert pictures > 0


def test_a_refused_package_leaves_no_picture(client, author, tmp_path):  # noqa: F811
    from quizapp.models import DeckImage
    from tests.anki_files import zip_bytes

    response = upload(client, "/decks/import/anki", zip_bytes({"media": b"{}"}), "bad.apkg")
    assert response.status_code == 400
    assert count_rows(DeckImage) == 0 and count_rows(PendingImport) == 0


def test_a_fact_gets_a_picture_in_the_editor_and_keeps_it(client, capitals):  # noqa: F811
    import io

    from quizapp.domain import images
    from tests.domain.test_teacher_imports import PNG, SVG
    from tests.web.test_editor import deck_row

    url = f"/decks/{capitals}/edit/facts/france-capital"
    form = {
        "relation": "capital",
        "subject": "france",
        "value_entity": "paris",
        "evidence": "Paris is the capital of France.",
        "submit": "1",
    }
    refused = client.post(
        url,
        data={**form, "picture": (io.BytesIO(SVG), "flag.png")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400 and "not a PNG, JPEG, GIF or WebP" in refused.get_data(
        as_text=True
    )
    saved = client.post(
        url,
        data={**form, "picture": (io.BytesIO(PNG), "flag.png")},
        content_type="multipart/form-data",
    )
    assert saved.status_code == 302
    name = images.accept(PNG).name
    fact = next(f for f in deck_row(capitals).content["facts"] if f["key"] == "france-capital")
    assert fact["image"] == name
    assert client.get(f"/decks/{capitals}/images/{name}").data == PNG
    # saving again without a file keeps it; ticking "remove" drops it
    assert client.post(url, data=form).status_code == 302
    fact = next(f for f in deck_row(capitals).content["facts"] if f["key"] == "france-capital")
    assert fact["image"] == name
    assert client.post(url, data={**form, "remove_picture": "y"}).status_code == 302
    fact = next(f for f in deck_row(capitals).content["facts"] if f["key"] == "france-capital")
    assert "image" not in fact
    assert count_rows(DeckImage) == 0  # a picture no fact names is not kept
    assert client.get(f"/decks/{capitals}/images/{name}").status_code == 404


def test_a_deck_over_its_picture_cap_saves_nothing(client, capitals, monkeypatch):  # noqa: F811
    import io

    from quizapp.domain import images
    from tests.domain.test_teacher_imports import PNG
    from tests.web.test_editor import deck_row

    monkeypatch.setattr(images, "MAX_IMAGES", 0)
    version = deck_row(capitals).version
    response = client.post(
        f"/decks/{capitals}/edit/facts/france-capital",
        data={
            "relation": "capital",
            "subject": "france",
            "value_entity": "paris",
            "evidence": "Paris is the capital of France.",
            "submit": "1",
            "picture": (io.BytesIO(PNG), "flag.png"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and "at most 0 pictures" in response.get_data(as_text=True)
    assert deck_row(capitals).version == version and count_rows(DeckImage) == 0


def test_editing_a_kahoot_fact_keeps_its_options(client, author):  # noqa: F811
    response = upload(client, "/decks/import/kahoot", kahoot_xlsx(), "quiz.xlsx")
    assert (
        client.post(response.headers["Location"], data={"visibility": "private"}).status_code == 302
    )
    deck = Deck.query.one()
    url = f"/decks/{deck.key}/edit/facts/capital-of-france"
    page = client.get(url).get_data(as_text=True)
    assert "Rome\nMadrid\nLima</textarea>" in page
    form = {
        "relation": "answer",
        "subject": "capital-of-france",
        "value_text": "Paris",
        "evidence": "Capital of France? — Paris",
        "choices": "Rome\nMadrid\nLima",
        "submit": "1",
    }
    assert client.post(url, data=form).status_code == 302
    fact = next(f for f in Deck.query.one().content["facts"] if f["key"] == "capital-of-france")
    assert fact["choices"] == ["Rome", "Madrid", "Lima"]


def test_a_large_picture_is_named_not_embedded_in_the_preview(client, author, tmp_path):  # noqa: F811
    from tests.anki_files import genanki_package
    from tests.domain.test_teacher_imports import PNG

    (tmp_path / "big.png").write_bytes(PNG + b"\x00" * (60 * 1024))
    basic = [('Flag? <img src="big.png">', "France", []), ("Capital of Italy?", "Rome", [])]
    path = genanki_package(tmp_path / "b.apkg", basic=basic, cloze=[], media=[tmp_path / "big.png"])
    page = client.get(_import_package(client, path.read_bytes())).get_data(as_text=True)
    assert "data:image/png" not in page and "shown once the deck is saved" in page
    assert len(page) < 100 * 1024


def test_a_pasted_quizlet_set_gives_a_quiz_with_options_of_one_kind(client, author):  # noqa: F811
    from pathlib import Path

    from quizapp.domain.questions.cards import answer_kind
    from quizapp.domain.quizzes import QuizOptions
    from quizapp.models import utcnow
    from quizapp.services import quizzes as quiz_service

    text = (Path(__file__).parent.parent / "fixtures" / "qa" / "general.txt").read_text()
    data = {"text": text, "between": "tab", "rows": "newline"}
    location = client.post("/decks/import/quizlet", data=data).headers["Location"]
    form = {"mode": "qa", "question": "0", "answer": "1", "title": "General knowledge"}
    saved = client.post(location, data={**form, "visibility": "private", "submit": "1"})
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    deck = Deck.query.one()
    fronts = {fact.subject_name: fact for fact in Fact.query.all()}
    options = QuizOptions(count=50, kinds=("multiple_choice",))
    attempt = quiz_service.start_quiz(author, deck.key, options, now=utcnow(), seed=2)
    asked = 0
    while (shown := quiz_service.current_question(author, attempt.id, now=utcnow())) is not None:
        body = client.get(f"/quiz/{attempt.id}").get_data(as_text=True)
        assert shown.prompt in body and all(choice in body for choice in shown.choices)
        kinds = {answer_kind(shown.prompt, choice) for choice in shown.choices}
        assert len(kinds) == 1 and shown.prompt in fronts, (shown.prompt, shown.choices)
        asked += 1
        quiz_service.answer(
            author,
            attempt.id,
            position=shown.position,
            question_id=shown.question_id,
            response=shown.choices[0],
            request_id=f"request-{shown.position:04d}",
            now=utcnow(),
        )
    assert asked >= 5


def test_a_study_card_shows_its_fact_picture(client, author, tmp_path):  # noqa: F811
    from quizapp.models import StudyItem, utcnow
    from quizapp.services import study as study_service
    from tests.domain.test_teacher_imports import package_with_pictures

    location = _import_package(client, package_with_pictures(tmp_path))
    assert client.post(location, data={"visibility": "private"}).status_code == 302
    deck = Deck.query.one()
    with_image = {q.fact_id: q.payload["image"] for q in Question.query if q.payload.get("image")}
    assert with_image
    study_service.enroll(author, deck, utcnow())
    seen = set()
    for item in StudyItem.query.filter_by(user_id=author.id):
        # each fact in turn is the next card: the others wait until tomorrow
        for other in StudyItem.query.filter(StudyItem.id != item.id):
            other.due = utcnow() + timedelta(days=1)
        item.due = utcnow() - timedelta(minutes=1)
        db.session.commit()
        body = client.get(f"/study/review?deck={deck.key}").get_data(as_text=True)
        image = with_image.get(item.fact_id)
        if image and 'name="kind" value="reverse"' not in body:
            assert f'src="/decks/{deck.key}/images/{image}"' in body
            seen.add(item.fact_id)
        elif not image:
            assert "question-image" not in body
    assert seen


def test_an_export_of_a_deck_with_pictures_carries_them_and_restores_them(client, author, tmp_path):  # noqa: F811
    import io
    import json
    import zipfile

    from quizapp.domain import images
    from quizapp.models import DeckImage
    from tests.domain.test_teacher_imports import package_with_pictures
    from tests.factories import JPEG, PNG

    location = _import_package(client, package_with_pictures(tmp_path))
    assert client.post(location, data={"visibility": "private"}).status_code == 302
    deck = Deck.query.one()
    package = client.get(f"/export/{deck.key}?format=apkg").data
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        listed = json.loads(archive.read("media"))
        stored = {name: archive.read(member) for member, name in listed.items()}
    assert stored == {images.accept(PNG).name: PNG, images.accept(JPEG).name: JPEG}
    # the text formats carry none, and read none from the database
    assert b"<img" not in client.get(f"/export/{deck.key}?format=csv").data

    # Its package made into a new deck: the new deck has the pictures again, with its facts.
    location = _import_package(client, package)
    assert client.post(location, data={"into": "new", "visibility": "private"}).status_code == 302
    newest = Deck.query.order_by(Deck.id.desc()).first()
    kept = {i.name for i in DeckImage.query.filter_by(deck_id=newest.id)}
    assert newest.id != deck.id and kept == set(stored)
    pictured = {f.get("image") for f in newest.content["facts"]} - {None}
    assert pictured == set(stored)
