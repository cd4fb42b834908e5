"""The general presets' patterns (buildings, works, namesakes, owners), on invented sentences."""

from __future__ import annotations

import pytest

from quizapp.domain.suggest import suggest
from quizapp.domain.suggest.general import general_patterns
from quizapp.domain.suggest.mentions import NameMatcher, abstract
from quizapp.domain.suggest.text import blocks

GOLDEN = [
    # --- construction_began and completed, as a span ---
    (
        "The Zorn Light was built by the Harbour Board between 1807 and 1810.",
        ("construction_began", "Zorn Light", "1807"),
    ),
    (
        "The Zorn Light was built by the Harbour Board between 1807 and 1810.",
        ("completed", "Zorn Light", "1810"),
    ),
    # --- opened ---
    ("The Zap Tower opened to the public on 3 May 1999.", ("opened", "Zap Tower", "May 3, 1999")),
    ("Zorn Hall, a concert venue, was officially opened in 1931.", ("opened", "Zorn Hall", "1931")),
    (
        "Zorn Hall opened next to the old harbour in Velm in 1931.",
        ("opened", "Zorn Hall", "1931"),
    ),
    (
        "The Zorn Gallery was designed by Jane Doe and opened in 1989.",
        ("opened", "Zorn Gallery", "1989"),
    ),
    (
        "The mayor of Velm opened the Zorn Gallery on June 2, 1960.",
        ("opened", "Zorn Gallery", "June 2, 1960"),
    ),
    (
        "The Zorn Gallery was built in 1958. The mayor opened it in 1960.",
        ("opened", "Zorn Gallery", "1960"),
    ),
    (
        "Acme runs Zorn Hall, a concert venue that the company opened in 1931.",
        ("opened", "Zorn Hall", "1931"),
    ),
    (
        "In 2011 a second gallery, the Zorn Annex, opened in Velm.",
        ("opened", "Zorn Annex", "2011"),
    ),
    (
        "It was the tallest tower until 1974, when the Zorn Tower in Velm was opened.",
        ("opened", "Zorn Tower", "1974"),
    ),
    # --- construction_began, completed ---
    ("Its construction began in 1850. ", None),
    (
        "Velm Castle is old. Its construction began in 1150.",
        ("construction_began", "Velm Castle", "1150"),
    ),
    (
        "Work on the Zorn Dam started in March 1961.",
        ("construction_began", "Zorn Dam", "March 1961"),
    ),
    (
        "The Zorn Bridge is a suspension bridge. Construction began in 1931.",
        ("construction_began", "Zorn Bridge", "1931"),
    ),
    (
        "Velm Minster, a Gothic church whose construction began in 1344, is tall.",
        ("construction_began", "Velm Minster", "1344"),
    ),
    (
        "The first stone of the Zorn Bridge was laid in 1357.",
        ("construction_began", "Zorn Bridge", "1357"),
    ),
    ("The Zorn Bridge was completed in 1937.", ("completed", "Zorn Bridge", "1937")),
    (
        "The Velm dam, built by Acme, was finally completed in 1972.",
        ("completed", "Velm", "1972"),
    ),
    (
        "Velm Minster, a church whose construction began in 1344 and was only completed in 1929.",
        ("completed", "Velm Minster", "1929"),
    ),
    ("In 2002 the Zorn tower was completed.", ("completed", "Zorn", "2002")),
    (
        "It held the record until 1964, when the Zorn Bridge in Velm was completed.",
        ("completed", "Zorn Bridge", "1964"),
    ),
    # --- designer ---
    (
        "The Zorn Gallery was designed by the Danish architect Jane Doe.",
        ("designer", "Zorn Gallery", "Jane Doe"),
    ),
    (
        "Zap, designed by Jane Doe's team, came out in 1989.",
        ("designer", "Zap", "Jane Doe"),
    ),
    (
        "The architect Jane Doe, who grew up in Velm, designed the Zorn Gallery.",
        ("designer", "Zorn Gallery", "Jane Doe"),
    ),
    # --- named_after ---
    ("The Zorn Prize is named after Jane Doe, a poet.", ("named_after", "Zorn Prize", "Jane Doe")),
    (
        "The Zorn Hall in Velm, Brabant, is named after the singer Jane Doe.",
        ("named_after", "Zorn Hall", "Jane Doe"),
    ),
    (
        "Mount Zorn was surveyed in 1850. The society named it after John Roe.",
        ("named_after", "Mount Zorn", "John Roe"),
    ),
    ("The Velm Club took its name from Ajax, a hero.", ("named_after", "Velm Club", "Ajax")),
    # --- author ---
    (
        "The Long Road was written by Jane Doe and John Roe.",
        ("author", "Long Road", "John Roe"),
    ),
    ("He admired Jane Doe's novel Zorn.", ("author", "Zorn", "Jane Doe")),
    ("They printed Zorn, a life of the poet Velm by Jane Doe.", ("author", "Zorn", "Jane Doe")),
    ("Its first books included Zorn by Jane Doe.", ("author", "Zorn", "Jane Doe")),
    ("In 1950 Jane Doe wrote the novel Zorn.", ("author", "Zorn", "Jane Doe")),
    # --- owner, acquired_by ---
    ("Zap, owned by the entrepreneur Jane Doe, makes cars.", ("owner", "Zap", "Jane Doe")),
    (
        "Acme merged with Initech, the publisher owned by the German company Globex, in 2013.",
        ("owner", "Initech", "Globex"),
    ),
    ("Initech was acquired by Globex in 2006.", ("acquired_by", "Initech", "Globex")),
    ("In 2014 the media group Globex bought Initech.", ("acquired_by", "Initech", "Globex")),
    ("In 1999 Acme sold Initech to Globex for $6 billion.", ("acquired_by", "Initech", "Globex")),
    (
        "Initech was founded in 1990. Acme ended up selling it in 2010 to the company Globex.",
        ("acquired_by", "Initech", "Globex"),
    ),
    # --- cost, visitors, employees ---
    ("The Zorn Dam is old. Its final cost was $40 million.", ("cost", "Zorn Dam", "$40 million")),
    (
        "The total cost of the Zorn Bridge was about €35 million.",
        ("cost", "Zorn Bridge", "around €35 million"),
    ),
    (
        "Zap was launched in 2004. The total cost of the mission was about €1.4 billion.",
        ("cost", "Zap", "around €1.4 billion"),
    ),
    ("The Zorn Bridge cost $35 million.", ("cost", "Zorn Bridge", "$35 million")),
    (
        "The Zorn Dam was built in five years at a cost of $2 billion.",
        ("cost", "Zorn Dam", "$2 billion"),
    ),
    (
        "Zorn National Park is old. Today it receives more than 4 million visitors a year.",
        ("visitors", "Zorn National Park", "over 4 million visitors"),
    ),
    (
        "Zorn Hall is old. Around 2 million people visit it every year.",
        ("visitors", "Zorn Hall", "around 2 million people"),
    ),
    ("Acme employs some 35,000 people.", ("employees", "Acme", "around 35,000 people")),
    (
        "Acme is based in Velm and employs around 7,000 people in 80 countries.",
        ("employees", "Acme", "around 7,000 people"),
    ),
    # --- heritage_site, award ---
    (
        "Velm Castle became a UNESCO World Heritage Site in 1992.",
        ("heritage_site", "Velm Castle", "1992"),
    ),
    (
        "In 2007 the Zorn Hall became a UNESCO World Heritage Site.",
        ("heritage_site", "Zorn Hall", "2007"),
    ),
    (
        "It is part of Zorn National Park, which was established in 1976 and became a UNESCO "
        "World Heritage Site in 1979.",
        ("heritage_site", "Zorn National Park", "1979"),
    ),
    (
        "Jane Doe received the Nobel Prize in Chemistry in 1904 for her work.",
        ("award", "Jane Doe", "Nobel Prize in Chemistry"),
    ),
    (
        "Zap, directed by Jane Doe, won the Academy Award for best animated short film.",
        ("award", "Zap", "Academy Award for best animated short film"),
    ),
    # --- height, length, area ---
    ("The Zorn Tower is 63.5 metres high.", ("height", "Zorn Tower", "63.5 metres")),
    ("A survey measured its height at 8,849 metres. ", None),
    (
        "Mount Zorn is in Velm. A survey measured its height at 8,849 metres.",
        ("height", "Mount Zorn", "8,849 metres"),
    ),
    ("Mount Zorn has a height of 4,810 m.", ("height", "Mount Zorn", "4,810 m")),
    ("The Zorn Bridge is 516 metres long.", ("length", "Zorn Bridge", "516 metres")),
    (
        "The Velm Canal links two rivers and is 171 kilometres long.",
        ("length", "Velm Canal", "171 kilometres"),
    ),
    ("The Velm is a river. Its length is about 2,850 km.", ("length", "Velm", "around 2,850 km")),
    (
        "Zorn National Park covers 8,991 square kilometres.",
        ("area", "Zorn National Park", "8,991 square kilometres"),
    ),
    (
        "Velm Castle was founded around 880 and covers almost 70,000 square metres.",
        ("area", "Velm Castle", "around 70,000 square metres"),
    ),
    ("Velm is a city. Its total area is 120 hectares.", ("area", "Velm", "120 hectares")),
]


def triples(text: str) -> set[tuple[str, str, str]]:
    return {(s.relation, s.subject, s.value_text) for s in suggest(text)}


@pytest.mark.parametrize(("text", "expected"), [g for g in GOLDEN if g[1] is not None])
def test_golden_sentences(text, expected):
    assert expected in triples(text)


def test_every_general_pattern_has_a_golden_sentence():
    names = NameMatcher([])
    sentences = [abstract(b.text, names).text for text, _ in GOLDEN for b in blocks(text)]
    unused = [
        p.regex.pattern[:80]
        for p in general_patterns()
        if not any(p.regex.search(sentence) for sentence in sentences)
    ]
    assert not unused


@pytest.mark.parametrize(
    ("text", "not_expected"),
    [
        # a reduced relative clause: the hospital opened, not the company
        ("Acme still runs Zorn House, a hospital it opened in 1932.", ("opened", "Acme", "1932")),
        # the one who opened it is no subject of "opened"
        ("Zorn Hall is a studio that Acme opened in 1978.", ("opened", "Acme", "1978")),
        # a place named in passing is not what is named after someone
        (
            "The Zorn Hall of Fame in Velm, Brabant, is named after Jane Doe.",
            ("named_after", "Brabant", "Jane Doe"),
        ),
        (
            "The Zorn Hall of Fame in Velm, Brabant, is named after Jane Doe.",
            ("named_after", "Velm", "Jane Doe"),
        ),
        # a builder listed in an aside is not what was completed
        (
            "The dam, built by Velm and Brabant, was completed in 1972.",
            ("completed", "Brabant", "1972"),
        ),
        # the architect, not the building, after "by the architect A and"
        (
            "The pyramid was designed by the Chinese-American architect I. M. Pei "
            "and opened in 1989.",
            ("opened", "I. M. Pei", "1989"),
        ),
        # a son who took over the business did not buy it
        ("In 1958 his son Jon Roe took over the business.", ("acquired_by", "Acme", "Jon Roe")),
    ],
)
def test_misreadings_are_not_suggested(text, not_expected):
    assert not_expected not in triples(text)


def test_a_name_must_be_what_the_pattern_names():
    found = triples("Velm became a Member State in 2004. Jane Doe won the Velm Cup in 2001.")
    assert not {t for t in found if t[0] in ("heritage_site", "award")}


def test_a_figure_is_read_only_with_a_unit_of_its_kind():
    found = triples("The Zorn Bridge is 516 years long. Zorn Park covers 40 people.")
    assert not {t for t in found if t[0] in ("length", "height", "area")}


def test_a_preposition_alone_at_the_start_is_no_name_but_a_title_may_start_with_one():
    found = triples(
        "Velm Castle is old. Inside its walls stands Zorn Minster. "
        "Inside Out 2 was released in June 2024."
    )
    assert ("released", "Inside Out 2", "June 2024") in found
    assert not any(t[1] == "Inside" for t in found)


def test_a_building_noun_stands_only_for_a_name_headed_by_it():
    text = (
        "The Zorn Bridge and Highway District was created in 1928. Velm Minster is older. "
        "The bridge opened on May 27, 1937."
    )
    found = triples(text)
    assert ("opened", "Velm Minster", "May 27, 1937") not in found
    assert ("opened", "Zorn Bridge and Highway District", "May 27, 1937") not in found


def test_the_bridge_is_the_bridge_named_before():
    text = "The Zorn Bridge crosses the Velm. Acme was founded in 1928. The bridge opened in 1937."
    assert ("opened", "Zorn Bridge", "1937") in triples(text)


def test_a_company_that_opened_is_still_the_company():
    text = "Acme opened in 1990. The company had been set up two years earlier."
    assert ("founded", "Acme", "1988") in triples(text)
