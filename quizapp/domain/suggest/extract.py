"""Run the patterns over a text's sentences and turn their matches into suggestions."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from quizapp.domain.facts import ENTITY_TYPES, Deck, Quantity, TextValue, Value
from quizapp.domain.facts.presets import PRESETS
from quizapp.domain.numbers import singular
from quizapp.domain.suggest.general import LOOSE_SUBJECTS
from quizapp.domain.suggest.mentions import (
    OPEN,
    SHUT,
    Abstract,
    NameMatcher,
    abstract,
)
from quizapp.domain.suggest.patterns import Pattern, all_patterns
from quizapp.domain.suggest.referents import Referents
from quizapp.domain.suggest.slots import COMPANY_KINDS as _COMPANY
from quizapp.domain.suggest.slots import NOUN_KINDS as _NOUN_KINDS
from quizapp.domain.suggest.slots import PLACE_KINDS as _PLACE
from quizapp.domain.suggest.slots import PLURAL_ROLE, STRUCTURES
from quizapp.domain.suggest.text import blocks, check_size

__all__ = ["Suggestion", "suggest"]


@dataclass(frozen=True)
class Suggestion:
    """A fact the text seems to state.

    Attributes:
        relation: The key of a preset relation (or of the deck's relation of that key).
        subject: The subject's name, as the text writes it.
        value: The value: a name (for a relation whose value is an entity) or a value.
        evidence: The sentence, as written.
        duplicate: Whether the deck already states this fact.
    """

    relation: str
    subject: str
    value: str | Value
    evidence: str
    duplicate: bool = False

    @property
    def value_text(self) -> str:
        """The value as a person writes it ("April 2023", "over $2 billion", "Jiang Daxin")."""
        return self.value if isinstance(self.value, str) else self.value.display

    @property
    def identity(self) -> tuple:
        """What makes two suggestions the same."""
        value = self.value.casefold() if isinstance(self.value, str) else self.value.identity
        return (self.relation, self.subject.casefold(), value)


# A heading that names what its section is about: a name, then a colon, a dash or nothing.
_TITLE = re.compile(f"^(?:[Tt]he )?{OPEN}E(\\d+){SHUT}(?=\\s*(?:[:,—–-]|$))")
_INDEX = re.compile(f"{OPEN}[EDMN](\\d+){SHUT}")
# A name opening a clause (or named by its kind), followed by a verb: what a sentence is
# about ("Minimax is", "Founded in 2023, Infinigence AI claims", "payments company Adyen
# dates"; not "AI products").
# A name also opens the sentence after a possessive or a short noun phrase before it
# ("Its successor ChatGPT reached", "Google's BERT, introduced in 2018, was").
_SUBJECT = re.compile(
    f"(?:^|[,;] |\\b(?:company|startup|firm|maker|group|bank|giant|lab) |"
    f"[,;] (?:while|whereas|although|though|but|because) |"
    f"^(?:[Ii]ts|[Tt]heir|[Tt]he|[Hh]is|[Hh]er) (?:[a-z][a-z-]* ){{1,2}}|"
    f"^{OPEN}E\\d+{SHUT}(?:'s|’s) ){OPEN}E(\\d+){SHUT}"
    r"(?=,? (?:is|was|are|were|has|had|also|now|says|said|claims|will|would|can|could|"
    r"[a-z]+s(?! (?:company|startup|firm|maker|group|bank|giant|lab)\b)|[a-z]+ed)\b)"
)

_DESCRIBED_NAME = re.compile(
    f"\\b(of|at) (?:the )?(?:(?!the\\b)[a-z][\\w-]* ){{1,4}}({OPEN}E\\d+{SHUT})$"
)
_OPENING = re.compile(f"^{OPEN}E(\\d+){SHUT}(?!'s|’s)")
_CLAUSE_SUBJECT = re.compile(
    f"{OPEN}E(\\d+){SHUT}(?= (?:is|was|has|had|[a-z]{{2,}}ed|sold|made|bought|took|began|"
    f"grew|became|won|ran|built|led|left|kept|said|says|makes|sells|runs|owns)\\b)"
)
# A name an aside describes ("start at Prague Castle, which ...") is what comes next.
_DESCRIBED = re.compile(f"{OPEN}E(\\d+){SHUT}, (?:which|whose) ")
# "it" as the object of the sentence's verb or of a preposition: not its subject (that
# would be "itself"), so the topic it stands for is still the topic. Not "it" that opens
# a clause of its own ("Telegram says it has", "bought it is").
_OBJECT_PRONOUN = re.compile(
    r"\b(?:[a-z]+ed|bought|sold|took|made|won|kept|built|ran|left|joined|got|put|owns|"
    r"of|to|for|with|by|from|into|about|against) (?:it|them)\b"
    r"(?! (?:is|was|are|were|has|had|have|will|would|can|could)\b)"
)


def suggest(text: str, deck: Deck | None = None) -> list[Suggestion]:
    """Propose facts stated by a text, in the order of its sentences.

    Args:
        text: Plain text, Markdown or HTML, at most `MAX_TEXT_BYTES`.
        deck: The deck the facts are for: its entities are recognised by name and
            alias, and suggestions it already states are marked `duplicate`.

    Returns:
        The suggestions, without repeats.

    Raises:
        TextRefused: The text is empty or too long.
    """
    check_size(text)
    names = NameMatcher(
        [n for e in (deck.entities.values() if deck else ()) for n in (e.name, *e.aliases)]
    )
    found: dict[tuple, Suggestion] = {}
    topic: str | None = None
    section: str | None = None  # what the heading names: "the company" of the section
    kinds = _Kinds(deck)
    year: int | None = None  # the last year named: "two years later" counts from it
    posts: set[tuple] = set()  # the roles that are posts taken, which successors take over
    patterns = all_patterns()
    referents = Referents()  # "the tower", "she": the names they stand for
    for block in blocks(text):
        sentence = abstract(block.text, names, year)
        if block.heading:
            referents.heading(sentence)
        else:
            sentence = referents.read(sentence)
        dates = [m.value for m in sentence.mentions if m.kind == "D"]
        year = dates[-1].year if dates else year
        if block.heading:
            names_here = [m.text for m in sentence.mentions if m.kind == "E"]
            topic = names_here[0] if names_here else topic
            title = _TITLE.match(sentence.text)  # "Lego: from ducks to bricks", "The Danube"
            section = sentence.mentions[int(title.group(1))].text if title else None
            continue
        reader = _Reader(sentence, block.text, topic, kinds, section)
        reader.resolved = referents.opening  # "The tower is ...": about the lighthouse
        for name, word in referents.written:  # "the town": a place, whatever it does
            kinds.note(name, _WRITTEN_KINDS.get(word))
        reader.written = {name for name, _ in referents.written}
        for mention in sentence.mentions:
            if mention.kind == "E":
                kinds.note(mention.text, None)
        for pattern in patterns:
            for match in pattern.regex.finditer(sentence.text):
                for suggestion in reader.read(pattern, match):
                    found.setdefault(suggestion.identity, suggestion)
                    kinds.learn(suggestion)
                    if pattern.position:
                        posts.add(suggestion.identity)
        _succession(sentence, block.text, found, kinds, posts)
        kinds.name_nouns(sentence)
        topic = reader.next_topic()
    suggestions = list(found.values())
    return _mark_duplicates(suggestions, deck) if deck else suggestions


_THING = frozenset({"company", "organisation", "product", "place", "group", "concept"})
# The type a name has when a noun or pronoun stood for it ("the town": a place).
_WRITTEN_KINDS = {
    "person": "person",
    **{noun: min(kinds) for noun, kinds in _NOUN_KINDS.items() if kinds in (_COMPANY, _PLACE)},
}
_WHERE = frozenset({"company", "organisation", "place"})
_NOUN = re.compile(r"^[Tt](?:he|his) ([a-z-]+)")
_NAMED_NOUN = re.compile(
    r"\b(?!(?:and|or|but|by|in|on|at|of|to|for|with|from|the|a|an|as|is|was|were|are|has|"
    r"had|have|its|their|his|her|our|that|which|who|than|like|including|such|after|before|"
    r"since|into|over|under|between|called|named|dubbed|led|when|while|where|said|says|"
    r"told|also|only|then|both|all|two|three|four)\b)"
    f"([a-z][a-z-]{{2,}}) {OPEN}E(\\d+){SHUT}"
)
# The entity types a relation's subject can never be: types are guessed from the presets
# ("founded" makes a park a company), so only the plain mismatches count: "Its revenue"
# is never a place's, a role never a place's.
_NEVER = {
    **dict.fromkeys(
        ("company", "organisation", "group", "product"), frozenset({"place", "person"})
    ),
    "place": frozenset({"person", "group"}),  # a band never opened in 2022
    "concept": frozenset({"person"}),
    "person": frozenset({"place"}),
}
_INITIALS = re.compile(r"^(?:[A-Z]\. ){1,3}[A-Z][a-z]")
_REMEMBERED = 32  # names kept for "the company" to look back to: a bounded cost per use


class _Kinds:
    """The entity type of the names read so far, and the order they were last named in.

    Types come from the deck and from the suggestions made: the subject and entity value
    of a preset relation have the relation's types ("Zap" developed by "Acme": a product
    and a company). "The company" then stands for the latest company, not for the
    latest subject whatever it is.
    """

    def __init__(self, deck: Deck | None) -> None:
        self.kind: dict[str, str] = {}
        self.order: list[str] = []
        self.noun: dict[str, str] = {}  # "comet" -> "67P/Churyumov-Gerasimenko"
        for entity in deck.entities.values() if deck else ():
            for name in (entity.name, *entity.aliases):
                self.kind[name.casefold()] = entity.type

    def learn(self, suggestion: Suggestion) -> None:
        preset = PRESETS[suggestion.relation]
        loose = suggestion.relation in LOOSE_SUBJECTS
        self.note(suggestion.subject, None if loose else preset["subject"])
        if isinstance(suggestion.value, str):
            self.note(suggestion.value, preset["value"])

    def note(self, name: str, kind: str | None) -> None:
        if kind is None and _INITIALS.match(name):
            kind = "person"  # "D. H. Lawrence", "J. K. Rowe"
        if kind is not None:
            self.kind.setdefault(name.casefold(), kind)
            if kind == "person" and " " in name:  # "Hagedorn" for "Hans Christian Hagedorn"
                self.kind.setdefault(name.rsplit(" ", 1)[1].casefold(), kind)
        if name in self.order:
            self.order.remove(name)
        self.order = [*self.order[-_REMEMBERED + 1 :], name]

    def name_nouns(self, sentence: Abstract) -> None:
        """Remember the noun a name was introduced with ("the lander Philae"), so that
        "the lander" later stands for Philae."""
        for match in _NAMED_NOUN.finditer(sentence.text):
            self.noun[match.group(1)] = sentence.mentions[int(match.group(2))].text

    @staticmethod
    def is_company_noun(word: str | None) -> bool:
        """Whether the word is "the company" or a noun like it ("the firm", "the group")."""
        noun = _NOUN.match(word or "")
        return noun is not None and _NOUN_KINDS.get(noun.group(1)) is _COMPANY

    def named(self, word: str | None) -> str | None:
        """The name a noun ("the comet") was introduced with, if it was."""
        noun = _NOUN.match(word or "")
        return self.noun.get(noun.group(1)) if noun else None

    def fits(self, name: str, word: str | None) -> bool:
        """Whether the name may be what the word ("the company", "it") stands for."""
        wanted = self.wanted(word)
        kind = self.kind.get(name.casefold())
        noun = _NOUN.match(word or "")
        if self.has_noun(name, word):
            return True  # "the park" for "Yellowstone National Park", whatever was guessed
        if noun and noun.group(1) in STRUCTURES:
            return False  # "the bridge" is never the cathedral named before it
        return wanted is None or kind is None or kind in wanted

    @staticmethod
    def has_noun(name: str, word: str | None) -> bool:
        """Whether the noun of the word is the head of the name ("the park": "Yellowstone
        National Park"; "the university": "University of Tokyo"; "the bridge": not "Golden
        Gate Bridge and Highway District")."""
        noun = _NOUN.match(word or "")
        words = name.casefold().split()
        if noun is None or not words:
            return False
        return noun.group(1) in (words[-1], words[0] if words[1:2] == ["of"] else None)

    def latest(self, word: str | None, kind: str | None = None) -> str | None:
        """The latest name of the type the word asks for (and that suits the relation's
        subject type, if given), if the word or the relation asks for one."""
        wanted = self.wanted(word)
        if wanted is None and kind is None:
            return None
        return next(
            (
                n
                for n in reversed(self.order)
                if self.has_noun(n, word)  # "the bridge": "Golden Gate Bridge"
                or (
                    (wanted is None or self.kind.get(n.casefold()) in wanted)
                    and (word is None or self.fits(n, word))
                    and self.kind.get(n.casefold()) is not None
                    and self.suits(n, kind)
                )
            ),
            None,
        )

    def suits(self, name: str, kind: str | None) -> bool:
        """Whether a name of known type may be the subject of a relation on `kind`."""
        known = self.kind.get(name.casefold())
        return kind is None or known is None or known not in _NEVER.get(kind, frozenset())

    @staticmethod
    def wanted(word: str | None) -> frozenset[str] | None:
        if word is not None and word.lower() in ("it", "its"):
            return _THING  # a person is never "it"
        if word is not None and word.lower() == "there":
            return _WHERE
        noun = _NOUN.match(word or "")
        return _NOUN_KINDS.get(noun.group(1)) if noun else None


class _Reader:
    """Reads the matches of one sentence, resolving "it" and "the company" to its topic."""

    def __init__(
        self,
        sentence: Abstract,
        evidence: str,
        topic: str | None,
        kinds: _Kinds,
        section: str | None = None,
    ) -> None:
        self.section = section
        self.sentence = sentence
        self.evidence = evidence
        self.topic = topic
        self.kinds = kinds
        self.resolved: str | None = None  # what a pronoun of this sentence stood for
        self.subject_kind: str | None = None  # the type the relation's subject must be
        self.subjects: list[str] = []
        self.written: set[str] = set()  # names a noun or pronoun stood for ("the town")

    def read(self, pattern: Pattern, match: re.Match[str]) -> list[Suggestion]:
        if pattern.needs and not pattern.needs.search(self.sentence.restore(match.group(0))):
            return []
        groups = match.groupdict()
        relation = pattern.relation
        preset = PRESETS[relation]
        values = self.values(match, preset["value"], pattern.unit)
        value_mentions = self.indices(match, ("v", "vs"))
        if groups.get("po") is not None:  # "A founded it": never the sentence's own subject
            name = self.pronoun(match.start("po"), value_mentions, groups["po"], own=False)
            subjects = [name] if name else []
        else:
            self.subject_kind = preset["subject"]
            subjects = self.names(match, "s", "ss", "sn", "p", value_mentions)
            self.subject_kind = None
        if preset["value"] in ENTITY_TYPES and not any(groups.get(g) for g in ("v", "vs")):
            if groups.get("q") is None and groups.get("q2") is None:
                return []
            slot = "q" if groups.get("q2") is None else "q2"
            # "there", "at the school": a place the topic is, never the sentence's subject
            own = slot == "q" and groups["q"] != "there"
            taken = self.indices(match, ("s", "ss"))
            company = self.pronoun(match.start(slot), taken, match.group(slot), own=own)
            values = [company] if company else []
        if relation in ("role", "former_role"):
            values = [
                TextValue(singular(v.text)) if PLURAL_ROLE.match(v.text) else v
                for v in values
                if isinstance(v, TextValue)
            ]
        if relation == "role" and (groups.get("former") or groups.get("was")):
            relation = "former_role"
        if pattern.proper:
            subjects = [s for s in subjects if all(w[:1].isupper() for w in s.split())]
        # a name "the town" stood for is a place: never a body's member, as "it" is not
        subjects = [
            s for s in subjects if s not in self.written or self.kinds.suits(s, preset["subject"])
        ]
        made = []
        for subject in subjects:
            for value in values:
                if isinstance(value, str) and value.casefold() == subject.casefold():
                    continue
                made.append(Suggestion(relation, subject, value, self.evidence))
        # What the sentence is about: the company of a product, else the subject; not a
        # place named in passing ("on a peninsula in Sydney Harbour, Australia").
        self.subjects += [
            str(s.value) if s.relation == "developer" else s.subject
            for s in made
            if s.relation != "part_of"
        ]
        return made

    def values(self, match: re.Match[str], kind: str, unit: str) -> list[str | Value]:
        groups = match.groupdict()
        mentions = self.sentence.mentions
        if kind in ENTITY_TYPES:
            return [mentions[i].text for i in self.indices(match, ("v", "vs"))]
        slot = {"date": "d", "money": "m", "number": "n"}.get(kind)
        if slot is not None:
            if groups.get(slot) is None:
                return []
            value = mentions[int(groups[slot])].value
            unit = groups.get("un") or unit  # "subscribers", "paid memberships"
            unit = f"{groups['u']}{unit}" if groups.get("u") and unit else unit
            if isinstance(value, Quantity) and unit and not value.unit:
                value = replace(value, unit=unit)
            return [value] if value is not None else []
        if groups.get("hq") is not None:  # "led the company": the name it stands for
            name = self.pronoun(match.start("hq"), [], groups["hq"], own=False)
            groups["t"] = name or ""
        # "chief executive of the vacuum cleaner maker Dyson": of Dyson
        text = _DESCRIBED_NAME.sub(r"\1 \2", groups.get("t") or "")
        text = self.sentence.restore(text).strip(" -–")
        if groups.get("hv") and text:  # "who had run X": the head of X
            text = ("director of " if groups["hv"] == "directed" else "head of ") + text
        text = text.lower() if text.istitle() and " " not in text else text  # "Research-focused"
        text = re.sub(r"^(?:the|a|an) ", "", text) if kind == "text" else text
        return [TextValue(text)] if text else []

    def names(self, match, one: str, many: str, phrase: str, pronoun: str, taken) -> list[str]:
        groups = match.groupdict()
        mentions = self.sentence.mentions
        if groups.get(one) is not None:
            return [mentions[int(groups[one])].text]
        if groups.get(many) is not None:
            return [mentions[int(i)].text for i in _INDEX.findall(groups[many])]
        if groups.get(phrase) is not None:
            before = self.sentence.text[max(0, match.start(phrase) - 4) : match.start(phrase)]
            named = self.kinds.named(f"the {groups[phrase]}") if before.lower() == "the " else None
            return [named or self.phrase(groups[phrase])]
        if groups.get(pronoun) is not None:
            name = self.pronoun(match.start(pronoun), taken, groups[pronoun])
            return [name] if name else []
        # The subject is the sentence's topic ("backing from investors like Tencent").
        name = self.pronoun(match.start(), taken)
        return [name] if name else []

    def phrase(self, text: str) -> str:
        words = self.sentence.restore(text).strip()
        return words[:1].upper() + words[1:] if words[:4].lower() == "the " else words

    def indices(self, match: re.Match[str], slots: tuple[str, ...]) -> list[int]:
        found = []
        for slot in slots:
            part = match.groupdict().get(slot)
            if part is None:
                continue
            found += [int(part)] if part.isdigit() else [int(i) for i in _INDEX.findall(part)]
        return found

    def pronoun(
        self, position: int, taken: list[int], word: str | None = None, own: bool = True
    ) -> str | None:
        """What "it" stands for: the name the sentence is about if it comes before and is
        not the value itself ("Minimax is known for its product"), else the running topic;
        "the company" is the topic only if the topic may be a company, else the latest
        company named."""
        kind = self.subject_kind  # "Its revenue" is a company's: never a place's
        clauses = list(_SUBJECT.finditer(self.sentence.text, 0, position if own else 0))
        for match in clauses[-1:]:  # the nearest clause's subject ("while Acme had ..., it")
            index = int(match.group(1))
            name = self.sentence.mentions[index].text
            if index not in taken and self.kinds.suits(name, kind):
                self.resolved = name
                return self.resolved
        section = self.section
        if (
            section is not None
            and self.kinds.is_company_noun(word)
            and self.kinds.fits(section, word)
            and self.kinds.suits(section, kind)
        ):
            self.resolved = section  # "the company": the one the section is about
            return section
        if (named := self.kinds.named(word)) is not None:
            self.resolved = named  # "the lander": the name it was introduced with
            return named
        topic = self.topic
        if topic is not None and not (
            self.kinds.fits(topic, word) and self.kinds.suits(topic, kind)
        ):
            topic = self.kinds.latest(word, kind)
        if topic is not None:
            self.resolved = topic
        return topic

    def next_topic(self) -> str | None:
        if self.resolved is not None:
            return self.resolved
        if self.subjects:
            return self.subjects[0]
        if _OBJECT_PRONOUN.search(self.sentence.text):
            return self.topic  # "Facebook bought it": "it" is the topic, which stays
        # The name the sentence is about: the one opening it ("Hagedorn's name lives on"
        # is about a name, not about Hagedorn), else the first one before a verb.
        text = self.sentence.text
        opening = _OPENING.match(text) or _CLAUSE_SUBJECT.search(text) or _DESCRIBED.search(text)
        if opening is not None:
            return self.sentence.mentions[int(opening.group(1))].text
        return self.topic


# "He was replaced in 2025 by B", "A was succeeded as chairman by B", "B succeeded A".
_SUCCEEDED = re.compile(
    f"(?:^|[,;] )(?:(?P<he>[Hh]e|[Ss]he)|{OPEN}E(?P<old>\\d+){SHUT}) was (?:replaced|succeeded)"
    f"(?: as [^,.;{OPEN}]{{1,40}}?)?(?: (?:in|on) {OPEN}D\\d+{SHUT})? by {OPEN}E(?P<new>\\d+){SHUT}"
    f"|(?:^|[,;] ){OPEN}E(?P<new2>\\d+){SHUT} (?:succeeded|replaced) {OPEN}E(?P<old2>\\d+){SHUT}"
)


def _succession(
    sentence: Abstract,
    evidence: str,
    found: dict[tuple, Suggestion],
    kinds: _Kinds,
    posts: set[tuple],
) -> None:
    """One person succeeded by another: the first one's post (the latest role suggested
    as a post taken) is now a former role, and the second one's role. Nothing if the
    first had none: a profession ("a lawyer") is not what a successor takes over."""
    match = _SUCCEEDED.search(sentence.text)
    if match is None:
        return
    mentions = sentence.mentions
    new = mentions[int(match.group("new") or match.group("new2"))].text
    old_index = match.group("old") or match.group("old2")
    if old_index is not None:
        old = mentions[int(old_index)].text
    else:  # "he": the latest person named before this sentence's successor
        old = next(
            (
                n
                for n in reversed(kinds.order)
                if kinds.kind.get(n.casefold()) == "person" and n != new
            ),
            None,
        )
    roles = [
        k for k, s in found.items() if k in posts and s.subject.casefold() == (old or "").casefold()
    ]
    if not roles:
        return
    held = found.pop(roles[-1])
    former = replace(held, relation="former_role")
    found.setdefault(former.identity, former)
    taken = Suggestion("role", new, held.value, evidence)
    found.setdefault(taken.identity, taken)
    posts.add(taken.identity)
    kinds.learn(taken)


def _mark_duplicates(suggestions: list[Suggestion], deck: Deck) -> list[Suggestion]:
    keys = {}
    for entity in deck.entities.values():
        for name in (entity.name, *entity.aliases):
            keys.setdefault(name.casefold(), entity.key)
    stated = set()
    for fact in deck.facts:
        for value in fact.values:
            stated.add((fact.relation, fact.subject, value.identity))
    marked = []
    for suggestion in suggestions:
        value = suggestion.value
        if isinstance(value, str):
            identity = ("entity", keys.get(value.casefold(), value.casefold()))
        else:
            identity = value.identity
        subject = keys.get(suggestion.subject.casefold())
        duplicate = (suggestion.relation, subject, identity) in stated
        marked.append(replace(suggestion, duplicate=duplicate))
    return marked
