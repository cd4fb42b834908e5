"""Class forms: create or edit a class, join one with a code."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

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
