"""Assignments: a teacher gives a class a quiz; students take it; the gradebook reads it.

An assignment fixes its question set when it is made (`quizzes.choose_question_ids`),
so every student gets the same questions; each student's attempt is an ordinary quiz
attempt (`quizzes.start_fixed_quiz`) tagged with the assignment, taken on the quiz
screens, graded on the server and feeding the student's study queue like any quiz.

Who may see what:

- The class's teacher sees every student's results; nobody else sees the gradebook.
- A student of the class sees the class's assignments and only their own results.
- Anyone else gets NotFound for the class and its assignments, as for ids that don't
  exist.

The class gradebook also has a column per finished live game of the class
(`LiveColumn`), read from the game's players and answers as they are; a game whose
class was deleted has no class any more (the foreign key sets it to NULL) and so
shows in no gradebook.

Where each part lives: `making` (create, delete), `reading` (access, summaries),
`students` (a student's view, start), `gradebook` (reports, class gradebook, live
columns), `csv_export` (the CSV files), `analysis` (item analysis, accepting an
answer). Every public name is re-exported here, so callers write
`assignment_service.start(...)`.
"""

from quizapp.services.assignments.analysis import (
    Accepted,
    ItemAnalysisReport,
    accept_answer,
    item_analysis,
)
from quizapp.services.assignments.csv_export import (
    ASSIGNMENT_CSV_COLUMNS,
    assignment_csv,
    gradebook_csv,
    live_label,
)
from quizapp.services.assignments.gradebook import (
    AssignmentReport,
    ClassGradebook,
    LiveColumn,
    StudentHistory,
    StudentRow,
    assignment_report,
    class_gradebook,
    student_history,
)
from quizapp.services.assignments.making import (
    TITLE_MAX,
    AssignmentClosed,
    AssignmentSpec,
    create_assignment,
    delete_assignment,
)
from quizapp.services.assignments.reading import class_assignments, get_assignment
from quizapp.services.assignments.students import (
    StudentView,
    start,
    student_assignments,
    student_view,
)

__all__ = [
    "ASSIGNMENT_CSV_COLUMNS",
    "TITLE_MAX",
    "Accepted",
    "AssignmentClosed",
    "AssignmentReport",
    "AssignmentSpec",
    "ClassGradebook",
    "ItemAnalysisReport",
    "LiveColumn",
    "StudentHistory",
    "StudentRow",
    "StudentView",
    "accept_answer",
    "assignment_csv",
    "assignment_report",
    "class_assignments",
    "class_gradebook",
    "create_assignment",
    "delete_assignment",
    "get_assignment",
    "gradebook_csv",
    "item_analysis",
    "live_label",
    "start",
    "student_assignments",
    "student_history",
    "student_view",
]
