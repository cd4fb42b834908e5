"""The patterns that propose facts: for each preset relation, how sentences state it.

Patterns are written with the slots of `slots` ("{S} was founded in {D}") for the way
English states a relation, never for one text.
"""

from __future__ import annotations

from functools import cache

from quizapp.domain.suggest.general import general_patterns
from quizapp.domain.suggest.mentions import OPEN, SHUT
from quizapp.domain.suggest.slots import NAME as _E
from quizapp.domain.suggest.slots import PRONOUN as _PRONOUN
from quizapp.domain.suggest.slots import Pattern, compile_pattern

__all__ = ["Pattern", "all_patterns"]

_FOUNDED = r"(?:co-?founded|founded|set up|started|established|created|formed)"
_WENT_ON = r"(?:left|went on|decided|moved|set out|agreed) to (?:found|start|set up|establish|form)"
# "became its chief executive in 2022", "was appointed director of the zoo"
_BECAME = (
    r"(?:later |then |soon |eventually |also )?(?:became|was named|was appointed|was made|"
    r"was elected|was promoted to) (?:as )?(?:the |a |an )?(?:its |their |his |her )?"
    rf"(?P<t>(?:(?:the |its |their |his |her )?(?:{_E}|[a-z][\w-]*)(?:'s|’s) )?"
    r"{WORDS}{ROLE}(?: (?:of|at) (?:the )?[^,.;]{1,40}?)?)"
    r"(?=[,.;]| who| and| in| on| since| until| from| after| before| when| with| for|$)"
)
# A founder's kin or role before the names ("his brothers B and C", "the physician A")
_KIN = (
    r"(?:(?:{WORDS}{ROLE}|(?:two |three )?(?:brothers?|sisters?|sons?|daughters?|wife|husband|"
    r"father|mother|cousins?|friends?)) )?"
)
_FOUNDED_CAP = r"(?:[Cc]o-?[Ff]ounded|Founded|Set up|Started|Established|Created|Formed)"
# "founded in Stockholm in 2005 by": a place between the verb and its date or founders.
_PLACE = f"(?: (?:in|at) (?:the )?{_E}(?:, {_E})?)?"
# An aside that names the kind of thing the subject is, up to the verb of a participle
# clause: "Signal Foundation, a non-profit set up in 2018 by ...".
_KIND = f"(?:, | (?:is|was) )(?:a|an|the) (?:(?:{_E}|[\\w-]+) ){{1,4}}?"
# Words naming a time before "by": "founded on 18 March 1900 by", "founded around 880 by".
_TIME = f"(?:(?:in|on|around|about|circa|c\\.) {{_}}|{OPEN}[DN]\\d+{SHUT} )?"
_DISCOVERED = r"(?:discovered|observed|identified|isolated|found|detected)"
# A place a person is from is not the one an aside describes ("a beekeeper from New
# Zealand, and Tenzing Norgay, a Sherpa"), nor a body a person is of ("Francis of the
# University of Michigan, who had been").
_NOT_FROM = r"(?<!\bfrom )(?<!\bfrom the )"
_NOT_OF_THE = r"(?!(?<=\bof )the )(?<!\bof the )"
_SOURCES: list[tuple] = [
    # --- founder ---
    (
        "founder",
        rf"{{SP}}{{APPOS}},? (?:was |were |has been )?{_FOUNDED}{_PLACE} {_TIME}by "
        r"{__}{VS}(?=\s*(?:[,.;(]|$)| in | who| with| of | at )",
    ),
    (
        "founder",
        rf"^{_FOUNDED_CAP}(?: in {{_}})? by {{__}}{{VS}}(?:\s*\([^)]*\))?"
        r"(?:,[^,]{1,120})?, {_}{S}(?= [a-z])",
    ),
    (
        "founder",
        rf"(?:^|[,;] |\band )(?:[a-z]+ ){{0,3}}?{{VS}}(?:, who|, [^,]{{1,100}},)? {_FOUNDED} "
        r"(?:the )?(?:(?!(?:by|in|at|on|from|with|for|to|as)\b)[a-z]+ ){0,2}?{S}",
    ),
    (
        "founder",
        rf"{{S}}{_KIND}{_FOUNDED}{_PLACE} {_TIME}by {{__}}{{VS}}"
        r"(?=\s*(?:[,.;(]|$)| in | who| with| of | at )",
    ),
    # "The company is headquartered in X and was founded by A in 2004": the second verb
    # of the same subject.
    (
        "founder",
        rf"{{SP}}{{APPOS}}[^.;]{{0,80}}? and (?:was |were |has been )?{_FOUNDED}{_PLACE} "
        rf"{_TIME}by {{__}}{{VS}}(?=\s*(?:[,.;(]|$)| in | who| with| of | at )",
    ),
    # "Pavel Durov, who studied in X, had earlier founded the Russian social network Y"
    (
        "founder",
        rf"^{{VS}}(?:, [^,]{{1,120}},)? (?:had |has |have )?(?:earlier |also |later |"
        rf"previously |already |first )?{_FOUNDED} (?:the |a |an )?"
        rf"(?:(?:{_E}|(?!(?:by|in|at|on|from|with|for|to|as)\b)[a-z][\w-]*) ){{0,4}}?{{S}}"
        r"(?=\s*(?:[,.;(]|$)| in | with| and)",
    ),
    (
        "founder",
        rf"(?:^|[,;] |\band )(?:[a-z]+ ){{0,3}}?{{VS}} {_FOUNDED} "
        r"(?P<po>it|the (?:company|firm|business|club|band|group))\b",
    ),
    (
        "founded",
        rf"\b{_FOUNDED} (?P<po>it|the (?:company|firm|business|club|band|group)){_PLACE} "
        r"{WHEN}",
    ),
    (
        "founder",
        rf"{{SP}}{{APPOS}},? (?:had been |was |were |has been )?{_FOUNDED}\b[^.;]{{0,80}}? by "
        rf"{OPEN}E(?P<v>\d+){SHUT}, (?:a|an|the) [a-z][\w ]{{1,40}}?, and (?P<vs>{_E})"
        r"(?=, (?:a|an|the) )",
    ),
    ("founder", r"{V},? \(?(?:who is )?(?:the |a |an )?(?:co-?founder|founder) of {S}"),
    ("founder", r"{POSS} (?:co-?)?founders?,? (?:is |are |was |were )?{VS}"),
    ("founder", r"{S} (?:co-?)?founders? {VS}"),
    # --- founded ---
    (
        "founded",
        rf"{{SP}}{{APPOS}}(?:,? (?:was |were |has been |had been )|(?<=,) |, )(?:originally )?"
        rf"{_FOUNDED}{_PLACE}(?: by [^.;]{{1,120}}?)? {{WHEN}}",
    ),
    ("founded", rf"{{S}}{_KIND}{_FOUNDED}{_PLACE}(?: by [^.;]{{1,120}}?)? {{WHEN}}"),
    (
        "founded",
        rf"{{SP}}{{APPOS}}[^.;]{{0,80}}? and (?:was |were |has been ){_FOUNDED}{_PLACE}"
        r"(?: by [^.;]{1,120}?)? {WHEN}",
    ),
    ("founded", rf"^{_FOUNDED_CAP} in {{D}}[^,]{{0,120}}, {{_}}{{S}}(?= [a-z])"),
    ("founded", rf"\b{_FOUNDED} {{S}} in {{D}}"),
    ("founded", r"{S} \((?:founded|est\.?) (?:in )?{D}\)"),
    (
        "founded",
        r"^(?:In|On) {D},? [^.;]{0,60}?\b(?:merged|combined)(?: with [^.;]{1,60}?)?"
        r"(?: to (?:form|create)|, (?:creating|forming)) {S}",
    ),
    # "set up Zap in 1923 together with the physician A": A is a founder too
    (
        "founder",
        rf"\b{_FOUNDED} (?:the |a |an )?(?:[a-z][\w-]* ){{0,2}}?{{S}}[^.;]{{0,40}}? together "
        rf"with (?:the |his |her |their )?{_KIN}{{VS}}",
    ),
    # "Zap was founded in 1935 by A, ..., together with his brothers B and C"
    (
        "founder",
        rf"{{S}}{{APPOS}},? (?:was|were|had been) {_FOUNDED}\b[^.;]{{0,120}}? together with "
        rf"(?:the |his |her |their )?{_KIN}{{VS}}",
    ),
    # "the brothers A and B, who had worked there, left to start a rival, Zap"
    (
        "founder",
        rf"(?:^|[,;] |\band )(?:[A-Za-z][a-z]* |{OPEN}D\d+{SHUT} ){{0,4}}?{{VS}}"
        rf"(?:, who|, [^,]{{1,100}},)? (?:later |then )?{_WENT_ON} (?:the |a |an )?"
        r"(?:[a-z][\w-]* ){0,2}?(?:[a-z][\w-]*, )?{S}",
    ),
    (
        "founded",
        rf"^(?:[Ii]n )?{{D}},? [^.;]{{0,120}}? {_WENT_ON} (?:the |a |an )?"
        r"(?:[a-z][\w-]* ){0,2}?(?:[a-z][\w-]*, )?{S}",
    ),
    (
        "founded",
        rf"{{S}}, (?:which|that) (?:[a-z]+ ){{0,2}}?{_E}(?:(?:,| and) {_E}){{0,4}} "
        rf"(?:co-?founded|founded|set up|started|established|created){_PLACE} {{WHEN}}",
    ),
    (
        "founder",
        r"{S}, (?:which|that) (?:[a-z]+ ){0,2}?{VS} (?:co-?founded|founded|set up|started|"
        r"established|created)\b",
    ),
    (
        "founded",
        rf"^(?:In|On) {{D}},? (?:[a-z]+ ){{0,2}}?(?:the )?(?:{_E}(?:,| and) ){{0,4}}{_E} "
        r"(?:co-?founded|founded|set up|started|established|created) (?:the |a |an )?"
        r"{LOWER}{S}",
    ),
    ("founded", r"{SP}{APPOS},? (?:dates|traces its roots|goes) back to {D}"),
    # an event: "The Zap Cup was first held in 1903"
    (
        "founded",
        r"{SP}{APPOS},? (?:was|were) (?:first|originally) (?:held|staged|run|played|organised|"
        r"organized|contested) {WHEN}",
    ),
    (
        "founder",
        r"\bwhen (?:[a-z]+ ){0,2}?{VS} (?:co-?founded|founded|started|established|created|set) "
        r"(?P<p>it|the company|the firm)\b",
    ),
    # --- headquarters ---
    (
        "headquarters",
        r"{SP}{APPOS},? (?:is |was |are )?(?:now )?(?:headquartered|based) in "
        r"(?:the city of )?{V}",
    ),
    ("headquarters", r"{SP}{APPOS}[^.;]{0,80}? and (?:is |was )?(?:headquartered|based) in {V}"),
    ("headquarters", r"{S}(?:,| is| was) (?:a |an |the )[^,]{0,80}?(?:headquartered|based) in {V}"),
    ("headquarters", r"(?<![\w{SHUT}-]){V}-based (?:[a-z][\w-]* ){0,3}?{S}"),
    ("headquarters", r"{S}(?:,| is) (?:a |an |the )(?:[a-z][\w-]* ){0,2}?{V}-based\b"),
    ("headquarters", r"{POSS} (?:headquarters|head office|HQ) (?:is |are )?(?:located )?in {V}"),
    # --- developer (subject: the product; value: the company) ---
    (
        "developer",
        r"{VPOSS} {LOWER}{PRODUCT}(?: so far| to date| yet)?,? "
        r"(?:called |named |dubbed )?{S}",
    ),
    ("developer", r"{VPOSS} {S} (?:[a-z][\w-]* ){0,2}?{PRODUCT}\b"),
    ("developer", r"^{S}, {VPOSS} {LOWER}{PRODUCT}\b"),
    ("developer", r"{VPOSS} (?:[\w-]+ ){0,2}?{PRODUCT} (?:is|was) (?:the )?{S}(?=[,.;]|$)"),
    (
        "developer",
        r"{SP}{APPOS},? (?:was |is |were )?(?:developed|built|made|created|launched|"
        r"released|unveiled|introduced)(?: and [a-z]+)? by (?:an? (?:consortium|team|group) "
        r"led by )?{V}",
    ),
    (
        "developer",
        r"{VP}{APPOS} (?:has |had )?(?:also |recently )?(?:developed|built|launched|"
        r"released|unveiled|introduced|created|makes|builds|develops) (?:its |a |an |the )?"
        r"{LOWER}{S}",
    ),
    (
        "developer",
        r"{VP} is (?:best |mostly |mainly )?known for (?:building|making|creating|"
        r"developing|its {LOWER}{PRODUCT}) {S}",
    ),
    (
        "developer",
        r"{VP}{APPOS} (?:is |are )?(?:developing|building) [^.;]{0,120}?"
        r"\b(?:including|such as) {SS}",
    ),
    ("developer", r"^{VPOSS} {S}(?=\s*[—–,(]| (?:is|was|has|had|can)\b)"),
    ("developer", r"{VPOSS} {S}(?=[,.;]|$)", "", True),
    ("developer", r"(?P<q>)\b{PRODUCT} (?:called|named|dubbed) {S}"),
    # --- product (subject: the company) ---
    ("product", r"{S}(?:,| is) (?:the |a |an )?(?:maker|producer|manufacturer) of {VS}"),
    (
        "product",
        r"{POSS} (?:[\w-]+ ){0,3}?products?(?: of [^,]{1,40}?)?(?:, [a-z]+,)? "
        r"(?:is|are|was|include|includes) {VS}",
    ),
    # --- investor ---
    (
        "investor",
        r"{SP}{APPOS},? (?:is |are |was |has been )?(?:also )?(?:backed|funded|"
        r"financed) by (?:[^.;]{0,80}?(?:including|such as|like) )?{VS}",
    ),
    ("investor", r"^(?:Backed|Funded|Financed) by {VS}[^,]{0,60}, {_}{S}(?= [a-z])"),
    (
        "investor",
        r"(?:backing|investment|support) from (?:investors |backers )?"
        r"(?:like |such as |including )?{VS}",
    ),
    ("investor", r"{V} is (?:one of|among) {POSS} (?:investors|backers|shareholders)"),
    ("investor", r"{POSS} (?:investors|backers|shareholders) (?:include|including|are) {VS}"),
    (
        "investor",
        r"{SP}[^.;]{0,80}? counts {VS} among (?:its|their) (?:backers|investors|"
        r"shareholders)",
    ),
    ("investor", r"{VS} (?:has |have )?invested in {S}"),
    (
        "investor",
        r"\b(?:round|sale|raise|deal|investment) (?:was |that was )?(?:backed|led) by {VS}",
    ),
    # --- valuation ---
    (
        "valuation",
        r"{SP}{APPOS},? (?:is |was |has been |had been )?(?:now |currently |"
        r"reportedly )?valued at {M}",
    ),
    ("valuation", r"^Valued at {M}[^,]{0,60}, {_}{S}(?= [a-z])"),
    (
        "valuation",
        r"^With an? (?:[a-z]+ )?valuation (?:of |at |above )?{M}[^,]{0,80}, "
        r"{_}{S}(?= [a-z])",
    ),
    (
        "valuation",
        r"{POSS} valuation (?:is |was |of |at |reached |stands at |hit |(?:rose|fell|dropped|"
        r"climbed|grew|jumped|slumped) to )?{M}",
    ),
    ("valuation", r"{SP} (?:reached|hit|achieved) a valuation of {M}"),
    (
        "valuation",
        r"{SP}{APPOS} (?:(?:now|briefly|reportedly|once) )?(?:is |was |became |has become )"
        r"(?:now |briefly |reportedly )?"
        r"(?:[^.;,]{0,60}?, )?worth {M}",
    ),
    # --- revenue ---
    (
        "revenue",
        r"{POSS} (?:annual |yearly |total |net |gross )?(?:revenue|revenues|sales|turnover)"
        r"(?: (?:in|for) {D})? (?:was|were|is|are|reached|hit|of|totalled|totaled|came to|"
        r"rose to|fell to|stood at|amounted to) {M}",
    ),
    (
        "revenue",
        r"{SP}{APPOS} (?:made|earned|generated|reported|posted|booked) {M} in "
        r"(?:revenue|revenues|sales)",
    ),
    (
        "revenue",
        r"{SP}{APPOS} (?:made|earned|generated|reported|posted|booked) "
        r"(?:revenue|revenues|sales) of {M}",
    ),
    # --- funding ---
    (
        "funding",
        r"{SP}{APPOS},? (?:has |had )?(?:also |still |so far |already )?(?:raised|"
        r"attracted|secured|received|collected|closed) (?:a total of |funding of )?{M}",
    ),
    # --- member_of ---
    ("member_of", r"known as (?:the )?[“\"']?{V}[”\"']?\s*(?:[—–:(]|--)\s*{SS}"),
    # a body's membership ("The university is part of the X"), not a place's
    (
        "member_of",
        r"(?:{S}|(?P<p>\b[Tt]he (?:company|firm|startup|group|bank|university|school|college|"
        r"institute|club|team|band|agency|foundation|lab|airline))) is (?:one of|a member of|"
        r"part of|among) the {V}",
    ),
    ("member_of", r"{SS},? (?:are|were) (?:all )?(?:members of|part of|among) the {V}"),
    # --- focus ---
    (
        "focus",
        r"{SP}{APPOS},? (?:is |was |are )?(?:mainly |mostly |currently )?(?:focuses|"
        r"focused|focusing|concentrates|concentrated) on {T}",
    ),
    ("focus", r"{SS},? (?:is |are )?(?:doubling down|concentrating|focusing) on {T}"),
    (
        "focus",
        r"\b(?P<t>[A-Za-z]+)-focused (?:firms|companies|startups|labs|businesses) "
        r"(?:like|such as|including) {SS}",
    ),
    (
        "focus",
        r"{SP}{APPOS}[^.;]{0,60}?,? targeting (?:sectors|markets|areas|industries|"
        r"customers) (?:like|such as|including) {T}",
    ),
    # --- role and former_role (the relation is decided by "former") ---
    (
        "role",
        rf"(?<![\w{SHUT}'’-])(?:the |a |an )?(?P<former>former |ex-)?"
        rf"(?P<t>(?:{_E}(?:'s|’s) )?{{WORDS}}{{ROLE}}) {{S}}(?!’s|'s)",
    ),
    (
        "role",
        _NOT_FROM
        + r"{SS}, (?P<was>then )?(?:the |a |an |two |three |both )?(?P<former>former |ex-)?"
        r"(?P<t>{WORDS}{ROLE}(?: (?:of|at|on|in|for|with) (?:the )?[^,.;]{1,40}?)?)"
        r"(?=[,.;]| who| and| whose)",
    ),
    (
        "role",
        _NOT_OF_THE + r"{S}{APPOS} (?:(?:is|has been|remains|serves as) (?:the |a |an )?"
        r"(?P<former>former |ex-)?|(?P<was>was|had been|served as) (?:the |a |an )?)"
        r"(?:(?:its|their|his|her) )?"
        r"(?P<t>{WORDS}{ROLE}(?: (?:of|at) (?:the )?[^,.;]{1,40}?)?)"
        r"(?=[,.;]| who| and| since| until| from| with| during| for|$)",
    ),
    (
        "role",
        r"(?:^|[,;] )(?:[Tt]he |[Ii]ts |[Tt]heir )(?P<t>{WORDS}{ROLE}), {S},",
    ),
    # A role taken ("became its chief executive in 2022") or left ("stepped down as
    # chairman"); a body once run ("who had run the Musée d'Orsay", "led it from 2001 to
    # 2009"): its head before.
    ("role", rf"{{S}}{{APPOS}},? {_BECAME}", "", False, True),
    # the second verb of a clause's subject ("A stepped down in 2019 and became")
    (
        "role",
        rf"(?:^|(?<=[,;] ))(?:[A-Z][a-z]* )?{{S}}{{APPOS}} [^.;]{{1,80}}? and,? {_BECAME}",
        "",
        False,
        True,
    ),
    (
        "former_role",
        r"{S}{APPOS},? (?:has |had )?(?:stepped down|resigned|retired|stood down) as "
        r"(?:the |its |their |his |her )?"
        r"(?P<t>{WORDS}{ROLE}(?: (?:of|at) (?:the )?[^,.;]{1,40}?)?)"
        r"(?=[,.;]| who| and| in| on| after| before| when| with| for|$)",
    ),
    (
        "former_role",
        r"{S}(?:,(?: [^,]{1,80}?)?)? who (?:had )?(?:previously |earlier |once |formerly |"
        # "directed" only as a post once held: "who directed Up" may be a film's director
        r"already |also )?(?P<hv>run|ran|led|headed|(?<=had )directed|(?<=previously )directed|"
        r"(?<=earlier )directed|(?<=formerly )directed|(?<=once )directed) "
        rf"(?:(?:{_E}|[a-z][\w-]*) ){{0,4}}?(?P<t>(?:the )?{_E})"
        r"(?=[,.;]|$| (?:for|from|until|in|and|before|after|when|since)\b)",
    ),
    (
        "former_role",
        r"{S}{APPOS},? (?:later |also |then )?(?:returned|served|worked|came back|stayed on|"
        r"joined [^.;]{0,40}?) as (?:a |an |the |its |their )?"
        r"(?P<t>{WORDS}{ROLE}(?: (?:of|at) (?:the )?[^,.;]{1,40}?)?) "
        rf"(?:from {OPEN}D\d+{SHUT} (?:to|until) {OPEN}D\d+{SHUT}|until {OPEN}D\d+{SHUT}|"
        rf"between {OPEN}D\d+{SHUT} and {OPEN}D\d+{SHUT})",
    ),
    (
        "former_role",
        rf"{{S}}{{APPOS}},? (?P<hv>ran|led|headed|directed) (?:(?P<t>(?:the )?{_E})|"
        rf"(?P<hq>{_PRONOUN})) (?:from {OPEN}D\d+{SHUT} (?:to|until) {OPEN}D\d+{SHUT}|"
        rf"until (?:(?:his|her|their) (?:death|retirement) in )?{OPEN}D\d+{SHUT}|"
        rf"between {OPEN}D\d+{SHUT} and {OPEN}D\d+{SHUT}|"
        r"for (?:[a-z]+ ){1,4}?(?:years|decades))",
    ),
    # --- studied_at ---
    (
        "studied_at",
        r"{S}(?:,[^,]{0,100}?)?,? (?:who )?(?:studied|graduated|trained|"
        r"was educated)(?: (?!at\b|from\b)[a-z]+){0,3} (?:at|from) {VS}",
    ),
    ("studied_at", r"{S},? (?:is |was |a )?(?:a )?graduate of {VS}"),
    (
        "studied_at",
        r"{S}(?:,[^,]{0,100}?,)? (?:also )?(?:studied|graduated|trained) "
        r"(?:(?P<q>there)\b|at (?P<q2>the (?:school|university|college|institute))\b)",
    ),
    ("studied_at", r"{S},? (?:is |was )?(?:an? )?{V} (?:graduate|alumnus|alumna)\b"),
    # --- released ---
    (
        "released",
        # not "which it launched in 2007": what it launched is the "which"
        r"(?<!\bwhich )(?<!\bthat ){SP}{APPOS},? (?:was |is |were )?(?:first |originally )?"
        r"(?:released|"
        r"launched|unveiled|introduced|debuted|published|came out|went on sale|hit the shelves|"
        r"rolled out|premiered|aired|was broadcast)"
        rf"(?: by {{__}})?{_PLACE} {{WHEN}}",
    ),
    (
        "released",
        r"^(?:Released|Launched|Unveiled|Introduced|First released) in {D}"
        r"[^,]{0,60}, {_}{S}(?= [a-z])",
    ),
    ("released", r"{POSS} (?:debut|launch|release) (?:in|on) {D}"),
    (
        "released",
        rf"{{S}}{_KIND}(?:(?:that|which) (?:was |were )?(?:first )?)?(?:released|launched|"
        r"unveiled|introduced|premiered|aired)(?: by [^.;]{1,80}?)? {WHEN}",
    ),
    ("released", r"\b(?:released|launched|unveiled|introduced) {S} (?:in|on) {D}"),
    (
        "released",
        rf"^(?:In|On) {{D}},? (?:[a-z]+ ){{0,2}}?(?:the )?{_E} (?:released|launched|unveiled|"
        r"introduced) (?:its |a |an |the )?{LOWER}{S}",
    ),
    # --- parameters, users, population ---
    (
        "parameters",
        r"{SP}{APPOS},? (?:has|had|with|contains|boasts|uses) (?:only |just |some |"
        r"roughly )?{N} (?:[a-z]+ )?parameters",
        "parameters",
    ),
    ("parameters", r"{S}, an? {N}[- ]parameter", "parameters"),
    (
        "parameters",
        r"{POSS} (?:(?:largest|biggest|smallest|full|final|latest|first|base) )?"
        r"(?:version|model|variant) (?:has|had|uses|contains) {N} parameters",
        "parameters",
    ),
    (
        "users",
        r"{SP}(?:, [^,]{0,80}){0,2},? (?:has|had|with|boasts|counts|reached|serves|"
        r"attracts) {N} (?P<u>(?:(?:monthly|daily|weekly|active|registered|paying|paid) ){0,2})"
        r"(?:[a-z]+ ){0,2}?(?P<un>users|subscribers|memberships|customers|accounts|listeners|"
        r"readers|viewers)\b",
        "users",
    ),
    ("population", r"{SP}{APPOS},? (?:has|had) a population of {N}", "people"),
    ("population", r"{SP}{APPOS}[^.;]{0,80}? and (?:has|had) a population of {N}", "people"),
    ("population", r"{POSS} population (?:is|was|of|stands at|reached) {N}", "people"),
    (
        "population",
        r"{SP}{APPOS}[^.;]{0,80}?\b(?:is )?home to {N} (?:people|inhabitants|residents)",
        "people",
    ),
    (
        "population",
        r"(?P<p>)^{N} (?:people|inhabitants|residents) (?:now )?live (?:there|here)",
        "people",
    ),
    # --- capital_of, part_of ---
    (
        "capital_of",
        r"{S},? (?:is |was |became |has been |had been |remains |has become )?(?:the |its )?"
        r"capital (?:city )?of {V}",
    ),
    ("capital_of", r"{VPOSS} capital(?: city)?(?: is|,) {S}"),
    ("capital_of", r"{S}, {VPOSS} capital\b"),
    ("capital_of", r"the capital (?:city )?of {V}, {S}"),
    ("part_of", r"{SP},? (?:is |was )?(?:a |an )?part of {V}"),
    (
        "part_of",
        r"{SP}(?:{APPOS}|, (?:most|much|all|part) of (?:which|it)),? (?:lies|is located|"
        r"is situated|sits) (?:mostly |mainly |largely )?in "
        r"(?:the (?:state|province|region|county|canton|country) of )?{V}",
    ),
    (
        "part_of",
        rf"\b(?:in|from|near|outside|with|to|at) {{S}}, {{V}}(?!,? (?:and |or )?(?:the )?{_E})"
        r"(?=[,.;)]|$| (?:in|on|where|when|which|who|with|for)\b)",
    ),
    # --- discovered_by, discovered, year ---
    (
        "discovered_by",
        rf"{{SN}}{{APPOS}},? (?:was |were )?(?:first )?{_DISCOVERED}{_PLACE}(?: {{WHEN}})?"
        rf"(?:{_PLACE}|,? (?:near|in|at|off|outside) [^.;]{{1,60}}?,)"
        rf" by (?:the )?(?:(?:[a-z]+|{_E}) ){{0,3}}?{{VS}}",
    ),
    (
        "discovered_by",
        r"(?:^|[,;] )(?:[a-z]+ ){0,2}?{VS} (?:first )?(?:discovered|identified|"
        r"isolated|observed) {SN}",
    ),
    (
        "discovered",
        rf"{{SN}}{{APPOS}},? (?:was |were )?(?:first )?{_DISCOVERED}"
        r"(?: by [^.;]{1,80}?)? {WHEN}",
    ),
    ("discovered", r"\b(?:discovered|identified|isolated|observed) {SN} (?:in|on) {D}"),
    ("year", r"{SN} (?:took place|happened|occurred) (?:in|on) {D}"),
]


@cache
def all_patterns() -> tuple[Pattern, ...]:
    """Every pattern, compiled on first use (about 170 regular expressions: compiling
    them at import cost every process that imports the app a second)."""
    return (
        *(compile_pattern(*source) for source in _SOURCES),
        *general_patterns(),
    )
