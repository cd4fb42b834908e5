"""Hostile uploads (issue 15): each file a red-team pass used to stall or exhaust a worker.

Every parser of untrusted text charges its work to an `importers.Work` and is
held here to a small multiple of its input; SQLite's work is counted by its
progress handler. No test measures time: a regression shows as a work figure
over its bound (or, for the SQLite values, as memory that was never allocated).
"""

from __future__ import annotations

import io
import json
import resource
import sqlite3
from pathlib import Path

import pytest

from quizapp.domain import importers
from quizapp.domain.importers import DeckMeta, ImportRefused, Limits, Work
from quizapp.domain.importers.collection import SqliteGuard, read_collection
from tests.anki_files import genanki_package, zip_bytes

META = DeckMeta(key="hostile", title=None, source="upload", as_of="2025-01-01")
LINEAR = 4  # units of work per character of input a linear parser may spend


# --- text parsers: linear work ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "{{c1::" * 100_000,
        "{{c1::a::" * 50_000,
        "}}{{c1::::" * 50_000,
        "{{c1::x}}" * 50_000,
        "{{c1::{{c2::{{c3::" * 30_000 + "}}" * 30_000,
    ],
    ids=["open", "open-hint", "close-first", "closed", "nested"],
)
def test_cloze_parsing_is_linear(text):
    work = Work()
    importers.parse_clozes(text, work)
    assert work.used <= LINEAR * len(text)


@pytest.mark.parametrize(
    "text",
    [
        "<!--" * 150_000,
        "<!" * 200_000,
        "<a " * 200_000,
        '<a "' * 150_000,
        "<a title='" * 60_000,
        "<" * 500_000,
        "[sound:" * 80_000,
        "&#" * 250_000,
        "<b>" * 150_000,
    ],
    ids=["comment", "declaration", "open-tag", "quote", "apostrophe", "lt", "sound", "ref", "tags"],
)
def test_field_html_is_linear(text):
    work = Work()
    importers.field_text(text, work)
    assert work.used <= LINEAR * len(text)


def test_field_html_keeps_what_a_learner_reads():
    text, media = importers.field_text(
        'a < b <b title="x>y">bold</b><br>line<!-- note -->&amp; <img src="x.png">'
    )
    assert text == "a < b bold line&"
    assert media


def test_cloze_nesting_and_hints_survive_the_linear_parser():
    pieces = importers.parse_clozes("{{c1::Paris::city}} on the {{c2::Seine}}, {{c3::open")
    shown = [p if isinstance(p, str) else (p.number, p.content, p.hint) for p in pieces]
    assert shown == [
        "",
        (1, ["Paris"], ["city"]),
        " on the ",
        (2, ["Seine"], None),
        ", ",
        "{{c3::",
        "open",
    ]


def test_a_csv_that_made_the_sniffer_backtrack_is_read_in_linear_work():
    data = ('\n"a' * 16_384).encode()  # 64 KB
    work = Work()
    with pytest.raises(ImportRefused):
        importers.read_table(data, "hostile.csv", work=work)
    assert work.used <= 6 * len(data)


def test_csv_header_and_delimiter_are_found_without_the_sniffer():
    table = importers.read_table(b"Term;Definition\nchat;cat\nchien;dog\n", "words.csv")
    assert table.delimiter == ";"
    assert table.header_guess
    plain = importers.read_table(b"chat,cat\nchien,dog\n", "words.csv")
    assert plain.delimiter == "," and not plain.header_guess
    numbers = importers.read_table(b"Country\tPopulation\nFrance\t68\nPeru\t34\n", "x.tsv")
    assert numbers.delimiter == "\t" and numbers.header_guess


# --- Anki packages: the hostile files, end to end ---------------------------------------------


def test_the_672_byte_cloze_package_is_read_in_linear_work(tmp_path):
    text = "{{c1::" * 2_000
    path = genanki_package(tmp_path / "cloze.apkg", basic=[("Q", "A", [])], cloze=[(text, [])])
    imported = importers.read_apkg(path.read_bytes(), "cloze.apkg", META)
    assert [f.relation for f in imported.deck.facts] == ["answer"]  # no deletion: skipped
    assert any("without a cloze deletion" in n for n in imported.notices)


def test_a_field_of_150000_comment_openings_is_skipped_unparsed(tmp_path):
    path = genanki_package(
        tmp_path / "html.apkg", basic=[("<!--" * 150_000, "back", []), ("Q", "A", [])], cloze=[]
    )
    imported = importers.read_apkg(path.read_bytes(), "html.apkg", META)
    assert len(imported.deck.facts) == 1
    assert any("over 64 KB" in n for n in imported.notices)


def legacy_collection(path: Path, *, notes_sql: str = "", extra: tuple[str, ...] = ()) -> Path:
    """A minimal old-format collection: a Basic note type and one note, plus `extra` SQL."""
    models = {"1": {"name": "Basic", "type": 0, "flds": [{"name": "Front"}, {"name": "Back"}]}}
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE col (models TEXT, decks TEXT)")
        conn.execute("INSERT INTO col VALUES (?, ?)", (json.dumps(models), "{}"))
        conn.execute(notes_sql or "CREATE TABLE notes (id, mid, tags, flds)")
        if not notes_sql.startswith("CREATE VIEW"):
            conn.execute("INSERT INTO notes (id, mid, tags, flds) VALUES (1, 1, '', 'Q\x1fA')")
        for statement in extra:
            conn.execute(statement)
    return path


def package(path: Path) -> bytes:
    return zip_bytes({"collection.anki2": path.read_bytes()})


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize(
    "statement",
    [
        "CREATE VIEW decks AS SELECT 1 AS id, zeroblob(900000000) AS name",
        "CREATE VIEW decks AS SELECT 1 AS id, printf('%.*c', 900000000, 'x') AS name",
        "CREATE VIEW cards AS SELECT 1 AS did, randomblob(900000000) AS x",
        "CREATE VIRTUAL TABLE cards USING rtree(did, a, b)",
    ],
    ids=["zeroblob-view", "printf-view", "randomblob-view", "virtual-table"],
)
def test_views_and_virtual_tables_where_tables_belong_are_refused(tmp_path, statement):
    path = legacy_collection(tmp_path / "c.sqlite", extra=(statement,))
    before = peak_memory_mb()
    with pytest.raises(ImportRefused, match=r"(view|virtual table) named"):
        importers.read_apkg(package(path), "hostile.apkg", META)
    assert peak_memory_mb() - before < 200


@pytest.mark.parametrize(
    "notes_sql",
    [
        "CREATE TABLE notes (id, mid, tags, flds, x AS (zeroblob(900000000)))",
        "CREATE TABLE notes (id, mid, tags, f, flds AS (printf('%.*c', 900000000, f)))",
    ],
    ids=["generated-zeroblob", "generated-printf"],
)
def test_computed_columns_are_refused(tmp_path, notes_sql):
    path = tmp_path / "c.sqlite"
    models = {"1": {"name": "Basic", "type": 0, "flds": [{"name": "Front"}, {"name": "Back"}]}}
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE col (models TEXT, decks TEXT)")
        conn.execute("INSERT INTO col VALUES (?, ?)", (json.dumps(models), "{}"))
        conn.execute(notes_sql)
    with pytest.raises(ImportRefused, match="computed columns"):
        importers.read_apkg(package(path), "hostile.apkg", META)


def test_a_plain_collection_is_read_in_a_few_thousand_steps(tmp_path):
    path = legacy_collection(tmp_path / "c.sqlite")
    guard = SqliteGuard(Limits().max_sqlite_steps)
    collection = read_collection(str(path), Limits(), guard)
    assert [n.fields for n in collection.notes] == [{"Front": "Q", "Back": "A"}]
    assert guard.steps < 20_000  # quick_check and four small queries


def test_a_value_over_the_length_limit_is_never_built(tmp_path):
    # A real table holding a big value: skipped by length() before Python sees it.
    path = legacy_collection(tmp_path / "c.sqlite")
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO notes VALUES (2, 1, '', ?)", ("x" * 70_000 + "\x1fA",))
    imported = importers.read_apkg(package(path), "big.apkg", META)
    assert len(imported.deck.facts) == 1
    assert any("over 64 KB" in n for n in imported.notices)


def test_a_recursive_view_is_stopped_by_the_work_bound(tmp_path):
    path = legacy_collection(
        tmp_path / "c.sqlite",
        notes_sql=(
            "CREATE VIEW notes AS WITH RECURSIVE n(id) AS (SELECT 1 UNION ALL SELECT id + 1"
            " FROM n) SELECT id, 1 AS mid, '' AS tags, 'a' AS flds FROM n"
        ),
    )
    with pytest.raises(ImportRefused, match="view named 'notes'"):
        importers.read_apkg(package(path), "hostile.apkg", META)


def test_total_work_is_bounded_by_the_progress_handler(tmp_path):
    path = legacy_collection(tmp_path / "c.sqlite")
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO notes VALUES (?, 1, '', ?)", ((i, f"q{i}\x1fa") for i in range(2, 3000))
        )
    guard = SqliteGuard(limit=50)  # 5,000 VM steps
    with pytest.raises(ImportRefused, match="too large to read"):
        try:
            read_collection(str(path), Limits(), guard)
        finally:
            assert guard.calls == 51
    assert guard.steps <= 5_100


@pytest.mark.parametrize(
    ("models", "match"),
    [
        ("[" * 100_000, "nested too deeply"),
        ('{"1e999": {"name": "x"}}', "not in a format"),
    ],
    ids=["deep-json", "huge-key"],
)
def test_hostile_note_types_are_refused(tmp_path, models, match):
    path = legacy_collection(tmp_path / "c.sqlite")
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE col SET models = ?", (models,))
    with pytest.raises(ImportRefused, match=match):
        importers.read_apkg(package(path), "hostile.apkg", META)


def test_a_note_type_id_of_1e999_is_refused_not_a_500(tmp_path):
    path = legacy_collection(tmp_path / "c.sqlite")
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE notes SET mid = 1e999")
    with pytest.raises(ImportRefused, match="no Basic or Cloze notes"):
        importers.read_apkg(package(path), "hostile.apkg", META)


def test_the_new_format_tables_are_checked_too(tmp_path):
    path = legacy_collection(
        tmp_path / "c.sqlite",
        extra=(
            "CREATE TABLE notetypes (id, name, config)",
            "CREATE TABLE fields (ntid, ord, name)",
            "CREATE VIEW decks AS SELECT 1 AS id, zeroblob(900000000) AS name",
        ),
    )
    with pytest.raises(ImportRefused, match="view named 'decks'"):
        importers.read_apkg(package(path), "hostile.apkg", META)


def test_an_archive_of_a_hostile_collection_stores_nothing(client, make_user, login, tmp_path):
    from quizapp.models import Deck, PendingImport
    from tests.conftest import count_rows

    login(client, make_user("teacher"))
    path = legacy_collection(
        tmp_path / "c.sqlite",
        extra=("CREATE VIEW decks AS SELECT 1 AS id, zeroblob(900000000) AS name",),
    )
    data = {"file": (io.BytesIO(package(path)), "hostile.apkg")}
    response = client.post("/decks/import/anki", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "view named" in response.get_data(as_text=True)
    assert count_rows(Deck) == count_rows(PendingImport) == 0


def test_the_authorizer_refuses_every_function_but_count_and_length():
    # The second line behind the real-table checks: no SQL of the collection can call
    # zeroblob, printf or randomblob, wherever it hides.
    from quizapp.domain.importers.collection import _authorizer

    conn = sqlite3.connect(":memory:")
    conn.set_authorizer(_authorizer)
    assert conn.execute("SELECT count(*), length('abc')").fetchone() == (1, 3)
    for call in ("zeroblob(9)", "printf('%d', 1)", "randomblob(9)", "upper('a')"):
        with pytest.raises(sqlite3.DatabaseError, match="not authorized"):
            conn.execute(f"SELECT {call}")
    conn.close()
