"""Read the notes out of an Anki collection (an SQLite file from an untrusted upload).

An SQLite file is a program as much as data: a "table" can be a view computing
`zeroblob(900000000)`, a column can be generated, a virtual table can call
anything. So the collection is opened read-only (`mode=ro`, `immutable`), with
`trusted_schema=OFF` and `query_only=ON`, after `PRAGMA quick_check`, and then:

- every table read must be a real table: not a view, not a virtual table, without
  generated columns (checked in `sqlite_master` and `table_xinfo`);
- an authorizer lets statements read and call only the few functions our own
  queries use, so no schema object can run `zeroblob`, `printf` or `randomblob`;
- `SQLITE_LIMIT_LENGTH` caps every value SQLite may build, and the queries skip
  values over the field cap by `length()` before they reach Python;
- a progress handler called every 100 virtual-machine steps bounds the total work.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from quizapp.domain.importers.common import ImportRefused, Limits
from quizapp.domain.importers.protobuf import fields

_SQLITE_MAGIC = b"SQLite format 3\x00"
# The functions our queries call; anything else (in a view, a generated column, a
# trigger) is refused by the authorizer.
_ALLOWED_FUNCTIONS = frozenset({"count", "length"})
_PROGRESS_EVERY = 100  # VM steps between progress-handler calls
# Tables read from new-format (2.1.50+) and old-format collections.
_TABLES_READ = ("notes", "col", "notetypes", "fields", "decks", "cards")


@dataclass
class Note:
    kind: str  # "basic", "cloze" or "other"
    kind_name: str
    fields: dict[str, str]
    field_order: list[str]
    tags: list[str]
    had_media: bool = False


@dataclass
class _NoteType:
    name: str
    cloze: bool
    fields: list[str] = field(default_factory=list)


class SqliteGuard:
    """Counts SQLite's progress callbacks (one per 100 VM steps); aborts past the limit."""

    def __init__(self, limit: int) -> None:
        self.limit, self.calls = limit, 0

    def __call__(self) -> int:
        self.calls += 1
        return 1 if self.calls > self.limit else 0

    @property
    def steps(self) -> int:
        return self.calls * _PROGRESS_EVERY


@dataclass
class Collection:
    """What a collection gave: its notes, its deck's name, what was left out."""

    notes: list[Note]
    deck_name: str | None
    too_long: int = 0


def _unicase(a: str, b: str) -> int:
    a, b = a.casefold(), b.casefold()
    return (a > b) - (a < b)


def _authorizer(action: int, arg1: str | None, arg2: str | None, *_: Any) -> int:
    if action in (sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ):
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in _ALLOWED_FUNCTIONS:
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def read_collection(path: str, limits: Limits, guard: SqliteGuard | None = None) -> Collection:
    """The notes of the collection file at `path`, read within `limits`.

    Args:
        path: A file this process wrote (never a name from the archive).
        limits: Caps on notes, values and work.
        guard: Counts the work (tests read `guard.steps`); a fresh one by default.

    Raises:
        ImportRefused: Not a collection, damaged, hostile, or too big.
    """
    with open(path, "rb") as fh:
        if fh.read(len(_SQLITE_MAGIC)) != _SQLITE_MAGIC:
            raise ImportRefused("The package's collection is not an SQLite database.")
    guard = guard or SqliteGuard(limits.max_sqlite_steps)
    try:
        conn = sqlite3.connect(f"file:{quote(path)}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as error:
        raise ImportRefused(f"The package's collection cannot be opened ({error}).") from None
    try:
        tables = _harden(conn, limits, guard)
        return _notes(conn, tables, limits)
    except ImportRefused:
        raise
    except sqlite3.Error as error:
        if guard.calls > guard.limit:
            raise ImportRefused("The package's collection is too large to read.") from None
        raise ImportRefused(f"The package's collection cannot be read ({error}).") from None
    except RecursionError:
        raise ImportRefused("The package's collection is nested too deeply to read.") from None
    except (
        ValueError,
        TypeError,
        KeyError,
        AttributeError,
        OverflowError,
        json.JSONDecodeError,
    ) as error:
        raise ImportRefused(
            f"The package's collection is not in a format quizapp knows ({error})."
        ) from None
    finally:
        conn.close()


def _harden(conn: sqlite3.Connection, limits: Limits, guard: Callable[[], int]) -> set[str]:
    """Limits, checks and the authorizer; returns the (real) tables we may read."""
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, limits.max_value_size)
    conn.set_progress_handler(guard, _PROGRESS_EVERY)
    conn.create_collation("unicase", _unicase)  # Anki's own collation, used by its indexes
    conn.execute("PRAGMA trusted_schema=OFF")
    check = [row[0] for row in conn.execute("PRAGMA quick_check(5)")]
    if check != ["ok"]:
        raise ImportRefused(
            "The package's collection database is damaged: " + "; ".join(map(str, check))
        )
    conn.execute("PRAGMA query_only=ON")
    tables = _real_tables(conn)
    conn.set_authorizer(_authorizer)
    return tables


def _real_tables(conn: sqlite3.Connection) -> set[str]:
    """The tables we read that exist; refused if one is a view, virtual or computed."""
    found: set[str] = set()
    rows = conn.execute(
        "SELECT name, type, sql FROM sqlite_master WHERE name IN (?, ?, ?, ?, ?, ?)",
        _TABLES_READ,
    ).fetchall()
    for name, kind, sql in rows:
        virtual = str(sql or "").lstrip().upper().startswith("CREATE VIRTUAL")
        if kind != "table" or virtual:
            raise ImportRefused(
                f"The package's collection has a {kind if kind != 'table' else 'virtual table'} "
                f"named {name!r} where Anki has a table; it was refused."
            )
        computed = [row for row in conn.execute(f'PRAGMA table_xinfo("{name}")') if row[6]]
        if computed:
            raise ImportRefused(
                f"The package's collection has computed columns in {name!r}; it was refused."
            )
        found.add(name)
    return found


def _notes(conn: sqlite3.Connection, tables: set[str], limits: Limits) -> Collection:
    if not {"notes", "col"} <= tables:
        raise ImportRefused("The package's database is not an Anki collection (no notes table).")
    if "notetypes" in tables and "fields" in tables:
        types = _note_types_v18(conn)
        deck_names = _deck_names_v18(conn) if "decks" in tables else {}
    else:
        types, deck_names = _note_types_and_decks_v11(conn, limits)
    collection = Collection([], _deck_name(conn, tables, deck_names))
    total = 0
    rows = conn.execute(
        "SELECT mid, CASE WHEN length(tags) <= 4000 THEN tags END,"
        " CASE WHEN length(flds) <= ? THEN flds END FROM notes ORDER BY id LIMIT ?",
        (limits.max_field_size, limits.max_notes + 1),
    )
    for count, (mid, tags, flds) in enumerate(rows):
        if count >= limits.max_notes:
            raise ImportRefused(f"The package has more than {limits.max_notes} notes.")
        note_type = types.get(mid) if isinstance(mid, int) else None
        if note_type is None:
            continue
        if flds is None:
            collection.too_long += 1
            continue
        total += len(flds)
        if total > limits.max_text_total:
            raise ImportRefused("The package's notes hold too much text to import at once.")
        collection.notes.append(_note(note_type, str(flds), str(tags or "")))
    return collection


def _note(note_type: _NoteType, flds: str, tags: str) -> Note:
    values = flds.split("\x1f")
    names = note_type.fields or [f"Field {i + 1}" for i in range(len(values))]
    fields = dict(zip(names, values, strict=False))
    kind = "cloze" if note_type.cloze else "basic" if len(values) >= 2 else "other"
    note_tags = sorted({t for t in tags.split() if t})[:20]
    return Note(kind, note_type.name, fields, names, note_tags)


def _deck_name(conn: sqlite3.Connection, tables: set[str], names: dict[int, str]) -> str | None:
    if "cards" not in tables:
        return None
    used = conn.execute(
        "SELECT did, count(*) AS n FROM cards GROUP BY did ORDER BY n DESC LIMIT 1"
    ).fetchone()
    name = names.get(used[0]) if used is not None and isinstance(used[0], int) else None
    return None if name in ("", "Default") else name


def _note_types_and_decks_v11(
    conn: sqlite3.Connection, limits: Limits
) -> tuple[dict[int, _NoteType], dict[int, str]]:
    row = conn.execute(
        "SELECT CASE WHEN length(models) <= ? THEN models END,"
        " CASE WHEN length(decks) <= ? THEN decks END FROM col LIMIT 1",
        (limits.max_value_size, limits.max_value_size),
    ).fetchone()
    if row is None:
        raise ImportRefused("The package's collection is empty.")
    if row[0] is None or row[1] is None:
        raise ImportRefused("The package's note types are too large to read.")
    models, decks = json.loads(row[0]), json.loads(row[1])
    if not isinstance(models, dict) or not isinstance(decks, dict):
        raise ValueError("note types or decks are not a table")
    deck_names = {int(k): str(v.get("name", "")) for k, v in decks.items() if isinstance(v, dict)}
    return _note_types_v11(models), deck_names


def _note_types_v11(models: dict[str, Any]) -> dict[int, _NoteType]:
    types = {}
    for mid, model in models.items():
        if not isinstance(model, dict):
            continue
        fields = sorted(
            (f for f in model.get("flds", []) if isinstance(f, dict)),
            key=lambda f: f.get("ord", 0) if isinstance(f.get("ord", 0), int) else 0,
        )
        types[int(mid)] = _NoteType(
            name=str(model.get("name", "")),
            cloze=model.get("type") == 1,
            fields=[str(f.get("name", "")) for f in fields],
        )
    return types


def _note_types_v18(conn: sqlite3.Connection) -> dict[int, _NoteType]:
    types = {
        ntid: _NoteType(str(name)[:200], _protobuf_varint(config, 1) == 1)
        for ntid, name, config in conn.execute(
            "SELECT id, CASE WHEN length(name) <= 1000 THEN name END,"
            " CASE WHEN length(config) <= 100000 THEN config END FROM notetypes LIMIT 1000"
        )
        if isinstance(ntid, int)
    }
    for ntid, name in conn.execute(
        "SELECT ntid, CASE WHEN length(name) <= 1000 THEN name END"
        " FROM fields ORDER BY ntid, ord LIMIT 100000"
    ):
        if isinstance(ntid, int) and ntid in types:
            types[ntid].fields.append(str(name))
    return types


def _deck_names_v18(conn: sqlite3.Connection) -> dict[int, str]:
    return {
        did: str(name).replace("\x1f", "::")
        for did, name in conn.execute(
            "SELECT id, CASE WHEN length(name) <= 1000 THEN name END FROM decks LIMIT 10000"
        )
        if isinstance(did, int)
    }


def _protobuf_varint(blob: Any, wanted: int) -> int:
    """Read a top-level varint field of a protobuf message (0 if absent or unreadable).

    Anki 2.1.50+ stores a note type's kind (0 normal, 1 cloze) as field 1 of its
    config message; this is the only thing read from it.
    """
    if not isinstance(blob, bytes):
        return 0
    try:
        for number, value in fields(blob):
            if number == wanted and isinstance(value, int):
                return value
    except ValueError:
        return 0
    return 0
    return 0
