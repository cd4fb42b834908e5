"""`quizapp export anki|tsv|csv|jsonl|moodle|gift|qti|kahoot DECK -o FILE`."""

from __future__ import annotations

import click
import pytest

from quizapp.commands import _write_atomically
from quizapp.domain.facts import parse_deck
from quizapp.services import decks as deck_service
from tests.anki_tools import collection, import_apkg, import_text
from tests.domain.conftest import STARTUPS_TOML


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def invoke(*args):
        return runner.invoke(args=list(args))

    return invoke


@pytest.fixture
def outdir(tmp_path):
    """A folder of its own for the files written."""
    path = tmp_path / "out"
    path.mkdir()
    return path


@pytest.fixture
def startups(app, startups_rows) -> None:
    """The small startups deck of tests/domain/conftest.py, synced."""


def test_export_anki_package(cli, startups, outdir):
    out = outdir / "out.apkg"
    result = cli("export", "anki", "startups", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "Exporting 16 facts" in result.output  # the progress bar's label
    assert f"Wrote 16 facts of startups to {out}" in result.output
    with collection(outdir / "c.anki2") as col:
        assert len(import_apkg(col, out).new) == col.note_count() > 16
    assert sorted(p.name for p in outdir.iterdir() if not p.name.startswith("c.")) == ["out.apkg"]


def test_export_tsv_of_one_entity_imports_into_anki(cli, startups, outdir):
    out = outdir / "moonshot.tsv"
    result = cli("export", "tsv", "startups", "--entity", "moonshot", "-o", str(out))
    assert result.exit_code == 0, result.output
    with collection(outdir / "c.anki2") as col:
        log = import_text(col, out)
        assert len(log.new) == col.note_count() > 0
        tags = {tag for nid in col.find_notes("") for tag in col.get_note(nid).tags}
        assert "moonshot" in tags and "stepfun" not in tags


def test_export_jsonl_is_questions_export(cli, startups, outdir):
    out = outdir / "bank.jsonl"
    assert cli("export", "jsonl", "startups", "-o", str(out)).exit_code == 0
    printed = cli("questions", "export", "--deck", "startups").output
    assert out.read_text(encoding="utf-8") == printed


@pytest.mark.parametrize(
    ("fmt", "name"),
    [
        ("moodle", "startups.moodle.xml"),
        ("gift", "startups.gift.txt"),
        ("qti", "startups.qti.zip"),
        ("kahoot", "startups.kahoot.xlsx"),
    ],
)
def test_export_for_quiz_tools(cli, startups, outdir, monkeypatch, fmt, name):
    monkeypatch.chdir(outdir)
    result = cli("export", fmt, "startups")
    assert result.exit_code == 0, result.output
    assert f"Wrote 16 facts of startups to {name}" in result.output
    assert (outdir / name).stat().st_size > 1000


def test_export_default_filename(cli, startups, outdir, monkeypatch):
    monkeypatch.chdir(outdir)
    assert cli("export", "csv", "startups").exit_code == 0
    assert (outdir / "startups.csv").read_bytes().startswith(b"\xef\xbb\xbfquestion,")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("anki", "no-such-deck"), "There is no deck 'no-such-deck'"),
        (("csv", "startups", "--entity", "nobody"), "has no entity 'nobody'"),
        (("anki", "startups", "--notes", "pictures"), "Choose at least one kind of note"),
    ],
)
def test_bad_input_writes_nothing(cli, startups, outdir, args, message):
    out = outdir / "out.file"
    result = cli("export", *args, "-o", str(out))
    assert result.exit_code == 1
    assert message in result.output
    assert list(outdir.iterdir()) == []


def test_unknown_format_and_missing_folder(cli, startups, outdir):
    result = cli("export", "docx", "startups", "-o", str(outdir / "x"))
    assert result.exit_code == 2 and "'docx' is not one of" in result.output
    result = cli("export", "csv", "startups", "-o", str(outdir / "nope" / "x.csv"))
    assert result.exit_code == 1 and "There is no folder" in result.output
    assert list(outdir.iterdir()) == []


def test_private_decks_are_not_exported_from_the_command_line(cli, app, make_user, outdir):
    private = STARTUPS_TOML.replace('key = "startups"', 'key = "secret"')
    deck_service.sync_deck(parse_deck(private), owner=make_user(), visibility="private")
    result = cli("export", "anki", "secret", "-o", str(outdir / "x.apkg"))
    assert result.exit_code == 1 and "There is no deck 'secret'" in result.output
    assert list(outdir.iterdir()) == []


def test_a_failure_midway_leaves_no_partial_file(tmp_path):
    target = tmp_path / "out.apkg"
    target.write_bytes(b"the previous export")

    def fail_midway(out):
        out.write(b"half a package")
        raise click.ClickException("disk full")

    with pytest.raises(click.ClickException):
        _write_atomically(target, fail_midway)
    assert list(tmp_path.iterdir()) == [target]
    assert target.read_bytes() == b"the previous export"


def test_no_option_names_a_user(cli):
    help_text = cli("export", "--help").output
    assert "--user" not in help_text and "mistake" in help_text
