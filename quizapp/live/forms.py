"""Live game forms: the host's game options and the player's join form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)
from wtforms.widgets import CheckboxInput, ListWidget

from quizapp.domain.live import CHOICE_KINDS, NICKNAME_MAX, TEAMS_MAX
from quizapp.domain.live_kinds import DECK_KINDS
from quizapp.services.live import (
    KIND_LABELS,
    MAX_PLAYERS,
    MAX_QUESTIONS,
    MAX_SECONDS,
    MIN_SECONDS,
)


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class GameForm(FlaskForm):
    # The view offers the host's own classes: any other id is refused in words.
    class_id = SelectField(
        "Class",
        default="",
        invalid_choice_message="Choose one of your classes, or none.",
        description="Members of the class play under their names, and the results go to "
        "the class's gradebook.",
    )
    entities = SelectMultipleField(
        "Only these subjects",
        validators=[Optional()],
        description="Leave empty for the whole deck. Hold Ctrl (⌘ on a Mac) to pick several.",
    )
    kinds = CheckboxesField(
        "Kinds of question",
        choices=[SelectChoice(kind, KIND_LABELS[kind]) for kind in DECK_KINDS],
        default=list(CHOICE_KINDS),
        validators=[DataRequired(message="Choose at least one kind of question.")],
    )
    question_count = IntegerField(
        "Number of questions",
        default=10,
        validators=[InputRequired(), NumberRange(1, MAX_QUESTIONS)],
    )
    seconds = IntegerField(
        "Seconds per question",
        default=20,
        validators=[InputRequired(), NumberRange(MIN_SECONDS, MAX_SECONDS)],
    )
    mode = RadioField(
        "How it is played",
        choices=[
            SelectChoice("live", "Live: everyone answers each question at once, on your screen"),
            SelectChoice("homework", "Homework: each player at their own pace, until a deadline"),
        ],
        default="live",  # also when the field is not sent
    )
    open_days = IntegerField(
        "Homework: open for this many days",
        default=7,
        validators=[Optional(), NumberRange(1, 60)],
        description="Homework goes to the class's gradebook.",
    )
    homework_scoring = RadioField(
        "Homework: scoring",
        choices=[
            SelectChoice("accuracy", "By accuracy: 1000 points per right answer"),
            SelectChoice(
                "speed",
                "Accuracy and speed: 1000 points at once, down to 500 after the seconds "
                "per question, timed from when each player's question is shown to them",
            ),
        ],
        default="accuracy",  # also when the field is not sent
    )
    scoring = RadioField(
        "Scoring",
        choices=[
            SelectChoice("speed", "Speed: 1000 points at once, down to 500 at the buzzer"),
            SelectChoice("accuracy", "Accuracy only: 1000 points per right answer"),
        ],
        default="speed",
        validators=[InputRequired()],
    )
    streak_bonus = BooleanField(
        "Streak bonus: +100 per right answer in a row, at most +500", default=True
    )
    poll_prompt = StringField(
        "A warm-up poll first (optional)",
        filters=[_strip],
        validators=[Length(max=300)],
        description="Your own question without a right answer, asked before the others.",
    )
    poll_options = TextAreaField(
        "Its options, one a line",
        validators=[Length(max=2000)],
        description="2 to 6 options.",
    )
    team_count = SelectField(
        "Teams",
        choices=[SelectChoice("0", "No teams: everyone for themselves")]
        + [SelectChoice(str(n), f"{n} teams") for n in range(2, TEAMS_MAX + 1)],
        default="0",
        invalid_choice_message="Choose a number of teams from the list.",
        description="Players are put in teams as they join; a team scores the average "
        "of its members' points.",
    )
    max_players = IntegerField(
        "At most this many players",
        validators=[Optional(), NumberRange(1, MAX_PLAYERS)],
        description="Leave empty for no limit.",
    )
    approval = BooleanField(
        "Let each player in myself (for a game open to anyone)",
        default=False,
    )

    def chosen_scoring(self) -> str:
        """The scoring of the mode chosen: homework has a field of its own."""
        return self.homework_scoring.data if self.mode.data == "homework" else self.scoring.data


class JoinForm(FlaskForm):
    pin = StringField(
        "Game PIN",
        filters=[_strip],
        validators=[DataRequired(), Regexp(r"^\d{6}\Z", message="The PIN has 6 digits.")],
    )
    nickname = StringField(
        "Nickname",
        validators=[Length(max=200)],
        description=f"1 to {NICKNAME_MAX} characters, shown on the big screen.",
    )
    code = StringField(
        "Rejoin code (only to come back on another device)",
        filters=[_strip],
        validators=[Length(max=40)],
        description="Shown on your old screen under your name.",
    )


class ActionForm(FlaskForm):
    """A host button: carries the game version the screen showed."""

    version = IntegerField(validators=[InputRequired()])
