"""Forms of the deck editor and the imports.

The forms only parse what a person typed into the pieces of a fact file (dicts in
its shape); whether the deck is valid is decided by the fact-file validation.
"""

from __future__ import annotations

import re
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

from quizapp.domain.facts import ENTITY_TYPES, VALUE_TYPES
from quizapp.domain.numbers import QUALIFIERS

KEY_HELP = "Lowercase letters, digits and '-'; never change it later."
_KEY = Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z", message="Use lowercase letters, digits and '-'.")
_RELATION_KEY = Regexp(
    r"^[a-z][a-z0-9_-]*\Z", message="Use lowercase letters, digits, '_' and '-'."
)
_DATE = Regexp(r"^\d{4}(-\d{2}(-\d{2})?)?\Z", message="Write YYYY, YYYY-MM or YYYY-MM-DD.")

VISIBILITY_LABELS = {
    "private": "Private: only you",
    "class": "My classes (only you until classes exist)",
    "public": "Public: listed for everyone",
}


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def split_list(text: str | None) -> list[str]:
    """ "a, b" or one per line -> ["a", "b"]."""
    return [part.strip() for part in re.split(r"[\n,]", text or "") if part.strip()]


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def visibility_field() -> RadioField:
    return RadioField("Who can see it", default="private", validators=[DataRequired()])


def set_visibility_choices(field: RadioField, allowed: list[str]) -> None:
    field.choices = choices((v, VISIBILITY_LABELS[v]) for v in allowed)


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
        "Source (link)",
        filters=[strip],
        validators=[DataRequired(), URL(require_tld=False), Length(max=500)],
        description="Where the facts come from: https://…",
    )
    as_of = StringField(
        "Facts true as of",
        filters=[strip],
        validators=[DataRequired(), _DATE],
        description="YYYY, YYYY-MM or YYYY-MM-DD",
    )
    language = StringField(
        "Language", default="en", filters=[strip], validators=[DataRequired(), Length(max=20)]
    )
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

    def fill(self, fact: dict[str, Any], relation: dict[str, Any] | None) -> None:
        """Put a stored fact into the form (for editing)."""
        self.key.data = fact.get("key")
        self.subject.data = fact.get("subject")
        self.relation.data = fact.get("relation")
        self.evidence.data = fact.get("evidence")
        self.cloze.data = fact.get("cloze", "")
        self.source.data = fact.get("source", "")
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
    visibility = visibility_field()
    submit = SubmitField("Create the deck")


def _amount(text: str | None) -> float | None:
    cleaned = re.sub(r"[\s,_]", "", text or "")
    try:
        amount = float(cleaned)
    except ValueError:
        return None
    return amount if amount == amount and abs(amount) != float("inf") else None


def _new_key(text: str, taken, fallback: str) -> str:
    from quizapp.domain.importers import slug

    base = slug(text) or fallback
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key


def build_fact(
    form: FactForm, data: dict[str, Any], key: str | None
) -> tuple[dict[str, Any], str] | None:
    """The deck data with the form's fact put in (added if `key` is None, else replaced),
    and the fact's key.

    New subject/answer entities typed in the form are added too. Returns None and sets
    field errors when the form can't say what the fact is.
    """
    from quizapp.domain.deck_edits import EditRefused, put

    relations = data.get("relations", {})
    entities = dict(data.get("entities", {}))
    relation = relations.get(form.relation.data or "")
    if relation is None:
        form.relation.errors = [*form.relation.errors, "Choose a relation."]
        return None
    new_entities: dict[str, dict[str, Any]] = {}

    def entity_for(name: str, type_: str) -> str:
        for k, e in {**entities, **new_entities}.items():
            if e.get("name") == name and e.get("type") == type_:
                return k
        k = _new_key(name, {*entities, *new_entities}, type_)
        new_entities[k] = {"name": name, "type": type_}
        return k

    if form.new_subject.data:
        subject = entity_for(form.new_subject.data, relation["subject"])
    elif form.subject.data:
        subject = form.subject.data
    else:
        form.subject.errors = [*form.subject.errors, "Choose a subject or type a new one."]
        return None

    value = _form_value(form, relation, entity_for)
    if value is None:
        return None
    fact: dict[str, Any] = {
        "subject": subject,
        "relation": form.relation.data,
        "value": value,
        "evidence": form.evidence.data or "",
    }
    if form.cloze.data:
        fact["cloze"] = form.cloze.data
    if form.source.data:
        fact["source"] = form.source.data
    if relation["value"] != "text" and (accepted := split_list(form.value_aliases.data)):
        fact["accepted"] = accepted
    editing = key is not None
    if key is None:
        taken = {f.get("key") for f in data.get("facts", [])}
        key = form.key.data or _new_key(f"{subject} {form.relation.data}", taken, "fact")
    chosen_key = form.key.data if form.key is not None else None
    try:
        for k, item in new_entities.items():
            data = put(data, "entity", k, item, new=True)
        exists = key in {f.get("key") for f in data.get("facts", [])}
        if exists and chosen_key and not editing:
            raise EditRefused(f"There is already a fact with the key '{key}'.")
        return put(data, "fact", key, fact, new=not exists), key
    except EditRefused as error:
        target = form.key if form.key is not None else form.relation
        target.errors = [*target.errors, str(error)]
        return None


def _form_value(form: FactForm, relation: dict[str, Any], entity_for) -> Any:
    kind, many = relation["value"], relation.get("many", False)
    if kind in ENTITY_TYPES:
        keys = [k for k in (form.value_entity.data or []) if k]
        if form.new_value.data:
            keys.append(entity_for(form.new_value.data, kind))
        if not keys:
            form.value_entity.errors = [*form.value_entity.errors, f"Choose the answer ({kind})."]
            return None
        if not many and len(keys) > 1:
            form.value_entity.errors = [
                *form.value_entity.errors,
                "This relation has one answer per fact: choose one.",
            ]
            return None
        return keys if many else keys[0]
    if kind == "date":
        dates = split_list(form.value_date.data)
        if not dates:
            form.value_date.errors = [*form.value_date.errors, "Enter the date."]
            return None
        return dates if many else dates[0]
    if kind in ("number", "money"):
        if many:
            form.value_amount.errors = [
                *form.value_amount.errors,
                "Lists of figures are edited in the fact file (Download TOML, then upload).",
            ]
            return None
        amount = _amount(form.value_amount.data)
        if amount is None:
            form.value_amount.errors = [*form.value_amount.errors, "Enter a number."]
            return None
        value: dict[str, Any] = {"amount": amount}
        if kind == "number":
            value["unit"] = form.value_unit.data or ""
        else:
            value["currency"] = (form.value_currency.data or "").upper()
        if form.value_qualifier.data and form.value_qualifier.data != "exact":
            value["qualifier"] = form.value_qualifier.data
        return value
    lines = [line.strip() for line in (form.value_text.data or "").splitlines() if line.strip()]
    if not lines:
        form.value_text.errors = [*form.value_text.errors, "Enter the answer."]
        return None
    if many:
        return lines
    text = " ".join(lines)
    aliases = split_list(form.value_aliases.data)
    return {"text": text, "aliases": aliases} if aliases else text
