"""Fact suggestion: what "the tower", "she" and "it" stand for (`suggest.referents`).

One short invented text per case: each rule where it applies, and where it must leave the
words as written (a qualifier, a rival of the same kind, a topic of unknown kind, another
person in between, a noun phrase as the subject before).
"""

from __future__ import annotations

import pytest

from quizapp.domain.suggest import suggest
from quizapp.domain.suggest.referents import resolved

LIGHTHOUSE = "The Bell Rock Lighthouse stands on a reef in the North Sea."


@pytest.mark.parametrize(
    ("text", "last"),
    [
        # a broader noun for the kind the name's head gives it
        (f"{LIGHTHOUSE} The tower is 35 metres tall.", "Bell Rock Lighthouse is 35 metres tall."),
        # the kind a description gives a name of one word, and its broader noun
        (
            "Sue is one of the largest skeletons of Tyrannosaurus rex. The fossil was found "
            "in 1990.",
            "Sue was found in 1990.",
        ),
        # the head of another name, in a text about a thing of another kind; a possessive
        (
            f"{LIGHTHOUSE} It was built by the Northern Lighthouse Board. It is run from the "
            "board's offices in Edinburgh.",
            "Bell Rock Lighthouse is run from Northern Lighthouse Board's offices in Edinburgh.",
        ),
        # "the company": the latest company, the topic being a place
        (
            f"{LIGHTHOUSE} Its lamps were made by Acme, a Scottish company. The company was "
            "founded in 1790.",
            "Acme was founded in 1790.",
        ),
        # the section's topic, from its heading
        (
            "# Acme\n\nAcme is a company in Lyon.\n\n# Zeta\n\nZeta is a company. The company "
            "is based in Oslo.",
            "Zeta is based in Oslo.",
        ),
        ("Acme is a French company. It is based in Lyon.", "Acme is based in Lyon."),
        ("Jane Doe is a Scottish engineer. She was born in Leith.", "Jane Doe was born in Leith."),
        # the only person named in the sentence before, its subject being a thing
        (
            "Sue is a skeleton of a dinosaur. It was found in 1990 by Jane Doe, a fossil "
            "hunter. She was working for a museum.",
            "Jane Doe was working for a museum.",
        ),
        # a place named in between is no rival ("in Leith"), nor is a university
        (
            "Jane Doe is a Scottish engineer. She moved to a house in Leith. She retired in 2014.",
            "Jane Doe retired in 2014.",
        ),
        (
            "Helium was first liquefied in 1908 by the Dutch physicist Jan Roe at the "
            "University of Leiden. Three years later he received a prize.",
            "Three years later Jan Roe received a prize.",
        ),
        # the description's own noun, not those of what it says next
        (
            "Zond was the first probe to orbit the comet 9P/Tempel. The comet is 6 "
            "kilometres across.",
            "9P/Tempel is 6 kilometres across.",
        ),
        (
            "Acme Moller–Berg is a Danish shipping and logistics company and one of the "
            "largest carriers in the world. The company traces its origins to 1904.",
            "Acme Moller–Berg traces its origins to 1904.",
        ),
        (
            "Jane Doe and John Roe met in Paris. They founded Acme in 2001.",
            "Jane Doe and John Roe founded Acme in 2001.",
        ),
        # "her" is never the clause's own thing
        (
            "Jane Doe found the bones in 1990. The skeleton was named Sue in her honour.",
            "The skeleton was named Sue in honour of Jane Doe.",
        ),
    ],
)
def test_a_noun_or_pronoun_is_written_as_the_name_it_stands_for(text, last):
    assert resolved(text)[-1] == last


@pytest.mark.parametrize(
    "text",
    [
        # a qualifier that may point to another thing of the kind
        "Cologne Cathedral is a Gothic cathedral. The old cathedral had burned down.",
        # the topic and a rival of its kind named just before: unsure
        "Acme is a French company. In 2017 it bought Zeta, a German company. The company "
        "sold its oil business.",
        # a topic of unknown kind: "the league" may be it
        "The National Basketball Association was founded in 1946. Its first president also "
        "ran the American Hockey League. The league took its present name in 1949.",
        # no name of that kind
        f"{LIGHTHOUSE} The light was first lit in 1811.",
        # another person named in between
        "Jane Doe is a Scottish engineer. She married John Roe, a doctor, in 2000. She "
        "retired in 2014.",
        # "she" for a thing, "it" for a person
        "Acme is a French company. She was born in Lyon.",
        "Jane Doe is a Scottish engineer. It was built in 1990.",
        # a noun phrase is the subject before "it"
        "Cologne Cathedral is a Gothic cathedral. In 2007 a new window was unveiled; it was "
        "designed by Gerhard Richter.",
        # "they" for one name
        "Acme is a French company. They founded it in 2001.",
    ],
)
def test_words_it_is_unsure_of_are_left_as_written(text):
    last = text.rsplit(". ", 1)[-1]
    assert resolved(text)[-1] == last


def test_she_is_not_who_he_was():
    text = "John Roe is a Scottish engineer. After the game he admitted that she had won."
    assert resolved(text)[-1] == "After the game John Roe admitted that she had won."


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("In 2017 Acme bought the German carrier Hamburg Süd from Zeta.", "Hamburg Süd"),
        ("In 2020 Acme bought Pearson's remaining stake.", None),
        ("In 1989 Acme bought a stake in Northwest Airlines.", None),
    ],
)
def test_a_purchase_is_of_the_whole_thing_named(sentence, expected):
    bought = {s.subject for s in suggest(sentence) if s.relation == "acquired_by"}
    assert bought == ({expected} if expected else set())


def test_the_suggestions_read_the_names_written_in():
    found = {
        (s.relation, s.subject, s.value_text)
        for s in suggest(
            f"{LIGHTHOUSE} The tower is 35 metres tall.\n\n"
            "Sue is a skeleton of a dinosaur. It was found in 1990 by Jane Doe, a fossil hunter. "
            "The skeleton was named Sue in her honour."
        )
    }
    assert ("height", "Bell Rock Lighthouse", "35 metres") in found
    assert ("named_after", "Sue", "Jane Doe") in found
    assert not any(s == "Cologne Cathedral" for _, s, _ in found)


def test_the_cost_is_linear_in_the_text():
    # names kept are bounded: a long text of many names reads each sentence alike
    text = " ".join(f"Name{i} Acme is a French company. It is based in Lyon." for i in range(300))
    assert len(resolved(text)) == 600
