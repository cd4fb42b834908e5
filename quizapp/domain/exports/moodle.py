"""Moodle XML: the question bank format Moodle imports (Question bank > Import > Moodle XML).

One category question ("$course$/top/quizapp/<deck title>"), then one question
per item (see `items`):

- `SINGLE` -> multichoice, one answer at 100%;
- `MULTIPLE` -> multichoice with `single` false: the right answers share 100%,
  the wrong ones share -100% (on Moodle's grade list, `items.moodle_fraction`);
- `TRUE_FALSE` -> truefalse;
- `SHORT` -> shortanswer, every accepted answer at 100%, not case-sensitive.
  Moodle reads "*" in a short answer as a wildcard, so a literal one is "\\*".

The evidence and the source link are each question's general feedback, and the
quizapp question id is its Moodle ID number, so a teacher can tell them apart.
Question and option texts are HTML (escaped text); short answers stay plain,
since Moodle compares them with what a student types.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import IO

from quizapp.domain.anki.content import ExportSet, Progress, _no_progress
from quizapp.domain.anki.fields import _escape
from quizapp.domain.exports.items import (
    MULTIPLE,
    SHORT,
    SINGLE,
    TRUE_FALSE,
    Item,
    credit_shares,
    deck_title,
    feedback_html,
    items,
    percent_text,
)
from quizapp.domain.exports.xmltext import xml_document, xml_text

_TYPES = {SINGLE: "multichoice", MULTIPLE: "multichoice", TRUE_FALSE: "truefalse"}
_TYPES[SHORT] = "shortanswer"
# Moodle's default penalty for a wrong try in adaptive mode: a third.
_PENALTY = "0.3333333"


def write_moodle_xml(export: ExportSet, out: IO[bytes], progress: Progress = _no_progress) -> None:
    """Write the export's questions as a Moodle XML question bank."""
    quiz = ET.Element("quiz")
    quiz.append(_category(export))
    for item in items(export):
        quiz.append(_question(item))
    out.write(xml_document(quiz))
    progress(len(export.facts))


def _text(parent: ET.Element, tag: str, text: str, format: str | None = None) -> ET.Element:
    """<tag format=...><text>text</text></tag>, the shape of every Moodle text field."""
    element = ET.SubElement(parent, tag, {"format": format} if format else {})
    ET.SubElement(element, "text").text = xml_text(text)
    return element


def _category(export: ExportSet) -> ET.Element:
    question = ET.Element("question", type="category")
    # "/" separates levels of a Moodle category path; "//" is a slash in a name.
    _text(question, "category", "$course$/top/quizapp/" + deck_title(export).replace("/", "//"))
    _text(question, "info", _escape(export.deck.description), "html")
    return question


def _question(item: Item) -> ET.Element:
    question = ET.Element("question", type=_TYPES[item.shape])
    _text(question, "name", item.name)
    _text(question, "questiontext", f"<p>{_escape(item.prompt)}</p>", "html")
    _text(question, "generalfeedback", feedback_html(item), "html")
    ET.SubElement(question, "defaultgrade").text = "1"
    ET.SubElement(question, "penalty").text = _PENALTY if item.shape != TRUE_FALSE else "1"
    ET.SubElement(question, "hidden").text = "0"
    ET.SubElement(question, "idnumber").text = item.id
    if item.shape == TRUE_FALSE:
        for value in (True, False):
            answer = _answer(question, 100 if item.truth == value else 0, "moodle_auto_format")
            ET.SubElement(answer, "text").text = "true" if value else "false"
    elif item.shape == SHORT:
        ET.SubElement(question, "usecase").text = "0"
        for accepted in item.correct:
            answer = _answer(question, 100, "moodle_auto_format")
            ET.SubElement(answer, "text").text = xml_text(accepted.replace("*", "\\*"))
    else:
        ET.SubElement(question, "single").text = "true" if item.shape == SINGLE else "false"
        ET.SubElement(question, "shuffleanswers").text = "true"
        ET.SubElement(question, "answernumbering").text = "abc"
        shares = credit_shares(item) if item.shape == MULTIPLE else {}
        for option in item.options:
            share = shares.get(option, 1.0 if item.is_correct(option) else 0.0)
            answer = _answer(question, share * 100, "html")
            ET.SubElement(answer, "text").text = xml_text(_escape(option))
    return question


def _answer(question: ET.Element, percent: float, format: str) -> ET.Element:
    return ET.SubElement(question, "answer", fraction=percent_text(percent), format=format)
