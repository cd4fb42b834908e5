"""The images of an Anki package's notes: found by name in the package, checked, kept.

A note names its pictures in its fields (`<img src="paris.jpg">`); the package
maps those names to its numbered members in its "media" file: JSON in the old
format ({"0": "paris.jpg"}), a zstd-compressed protobuf list in Anki 2.1.50+'s,
whose members are zstd-compressed too. Each image is read through the archive's
bounded reader, only if its declared size is under the image cap, and kept only
if its first bytes say PNG, JPEG, GIF or WebP (`domain.images`): an SVG or a
file with an image's name is dropped with a notice. Sounds are left out.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from quizapp.domain import images as images_domain
from quizapp.domain.importers.archive import read_member
from quizapp.domain.importers.collection import Note
from quizapp.domain.importers.common import DeckBuilder, ImportRefused, Limits
from quizapp.domain.importers.protobuf import fields

# An <img> tag (its quoted attributes may hold ">"), and its src attribute. As in
# anki_notes._TAG, no part crosses a "<", so scanning a field stays linear.
_IMG = re.compile(r"""<img\b(?:[^<>"']++|"[^"<]*+"|'[^'<]*+')*+>""", re.IGNORECASE)
_SRC = re.compile(r"""\bsrc\s*+=\s*+(?:"([^"<]*+)"|'([^'<]*+)'|([^\s"'<>]++))""", re.IGNORECASE)
_MAX_MEDIA_LIST = 4 * 1024 * 1024  # bytes of the "media" file itself


def note_images(note: Note) -> list[str]:
    """The file names of the pictures on a note's front (a cloze note's text), no repeats.

    A picture on the back is the answer's: shown with the question it would give the
    answer away, so it is left out (the note's media notice counts it).
    """
    found: list[str] = []
    if note.kind == "cloze":
        fronts = ["Text" if "Text" in note.fields else note.field_order[0]]
    else:
        fronts = ["Front" if "Front" in note.fields else note.field_order[0]]
    for name in fronts:
        for tag in _IMG.finditer(note.fields.get(name, "")):
            src = _SRC.search(tag.group(0))
            if src is not None:
                file = next(part for part in src.groups() if part is not None)
                if file and file not in found:
                    found.append(file)
    return found


def media_members(archive: zipfile.ZipFile, limits: Limits, unzstd) -> dict[str, tuple[str, bool]]:
    """Anki file name -> (archive member, whether it is zstd-compressed); {} if unreadable."""
    names = set(archive.namelist())
    if "media" not in names:
        return {}
    info = archive.getinfo("media")
    if info.file_size > _MAX_MEDIA_LIST:
        return {}
    raw = read_member(archive, info, limits, "package")
    try:
        listed = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        listed = None
    if isinstance(listed, dict):
        return {
            str(file): (str(member), False)
            for member, file in listed.items()
            if isinstance(file, str) and str(member) in names
        }
    try:
        entries = _media_entries(unzstd(raw, replace(limits, max_member_size=_MAX_MEDIA_LIST)))
    except (ImportRefused, ValueError):
        return {}
    return {file: (member, True) for file, member in entries if member in names}


def _media_entries(data: bytes) -> list[tuple[str, str]]:
    """(file name, member) of Anki's MediaEntries message: entries = 1 {name = 1, ...,
    legacy_zip_filename = 255}; an entry's member is its index unless that field says."""
    entries = []
    for index, (number, entry) in enumerate(fields(data)):
        if number != 1 or not isinstance(entry, bytes):
            continue
        name, member = "", str(index)
        for field, value in fields(entry):
            if field == 1 and isinstance(value, bytes):
                name = value.decode("utf-8", "replace")
            elif field == 255 and isinstance(value, int):
                member = str(value)
        if name:
            entries.append((name, member))
    return entries


def place_images(
    archive: zipfile.ZipFile,
    builder: DeckBuilder,
    placements: Sequence[tuple[int, int, list[str]]],
    limits: Limits,
    unzstd,
) -> tuple[dict[str, images_domain.Image], list[str]]:
    """Give each fact made of a note with a picture that picture (the first one kept).

    Args:
        archive: The package.
        builder: Holds the facts; those of a placement get an "image".
        placements: (first fact index, end index, picture names) per note.
        limits: Archive limits; images have their own caps (`domain.images`).
        unzstd: Decompresses a member of the new format.

    Returns:
        The images kept by name, and notices about those left out.
    """
    members = media_members(archive, limits, unzstd) if placements else {}
    kept: dict[str, images_domain.Image] = {}
    by_file: dict[str, images_domain.Image | str] = {}
    left_out: Counter[str] = Counter()
    total = 0
    for start, end, files in placements:
        chosen = None
        for file in files:
            if file not in by_file:
                by_file[file] = _read_image(archive, members.get(file), limits, unzstd)
            image = by_file[file]
            if isinstance(image, str):
                left_out[image] += 1
                continue
            if image.name not in kept:
                if len(kept) >= images_domain.MAX_IMAGES or (
                    total + len(image.data) > images_domain.MAX_DECK_IMAGES
                ):
                    left_out["are past the deck's image cap"] += 1
                    continue
                kept[image.name] = image
                total += len(image.data)
            chosen = image.name
            break
        for fact in builder.facts[start:end]:
            if chosen is not None:
                fact["image"] = chosen
    notices = [f"{n} picture(s) were left out: they {why}." for why, n in sorted(left_out.items())]
    return kept, notices


def _read_image(
    archive: zipfile.ZipFile, member: tuple[str, bool] | None, limits: Limits, unzstd
) -> images_domain.Image | str:
    """The image of one media member, or why it is not kept."""
    if member is None:
        return "are not in the package"
    name, compressed = member
    info = archive.getinfo(name)
    cap = images_domain.MAX_IMAGE
    if info.file_size > (cap + 1024 if compressed else cap):
        return f"are over {cap // 1024} KB"
    try:
        data = read_member(archive, info, limits, "package")
        if compressed:  # stop at the image cap, however well it is compressed
            data = unzstd(data, replace(limits, max_member_size=cap + 1))
    except ImportRefused:
        return "could not be read"
    accepted = images_domain.accept(data)
    return "are not PNG, JPEG, GIF or WebP images" if isinstance(accepted, str) else accepted
