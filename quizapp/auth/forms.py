"""Account forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectChoice,
    StringField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from quizapp.auth.passwords import password_problem
from quizapp.models import Role


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def strong_password(_form, field) -> None:
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


class RegisterForm(FlaskForm):
    email = EmailField(
        "Email", filters=[strip], validators=[DataRequired(), Email(), Length(max=254)]
    )
    display_name = StringField(
        "Display name",
        filters=[strip],
        validators=[DataRequired(), Length(min=1, max=80)],
        description="Shown to your teachers and on leaderboards you opt into.",
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(max=200), strong_password],
        description="At least 8 characters.",
    )
    confirm = PasswordField(
        "Repeat password", validators=[DataRequired(), EqualTo("password", "Passwords differ.")]
    )
    role = RadioField("I am a", choices=[], default=Role.STUDENT.value)

    def offer_roles(self, teacher_signup: str) -> None:
        """The roles offered under QUIZAPP_TEACHER_SIGNUP (a posted role must be one)."""
        self.role.choices = role_choices(teacher_signup)


def role_choices(teacher_signup: str) -> list[SelectChoice]:
    choices = [SelectChoice(Role.STUDENT.value, "Learner / student")]
    if teacher_signup == "open":
        choices.append(SelectChoice(Role.TEACHER.value, "Teacher"))
    elif teacher_signup == "approval":
        choices.append(SelectChoice(Role.TEACHER.value, "Teacher (an administrator approves)"))
    return choices


class LoginForm(FlaskForm):
    email = EmailField("Email", filters=[strip], validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    remember = BooleanField("Remember me on this device")


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired(), Length(max=200)])
    password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(max=200), strong_password],
        description="At least 8 characters.",
    )
    confirm = PasswordField(
        "Repeat new password",
        validators=[DataRequired(), EqualTo("password", "Passwords differ.")],
    )
