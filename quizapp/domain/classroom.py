"""Classroom rules that need no database: join codes.

A join code is read aloud, copied from a projector and typed on a phone, so its
alphabet leaves out every character that looks like another one: 0/O/Q/D, 1/I/L,
2/Z, 5/S, 8/B, U/V. 21 characters to the 8th power is about 3.8e10 codes, and the
join form is rate-limited, so codes can't be guessed.
"""

from __future__ import annotations

import random
import re

CODE_LENGTH = 8
CODE_ALPHABET = "ACEFGHJKMNPRTWXY34679"
# Separators people add when copying a code: "ACEF-GHJK", "acef ghjk".
_SEPARATORS = re.compile(r"[\s\-_.]+")


class CodeError(ValueError):
    """Text that cannot be a join code; the message is meant for the person typing it."""


def generate_code(rng: random.Random) -> str:
    """A fresh join code (uniqueness is the database's job).

    Args:
        rng: The source of randomness (`random.SystemRandom()` in production).
    """
    return "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str | None) -> str:
    """The code a person meant: upper case, separators removed.

    Raises:
        CodeError: Not 8 characters of the code alphabet.
    """
    code = _SEPARATORS.sub("", text or "").upper()
    if not code:
        raise CodeError("Enter the class code your teacher gave you.")
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        raise CodeError(
            f"A class code is {CODE_LENGTH} letters and digits, like "
            f"{format_code('ACEFGH34')}. Check the code and try again."
        )
    return code


def format_code(code: str) -> str:
    """A code as shown to people: two groups of four, easier to read out."""
    return f"{code[:4]}-{code[4:]}"
