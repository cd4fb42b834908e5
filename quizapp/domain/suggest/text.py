"""From pasted text (plain, Markdown or a saved HTML page) to headings and sentences.

Every step is one pass of a regular expression without nested repetition, so the
time is linear in the text, which is capped at `MAX_TEXT_BYTES` first.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from quizapp.domain.suggest.mentions import OPENING_WORDS

__all__ = ["MAX_TEXT_BYTES", "Block", "TextRefused", "blocks", "check_size", "plain_text"]

MAX_TEXT_BYTES = 200_000  # a long article is 50 KB; a book chapter is not what this is for
MAX_SENTENCE = 2_000  # longer "sentences" are lists or tables: read only their start


class TextRefused(ValueError):
    """The text cannot be read; the message says why, in words for a person."""


@dataclass(frozen=True)
class Block:
    """A heading or a sentence of the text.

    Attributes:
        text: The words, as written (Markdown and HTML markup removed).
        heading: Whether it is a heading (a title line, not a sentence).
    """

    text: str
    heading: bool = False


def check_size(text: str) -> None:
    """Refuse a text over the cap, before any work is done on it.

    Raises:
        TextRefused: The text is empty or longer than `MAX_TEXT_BYTES`.
    """
    size = len(text.encode("utf-8", "replace"))
    if size > MAX_TEXT_BYTES:
        raise TextRefused(
            f"The text is {size / 1000:,.0f} KB; at most {MAX_TEXT_BYTES // 1000} KB can be "
            "read at once. Paste one article or a part of it."
        )
    if not text.strip():
        raise TextRefused("The text is empty: paste an article or notes.")


_HTML_HINT = re.compile(r"<(?:html|body|p|div|br|h[1-6]|li|article|span|a)\b", re.IGNORECASE)
_HTML_DROP = re.compile(
    r"<(script|style|noscript|template|head)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL
)
_HTML_BLOCK = re.compile(r"</?(?:p|div|br|h[1-6]|li|tr|article|section|blockquote)\b[^>]*>", re.I)
_HTML_HEADING = re.compile(r"<h[1-6]\b[^>]*>", re.IGNORECASE)
_HTML_TAG = re.compile(r"<[^>]{0,2000}>")
_MD_IMAGE = re.compile(r"!\[[^\]\n]{0,500}\]\([^)\n]{0,2000}\)")
_MD_LINK = re.compile(r"\[([^\]\n]{0,500})\]\([^)\n]{0,2000}\)")
_MD_EMPHASIS = re.compile(r"(?<!\w)(\*{1,3}|_{1,3}|`)(?=\S)([^*_`\n]{1,500}?)(?<=\S)\1(?!\w)")
_MD_BULLET = re.compile(r"^[ \t]{0,8}(?:[-*+]|\d{1,3}[.)])[ \t]+", re.MULTILINE)
_MD_QUOTE = re.compile(r"^[ \t]{0,8}>[ \t]?", re.MULTILINE)
_URL_LINE = re.compile(r"^\s*(?:https?://\S+|\[?https?://\S+)\s*$")


def plain_text(text: str) -> str:
    """The words of a text without Markdown or HTML markup; headings start with "# "."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _HTML_HINT.search(text):
        text = _HTML_DROP.sub(" ", text)
        text = _HTML_HEADING.sub("\n\n# ", text)
        text = _HTML_BLOCK.sub("\n\n", text)
        text = html.unescape(_HTML_TAG.sub("", text))
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    text = _MD_BULLET.sub("", text)
    return _MD_QUOTE.sub("", text)


# A sentence ends at . ! ? (and any closing quote or bracket) before a space and a capital,
# digit or opening quote, except after an abbreviation or an initial ("J. Smith").
_BOUNDARY = re.compile(r"(?<=[.!?])([\"'”’)\]]?)\s+(?=[A-Z0-9\"“‘(])")
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "prof",
        "inc",
        "ltd",
        "co",
        "corp",
        "vs",
        "etc",
        "jr",
        "sr",
        "no",
        "gen",
        "sen",
        "rep",
        "gov",
        "mt",
        "ft",
        "approx",
    ]
)
_INITIALS = re.compile(r"(?:[a-z]{1,2}\.)+[a-z]{1,2}")  # "u.s", "e.g", "ph.d"
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")
_TIME_LINE = re.compile(r"^\d{1,2}:\d{2}\s*(?:AM|PM)?\b", re.IGNORECASE)


def blocks(text: str) -> list[Block]:
    """Headings and sentences of a text, in order.

    A paragraph is lines between blank lines; a line starting with "#" is a heading, and so
    is a short line (up to eight words) with no final punctuation of its own.

    Args:
        text: The text as pasted (its size already checked with `check_size`).

    Returns:
        The blocks; sentences keep their words as written.
    """
    found: list[Block] = []
    for paragraph in re.split(r"\n[ \t]*\n", plain_text(text)):
        lines = [line.strip() for line in paragraph.split("\n") if line.strip()]
        body: list[str] = []
        for line in lines:
            heading = _heading(line)
            if heading is not None:
                found.extend(_sentences(" ".join(body)))
                body = []
                if heading:
                    found.append(Block(heading, heading=True))
            else:
                body.append(line)
        found.extend(_sentences(" ".join(body)))
    return found


def _heading(line: str) -> str | None:
    """The heading's text if the line is a heading ("" for a line to skip), else None."""
    if match := _HEADING.match(line):
        return match.group(1).strip("*_ ")
    if _URL_LINE.match(line) or _TIME_LINE.match(line):
        return ""
    words = line.split()
    if (
        len(words) <= 8
        and not line.endswith((".", "!", "?", ":", ";", ",", '"', "”"))
        and not re.search(r"[.!?]\s", line)
        and words[-1] not in _RUNS_ON
    ):
        return line
    return None


# A line that ends with one of these words goes on in the next line: not a heading.
_RUNS_ON = frozenset(["a", "an", "the", "and", "or", "of", "in", "on", "at", "to", "by", "for"])


def _sentences(paragraph: str) -> list[Block]:
    paragraph = " ".join(paragraph.split())
    if not paragraph:
        return []
    found: list[Block] = []
    start = 0
    for match in _BOUNDARY.finditer(paragraph):
        end = match.start() + len(match.group(1))
        last = paragraph[start : match.start()].rsplit(" ", 1)[-1].rstrip(".!?").lower()
        if (
            last in _ABBREVIATIONS
            or _INITIALS.fullmatch(last)
            or (len(last) == 1 and last.isalpha())
        ):
            continue
        found.append(Block(paragraph[start:end].strip()[:MAX_SENTENCE]))
        start = match.end()
    found.append(Block(paragraph[start:].strip()[:MAX_SENTENCE]))
    return [part for block in found if block.text for part in _unglue(block)]


_LEADING_NAME = re.compile(r"^([A-Z][\w.&-]*(?: [A-Z][\w.&-]*){0,2}) (?=[A-Z])")


def _unglue(block: Block) -> list[Block]:
    """Split off a heading that lost its line break ("Moonshot Moonshot is ...").

    Pages copied from a browser often glue a section's heading to its first sentence;
    a name at the start, followed by a capitalised word, and named again in the rest
    of the sentence is taken for such a heading, if the rest opens with the name again
    or with a word that opens sentences ("Founded", "The"): "Cologne Cathedral is a
    cathedral in Cologne" is one sentence about one name.
    """
    match = _LEADING_NAME.match(block.text)
    if not match:
        return [block]
    words = match.group(1).split(" ")
    for size in range(len(words), 0, -1):
        name = " ".join(words[:size])
        rest = block.text[len(name) + 1 :]
        opens = rest.startswith(name) or rest.split(" ", 1)[0].lower() in OPENING_WORDS
        if opens and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", rest):
            return [Block(name, heading=True), Block(rest)]
    return [block]
