"""The fact editor's preview: "Try an answer" judges it as a learner's answer would be."""

from __future__ import annotations

from quizapp.models import Fact
from tests.conftest import count_rows
from tests.web.test_editor import author, capitals  # noqa: F401 (fixtures)

CHILE = {
    "relation": "capital",
    "new_subject": "Chile",
    "new_value": "Santiago",
    "evidence": "Santiago is the capital of Chile.",
}


def verdicts(client, key, answer):
    data = client.post(f"/decks/{key}/edit/preview", data={**CHILE, "try_answer": answer})
    return {q["kind"]: q["verdict"] for q in data.get_json()["questions"]}


def test_a_right_answer_is_accepted_by_every_typed_question(client, capitals):  # noqa: F811
    found = verdicts(client, capitals, "santiago")  # case does not matter
    assert found["typed"]["correct"] and found["cloze"]["correct"]
    assert found["multiple choice"] is None and found["true false"] is None
    assert count_rows(Fact) == 4  # trying saves nothing


def test_another_answer_is_not_accepted_and_the_expected_one_shown(client, capitals):  # noqa: F811
    wrong = verdicts(client, capitals, "Lima")["typed"]
    assert wrong == {"answer": "Lima", "correct": False, "expected": "Santiago"}


def test_the_reverse_question_judges_the_subject(client, capitals):  # noqa: F811
    assert verdicts(client, capitals, "Chile")["reverse"]["correct"]


def test_without_javascript_the_verdict_is_on_the_page(client, capitals):  # noqa: F811
    data = {**CHILE, "preview": "1", "try_answer": "Lima"}
    page = client.post(f"/decks/{capitals}/edit/facts/new", data=data).get_data(as_text=True)
    assert "“Lima”: not accepted" in page
    assert 'name="try_answer" form="fact-form"' in page


def test_no_answer_no_verdict_and_a_long_one_is_cut(client, capitals):  # noqa: F811
    assert set(verdicts(client, capitals, "").values()) == {None}
    long = verdicts(client, capitals, "x" * 10_000)["typed"]
    assert len(long["answer"]) == 200 and not long["correct"]
