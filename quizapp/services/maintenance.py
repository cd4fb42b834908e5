"""Operating the database: consistent online backups and integrity checks."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from quizapp.extensions import db
from quizapp.services import ServiceError


@dataclass(frozen=True)
class IntegrityReport:
    ok: bool
    lines: tuple[str, ...]


def backup_sqlite(target: str | os.PathLike, *, overwrite: bool = False) -> int:
    """Copy the live SQLite database to `target` with SQLite's online backup API.

    The copy is consistent even while the app keeps writing: the backup API copies
    pages under SQLite's own locking, so no half-written transaction is copied. It is
    written to a temporary file first and renamed, so a failed backup leaves no
    partial file behind.

    Returns:
        The size of the backup in bytes.

    Raises:
        ServiceError: The database is not SQLite, or the target exists.
    """
    if db.engine.dialect.name != "sqlite":
        url = db.engine.url.render_as_string(hide_password=True).replace("+psycopg", "")
        raise ServiceError(
            "This database is PostgreSQL: back it up with pg_dump, for example "
            f"`pg_dump --format=custom --file {target} '{url}'`, "
            "and restore with pg_restore."
        )
    target = Path(target)
    if target.exists() and not overwrite:
        raise ServiceError(f"{target} already exists; choose another path or use --force.")
    if not target.parent.is_dir():
        raise ServiceError(f"The folder {target.parent} does not exist.")
    partial = target.with_name(target.name + ".partial")
    raw = db.engine.raw_connection()
    try:
        destination = sqlite3.connect(partial)
        try:
            raw.driver_connection.backup(destination)
        finally:
            destination.close()
    finally:
        raw.close()
    os.replace(partial, target)
    return target.stat().st_size


def check_database() -> IntegrityReport:
    """Run the database's own consistency checks and report what they say."""
    with db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            integrity = [row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check")]
            foreign = list(conn.exec_driver_sql("PRAGMA foreign_key_check"))
            lines = [f"integrity_check: {', '.join(integrity)}"]
            lines += [f"foreign key broken: table {r[0]} row {r[1]} -> {r[2]}" for r in foreign]
            return IntegrityReport(integrity == ["ok"] and not foreign, tuple(lines))
        version = conn.exec_driver_sql("SELECT version()").scalar()
        tables = conn.exec_driver_sql(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).scalar()
        return IntegrityReport(True, (f"connected: {version}", f"{tables} tables"))
