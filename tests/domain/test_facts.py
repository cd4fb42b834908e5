"""Loading, validating and writing fact files (quizapp.domain.facts)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quizapp.domain.facts import (
    DateValue,
    Deck,
    EntityRef,
    FactFileError,
    Money,
    Problem,
    Quantity,
    TextValue,
    fact_fingerprint,
    load_deck,
    load_decks,
    parse_deck,
    to_toml,
)

FILE = "questions/x.toml"


def problems_of(text: str) -> list[Problem]:
    with pytest.raises(FactFileError) as caught:
        parse_deck(text, FILE)
    assert all(problem.file == FILE for problem in caught.value.problems)
    return caught.value.problems


def only_problem(text: str) -> Problem:
    problems = problems_of(text)
    assert len(problems) == 1, problems
    return problems[0]


# --- a valid file -----------------------------------------------------------------------------


def test_valid_file_loads_into_typed_values(startups: Deck) -> None:
    assert startups.key == "startups"
    assert startups.as_of == DateValue(2025, 2, 4)
    assert startups.warnings == ()
    facts = startups.facts_by_key
    assert facts["stepfun-founder"].values == (
        EntityRef("jiang-daxin", "Jiang Daxin", ("姜大昕",)),
    )
    assert facts["stepfun-founded"].values == (DateValue(2023, 4),)
    assert facts["zhipu-valuation"].values == (Money(2_000_000_000, "USD", "over"),)
    assert facts["step-2-parameters"].values == (Quantity(10**12, "parameters", "over"),)
    assert facts["infinigence-focus"].values == (
        TextValue("infrastructure", ("AI infrastructure",)),
    )
    assert [value.key for value in facts["stepfun-backers"].values] == ["tencent", "shanghai"]
    assert facts["stepfun-founder"].accepted == ("Daxin Jiang",)


def test_defaults_of_relations(startups: Deck) -> None:
    founder, backer, parameters = (
        startups.relations[k] for k in ("founder", "backer", "parameters")
    )
    assert (founder.many, founder.unique) == (False, True)
    assert (backer.many, backer.unique) == (True, False)
    assert parameters.reverse is None


def test_whole_amounts_become_ints(startups: Deck) -> None:
    amount = startups.facts_by_key["zhipu-valuation"].values[0].amount
    assert amount == 2_000_000_000
    assert isinstance(amount, int)


def test_entities_and_relations_are_sorted_by_key(startups: Deck) -> None:
    assert list(startups.entities) == sorted(startups.entities)
    assert list(startups.relations) == sorted(startups.relations)


# --- displays ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "display"),
    [
        (DateValue(2023), "2023"),
        (DateValue(2023, 4), "April 2023"),
        (DateValue(2025, 1, 15), "January 15, 2025"),
        (Quantity(10**12, "parameters", "over"), "over 1 trillion parameters"),
        (Quantity(1.8e12, "parameters", "around"), "around 1.8 trillion parameters"),
        (Quantity(4_000_000_000, "parameters"), "4 billion parameters"),
        (Quantity(200_000, "characters", "over"), "over 200,000 characters"),
        (Quantity(30, "%"), "30%"),
        (Quantity(11, ""), "11"),
        (Quantity(45, "times", "up to"), "up to 45 times"),
        (Money(2_000_000_000, "USD", "over"), "over $2 billion"),
        (Money(70_000_000, "USD", "around"), "around $70 million"),
        (Money(140_000_000, "USD"), "$140 million"),
        (Money(666.66, "USD"), "$666.66"),
        (Money(5_000_000, "CNY", "under"), "under ¥5 million"),
        (Money(1_000_000_000, "HKD"), "1 billion HKD"),
        (EntityRef("jiang-daxin", "Jiang Daxin"), "Jiang Daxin"),
        (TextValue("infrastructure", ("AI infrastructure",)), "infrastructure"),
    ],
)
def test_value_display(value, display: str) -> None:
    assert value.display == display


def test_date_iso_keeps_precision() -> None:
    assert [DateValue(2023).iso, DateValue(2023, 4).iso, DateValue(2025, 1, 5).iso] == [
        "2023",
        "2023-04",
        "2025-01-05",
    ]


# --- every problem names file, place and what is wrong ----------------------------------------


def test_str_of_error_is_one_line_per_problem(edited_toml) -> None:
    text = edited_toml('value = "jiang-daxin"', 'value = "jiang-daxn"')
    with pytest.raises(FactFileError) as caught:
        parse_deck(text, FILE)
    assert str(caught.value) == (
        "questions/x.toml: fact 'stepfun-founder': unknown entity 'jiang-daxn' in field 'value' "
        "(did you mean 'jiang-daxin'?)"
    )


def test_toml_syntax_error_has_line_number(edited_toml) -> None:
    problem = only_problem(edited_toml('title = "Chinese AI startups"', 'title = "Chinese AI'))
    assert problem.where == "line 3"
    assert problem.message.startswith("TOML syntax error: ")


def test_duplicate_table_is_reported_as_duplicate_key(edited_toml) -> None:
    text = edited_toml('[entities.minimax]\nname = "Minimax"', '[entities.minimax]\nname = "M"')
    text += '\n[entities.minimax]\nname = "Minimax"\ntype = "company"\n'
    problem = only_problem(text)
    assert problem.where.startswith("line ")
    assert problem.message == "duplicate key: [entities.minimax] is declared twice"


def test_duplicate_key_in_a_table_names_line_and_table(edited_toml) -> None:
    text = edited_toml('name = "Minimax"\n', 'name = "Minimax"\nname = "MiniMax"\n')
    problem = only_problem(text)
    line = text.splitlines().index('name = "MiniMax"') + 1
    assert problem == Problem(
        FILE, f"line {line}", "duplicate key: 'name' is set twice in [entities.minimax]"
    )


def test_duplicate_key_in_a_fact_names_the_array_table(edited_toml) -> None:
    text = edited_toml('value = "yan-junjie"\n', 'value = "yan-junjie"\nvalue = "yang-zhilin"\n')
    assert "is set twice in [[facts]]" in only_problem(text).message


@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [
        (
            'language = "en"',
            'language = "en"\nlanguge = "en"',
            "deck",
            "unknown field 'languge' (did you mean 'language'?)",
        ),
        (
            'label = "founders"',
            'label = "founders"\nlable = "x"',
            "relation 'founder'",
            "unknown field 'lable' (did you mean 'label'?)",
        ),
        (
            'name = "Minimax"',
            'name = "Minimax"\nalias = ["MiniMax"]',
            "entity 'minimax'",
            "unknown field 'alias' (did you mean 'aliases'?)",
        ),
        (
            'value = "yan-junjie"',
            'value = "yan-junjie"\nevidense = "x"',
            "fact 'minimax-founder'",
            "unknown field 'evidense' (did you mean 'evidence'?)",
        ),
        (
            'unit = "parameters" }',
            'unit = "parameters", scale = 1 }',
            "fact 'minicpm-parameters', value",
            "unknown field 'scale'",
        ),
    ],
    ids=["deck", "relation", "entity", "fact", "value"],
)
def test_unknown_field_at_every_level(edited_toml, old, new, where, message) -> None:
    assert only_problem(edited_toml(old, new)) == Problem(FILE, where, message)


def test_unknown_top_level_table(startups_toml: str) -> None:
    problem = only_problem(startups_toml + '\n[entitys.x]\nname = "X"\n')
    assert problem == Problem(
        FILE, "top level", "unknown table 'entitys' (did you mean 'entities'?)"
    )


@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [
        ('title = "Chinese AI startups"\n', "", "deck", "missing required field 'title'"),
        (
            'reverse = false\nstatement = "{subject} has {value}."',
            'statement = "{subject} has {value}."',
            "relation 'parameters'",
            "missing required field 'reverse'",
        ),
        ('name = "Minimax"\n', "", "entity 'minimax'", "missing required field 'name'"),
        (
            'evidence = "Founded by AI veteran Yan Junjie, Minimax is best known for Talkie."\n',
            "",
            "fact 'minimax-founder'",
            "missing required field 'evidence'",
        ),
        (
            '{ amount = 4e9, unit = "parameters" }',
            '{ unit = "parameters" }',
            "fact 'minicpm-parameters', value",
            "missing required field 'amount'",
        ),
    ],
    ids=["deck", "relation", "entity", "fact", "value"],
)
def test_missing_required_field(edited_toml, old, new, where, message) -> None:
    assert only_problem(edited_toml(old, new)) == Problem(FILE, where, message)


def test_fact_without_key_is_named_by_position(edited_toml) -> None:
    problem = only_problem(edited_toml('key = "minimax-founder"\n', ""))
    assert problem == Problem(FILE, "fact #6", "missing required field 'key'")


@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [
        (
            "many = true",
            'many = "yes"',
            "relation 'backer'",
            "field 'many' must be true or false, not a string (\"yes\")",
        ),
        (
            'aliases = ["Moonshot AI"]',
            'aliases = "Moonshot AI"',
            "entity 'moonshot'",
            "field 'aliases' must be a list of strings, not a string (\"Moonshot AI\")",
        ),
        (
            'name = "Minimax"',
            "name = 3",
            "entity 'minimax'",
            "field 'name' must be a string, not a number (3)",
        ),
        (
            'reverse = "Which company was founded by {value}?"',
            "reverse = true",
            "relation 'founder'",
            "field 'reverse' must be a question or false, not true/false (true)",
        ),
        (
            'evidence = "Tencent also invested in Moonshot."',
            'evidence = "  "',
            "fact 'moonshot-backers-more'",
            "field 'evidence' must not be empty",
        ),
    ],
    ids=["flag", "list", "string", "reverse", "empty-evidence"],
)
def test_wrong_type(edited_toml, old, new, where, message) -> None:
    assert only_problem(edited_toml(old, new)) == Problem(FILE, where, message)


def test_unknown_entity_as_subject(edited_toml) -> None:
    problem = only_problem(edited_toml('subject = "minimax"', 'subject = "minmax"'))
    assert problem.where == "fact 'minimax-founder'"
    assert problem.message.startswith("unknown entity 'minmax' in field 'subject'")


def test_unknown_relation(edited_toml) -> None:
    text = edited_toml('relation = "focus"', 'relation = "focuss"')
    assert only_problem(text) == Problem(
        FILE, "fact 'infinigence-focus'", "unknown relation 'focuss' (did you mean 'focus'?)"
    )


def test_entity_of_the_wrong_type(edited_toml) -> None:
    problem = only_problem(edited_toml('value = "yan-junjie"', 'value = "step-2"'))
    assert problem.message == (
        "field 'value': 'step-2' is a product, but relation 'founder' needs a person"
    )


def test_duplicate_fact_key(startups_toml: str) -> None:
    extra = (
        '\n[[facts]]\nkey = "minimax-founder"\nsubject = "zhipu"\nrelation = "founder"\n'
        'value = "yan-junjie"\nevidence = "x"\n'
    )
    problem = only_problem(startups_toml + extra)
    assert problem == Problem(
        FILE, "fact 'minimax-founder'", "duplicate fact key (first used by fact #6)"
    )


def test_second_value_of_a_unique_relation(startups_toml: str) -> None:
    extra = (
        '\n[[facts]]\nkey = "minimax-cofounder"\nsubject = "minimax"\nrelation = "founder"\n'
        'value = "yang-zhilin"\nevidence = "x"\n'
    )
    problem = only_problem(startups_toml + extra)
    assert problem.where == "fact 'minimax-cofounder'"
    assert "'minimax' already has a 'founder' fact (fact 'minimax-founder')" in problem.message
    assert "unique = false" in problem.message


@pytest.mark.parametrize(
    ("template", "message"),
    [
        (
            "Who founded {subject} in {city}?",
            "field 'forward' unknown slot {city} (allowed: {subject})",
        ),
        (
            "Did {value} found {subject}?",
            "field 'forward' unknown slot {value} (allowed: {subject})",
        ),
        ("Who founded it?", "field 'forward' must contain {subject}"),
        ("Who founded {subject!r}?", "field 'forward' slot {subject} must not carry a format"),
        (
            "Who founded {subject?",
            "field 'forward' is not a valid template: expected '}' before end of string",
        ),
    ],
)
def test_template_slots(edited_toml, template: str, message: str) -> None:
    text = edited_toml('forward = "Who founded {subject}?"', f'forward = "{template}"')
    assert only_problem(text) == Problem(FILE, "relation 'founder'", message)


def test_reverse_must_not_name_the_subject(edited_toml) -> None:
    text = edited_toml(
        'reverse = "Which company was founded by {value}?"',
        'reverse = "Was {subject} founded by {value}?"',
    )
    assert only_problem(text).message == (
        "field 'reverse' unknown slot {subject} (allowed: {value})"
    )


def test_statement_needs_both_slots(edited_toml) -> None:
    text = edited_toml(
        'statement = "{subject} was founded by {value}."', 'statement = "{subject} was founded."'
    )
    assert only_problem(text).message == "field 'statement' must contain {value}"


@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [
        (
            'key = "startups"',
            'key = "Startups 2025"',
            "deck",
            "bad deck key 'Startups 2025' (use lowercase letters, digits and '-')",
        ),
        (
            "[entities.minimax]",
            "[entities.MiniMax]",
            "entity 'MiniMax'",
            "bad entity key 'MiniMax' (use lowercase letters, digits and '-')",
        ),
        (
            'key = "minimax-founder"',
            'key = "minimax_founder"',
            "fact #6",
            "bad fact key 'minimax_founder' (use lowercase letters, digits and '-')",
        ),
        (
            "[relations.focus]",
            '[relations."focus area"]',
            "relation 'focus area'",
            "bad relation key 'focus area' "
            "(use lowercase letters, digits, '_' and '-', starting with a letter)",
        ),
    ],
    ids=["deck", "entity", "fact", "relation"],
)
def test_bad_keys(edited_toml, old, new, where, message) -> None:
    problems = problems_of(edited_toml(old, new))
    assert problems[0] == Problem(FILE, where, message)


@pytest.mark.parametrize("date", ["2023-13", "2023-00", "2023-02-30", "April 2023", "23-04"])
def test_bad_date_value(edited_toml, date: str) -> None:
    problem = only_problem(edited_toml('value = "2023"', f'value = "{date}"'))
    assert problem == Problem(
        FILE,
        "fact 'infinigence-founded'",
        f"field 'value': bad date '{date}' (expected YYYY, YYYY-MM or YYYY-MM-DD)",
    )


def test_bad_as_of(edited_toml) -> None:
    problem = only_problem(edited_toml('as_of = "2025-02-04"', 'as_of = "last week"'))
    assert problem.where == "deck"
    assert problem.message.startswith("field 'as_of': bad date 'last week'")


def test_native_toml_dates_are_accepted(edited_toml) -> None:
    deck = parse_deck(edited_toml('as_of = "2025-02-04"', "as_of = 2025-02-04"), FILE)
    assert deck.as_of == DateValue(2025, 2, 4)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'value = "2023"',
            "value = 2023",
            "field 'value' must be a date in quotes: write \"2023\"",
        ),
        (
            '{ amount = 4e9, unit = "parameters" }',
            '"4 billion"',
            "field 'value' must be a number like { amount = 1e12, unit = \"parameters\" }",
        ),
        ('value = "yan-junjie"', "value = { amount = 1 }", "field 'value' must be an entity key"),
        (
            '{ text = "infrastructure", aliases = ["AI infrastructure"] }',
            "42",
            "field 'value' must be text",
        ),
    ],
    ids=["date", "number", "entity", "text"],
)
def test_value_type_must_match_relation(edited_toml, old, new, message) -> None:
    assert only_problem(edited_toml(old, new)).message.startswith(message)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'qualifier = "around" }',
            'qualifier = "sort of" }',  # "about", "more than" are accepted synonyms
            "field 'qualifier' must be one of 'exact', 'over', 'around', 'under', 'up to'",
        ),
        ('currency = "USD", qualifier = "around"', 'currency = "$"', "field 'currency' must be"),
        ("amount = 4e9", "amount = -4e9", "field 'amount' must not be negative"),
        ("amount = 4e9", "amount = nan", "field 'amount' must be a finite number"),
        ("amount = 4e9", "amount = true", "field 'amount' must be a number, not true/false"),
    ],
    ids=["qualifier", "currency", "negative", "nan", "bool"],
)
def test_bad_amounts(edited_toml, old, new, message) -> None:
    assert only_problem(edited_toml(old, new)).message.startswith(message)


def test_list_for_a_one_value_relation(edited_toml) -> None:
    problem = only_problem(edited_toml('value = "yan-junjie"', 'value = ["yan-junjie"]'))
    assert problem.message.startswith("field 'value' must be a single value, not a list")
    assert "many = true" in problem.message


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ('value = "alibaba"', "field 'value' must be a list (relation 'backer' has many values)"),
        ("value = []", "field 'value' must not be an empty list"),
        ('value = ["alibaba", "alibaba"]', "field 'value' lists the same value twice"),
    ],
)
def test_list_values_of_many_relations(edited_toml, new: str, message: str) -> None:
    problem = only_problem(edited_toml('value = ["alibaba"]', new))
    assert problem.message.startswith(message)


def test_cloze_missing_from_evidence_is_a_warning(edited_toml) -> None:
    deck = parse_deck(edited_toml('cloze = "1 trillion"', 'cloze = "2 trillion"'), FILE)
    assert deck.warnings == (
        Problem(
            FILE,
            "fact 'step-2-parameters'",
            "cloze '2 trillion' does not occur in the evidence: no cloze question",
        ),
    )


def test_a_repeated_statement_is_a_warning(startups_toml: str) -> None:
    extra = (
        '\n[[facts]]\nkey = "stepfun-backers-again"\nsubject = "stepfun"\nrelation = "backer"\n'
        'value = ["tencent"]\nevidence = "x"\n'
    )
    deck = parse_deck(startups_toml + extra, FILE)
    assert [w.message for w in deck.warnings] == [
        "states 'Tencent' again (see fact 'stepfun-backers')"
    ]


def test_all_problems_are_collected_before_raising(startups_toml: str) -> None:
    text = (
        startups_toml.replace('language = "en"', 'language = "en"\nauthor = "me"')
        .replace('value = "jiang-daxin"', 'value = "jiang-daxn"')
        .replace('value = "2023"', 'value = "2023-00"')
        .replace('name = "Tencent"', "name = 7")
    )
    wheres = [problem.where for problem in problems_of(text)]
    assert wheres == [
        "deck",
        "entity 'tencent'",
        "fact 'stepfun-founder'",
        "fact 'infinigence-founded'",
    ]


def test_a_broken_entity_is_reported_once(edited_toml) -> None:
    problems = problems_of(
        edited_toml(
            'type = "organisation"\n\n[entities.alibaba]', 'type = "org"\n\n[entities.alibaba]'
        )
    )
    assert [problem.where for problem in problems] == ["entity 'tencent'"]


# --- files and folders ------------------------------------------------------------------------


def test_load_deck_reads_a_file(tmp_path: Path, startups_toml: str) -> None:
    path = tmp_path / "startups.toml"
    path.write_text(startups_toml, encoding="utf-8")
    assert load_deck(path) == parse_deck(startups_toml)


def test_load_deck_reports_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(FactFileError) as caught:
        load_deck(tmp_path / "missing.toml")
    assert caught.value.problems[0].where == "file"


def test_load_decks_reads_folders_and_rejects_duplicate_keys(
    tmp_path: Path, startups_toml: str
) -> None:
    (tmp_path / "a.toml").write_text(startups_toml, encoding="utf-8")
    other = startups_toml.replace('key = "startups"', 'key = "startups-2"')
    (tmp_path / "b.toml").write_text(other, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a deck", encoding="utf-8")
    assert [deck.key for deck in load_decks([tmp_path])] == ["startups", "startups-2"]

    copy = tmp_path / "more" / "c.toml"
    copy.parent.mkdir()
    copy.write_text(startups_toml, encoding="utf-8")
    with pytest.raises(FactFileError) as caught:
        load_decks([tmp_path, copy])
    assert caught.value.problems == [
        Problem(str(copy), "deck", f"deck key 'startups' is already used by {tmp_path / 'a.toml'}")
    ]


def test_load_decks_reports_problems_of_every_file(tmp_path: Path, startups_toml: str) -> None:
    (tmp_path / "a.toml").write_text("key = ", encoding="utf-8")
    (tmp_path / "b.toml").write_text(startups_toml.replace("2025-02-04", "x"), encoding="utf-8")
    with pytest.raises(FactFileError) as caught:
        load_decks([tmp_path])
    assert [Path(p.file).name for p in caught.value.problems] == ["a.toml", "b.toml"]


# --- round trips ------------------------------------------------------------------------------


def test_dict_round_trip_through_json(startups: Deck) -> None:
    data = json.loads(json.dumps(startups.to_dict()))
    assert Deck.from_dict(data) == startups


def test_toml_round_trip(startups: Deck) -> None:
    assert parse_deck(to_toml(startups)) == startups


def test_toml_writer_escapes_and_quotes(edited_toml) -> None:
    tricky = 'He said "hi"\\n\ttab \\\\ back \u0007 bell 阶跃'
    text = edited_toml(
        'evidence = "Tencent also invested in Moonshot."',
        "evidence = " + json.dumps(tricky),
    )
    deck = parse_deck(text)
    assert parse_deck(to_toml(deck)) == deck
    assert deck.facts_by_key["moonshot-backers-more"].evidence == json.loads(json.dumps(tricky))


def test_toml_writer_writes_round_amounts_as_authors_do(startups: Deck) -> None:
    text = to_toml(startups)
    assert "amount = 2e9" in text
    assert "amount = 1e12" in text


def test_from_dict_validates(startups: Deck) -> None:
    data = startups.to_dict()
    data["facts"][0]["value"] = "nobody"
    with pytest.raises(FactFileError) as caught:
        Deck.from_dict(data, "browser")
    assert caught.value.problems[0].file == "browser"
    assert "unknown entity 'nobody'" in caught.value.problems[0].message


# --- fingerprints -----------------------------------------------------------------------------


def fingerprints(deck: Deck) -> dict[str, str]:
    return {fact.key: fact_fingerprint(deck, fact) for fact in deck.facts}


def test_fingerprint_is_stable_and_ignores_order(startups: Deck, startups_toml: str) -> None:
    again = parse_deck(startups_toml)
    assert fingerprints(again) == fingerprints(startups)
    reordered = Deck.from_dict(
        {**startups.to_dict(), "facts": list(reversed(startups.to_dict()["facts"]))}
    )
    assert fingerprints(reordered) == fingerprints(startups)


@pytest.mark.parametrize(
    ("old", "new", "changed"),
    [
        ('value = "2023"', 'value = "2022"', {"infinigence-founded"}),
        ('name = "Jiang Daxin"', 'name = "Daxin Jiang"', {"stepfun-founder"}),
        (
            'forward = "Who founded {subject}?"',
            'forward = "Who started {subject}?"',
            {"stepfun-founder", "baichuan-founder", "moonshot-founder", "minimax-founder"},
        ),
        (
            'name = "Tencent"',
            'name = "Tencent Holdings"',
            {"stepfun-backers", "moonshot-backers-more"},
        ),
    ],
    ids=["value", "entity", "relation", "entity-in-list"],
)
def test_fingerprint_changes_with_what_the_fact_uses(
    startups: Deck, edited_toml, old, new, changed
) -> None:
    edited = fingerprints(parse_deck(edited_toml(old, new)))
    before = fingerprints(startups)
    assert {key for key in before if before[key] != edited[key]} == changed


# --- friction found writing new decks (issue 14) ----------------------------------------------


def _software() -> str:
    from pathlib import Path

    path = Path(__file__).parents[2] / "questions" / "software_companies.toml"
    return path.read_text(encoding="utf-8")


def test_unquoted_partial_date_says_to_quote_it() -> None:
    text = _software().replace('as_of = "2025-02"', "as_of = 2025-02")
    with pytest.raises(FactFileError) as caught:
        parse_deck(text, "x.toml")
    (problem,) = caught.value.problems
    assert 'quote partial dates: write "2025-06"' in problem.message


def test_a_year_as_a_number_says_to_quote_it() -> None:
    text = _software().replace('value = "1991"', "value = 1991", 1)
    with pytest.raises(FactFileError) as caught:
        parse_deck(text, "x.toml")
    assert any('write "1991"' in p.message for p in caught.value.problems)


@pytest.mark.parametrize(
    ("written", "read"), [("more than", "over"), ("about", "around"), ("less than", "under")]
)
def test_qualifiers_as_teachers_write_them(written: str, read: str) -> None:
    old = '{ amount = 666.66, currency = "USD" }'
    text = _software()
    assert old in text
    deck = parse_deck(
        text.replace(old, f'{{ amount = 666.66, currency = "USD", qualifier = "{written}" }}')
    )
    (fact,) = [f for f in deck.facts if f.relation == "launch_price"]
    assert fact.values[0].qualifier == read
    assert parse_deck(to_toml(deck)) == deck
