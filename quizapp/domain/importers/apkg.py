"""Anki packages (.apkg, old and new format): the zip archive and its collection.

The zip archive is checked from its central directory *before* anything is
decompressed (`archive`). Only the collection is read, into memory, through a
reader that stops at the declared size; names from the archive are never used
as paths. The newer collection (`collection.anki21b`) is a
zstd stream, decompressed through a streaming reader that refuses to go past a
cap. `collection` reads the SQLite file; `anki_notes` makes facts of its notes.
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from pathlib import PurePosixPath

import zstandard

from quizapp.domain.importers.anki_media import note_images, place_images
from quizapp.domain.importers.anki_notes import note_facts, quizapp_facts, quizapp_ref
from quizapp.domain.importers.archive import open_zip, read_member
from quizapp.domain.importers.collection import Collection, read_collection
from quizapp.domain.importers.common import (
    DEFAULT_LIMITS,
    DeckBuilder,
    DeckMeta,
    Imported,
    ImportRefused,
    Limits,
    validated,
)

_COLLECTIONS = ("collection.anki21b", "collection.anki21", "collection.anki2")
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_CHUNK = 64 * 1024


def read_apkg(
    data: bytes,
    filename: str,
    meta: DeckMeta,
    limits: Limits = DEFAULT_LIMITS,
) -> Imported:
    """Read an Anki package (.apkg, old or new format) into a deck of Basic and Cloze facts.

    Args:
        data: The package's bytes.
        filename: Its name, for messages.
        meta: The deck's header; `meta.title` None takes the Anki deck's name.
        limits: Archive and collection limits.

    Returns:
        The validated deck with the pictures of its notes (`anki_media`), and notices
        (sounds and pictures left out, notes skipped).

    Raises:
        ImportRefused: A bad or dangerous archive, collection or content.
    """
    if not data.startswith(b"PK"):
        raise ImportRefused("This is not an Anki package: an .apkg file is a zip archive.")
    with open_zip(data, limits, "package") as archive:
        collection = _collection(archive, limits)
        notes = collection.notes
        title = meta.title or collection.deck_name or PurePosixPath(filename).stem or "Anki deck"
        builder = DeckBuilder(meta, title)
        if collection.too_long:
            builder.skipped[f"are over {limits.max_field_size // 1024} KB"] += collection.too_long
        origins, spans = quizapp_facts(builder, notes)
        # quizapp's own notes carry their fact's picture on the front, as others do.
        placements: list[tuple[int, int, list[str]]] = [
            (start, end, pictures) for start, end, note in spans if (pictures := note_images(note))
        ]
        sounds = 0
        for note in notes:
            if quizapp_ref(note) is not None:
                continue
            before = len(builder.facts)
            note_facts(builder, note)
            if pictures := note_images(note):
                placements.append((before, len(builder.facts), pictures))
            back_media = note.had_media and not pictures
            sounds += back_media
        images, notices = place_images(archive, builder, placements, limits, _unzstd)
    if sounds:
        notices.append(f"The sounds (and pictures on the back) of {sounds} note(s) were left out.")
    if images:
        notices.append(f"{len(images)} picture(s) are kept with their facts.")
    notices.extend(builder.notices())
    if note_types := sorted({n.kind_name for n in notes if n.kind == "other"}):
        notices.append(f"Notes of these types were skipped: {', '.join(note_types)}.")
    if not builder.facts:
        raise ImportRefused(["The package has no Basic or Cloze notes to import.", *notices])
    return validated(builder.data(), filename, notices, origins, images)


def _collection(archive: zipfile.ZipFile, limits: Limits) -> Collection:
    """The package's collection database, read (as a file of ours) within the limits."""
    by_name = {info.filename: info for info in archive.infolist()}
    member = next((by_name[name] for name in _COLLECTIONS if name in by_name), None)
    if member is None:
        raise ImportRefused(
            "The package has no Anki collection (collection.anki21b, .anki21 or .anki2)."
        )
    raw = read_member(archive, member, limits, "package")
    if member.filename.endswith("anki21b"):
        raw = _unzstd(raw, limits)
    with tempfile.TemporaryDirectory(prefix="quizapp-apkg-") as folder:
        path = os.path.join(folder, "collection.sqlite")  # our name, never the archive's
        with open(path, "wb") as out:
            out.write(raw)
        del raw
        return read_collection(path, limits)


def _unzstd(data: bytes, limits: Limits) -> bytes:
    """Decompress the new-format collection, stopping at the size cap."""
    if not data.startswith(_ZSTD_MAGIC):
        raise ImportRefused("The package's collection.anki21b is not zstd-compressed.")
    cap = limits.max_member_size
    chunks, size = [], 0
    try:
        reader = zstandard.ZstdDecompressor().stream_reader(
            io.BytesIO(data), read_across_frames=True
        )
        with reader:
            while chunk := reader.read(_CHUNK):
                size += len(chunk)
                if size > cap:
                    raise ImportRefused(
                        f"The package's collection would unpack to more than "
                        f"{cap // (1024 * 1024)} MB; it was refused."
                    )
                chunks.append(chunk)
    except zstandard.ZstdError as error:
        raise ImportRefused(f"The package's collection is damaged ({error}).") from None
    return b"".join(chunks)
