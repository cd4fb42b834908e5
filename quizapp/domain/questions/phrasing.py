"""Fill a relation's templates so that they read as correct English for every value.

An author writes one template per relation ("{subject} was founded in {value}.")
but the values vary: a date may be a year, a month or a day, a figure may start
with a hedge ("over 1 trillion parameters"), a number may be 8 or 80. The
template is repaired around the slot rather than asking authors for one
template per case:

- the preposition before a date follows its precision: "in 1969", "in May 1969",
  "on May 1, 1969", whichever of "in"/"on" the author wrote;
- "a"/"an" before the value follows how the value is read ("an 80% stake",
  "a 10% stake", "an over-..." is never made: the article goes with the first word);
- a sentence that starts with the value starts with a capital letter;
- a long cloze is cut to the sentence, then the clauses, around the gap (at most
  `MAX_CLOZE_WORDS` words, "..." where cut);
- a cloze whose sentence does not name its subject ("She won the Nobel Prize in
  ____.") is prefixed with the subject's name ("Marie Curie: She won ...");
- a forward question about a date says which precision is asked: "When was X
  founded?" becomes "In which year was X founded?", "In which month was X
  founded?" or "On which date was X founded?"; a question that does not start
  with "When" gets the precision appended.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from quizapp.domain.facts import DateValue, Entity, Money, Quantity, Value
from quizapp.domain.numbers import singular
from quizapp.domain.questions.compare import precision

__all__ = [
    "MAX_CLOZE_WORDS",
    "ask_forward",
    "ask_reverse",
    "cloze_prompt",
    "date_preposition",
    "gives_away",
    "mentions",
    "state",
]

_PREPOSITION = re.compile(r"\b([Ii]n|[Oo]n)(\s+)\{value\}")
_ARTICLE = re.compile(r"\b([Aa]n?)(\s+)\{value\}")
_OF_THESE = re.compile(r"\b(Which|which)\s+of\s+these\s+(\w+)")
_LONGEST_NAME = 6
MAX_CLOZE_WORDS = 30
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“‘(])")
_CLAUSE_END = re.compile(r"(?<=[,;:])\s+|\s*[—–]\s*")
_WHEN = re.compile(r"^When\s+")
_ASKED = {1: "In which year", 2: "In which month and year", 3: "On which date"}
_HINT = {1: " (the year)", 2: " (the month and year)", 3: " (the exact date)"}
# Numbers read with a vowel sound: 8, 11, 18, 80, 800, 8,000, 11,000, 18 million ...
_AN_NUMBER = re.compile(
    r"^(?:8|1[18](?:(?:,\d{3})*|\s+(?:thousand|million|billion|trillion))?(?!\d))"
)
_AN_WORD = re.compile(r"^(?:[aeio]|u(?!ni|s[eu])|hour|honest|heir)", re.IGNORECASE)


def date_preposition(date: DateValue) -> str:
    """ "on" before a day, "in" before a month or a year."""
    return "on" if date.day is not None else "in"


def _article(text: str) -> str:
    if _AN_NUMBER.match(text) or _AN_WORD.match(text):
        return "an"
    return "a"


def _fill(template: str, value: Value, **slots: str) -> str:
    """Fill {value} (and the other slots), repairing the words just before {value}."""
    if isinstance(value, DateValue):
        wanted = date_preposition(value)

        def preposition(match: re.Match[str]) -> str:
            word = wanted.capitalize() if match.group(1)[0].isupper() else wanted
            return f"{word}{match.group(2)}{{value}}"

        template = _PREPOSITION.sub(preposition, template)
    text = value.display

    def article(match: re.Match[str]) -> str:
        word = _article(text)
        word = word.capitalize() if match.group(1)[0].isupper() else word
        return f"{word}{match.group(2)}{{value}}"

    template = _ARTICLE.sub(article, template)
    filled = template.format(value=text, **slots)
    if template.startswith("{value}") and isinstance(value, Quantity | Money):
        filled = filled[:1].upper() + filled[1:]
    return filled


def state(template: str, subject: str, value: Value) -> str:
    """A relation's statement about `subject` with `value`, for true/false questions."""
    return _fill(template, value, subject=subject)


def ask_reverse(template: str, value: Value, with_options: bool = True) -> str:
    """A relation's reverse question about `value`.

    Without options, "Which of these companies..." has nothing to point at and
    becomes "Which company...".
    """
    if not with_options:
        template = _OF_THESE.sub(lambda m: f"{m.group(1)} {singular(m.group(2))}", template)
    return _fill(template, value)


def ask_forward(template: str, subject: str, value: Value) -> str:
    """A relation's forward question about `subject`; `value` is the right answer.

    For a date, the question says which precision is asked, so that "1969" is a
    fair answer to "In which year...?" and not to "On which date...?".
    """
    prompt = template.format(subject=subject)
    if not isinstance(value, DateValue):
        return prompt
    level = precision(value)
    if _WHEN.match(prompt):
        return _WHEN.sub(_ASKED[level] + " ", prompt, count=1)
    stem, mark = (prompt[:-1], "?") if prompt.endswith("?") else (prompt, "")
    return f"{stem}{_HINT[level]}{mark}"


def mentions(text: str, phrase: str) -> bool:
    """Whether `text` contains `phrase` as whole words, ignoring case ("Porsche" in
    "Which company makes the Porsche 911?", not "Sony" in "Sonya")."""
    phrase = phrase.strip()
    if not phrase:
        return False
    return _whole_words(phrase.casefold()).search(text.casefold()) is not None


@functools.lru_cache(maxsize=65536)
def _whole_words(phrase: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)")


def cloze_prompt(parts: list[str], blanked: str, blank: str, subject: Entity) -> str:
    """The evidence (cut at `blanked` by `facts.cloze_parts`) with `blank` in each cut,
    naming the subject if it does not.

    A sentence taken from its paragraph often says "the firm" or "she"; without
    the subject's name the gap cannot be filled ("The firm is developing ____").
    """
    prompt = _trim(blank.join(parts), blank)
    names = [subject.name, *subject.aliases]
    if subject.type == "person" and " " in subject.name:
        names.append(subject.name.rsplit(" ", 1)[1])  # "Cavendish was born in ____."
    # A subject that is a sentence itself (an imported Anki card) names nothing to add.
    name = subject.name.strip()
    sentence = blank in name or name.endswith((".", "?", "!")) or len(name.split()) > _LONGEST_NAME
    if sentence or any(mentions(prompt, name) or mentions(blanked, name) for name in names):
        return prompt
    if mentions(name, blanked):  # "four to watch: ... these ____ companies" gives it away
        return prompt
    return f"{subject.name}: {prompt}"


def _words(text: str) -> int:
    return len(text.split())


def _trim(prompt: str, blank: str) -> str:
    """Cut a long cloze to the sentences, then the clauses, that hold the gap."""
    if _words(prompt) <= MAX_CLOZE_WORDS:
        return prompt
    sentences = [part for part in _SENTENCE_END.split(prompt) if blank in part]
    prompt = " ".join(sentences)
    if _words(prompt) <= MAX_CLOZE_WORDS or len(sentences) != 1:
        return prompt
    clauses = _CLAUSE_END.split(prompt)
    gaps = [number for number, clause in enumerate(clauses) if blank in clause]
    first, last = gaps[0], gaps[-1]
    if _words(" ".join(clauses[first : last + 1])) > MAX_CLOZE_WORDS:
        return prompt
    # grow the kept clauses around the gap, alternately before and after, while they fit
    grown = True
    while grown:
        grown = False
        for start, end in ((first - 1, last), (first, last + 1)):
            inside = start >= 0 and end < len(clauses)
            if inside and _words(" ".join(clauses[start : end + 1])) <= MAX_CLOZE_WORDS:
                first, last, grown = start, end, True
    kept = _rejoin(prompt, clauses, first, last)
    return ("… " if first > 0 else "") + kept + (" …" if last < len(clauses) - 1 else "")


def _rejoin(prompt: str, clauses: list[str], first: int, last: int) -> str:
    """The text of clauses first..last as written (with their own punctuation)."""
    start = prompt.index(clauses[first])
    end = prompt.index(clauses[last], start) + len(clauses[last])
    return prompt[start:end]


def gives_away(prompt: str, right: str, wrong: Iterable[str]) -> bool:
    """Whether the prompt points at the right option by a word no wrong option has.

    "Who was Adi Dassler's brother?" with "Rudolf Dassler" among people of other
    families, "Which product does Ferrari make?" with "Ferrari F40" among others.
    """
    others = list(wrong)
    for word in re.findall(r"\w{3,}", right):
        shared = word[0].isupper() and mentions(prompt, word)
        if shared and not any(mentions(other, word) for other in others):
            return True
    return False
