"""Moodle XML, GIFT, QTI 2.1 and Kahoot exports, each read back by an independent parser:
defusedxml for the XML, the tests' own GIFT reader (checked on Moodle's documented
examples), openpyxl for the spreadsheet."""

from __future__ import annotations

import html
import io
import re
import zipfile
from dataclasses import replace

import openpyxl
import pytest
from defusedxml import ElementTree as SafeET

from quizapp.domain import anki
from quizapp.domain.exports import EXPORTERS
from quizapp.domain.exports import items as items_module
from quizapp.domain.exports.gift import gift_escape
from quizapp.domain.exports.items import MULTIPLE, SHORT, SINGLE, TRUE_FALSE, items
from quizapp.domain.exports.kahoot import ANSWER_MAX, HEADER_ROW, QUESTION_MAX, TIME_LIMITS
from quizapp.domain.questions import Question, generate
from tests import gift_reader

T0 = 1_738_000_000.0
QTI = "{http://www.imsglobal.org/xsd/imsqti_v2p1}"
CP = "{http://www.imsglobal.org/xsd/imscp_v1p1}"
# Every character the formats treat specially, in one option.
AWKWARD = "AT&T <b> {x} = 50% ~ #1: a\\b *"


def tricky_questions(deck) -> tuple[Question, ...]:
    """A multiple select with awkward text and a typed question with a "*" answer."""
    fact = next(f for f in deck.facts if f.key == "stepfun-founder")
    base = dict(
        deck=deck.key,
        fact_key=fact.key,
        subject=fact.subject,
        relation=fact.relation,
        evidence=fact.evidence + " <script>&</script>",
        source="https://example.com/a?b=1&c=2",
        answer_kind="entity",
    )
    select = Question(
        id="feedfacecafe",
        kind="multiple_select",
        prompt="Which of these are right? {really} a=b",
        answer="Jiang Daxin",
        accepted=(),
        choices=("Jiang Daxin", AWKWARD, "Yan Junjie", "Wang Xiaochuan"),
        correct=("Jiang Daxin", AWKWARD),
        **base,
    )
    typed = Question(
        id="0123456789ab",
        kind="typed",
        prompt="Name the star: *?",
        answer="A*B",
        accepted=("A*B", "a*b", "AB:C"),
        choices=(),
        correct=("A*B",),
        **base,
    )
    return (select, typed)


@pytest.fixture
def export(startups):
    questions = generate(startups).questions + tricky_questions(startups)
    return anki.ExportSet(startups, startups.facts, questions, T0)


def written(export, fmt: str) -> bytes:
    out = io.BytesIO()
    EXPORTERS[fmt].write(export, out, lambda _: None)
    return out.getvalue()


def by_id(export) -> dict[str, items_module.Item]:
    return {item.id: item for item in items(export)}


def test_items_give_every_question_one_shape(export):
    shapes = {item.id: item.shape for item in items(export)}
    assert len(shapes) == len(export.questions)
    kinds = {q.id: q.kind for q in export.questions}
    for qid, shape in shapes.items():
        expected = {
            "true_false": {TRUE_FALSE},
            "multiple_choice": {SINGLE},
            "multiple_select": {MULTIPLE},
            "typed": {SHORT},
            "cloze": {SHORT},
            "reverse": {SINGLE, MULTIPLE, SHORT},
        }[kinds[qid]]
        assert shape in expected
    assert shapes["feedfacecafe"] == MULTIPLE


@pytest.mark.parametrize(
    ("share", "grade"),
    [(1, 1.0), (1 / 2, 0.5), (1 / 3, 0.3333333), (1 / 6, 0.1666667), (-1 / 7, -0.1428571)],
)
def test_partial_credit_is_on_moodles_grade_list(share, grade):
    assert items_module.moodle_fraction(share) == grade


# --- Moodle XML -----------------------------------------------------------------------------


def test_moodle_xml_reads_back_question_for_question(export):
    root = SafeET.fromstring(written(export, "moodle"))
    assert root.tag == "quiz"
    category, *questions = root.findall("question")
    assert category.get("type") == "category"
    assert category.findtext("category/text") == "$course$/top/quizapp/Chinese AI startups"
    expected = by_id(export)
    assert len(questions) == len(expected)
    types = {SINGLE: "multichoice", MULTIPLE: "multichoice", TRUE_FALSE: "truefalse"}
    for question in questions:
        item = expected[question.findtext("idnumber")]
        assert question.get("type") == types.get(item.shape, "shortanswer")
        assert question.findtext("name/text") == item.name
        text = question.findtext("questiontext/text")
        assert text == f"<p>{html.escape(item.prompt, quote=False)}</p>"
        # The feedback is HTML holding the evidence as escaped text ("<script>" shows).
        feedback = question.findtext("generalfeedback/text")
        assert feedback.startswith(f"<p>{html.escape(item.evidence, quote=False)}</p>")
        answers = [
            (float(a.get("fraction")), a.findtext("text")) for a in question.findall("answer")
        ]
        if item.shape == TRUE_FALSE:
            right = "true" if item.truth else "false"
            assert dict((t, f) for f, t in answers) == {
                right: 100,
                {"true": "false", "false": "true"}[right]: 0,
            }
        elif item.shape == SHORT:
            assert question.findtext("usecase") == "0"
            assert [t.replace("\\*", "*") for _, t in answers] == list(item.correct)
            assert all(f == 100 for f, _ in answers)
        else:
            assert [html.unescape(t) for _, t in answers] == list(item.options)
            assert question.findtext("single") == ("true" if item.shape == SINGLE else "false")
            right = [f for (f, t) in answers if item.is_correct(html.unescape(t))]
            wrong = [f for (f, t) in answers if not item.is_correct(html.unescape(t))]
            assert sum(right) == pytest.approx(100, abs=0.001)
            if item.shape == MULTIPLE:
                assert sum(wrong) == pytest.approx(-100, abs=0.001)
            else:
                assert wrong == [0] * len(wrong)


def test_moodle_short_answer_escapes_the_wildcard(export):
    root = SafeET.fromstring(written(export, "moodle"))
    typed = next(q for q in root.findall("question") if q.findtext("idnumber") == "0123456789ab")
    assert [a.findtext("text") for a in typed.findall("answer")] == ["A\\*B", "AB:C"]


# --- GIFT -------------------------------------------------------------------------------------

# Examples from Moodle's GIFT documentation, with what they mean.
DOC_EXAMPLES = [
    (
        "Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}",
        (
            "multichoice",
            "Who's buried in Grant's tomb?",
            [("Grant", 0), ("Jefferson", 0), ("no one", 100)],
        ),
    ),
    (
        "Grant is {~buried =entombed ~living} in Grant's tomb.",
        (
            "multichoice",
            "Grant is _____ in Grant's tomb.",
            [("buried", 0), ("entombed", 100), ("living", 0)],
        ),
    ),
    (
        "Grant is buried in Grant's tomb.{F}",
        ("truefalse", "Grant is buried in Grant's tomb.", False),
    ),
    ("The sun rises in the east.{T}", ("truefalse", "The sun rises in the east.", True)),
    (
        "Who's buried in Grant's tomb?{=no one =nobody}",
        ("shortanswer", "Who's buried in Grant's tomb?", [("no one", 100), ("nobody", 100)]),
    ),
    (
        "Two plus two equals {=four =4}.",
        ("shortanswer", "Two plus two equals _____.", [("four", 100), ("4", 100)]),
    ),
    (
        "What two people are entombed in Grant's tomb? {~%-100%No one ~%50%Grant "
        "~%50%Grant's wife ~%-100%Grant's father }",
        (
            "multichoice",
            "What two people are entombed in Grant's tomb?",
            [("No one", -100), ("Grant", 50), ("Grant's wife", 50), ("Grant's father", -100)],
        ),
    ),
    (
        "Which answer equals 5? { ~ \\= 2 + 2  = \\= 2 + 3 ~ \\= 2 + 4 }",
        (
            "multichoice",
            "Which answer equals 5?",
            [("= 2 + 2", 0), ("= 2 + 3", 100), ("= 2 + 4", 0)],
        ),
    ),
]


@pytest.mark.parametrize(("source", "meaning"), DOC_EXAMPLES)
def test_gift_reader_reads_moodles_documented_examples(source, meaning):
    (question,) = gift_reader.parse(source)
    kind, text, answers = meaning
    assert (question.kind, question.text) == (kind, text)
    if kind == "truefalse":
        assert question.truth is answers
    else:
        assert [(a.text, a.credit) for a in question.answers] == answers


def test_gift_reader_reads_titles_feedback_and_comments():
    source = (
        "// a comment\n$CATEGORY: tom/x\n\n"
        "::Q1:: What's 2+2? { =four#right! ~three#no ####Count them.}\n\n"
        "::Q\\:2::[html]1+1=2 {T}"
    )
    first, second = gift_reader.parse(source)
    assert (first.title, first.category, first.general_feedback) == ("Q1", "tom/x", "Count them.")
    assert [(a.text, a.feedback) for a in first.answers] == [("four", "right!"), ("three", "no")]
    assert (second.title, second.format, second.truth) == ("Q:2", "html", True)


@pytest.mark.parametrize("text", ["plain", "a:b {c} ~d =e #f \\g", "two\nlines", AWKWARD])
def test_gift_escape_reads_back_as_written(text):
    escaped = gift_escape(text)
    assert "\n" not in escaped
    assert gift_reader.unescape(escaped) == text


def test_gift_reads_back_question_for_question(export):
    parsed = gift_reader.parse(written(export, "gift").decode("utf-8"))
    expected = list(items(export))
    assert len(parsed) == len(expected)
    for question, item in zip(parsed, expected, strict=True):
        assert question.title == item.name
        assert question.format == "html"
        assert question.category == "$course$/top/quizapp/Chinese AI startups"
        evidence = html.escape(item.evidence, quote=False)
        assert question.general_feedback.startswith(f"<p>{evidence}</p>")
        if item.shape == TRUE_FALSE:
            assert (question.kind, question.truth) == ("truefalse", item.truth)
            assert html.unescape(question.text) == item.prompt
        elif item.shape == SHORT:
            assert question.kind == "shortanswer"
            assert [a.text.replace("\\*", "*") for a in question.answers] == list(item.correct)
            # A cloze is a missing-word question: the answers stand where the gap was.
            assert html.unescape(question.text) == item.prompt.replace(items_module.BLANK, "_____")
        else:
            assert question.kind == "multichoice"
            assert html.unescape(question.text) == item.prompt
            assert [html.unescape(a.text) for a in question.answers] == list(item.options)
            credits = {html.unescape(a.text): a.credit for a in question.answers}
            right = sum(credit for option, credit in credits.items() if item.is_correct(option))
            assert right == pytest.approx(100, abs=0.001)


# --- QTI 2.1 ----------------------------------------------------------------------------------


def test_qti_package_manifest_lists_every_file_and_items_read_back(export):
    with zipfile.ZipFile(io.BytesIO(written(export, "qti"))) as archive:
        names = set(archive.namelist())
        manifest = SafeET.fromstring(archive.read("imsmanifest.xml"))
        assert manifest.tag == f"{CP}manifest"
        resources = manifest.findall(f"{CP}resources/{CP}resource")
        hrefs = {r.get("identifier"): r.get("href") for r in resources}
        assert set(hrefs.values()) == names - {"imsmanifest.xml"}
        for resource in resources:
            assert resource.find(f"{CP}file").get("href") == resource.get("href")
        (test,) = [r for r in resources if r.get("type") == "imsqti_test_xmlv2p1"]
        item_resources = [r for r in resources if r.get("type") == "imsqti_item_xmlv2p1"]
        depends = [d.get("identifierref") for d in test.findall(f"{CP}dependency")]
        assert depends == [r.get("identifier") for r in item_resources]

        expected = by_id(export)
        assert len(item_resources) == len(expected)
        # Identifiers are XML names (QTI's identifier type): a letter first, no spaces.
        ncname = re.compile(r"[A-Za-z_][\w.-]*")
        assert all(ncname.fullmatch(identifier) for identifier in hrefs)
        for resource in item_resources:
            root = SafeET.fromstring(archive.read(resource.get("href")))
            assert root.tag == f"{QTI}assessmentItem"
            assert root.get("identifier") == resource.get("identifier")
            item = expected[root.get("identifier").removeprefix("item-")]
            _check_qti_item(root, item)
        test_root = SafeET.fromstring(archive.read("test.xml"))
        refs = test_root.findall(f".//{QTI}assessmentItemRef")
        assert [r.get("href") for r in refs] == [r.get("href") for r in item_resources]


def _check_qti_item(root, item) -> None:
    declaration = root.find(f"{QTI}responseDeclaration")
    values = [v.text for v in declaration.findall(f"{QTI}correctResponse/{QTI}value")]
    template = root.find(f"{QTI}responseProcessing").get("template")
    if item.shape == SHORT:
        assert declaration.get("baseType") == "string"
        entries = declaration.findall(f"{QTI}mapping/{QTI}mapEntry")
        assert [e.get("mapKey") for e in entries] == list(item.correct)
        assert root.find(f".//{QTI}textEntryInteraction") is not None
        assert template.endswith("/map_response")
        return
    interaction = root.find(f"{QTI}itemBody/{QTI}choiceInteraction")
    assert interaction.findtext(f"{QTI}prompt") == item.prompt
    choices = {c.get("identifier"): c.text for c in interaction.findall(f"{QTI}simpleChoice")}
    assert list(choices.values()) == list(item.options)
    assert [choices[v] for v in values] == [o for o in item.options if item.is_correct(o)]
    if item.shape == MULTIPLE:
        assert (declaration.get("cardinality"), interaction.get("maxChoices")) == ("multiple", "0")
        entries = declaration.findall(f"{QTI}mapping/{QTI}mapEntry")
        mapped = {choices[e.get("mapKey")]: float(e.get("mappedValue")) for e in entries}
        assert sum(v for o, v in mapped.items() if item.is_correct(o)) == pytest.approx(1, 1e-6)
        assert template.endswith("/map_response")
    else:
        assert (declaration.get("cardinality"), interaction.get("maxChoices")) == ("single", "1")
        assert template.endswith("/match_correct")


def test_qti_package_is_reproducible(export):
    assert written(export, "qti") == written(export, "qti")


# --- Kahoot -----------------------------------------------------------------------------------


def test_kahoot_spreadsheet_follows_the_template_and_lists_what_it_left_out(export):
    book = openpyxl.load_workbook(io.BytesIO(written(export, "kahoot")))
    sheet, left_out = book["Kahoot"], book["Left out"]
    header = [sheet.cell(row=HEADER_ROW, column=c).value for c in range(2, 9)]
    assert header[0].startswith("Question - max 120") and header[-1].startswith("Correct")
    rows = list(sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    expected = [i for i in items(export) if i.shape != SHORT]
    by_prompt = {i.prompt: i for i in expected}
    for number, (n, question, *answers, limit, correct) in enumerate(rows, start=1):
        item = by_prompt[question]
        assert n == number and limit in TIME_LIMITS
        assert len(question) <= QUESTION_MAX
        options = [a for a in answers if a is not None]
        assert options == list(item.options) and all(len(a) <= ANSWER_MAX for a in options)
        picked = [options[int(k) - 1] for k in str(correct).split(",")]
        assert picked == [o for o in item.options if item.is_correct(o)]
    skipped = [r[0] for r in left_out.iter_rows(min_row=2, values_only=True)]
    assert len(rows) + len(skipped) == len(list(items(export)))
    assert "Name the star: *?" in skipped  # typed: Kahoot has no typed answers
    assert any(item.shape == TRUE_FALSE for item in (by_prompt[r[1]] for r in rows))


def test_kahoot_leaves_out_what_it_would_have_to_cut(export):
    long = replace(export.questions[0], kind="multiple_choice", prompt="Why " * 40 + "?")
    wide = replace(
        export.questions[0],
        id="abcdefabcdef",
        kind="multiple_choice",
        choices=("x" * 80, "y", "z", "w"),
        correct=("y",),
    )
    export = replace(export, questions=(long, wide))
    book = openpyxl.load_workbook(io.BytesIO(written(export, "kahoot")))
    assert list(book["Kahoot"].iter_rows(min_row=HEADER_ROW + 1, values_only=True)) == []
    reasons = [r[2] for r in book["Left out"].iter_rows(min_row=2, values_only=True)]
    assert any("characters (at most 120)" in r for r in reasons)
    assert any("over 75 characters" in r for r in reasons)


def test_kahoot_cells_that_look_like_formulas_stay_text(export):
    question = replace(
        export.questions[0],
        kind="multiple_choice",
        prompt="=HYPERLINK(1)",
        choices=("=1+1", "b", "c", "d"),
        correct=("b",),
    )
    book = openpyxl.load_workbook(
        io.BytesIO(written(replace(export, questions=(question,)), "kahoot"))
    )
    row = HEADER_ROW + 1
    for column in (2, 3):
        cell = book["Kahoot"].cell(row=row, column=column)
        assert cell.data_type == "s" and cell.value.startswith("=")


# --- every new format ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["moodle", "gift", "qti", "kahoot"])
def test_every_quiz_tool_export_reports_progress_for_every_fact(fmt, export):
    done = []
    EXPORTERS[fmt].write(export, io.BytesIO(), done.append)
    assert sum(done) == len(export.facts)
