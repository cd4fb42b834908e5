"""`quizapp facts suggest`: a draft fact file from an article, for a person to review."""

from __future__ import annotations

import datetime
from pathlib import Path

import click


@click.group("facts", help="Make fact files from other material.")
def facts_cli() -> None:
    pass


@facts_cli.command("suggest")
@click.argument("text_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--deck", "deck_key", help="Add to this deck (its key): its names are known.")
@click.option(
    "--file",
    "paths",
    multiple=True,
    type=click.Path(exists=True),
    help="Fact files or folders holding --deck (default: the built-in questions/ folder).",
)
@click.option("--source", help="The text's source (a URL or citation) for a new deck.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default="-", show_default=True)
def facts_suggest(
    text_file: str, deck_key: str | None, paths: tuple[str, ...], source: str | None, output: str
) -> None:
    """Suggest facts stated by TEXT_FILE (plain text, Markdown or HTML) as a fact file.

    Every fact's evidence is the sentence it comes from. With --deck, the draft is
    that deck plus the new facts (those it already states are left out). Review the
    draft, then `quizapp questions check` and `questions load` it.
    """
    from quizapp.commands import _fact_file_paths, _load_or_exit
    from quizapp.domain import suggest as suggesting
    from quizapp.domain.facts import to_toml
    from quizapp.domain.importers.common import slug

    path = Path(text_file)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise click.ClickException(f"{path} cannot be read as UTF-8 text: {error}") from None
    deck = None
    if deck_key:
        decks = {d.key: d for d in _load_or_exit(_fact_file_paths(paths))}
        if deck_key not in decks:
            raise click.ClickException(f"no deck '{deck_key}' (decks: {', '.join(sorted(decks))})")
        deck = decks[deck_key]
    try:
        found = suggesting.suggest(text, deck)
    except suggesting.TextRefused as error:
        raise click.ClickException(str(error)) from None
    if deck is not None:
        base = deck.to_dict()
    else:
        header = {
            "key": slug(path.stem) or "suggested",
            "title": path.stem.replace("_", " ").replace("-", " ").strip().capitalize() or "Draft",
            "source": source or path.name,
            "as_of": datetime.date.today().isoformat(),
            "language": "en",
        }
        base = {"deck": header, "relations": {}, "entities": {}, "facts": []}
    fresh = [p for p in suggesting.proposals(found) if not p.duplicate]
    draft = suggesting.build_draft(fresh, base)
    toml = to_toml(draft.deck)
    note = (
        f"# Suggested by `quizapp facts suggest {path.name}`: {len(found)} suggestions, "
        f"{len(found) - len(fresh)} already in the deck, {len(draft.skipped)} skipped.\n"
        "# Check every fact against its evidence before loading this file.\n\n"
    )
    with click.open_file(output, "w", encoding="utf-8") as out:
        out.write(note + toml)
    for reason in draft.skipped:
        click.secho(f"skipped: {reason}", fg="yellow", err=True)
    click.echo(
        f"{len(draft.added)} fact(s) from {len(found)} suggestion(s) "
        f"({len(found) - len(fresh)} already in the deck, {len(draft.skipped)} skipped)",
        err=True,
    )
