"""Quizzes: start one, serve its questions, grade answers, finish, and read the history.

Grading happens here only, against the snapshot stored with the attempt: a page never
receives the answer key before the learner answered (see `ShownQuestion`).

Rules each function keeps:

- An attempt belongs to one user: any other user gets NotFound (404), so attempt ids
  can't be probed.
- Questions are answered in order; each gets one response (a unique constraint), so a
  double click, a resubmitted form or a second tab counts once and gets the stored
  feedback back.
- The time limit per question runs on the server clock from when the question was
  first served; an answer arriving later than limit + `LATE_GRACE` counts as wrong.
- A wrong answer makes its fact due in the learner's study queue, in the same
  transaction as the answer.

Classrooms build on `choose_question_ids` (fix a question set once) and
`start_fixed_quiz` (each student's attempt of that set, shuffled per student, with a
time limit, a due date and whether late answers are accepted).

Where each part lives: `starting` (choose questions, create the attempt), `taking`
(current question, answer, feedback, finish, result), `history` (attempts, accuracy,
CSV, leaderboard), `values` (what views receive). Every public name is re-exported
here, so callers write `quiz_service.answer(...)`.
"""

from quizapp.services.quizzes.history import (
    CSV_COLUMNS,
    export_csv,
    history,
    home_summary,
    leaderboard,
    list_attempts,
    set_leaderboard_opt_in,
)
from quizapp.services.quizzes.starting import (
    choose_question_ids,
    deck_kinds,
    start_fixed_quiz,
    start_quiz,
)
from quizapp.services.quizzes.taking import (
    answer,
    current_question,
    feedback,
    finish,
    get_attempt,
    result,
)
from quizapp.services.quizzes.values import (
    LATE_GRACE,
    MAX_TYPED_LENGTH,
    Accuracy,
    AnswerRefused,
    AttemptRow,
    Feedback,
    History,
    QuestionSet,
    QuizClosed,
    QuizResult,
    ResultItem,
    ShownQuestion,
)

__all__ = [
    "CSV_COLUMNS",
    "LATE_GRACE",
    "MAX_TYPED_LENGTH",
    "Accuracy",
    "AnswerRefused",
    "AttemptRow",
    "Feedback",
    "History",
    "QuestionSet",
    "QuizClosed",
    "QuizResult",
    "ResultItem",
    "ShownQuestion",
    "answer",
    "choose_question_ids",
    "current_question",
    "deck_kinds",
    "export_csv",
    "feedback",
    "finish",
    "get_attempt",
    "history",
    "home_summary",
    "leaderboard",
    "list_attempts",
    "result",
    "set_leaderboard_opt_in",
    "start_fixed_quiz",
    "start_quiz",
]
