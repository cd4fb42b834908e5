"""Class forms: create or edit a class, join one with a code, assign a quiz."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from quizapp.domain import gradebook
from quizapp.quiz.forms import StartQuizForm
from quizapp.services.classroom import DESCRIPTION_MAX, NAME_MAX


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class ClassForm(FlaskForm):
    name = StringField(
        "Class name",
        filters=[strip],
        validators=[
            DataRequired("Give the class a name."),
            Length(max=NAME_MAX, message=f"At most {NAME_MAX} characters."),
        ],
        description="For example “History 9B, autumn term”.",
    )
    description = TextAreaField(
        "Description (optional)",
        filters=[strip],
        validators=[Length(max=DESCRIPTION_MAX, message=f"At most {DESCRIPTION_MAX} characters.")],
    )


class JoinForm(FlaskForm):
    code = StringField(
        "Class code",
        filters=[strip],
        validators=[
            DataRequired("Enter the class code your teacher gave you."),
            Length(max=40, message="A class code is 8 letters and digits."),
        ],
        description="8 letters and digits, like ACEF-GH34. Upper or lower case both work.",
    )


class AssignmentForm(StartQuizForm):
    """The quiz options of `StartQuizForm` plus what makes it an assignment."""

    title = StringField(
        "Title (optional)",
        filters=[strip],
        validators=[Length(max=200, message="At most 200 characters.")],
        description="Shown to students. Empty: the deck's title.",
    )
    opens_at = DateTimeLocalField(
        "Opens",
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired("Give the date and time the assignment opens.")],
    )
    due_at = DateTimeLocalField(
        "Due",
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired("Give the due date and time.")],
    )
    attempts = RadioField(
        "Attempts",
        choices=[SelectChoice("1", "One attempt"), SelectChoice("unlimited", "Unlimited")],
        default="1",
    )
    scoring = RadioField(
        "Which attempt counts",
        choices=[
            SelectChoice(gradebook.BEST, "The best one"),
            SelectChoice(gradebook.LAST, "The last one"),
        ],
        default=gradebook.BEST,
    )
    late_policy = RadioField(
        "Work after the due date",
        choices=[
            SelectChoice(gradebook.MARK_LATE, "Accept it, marked late"),
            SelectChoice(gradebook.REFUSE_LATE, "Refuse it"),
        ],
        default=gradebook.MARK_LATE,
    )
    shuffle = BooleanField("Shuffle the questions for each student", default=True)

    def validate_due_at(self, field) -> None:
        if field.data and self.opens_at.data and field.data <= self.opens_at.data:
            raise ValidationError("The due date must be after the opening date.")
