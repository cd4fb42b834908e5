"""`quizapp facts suggest`: a draft fact file from a text, which `questions check` accepts."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizapp.domain.facts import load_deck
from quizapp.domain.suggest import MAX_TEXT_BYTES

ARTICLES = Path(__file__).resolve().parent / "fixtures" / "articles"
QUESTIONS = Path(__file__).resolve().parents[1] / "questions"


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def invoke(*args):
        return runner.invoke(args=list(args))

    return invoke


def test_suggest_writes_a_fact_file_that_passes_the_check(cli, tmp_path):
    draft = tmp_path / "draft.toml"
    result = cli("facts", "suggest", str(ARTICLES / "batteries.txt"), "-o", str(draft))
    assert result.exit_code == 0, result.output
    assert "fact(s) from 24 suggestion(s)" in result.output
    checked = cli("questions", "check", str(draft))
    assert checked.exit_code == 0, checked.output
    deck = load_deck(draft)
    text = (ARTICLES / "batteries.txt").read_text(encoding="utf-8")
    assert all(fact.evidence in " ".join(text.split()) for fact in deck.facts)  # verbatim
    assert deck.facts_by_key["northvolt-founded"].values[0].iso == "2016"
    assert draft.read_text(encoding="utf-8").startswith("# Suggested by `quizapp facts suggest")


def test_suggest_for_a_deck_leaves_out_what_it_states(cli, tmp_path):
    article = tmp_path / "article.txt"
    article.write_text(
        "Microsoft was founded by Bill Gates and Paul Allen. Microsoft is based in Redmond. "
        "Microsoft is valued at over $3 trillion.",
        encoding="utf-8",
    )
    draft = tmp_path / "draft.toml"
    result = cli("facts", "suggest", str(article), "--deck", "software-companies", "-o", str(draft))
    assert result.exit_code == 0, result.output
    assert cli("questions", "check", str(draft)).exit_code == 0
    deck = load_deck(draft)
    before = load_deck(QUESTIONS / "software_companies.toml")
    assert deck.key == before.key
    assert len(deck.facts) == len(before.facts) + 1
    assert deck.facts[-1].values[0].display == "over $3 trillion"
    assert "(3 already in the deck, 0 skipped)" in result.output


def test_suggest_refuses_an_unknown_deck_and_an_oversized_text(cli, tmp_path):
    article = tmp_path / "big.txt"
    article.write_text("Acme was founded in 2016. " * (MAX_TEXT_BYTES // 20), encoding="utf-8")
    result = cli("facts", "suggest", str(article))
    assert result.exit_code == 1
    assert "at most 200 KB" in result.output
    small = tmp_path / "small.txt"
    small.write_text("Acme was founded in 2016.", encoding="utf-8")
    result = cli("facts", "suggest", str(small), "--deck", "nope")
    assert result.exit_code == 1 and "no deck 'nope'" in result.output


def test_suggest_refuses_a_file_that_is_not_text(cli, tmp_path):
    binary = tmp_path / "x.txt"
    binary.write_bytes(b"\xff\xfe\x00\x81" * 10)
    result = cli("facts", "suggest", str(binary))
    assert result.exit_code == 1 and "cannot be read as UTF-8 text" in result.output
