"""Study settings forms. The review screen's forms are plain HTML: their fields
depend on the question shown, and the service validates every value."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
)
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from quizapp.domain.scheduling import MAX_DESIRED_RETENTION, MIN_DESIRED_RETENTION
from quizapp.services import study as study_service

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_LIMIT = NumberRange(0, study_service.MAX_DAILY_LIMIT, "From 0 to %(max)s.")


def _known_timezone(_form, field) -> None:
    if not study_service.valid_timezone(field.data):
        raise ValidationError("Choose a timezone from the list.")


class SettingsForm(FlaskForm):
    desired_retention = FloatField(
        "Desired retention",
        validators=[
            InputRequired(),
            NumberRange(MIN_DESIRED_RETENTION, MAX_DESIRED_RETENTION, "From %(min)s to %(max)s."),
        ],
        description=(
            "The chance of remembering a fact when it comes due, from 0.70 to 0.97. "
            "Higher means more reviews, shorter intervals."
        ),
        render_kw={
            "type": "number",
            "step": "0.01",
            "min": MIN_DESIRED_RETENTION,
            "max": MAX_DESIRED_RETENTION,
        },
    )
    new_per_day = IntegerField(
        "New facts per day",
        validators=[InputRequired(), _LIMIT],
        render_kw={"type": "number", "min": 0, "max": study_service.MAX_DAILY_LIMIT},
    )
    reviews_per_day = IntegerField(
        "Reviews per day",
        validators=[InputRequired(), _LIMIT],
        description="At most this many reviews of learnt facts a day; learning is not limited.",
        render_kw={"type": "number", "min": 0, "max": study_service.MAX_DAILY_LIMIT},
    )
    timezone = SelectField(
        "Timezone",
        validators=[_known_timezone],
        validate_choice=False,
        description="Your study day ends at 4 a.m. in this timezone.",
    )
    leech_threshold = IntegerField(
        "Leech after this many lapses",
        validators=[
            Optional(),
            NumberRange(1, study_service.MAX_LEECH_THRESHOLD, "From %(min)s to %(max)s."),
        ],
        description=(
            "A fact you forget this many times is a leech: listed on your statistics "
            "page so you can rewrite or drop it."
        ),
        render_kw={"type": "number", "min": 1, "max": study_service.MAX_LEECH_THRESHOLD},
    )
    leech_suspend = BooleanField(
        "Suspend leeches (take them out of study until you bring them back)"
    )
    load_balance = BooleanField(
        "Balance the load: put reviews on lighter days (within the few days fsrs allows)"
    )
    easy_days = SelectMultipleField(
        "Light days",
        coerce=int,
        choices=[SelectChoice(i, day) for i, day in enumerate(WEEKDAYS)],
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validators=[Optional()],
        description="Fewer reviews land on these weekdays (with load balancing on).",
    )
    # Filled by study.js with the browser's timezone; used while none was chosen.
    browser_timezone = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = [SelectChoice(n, n) for n in study_service.timezone_names()]


class DeckLimitsForm(FlaskForm):
    new_per_day = IntegerField(
        "New facts per day in this deck",
        validators=[Optional(), _LIMIT],
        render_kw={"type": "number", "min": 0, "max": study_service.MAX_DAILY_LIMIT},
    )
    reviews_per_day = IntegerField(
        "Reviews per day in this deck",
        validators=[Optional(), _LIMIT],
        description="Leave both empty to use only your overall limits.",
        render_kw={"type": "number", "min": 0, "max": study_service.MAX_DAILY_LIMIT},
    )

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if (self.new_per_day.data is None) != (self.reviews_per_day.data is None):
            self.reviews_per_day.errors.append("Give both limits, or leave both empty.")
            return False
        return True


class ExamForm(FlaskForm):
    exam_on = DateField(
        "Exam date",
        validators=[Optional()],
        description=(
            "Until then, study also brings forward the facts you would likely forget by "
            "that day, a share each day. Leave empty for no exam."
        ),
    )
    target = FloatField(
        "Recall wanted on the exam day",
        default=0.9,
        validators=[InputRequired(), NumberRange(0.70, 0.99, "From %(min)s to %(max)s.")],
        render_kw={"type": "number", "step": "0.01", "min": 0.70, "max": 0.99},
    )
