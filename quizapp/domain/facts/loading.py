"""Reading fact files: TOML text or files to decks, with messages an author can act on."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from pathlib import Path

from quizapp.domain.facts.model import Deck, FactFileError, Problem
from quizapp.domain.facts.validation import DeckReader

# --- loading ----------------------------------------------------------------------------------


def parse_deck(text: str, filename: str = "<text>") -> Deck:
    """Parse and validate the text of a fact file.

    Args:
        text: TOML text.
        filename: Name used in problem reports.

    Returns:
        The deck; doubtful content is listed in `Deck.warnings`.

    Raises:
        FactFileError: With every problem of the file, if it is not valid.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise FactFileError([_syntax_problem(filename, text, error)]) from None
    except RecursionError:  # tomllib recurses once per level of nesting
        problem = Problem(
            filename, "file", "nested too deeply (a fact file needs only a few levels of tables)"
        )
        raise FactFileError([problem]) from None
    return DeckReader(filename).read(data)


def load_deck(path: str | Path) -> Deck:
    """Read, parse and validate one fact file.

    Args:
        path: The file.

    Returns:
        The deck.

    Raises:
        FactFileError: If the file cannot be read or is not valid.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise FactFileError([Problem(str(path), "file", f"cannot be read: {error}")]) from None
    return parse_deck(text, str(path))


def load_decks(paths: Iterable[str | Path]) -> list[Deck]:
    """Load fact files and folders of fact files (their *.toml, sorted by name).

    Every file is checked, and all problems of all files are reported together.
    Two files with the same deck key are an error.

    Args:
        paths: Files or folders.

    Returns:
        The decks, in the order of `paths` (and of names within a folder).

    Raises:
        FactFileError: With the problems of every invalid file.
    """
    files: list[Path] = []
    for path in map(Path, paths):
        files.extend(sorted(path.glob("*.toml")) if path.is_dir() else [path])
    decks: list[Deck] = []
    problems: list[Problem] = []
    first_file: dict[str, str] = {}
    for file in files:
        try:
            deck = load_deck(file)
        except FactFileError as error:
            problems.extend(error.problems)
            continue
        if deck.key in first_file:
            message = f"deck key '{deck.key}' is already used by {first_file[deck.key]}"
            problems.append(Problem(str(file), "deck", message))
            continue
        first_file[deck.key] = str(file)
        decks.append(deck)
    if problems:
        raise FactFileError(problems)
    return decks


def _syntax_problem(filename: str, text: str, error: tomllib.TOMLDecodeError) -> Problem:
    """Turn tomllib's message into one an author can act on."""
    message = str(error)
    match = re.search(r" \(at line (\d+), column \d+\)$| \(at end of document\)$", message)
    where = f"line {match.group(1)}" if match and match.group(1) else "end of file"
    message = message[: match.start()] if match else message
    if declared := re.match(r"Cannot declare \((.*)\) twice", message):
        parts = (part.strip(" '\"") for part in declared.group(1).split(","))
        table = ".".join(part for part in parts if part)
        return Problem(filename, where, f"duplicate key: [{table}] is declared twice")
    if message == "Cannot overwrite a value" and (duplicate := _find_duplicate_key(text)):
        line, key, table = duplicate
        return Problem(filename, f"line {line}", f"duplicate key: '{key}' is set twice in {table}")
    if match and match.group(1) and _PARTIAL_DATE.search(text.splitlines()[int(match[1]) - 1]):
        hint = 'quote partial dates: write "2025-06", not 2025-06'
        return Problem(filename, where, f"TOML syntax error: {message} ({hint})")
    return Problem(filename, where, f"TOML syntax error: {message}")


_PARTIAL_DATE = re.compile(r"=\s*\d{4}-\d{2}\s*(?:#.*)?$")


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_ASSIGNMENT = re.compile(r"^\s*([A-Za-z0-9_.-]+|\"[^\"]*\")\s*=")


def _find_duplicate_key(text: str) -> tuple[int, str, str] | None:
    """Find (line, key, table) of a key set twice; tomllib only says "at end of document".

    A line-based scan that ignores multi-line strings is enough here: it runs only
    after tomllib has already reported a duplicate, and a miss falls back to
    tomllib's own message.
    """
    table, seen = "the top level", set()
    for number, line in enumerate(text.splitlines(), start=1):
        if header := _HEADER.match(line):
            brackets = header.group(1)
            table, seen = f"{brackets}{header.group(2)}{']' * len(brackets)}", set()
            continue
        if assignment := _ASSIGNMENT.match(line):
            key = assignment.group(1).strip('"')
            if key in seen:
                return number, key, table
            seen.add(key)
    return None
