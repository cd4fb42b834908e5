"""The few bytes of protobuf that Anki's files need: a message's top-level fields.

Anki 2.1.50+ keeps a note type's kind in a config message and the media list of a
new-format package in a message of entries; quizapp reads both without the
protobuf package (one small, bounded loop, no schema).
"""

from __future__ import annotations

from collections.abc import Iterator


def fields(data: bytes) -> Iterator[tuple[int, int | bytes]]:
    """(field number, value) of a protobuf message: varints as int, lengths as bytes.

    Fixed-width fields (wire types 1 and 5) are skipped. Linear in the message's size.

    Raises:
        ValueError: The message is truncated or has an unknown wire type (after the
            fields read before the fault have been yielded).
    """
    position = 0

    def varint() -> int:
        nonlocal position
        result = shift = 0
        while position < len(data) and shift < 64:
            byte = data[position]
            position += 1
            result |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return result
            shift += 7
        raise ValueError("truncated varint")

    while position < len(data):
        tag = varint()
        number, wire = tag >> 3, tag & 7
        if wire == 0:
            yield number, varint()
        elif wire == 2:
            size = varint()
            if position + size > len(data):
                raise ValueError("truncated field")
            yield number, data[position : position + size]
            position += size
        elif wire in (1, 5):
            position += 8 if wire == 1 else 4
        else:
            raise ValueError("unknown wire type")
