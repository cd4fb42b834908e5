"""Reading exports back with the real Anki library (the `anki` package of the test extra)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from anki.collection import Collection
from anki.import_export_pb2 import (
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
    ImportAnkiPackageUpdateCondition,
    ImportCsvRequest,
)
from anki.notes import Note

IF_NEWER = ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER


@contextmanager
def collection(path: Path) -> Iterator[Collection]:
    """An Anki collection at `path` (created if missing), closed afterwards."""
    col = Collection(str(path))
    try:
        yield col
    finally:
        col.close()


def import_apkg(col: Collection, package: Path):
    """Import an .apkg as Anki's desktop "Import" does by default: update notes if newer."""
    options = ImportAnkiPackageOptions(
        merge_notetypes=True,
        update_notes=IF_NEWER,
        update_notetypes=IF_NEWER,
        with_scheduling=False,
        with_deck_configs=False,
    )
    request = ImportAnkiPackageRequest(package_path=str(package), options=options)
    return col.import_anki_package(request).log


def import_text(col: Collection, path: Path):
    """Import a text file with the metadata Anki reads from its header lines."""
    metadata = col.get_csv_metadata(str(path), None)
    return col.import_csv(ImportCsvRequest(path=str(path), metadata=metadata)).log


def notes(col: Collection, query: str = "") -> list[Note]:
    return [col.get_note(nid) for nid in col.find_notes(query)]


def notes_by_guid(col: Collection, query: str = "") -> dict[str, Note]:
    return {note.guid: note for note in notes(col, query)}
