"""Fixtures for the pure domain tests: a small valid fact file, as text and as a deck."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from quizapp.domain.facts import Deck, parse_deck

# A deck that exercises every value type and the ambiguous cases the generator
# must handle: two companies founded in April 2023, two valued at over $2 billion
# (and one at around $3 billion, which may be over $2 billion too).
STARTUPS_TOML = """\
[deck]
key = "startups"
title = "Chinese AI startups"
source = "https://example.com/article"
as_of = "2025-02-04"
language = "en"

[relations.founder]
label = "founders"
subject = "company"
value = "person"
forward = "Who founded {subject}?"
reverse = "Which company was founded by {value}?"
statement = "{subject} was founded by {value}."

[relations.founded]
label = "founding dates"
subject = "company"
value = "date"
forward = "When was {subject} founded?"
reverse = "Which company was founded in {value}?"
statement = "{subject} was founded in {value}."

[relations.valuation]
label = "valuations"
subject = "company"
value = "money"
forward = "What is {subject} valued at?"
reverse = "Which company is valued at {value}?"
statement = "{subject} is valued at {value}."

[relations.backer]
label = "backers"
subject = "company"
value = "organisation"
many = true
forward = "Who backs {subject}?"
reverse = "Which company is backed by {value}?"
statement = "{subject} is backed by {value}."

[relations.parameters]
label = "model sizes"
subject = "product"
value = "number"
forward = "How many parameters does {subject} have?"
reverse = false
statement = "{subject} has {value}."

[relations.focus]
label = "focus areas"
subject = "company"
value = "text"
forward = "What does {subject} focus on?"
reverse = false
statement = "{subject} focuses on {value}."

[entities.stepfun]
name = "Stepfun"
type = "company"
aliases = ["StepFun", "阶跃星辰"]

[entities.baichuan]
name = "Baichuan"
type = "company"
aliases = ["Baichuan AI"]

[entities.zhipu]
name = "Zhipu"
type = "company"
aliases = ["Zhipu AI"]

[entities.moonshot]
name = "Moonshot"
type = "company"
aliases = ["Moonshot AI"]

[entities.minimax]
name = "Minimax"
type = "company"

[entities.infinigence]
name = "Infinigence AI"
type = "company"

[entities.jiang-daxin]
name = "Jiang Daxin"
type = "person"
aliases = ["姜大昕"]

[entities.wang-xiaochuan]
name = "Wang Xiaochuan"
type = "person"

[entities.yang-zhilin]
name = "Yang Zhilin"
type = "person"

[entities.yan-junjie]
name = "Yan Junjie"
type = "person"

[entities.tencent]
name = "Tencent"
type = "organisation"

[entities.alibaba]
name = "Alibaba"
type = "organisation"

[entities.shanghai]
name = "Shanghai government"
type = "organisation"

[entities.beijing-funds]
name = "Beijing city funds"
type = "organisation"

[entities.step-2]
name = "Step-2"
type = "product"

[entities.minicpm]
name = "MiniCPM 3.0"
type = "product"

[[facts]]
key = "stepfun-founder"
subject = "stepfun"
relation = "founder"
value = "jiang-daxin"
evidence = "Founded in April 2023 by former Microsoft executive Jiang Daxin, Stepfun came late."
accepted = ["Daxin Jiang"]

[[facts]]
key = "stepfun-founded"
subject = "stepfun"
relation = "founded"
value = "2023-04"
evidence = "Founded in April 2023 by former Microsoft executive Jiang Daxin, Stepfun came late."

[[facts]]
key = "baichuan-founder"
subject = "baichuan"
relation = "founder"
value = "wang-xiaochuan"
evidence = "Baichuan AI, founded by Wang Xiaochuan in April 2023, is focused on China."

[[facts]]
key = "baichuan-founded"
subject = "baichuan"
relation = "founded"
value = "2023-04"
evidence = "Baichuan AI, founded by Wang Xiaochuan in April 2023, is focused on China."

[[facts]]
key = "moonshot-founder"
subject = "moonshot"
relation = "founder"
value = "yang-zhilin"
evidence = "Founded by Yang Zhilin, Moonshot is backed by big tech companies, including Alibaba."

[[facts]]
key = "minimax-founder"
subject = "minimax"
relation = "founder"
value = "yan-junjie"
evidence = "Founded by AI veteran Yan Junjie, Minimax is best known for Talkie."

[[facts]]
key = "infinigence-founded"
subject = "infinigence"
relation = "founded"
value = "2023"
evidence = "Founded in 2023, Infinigence AI is smaller than other companies on this list."

[[facts]]
key = "zhipu-valuation"
subject = "zhipu"
relation = "valuation"
value = { amount = 2e9, currency = "USD", qualifier = "over" }
evidence = "Valued at over $2 billion, Zhipu is currently one of the biggest AI startups in China."

[[facts]]
key = "baichuan-valuation"
subject = "baichuan"
relation = "valuation"
value = { amount = 2e9, currency = "USD", qualifier = "over" }
evidence = "With a valuation over $2 billion, Baichuan is among the biggest AI startups in China."

[[facts]]
key = "moonshot-valuation"
subject = "moonshot"
relation = "valuation"
value = { amount = 3e9, currency = "USD", qualifier = "around" }
evidence = "The company is valued at around $3 billion."
cloze = "$3 billion"

[[facts]]
key = "stepfun-backers"
subject = "stepfun"
relation = "backer"
value = ["tencent", "shanghai"]
evidence = "With backing from Tencent and funding from Shanghai's government, it released models."
cloze = "Tencent"

[[facts]]
key = "moonshot-backers"
subject = "moonshot"
relation = "backer"
value = ["alibaba"]
evidence = "Moonshot is backed by big tech companies, including Alibaba."

[[facts]]
key = "moonshot-backers-more"
subject = "moonshot"
relation = "backer"
value = ["tencent"]
evidence = "Tencent also invested in Moonshot."

[[facts]]
key = "step-2-parameters"
subject = "step-2"
relation = "parameters"
value = { amount = 1e12, unit = "parameters", qualifier = "over" }
evidence = "Its biggest language model so far, Step-2, has over 1 trillion parameters."
cloze = "1 trillion"

[[facts]]
key = "minicpm-parameters"
subject = "minicpm"
relation = "parameters"
value = { amount = 4e9, unit = "parameters" }
evidence = "ModelBest's newest model, MiniCPM 3.0, has only 4 billion parameters."

[[facts]]
key = "infinigence-focus"
subject = "infinigence"
relation = "focus"
value = { text = "infrastructure", aliases = ["AI infrastructure"] }
evidence = "The company focuses on infrastructure instead of model development."
"""


@pytest.fixture
def startups_toml() -> str:
    """The text of a small valid fact file."""
    return STARTUPS_TOML


@pytest.fixture
def startups() -> Deck:
    """The small valid fact file, loaded."""
    return parse_deck(STARTUPS_TOML, "questions/startups.toml")


@pytest.fixture
def edited_toml() -> Callable[[str, str], str]:
    """Replace one piece of the valid fact file, failing loudly if it is not there."""

    def edit(old: str, new: str) -> str:
        assert STARTUPS_TOML.count(old) == 1, f"ambiguous or missing: {old!r}"
        return STARTUPS_TOML.replace(old, new)

    return edit
