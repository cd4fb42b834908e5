"""Forms of the deck editor and the imports.

The forms only parse what a person typed into the pieces of a fact file (dicts in
its shape); whether the deck is valid is decided by the fact-file validation.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import URL, DataRequired, Length, Optional, Regexp

from quizapp.domain.deck_edits import FactInput, split_list
from quizapp.domain.facts import ENTITY_TYPES, VALUE_TYPES
from quizapp.domain.importers import ColumnMapping
from quizapp.domain.numbers import QUALIFIERS

KEY_HELP = "Lowercase letters, digits and '-'; never change it later."
_KEY = Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z", message="Use lowercase letters, digits and '-'.")
_RELATION_KEY = Regexp(
    r"^[a-z][a-z0-9_-]*\Z", message="Use lowercase letters, digits, '_' and '-'."
)
_DATE = Regexp(r"^\d{4}(-\d{2}(-\d{2})?)?\Z", message="Write YYYY, YYYY-MM or YYYY-MM-DD.")

VISIBILITY_LABELS = {
    "private": "Private: only you",
    "public": "Public: listed for everyone",
}


def class_label(classes: int, students: int) -> str:
    """The "my classes" choice, worded by whom it reaches today."""
    if not classes:
        return "My classes: no one yet (you have no class; its students will see it)"
    of = "your class" if classes == 1 else f"your {classes} classes"
    if not students:
        return f"My classes: no one yet ({of}, no student has joined)"
    who = "the student" if students == 1 else f"the {students} students"
    return f"My classes: {who} of {of}"


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def as_of_field() -> StringField:
    """When a deck's facts were true: every form that makes a deck asks it the same way."""
    return StringField(
        "Facts true as of",
        filters=[strip],
        validators=[DataRequired(), _DATE],
        description="YYYY, YYYY-MM or YYYY-MM-DD",
    )


def language_field() -> StringField:
    return StringField(
        "Language", default="en", filters=[strip], validators=[DataRequired(), Length(max=20)]
    )


def visibility_field() -> RadioField:
    return RadioField("Who can see it", default="private", validators=[DataRequired()])


def set_visibility_choices(
    field: RadioField, allowed: list[str], reach: tuple[int, int] = (0, 0)
) -> None:
    """Args: reach: (classes, students) the user teaches, for the "class" label."""
    labels = {**VISIBILITY_LABELS, "class": class_label(*reach)}
    field.choices = choices((v, labels[v]) for v in allowed)


# A user's deck keys get their owner's suffix (services.user_decks.owner_key).
DECK_KEY_HELP = " Your decks' keys end in -u and your account number, so they are yours alone."


class DeckForm(FlaskForm):
    title = StringField("Title", filters=[strip], validators=[DataRequired(), Length(max=200)])
    key = StringField(
        "Key",
        filters=[strip],
        validators=[Optional(), Length(max=60), _KEY],
        description="Optional: made from the title. " + KEY_HELP + DECK_KEY_HELP,
    )
    description = TextAreaField("Description", filters=[strip], validators=[Length(max=2000)])
    source = StringField(
        "Source (optional)",
        filters=[strip],
        validators=[Optional(), URL(require_tld=False), Length(max=500)],
        description="Where the facts come from, if anywhere: https://…",
    )
    as_of = as_of_field()
    language = language_field()
    visibility = visibility_field()
    submit = SubmitField("Save")


class UploadForm(FlaskForm):
    file = FileField("File", validators=[FileRequired("Choose a file to upload.")])
    title = StringField(
        "Title",
        filters=[strip],
        validators=[Optional(), Length(max=200)],
        description="Optional: the file's own title (or name) is used otherwise.",
    )
    key = StringField(
        "Deck key",
        filters=[strip],
        validators=[Optional(), Length(max=60), _KEY],
        description="Optional: replaces the file's key." + DECK_KEY_HELP,
    )
    visibility = visibility_field()
    submit = SubmitField("Upload")


class ReplaceForm(FlaskForm):
    file = FileField("Fact file (.toml)", validators=[FileRequired("Choose a file.")])
    submit = SubmitField("Replace the deck's content")


class VisibilityForm(FlaskForm):
    visibility = visibility_field()
    submit = SubmitField("Save visibility")


class EntityForm(FlaskForm):
    name = StringField("Name", filters=[strip], validators=[DataRequired(), Length(max=200)])
    key = StringField(
        "Key",
        filters=[strip],
        validators=[Optional(), Length(max=100), _KEY],
        description="Optional: made from the name. " + KEY_HELP,
    )
    type = SelectField(
        "Type", choices=choices((t, t) for t in ENTITY_TYPES), validators=[DataRequired()]
    )
    aliases = StringField(
        "Other accepted spellings",
        filters=[strip],
        validators=[Length(max=1000)],
        description="Separated by commas.",
    )
    description = StringField("Description", filters=[strip], validators=[Length(max=500)])
    submit = SubmitField("Save entity")

    @staticmethod
    def values_of(item: dict[str, Any]) -> dict[str, Any]:
        """The form's fields for a stored entity (to edit it)."""
        return {
            "name": item.get("name"),
            "type": item.get("type"),
            "aliases": ", ".join(item.get("aliases", [])),
            "description": item.get("description", ""),
        }

    def to_item(self) -> dict[str, Any]:
        item: dict[str, Any] = {"name": self.name.data, "type": self.type.data}
        if aliases := split_list(self.aliases.data):
            item["aliases"] = aliases
        if self.description.data:
            item["description"] = self.description.data
        return item


class RelationForm(FlaskForm):
    label = StringField(
        "Label (plural)",
        filters=[strip],
        validators=[DataRequired(), Length(max=120)],
        description='Shown in statistics: "founders", "capitals".',
    )
    key = StringField(
        "Key",
        filters=[strip],
        validators=[Optional(), Length(max=60), _RELATION_KEY],
        description="Optional: made from the label.",
    )
    subject = SelectField(
        "Facts are about a", choices=choices((t, t) for t in ENTITY_TYPES), default="concept"
    )
    value = SelectField(
        "The answer is a", choices=choices((t, t) for t in VALUE_TYPES), default="text"
    )
    forward = StringField(
        "Question",
        filters=[strip],
        validators=[DataRequired(), Length(max=300)],
        description="Asks for the answer; must contain {subject}: Who founded {subject}?",
    )
    reverse = StringField(
        "Reverse question (optional)",
        filters=[strip],
        validators=[Length(max=300)],
        description="Asks for the subject; must contain {value}: "
        "Which company was founded by {value}? Leave empty for none.",
    )
    statement = StringField(
        "Statement",
        filters=[strip],
        validators=[DataRequired(), Length(max=300)],
        description="For true/false; with {subject} and {value}: {subject} was founded by {value}.",
    )
    many = BooleanField("A fact lists several answers (select all that apply)")
    unique = BooleanField(
        "Each subject has only the answers its facts state (allows false statements)",
        default=True,
    )
    submit = SubmitField("Save relation")

    @staticmethod
    def values_of(item: dict[str, Any]) -> dict[str, Any]:
        """The form's fields for a stored relation (to edit it)."""
        return {**item, "reverse": item.get("reverse") or ""}

    def to_item(self) -> dict[str, Any]:
        return {
            "label": self.label.data,
            "subject": self.subject.data,
            "value": self.value.data,
            "forward": self.forward.data,
            "reverse": self.reverse.data or False,
            "statement": self.statement.data,
            "many": bool(self.many.data),
            "unique": bool(self.unique.data),
        }


class FactForm(FlaskForm):
    """A fact; the value fields used are those of the chosen relation's answer type."""

    relation = SelectField("Relation", validators=[DataRequired("Choose a relation.")])
    subject = SelectField("Subject", validators=[Optional()])
    new_subject = StringField(
        "…or a new subject",
        filters=[strip],
        validators=[Length(max=200)],
        description="A name: the entity is created with the relation's subject type.",
    )
    value_entity = SelectMultipleField(
        "Answer (entity)",
        validators=[Optional()],
        description="For a relation with several answers, select them all (Ctrl/⌘-click).",
    )
    new_value = StringField(
        "…or a new answer entity",
        filters=[strip],
        validators=[Length(max=200)],
        description="A name: created with the relation's answer type.",
    )
    value_date = StringField(
        "Answer (date)", filters=[strip], description="YYYY, YYYY-MM or YYYY-MM-DD"
    )
    value_amount = StringField("Amount", filters=[strip], description="A number: 2000000000")
    value_unit = StringField(
        "Unit", filters=[strip], validators=[Length(max=50)], description="parameters, %, users…"
    )
    value_currency = StringField(
        "Currency", filters=[strip], default="USD", validators=[Length(max=3)]
    )
    value_qualifier = SelectField(
        "Qualifier", choices=choices((q, q) for q in QUALIFIERS), default="exact"
    )
    value_text = TextAreaField(
        "Answer (text)",
        filters=[strip],
        validators=[Length(max=5000)],
        description="For a relation with several answers: one per line.",
    )
    value_aliases = StringField(
        "Other accepted answers", filters=[strip], description="Separated by commas."
    )
    evidence = TextAreaField(
        "Evidence",
        filters=[strip],
        validators=[DataRequired("Paste the sentence the fact comes from."), Length(max=5000)],
        description="The sentence of the source, as written. Learners see it after answering.",
    )
    source = StringField(
        "Source link (optional)",
        filters=[strip],
        validators=[Optional(), URL(require_tld=False), Length(max=500)],
        description="Overrides the deck's source for this fact.",
    )
    cloze = StringField(
        "Words to blank out (optional)",
        filters=[strip],
        validators=[Length(max=500)],
        description="Must occur in the evidence; defaults to the answer's text.",
    )
    key = StringField(
        "Key",
        filters=[strip],
        validators=[Optional(), Length(max=100), _KEY],
        description="Optional: made from the subject and relation. " + KEY_HELP,
    )
    choices = TextAreaField(
        "Wrong options (optional)",
        filters=[strip],
        validators=[Length(max=5000)],
        description="One per line: shown instead of other facts' answers in multiple choice.",
    )
    picture = FileField(
        "Picture (optional)",
        description="PNG, JPEG, GIF or WebP, up to 1 MB: shown with the fact's questions.",
    )
    remove_picture = BooleanField("Remove the fact's picture")
    preview = SubmitField("Preview questions")
    submit = SubmitField("Save fact")

    def set_deck(self, data: dict[str, Any]) -> None:
        entities = data.get("entities", {})
        relations = data.get("relations", {})
        self.relation.choices = choices(
            [("", "— choose —")]
            + [(k, f"{r['label']} ({r['subject']} → {r['value']})") for k, r in relations.items()]
        )
        entity_choices = [(k, f"{e['name']} ({e['type']})") for k, e in entities.items()]
        self.subject.choices = choices(
            [("", "— choose, or type a new one below —"), *entity_choices]
        )
        self.value_entity.choices = choices(entity_choices)

    def to_input(self) -> FactInput:
        """What was typed, as plain values (`deck_edits.put_fact` decides what it means)."""
        return FactInput(
            relation=self.relation.data or "",
            subject=self.subject.data or "",
            new_subject=self.new_subject.data or "",
            value_entities=tuple(self.value_entity.data or ()),
            new_value=self.new_value.data or "",
            value_date=self.value_date.data or "",
            value_amount=self.value_amount.data or "",
            value_unit=self.value_unit.data or "",
            value_currency=self.value_currency.data or "",
            value_qualifier=self.value_qualifier.data or "exact",
            value_text=self.value_text.data or "",
            value_aliases=self.value_aliases.data or "",
            evidence=self.evidence.data or "",
            source=self.source.data or "",
            cloze=self.cloze.data or "",
            key=(self.key.data or "") if self.key is not None else "",
            choices=self.choices.data or "",
            remove_picture=bool(self.remove_picture.data),
        )

    def picture_bytes(self, limit: int) -> bytes | None:
        """The uploaded picture's bytes (at most `limit` + 1 read), or None if none was sent."""
        storage = self.picture.data
        if storage is None or not getattr(storage, "filename", ""):
            return None
        return storage.read(limit + 1)

    def show_problems(self, field_problems) -> None:
        """Put an edit's problems beside the inputs they are about."""
        for name, problems in field_problems.items():
            target = getattr(self, name, None) or self.relation
            target.errors = [*target.errors, *problems]

    def fill(self, fact: dict[str, Any], relation: dict[str, Any] | None) -> None:
        """Put a stored fact into the form (for editing)."""
        self.key.data = fact.get("key")
        self.subject.data = fact.get("subject")
        self.relation.data = fact.get("relation")
        self.evidence.data = fact.get("evidence")
        self.cloze.data = fact.get("cloze", "")
        self.source.data = fact.get("source", "")
        self.choices.data = "\n".join(fact.get("choices", []))
        kind = relation["value"] if relation else "text"
        raw = fact.get("value")
        values = raw if isinstance(raw, list) else [raw]
        if kind in ENTITY_TYPES:
            self.value_entity.data = [str(v) for v in values]
        elif kind == "date":
            self.value_date.data = str(values[0])
        elif kind in ("number", "money") and isinstance(values[0], dict):
            value = values[0]
            self.value_amount.data = _plain_number(value.get("amount"))
            self.value_unit.data = value.get("unit", "")
            self.value_currency.data = value.get("currency", "USD")
            self.value_qualifier.data = value.get("qualifier", "exact")
        else:
            texts = [v["text"] if isinstance(v, dict) else str(v) for v in values]
            self.value_text.data = "\n".join(texts)
            if len(values) == 1 and isinstance(values[0], dict):
                self.value_aliases.data = ", ".join(values[0].get("aliases", []))
        self.value_aliases.data = self.value_aliases.data or ", ".join(fact.get("accepted", []))


def _plain_number(amount: Any) -> str:
    if isinstance(amount, float) and amount.is_integer():
        return str(int(amount))
    return "" if amount is None else str(amount)


class CsvUploadForm(FlaskForm):
    file = FileField("CSV or TSV file", validators=[FileRequired("Choose a file to upload.")])
    submit = SubmitField("Upload and choose columns")


class CsvMapForm(FlaskForm):
    mode = RadioField(
        "Each row is",
        choices=choices(
            [
                ("qa", "a question and its answer"),
                ("erv", "a fact: entity, relation, value (e.g. France, capital, Paris)"),
            ]
        ),
        default="qa",
        validators=[DataRequired()],
    )
    header = BooleanField("The first row is a header (not imported)")
    question = SelectField("Question column", validators=[Optional()])
    answer = SelectField("Answer column", validators=[Optional()])
    subject = SelectField("Entity column", validators=[Optional()])
    relation = SelectField("Relation column", validators=[Optional()])
    value = SelectField("Value column", validators=[Optional()])
    evidence = SelectField("Evidence column (optional)", validators=[Optional()])
    tags = SelectField("Tags column (optional)", validators=[Optional()])
    title = StringField("Deck title", filters=[strip], validators=[DataRequired(), Length(max=200)])
    visibility = visibility_field()
    preview = SubmitField("Preview")
    submit = SubmitField("Import")

    COLUMN_FIELDS = ("question", "answer", "subject", "relation", "value", "evidence", "tags")

    def set_columns(self, names: list[str]) -> None:
        options = choices([("", "—")] + [(str(i), name) for i, name in enumerate(names)])
        for name in self.COLUMN_FIELDS:
            getattr(self, name).choices = options

    def column(self, name: str) -> int | None:
        value = getattr(self, name).data
        return int(value) if value not in (None, "") and str(value).isdigit() else None

    def mapping(self) -> ColumnMapping:
        """The columns as chosen (an unknown mode is left for `table_to_deck` to refuse)."""
        return ColumnMapping(
            mode=self.mode.data or "qa",
            header=bool(self.header.data),
            **{name: self.column(name) for name in self.COLUMN_FIELDS},
        )

    def fill(self, guess: ColumnMapping, filename: str) -> None:
        """Pre-set the choices from a guess (the first time the page is shown)."""
        self.mode.data = guess.mode
        self.header.data = guess.header
        self.title.data = filename.rsplit(".", 1)[0][:200]
        for name in self.COLUMN_FIELDS:
            column = getattr(guess, name)
            getattr(self, name).data = "" if column is None else str(column)


class AnkiUploadForm(FlaskForm):
    file = FileField("Anki package (.apkg)", validators=[FileRequired("Choose a file.")])
    title = StringField(
        "Deck title",
        filters=[strip],
        validators=[Optional(), Length(max=200)],
        description="Optional: the Anki deck's name is used otherwise.",
    )
    submit = SubmitField("Upload and preview")


class ConfirmImportForm(FlaskForm):
    into = RadioField("Where the facts go", validators=[Optional()])
    visibility = visibility_field()
    submit = SubmitField("Create the deck")

    def offer_restore(self, own_title: str | None, missing: int) -> None:
        """Offer to put the facts back into the user's deck they were exported from."""
        if own_title is None:
            del self.into
            return
        self.into.choices = choices(
            [
                ("update", f"Put the {missing} missing fact(s) back into “{own_title}”"),
                ("new", "Make a new deck of them"),
            ]
        )
        if not self.into.data:
            self.into.data = "update"
        self.submit.label.text = "Import"


MAX_PASTE = 2 * 1024 * 1024  # characters of a pasted Quizlet set


class QuizletForm(FlaskForm):
    text = TextAreaField(
        "Paste the exported set",
        validators=[Length(max=MAX_PASTE, message="At most 2 MB of text; upload a file instead.")],
        description="In Quizlet: ⋯ → Export, then copy the text.",
    )
    file = FileField("…or upload it as a text file")
    between = RadioField(
        "Between term and definition",
        choices=choices([("tab", "Tab"), ("comma", "Comma"), ("custom", "Custom:")]),
        default="tab",
        validators=[DataRequired()],
    )
    between_custom = StringField("Custom separator", validators=[Length(max=10)])
    rows = RadioField(
        "Between cards",
        choices=choices(
            [("newline", "New line"), ("semicolon", "Semicolon"), ("custom", "Custom:")]
        ),
        default="newline",
        validators=[DataRequired()],
    )
    rows_custom = StringField("Custom card separator", validators=[Length(max=10)])
    submit = SubmitField("Read the set and choose columns")


class KahootUploadForm(FlaskForm):
    file = FileField("Kahoot spreadsheet (.xlsx)", validators=[FileRequired("Choose a file.")])
    title = StringField(
        "Deck title",
        filters=[strip],
        validators=[Optional(), Length(max=200)],
        description="Optional: the file's name is used otherwise.",
    )
    submit = SubmitField("Upload and preview")
