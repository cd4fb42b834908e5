"""Anki packages (.apkg, old and new format): the zip archive and its collection.

A zip archive is checked from its central directory *before* anything is
decompressed: number of entries, total declared size, compression ratio, names
(absolute, "..", duplicates are refused). Only the collection is read, into
memory, through a reader that stops at the declared size; names from the
archive are never used as paths. The newer collection (`collection.anki21b`) is a
zstd stream, decompressed through a streaming reader that refuses to go past a
cap. `collection` reads the SQLite file; `anki_notes` makes facts of its notes.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
import zlib
from pathlib import PurePosixPath

import zstandard

from quizapp.domain.importers.anki_notes import note_facts
from quizapp.domain.importers.collection import read_collection
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
_KNOWN_MEMBERS = {*_COLLECTIONS, "media", "meta"}
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
# A small entry can compress very well (an empty SQLite page is all zeros) and harm nobody.
_RATIO_EXEMPT_SIZE = 1024 * 1024
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
        The validated deck, with notices (media ignored, notes skipped).

    Raises:
        ImportRefused: A bad or dangerous archive, collection or content.
    """
    notices: list[str] = []
    raw, media_files = _collection_bytes(data, limits)
    if media_files:
        notices.append(f"{media_files} media file(s) (images, sounds) were ignored.")
    with tempfile.TemporaryDirectory(prefix="quizapp-apkg-") as folder:
        path = os.path.join(folder, "collection.sqlite")  # our name, never the archive's
        with open(path, "wb") as out:
            out.write(raw)
        del raw
        collection = read_collection(path, limits)
    notes = collection.notes
    title = meta.title or collection.deck_name or PurePosixPath(filename).stem or "Anki deck"
    builder = DeckBuilder(meta, title)
    if collection.too_long:
        builder.skipped[f"are over {limits.max_field_size // 1024} KB"] += collection.too_long
    media_notes = 0
    for note in notes:
        note_facts(builder, note)
        media_notes += note.had_media
    if media_notes:
        notices.append(f"Images and sounds in {media_notes} note(s) were left out.")
    notices.extend(builder.notices())
    if note_types := sorted({n.kind_name for n in notes if n.kind == "other"}):
        notices.append(f"Notes of these types were skipped: {', '.join(note_types)}.")
    if not builder.facts:
        raise ImportRefused(["The package has no Basic or Cloze notes to import.", *notices])
    return validated(builder.data(), filename, notices)


def _collection_bytes(data: bytes, limits: Limits) -> tuple[bytes, int]:
    """The collection database from a package, and how many media files were in it."""
    if not data.startswith(b"PK"):
        raise ImportRefused("This is not an Anki package: an .apkg file is a zip archive.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as error:
        raise ImportRefused(f"The package is not a readable zip archive ({error}).") from None
    with archive:
        if len(entries) > limits.max_entries:
            raise ImportRefused(
                f"The package has {len(entries)} files; at most {limits.max_entries} are allowed."
            )
        names: set[str] = set()
        total = 0
        for info in entries:
            _check_entry(info, names, limits)
            total += info.file_size
        if total > limits.max_total_size:
            raise ImportRefused(
                f"The package would unpack to {total // (1024 * 1024)} MB; at most "
                f"{limits.max_total_size // (1024 * 1024)} MB are allowed."
            )
        by_name = {info.filename: info for info in entries}
        member = next((by_name[name] for name in _COLLECTIONS if name in by_name), None)
        if member is None:
            raise ImportRefused(
                "The package has no Anki collection (collection.anki21b, .anki21 or .anki2)."
            )
        raw = _read_member(archive, member, limits)
        media = sum(1 for info in entries if info.filename not in _KNOWN_MEMBERS)
    if member.filename.endswith("anki21b"):
        raw = _unzstd(raw, limits)
    return raw, media


def _check_entry(info: zipfile.ZipInfo, names: set[str], limits: Limits) -> None:
    name = info.filename
    parts = name.replace("\\", "/").split("/")
    if (
        name.startswith(("/", "\\"))
        or re.match(r"^[A-Za-z]:", name)
        or ".." in parts
        or "\x00" in name
    ):
        raise ImportRefused(
            f"The package contains an unsafe file name ({name[:80]!r}); it was refused."
        )
    if name in names:
        raise ImportRefused(f"The package contains the file {name[:80]!r} twice; it was refused.")
    names.add(name)
    if info.file_size > limits.max_member_size:
        raise ImportRefused(
            f"A file in the package would unpack to {info.file_size // (1024 * 1024)} MB; "
            f"at most {limits.max_member_size // (1024 * 1024)} MB are allowed."
        )
    if info.file_size > _RATIO_EXEMPT_SIZE and info.file_size > limits.max_ratio * max(
        info.compress_size, 1
    ):
        raise ImportRefused(
            "The package is compressed suspiciously well (a zip bomb?): it was refused "
            "without being unpacked."
        )


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> bytes:
    """Read one member into memory, never past its declared (and checked) size."""
    cap = min(info.file_size, limits.max_member_size)
    chunks, size = [], 0
    try:
        with archive.open(info) as member:
            while chunk := member.read(min(_CHUNK, cap + 1 - size)):
                size += len(chunk)
                if size > cap:
                    raise ImportRefused("A file in the package is larger than it says.")
                chunks.append(chunk)
    except ImportRefused:
        raise
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        ValueError,
        NotImplementedError,
        RuntimeError,
    ) as error:
        raise ImportRefused(
            f"The package is damaged: {info.filename} cannot be read ({error})."
        ) from None
    return b"".join(chunks)


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
