"""Forms of "New deck from text" and "Add from text": they parse, nothing more.

The review page lists any number of proposals, so its rows are read by
`read_rows` (bounded: at most `MAX_ROWS`, each field capped) rather than by a
WTForms field list; the form itself carries the CSRF token and, for a new deck,
its details.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from quizapp.domain.facts import MAX_NAME, MAX_TEXT
from quizapp.domain.facts.presets import LIBRARIES, PRESETS
from quizapp.domain.suggest import MAX_TEXT_BYTES, Proposal
from quizapp.editor.forms import (
    _KEY,
    DECK_KEY_HELP,
    KEY_HELP,
    as_of_field,
    choices,
    language_field,
    strip,
    visibility_field,
)

MAX_ROWS = 300  # proposals on one review page (a 200 KB text rarely gives 100)
DEFAULT_SOURCE = "Pasted text"

TEXT_HELP = (
    "Plain text, Markdown or the text of a saved web page, up to "
    f"{MAX_TEXT_BYTES // 1000} KB. Nothing is fetched from the internet."
)


TOO_LONG = f"The text is too long: at most {MAX_TEXT_BYTES // 1000} KB can be read at once."


def _text_field() -> TextAreaField:
    # The byte cap is the extractor's (a clear message above it); this bound only keeps
    # a form from holding more than a few times that.
    return TextAreaField(
        "Article or notes",
        validators=[
            DataRequired("Paste some text."),
            Length(max=4 * MAX_TEXT_BYTES, message=TOO_LONG),
        ],
        description=TEXT_HELP,
    )


class DeckDetailsForm(FlaskForm):
    """A new deck's details, kept in hidden fields on the review page."""

    title = StringField("Title", filters=[strip], validators=[DataRequired(), Length(max=200)])
    source = StringField(
        "Source (optional)",
        filters=[strip],
        validators=[Optional(), Length(max=500)],
        description="A link or a citation; “Pasted text” if left empty.",
    )
    as_of = as_of_field()
    language = language_field()
    key = StringField(
        "Key",
        filters=[strip],
        validators=[Optional(), Length(max=60), _KEY],
        description="Optional: made from the title. " + KEY_HELP + DECK_KEY_HELP,
    )
    visibility = visibility_field()

    def header(self, key: str) -> dict[str, str]:
        """The `[deck]` table of the new deck."""
        return {
            "key": key,
            "title": self.title.data,
            "source": self.source.data or DEFAULT_SOURCE,
            "as_of": self.as_of.data,
            "language": self.language.data,
        }


class NewFromTextForm(DeckDetailsForm):
    text = _text_field()
    submit = SubmitField("Suggest facts")


class AddFromTextForm(FlaskForm):
    text = _text_field()
    submit = SubmitField("Suggest facts")


def _preset_choices() -> list[SelectChoice]:
    libraries = [
        (name, f"All relations for {name} ({', '.join(keys)})") for name, keys in LIBRARIES.items()
    ]
    single = [
        (key, f"{p['label']}: {p['forward'].replace('{subject}', '…')}")
        for key, p in sorted(PRESETS.items())
    ]
    return choices(libraries + single)


class PresetForm(FlaskForm):
    """Relations from the built-in presets, added to a deck in one step."""

    preset = SelectField("Add relations from the presets", choices=_preset_choices())
    submit = SubmitField("Add")


class ReviewForm(FlaskForm):
    """The review page of an existing deck: rows only (and the CSRF token)."""


@dataclass(frozen=True)
class Row:
    """One reviewed proposal: what the teacher kept or typed, and their decision."""

    proposal: Proposal
    accepted: bool


def read_rows(form: Mapping[str, str], relations: set[str]) -> tuple[list[Row], list[str]]:
    """Read the review page's rows ("row-3-subject" ...).

    Args:
        form: The posted form.
        relations: The relation keys a row may name.

    Returns:
        (rows, problems): problems say which row is wrong and how; rows are only
        complete when there are none.
    """
    try:
        count = int(form.get("rows", "0"))
    except ValueError:
        return [], ["The review page was incomplete; paste the text again."]
    if not 0 <= count <= MAX_ROWS:
        return [], [f"At most {MAX_ROWS} suggestions can be reviewed at once."]
    rows, problems = [], []
    for number in range(count):
        field = {
            name: " ".join(form.get(f"row-{number}-{name}", "").split())
            for name in ("decision", "relation", "subject", "value", "evidence")
        }
        place = f"Suggestion {number + 1}"
        decision, relation = field["decision"], field["relation"]
        fields = {name: field[name] for name in ("subject", "value", "evidence")}
        if decision not in ("accept", "reject"):
            problems.append(f"{place}: choose accept or reject.")
            continue
        if relation not in relations:
            problems.append(f"{place}: choose a relation from the list.")
            continue
        limits = {"subject": MAX_NAME, "value": MAX_TEXT, "evidence": MAX_TEXT}
        wrong = [n for n, v in fields.items() if decision == "accept" and not v]
        wrong += [n for n, v in fields.items() if len(v) > limits[n]]
        if wrong:
            problems.append(f"{place}: the {' and '.join(wrong)} must be filled in (and short).")
            continue
        proposal = Proposal(relation, fields["subject"], fields["value"], fields["evidence"])
        rows.append(Row(proposal, decision == "accept"))
    return rows, problems
