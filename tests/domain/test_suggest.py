"""Fact suggestion: golden sentences for every pattern, and the text around them."""

from __future__ import annotations

import pytest

from quizapp.domain.facts import parse_deck, to_toml
from quizapp.domain.suggest import (
    MAX_TEXT_BYTES,
    Proposal,
    TextRefused,
    build_draft,
    proposals,
    suggest,
)
from quizapp.domain.suggest.general import general_patterns
from quizapp.domain.suggest.mentions import NameMatcher, abstract
from quizapp.domain.suggest.patterns import all_patterns
from quizapp.domain.suggest.text import blocks

# (text, one suggestion it must make: relation, subject, value as displayed)
GOLDEN = [
    ("Acme was founded in 2016 by Jane Doe and John Roe.", ("founder", "Acme", "John Roe")),
    ("Founded by industry veteran Jane Doe, Acme makes tools.", ("founder", "Acme", "Jane Doe")),
    ("In 2001, Jane Doe founded Acme in Lyon.", ("founder", "Acme", "Jane Doe")),
    ("Jane Doe (the founder of Acme) spoke.", ("founder", "Acme", "Jane Doe")),
    ("Acme's founder, Jane Doe, spoke.", ("founder", "Acme", "Jane Doe")),
    ("Acme co-founder Jane Doe spoke.", ("founder", "Acme", "Jane Doe")),
    ("Acme, a maker of tools, was set up in March 2019.", ("founded", "Acme", "March 2019")),
    ("Founded in 2018, Acme sells tools.", ("founded", "Acme", "2018")),
    ("Students at Oxford founded Acme in 2012.", ("founded", "Acme", "2012")),
    ("Acme (founded 1999) sells tools.", ("founded", "Acme", "1999")),
    ("Acme dates back to 1990.", ("founded", "Acme", "1990")),
    ("Acme was founded in Lyon in 1990 by Jane Doe.", ("founder", "Acme", "Jane Doe")),
    (
        "Acme sells tools. In 1990, when Jane Doe and John Roe set it up, it was small.",
        ("founder", "Acme", "John Roe"),
    ),
    ("Acme is headquartered in Lyon.", ("headquarters", "Acme", "Lyon")),
    ("Acme was created in 2020 and is based in Lyon.", ("headquarters", "Acme", "Lyon")),
    ("Acme, a French startup based in Lyon, sells tools.", ("headquarters", "Acme", "Lyon")),
    ("Acme's headquarters are in Lyon.", ("headquarters", "Acme", "Lyon")),
    ("Acme's newest model, Zap 3.0, is fast.", ("developer", "Zap 3.0", "Acme")),
    ("Acme's Zap series is fast.", ("developer", "Zap", "Acme")),
    ("Zap, Acme's flagship chatbot, is fast.", ("developer", "Zap", "Acme")),
    ("Its Zap series is fast.", None),  # no topic: nothing to say "its" is
    ("Acme sells tools. Its Zap, a chatbot, is fast.", ("developer", "Zap", "Acme")),
    ("Acme sells tools. Its Zap series is fast.", ("developer", "Zap", "Acme")),
    ("Acme sells tools, just after Initech's Zap.", ("developer", "Zap", "Initech")),
    ("Acme sells tools. It makes a chatbot called Zap.", ("developer", "Zap", "Acme")),
    ("Zap was developed by Acme.", ("developer", "Zap", "Acme")),
    ("Acme has also launched Zap, a chatbot.", ("developer", "Zap", "Acme")),
    ("Acme is best known for building Zap, a chatbot.", ("developer", "Zap", "Acme")),
    ("Acme is developing tools, including Zap, a chatbot.", ("developer", "Zap", "Acme")),
    ("Acme is backed by Initech and Globex.", ("investor", "Acme", "Globex")),
    ("Backed by Initech, Acme raised money.", ("investor", "Acme", "Initech")),
    (
        "Acme sells tools. With backing from investors like Initech, it grew.",
        ("investor", "Acme", "Initech"),
    ),
    ("Acme sells tools. Initech is one of its investors.", ("investor", "Acme", "Initech")),
    ("Acme's investors include Initech.", ("investor", "Acme", "Initech")),
    (
        "Acme is based in Lyon and counts Initech among its backers.",
        ("investor", "Acme", "Initech"),
    ),
    ("Initech has invested in Acme.", ("investor", "Acme", "Initech")),
    ("Acme sells tools. Its latest round was led by Initech.", ("investor", "Acme", "Initech")),
    ("Acme is valued at around $3 billion.", ("valuation", "Acme", "around $3 billion")),
    ("Valued at over $2 billion, Acme is big.", ("valuation", "Acme", "over $2 billion")),
    (
        "With a valuation over €2 billion after a round, Acme is big.",
        ("valuation", "Acme", "over €2 billion"),
    ),
    ("Acme's valuation reached $5 billion.", ("valuation", "Acme", "$5 billion")),
    ("Acme hit a valuation of $5 billion.", ("valuation", "Acme", "$5 billion")),
    ("Acme's revenue in 2024 was around $70 million.", ("revenue", "Acme", "around $70 million")),
    ("Acme made $70 million in revenue.", ("revenue", "Acme", "$70 million")),
    ("Acme reported sales of £7 million.", ("revenue", "Acme", "£7 million")),
    (
        "Acme sells tools, and its net revenue for 2023 came to €1.6 billion.",
        ("revenue", "Acme", "€1.6 billion"),
    ),
    ("Acme has raised $140 million so far.", ("funding", "Acme", "$140 million")),
    (
        "A group known as the “Big Three”—Acme, Initech, and Globex—leads.",
        ("member_of", "Initech", "Big Three"),
    ),
    ("Acme is one of the Big Three.", ("member_of", "Acme", "Big Three")),
    ("Acme and Initech are members of the Big Three.", ("member_of", "Initech", "Big Three")),
    ("Acme focuses on infrastructure instead of models.", ("focus", "Acme", "infrastructure")),
    (
        "Others, like Acme and Initech, are doubling down on research.",
        ("focus", "Initech", "research"),
    ),
    ("Research-focused firms like Acme and Initech grow.", ("focus", "Acme", "research")),
    (
        "Acme, founded in 2001, is in Lyon, targeting sectors like health care.",
        ("focus", "Acme", "health care"),
    ),
    (
        "The startup was founded by former Globex chief executive Jane Doe.",
        ("former_role", "Jane Doe", "Globex chief executive"),
    ),
    ("Jane Doe, a renowned AI researcher, spoke.", ("role", "Jane Doe", "renowned AI researcher")),
    ("Jane Doe, who studied at Oxford and Yale, spoke.", ("studied_at", "Jane Doe", "Yale")),
    ("Jane Doe is a graduate of Oxford.", ("studied_at", "Jane Doe", "Oxford")),
    ("Zap was released in May 2021.", ("released", "Zap", "May 2021")),
    ("Launched in 2023, Zap has fans.", ("released", "Zap", "2023")),
    ("Since Zap's debut in 2022, it grew.", ("released", "Zap", "2022")),
    ("Acme released Zap in 2020.", ("released", "Zap", "2020")),
    ("Zap has over 1 trillion parameters.", ("parameters", "Zap", "over 1 trillion parameters")),
    (
        "Acme makes Zap, a 70 billion-parameter model.",
        ("parameters", "Zap", "70 billion parameters"),
    ),
    (
        "Acme built Zap, the top chatbot in France, with over 13 million users.",
        ("users", "Zap", "over 13 million users"),
    ),
    ("Lyon has a population of 500,000.", ("population", "Lyon", "500,000 people")),
    ("Lyon's population is 500,000.", ("population", "Lyon", "500,000 people")),
    (
        "Lyon is in France and has a population of 500,000.",
        ("population", "Lyon", "500,000 people"),
    ),
    (
        "Lyon, the third city, is home to more than 500,000 people.",
        ("population", "Lyon", "over 500,000 people"),
    ),
    (
        "Lyon is old. About 500,000 people live there.",
        ("population", "Lyon", "around 500,000 people"),
    ),
    ("Lyon, France's third city, is old.", None),
    ("Paris, France's capital, is large.", ("capital_of", "Paris", "France")),
    ("Paris is the capital of France.", ("capital_of", "Paris", "France")),
    ("France's capital, Paris, is large.", ("capital_of", "Paris", "France")),
    ("We flew to the capital of France, Paris, in May.", ("capital_of", "Paris", "France")),
    ("Corsica is part of France.", ("part_of", "Corsica", "France")),
    (
        "Oxygen was discovered by Joseph Priestley in 1774.",
        ("discovered_by", "Oxygen", "Joseph Priestley"),
    ),
    (
        "Marie Curie and Pierre Curie discovered radium in December 1898.",
        ("discovered_by", "radium", "Pierre Curie"),
    ),
    (
        "Neptune was first observed by Johann Galle on September 23, 1846.",
        ("discovered", "Neptune", "September 23, 1846"),
    ),
    ("In the end Jane Doe isolated helium in 1868.", ("discovered", "helium", "1868")),
    ("The Battle of Hastings took place in 1066.", ("year", "Battle of Hastings", "1066")),
    # Rules of the `recall` branch (classes from the messaging and language_models texts).
    (
        "Acme, a non-profit set up in 2018 by Jane Doe and John Roe, sells tools.",
        ("founder", "Acme", "John Roe"),
    ),
    (
        "Acme, a non-profit set up in 2018 by Jane Doe and John Roe, sells tools.",
        ("founded", "Acme", "2018"),
    ),
    (
        "Acme sells tools. The company is based in Lyon and was founded by Jane Doe in 2004.",
        ("founder", "Acme", "Jane Doe"),
    ),
    (
        "Acme sells tools. The company is based in Lyon and was founded by Jane Doe in 2004.",
        ("founded", "Acme", "2004"),
    ),
    (
        "Jane Doe, who studied law in Paris, had earlier founded the French retailer Acme.",
        ("founder", "Acme", "Jane Doe"),
    ),
    (
        "Jane Doe, who studied philology at Oxford, spoke.",
        ("studied_at", "Jane Doe", "Oxford"),
    ),
    (
        "Zap was released in 2018; its largest version has 340 million parameters.",
        ("parameters", "Zap", "340 million parameters"),
    ),
    (
        "Acme says it has 950 million monthly users.",
        ("users", "Acme", "950 million monthly users"),
    ),
    (
        "Jane Doe and John Roe, two former Globex employees, spoke.",
        ("former_role", "John Roe", "Globex employee"),
    ),
    # General classes: "Y-based", dates as times, relative clauses, "In 2001, X did Y",
    # roles after "is" or a possessive, graduates.
    ("Lyon-based Acme makes tools.", ("headquarters", "Acme", "Lyon")),
    ("Acme, a Lyon-based startup, makes tools.", ("headquarters", "Acme", "Lyon")),
    ("Acme was founded on 3 May 2001.", ("founded", "Acme", "May 3, 2001")),
    ("Acme was founded in early 2001.", ("founded", "Acme", "2001")),
    ("Zap, which was released in 2019, is fast.", ("released", "Zap", "2019")),
    ("In 2021 Acme released Zap.", ("released", "Zap", "2021")),
    ("In 2001, Jane Doe founded Acme.", ("founded", "Acme", "2001")),
    ("Acme, which Jane Doe founded in 2001, grew.", ("founded", "Acme", "2001")),
    ("Acme, which Jane Doe founded in 2001, grew.", ("founder", "Acme", "Jane Doe")),
    ("Acme's chief executive Jane Doe spoke.", ("role", "Jane Doe", "Acme's chief executive")),
    (
        "Jane Doe is the chief executive of Acme.",
        ("role", "Jane Doe", "chief executive of Acme"),
    ),
    ("Jane Doe, an Oxford graduate, spoke.", ("studied_at", "Jane Doe", "Oxford")),
    # Hedges and currencies the figures' parser did not read.
    ("Acme is valued at an estimated $5 billion.", ("valuation", "Acme", "around $5 billion")),
    ("Acme is valued at just over $5 billion.", ("valuation", "Acme", "over $5 billion")),
    ("Zap has as many as 5 million users.", ("users", "Zap", "up to 5 million users")),
    (
        "Acme reported revenue of 232 billion Danish kroner.",
        ("revenue", "Acme", "232 billion DKK"),
    ),
    ("Acme is valued at 3 billion Hong Kong dollars.", ("valuation", "Acme", "3 billion HKD")),
    # Second round (classes from the band, insulin_maker and rosetta texts).
    (
        "Acme is a Swedish pop group formed in Stockholm in 1972 by Jane Doe and John Roe.",
        ("founder", "Acme", "John Roe"),
    ),
    (
        "Acme is a Swedish pop group formed in Stockholm in 1972 by Jane Doe and John Roe.",
        ("founded", "Acme", "1972"),
    ),
    (
        "He and his wife Jane Doe, a doctor who had diabetes, set up Acme in 1923.",
        ("founder", "Acme", "Jane Doe"),
    ),
    ("In 1989 they merged to form Acme.", ("founded", "Acme", "1989")),
    (
        "Zap was built and run by the European Space Agency (ESA).",
        ("developer", "Zap", "European Space Agency"),
    ),
    (
        "Zap, which was built by a consortium led by Initech, landed.",
        ("developer", "Zap", "Initech"),
    ),
    ("Acme is the maker of Zap.", ("product", "Acme", "Zap")),
    ("Acme's best-selling product, however, is Zap.", ("product", "Acme", "Zap")),
    (
        "Acme sells tools. It briefly became Europe's most valuable company, worth $5 billion.",
        ("valuation", "Acme", "$5 billion"),
    ),
    (
        "Jane Doe was a solo singer with several hit records.",
        ("former_role", "Jane Doe", "solo singer"),
    ),
    (
        "John Roe had been the keyboard player of the Hep Stars, a band.",
        ("former_role", "John Roe", "keyboard player of the Hep Stars"),
    ),
    ("It was controlled from Darmstadt, Germany.", ("part_of", "Darmstadt", "Germany")),
    (
        "Zork was discovered in 1969 by the Soviet astronomers Jane Doe and John Roe.",
        ("discovered_by", "Zork", "John Roe"),
    ),
    ('"Zap", released in August 1976, was a hit.', ("released", "Zap", "August 1976")),
    ("The engineer Michael B. Tretow spoke.", ("role", "Michael B. Tretow", "engineer")),
    ("Its manager Jane Doe spoke.", ("role", "Jane Doe", "manager")),
    # Third round (classes from the football_club, game_maker and prague texts).
    (
        "Acme makes toys. Jane Doe founded the company in Kyoto in September 1889.",
        ("founder", "Acme", "Jane Doe"),
    ),
    (
        "Acme makes toys. Jane Doe founded the company in Kyoto in September 1889.",
        ("founded", "Acme", "September 1889"),
    ),
    (
        "Acme was founded on 18 March 1900 by Jane Doe and John Roe in a café.",
        ("founder", "Acme", "John Roe"),
    ),
    (
        "Acme sells tools. It was founded around 880 by Prince Jane Doe of the Doe family.",
        ("founder", "Acme", "Prince Jane Doe"),
    ),
    ("The Zap, a 3D headset launched in 1995, sold poorly.", ("released", "Zap", "1995")),
    (
        "The Zip, sold abroad as the Zap (ZS), came out in Japan in July 1983.",
        ("released", "Zip", "July 1983"),
    ),
    (
        "Acme sells tools. The company's current console, the Zap, went on sale on 3 March 2017.",
        ("developer", "Zap", "Acme"),
    ),
    (
        "Jane Doe, a former Acme goalkeeper, served as its chief executive from 2016 to 2022.",
        ("former_role", "Jane Doe", "chief executive"),
    ),
    (
        "Acme sells tools. The current president, Jane Doe, took over in 2018.",
        ("role", "Jane Doe", "current president"),
    ),
    # Fourth round (classes from the carmaker, national_park and university texts).
    (
        "Acme makes cars. The company was set up as a subsidiary of Initech by Jane Doe, "
        "a sales manager, and John Roe, an engineer.",
        ("founder", "Acme", "John Roe"),
    ),
    ("Acme opened in 1855. Jane Doe studied there.", ("studied_at", "Jane Doe", "Acme")),
    (
        "Acme opened in 1855. Jane Doe also studied at the school.",
        ("studied_at", "Jane Doe", "Acme"),
    ),
    ("Yellowstone lies in the state of Wyoming.", ("part_of", "Yellowstone", "Wyoming")),
    ("Acme sells cars. Its best-selling model is the Zap.", ("developer", "Zap", "Acme")),
    ("The geologist Jane Doe spoke.", ("role", "Jane Doe", "geologist")),
    ("Zap rolled out on 14 April 1927.", ("released", "Zap", "April 14, 1927")),
    # A role taken or left, a body once run (the fifth round of rules).
    (
        "Jane Doe joined in 2010 and became its chief engineer.",
        ("role", "Jane Doe", "chief engineer"),
    ),
    (
        "In 2015 Jane Doe became Acme's chief economist.",
        ("role", "Jane Doe", "Acme's chief economist"),
    ),
    ("Jane Doe stepped down as chairman in 2019.", ("former_role", "Jane Doe", "chairman")),
    ("Jane Doe returned as a coach from 1990 to 1992.", ("former_role", "Jane Doe", "coach")),
    ("The Zap Cup was first held in June 1903.", ("founded", "Zap Cup", "June 1903")),
    (
        "Zapco was set up in 1990 by Jane Doe together with her sisters Ann and Eve.",
        ("founder", "Zapco", "Eve"),
    ),
    (
        "Jane Doe set up Acme in 1990 together with the chemist John Roe.",
        ("founder", "Acme", "John Roe"),
    ),
    ("Jane Doe, who had run Acme, spoke.", ("former_role", "Jane Doe", "head of Acme")),
    ("Jane Doe ran Acme from 1990 to 2001.", ("former_role", "Jane Doe", "head of Acme")),
    (
        "In 1990 the sisters Jane Doe and Ann Doe left to start a rival, Zapco.",
        ("founder", "Zapco", "Ann Doe"),
    ),
    ("In 1990 the sisters Jane Doe and Ann Doe left to form Zapco.", ("founded", "Zapco", "1990")),
    ("In 2004 Acme merged with Zapco, creating AcmeZap.", ("founded", "AcmeZap", "2004")),
    (
        "Zap Show, a comedy series that premiered in May 2019, ran.",
        ("released", "Zap Show", "May 2019"),
    ),
    ("Acme has 5 million paying subscribers.", ("users", "Acme", "5 million paying subscribers")),
]


def triples(text: str) -> set[tuple[str, str, str]]:
    return {(s.relation, s.subject, s.value_text) for s in suggest(text)}


@pytest.mark.parametrize(("text", "expected"), GOLDEN)
def test_golden_sentences(text, expected):
    found = triples(text)
    if expected is None:
        assert not found
    else:
        assert expected in found, found


def test_every_pattern_has_a_golden_sentence():
    names = NameMatcher([])
    sentences = [abstract(b.text, names).text for text, _ in GOLDEN for b in blocks(text)]
    unused = [
        p.regex.pattern[:80]
        for p in all_patterns()
        if p not in general_patterns()
        and not any(p.regex.search(sentence) for sentence in sentences)
    ]  # the general patterns' sentences are in test_suggest_general.py
    assert not unused


@pytest.mark.parametrize(
    ("text", "expected", "not_expected"),
    [
        # "it" as an object leaves the topic as it was: "the app" is Acme, not Initech.
        (
            "Acme was founded in 2009. Initech bought it in 2014. "
            "Today the app has more than 2 billion users.",
            ("users", "Acme", "over 2 billion users"),
            ("users", "Initech", "over 2 billion users"),
        ),
        # "its" after a name opening the sentence behind a noun stands for that name.
        (
            "Zap, released by Acme in 2020, is fast. Its successor Zip reached 100 million "
            "users within two months of its launch in November 2022.",
            ("released", "Zip", "November 2022"),
            ("released", "Acme", "November 2022"),
        ),
        (
            "Acme's Zap, introduced in 2018, is fast; its largest version has 340 million "
            "parameters.",
            ("parameters", "Zap", "340 million parameters"),
            ("parameters", "Acme", "340 million parameters"),
        ),
        # "the company" is the latest company, not the latest subject (a product here).
        (
            "Acme built Zap. Zap has 5 million users. The company is based in Lyon.",
            ("headquarters", "Acme", "Lyon"),
            ("headquarters", "Zap", "Lyon"),
        ),
        # "says it" opens a clause of its own: "it" is the one who says.
        (
            "Acme sells tools. Initech says it is based in Lyon.",
            ("headquarters", "Initech", "Lyon"),
            ("headquarters", "Acme", "Lyon"),
        ),
    ],
)
def test_it_and_the_company_stand_for_the_right_name(text, expected, not_expected):
    found = triples(text)
    assert expected in found, found
    assert not_expected not in found, found


def test_the_noun_a_name_was_introduced_with_stands_for_it():
    text = (
        "Its target was comet Zork. The comet was discovered in 1969 by Jane Doe. "
        "Acme sent the probe Zap to Mars. The probe was built by Initech."
    )
    found = triples(text)
    assert ("discovered", "Zork", "1969") in found, found
    assert ("developer", "Zap", "Initech") in found, found
    assert not any(t[1] in ("comet", "The comet", "Acme") for t in found if t[0] != "role")


def test_a_person_is_never_it():
    text = (
        "Acme makes tools. Jane Doe's name lives on in a prize. "
        "In 2020 the physician Jane Doe retired. Its best-selling product is Zap."
    )
    found = triples(text)
    assert ("product", "Jane Doe", "Zap") not in found, found


def test_the_company_as_an_object_is_not_the_sentence_subject_nor_a_place_after_it():
    found = triples("Acme makes toys. Jane Doe founded the company in Kyoto in September 1889.")
    assert not {t for t in found if t[1] in ("Jane Doe", "Kyoto")}, found


def test_a_name_an_aside_describes_is_the_next_topic():
    text = "Lyon is large. Most walks start at Fourviere, which is old. It was built by Initech."
    found = triples(text)
    assert ("developer", "Fourviere", "Initech") in found, found


def test_a_verb_is_not_read_as_a_role():
    found = triples("Initech, has been president of Acme since 2019.")
    assert not {t for t in found if t[0] == "role"}, found


def test_there_is_never_a_person():
    found = triples("The physicist Jane Doe spoke. John Roe studied there.")
    assert ("studied_at", "John Roe", "Jane Doe") not in found, found


def test_a_list_of_places_is_not_a_place_and_its_country():
    assert not {t for t in triples("Acme has offices in Paris, London and Berlin.")}


def test_the_company_uses_the_types_of_a_known_deck():
    text = "Acme sells tools. Jane Doe spoke. The company is based in Lyon."
    found = {(s.relation, s.subject, s.value_text) for s in suggest(text, parse_deck(DECK))}
    assert ("headquarters", "Acme", "Lyon") in found, found  # Jane Doe is a person
    assert ("headquarters", "Jane Doe", "Lyon") not in found


@pytest.mark.parametrize(
    "text",
    [
        "Acme, which Jane Doe founded in 2001, grew.",  # Jane Doe founded nothing in 2001
        "Acme founded in 2001 is big.",  # no "was", no comma: not a founding date
    ],
)
def test_an_active_verb_is_not_read_as_a_founding_date_of_its_subject(text):
    assert not {t for t in triples(text) if t[0] == "founded" and t[1] != "Acme"}
    assert ("founded", "Jane Doe", "2001") not in triples(text)


def test_evidence_is_the_sentence_as_written():
    text = "Acme sells tools.  Acme is headquartered in\nLyon, France. Its Zap series is fast."
    found = suggest(text)
    assert {s.evidence for s in found} == {
        "Acme is headquartered in Lyon, France.",
        "Its Zap series is fast.",
    }


def test_a_name_followed_by_more_of_its_noun_phrase_is_not_the_value():
    assert not triples("Acme's investors include Beijing city funds.")


def test_a_list_does_not_run_on_past_a_comma():
    found = triples("Jane Doe, who studied at Oxford and Yale, Acme hired her.")
    assert ("studied_at", "Jane Doe", "Acme") not in found


def test_markdown_and_html_are_read_as_text():
    markdown = "# Acme\n\n**Acme** was founded in [2016](https://x.example) by *Jane Doe*."
    assert ("founder", "Acme", "Jane Doe") in triples(markdown)
    html = "<html><body><h2>Acme</h2><p>It was founded in 2016.</p><script>x</script></body>"
    assert ("founded", "Acme", "2016") in triples(html)


def test_a_heading_glued_to_its_sentence_is_split_off():
    text = "Acme Founded in 2019 by Jane Doe, Acme makes tools. It is based in Lyon."
    assert {("founder", "Acme", "Jane Doe"), ("headquarters", "Acme", "Lyon")} <= triples(text)


def test_a_name_named_again_later_is_no_glued_heading():
    found = triples("Cologne Cathedral is a cathedral in Cologne. It is 157 metres tall.")
    assert ("height", "Cologne Cathedral", "157 metres") in found


def test_known_names_are_matched_and_duplicates_marked():
    deck = parse_deck(DECK)
    found = suggest("Acme Tools was founded by Jane Doe. Acme Tools is based in Lyon.", deck)
    marks = {(s.relation, s.subject, s.duplicate) for s in found}
    assert ("founder", "Acme Tools", True) in marks
    assert ("headquarters", "Acme Tools", False) in marks


@pytest.mark.parametrize("text", ["", "   \n  ", "é" * (MAX_TEXT_BYTES // 2 + 1)])
def test_empty_and_oversized_texts_are_refused_with_words(text):
    with pytest.raises(TextRefused) as error:
        suggest(text)
    assert "empty" in str(error.value) or "at most 200 KB" in str(error.value)


def test_texts_built_to_be_slow_finish():
    # long runs of names, commas and figures without a sentence end, at the cap
    for unit in ("Acme Initech ", "Acme, ", "$1 billion ", "founded by " * 3, "(" * 10):
        text = unit * (MAX_TEXT_BYTES // len(unit.encode()) - 1)
        suggest(text)  # the caps on sentences and on every repetition keep this linear


DECK = """
[deck]
key = "acme"
title = "Acme"
source = "https://example.com"
as_of = "2025"
language = "en"

[entities.acme]
name = "Acme"
type = "company"
aliases = ["Acme Tools"]

[entities.jane-doe]
name = "Jane Doe"
type = "person"

[[facts]]
key = "acme-founder"
subject = "acme"
relation = "founder"
value = ["jane-doe"]
evidence = "Acme was founded by Jane Doe."
"""


def test_a_draft_of_a_new_deck_passes_the_fact_file_check():
    text = (
        "Acme was founded in 2016 by Jane Doe and John Roe. The company is based in Lyon. "
        "Acme is valued at $2 billion. Acme's Zap model has 7 billion parameters."
    )
    header = {"key": "d", "title": "D", "source": "s", "as_of": "2025", "language": "en"}
    draft = build_draft(proposals(suggest(text)), {"deck": header})
    deck = parse_deck(to_toml(parse_deck_data(draft.data)))
    assert deck.facts_by_key["acme-founder"].values[1].name == "John Roe"
    assert {f.relation for f in deck.facts} >= {"founder", "founded", "headquarters"}


def parse_deck_data(data):
    from quizapp.domain.facts import Deck

    return Deck.from_dict(data)


def test_a_draft_adds_to_a_deck_merging_lists_and_saying_what_it_skipped():
    deck = parse_deck(DECK)
    accepted = [
        Proposal("founder", "Acme", "John Roe", "Acme was founded by John Roe."),
        Proposal("founded", "Acme Tools", "2016", "Acme Tools was founded in 2016."),
        Proposal("founded", "Acme", "2017", "Acme was founded in 2017."),
        Proposal("founded", "Acme", "soon", "Acme was founded soon."),
        Proposal("founder", "Jane Doe", "Acme", "x"),
    ]
    draft = build_draft(accepted, deck.to_dict())
    facts = {f["key"]: f for f in draft.data["facts"]}
    assert facts["acme-founder"]["value"] == ["jane-doe", "john-roe"]
    assert facts["acme-founded"]["value"] == "2016"
    assert [reason for _, reason in draft.outcomes] == [
        None,
        None,
        "fact 'acme-founded' already states the founding dates of 'Acme' (one per subject); "
        "change that fact instead",
        "'soon' is not a date",
        "'Jane Doe' is a person in this deck, but this relation needs a company",
    ]
