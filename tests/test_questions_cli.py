"""`quizapp questions check | load | export`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quizapp.models import Deck, Fact
from tests.conftest import count_rows

QUESTIONS = Path(__file__).resolve().parents[1] / "questions"


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def invoke(*args):
        return runner.invoke(args=list(args))

    return invoke


def test_check_builtin_decks(cli):
    result = cli("questions", "check", str(QUESTIONS))
    assert result.exit_code == 0, result.output
    assert "chinese-ai-startups: 1" in result.output  # 1xx facts
    assert "multiple_choice" in result.output and "dropped" in result.output
    assert "ok: 2 deck(s)" in result.output


def test_check_reports_file_entity_and_problem(cli, tmp_path):
    bad = tmp_path / "bad.toml"
    text = (QUESTIONS / "software_companies.toml").read_text(encoding="utf-8")
    bad.write_text(text.replace('subject = "microsoft"', 'subject = "microsfot"', 1), "utf-8")
    result = cli("questions", "check", str(bad))
    assert result.exit_code == 1
    assert "bad.toml" in result.output and "microsfot" in result.output
    assert "Traceback" not in result.output


def test_check_syntax_error(cli, tmp_path):
    bad = tmp_path / "broken.toml"
    bad.write_text('[deck]\nkey = "x\n', "utf-8")
    result = cli("questions", "check", str(bad))
    assert result.exit_code == 1
    assert "broken.toml: line 2" in result.output


def test_bad_file_loads_nothing(cli, tmp_path):
    good = QUESTIONS / "software_companies.toml"
    bad = tmp_path / "bad.toml"
    bad.write_text(good.read_text("utf-8").replace("[deck]", "[deck]\ncolour = 'red'"), "utf-8")
    result = cli("questions", "load", str(good), str(bad))
    assert result.exit_code == 1
    assert "colour" in result.output
    assert count_rows(Deck) == 0 and count_rows(Fact) == 0


def test_load_twice_then_export(cli):
    first = cli("questions", "load")
    assert first.exit_code == 0, first.output
    second = cli("questions", "load")
    assert "0 added, 0 updated, 0 retired" in second.output
    exported = cli("questions", "export", "--format", "jsonl", "--deck", "chinese-ai-startups")
    assert exported.exit_code == 0
    rows = [json.loads(line) for line in exported.output.splitlines()]
    assert len(rows) > 300
    for row in rows:
        for field in ("id", "deck", "kind", "prompt", "answer", "accepted", "subject", "relation"):
            assert field in row
        assert row["evidence"]
        if row["choices"]:
            assert set(row["correct"]) <= set(row["choices"])
    founders = [r for r in rows if r["prompt"] == "Who founded Stepfun?"]
    assert founders and all(r["answer"] == "Jiang Daxin" for r in founders)


def test_export_unknown_deck(cli):
    result = cli("questions", "export", "--deck", "nope")
    assert result.exit_code == 1
    assert "There is no deck 'nope'" in result.output


def test_export_leaves_out_private_decks(cli, app, make_user):
    from quizapp.domain.facts import load_deck
    from quizapp.services import decks as deck_service
    from tests.conftest import QUESTIONS_DIR

    deck = load_deck(QUESTIONS_DIR / "software_companies.toml")
    deck_service.sync_deck(deck, owner=make_user(role="teacher"), visibility="private")
    everything = cli("questions", "export")
    assert everything.exit_code == 0 and "software-companies" not in everything.output
    named = cli("questions", "export", "--deck", "software-companies")
    assert named.exit_code == 1 and "There is no deck" in named.output


def test_grade_prints_one_verdict_per_answer(cli):
    result = cli(
        "questions",
        "grade",
        "--deck",
        "chinese-ai-startups",
        "--fact",
        "step-2-parameters",
        "over a trillion",
        "under 1 trillion",
        "$1 trillion",
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(line["answer"], line["correct"]) for line in lines] == [
        ("over a trillion", True),
        ("under 1 trillion", False),
        ("$1 trillion", False),
    ]
    assert {line["expected"] for line in lines} == {"over 1 trillion parameters"}
    assert lines[0]["credit"] == 1.0


def test_grade_explains_a_missing_question(cli):
    result = cli(
        "questions",
        "grade",
        "--deck",
        "chinese-ai-startups",
        "--fact",
        "stepfun-backers",
        "--kind",
        "multiple_select",
        "Tencent",
    )
    assert result.exit_code == 1
    assert "not `unique`" in result.output and "Traceback" not in result.output
    result = cli("questions", "grade", "--deck", "nope", "--fact", "x", "a")
    assert result.exit_code == 1 and "no deck 'nope'" in result.output


def test_check_the_decks_nobody_tuned(cli):
    fixtures = Path(__file__).resolve().parent / "fixtures" / "decks"
    result = cli("questions", "check", str(fixtures))
    assert result.exit_code == 0, result.output
    assert "ok: 2 deck(s)" in result.output


def test_lint_advises_without_failing(cli):
    result = cli("questions", "lint", str(QUESTIONS))
    assert result.exit_code == 0, result.output
    assert "relation 'backer': the lists are not marked complete" in result.output
    assert "software-companies: 0 note(s)" in result.output
