"""Quiz forms: the options of a new quiz, and the hidden fields of an answer."""

from __future__ import annotations

from collections.abc import Sequence

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectChoice, SelectMultipleField
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from quizapp.domain import quizzes as quiz_domain


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class StartQuizForm(FlaskForm):
    deck = HiddenField(validators=[DataRequired(), Length(max=80)])
    subjects = SelectMultipleField(
        "Topics",
        choices=[],
        description="Hold Ctrl (⌘ on a Mac) to pick several. None picked: every topic.",
    )
    kinds = CheckboxesField(
        "Kinds of question",
        choices=[SelectChoice(kind, label) for kind, label in quiz_domain.KIND_LABELS.items()],
        description="None ticked: every kind.",
    )
    count = IntegerField(
        "Number of questions",
        default=quiz_domain.DEFAULT_COUNT,
        render_kw={"min": quiz_domain.MIN_COUNT, "max": quiz_domain.MAX_COUNT},
        validators=[
            DataRequired("Give a number of questions."),
            NumberRange(
                quiz_domain.MIN_COUNT,
                quiz_domain.MAX_COUNT,
                f"Between {quiz_domain.MIN_COUNT} and {quiz_domain.MAX_COUNT} questions.",
            ),
        ],
    )
    time_limit = IntegerField(
        "Time limit per question (seconds)",
        render_kw={"min": quiz_domain.MIN_TIME_LIMIT, "max": quiz_domain.MAX_TIME_LIMIT},
        validators=[
            Optional(),
            NumberRange(
                quiz_domain.MIN_TIME_LIMIT,
                quiz_domain.MAX_TIME_LIMIT,
                f"Between {quiz_domain.MIN_TIME_LIMIT} and {quiz_domain.MAX_TIME_LIMIT} seconds,"
                " or leave it empty for no limit.",
            ),
        ],
        description="Leave empty for no limit.",
    )

    def for_deck(
        self, subjects: list[tuple[str, str]], kinds: Sequence[str] | None = None
    ) -> StartQuizForm:
        """Offer the deck's topics (entity key, name) and, if given, only these kinds."""
        self.subjects.choices = [SelectChoice(key, name) for key, name in subjects]
        if kinds is not None:
            self.kinds.choices = [c for c in self.kinds.choices if c.value in set(kinds)]
        return self

    def options(self) -> quiz_domain.QuizOptions:
        return quiz_domain.QuizOptions(
            subjects=tuple(self.subjects.data or ()),
            kinds=tuple(self.kinds.data or ()),
            count=self.count.data,
            time_limit=self.time_limit.data,
        )


class AnswerForm(FlaskForm):
    """The hidden part of an answer; the answer itself is read from the `answer` field(s)."""

    position = IntegerField(widget=HiddenInput(), validators=[DataRequired()])
    question_id = HiddenField(validators=[DataRequired(), Length(max=40)])
    request_id = HiddenField(validators=[DataRequired()])  # checked by the service


class PlainForm(FlaskForm):
    """A form with nothing but its CSRF token (finish, quick actions)."""
