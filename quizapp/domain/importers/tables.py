"""CSV and TSV uploads: read a table, then make a deck of its rows as the teacher maps them.

The standard library's `csv.Sniffer` backtracks on hostile input (a 64 KB file of
`\n"a` took minutes), so the delimiter and the header are found here instead, with
`csv.reader` (a linear state machine) reading a bounded sample once per candidate.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from quizapp.domain.importers.common import (
    ANSWER_RELATION,
    DEFAULT_LIMITS,
    MAX_NAME,
    DeckBuilder,
    DeckMeta,
    Imported,
    ImportRefused,
    Keys,
    Limits,
    Work,
    clean_text,
    decode_text,
    escape_template,
    slug,
    validated,
)


@dataclass(frozen=True)
class Table:
    """An uploaded table.

    Attributes:
        delimiter: The separator found.
        rows: Every row, the header (if any) included, padded to the same width.
        header_guess: Whether the first row looks like a header.
    """

    delimiter: str
    rows: tuple[tuple[str, ...], ...]
    header_guess: bool

    @property
    def width(self) -> int:
        return len(self.rows[0]) if self.rows else 0


_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}


def read_table(
    data: bytes, filename: str, limits: Limits = DEFAULT_LIMITS, work: Work | None = None
) -> Table:
    """Read CSV/TSV bytes: the delimiter is sniffed (comma, semicolon, tab or bar).

    Args:
        data: The file's bytes (UTF-8).
        filename: Its name; ".tsv" prefers tabs when sniffing finds nothing.
        limits: Row and column limits.
        work: Charged with every character read (tests hold it to a bound).

    Returns:
        The table.

    Raises:
        ImportRefused: Not UTF-8, not a table, empty, or too big.
    """
    text = decode_text(data, "table")
    if "\x00" in text:
        raise ImportRefused("The table contains NUL characters: it is not a CSV or TSV file.")
    work = work or Work()
    delimiter = sniff_delimiter(text[:_SAMPLE], filename, work)
    rows: list[list[str]] = []
    work.charge(len(text))
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(rows) >= limits.max_notes + 1:
                raise ImportRefused(f"The table has more than {limits.max_notes} rows.")
            if len(row) > limits.max_columns:
                raise ImportRefused(
                    f"Row {len(rows) + 1} has {len(row)} columns; at most "
                    f"{limits.max_columns} are read."
                )
            rows.append([cell.strip() for cell in row])
    except csv.Error as error:
        raise ImportRefused(f"The table could not be read: {error}.") from None
    if not rows:
        raise ImportRefused("The table is empty.")
    width = max(len(row) for row in rows)
    if width < 2:
        raise ImportRefused(
            "The table has only one column: quizapp needs at least a question and an answer "
            "(separated by commas, semicolons or tabs)."
        )
    padded = tuple(tuple(row + [""] * (width - len(row))) for row in rows)
    return Table(delimiter, padded, looks_like_header(padded))


_CANDIDATES = (",", ";", "\t", "|")
_SAMPLE = 64 * 1024
_SAMPLE_ROWS = 50


def sniff_delimiter(sample: str, filename: str, work: Work | None = None) -> str:
    """The delimiter that splits the sample's first rows most consistently.

    Each candidate reads the sample once with `csv.reader` (quotes understood); it
    scores by how many rows have its most common width, when that width is over one.
    Ties go to the file's extension (tab for .tsv), then to the order comma,
    semicolon, tab, bar. Linear in the sample: at most four passes over it.
    """
    preferred = "\t" if filename.lower().endswith(".tsv") else ","
    best, best_score = preferred, (0, 0, 0)
    for candidate in _CANDIDATES:
        widths = Counter()
        if work is not None:
            work.charge(len(sample))
        try:
            reader = csv.reader(io.StringIO(sample, newline=""), delimiter=candidate)
            for count, row in enumerate(reader):
                if count >= _SAMPLE_ROWS:
                    break
                if any(cell.strip() for cell in row):
                    widths[len(row)] += 1
        except csv.Error:
            continue
        if not widths:
            continue
        width, rows = widths.most_common(1)[0]
        if width < 2:
            continue
        score = (rows, candidate == preferred, width)
        if score > best_score:
            best, best_score = candidate, score
    return best


# Usual names of columns, by the part of a fact they hold (the first part is the guess).
_COLUMN_NAMES: dict[str, frozenset[str]] = {
    "question": frozenset(
        {"question", "questions", "front", "term", "terms", "word", "words", "prompt", "q"}
    ),
    "answer": frozenset(
        {"answer", "answers", "back", "definition", "definitions", "meaning", "response", "a"}
    ),
    "subject": frozenset({"entity", "subject", "name", "names", "thing", "item", "who"}),
    "relation": frozenset({"relation", "relationship", "property", "attribute", "predicate"}),
    "value": frozenset({"value", "values", "object"}),
    "evidence": frozenset(
        {"evidence", "sentence", "source", "explanation", "example", "examples", "notes", "note"}
    ),
    "tags": frozenset({"tags", "tag", "category", "categories", "topic", "topics", "labels"}),
}
_HEADER_WORDS = frozenset().union(
    *_COLUMN_NAMES.values(),
    {
        "hint",
        "translation",
        "category",
        "fact",
        "facts",
        "country",
        "countries",
        "capital",
        "city",
        "year",
        "date",
        "person",
        "author",
        "title",
        "description",
        "english",
        "french",
        "spanish",
        "german",
        "italian",
        "chinese",
        "latin",
        "number",
        "id",
    },
)
_NUMBER_LIKE = re.compile(r"[-+]?[\d.,\s%$€£¥]+")
_SENTENCE_END = re.compile(r"[?!.:;]$")


def _name_of(cell: str) -> str:
    """A column title as compared with the usual names: "Question:" -> "question"."""
    return " ".join(re.sub(r"[^\w\s]", " ", cell.casefold()).split())


def looks_like_header(rows: Sequence[Sequence[str]]) -> bool:
    """Whether the first row names the columns rather than holding a card.

    A header when a first-row cell is a usual column name ("Question", "Term",
    "Back", "Country"...); when some column holds numbers below the first row but
    not in it; or when the first row is short titles (every cell a few words, none
    ending like a sentence, all different) above a body that is not: most rows of
    a column end in "?" or ".", or its cells are much longer than the title.
    """
    if len(rows) < 2:
        return False
    first = rows[0]
    body = rows[1 : _SAMPLE_ROWS + 1]
    for column, cell in enumerate(first):
        # "capital" names a column, unless the column below says "capital" too (facts)
        below = {row[column].casefold() for row in body}
        if _name_of(cell) in _HEADER_WORDS and cell.casefold() not in below:
            return True
    for column, title in enumerate(first):
        cells = [row[column] for row in body if row[column]]
        if (
            title
            and not _NUMBER_LIKE.fullmatch(title)
            and cells
            and all(_NUMBER_LIKE.fullmatch(cell) for cell in cells)
        ):
            return True
    titles = [cell.strip() for cell in first if cell.strip()]
    if len(titles) < 2 or len({t.casefold() for t in titles}) < len(titles):
        return False
    if any(len(t.split()) > 4 or _SENTENCE_END.search(t) for t in titles):
        return False
    for column, title in enumerate(first):
        cells = [row[column] for row in body if row[column]]
        if len(cells) < 2 or not title:
            continue
        sentences = sum(1 for cell in cells if _SENTENCE_END.search(cell))
        mean = sum(len(cell) for cell in cells) / len(cells)
        if sentences * 2 > len(cells) or mean > 3 * len(title) + 10:
            return True
    return False


def column_names(table: Table, header: bool) -> list[str]:
    """A label per column: "1: Question" from the header, else "Column 1"."""
    if not header:
        return [f"Column {i + 1}" for i in range(table.width)]
    return [
        f"{i + 1}: {name[:40]}" if name else f"Column {i + 1}"
        for i, name in enumerate(table.rows[0])
    ]


def guess_mapping(table: Table, header: bool | None = None) -> ColumnMapping:
    """Which column probably holds what: from the header's names, else from the cells.

    With no name to go by, a table of three or more columns whose second column
    repeats a few words ("capital", "currency") is facts (entity, relation, value);
    anything else is questions (first column) and answers (second).

    Args:
        table: From `read_table`.
        header: Whether the first row is a header (None: `table.header_guess`).
    """
    header = table.header_guess if header is None else header
    found: dict[str, int] = {}
    if header:
        for column, title in enumerate(table.rows[0]):
            name = _name_of(title)
            part = next((p for p, names in _COLUMN_NAMES.items() if name in names), None)
            if part is not None and part not in found:
                found[part] = column
    body = table.rows[1:] if header else table.rows
    if "relation" in found or (not found.keys() & {"question", "answer"} and _repeats(body, 1)):
        mode = "erv"
        free = [c for c in range(table.width) if c not in found.values()]
        for part in ("subject", "relation", "value"):
            if part not in found and free:
                found[part] = free.pop(0)
    else:
        mode = "qa"
        free = [c for c in range(table.width) if c not in found.values()]
        for part in ("question", "answer"):
            if part not in found and free:
                found[part] = free.pop(0)
    wanted = {"qa": ("question", "answer"), "erv": ("subject", "relation", "value")}[mode]
    parts = {p: c for p, c in found.items() if p in (*wanted, "evidence", "tags")}
    return ColumnMapping(mode=mode, header=header, **parts)


def _repeats(rows: Sequence[Sequence[str]], column: int) -> bool:
    """Whether a column of a 3+ column table holds few different words, each repeated."""
    if not rows or len(rows[0]) < 3:
        return False
    cells = [row[column].casefold() for row in rows[:_SAMPLE_ROWS] if row[column]]
    distinct = set(cells)
    return len(cells) >= 3 and len(distinct) * 2 <= len(cells) and max(map(len, cells)) <= 40


def mapped_rows(
    table: Table, mapping: ColumnMapping, count: int = 5
) -> tuple[list[str], list[list[str]]]:
    """The first rows as they will be imported: a heading per part mapped, and the cells.

    Args:
        table: From `read_table`.
        mapping: The columns chosen (columns out of range show as empty).
        count: How many rows.

    Returns:
        (headings such as ["Question", "Answer"], rows of cleaned cells).
    """
    main = ("question", "answer") if mapping.mode == "qa" else ("subject", "relation", "value")
    parts = [part for part in (*main, "evidence", "tags") if getattr(mapping, part) is not None]
    rows = table.rows[1:] if mapping.header else table.rows
    shown = []
    for row in rows[:count]:
        cells = []
        for part in parts:
            column = getattr(mapping, part)
            cells.append(clean_text(row[column]) if 0 <= column < len(row) else "")
        shown.append(cells)
    return [_HEADINGS[part] for part in parts], shown


_HEADINGS = {
    "question": "Question",
    "answer": "Answer",
    "subject": "Entity",
    "relation": "Relation",
    "value": "Value",
    "evidence": "Evidence",
    "tags": "Tags",
}


def delimiter_name(delimiter: str) -> str:
    return _DELIMITER_NAMES.get(delimiter, repr(delimiter))


@dataclass(frozen=True)
class ColumnMapping:
    """Which column holds what (0-based indexes; None for "not in the file").

    Attributes:
        mode: "qa" (question, answer) or "erv" (entity, relation, value).
        header: Whether the first row is a header (skipped).
        question: qa: the question column.
        answer: qa: the answer column.
        subject: erv: the entity column.
        relation: erv: the relation column.
        value: erv: the value column.
        evidence: Optional sentence the fact comes from.
        tags: Optional tags (separated by spaces or commas).
    """

    mode: str
    header: bool = True
    question: int | None = None
    answer: int | None = None
    subject: int | None = None
    relation: int | None = None
    value: int | None = None
    evidence: int | None = None
    tags: int | None = None


def table_to_deck(table: Table, mapping: ColumnMapping, meta: DeckMeta) -> Imported:
    """Make a deck of a table's rows, as the mapping says.

    Args:
        table: From `read_table`.
        mapping: The columns chosen.
        meta: The deck's header (title required).

    Returns:
        The validated deck, with notices about skipped rows.

    Raises:
        ImportRefused: The mapping names a missing column, or no row makes a fact, or
            the result is not a valid deck.
    """
    needed = ("question", "answer") if mapping.mode == "qa" else ("subject", "relation", "value")
    if mapping.mode not in ("qa", "erv"):
        raise ImportRefused("Choose what the rows are: questions and answers, or facts.")
    for name in (*needed, "evidence", "tags"):
        column = getattr(mapping, name)
        if column is None:
            if name in needed:
                raise ImportRefused(f"Choose the column that holds the {_COLUMN_WORDS[name]}.")
            continue
        if not 0 <= column < table.width:
            raise ImportRefused(f"There is no column {column + 1} in this table.")
    chosen = [getattr(mapping, name) for name in needed]
    if len(set(chosen)) < len(chosen):
        raise ImportRefused("Choose a different column for each part.")
    rows = table.rows[1:] if mapping.header else table.rows
    builder = DeckBuilder(meta, meta.title or "Imported table")
    cell = _cell_reader(mapping)
    if mapping.mode == "qa":
        for row in rows:
            question, answer = cell(row, "question"), cell(row, "answer")
            evidence = cell(row, "evidence") or f"{question} — {answer}"
            builder.card(
                ANSWER_RELATION, question, answer, evidence, tags=_split_tags(cell(row, "tags"))
            )
    else:
        _facts_from_rows(builder, rows, cell)
    if not builder.facts:
        raise ImportRefused(["No row gave a fact.", *builder.notices()])
    filename = f"{meta.title or 'table'}"
    return validated(builder.data(), filename, builder.notices())


_COLUMN_WORDS = {
    "question": "questions",
    "answer": "answers",
    "subject": "entities (what each fact is about)",
    "relation": "relations",
    "value": "values",
}


def _cell_reader(mapping: ColumnMapping):
    def cell(row: Sequence[str], name: str) -> str:
        column = getattr(mapping, name)
        return clean_text(row[column]) if column is not None else ""

    return cell


def _split_tags(text: str) -> list[str]:
    return [tag for tag in re.split(r"[\s,;]+", text) if tag][:20]


def _facts_from_rows(builder: DeckBuilder, rows: Sequence[Sequence[str]], cell) -> None:
    """Entity-relation-value rows: one entity per name, one relation per relation name."""
    entity_keys: dict[str, str] = {}
    relation_keys: dict[str, str] = {}
    relation_names: dict[str, str] = {}
    pairs: Counter[tuple[str, str]] = Counter()
    seen: set[tuple[str, str, str]] = set()
    pending: list[tuple[str, str, str, str, list[str]]] = []
    for row in rows:
        name, relation, value = cell(row, "subject"), cell(row, "relation"), cell(row, "value")
        if not (name and relation and value):
            builder.skipped["miss an entity, a relation or a value"] += 1
            continue
        if len(name) > MAX_NAME or len(relation) > 100 or builder.too_long(value):
            builder.skipped["are too long"] += 1
            continue
        identity = (name.casefold(), relation.casefold(), " ".join(value.casefold().split()))
        if identity in seen:
            builder.skipped["repeat an earlier row"] += 1
            continue
        seen.add(identity)
        if name.casefold() not in entity_keys:
            entity_keys[name.casefold()] = builder.keys.make(name, "entity")
            builder.entities[entity_keys[name.casefold()]] = {"name": name, "type": "concept"}
        if relation.casefold() not in relation_keys:
            key = slug(relation, 30).replace("-", "_")
            key = key if key and key[0].isalpha() else f"r_{key}" if key else "relation"
            while key in relation_names.values():
                key += "_"
            relation_keys[relation.casefold()] = key
            relation_names[relation.casefold()] = key
            builder.relations[key] = {
                "label": relation,
                "subject": "concept",
                "value": "text",
                "forward": f"What is the {escape_template(relation)} of {{subject}}?",
                "reverse": f"What has the {escape_template(relation)} {{value}}?",
                "statement": f"The {escape_template(relation)} of {{subject}} is {{value}}.",
                "many": False,
                "unique": True,
            }
        subject, rel = entity_keys[name.casefold()], relation_keys[relation.casefold()]
        pairs[(subject, rel)] += 1
        evidence = cell(row, "evidence") or f"The {relation} of {name} is {value}."
        pending.append((subject, rel, value, evidence, _split_tags(cell(row, "tags"))))
    for (_, rel), count in pairs.items():
        if count > 1:  # a subject with several values: no false statements from "the others"
            builder.relations[rel]["unique"] = False
    fact_keys = Keys()
    for subject, rel, value, evidence, _tags in pending:
        builder.facts.append(
            {
                "key": fact_keys.make(f"{subject} {rel}", "fact"),
                "subject": subject,
                "relation": rel,
                "value": value,
                "evidence": evidence,
            }
        )
