"""The export menu: a GET form, since downloading changes nothing."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from quizapp.domain.anki import NOTE_TYPES
from quizapp.domain.exports import EXPORTERS
from quizapp.services.exports import ONLY

NOTE_TYPE_LABELS = {
    "fact": "Question and answer cards (with a reverse card where there is one)",
    "cloze": "Cloze cards from the source sentence",
    "choice": "Multiple-choice cards",
}


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ExportForm(FlaskForm):
    """Which format and which facts. Choices are checked by the export service, which
    says what is wrong in words ("The deck ... has no entity ..."), so the fields
    don't reject values themselves."""

    class Meta:
        csrf = False  # a GET form: nothing to forge

    format = SelectField(
        "Format",
        id="export-format",
        choices=[SelectChoice(e.name, e.label) for e in EXPORTERS.values()],
        default="apkg",
        validate_choice=False,
    )
    only = RadioField(
        "Which facts",
        id="export-only",
        choices=[SelectChoice(key, label) for key, label in ONLY.items()],
        default="all",
        validate_choice=False,
    )
    entity = CheckboxesField(
        "Only facts about", id="export-entity", choices=[], validate_choice=False
    )
    notes = CheckboxesField(
        "Anki cards",
        id="export-notes",
        choices=[SelectChoice(key, NOTE_TYPE_LABELS[key]) for key in NOTE_TYPES],
        default=list(NOTE_TYPES),
        validate_choice=False,
    )
    subdecks = BooleanField("One Anki subdeck per entity", id="export-subdecks")
