"""Importers: real files made here, every bad-file case, and random/mutated files."""

from __future__ import annotations

import io
import sqlite3
import zipfile

import pytest
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp.domain import importers
from quizapp.domain.facts import parse_deck, to_toml
from quizapp.domain.importers import (
    ColumnMapping,
    DeckMeta,
    ImportRefused,
    Limits,
    anki_cards,
    read_apkg,
    read_fact_file,
    read_table,
    table_to_deck,
)
from quizapp.domain.questions import generate
from tests.anki_files import anki_package, genanki_package, zip_bomb, zip_bytes

META = DeckMeta(key="imported", title=None, source="upload", as_of="2025-01-01")
EXPECTED = [
    ("basic", "Capital of France?", "Paris", ["europe", "geo"]),
    ("basic", "Capital of Italy?", "Rome", ["geo"]),
    ("basic", "Capital of Spain?", "Madrid", []),
    ("basic", "Capital of Peru?", "Lima", ["geo"]),
    ("cloze", "The Seine flows through Paris.", "Seine", ["rivers"]),
    ("cloze", "The Seine flows through Paris.", "Paris", ["rivers"]),
]


def summary(deck):
    return [
        (c["kind"], c.get("front") or c["text"], c["answer"], sorted(c["tags"]))
        for c in anki_cards(deck)
    ]


# --- Anki packages ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("apkg")
    return {
        "genanki": genanki_package(folder / "genanki.apkg").read_bytes(),
        "anki-legacy": anki_package(folder, legacy=True).read_bytes(),
        "anki-new": anki_package(folder, legacy=False).read_bytes(),
    }


@pytest.mark.parametrize("name", ["genanki", "anki-legacy", "anki-new"])
def test_basic_and_cloze_notes_become_facts(packages, name):
    imported = read_apkg(packages[name], f"{name}.apkg", META)
    assert summary(imported.deck) == EXPECTED
    assert imported.deck.title == "Geography"
    assert any("sound" in n or "Images" in n for n in imported.notices)


def test_the_new_format_is_the_zstd_collection(packages):
    names = zipfile.ZipFile(io.BytesIO(packages["anki-new"])).namelist()
    assert "collection.anki21b" in names  # and a dummy collection.anki2 we must not read


def test_imported_questions_are_typed_and_cloze(packages):
    deck = read_apkg(packages["anki-new"], "x.apkg", META).deck
    questions = generate(deck).questions
    typed = {q.prompt: q.answer for q in questions if q.kind == "typed"}
    assert typed["Capital of France?"] == "Paris"
    cloze = {q.prompt: q.answer for q in questions if q.kind == "cloze"}
    assert cloze["The ____ flows through Paris."] == "Seine"
    assert cloze["The Seine flows through ____."] == "Paris"
    choices = [q for q in questions if q.kind == "multiple_choice"]
    assert choices and all(set(q.choices) <= {"Paris", "Rome", "Madrid", "Lima"} for q in choices)


def test_the_imported_deck_downloads_as_an_equal_fact_file(packages):
    deck = read_apkg(packages["genanki"], "x.apkg", META).deck
    assert parse_deck(to_toml(deck)) == deck


def test_round_trip_through_a_package_in_export_style(tmp_path):
    """A deck exported as quizapp exports (Basic + Cloze notes, genanki) reads back equal."""
    cloze = [("The {{c1::Seine}} flows through {{c2::Paris}}.", ["rivers"])]
    first = genanki_package(tmp_path / "first.apkg", cloze=cloze)
    deck = read_apkg(first.read_bytes(), "first.apkg", META).deck
    basic, notes = [], {}
    for card in anki_cards(deck):
        if card["kind"] == "basic":
            basic.append((card["front"], card["answer"], card["tags"]))
            continue
        text, tags, number = notes.get(card["text"], (card["text"], card["tags"], 0))
        number += 1
        text = text.replace(card["answer"], f"{{{{c{number}::{card['answer']}}}}}", 1)
        notes[card["text"]] = (text, tags, number)
    exported = genanki_package(
        tmp_path / "export.apkg", basic=basic, cloze=[(t, tags) for t, tags, _ in notes.values()]
    )
    again = read_apkg(exported.read_bytes(), "export.apkg", META).deck
    assert again.facts == deck.facts
    assert again.entities == deck.entities


def test_a_package_with_only_other_notes_is_refused(tmp_path):
    path = genanki_package(tmp_path / "empty.apkg", basic=[], cloze=[])
    with pytest.raises(ImportRefused, match="no Basic or Cloze notes"):
        read_apkg(path.read_bytes(), "empty.apkg", META)


def test_html_is_text_and_script_stays_text(tmp_path):
    path = genanki_package(
        tmp_path / "x.apkg",
        basic=[("<script>alert(1)</script>Q &amp; A", "<i>x</i> &lt;y&gt;", [])],
        cloze=[],
    )
    deck = read_apkg(path.read_bytes(), "x.apkg", META).deck
    assert summary(deck) == [("basic", "alert(1)Q & A", "x <y>", [])]


# --- hostile and broken packages --------------------------------------------------------------


SMALL = Limits(max_entries=50, max_total_size=20 * 1024 * 1024, max_member_size=10 * 1024 * 1024)


def refused(data: bytes, match: str, limits: Limits = SMALL):
    with pytest.raises(ImportRefused, match=match) as info:
        read_apkg(data, "bad.apkg", META, limits)
    return info.value


def test_zip_bomb_is_refused_before_expanding():
    bomb = zip_bomb(60 * 1024 * 1024)
    assert len(bomb) < 1024 * 1024
    refused(bomb, "zip bomb|unpack to", Limits())
    refused(bomb, "unpack to", SMALL)


def test_zstd_bomb_is_refused_while_streaming():
    compressed = zstandard.ZstdCompressor().compress(bytes(30 * 1024 * 1024))
    data = zip_bytes({"collection.anki21b": compressed}, zipfile.ZIP_STORED)
    refused(data, "would unpack to more than", SMALL)


@pytest.mark.parametrize(
    "name", ["../../evil.anki2", "/etc/passwd", "C:\\evil", "media/../../x", "..\\x"]
)
def test_zip_slip_names_are_refused(name, tmp_path):
    data = zip_bytes({name: b"x", "collection.anki2": b"SQLite format 3\x00"})
    refused(data, "unsafe file name")


def test_duplicate_names_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive, pytest.warns(UserWarning):
        archive.writestr("collection.anki2", b"a")
        archive.writestr("collection.anki2", b"b")
    refused(buffer.getvalue(), "twice")


def test_too_many_entries_are_refused():
    data = zip_bytes({f"{i}": b"" for i in range(51)})
    refused(data, "51 files")


@pytest.mark.parametrize(
    "data, match",
    [
        (b"", "not an Anki package"),
        (b"garbage that is not a zip", "not an Anki package"),
        (b"PK\x03\x04 truncated", "not a readable zip"),
    ],
)
def test_garbage_is_refused(data, match):
    refused(data, match)


def test_truncated_package_is_refused(packages):
    data = packages["genanki"]
    refused(data[: len(data) // 2], "not a readable zip|damaged")


def test_no_collection_is_refused():
    refused(zip_bytes({"media": b"{}"}), "no Anki collection")


def test_a_collection_that_is_not_sqlite_is_refused():
    refused(zip_bytes({"collection.anki2": b"hello, not a database" * 100}), "not an SQLite")


def test_a_corrupt_sqlite_collection_is_refused(packages):
    raw = zipfile.ZipFile(io.BytesIO(packages["genanki"])).read("collection.anki2")
    damaged = raw[:100] + bytes(4096) + raw[4196:]
    with pytest.raises(ImportRefused, match=r"damaged|cannot be read|not in a format"):
        read_apkg(zip_bytes({"collection.anki2": damaged}), "bad.apkg", META)


def test_a_database_that_is_not_a_collection_is_refused(tmp_path):
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE things (x)")
    refused(zip_bytes({"collection.anki2": path.read_bytes()}), "not an Anki collection")


def test_views_do_not_pass_for_tables(tmp_path):
    """A collection whose notes 'table' is a never-ending view is refused, not run forever."""
    path = tmp_path / "view.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE col (models, decks)")
        conn.execute("INSERT INTO col VALUES ('{}', '{}')")
        conn.execute(
            "CREATE VIEW notes AS WITH RECURSIVE n(id) AS (SELECT 1 UNION ALL SELECT id + 1 "
            "FROM n) SELECT id, 1 AS mid, '' AS tags, 'a' AS flds FROM n"
        )
    refused(zip_bytes({"collection.anki2": path.read_bytes()}), "a view named .notes.")


# --- fact files -------------------------------------------------------------------------------

TOML = """
[deck]
key = "tiny"
title = "Tiny"
source = "https://example.com"
as_of = "2025"
language = "en"
"""


def test_fact_file_reads():
    assert read_fact_file(TOML.encode(), "tiny.toml").deck.key == "tiny"


@pytest.mark.parametrize(
    "data, match",
    [
        (b"\xff\xfe not utf-8", "not UTF-8"),
        (b"[deck\nkey = ", "TOML syntax error"),
        (TOML.replace('as_of = "2025"', 'as_of = "soon"').encode(), "bad date"),
    ],
)
def test_malformed_fact_files_are_refused(data, match):
    with pytest.raises(ImportRefused, match=match):
        read_fact_file(data, "bad.toml")


# --- tables -----------------------------------------------------------------------------------

TABLE_META = DeckMeta(key="table", title="Capitals", source="upload", as_of="2025")


def test_question_answer_csv():
    data = "question,answer,tags\nCapital of France?,Paris,geo\nCapital of Italy?,Rome,geo\n"
    table = read_table(data.encode(), "c.csv")
    assert table.delimiter == "," and table.header_guess
    deck = table_to_deck(table, ColumnMapping("qa", question=0, answer=1, tags=2), TABLE_META)
    typed = {q.prompt: q.answer for q in generate(deck.deck).questions if q.kind == "typed"}
    assert typed == {"Capital of France?": "Paris", "Capital of Italy?": "Rome"}


@pytest.mark.parametrize("delimiter", ["\t", ";", "|"])
def test_delimiters_are_sniffed(delimiter):
    rows = [["country", "relation", "value"], ["France", "capital", "Paris"]]
    rows += [["Italy", "capital", "Rome"], ["France", "currency", "Euro"]]
    data = "\n".join(delimiter.join(row) for row in rows).encode()
    table = read_table(data, "t.tsv")
    assert table.delimiter == delimiter
    imported = table_to_deck(
        table, ColumnMapping("erv", subject=0, relation=1, value=2), TABLE_META
    )
    deck = imported.deck
    assert {r.label for r in deck.relations.values()} == {"capital", "currency"}
    typed = {q.prompt for q in generate(deck).questions if q.kind == "typed"}
    assert "What is the capital of France?" in typed


def test_a_relation_name_with_braces_stays_text():
    data = b"a,{subject} x {evil},b\n"
    table = read_table(data, "t.csv")
    deck = table_to_deck(
        table, ColumnMapping("erv", header=False, subject=0, relation=1, value=2), TABLE_META
    ).deck
    assert any("{subject} x {evil}" in q.prompt for q in generate(deck).questions)


@pytest.mark.parametrize(
    "data, match",
    [
        (b"", "empty"),
        (b"just one column\nand another row\n", "only one column"),
        (b"a,b\x00c\n", "NUL"),
        (b"\xff\xfe\x00", "not UTF-8"),
    ],
)
def test_malformed_tables_are_refused(data, match):
    with pytest.raises(ImportRefused, match=match):
        read_table(data, "bad.csv")


def test_a_bad_mapping_is_refused():
    table = read_table(b"q,a\nx,y\n", "t.csv")
    with pytest.raises(ImportRefused, match="no column 5"):
        table_to_deck(table, ColumnMapping("qa", question=0, answer=4), TABLE_META)
    with pytest.raises(ImportRefused, match="different column"):
        table_to_deck(table, ColumnMapping("qa", question=0, answer=0), TABLE_META)
    with pytest.raises(ImportRefused, match="No row gave a fact"):
        table_to_deck(
            read_table(b"q,a\nx,\n", "t.csv"), ColumnMapping("qa", question=0, answer=1), TABLE_META
        )


# --- property: random and mutated files never crash an importer --------------------------------

FAST = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def import_anything(data: bytes) -> None:
    """Every importer, on the same bytes: a deck (valid) or ImportRefused, nothing else."""
    for read in (
        lambda: read_apkg(data, "x.apkg", META, SMALL),
        lambda: read_fact_file(data, "x.toml"),
        lambda: table_to_deck(
            read_table(data, "x.csv", SMALL), ColumnMapping("qa", question=0, answer=1), META
        ),
        lambda: table_to_deck(
            read_table(data, "x.csv", SMALL),
            ColumnMapping("erv", header=False, subject=0, relation=1, value=1 + 1),
            META,
        ),
    ):
        try:
            imported = read()
        except ImportRefused as error:
            assert error.problems and all(isinstance(p, str) and p for p in error.problems)
        else:
            assert parse_deck(to_toml(imported.deck)) == imported.deck


@FAST
@given(st.binary(max_size=2000))
def test_random_bytes(data):
    import_anything(data)


@FAST
@given(st.text(alphabet=st.sampled_from('ab,;\t\n"{}=[]#x1 .-'), max_size=300))
def test_random_text(text):
    import_anything(text.encode())


@pytest.fixture(scope="module")
def seeds(packages):
    return [packages["genanki"], packages["anki-new"], TOML.encode(), b"q,a\nx,y\nz,w\n"]


@FAST
@given(st.data())
def test_mutated_files(seeds, data):
    original = bytearray(data.draw(st.sampled_from(seeds)))
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(original) - 1))
        action = data.draw(st.sampled_from(["flip", "cut", "zero"]))
        if action == "flip":
            original[position] ^= 1 << data.draw(st.integers(0, 7))
        elif action == "cut":
            del original[position:]
            if not original:
                break
        else:
            original[position : position + 64] = bytes(len(original[position : position + 64]))
    import_anything(bytes(original))


@FAST
@given(st.data())
def test_mutated_collections(packages, data):
    """Damage inside the SQLite database itself (a valid archive around it)."""
    raw = bytearray(zipfile.ZipFile(io.BytesIO(packages["genanki"])).read("collection.anki2"))
    for _ in range(data.draw(st.integers(1, 6))):
        position = data.draw(st.integers(0, len(raw) - 1))
        raw[position] = data.draw(st.integers(0, 255))
    import_anything(zip_bytes({"collection.anki2": bytes(raw)}))


def test_slug():
    assert importers.slug("What is the capital of France?") == "what-is-the-capital-of-france"
    assert importers.slug("日本") == ""
