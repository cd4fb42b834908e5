"""Suggest facts from a pasted text: rule-based, offline, linear in the text.

- `text`: markup removed, headings and sentences found, the size capped.
- `mentions`: names, dates, money and numbers replaced by placeholders, read by
  the app's own parsers (`domain.numbers`).
- `slots`: what the patterns are written with ("{S}", "{D}", "{ROLE}") and how one
  is compiled.
- `patterns`: per preset relation, how English states it ("founded by",
  "valued at", "best known for building"); `general` for the general presets
  ("opened in", "designed by", "named after", "516 metres long").
- `referents`: "the tower", "she", "it" written as the names they stand for, where
  the kind agrees (unsure: left as written), before the patterns run.
- `extract`: the patterns run over each sentence; an "it" or "the company" still left
  stands for the sentence's or the section's topic.
- `draft`: accepted suggestions become deck data (entities, preset relations,
  facts with their evidence) that passes the fact-file validation.
"""

from quizapp.domain.suggest.draft import Draft, Proposal, build_draft, proposals, read_value
from quizapp.domain.suggest.extract import Suggestion, suggest
from quizapp.domain.suggest.text import MAX_TEXT_BYTES, TextRefused

__all__ = [
    "MAX_TEXT_BYTES",
    "Draft",
    "Proposal",
    "Suggestion",
    "TextRefused",
    "build_draft",
    "proposals",
    "read_value",
    "suggest",
]
