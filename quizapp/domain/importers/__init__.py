"""Turn uploaded files into decks: fact files, tables, Quizlet sets, Kahoot sheets, Anki packages.

Everything here is pure: bytes in, a validated deck (as data in the shape of a
fact file) or a list of problems out. Nothing is written anywhere but a private
temporary directory, and nothing reaches the database from here, so a refused
file leaves no trace.

Uploads are untrusted, so every reader is bounded in time and memory: parsers
of text are linear (they charge their work to a `Work`, and tests hold it to a
small multiple of the input), archives are checked before they are unpacked,
and SQLite runs under limits, an authorizer and a progress handler. Any problem
becomes an `ImportRefused` with words for a person; every returned deck has
passed `facts.Deck.from_dict`, the same validation as a file in questions/.

- `common`: limits, the refusal, the deck builder, fact files.
- `tables`: CSV and TSV (header, column guesses); `quizlet`: Quizlet's text export.
- `kahoot`: Kahoot's .xlsx template; `archive`: the zip checks of .xlsx and .apkg.
- `apkg`: Anki packages (the zip archive), `collection` (its SQLite file) and
  `anki_notes` (notes to facts: field HTML, cloze deletions).
"""

from quizapp.domain.importers.anki_notes import anki_cards, field_text, parse_clozes
from quizapp.domain.importers.apkg import read_apkg
from quizapp.domain.importers.common import (
    ANSWER_RELATION,
    ANSWERS_RELATION,
    CLOZE_RELATION,
    DEFAULT_LIMITS,
    DeckMeta,
    Imported,
    ImportRefused,
    Limits,
    Work,
    decode_text,
    read_fact_file,
    slug,
    validated,
)
from quizapp.domain.importers.kahoot import XLSX_LIMITS, read_kahoot
from quizapp.domain.importers.quizlet import SEPARATORS, read_quizlet, separator
from quizapp.domain.importers.tables import (
    ColumnMapping,
    Table,
    column_names,
    delimiter_name,
    guess_mapping,
    looks_like_header,
    mapped_rows,
    read_table,
    sniff_delimiter,
    table_to_deck,
)

__all__ = [
    "ANSWERS_RELATION",
    "ANSWER_RELATION",
    "CLOZE_RELATION",
    "DEFAULT_LIMITS",
    "SEPARATORS",
    "XLSX_LIMITS",
    "ColumnMapping",
    "DeckMeta",
    "ImportRefused",
    "Imported",
    "Limits",
    "Table",
    "Work",
    "anki_cards",
    "column_names",
    "decode_text",
    "delimiter_name",
    "field_text",
    "guess_mapping",
    "looks_like_header",
    "mapped_rows",
    "parse_clozes",
    "read_apkg",
    "read_fact_file",
    "read_kahoot",
    "read_quizlet",
    "read_table",
    "separator",
    "slug",
    "sniff_delimiter",
    "table_to_deck",
    "validated",
]
