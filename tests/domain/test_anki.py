"""Exports, read back by the real Anki library: counts, fields, tags, cloze, re-import."""

from __future__ import annotations

import csv
import io
import itertools
import json
import sqlite3
import zipfile
from pathlib import Path

import genanki
import pytest

from quizapp.domain import anki
from quizapp.domain.anki import fields as anki_fields
from quizapp.domain.facts import parse_deck
from quizapp.domain.questions import generate
from quizapp.domain.spreadsheet import safe_cell
from tests.anki_tools import collection, import_apkg, import_text, notes, notes_by_guid
from tests.factories import PNG

T0 = 1_738_000_000.0  # any fixed moment: exports are reproducible


def export_of(deck, timestamp=T0, **options) -> anki.ExportSet:
    return anki.ExportSet(deck, deck.facts, generate(deck).questions, timestamp, **options)


def write(tmp_path: Path, export: anki.ExportSet, fmt: str, name: str | None = None) -> Path:
    path = tmp_path / (name or f"out.{anki.EXPORTERS[fmt].extension}")
    with path.open("wb") as out:
        anki.EXPORTERS[fmt].write(export, out, lambda _: None)
    return path


def expected_counts(export: anki.ExportSet) -> tuple[int, int]:
    """(notes, cards) the export should hold, counted from the questions."""
    by_fact = export.questions_by_fact()
    n_notes = n_cards = 0
    for fact in export.facts:
        questions = by_fact.get(fact.key, [])
        reverse = [q for q in questions if q.kind == "reverse"]
        choice = [q for q in questions if q.kind in anki.CHOICE_KINDS and q.choices]
        cloze = [q for q in questions if q.kind == "cloze"]
        n_notes += 1 + len(choice) + len(cloze)
        n_cards += 1 + (len(reverse) == 1) + len(choice) + len(cloze)
    return n_notes, n_cards


def test_package_imports_into_anki_with_its_deck_notes_and_cards(tmp_path, startups):
    export = export_of(startups)
    package = write(tmp_path, export, "apkg")
    with collection(tmp_path / "collection.anki2") as col:
        log = import_apkg(col, package)
        n_notes, n_cards = expected_counts(export)
        assert len(log.new) == col.note_count() == n_notes
        assert col.card_count() == n_cards
        names = {d.name for d in col.decks.all_names_and_ids()}
        assert "quizapp::Chinese AI startups" in names
        assert {m.name for m in col.models.all_names_and_ids()} >= {
            "quizapp fact",
            "quizapp cloze",
            "quizapp multiple choice",
        }
        assert col.models.get(anki.FACT_MODEL_ID)["name"] == "quizapp fact"

        note = notes_by_guid(col)[anki.fact_guid("startups", "stepfun-founder")]
        assert note["Question"] == "Who founded Stepfun?"
        assert note["Answer"] == "Jiang Daxin"
        assert note["Entity"] == "Stepfun"
        assert note["Relation"] == "founders"
        assert "Jiang Daxin, Stepfun came late" in note["Evidence"]
        assert note["Reverse"] == "Which company was founded by Jiang Daxin?"
        assert note["Reverse answer"] == "Stepfun"
        assert note["quizapp id"] == "startups/stepfun-founder"
        assert sorted(note.tags) == ["founder", "startups", "stepfun"]
        forward, reverse = sorted(note.cards(), key=lambda card: card.ord)
        assert "Who founded Stepfun?" in forward.question()
        assert "Jiang Daxin" not in forward.question()
        assert "Jiang Daxin" in forward.answer()
        assert "Which company was founded by Jiang Daxin?" in reverse.question()
        decks = {col.decks.name(card.did) for card in note.cards()}
        assert decks == {"quizapp::Chinese AI startups"}


def test_facts_without_a_reverse_question_get_no_reverse_card(tmp_path, startups):
    package = write(tmp_path, export_of(startups), "apkg")
    with collection(tmp_path / "collection.anki2") as col:
        import_apkg(col, package)
        by_guid = notes_by_guid(col, '"note:quizapp fact"')
        focus = by_guid[anki.fact_guid("startups", "infinigence-focus")]  # reverse = false
        assert focus["Reverse"] == ""
        assert len(focus.cards()) == 1
        # A `many` fact with two values has two reverse questions: none on the note.
        backers = by_guid[anki.fact_guid("startups", "stepfun-backers")]
        assert backers["Answer"] == "Tencent, Shanghai government"
        assert len(backers.cards()) == 1


def test_cloze_and_multiple_choice_cards_render(tmp_path, startups):
    export = export_of(startups)
    package = write(tmp_path, export, "apkg")
    question = {(q.fact_key, q.kind): q for q in export.questions}
    with collection(tmp_path / "collection.anki2") as col:
        import_apkg(col, package)
        by_guid = notes_by_guid(col)
        cloze = by_guid[anki.question_guid("startups", question["moonshot-valuation", "cloze"].id)]
        assert cloze.note_type()["name"] == "quizapp cloze"
        assert cloze["Text"] == "The company is valued at around {{c1::$3 billion}}."
        (card,) = cloze.cards()
        assert "$3 billion" not in card.question()
        assert "[...]" in card.question()
        assert "$3 billion" in card.answer()

        mc = question["stepfun-founder", "multiple_choice"]
        choice = by_guid[anki.question_guid("startups", mc.id)]
        assert choice.note_type()["name"] == "quizapp multiple choice"
        (card,) = choice.cards()
        front, back = card.question(), card.answer()
        for option in mc.choices:
            assert option in front
        assert 'class="correct"' in choice["Options"]
        assert 'class="choices revealed"' in back and 'class="choices revealed"' not in front
        assert choice["Answer"] == "Jiang Daxin"


def test_text_is_escaped_and_shows_as_written(tmp_path, edited_toml):
    deck = parse_deck(
        edited_toml(
            'evidence = "Founded by AI veteran Yan Junjie, Minimax is best known for Talkie."',
            'evidence = "Founded by AI veteran Yan Junjie, Minimax is best known for '
            '<Talkie> & co."\ncloze = "<Talkie> & co"',
        )
    )
    export = export_of(deck)
    package = write(tmp_path, export, "apkg")
    cloze_id = next(
        q.id for q in export.questions if q.fact_key == "minimax-founder" and q.kind == "cloze"
    )
    with collection(tmp_path / "collection.anki2") as col:
        import_apkg(col, package)
        by_guid = notes_by_guid(col)
        note = by_guid[anki.fact_guid("startups", "minimax-founder")]
        assert note["Evidence"].endswith("best known for &lt;Talkie&gt; &amp; co.")
        card = note.cards()[0]
        assert "&lt;Talkie&gt; &amp; co." in card.answer()
        assert "<Talkie>" not in card.answer()
        cloze = by_guid[anki.question_guid("startups", cloze_id)]
        assert "{{c1::&lt;Talkie&gt; &amp; co}}" in cloze["Text"]
        assert "&lt;Talkie&gt; &amp; co" in cloze.cards()[0].answer()


def test_cloze_syntax_in_the_text_is_not_read_as_cloze():
    text = anki_fields._cloze_text("a {{c2::b}} :: c, x", "x")
    assert text == "a &#123;&#123;c2:&#58;b&#125;&#125; :&#58; c, {{c1::x}}"


def test_source_links_only_web_addresses():
    assert anki_fields._source_html("https://example.com/a?b=1&c=2") == (
        '<a href="https://example.com/a?b=1&amp;c=2">example.com</a>'
    )
    assert anki_fields._source_html("javascript:alert(1)") == "javascript:alert(1)"


def test_reexport_after_an_edit_updates_notes_instead_of_adding(tmp_path, startups, edited_toml):
    first = write(tmp_path, export_of(startups), "apkg", "first.apkg")
    edited = parse_deck(
        edited_toml(
            "Founded in 2023, Infinigence AI is smaller",
            "Founded in 2023, Infinigence AI is much smaller",
        )
    )
    second = write(tmp_path, export_of(edited, timestamp=T0 + 3600), "apkg", "second.apkg")
    guid = anki.fact_guid("startups", "infinigence-founded")
    with collection(tmp_path / "collection.anki2") as col:
        import_apkg(col, first)
        n_notes, n_cards = col.note_count(), col.card_count()
        log = import_apkg(col, second)
        assert len(log.new) == 0
        assert col.note_count() == n_notes and col.card_count() == n_cards
        note = notes_by_guid(col)[guid]
        assert "much smaller" in note["Evidence"]
        # The same export imported again changes nothing.
        assert len(import_apkg(col, second).new) == 0
        assert col.note_count() == n_notes


def test_two_decks_never_share_a_guid(tmp_path, startups, startups_toml):
    other = parse_deck(startups_toml.replace('key = "startups"', 'key = "startups-copy"'))
    ours = {note.guid for note in anki.build_package(export_of(startups)).decks[0].notes}
    theirs = {note.guid for note in anki.build_package(export_of(other)).decks[0].notes}
    assert ours and theirs and not ours & theirs
    with collection(tmp_path / "collection.anki2") as col:
        import_apkg(col, write(tmp_path, export_of(startups), "apkg", "a.apkg"))
        import_apkg(col, write(tmp_path, export_of(other), "apkg", "b.apkg"))
        assert col.note_count() == len(ours) + len(theirs)


def test_guids_come_from_ids_not_contents(startups, edited_toml):
    before = [n.guid for n in anki.build_package(export_of(startups)).decks[0].notes]
    edited = parse_deck(edited_toml('name = "Stepfun"', 'name = "StepFun Inc"'))
    after = [n.guid for n in anki.build_package(export_of(edited)).decks[0].notes]
    assert before == after
    assert len(set(before)) == len(before)


def test_package_is_reproducible(tmp_path, startups):
    one = write(tmp_path, export_of(startups), "apkg", "one.apkg").read_bytes()
    two = write(tmp_path, export_of(startups), "apkg", "two.apkg").read_bytes()
    assert one == two
    later = write(tmp_path, export_of(startups, timestamp=T0 + 1), "apkg", "3.apkg").read_bytes()
    assert later != one


def _genanki_collection(export: anki.ExportSet) -> sqlite3.Connection:
    """The collection genanki's own per-note `write_to_db` writes for an export."""
    connection = sqlite3.connect(":memory:")
    ids = itertools.count(int(export.timestamp * 1000))
    anki.build_package(export).write_to_db(connection.cursor(), export.timestamp, ids)
    return connection


def _package_collection(tmp_path: Path, export: anki.ExportSet) -> sqlite3.Connection:
    package = write(tmp_path, export, "apkg")
    with zipfile.ZipFile(package) as archive:
        (tmp_path / "c.anki2").write_bytes(archive.read("collection.anki2"))
    return sqlite3.connect(tmp_path / "c.anki2")


@pytest.mark.parametrize("subdecks", [False, True])
def test_bulk_writer_writes_the_rows_genanki_writes(tmp_path, startups, subdecks):
    """`write_apkg` skips genanki's per-note objects; the collection must not change."""
    export = export_of(startups, subdecks=subdecks)
    theirs = _genanki_collection(export)
    ours = _package_collection(tmp_path, export)
    for table in ("col", "notes", "cards"):
        query = f"SELECT * FROM {table} ORDER BY id"
        expected = theirs.execute(query).fetchall()
        assert ours.execute(query).fetchall() == expected
        assert expected
    # The same tables and indexes (built after the rows went in, but the same ones).
    schema = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
    assert ours.execute(schema).fetchall() == theirs.execute(schema).fetchall()
    assert ours.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_fast_guid_is_genankis_guid():
    for parts in [("quizapp", "startups", "x", "fact"), ("é✓", ""), ("a" * 300,), ("0",)]:
        assert anki.guid_for(*parts) == genanki.guid_for(*parts)


def test_subdecks_per_entity_and_chosen_note_types(tmp_path, startups):
    export = export_of(startups, subdecks=True, note_types=frozenset({"fact"}))
    with collection(tmp_path / "collection.anki2") as col:
        import_apkg(col, write(tmp_path, export, "apkg"))
        assert col.note_count() == len(startups.facts)
        assert {n.note_type()["name"] for n in notes(col)} == {"quizapp fact"}
        stepfun = notes_by_guid(col)[anki.fact_guid("startups", "stepfun-founder")]
        assert col.decks.name(stepfun.cards()[0].did) == "quizapp::Chinese AI startups::Stepfun"


def test_tsv_has_ankis_header_and_imports_with_ankis_own_importer(tmp_path, startups):
    export = export_of(startups)
    path = write(tmp_path, export, "tsv")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[:6] == [
        "#separator:tab",
        "#html:true",
        "#guid column:1",
        "#notetype column:2",
        "#deck column:3",
        "#tags column:6",
    ]
    rows = list(csv.reader(lines[6:], delimiter="\t"))
    assert all(len(row) == 6 for row in rows)
    with collection(tmp_path / "collection.anki2") as col:
        log = import_text(col, path)
        assert len(log.new) == len(rows) == col.note_count()
        basic = {n["Front"]: n for n in notes(col, '"note:Basic"')}
        note = basic["Who founded Stepfun?"]
        assert note["Back"].startswith("<b>Jiang Daxin</b>")
        assert sorted(note.tags) == ["founder", "startups", "stepfun"]
        assert col.decks.name(note.cards()[0].did) == "quizapp::Chinese AI startups"
        assert "Which company was founded by Jiang Daxin?" in basic
        clozes = notes(col, '"note:Cloze"')
        assert any("{{c1::$3 billion}}" in n["Text"] for n in clozes)
        assert all(len(n.cards()) == 1 for n in clozes)
        # Importing the same file again updates in place (same GUIDs).
        import_text(col, path)
        assert col.note_count() == len(rows)


def test_csv_has_a_row_per_question_and_defuses_formulas(startups, edited_toml):
    deck = parse_deck(
        edited_toml(
            'evidence = "The company is valued at around $3 billion."',
            'evidence = "=HYPERLINK(1) The company is valued at around $3 billion."',
        )
    )
    export = export_of(deck)
    out = io.BytesIO()
    anki.EXPORTERS["csv"].write(export, out, lambda _: None)
    text = out.getvalue().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(anki.CSV_COLUMNS)
    assert len(rows) == len(export.questions)
    mc = next(r for r in rows if r["fact"] == "stepfun-founder" and r["kind"] == "multiple_choice")
    assert mc["question"] == "Who founded Stepfun?"
    assert mc["answer"] == "Jiang Daxin"
    assert len(mc["options"].split(" | ")) == 4 and "Jiang Daxin" in mc["options"]
    injected = [r for r in rows if r["fact"] == "moonshot-valuation"]
    assert injected and all(r["evidence"].startswith("'=HYPERLINK") for r in injected)


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('+1+HYPERLINK("http://evil.example/","Click")', "'+1+HYPERLINK"),
        ("-1+1+cmd|' /C calc'!A0", "'-1+1+cmd"),
        ("=1+1", "'=1+1"),
        ("@SUM(A1)", "'@SUM"),
        ("\t=1", "'\t=1"),
        ("-5%", "-5%"),
        ("+3.5", "+3.5"),
        ("-12", "-12"),
        ("Paris", "Paris"),
    ],
)
def test_one_rule_makes_every_cell_spreadsheet_safe(cell, written):
    assert safe_cell(cell).startswith(written)
    assert safe_cell(7) == 7 and safe_cell(None) is None


def test_jsonl_is_the_question_bank(startups):
    export = export_of(startups)
    out = io.BytesIO()
    anki.EXPORTERS["jsonl"].write(export, out, lambda _: None)
    lines = [json.loads(line) for line in out.getvalue().decode().splitlines()]
    expected = sorted((q.to_dict() for q in export.questions), key=lambda q: q["id"])
    # Every field kept; `category` added for options that name the deck's entities.
    assert [{k: v for k, v in line.items() if k != "category"} for line in lines] == expected
    by_id = {line["id"]: line for line in lines}
    founder = by_id[
        next(
            q.id
            for q in export.questions
            if q.fact_key == "stepfun-founder" and q.kind == "multiple_choice"
        )
    ]
    assert founder["category"] == ["person"] * len(founder["choices"])
    dates = [line for line in lines if line["answer_kind"] == "date" and line["choices"]]
    assert dates and all("category" not in line for line in dates)
    typed = [line for line in lines if not line["choices"]]
    assert typed and all("category" not in line for line in typed)


def test_option_categories_leave_out_names_of_two_types(startups):
    categories = anki.option_categories(startups)
    assert categories["Jiang Daxin"] == "person" and categories["Stepfun"] == "company"
    question = {"choices": ["Jiang Daxin", "1999", "Stepfun"], "id": "x"}
    assert anki.with_categories(question, categories)["category"] == ["person", None, "company"]
    assert anki.with_categories(question, {}) == question


@pytest.mark.parametrize("fmt", list(anki.EXPORTERS))
def test_every_exporter_reports_progress_for_every_fact(fmt, startups):
    done = []
    anki.EXPORTERS[fmt].write(export_of(startups), io.BytesIO(), done.append)
    assert sum(done) == len(startups.facts)


def test_only_chosen_facts_are_exported(tmp_path, startups):
    chosen = tuple(f for f in startups.facts if f.subject == "moonshot")
    export = anki.ExportSet(startups, chosen, generate(startups).questions, T0)
    with collection(tmp_path / "collection.anki2") as col:
        import_apkg(col, write(tmp_path, export, "apkg"))
        assert col.note_count() == expected_counts(export)[0]
        assert {tag for n in notes(col) for tag in n.tags} >= {"moonshot"}
        assert not any("stepfun" in n.tags for n in notes(col))


# --- pictures --------------------------------------------------------------------------------


def with_picture(deck):
    """The deck with its first fact showing the 1x1 PNG; (deck, its picture's name)."""
    from dataclasses import replace

    from quizapp.domain import images

    name = images.accept(PNG).name
    first, *rest = deck.facts
    return replace(deck, facts=(replace(first, image=name), *rest)), name


def test_a_facts_picture_travels_in_the_package_and_anki_shows_it_on_the_front(tmp_path, startups):
    deck, name = with_picture(startups)
    package = write(tmp_path, export_of(deck, images={name: PNG}), "apkg")
    with zipfile.ZipFile(package) as archive:
        assert json.loads(archive.read("media")) == {"0": name}
        assert archive.read("0") == PNG
    with collection(tmp_path / "c.anki2") as col:
        import_apkg(col, package)
        assert col.media.have(name)
        ref = f"{deck.key}/{deck.facts[0].key}"
        shown = [n for n in notes(col) if n["quizapp id"].startswith(ref)]
        assert shown and all(f'<img src="{name}"' in (n.fields[0]) for n in shown)
        # never on a back, nor on the reverse card's front (it could be the answer's)
        fact_note = next(n for n in shown if n.note_type()["name"] == "quizapp fact")
        assert all("<img" not in fact_note[f] for f in ("Answer", "Reverse", "Reverse answer"))
        others = [n for n in notes(col) if not n["quizapp id"].startswith(ref)]
        assert others and not any("<img" in "".join(n.fields) for n in others)


def test_a_picture_the_export_does_not_hold_is_left_out(tmp_path, startups):
    deck, _ = with_picture(startups)
    package = write(tmp_path, export_of(deck), "apkg")
    with zipfile.ZipFile(package) as archive:
        assert json.loads(archive.read("media")) == {} and "0" not in archive.namelist()
        assert b"<img" not in archive.read("collection.anki2")


def test_quizapps_own_package_read_back_gives_the_fact_its_picture(tmp_path, startups):
    from quizapp.domain.importers import DeckMeta, read_apkg

    deck, name = with_picture(startups)
    package = write(tmp_path, export_of(deck, images={name: PNG}), "apkg")
    imported = read_apkg(package.read_bytes(), "export.apkg", DeckMeta("t", "T", "", "2025"))
    pictured = [imported.origins[fact.key] for fact in imported.deck.facts if fact.image == name]
    assert pictured == [(deck.key, deck.facts[0].key)]
    assert imported.images[name].data == PNG
