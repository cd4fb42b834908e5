"""Join codes: readable aloud, typed forgivingly, refused with words when wrong."""

from __future__ import annotations

import random

import pytest

from quizapp.domain.classroom import (
    CODE_ALPHABET,
    CODE_LENGTH,
    CodeError,
    format_code,
    generate_code,
    normalize_code,
)


def test_alphabet_has_no_look_alikes():
    for ch in "0O1IL2Z5S8BUVQD":
        assert ch not in CODE_ALPHABET
    assert len(set(CODE_ALPHABET)) == len(CODE_ALPHABET)


def test_codes_use_the_alphabet_and_vary():
    rng = random.Random(7)
    codes = {generate_code(rng) for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == CODE_LENGTH and set(c) <= set(CODE_ALPHABET) for c in codes)


@pytest.mark.parametrize(
    "typed", ["acef-gh34", " ACEF GH34 ", "acefgh34", "ACEF_GH34", "ac.ef-gh 34"]
)
def test_normalize_forgives_case_and_separators(typed):
    assert normalize_code(typed) == "ACEFGH34"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the class code"),
        (None, "Enter the class code"),
        ("ACEFGH3", "8 letters and digits"),
        ("ACEFGH345", "8 letters and digits"),
        ("ACEFGH0O", "8 letters and digits"),  # look-alikes are never in a code
        ("ACEFGH3é", "8 letters and digits"),
    ],
)
def test_normalize_refuses_what_cannot_be_a_code(typed, message):
    with pytest.raises(CodeError, match=message):
        normalize_code(typed)


def test_format_groups_in_fours():
    assert format_code("ACEFGH34") == "ACEF-GH34"
