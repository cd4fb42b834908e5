"""The slots patterns are written with, and how a pattern is compiled.

A pattern is a regular expression over an abstract sentence (`mentions`), written
with slots that `compile_pattern` expands:

- `{S}` the subject (a name); `{SP}` a name or a pronoun ("it", "the company");
  `{POSS}` a possessive ("Zhipu's", "its"); `{SS}` a list of subjects; `{SN}` a
  subject that may be a noun phrase ("the double-helix structure of DNA", "radium").
- `{V}`, `{VP}`, `{VPOSS}`, `{VS}` the same for the value.
- `{D}` a date, `{M}` money, `{N}` a number, `{T}` words up to the end of the clause.
- `{_}` a few words naming nothing, `{__}` a few words that may name things,
  `{APPOS}` an optional aside between commas (", a French startup based in Grenoble,").
- `{ROLE}` a noun naming a role, `{WORDS}` a few words before it, `{PRODUCT}` a noun
  naming a kind of product, `{WHEN}` a date as a time ("in 2001", "in early 2001").

Every repetition is bounded, so a pattern costs a bounded time per position of a
sentence, and sentences are capped in length: the extractor is linear in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from quizapp.domain.suggest.mentions import OPEN, SHUT

__all__ = [
    "COMPANY_KINDS",
    "NAME",
    "NOUNS",
    "NOUN_KINDS",
    "PLACE_KINDS",
    "PLURAL_ROLE",
    "PRONOUN",
    "ROLE",
    "STRUCTURES",
    "Pattern",
    "compile_pattern",
]

_E = f"{OPEN}E(?:\\d+){SHUT}"
# What a noun standing for a name ("the company", "the app") may stand for, by entity type.
_COMPANY, _PRODUCT, _PLACE = (
    frozenset({"company", "organisation"}),
    frozenset({"product", "company"}),
    frozenset({"place"}),
)
# Buildings and works: places, and nouns that stand only for a name of their own kind.
STRUCTURE_NOUNS = (
    "bridge", "tower", "building", "cathedral", "church", "castle", "palace", "dam",
    "canal", "stadium", "theatre", "monument", "station", "library",
)  # fmt: skip
NOUN_KINDS: dict[str, frozenset[str]] = {
    **dict.fromkeys(
        ["company", "firm", "startup", "start-up", "business", "carmaker", "lab", "maker"], _COMPANY
    ),
    **dict.fromkeys(
        [
            "app",
            "platform",
            "product",
            "model",
            "mission",
            "spacecraft",
            "probe",
            "drug",
            "album",
            "series",
            "film",
            "show",
            "game",
            "console",
            "device",
            "car",
            "vehicle",
            "satellite",
            "rocket",
            "telescope",
            "vaccine",
        ],
        _PRODUCT,
    ),
    **dict.fromkeys(
        [
            "agency",
            "foundation",
            "university",
            "museum",
            "school",
            "college",
            "institute",
            "airline",
            "carrier",
            "bank",
            "retailer",
            "chain",
            "network",
            "publisher",
            "label",
            "broadcaster",
            "brand",
            "manufacturer",
            "operator",
            "railway",
            "hospital",
        ],
        _COMPANY,
    ),
    **dict.fromkeys(("band", "club"), frozenset({"group", "company", "organisation"})),
    **dict.fromkeys(
        [
            "city",
            "country",
            "park",
            "airport",
            "region",
            "state",
            "province",
            "town",
            "village",
            "island",
            "river",
            "lake",
            *STRUCTURE_NOUNS,
        ],
        _PLACE,
    ),
    "group": frozenset({"company", "organisation", "group"}),
}
COMPANY_KINDS, PLACE_KINDS = _COMPANY, _PLACE
# Nouns of buildings and works ("the bridge"): they stand only for a name that has the
# noun in it or was introduced with it ("Charles Bridge", "the tower Bayterek"), never for
# another place of the text.
STRUCTURES = frozenset(STRUCTURE_NOUNS)
# Nouns that stand for a name met before ("the airline", "the park"): those above, and
# some whose kind is left open.
NOUNS = "|".join([*NOUN_KINDS, *["element", "planet", "team"]])
_PRONOUN = rf"\b(?:[Ii]t|[Tt](?:he|his) (?:{NOUNS}))\b"
_POSSESSIVE = rf"\b(?:[Ii]ts|[Tt](?:he|his) (?:{NOUNS})(?:'s|’s)|[Tt]heir)"
# A list is "A", "A and B" or "A, B, and C": a comma alone does not continue one
# ("studied at A and B, Moonshot is ..."). A name followed by more words of its noun
# phrase ("Beijing city government funds") is not the value itself.
_END = (
    r"(?![’']s)(?=\s*(?:[,.;:)(—–”\"]|$)|\s(?:and|or|in|on|at|to|with|for|among|as|who|"
    r"which|that|but|since|before|after|from|by|is|was|are|were|has|have|had|its|their|"
    r"over|under|until|when|while|said|says|told|spoke|joined|left|added|near|outside)\b)"
)
_LIST = f"(?:the )?{_E}(?:(?:, (?:the )?{_E}){{0,9}},? (?:and|&) (?:the )?{_E})?"
_ROLE = (
    r"(?:vice president|president|chief executive|chief executive officer|CEO|CTO|chairman|"
    r"chairwoman|chair|founder|co-founder|cofounder|veteran|researcher|executive|engineer|"
    r"scientist|chemist|physicist|astronomer|biologist|mathematician|professor|minister|"
    r"director|economist|entrepreneur|investor|journalist|writer|author|historian|"
    r"manager|partner|officer|analyst|doctor|physician|employee|student|lawyer|banker|"
    r"designer|programmer|astronaut|pilot|singer|musician|composer|producer|player|coach|"
    r"diplomat|politician|activist|architect|inventor|laureate|goalkeeper|captain|striker|"
    r"midfielder|defender|playwright|poet|painter|sculptor|aviator|actor|actress|dancer|"
    r"explorer|navigator|governor|senator|mayor|editor|publisher|surgeon|nurse|soldier|"
    r"admiral|ambassador|sailor|farmer|carpenter|chief|head|discoverer|creator|pioneer|rider|"
    r"teacher|hunter|surveyor|beekeeper|mountaineer|climber|commissioner|deputy|archbishop|"
    r"bishop|conductor|agent|photographer|brewer|collector|dealer|merchant|judge|monk|"
    r"[a-z]{3,}(?:ist|ian|man|woman))s?"
)
# A role in the plural ("the dancers Fred Astaire and Ginger Rogers"): one person's is singular.
PLURAL_ROLE = re.compile(f"(?:^|.* ){_ROLE[:-2]}s$")
_PRODUCT_NOUN = (
    r"(?:model|chatbot|product|app|application|platform|system|series|service|assistant|"
    r"generator|tool|engine|device|phone|game|software|chip|processor|drug|vaccine|car|"
    r"vehicle|cell|browser|database|language|framework|robot|satellite|rocket|telescope|"
    r"console|handheld|headset|camera|computer|album|single|song|film)s?"  # a novel has an author
)
_NOT_CONTENT = (
    r"(?:although|though|while|and|but|by|the|a|an|in|at|on|with|from|to|was|is|were|are|"
    r"who|which|that|as|for|of|two|three|both|its|their|his|her|has|have|had|been|being|"
    r"whose)\b"
)
_SLOTS = {
    "{S}": f'(?:the )?[“"]?{OPEN}E(?P<s>\\d+){SHUT}[”"]?',
    "{SP}": f'(?:(?:the )?[“"]?{OPEN}E(?P<s>\\d+){SHUT}[”"]?|(?P<p>{_PRONOUN}))',
    "{POSS}": f"(?:{OPEN}E(?P<s>\\d+){SHUT}(?:'s|’s)|(?P<p>{_POSSESSIVE}))",
    "{SS}": f"(?P<ss>{_LIST})",
    "{SN}": (
        f"(?P<sn>(?:[Tt]he )?(?:[a-z][\\w-]* ){{0,4}}?of (?:the )?{_E}|(?:the )?{_E}"
        r"|\b[a-z][a-z-]{2,}\b)"
    ),
    "{V}": f"(?:the )?{OPEN}E(?P<v>\\d+){SHUT}",
    "{VP}": f"(?:(?:the )?{OPEN}E(?P<v>\\d+){SHUT}|(?P<q>{_PRONOUN}))",
    "{VPOSS}": f"(?:{OPEN}E(?P<v>\\d+){SHUT}(?:'s|’s)|(?P<q>{_POSSESSIVE}))",
    "{VS}": f"(?P<vs>{_LIST})",
    "{D}": f"{OPEN}D(?P<d>\\d+){SHUT}",
    "{M}": f"{OPEN}M(?P<m>\\d+){SHUT}",
    "{N}": f"{OPEN}N(?P<n>\\d+){SHUT}",
    "{T}": (
        f'(?P<t>(?:[^,.;:—()“”"{OPEN}{SHUT}]|{_E}){{2,80}}?)'
        r"(?=\s*(?:[,.;:—(]|$)|\s(?:but|while|which|who|after|before|because|although|instead|"
        r"rather|as well)\b)"
    ),
    "{_}": f"(?:[^{OPEN}{SHUT}]|{OPEN}[DMN]\\d+{SHUT}){{0,60}}?",
    "{__}": r"[^.;]{0,100}?",
    # an aside, or a relative pronoun before the verb ("Zap, which was released in 2019")
    "{APPOS}": r"(?:,[^,]{1,100},)?(?:,? (?:which|that|who)(?= (?:was|were|is|are|has|had)\b))?",
    # a date as a time: "in 2001", "on 3 May 2001", "in early 2001", "in mid-2001"
    "{WHEN}": (
        r"(?:in|on|during) (?:(?:early|late|the (?:spring|summer|autumn|fall|winter|end|start|"
        f"beginning|middle) of) |mid-)?{OPEN}D(?P<d>\\d+){SHUT}"
    ),
    "{ROLE}": _ROLE,
    "{PRODUCT}": _PRODUCT_NOUN,
    "{WORDS}": f"(?:(?!(?i:{_NOT_CONTENT}))[\\w{OPEN}{SHUT}-]+(?:'s|’s)? ){{0,4}}?",
    "{LOWER}": r"(?:(?!(?:in|at|of|on|from|to|for|with)\b)[a-z][\w-]* ){0,4}?",
}
_SLOT = re.compile("|".join(re.escape(slot) for slot in _SLOTS))


@dataclass(frozen=True)
class Pattern:
    """One way of stating a relation.

    Attributes:
        relation: The preset relation it proposes.
        regex: The compiled pattern over abstract sentences.
        unit: The unit of a number value ("parameters").
        proper: Whether the subject must be a proper name, every word capitalised
            (for loose patterns: "ByteDance's Doubao" but not "Beijing's Haidian district").
        position: Whether the role it finds is a post taken ("became chief executive"),
            which a successor takes over; not a profession ("Jane Doe, a lawyer").
        needs: Words the match must contain, names written out ("World Heritage" in
            "became a UNESCO World Heritage Site"), or None.
    """

    relation: str
    regex: re.Pattern[str]
    unit: str = ""
    proper: bool = False
    position: bool = False
    needs: re.Pattern[str] | None = None


def compile_pattern(
    relation: str,
    source: str,
    unit: str = "",
    proper: bool = False,
    position: bool = False,
    needs: str = "",
) -> Pattern:
    """Expand the slots of a pattern and compile it.

    A value at the very end of a pattern must end its noun phrase (`_END`); elsewhere
    the words the pattern asks for next say where it ends.
    """
    expanded = _SLOT.sub(lambda m: _SLOTS[m.group(0)], source)
    if source.endswith(("{V}", "{VS}")):
        expanded += _END
    checked = re.compile(needs) if needs else None
    return Pattern(relation, re.compile(expanded), unit, proper, position, checked)


NAME, PRONOUN = _E, _PRONOUN  # a name's placeholder; "it", "the company"
ROLE = _ROLE  # a noun naming a role ("poet", "chief executive"), in the plural too
