"""The text of the exported fields: HTML-escaped text inside HTML written here (options,
source links, cloze deletions, prompts and answers), shared by the Anki formats.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Iterable
from urllib.parse import urlsplit

from quizapp.domain.facts import Deck, Fact, cloze_parts
from quizapp.domain.questions import Question


def _escape(text: str) -> str:
    # html.escape(text, quote=False), written out: an export escapes every field of
    # every note, and the call through html.escape was a tenth of the .apkg's time.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@functools.lru_cache(maxsize=256)  # most facts share their deck's source
def _source_html(url: str) -> str:
    """A link named by its site for http(s) sources; anything else (javascript:) stays text."""
    if url.lower().startswith(("https://", "http://")):
        site = urlsplit(url).hostname or url
        return f'<a href="{html.escape(url, quote=True)}">{_escape(site)}</a>'
    return _escape(url)


def _options_html(question: Question) -> str:
    items = []
    for choice in question.choices:
        marker = ' class="correct"' if choice in question.correct else ""
        items.append(f"<li{marker}>{_escape(choice)}</li>")
    return f'<ol class="options">{"".join(items)}</ol>'


def _cloze_text(evidence: str, words: str) -> str:
    """The evidence with `words` as cloze 1 wherever the question blanked them, HTML-escaped.

    Braces and "::" inside the text would be read as cloze syntax, so they are
    written as character references, which Anki shows as the characters.
    """

    def safe(text: str) -> str:
        escaped = _escape(text).replace("{", "&#123;").replace("}", "&#125;")
        return escaped.replace("::", ":&#58;")

    hidden = "{{c1::" + safe(words) + "}}"
    return hidden.join(safe(part) for part in cloze_parts(evidence, words))


def _forward_prompt(deck: Deck, fact: Fact) -> str:
    relation = deck.relations[fact.relation]
    return relation.forward.format(subject=deck.entities[fact.subject].name)


def _answer_text(fact: Fact) -> str:
    return ", ".join(value.display for value in fact.values)


def _reverse_question(questions: Iterable[Question]) -> Question | None:
    """The fact's reverse question when it has exactly one (a `many` fact may have several)."""
    reverse = [q for q in questions if q.kind == "reverse"]
    return reverse[0] if len(reverse) == 1 else None


def _reverse_answer(question: Question) -> str:
    # Without options every subject that fits is right, and the card must say so.
    return ", ".join(question.correct) if not question.choices else question.answer


def _ref(deck: Deck, fact: Fact, question: Question | None = None) -> str:
    """The hidden "quizapp id" field: what an importer needs to find the fact again."""
    parts = [deck.key, fact.key, *([question.id] if question else [])]
    return "/".join(parts)
