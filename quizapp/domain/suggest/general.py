"""Patterns for the general presets: buildings and places, works, namesakes, owners.

Written with the slots of `slots` for how English states each relation (a verb or a
participle, its preposition, and the app's own date and number mentions), never for
one text. Figures are read only with a unit of their kind ("516 metres long", not
"516 years long"): the unit is part of the pattern.
"""

from __future__ import annotations

from functools import cache

from quizapp.domain.facts.presets import LIBRARIES
from quizapp.domain.suggest.mentions import OPEN, SHUT
from quizapp.domain.suggest.slots import NAME as _E
from quizapp.domain.suggest.slots import STRUCTURE_NOUNS, Pattern, compile_pattern

__all__ = ["LOOSE_SUBJECTS", "general_patterns"]

# Relations said of things of any kind ("Acme opened in 1990", "the bridge opened in
# 1937"): their subject's type is no clue to what the subject is.
LOOSE_SUBJECTS = frozenset({*LIBRARIES["buildings"], "award"})

# A pronoun as the object of the verb ("named it after", "bought it"): the topic.
_OBJECT = r"(?P<po>it|them|the (?:company|firm|business|building|bridge|tower|museum|park))\b"
# The kind of a building after its name ("the Iron Gate I dam", "the Bayterek tower").
_KIND_NOUN = f"(?: (?:{'|'.join((*STRUCTURE_NOUNS, 'museum', 'airport', 'park'))}))?"
# Where a subject stands, between it and its verb ("the Hall of Fame in Springfield,
# Massachusetts, is named after"); a place before a date ("opened next to the factory in
# Billund in 1968"), naming no date itself.
_AT = f"(?: (?:in|at|on) (?:the )?{_E}(?:, {_E})?,?)?"
_PLACED = f"(?: (?:next to|near|beside|in|at|on|outside) (?:[^,.;{OPEN}{SHUT}]|{_E}){{1,40}}?)?"
# A few words that may stand between a verb and its date ("opened to the public in").
_TO = r"(?: to (?:the )?(?:public|visitors|traffic|students|pedestrians|cars|passengers))?"
_QUALIFY = r"(?:(?:officially|finally|only|eventually|formally|first|originally) )?"
_LENGTH_UNIT = (
    r"(?P<un>(?:kilo|centi|milli)?met(?:re|er)s|km|m|cm|feet|foot|ft|miles|mi|yards|inches)"
)
_AREA_UNIT = (
    r"(?P<un>square (?:kilo)?met(?:re|er)s|square (?:miles|feet|yards)|km2|km²|m2|m²|"
    r"hectares|ha|acres)"
)
# The description of a value before its name ("the Danish architect Jørn Utzon",
# "the British media group Pearson"): a few lower-case or capitalised words.
_DESCRIBED = f"(?:the |a |an )?(?:(?:[a-z][\\w-]*|{_E}) ){{0,4}}?"
_OWNED = f"(?:now |still |wholly |jointly |partly |majority |mostly )?owned by {_DESCRIBED}"
_FIELD = f"(?:[A-Za-z][a-z-]+|{_E})"  # a word of an award's field ("in Chemistry")
_AMOUNTED = r"(?:was|is|came to|rose to|reached|totalled|totaled|of|stood at|amounted to)"
_SOLD = r"(?:bought|acquired|purchased|agreed to (?:buy|acquire))"
# A part bought is no purchase of the whole ("bought a stake in Northwest Airlines").
_PART = r"(?!(?:stake|stakes|share|shares|interest|holding|minority|majority|part|half)\b)"
# ... nor is a name that describes the thing bought ("the German carrier Hamburg Süd",
# "Pearson's remaining stake").
_WHOLE = (
    f"(?![’']s\\b)(?! (?!(?:from|for|in|at|on|to|by|with|and|or|of|as|which|who)\\b)"
    f"(?:[a-z][\\w-]* ){{1,2}}{_E})"
)
# Where a subject may start: not inside a phrase ("the Hall of Fame in Springfield, ...,
# is named", "built by A and B, was", "the architect A and opened", "the publisher that
# the band opened"); "it" not after a noun ("a hospital it opened in 1932") unless a
# clause starts there ("and it opened"); nothing after a name and a comma ("Springfield,
# Massachusetts, is"; "Random House, the publisher owned by": its description).
_AFTER = ("and", "when", "after", "before", "while", "until", "but", "then", "now", "today")
_AFTER += ("later", "soon", "since", "once", "also", "still", "so", "yet")
_CLAUSE_IT = "".join(f"(?<!\\b{w} it)" for word in _AFTER for w in (word, word.title()))
_START = (
    "(?<!\\bin )(?<!\\bof )(?<!\\bby )(?<!\\bat )(?<!\\bon )(?<!\\bfrom )(?<!\\bto )"
    "(?<!\\bwith )(?<!\\bfor )(?<!\\bnear )(?!(?<=[^,] and )(?![Ii]t\\b))"
    "(?<!\\bthe )(?<![a-z] The )"
    "(?<!\\bthat )(?<!\\bwhich )"
    f"(?![Ii]t\\b(?<=[a-z] it){_CLAUSE_IT})"
    f"(?<!{SHUT}, )"
)
# A clause's own subject, for its second verb ("The Dancing House, ..., was designed by A
# and opened in 1996"): at the start of the sentence or of a clause.
_CLAUSE = f"(?:^|(?<=^The )|(?<=[,;] )|(?<=\\band )|(?<=\\bwhen )|(?<={SHUT} )){_START}"

# A subject before its verb: a clause's, with its kind, an aside and where it stands.
_SUBJECT = f"{_START}{{SP}}{_KIND_NOUN}{{APPOS}}{_AT}"

_SOURCES: list[tuple] = [
    # --- opened ---
    (
        "opened",
        rf"{_SUBJECT},? (?:was |were |is )?{_QUALIFY}opened(?: its doors)?{_TO}"
        rf"(?: by [^.;]{{1,80}}?)?{_PLACED} {{WHEN}}",
    ),
    # the second verb of the subject: "was designed by A and opened in 1989"
    (
        "opened",
        rf"{_CLAUSE}{{SP}}{{APPOS}}[^.;]{{0,100}}? and (?:was )?{_QUALIFY}opened"
        rf"(?: its doors)?{_TO}{_PLACED} {{WHEN}}",
    ),
    # "the Queen opened the Opera House on 20 October 1973"
    ("opened", rf"\bopened {{S}}{_TO} {{WHEN}}"),
    ("opened", rf"\bopened {_OBJECT}{_TO} {{WHEN}}"),
    # "Polar Studios, a studio that the band opened in 1978", "X, a hospital it opened"
    (
        "opened",
        rf"{{S}}, (?:a|an|the) [^,]{{1,60}}? (?:that |which )?(?:it|they|he|she|we|"
        rf"(?:the )?(?:[a-z]+ )?{_E}|the [a-z]+) (?:had |has )?{_QUALIFY}opened{_PLACED} {{WHEN}}",
    ),
    # a date first: "In 2017 a sister museum, the Louvre Abu Dhabi, opened in Abu Dhabi"
    (
        "opened",
        rf"^(?:In|On|By) {{D}},? (?:[^,.;]{{1,40}}?, )?{{S}}{_KIND_NOUN},? (?:was |were )?"
        r"(?:officially |finally |first )?opened\b",
    ),
    # a time a date names: "until 1964, when the X Bridge in New York was completed"
    (
        "opened",
        rf"{{D}}, when {{S}}{_AT} (?:was |were )?{_QUALIFY}opened\b",
    ),
    # --- construction_began, completed ---
    ("construction_began", r"{POSS} (?:construction|building) (?:began|started) {WHEN}"),
    (
        "construction_began",
        r"\b(?:[Ww]ork|[Cc]onstruction|[Bb]uilding) (?:of|on) {S} (?:began|started) {WHEN}",
    ),
    (
        "construction_began",
        r"(?P<p>^)(?:[Cc]onstruction|[Ww]ork|[Bb]uilding) (?:work )?(?:began|started) {WHEN}",
    ),
    (
        "construction_began",
        r"{S}, (?:(?:a|an|the) [^,]{1,40}? )?whose construction (?:began|started) {WHEN}",
    ),
    # the stone is the building's, whoever laid it ("who laid its first stone" is not
    # read: "its" is as often a building the text names only by a noun)
    ("construction_began", r"\b(?:first|foundation) stone of {S} was laid {WHEN}"),
    # "was built by the board between 1807 and 1810": begun in the first year, done in
    # the second
    (
        "construction_began",
        rf"{_SUBJECT},? (?:was |were )?(?:built|constructed)(?: by [^.;]{{1,80}}?)? "
        rf"between {{D}} and {OPEN}D\d+{SHUT}",
    ),
    (
        "completed",
        rf"{_SUBJECT},? (?:was |were )?(?:built|constructed)(?: by [^.;]{{1,80}}?)? "
        rf"between {OPEN}D\d+{SHUT} and {{D}}",
    ),
    (
        "completed",
        rf"{_SUBJECT},? (?:was |were |is )?{_QUALIFY}(?:completed|finished) {{WHEN}}",
    ),
    (
        "completed",
        rf"{{S}}, (?:(?:a|an|the) [^,]{{1,40}}? )?(?:whose|the) construction [^.;]{{0,60}}? "
        rf"and (?:was )?{_QUALIFY}(?:completed|finished) {{WHEN}}",
    ),
    (
        "completed",
        rf"^(?:In|On|By) {{D}},? (?:[^,.;]{{1,40}}?, )?{{S}}{_KIND_NOUN},? (?:was |were )?"
        rf"{_QUALIFY}(?:completed|finished)\b",
    ),
    ("completed", rf"{{D}}, when {{S}}{_AT} (?:was |were )?{_QUALIFY}(?:completed|finished)\b"),
    # --- designer ---
    (
        "designer",
        rf"{_SUBJECT},? (?:was |were |is |are |had been )?(?:originally |also |largely )?"
        rf"designed by {_DESCRIBED}{{VS}}",
    ),
    # "designed by Gunpei Yokoi's team": the head of the team
    (
        "designer",
        rf"{_SUBJECT},? (?:was |were |is |are |had been )?(?:originally |also |largely )?"
        rf"designed by {_DESCRIBED}{{VS}}(?:'s|’s) (?:team|studio|firm|office|practice)\b",
    ),
    (
        "designer",
        rf"(?:^|[,;] |\band )(?:(?:[\w-]+|{OPEN}[DE]\d+{SHUT}) ){{0,4}}?{{VS}}"
        r"(?:, who|, [^,]{1,80},)? (?:also |later |then )?designed (?:the |its )?"
        r"(?:[a-z][\w-]* ){0,2}?{S}",
    ),
    # --- named_after ---
    (
        "named_after",
        rf"{_SUBJECT},? (?:is |was |were |are |has been )?(?:also )?(?:named|called) "
        rf"(?:{_E} )?(?:after|for|in honou?r of) {_DESCRIBED}{{V}}",
    ),
    (
        "named_after",
        rf"\b(?:named|called) {_OBJECT} (?:{{S}} )?(?:after|in honou?r of) {_DESCRIBED}{{V}}",
    ),
    (
        "named_after",
        rf"{_SUBJECT},? (?:takes|took|gets|got|derives|derived|has|had) (?:its|their) name "
        rf"from {_DESCRIBED}{{V}}",
    ),
    # --- author ---
    (
        "author",
        rf"{_SUBJECT},? (?:was |were |is |had been )?(?:originally |first )?written by "
        rf"{_DESCRIBED}{{VS}}",
    ),
    (
        "author",
        r"{VPOSS} (?:[a-z][\w-]* ){0,2}?(?:novel|book|poem|play|ballad|story|memoir|essay|"
        r"biography|novella|opera|symphony|song|autobiography) [“\"]?{S}",
    ),
    (
        "author",
        r"{S}[”\"]?, (?:a|an|the) (?:[a-z][\w-]* ){0,3}?(?:novel|book|poem|play|ballad|story|"
        r"memoir|essay|biography|novella|life|history)(?: of [^,.;]{1,40}?)? by "
        rf"{_DESCRIBED}{{V}}",
    ),
    (
        "author",
        rf"\b(?:including|included|includes|such as|like) [“\"]?{{S}}[”\"]? by {_DESCRIBED}{{V}}",
    ),
    (
        "author",
        rf"(?:^|[,;] |\band )(?:(?:[\w-]+|{OPEN}[DE]\d+{SHUT}) ){{0,4}}?{{VS}}"
        r"(?:, who|, [^,]{1,80},)? (?:also |later |then )?(?:wrote|had written|co-wrote) "
        r"(?:the |a |an |his |her |their )?(?:[a-z][\w-]* ){0,2}?[“\"]?{S}",
    ),
    # --- owner, acquired_by ---
    ("owner", rf"{_SUBJECT},? (?:is |was |are |were |has been )?{_OWNED}{{VS}}"),
    # "Random House, the publisher owned by the German company Bertelsmann"
    ("owner", rf"{{S}}, (?:a|an|the) [^,]{{1,60}}? {_OWNED}{{VS}}"),
    (
        "acquired_by",
        rf"{_SUBJECT},? (?:was |were |has been |had been )?(?:later |then |eventually )?"
        rf"(?:bought|acquired|purchased|taken over) by {_DESCRIBED}{{V}}",
    ),
    (
        "acquired_by",
        rf"(?:^|[,;] |\band )(?:(?:[\w-]+|{OPEN}[DE]\d+{SHUT}) ){{0,6}}?{{V}}"
        rf"(?:, [^,]{{1,80}},)? (?:has |had )?(?:later |then |eventually )?{_SOLD} "
        rf"(?:(?:the |a )?(?:{_PART}(?:[a-z][\w-]*|{_E}) ){{0,2}}?{{S}}{_WHOLE}|{_OBJECT})",
    ),
    ("acquired_by", rf"\bsold {{S}}(?: {{WHEN}})? to {_DESCRIBED}{{V}}"),
    ("acquired_by", rf"\bsell(?:ing|s)? {_OBJECT}(?: {{WHEN}})? to {_DESCRIBED}{{V}}"),
    # --- cost, visitors, employees ---
    ("cost", rf"{{POSS}} (?:final |total |estimated |original )?cost {_AMOUNTED} {{M}}"),
    ("cost", rf"\b[Tt]he (?:final |total |estimated |original )?cost of {{S}} {_AMOUNTED} {{M}}"),
    (
        "cost",
        r"(?P<p>^)The (?:final |total |estimated |original )?cost(?: of (?:the |its )?[a-z]+)? "
        rf"{_AMOUNTED} {{M}}",
    ),
    ("cost", rf"{_SUBJECT},? (?:cost|costs) (?:about |around )?{{M}}"),
    ("cost", rf"{_SUBJECT}[^.;]{{0,60}}? (?:at|for) a (?:total )?cost of {{M}}"),
    (
        "visitors",
        rf"{_SUBJECT},? (?:now |still )?(?:receives|received|attracts|attracted|welcomes|"
        rf"welcomed|draws|drew|gets|got) {{N}} (?P<un>visitors|tourists)\b",
    ),
    (
        "visitors",
        rf"{{N}} (?P<un>people|visitors|tourists) (?:now )?visit (?:{{S}}|{_OBJECT})",
    ),
    (
        "employees",
        rf"{_SUBJECT},? (?:now |still )?(?:employs|employed|has|had) (?:a (?:staff|workforce) "
        rf"of )?{{N}} (?P<un>people|employees|staff|workers)\b",
    ),
    (
        "employees",
        rf"{_CLAUSE}{{SP}}{{APPOS}}[^.;]{{0,80}}? and (?:now )?(?:employs|has) {{N}} "
        r"(?P<un>people|employees|staff|workers)\b",
    ),
    # --- height, length, area (a figure with a unit of its kind) ---
    (
        "height",
        rf"{_SUBJECT},? (?:is|was|stands|rises|reaches) (?:to )?{{N}} {_LENGTH_UNIT} "
        r"(?:high|tall|in height)\b",
    ),
    (
        "height",
        rf"\b(?:measured |put )?{{POSS}} height (?:is |was |of |at |to be )?{{N}} "
        rf"{_LENGTH_UNIT}\b",
    ),
    (
        "height",
        rf"{_SUBJECT},? (?:has|had|reaches|reached|rises to) a height of {{N}} {_LENGTH_UNIT}\b",
    ),
    (
        "length",
        rf"{_SUBJECT},? (?:is|was|runs|stretches|measures|extends) (?:for )?{{N}} "
        rf"{_LENGTH_UNIT} (?:long|in length)\b",
    ),
    (
        "length",
        rf"{_CLAUSE}{{SP}}{{APPOS}}[^.;]{{0,60}}? and (?:is |was )?{{N}} {_LENGTH_UNIT} long\b",
    ),
    ("length", rf"{{POSS}} (?:total )?length (?:is |was |of |at )?{{N}} {_LENGTH_UNIT}\b"),
    (
        "area",
        rf"{_SUBJECT},? (?:covers|covered|occupies|occupied|spans|spanned|has an area of|"
        rf"had an area of|extends over) (?:an area of )?{{N}} {_AREA_UNIT}\b",
    ),
    (
        "area",
        rf"{_CLAUSE}{{SP}}{{APPOS}}[^.;]{{0,80}}? and (?:covers|covered|occupies|spans|"
        rf"has an area of) (?:an area of )?{{N}} {_AREA_UNIT}\b",
    ),
    ("area", rf"{{POSS}} (?:total )?area (?:is |was |of |covers )?{{N}} {_AREA_UNIT}\b"),
]

# Patterns that name a thing by its name only: the match must contain the words.
_CHECKED: list[tuple[str, str, str]] = [
    (
        "heritage_site",
        rf"{_SUBJECT},? (?:became|was (?:declared|listed as|inscribed as|named|made)) "
        rf"(?:a |an )?(?:{_E} )?{_E}(?: [Ss]ite)? {{WHEN}}",
        "World Heritage",
    ),
    (
        "heritage_site",
        rf"\b[Ii]n {{D}},? {_SUBJECT},? (?:became|was (?:declared|listed as|inscribed as|named|"
        rf"made)) (?:a |an )?(?:{_E} )?{_E}",
        "World Heritage",
    ),
    (
        "heritage_site",
        rf"{{S}}, which [^.;]{{0,80}}? and (?:became|was (?:declared|listed as|inscribed as)) "
        rf"(?:a |an )?(?:{_E} )?{_E}(?: [Ss]ite)? {{WHEN}}",
        "World Heritage",
    ),
    # "won the Nobel Prize in Chemistry in 1904", "received the Academy Award for best
    # animated feature": an award's name and its field
    (
        "award",
        rf"{_SUBJECT},? (?:also |later )?(?:won|received|was awarded|was given|earned|shared) "
        rf"(?:the |an? )?(?P<t>{_E}(?: (?:in|for) (?:{_FIELD} ){{0,4}}?{_FIELD})?)"
        rf"(?=[,.;]|$| in {OPEN}D| (?:for|with|and|at|from)\b)",
        r"\b(?:Prize|Award|Medal|Oscar|Trophy|Order|Cross)",
    ),
]


@cache
def general_patterns() -> tuple[Pattern, ...]:
    """The general presets' patterns, compiled on first use (not at import: every
    process that imports the app would pay for them)."""
    return (
        *(compile_pattern(*source) for source in _SOURCES),
        *(compile_pattern(r, source, needs=needs) for r, source, needs in _CHECKED),
    )
