"""A reader of Moodle's GIFT format for the tests, written from Moodle's documentation
(docs.moodle.org, "GIFT format"), not from quizapp's writer.

No GIFT parser on PyPI fits the test extra: the one there (pygiftparser, 2017)
pins Markdown < 3.1 through a dependency, which the `anki` package's Markdown
would have to give up. So the exports are read back with this, and this reader
is itself checked against the documentation's own examples
(tests/domain/test_quiz_exports.py).

It reads what the documentation describes: "//" comments, "$CATEGORY:" lines,
"::title::", a "[format]" marker, one answer block "{...}" anywhere in the text
(text after it makes a "missing word" question), "=right", "~wrong",
"~%50%partial", "#feedback" per answer, "####general feedback", {T}/{F}/{TRUE}/
{FALSE}, and the escapes "\\~ \\= \\# \\{ \\} \\: \\\\ \\n".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_ESCAPES = {"~", "=", "#", "{", "}", ":", "\\"}


@dataclass
class GiftAnswer:
    text: str
    credit: float  # percent
    feedback: str = ""


@dataclass
class GiftQuestion:
    title: str
    format: str
    text: str  # for a missing word question, the text with "_____" where the block was
    kind: str  # "truefalse", "multichoice", "shortanswer" or "description"
    answers: list[GiftAnswer] = field(default_factory=list)
    truth: bool | None = None
    general_feedback: str = ""
    category: str = ""


def unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            following = text[i + 1]
            if following in _ESCAPES:
                out.append(following)
                i += 2
                continue
            if following == "n":
                out.append("\n")
                i += 2
                continue
        out.append(char)
        i += 1
    return "".join(out)


def _split_unescaped(text: str, separators: str) -> list[tuple[str, str]]:
    """(separator, piece) pairs: the text cut before every unescaped separator char."""
    pieces: list[tuple[str, str]] = []
    current, sep, i = [], "", 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            current.append(text[i : i + 2])
            i += 2
            continue
        if char in separators:
            pieces.append((sep, "".join(current)))
            current, sep = [], char
        else:
            current.append(char)
        i += 1
    pieces.append((sep, "".join(current)))
    return pieces


def _find_unescaped(text: str, target: str, start: int = 0) -> int:
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith(target, i):
            return i
        i += 1
    return -1


def parse(source: str) -> list[GiftQuestion]:
    """Every question of a GIFT file."""
    questions, category = [], ""
    lines = [line for line in source.splitlines() if not line.lstrip().startswith("//")]
    for block in re.split(r"\n\s*\n", "\n".join(lines)):
        block = block.strip()
        if not block:
            continue
        if block.startswith("$CATEGORY:"):
            category = block.removeprefix("$CATEGORY:").strip()
            continue
        question = _question(block)
        question.category = category
        questions.append(question)
    return questions


def _question(block: str) -> GiftQuestion:
    title = ""
    if block.startswith("::"):
        end = _find_unescaped(block, "::", 2)
        title, block = unescape(block[2:end]), block[end + 2 :].lstrip()
    format = ""
    if block.startswith("["):
        end = block.index("]")
        format, block = block[1:end], block[end + 1 :]
    opening = _find_unescaped(block, "{")
    if opening < 0:
        return GiftQuestion(title, format, unescape(block.strip()), "description")
    closing = _find_unescaped(block, "}", opening)
    before, inside, after = block[:opening], block[opening + 1 : closing], block[closing + 1 :]
    text = unescape(before.strip())
    if after.strip():
        text = f"{unescape(before)}_____{unescape(after)}".strip()
    general = ""
    cut = _find_unescaped(inside, "####")
    if cut >= 0:
        inside, general = inside[:cut], unescape(inside[cut + 4 :].strip())
    question = GiftQuestion(title, format, text, "", general_feedback=general)
    body = inside.strip()
    head = _split_unescaped(body, "#")
    if head[0][1].strip() in ("T", "TRUE", "F", "FALSE"):
        question.kind = "truefalse"
        question.truth = head[0][1].strip().startswith("T")
        return question
    answers = [(sep, piece) for sep, piece in _split_unescaped(body, "=~") if sep]
    for sep, piece in answers:
        credit = 100.0 if sep == "=" else 0.0
        piece = piece.strip()
        match = re.match(r"%(-?\d+(?:\.\d+)?)%", piece)
        if match:
            credit, piece = float(match.group(1)), piece[match.end() :]
        answer_text, *feedback = [part for _, part in _split_unescaped(piece, "#")]
        question.answers.append(
            GiftAnswer(unescape(answer_text.strip()), credit, unescape("#".join(feedback).strip()))
        )
    question.kind = "shortanswer" if all(sep == "=" for sep, _ in answers) else "multichoice"
    return question
