"""Images of a deck's facts: which bytes are an image we serve, and what they are called.

An image comes from an upload (an Anki note's media, a fact's picture), so its
declared type and name are never trusted: the type is read from the first bytes
(PNG, JPEG, GIF, WebP only), which refuses SVG (a document that can run
script) and anything else dressed up with an image's name. An image's name is
the hash of its bytes, so a name is never taken from the upload and the same
picture is stored once per deck.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

MAX_IMAGE = 1024 * 1024  # bytes of one image
MAX_IMAGES = 300  # images kept per deck
MAX_DECK_IMAGES = 24 * 1024 * 1024  # bytes of a deck's images together

# What each type starts with; WebP is a RIFF container whose form type is "WEBP".
_TYPES = {
    "png": (b"\x89PNG\r\n\x1a\n", "image/png"),
    "jpg": (b"\xff\xd8\xff", "image/jpeg"),
    "gif": (b"GIF8", "image/gif"),
}
CONTENT_TYPES = {**{ext: mime for ext, (_, mime) in _TYPES.items()}, "webp": "image/webp"}
NAME = re.compile(r"^[0-9a-f]{32}\.(png|jpg|gif|webp)\Z")


@dataclass(frozen=True)
class Image:
    """An accepted image.

    Attributes:
        name: "<32 hex digits of its SHA-256>.<ext>": its name in the deck.
        content_type: The type it is served with.
        data: Its bytes.
    """

    name: str
    content_type: str
    data: bytes


def sniff(data: bytes) -> str | None:
    """The image type of some bytes ("png", "jpg", "gif", "webp"), or None for anything else."""
    for ext, (magic, _mime) in _TYPES.items():
        if data.startswith(magic):
            return ext
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def accept(data: bytes) -> Image | str:
    """An image made of uploaded bytes, or why it is refused (words for a person).

    Args:
        data: The bytes, whatever their name or declared type said.

    Returns:
        The image, or the reason it is not one we keep.
    """
    if len(data) > MAX_IMAGE:
        return f"is over {MAX_IMAGE // 1024} KB"
    ext = sniff(data)
    if ext is None:
        return "is not a PNG, JPEG, GIF or WebP image (SVG and other files are not kept)"
    name = f"{hashlib.sha256(data).hexdigest()[:32]}.{ext}"
    return Image(name, CONTENT_TYPES[ext], data)


def content_type(name: str) -> str | None:
    """The type an image of this name is served with, or None for a name we never make."""
    match = NAME.match(name)
    return CONTENT_TYPES[match.group(1)] if match else None
