"""GIFT, Moodle's text format for questions (Question bank > Import > GIFT format).

One question per paragraph, a blank line between them, after a
`$CATEGORY: $course$/top/quizapp/<deck title>` line:

    ::Stepfun\\: founders — Multiple choice::[html]Who founded Stepfun?{
    =Jiang Daxin
    ~Wang Xiaochuan
    ####<p>Jiang Daxin, Stepfun came late...</p>}

- `SINGLE` and `MULTIPLE` -> "=right ~wrong", or "~%50%right ~%-100%wrong" for
  partial credit (the shares Moodle XML gets too, `items.credit_shares`);
- `TRUE_FALSE` -> {TRUE} or {FALSE};
- `SHORT` -> {=answer =other accepted answer}; a cloze question is written as
  GIFT's "missing word" question, the answers where the gap is.
- The evidence and source are the general feedback (after "####").

Escaping follows Moodle's GIFT documentation: "~ = # { } :" and the backslash
itself are written with a backslash before them, a line break as "\\n". Texts
marked [html] are HTML-escaped first; short answers stay plain, since Moodle
compares them with what the student types ("*" is its wildcard, so "\\*").
"""

from __future__ import annotations

import io
from typing import IO

from quizapp.domain.anki.content import ExportSet, Progress, _no_progress
from quizapp.domain.anki.fields import _escape
from quizapp.domain.exports.items import (
    BLANK,
    MULTIPLE,
    SHORT,
    TRUE_FALSE,
    Item,
    credit_shares,
    deck_title,
    feedback_html,
    items,
    percent_text,
)

_SPECIAL = "\\~=#{}:"


def gift_escape(text: str) -> str:
    """The text with GIFT's special characters escaped, on one line."""
    for char in _SPECIAL:  # the backslash first, so added ones are not doubled
        text = text.replace(char, "\\" + char)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def write_gift(export: ExportSet, out: IO[bytes], progress: Progress = _no_progress) -> None:
    """Write the export's questions in GIFT format (UTF-8)."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="\n", write_through=True)
    try:
        text.write(f"// {deck_title(export)}: questions exported by quizapp\n\n")
        text.write(f"$CATEGORY: $course$/top/quizapp/{deck_title(export)}\n\n")
        for item in items(export):
            text.write(gift_question(item) + "\n\n")
    finally:
        text.detach()
    progress(len(export.facts))


def gift_question(item: Item) -> str:
    """One item as a GIFT question (no blank line inside)."""
    head = f"::{gift_escape(item.name)}::[html]"
    feedback = feedback_html(item)
    tail = f"\n####{gift_escape(feedback)}" if feedback else ""
    if item.shape == TRUE_FALSE:
        return f"{head}{_html(item.prompt)}{{{'TRUE' if item.truth else 'FALSE'}{tail}}}"
    if item.shape == SHORT:
        answers = " ".join(f"={_short_answer(answer)}" for answer in item.correct)
        block = f"{{{answers}{tail}}}"
        if item.prompt.count(BLANK) == 1:  # missing word: the answers go in the gap
            before, after = item.prompt.split(BLANK)
            return f"{head}{_html(before)}{block}{_html(after)}"
        return f"{head}{_html(item.prompt)}{block}"
    shares = credit_shares(item) if item.shape == MULTIPLE else {}
    lines = []
    for option in item.options:
        if option in shares:
            lines.append(f"~%{percent_text(shares[option] * 100)}%{_html(option)}")
        else:
            lines.append(f"{'=' if item.is_correct(option) else '~'}{_html(option)}")
    return f"{head}{_html(item.prompt)}{{\n" + "\n".join(lines) + f"{tail}}}"


def _html(text: str) -> str:
    return gift_escape(_escape(text))


def _short_answer(text: str) -> str:
    return gift_escape(text.replace("*", "\\*"))
