"""Pure Python core of quizapp: no flask, no sqlalchemy.

facts (load and validate fact files), questions (generate questions from facts),
grading (judge answers), numbers (write and read amounts and dates) and
scheduling (spaced repetition). Import from the modules themselves.
"""
