"""Real Anki packages and hostile archives, made inside the tests (nothing downloaded)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import genanki

BASIC = [
    ("Capital of <b>France</b>?", "Paris", ["geo", "europe"]),
    ("Capital of Italy?", "Rome<br>", ["geo"]),
    ("Capital of Spain?", "Madrid", []),
    ("Capital of Peru?", "Lima [sound:lima.mp3]", ["geo"]),
]
CLOZE = [("The {{c1::Seine}} flows through {{c2::Paris::city}}.", ["rivers"])]


def genanki_package(path: Path, basic=BASIC, cloze=CLOZE, media: list[Path] = ()) -> Path:
    """A Basic + Cloze package as genanki writes it (the old collection.anki2 format)."""
    deck = genanki.Deck(2059400110, "Geography")
    for front, back, tags in basic:
        deck.add_note(genanki.Note(model=genanki.BASIC_MODEL, fields=[front, back], tags=tags))
    for text, tags in cloze:
        deck.add_note(genanki.Note(model=genanki.CLOZE_MODEL, fields=[text, ""], tags=tags))
    package = genanki.Package(deck)
    package.media_files = [str(m) for m in media]
    package.write_to_file(str(path), timestamp=1_700_000_000)
    return path


def anki_package(folder: Path, legacy: bool, basic=BASIC, cloze=CLOZE) -> Path:
    """A package exported by the real Anki library (legacy=False: zstd collection.anki21b)."""
    from anki.collection import Collection, DeckIdLimit, ExportAnkiPackageOptions

    col = Collection(str(folder / f"collection-{int(legacy)}.anki2"))
    try:
        deck_id = col.decks.id("Geography")
        for front, back, tags in basic:
            note = col.new_note(col.models.by_name("Basic"))
            note["Front"], note["Back"] = front, back
            note.tags = tags
            col.add_note(note, deck_id)
        for text, tags in cloze:
            note = col.new_note(col.models.by_name("Cloze"))
            note["Text"] = text
            note.tags = tags
            col.add_note(note, deck_id)
        out = folder / f"anki-{'legacy' if legacy else 'new'}.apkg"
        options = ExportAnkiPackageOptions(
            with_scheduling=False, with_deck_configs=False, with_media=True, legacy=legacy
        )
        col.export_anki_package(out_path=str(out), options=options, limit=DeckIdLimit(deck_id))
    finally:
        col.close()
    return out


def zip_bytes(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_bomb(size: int = 60 * 1024 * 1024) -> bytes:
    """A small archive whose collection would unpack to `size` bytes of zeros."""
    buffer = io.BytesIO()
    archive = zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9)
    with archive, archive.open("collection.anki2", "w", force_zip64=True) as member:
        chunk = bytes(1024 * 1024)
        for _ in range(size // len(chunk)):
            member.write(chunk)
    return buffer.getvalue()
