"""The protobuf field reader of the Anki importers: what it reads, and that bytes from
anywhere end in fields or a ValueError, never another error or a long loop."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.domain.importers.protobuf import fields


def varint(number: int) -> bytes:
    out = bytearray()
    while True:
        low, number = number & 0x7F, number >> 7
        out.append(low | (0x80 if number else 0))
        if not number:
            return bytes(out)


def test_reads_varints_and_lengths_and_skips_fixed_width_fields():
    message = (
        varint(1 << 3 | 0)
        + varint(300)  # field 1, varint
        + varint(9 << 3 | 1)
        + b"\x00" * 8  # field 9, 64-bit: skipped
        + varint(2 << 3 | 2)
        + varint(5)
        + b"hello"  # field 2, bytes
        + varint(3 << 3 | 5)
        + b"\x00" * 4  # field 3, 32-bit: skipped
        + varint(255 << 3 | 0)
        + varint(7)
    )
    assert list(fields(message)) == [(1, 300), (2, b"hello"), (255, 7)]


@pytest.mark.parametrize(
    "message",
    [varint(1 << 3 | 0) + b"\x80", varint(2 << 3 | 2) + varint(10) + b"abc", b"\x07"],
    ids=["truncated varint", "truncated length", "unknown wire type"],
)
def test_a_broken_message_is_a_value_error(message):
    with pytest.raises(ValueError):
        list(fields(message))


@given(st.binary(max_size=512))
def test_any_bytes_give_fields_or_a_value_error(data):
    try:
        read = list(fields(data))
    except ValueError:
        return
    assert len(read) <= len(data)
