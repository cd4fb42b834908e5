"""Zip archives from uploads (.apkg, .xlsx): checked from the central directory first.

Before anything is decompressed: number of entries, total declared size, size of
each entry, compression ratio, names (absolute, "..", drive letters, NUL,
duplicates are refused). A member is then read into memory through a reader that
stops at its declared (and checked) size. Names from the archive are never used
as paths.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from quizapp.domain.importers.common import ImportRefused, Limits

# A small entry can compress very well (an empty SQLite page is all zeros) and harm nobody.
_RATIO_EXEMPT_SIZE = 1024 * 1024
_CHUNK = 64 * 1024
_MB = 1024 * 1024


def open_zip(data: bytes, limits: Limits, what: str) -> zipfile.ZipFile:
    """Open and check an archive; the caller closes it.

    Args:
        data: The upload's bytes (already known to start with "PK").
        limits: Entries, sizes and ratio allowed.
        what: "package" or "spreadsheet", for messages.

    Raises:
        ImportRefused: Not a readable zip archive, or one that breaks a limit.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        ValueError,
        OSError,
        EOFError,
        NotImplementedError,  # an entry needs a newer zip version than zipfile reads
    ) as error:
        raise ImportRefused(f"The {what} is not a readable zip archive ({error}).") from None
    try:
        check_entries(entries, limits, what)
    except ImportRefused:
        archive.close()
        raise
    return archive


def check_entries(entries: list[zipfile.ZipInfo], limits: Limits, what: str) -> None:
    """Refuse an archive whose directory breaks a limit (nothing is decompressed)."""
    if len(entries) > limits.max_entries:
        raise ImportRefused(
            f"The {what} has {len(entries)} files; at most {limits.max_entries} are allowed."
        )
    names: set[str] = set()
    total = 0
    for info in entries:
        _check_entry(info, names, limits, what)
        total += info.file_size
    if total > limits.max_total_size:
        raise ImportRefused(
            f"The {what} would unpack to {total // _MB} MB; at most "
            f"{limits.max_total_size // _MB} MB are allowed."
        )


def _check_entry(info: zipfile.ZipInfo, names: set[str], limits: Limits, what: str) -> None:
    name = info.filename
    parts = name.replace("\\", "/").split("/")
    if (
        name.startswith(("/", "\\"))
        or re.match(r"^[A-Za-z]:", name)
        or ".." in parts
        or "\x00" in name
    ):
        raise ImportRefused(
            f"The {what} contains an unsafe file name ({name[:80]!r}); it was refused."
        )
    if name in names:
        raise ImportRefused(f"The {what} contains the file {name[:80]!r} twice; it was refused.")
    names.add(name)
    if info.file_size > limits.max_member_size:
        raise ImportRefused(
            f"A file in the {what} would unpack to {info.file_size // _MB} MB; "
            f"at most {limits.max_member_size // _MB} MB are allowed."
        )
    if info.file_size > _RATIO_EXEMPT_SIZE and info.file_size > limits.max_ratio * max(
        info.compress_size, 1
    ):
        raise ImportRefused(
            f"The {what} is compressed suspiciously well (a zip bomb?): it was refused "
            "without being unpacked."
        )


def read_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, what: str
) -> bytes:
    """Read one member into memory, never past its declared (and checked) size."""
    cap = min(info.file_size, limits.max_member_size)
    chunks, size = [], 0
    try:
        with archive.open(info) as member:
            while chunk := member.read(min(_CHUNK, cap + 1 - size)):
                size += len(chunk)
                if size > cap:
                    raise ImportRefused(f"A file in the {what} is larger than it says.")
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
            f"The {what} is damaged: {info.filename} cannot be read ({error})."
        ) from None
    return b"".join(chunks)
