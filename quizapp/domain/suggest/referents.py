"""What "the tower", "she" or "it" stands for: the name a writer means by it.

Writers name a thing once, then call it by its kind ("The Bell Rock Lighthouse ... The
tower is 35 metres tall") or by a pronoun ("Judit Polgár is a chess player. She was born
in Budapest"). `Referents` reads the abstract sentences of a text in order and writes such
a word, where it is a clause's subject (or "the board's", a possessive), as the name it
stands for, so that every pattern finds a name there:

- "the <noun>" stands for the latest name of that kind: the noun is the head of the name
  ("the lighthouse": Bell Rock Lighthouse, "the board": Northern Lighthouse Board,
  "the museum": Field Museum of Natural History), the noun the name was introduced or
  described with ("the icebreaker Baikal"; "Sue is one of the largest skeletons"), or a
  broader noun for one of those (`BROADER`: "the tower" for a lighthouse, "the firm" for
  a company).
- "he" and "she" stand for the subject of the clause before, if it is a person (named
  with a role, a title or "who") and no other person is named in between; "it" for
  that subject if it is a named thing; "they" for a list of names.

When unsure it leaves the words as written: no name of that kind, a qualifier that points
elsewhere ("the old cathedral", "the second line"), a noun phrase as the subject before
("a new window was unveiled; it was designed by"), or another person named in between.

Each sentence costs a few passes of bounded patterns, and at most `_REMEMBERED` names are
kept: the time is linear in the text.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from quizapp.domain.numbers import singular
from quizapp.domain.suggest.mentions import OPEN, SHUT, Abstract, Mention, NameMatcher, abstract
from quizapp.domain.suggest.slots import NOUN_KINDS, ROLE
from quizapp.domain.suggest.text import blocks

__all__ = ["BROADER", "Referents", "resolved"]

# Broader nouns a writer uses for a thing of a kind: "the tower" for a lighthouse. Plain
# English hypernyms, for the kinds of things articles are about; a kind's own noun always
# counts, so only the other words are listed.
BROADER: dict[str, frozenset[str]] = {
    kind: frozenset(nouns)
    for kinds, nouns in [
        (("company", "carmaker", "airline", "carrier", "maker", "manufacturer", "retailer",
          "publisher", "startup", "bank", "chain", "operator", "broadcaster", "studio"),
         ("company", "firm", "business", "group")),
        (("lighthouse",), ("tower", "building", "structure")),
        (("cathedral", "basilica", "abbey", "church", "mosque", "temple", "synagogue"),
         ("church", "building")),
        (("castle", "palace", "museum", "library", "theatre", "hall", "stadium", "station",
          "skyscraper", "tower", "house", "opera"),
         ("building", "structure")),
        (("bridge", "dam", "tunnel", "canal"), ("structure",)),
        (("skeleton", "fossil", "specimen"), ("fossil", "skeleton", "specimen")),
        (("railway", "railroad", "line", "mainline", "route"), ("railway", "line", "route")),
        (("river", "canal", "stream"), ("river", "waterway")),
        (("mountain", "peak", "volcano", "summit"), ("mountain", "peak")),
        (("orchestra", "ensemble", "band", "choir"), ("orchestra", "ensemble", "group")),
        (("club", "team", "side"), ("club", "team", "side")),
        (("university", "college", "school", "institute"), ("university", "institution")),
        (("ship", "liner", "vessel", "icebreaker", "ferry", "tanker"), ("ship", "vessel")),
        (("vaccine", "drug", "medicine"), ("vaccine", "drug")),
        (("novel", "book", "ballad", "poem", "play", "opera"), ("work", "book")),
        (("film", "movie"), ("film", "movie")),
        (("album", "record"), ("album", "record")),
        (("park", "reserve"), ("park", "reserve")),
        (("city", "town", "village", "capital"), ("city", "town")),
        (("league", "competition", "race", "tournament", "championship"),
         ("league", "competition", "race", "tournament", "event")),
    ]
    for kind in kinds
}  # fmt: skip

_E = f"{OPEN}E(\\d+){SHUT}"
_ANY = f"{OPEN}E\\d+{SHUT}"
_REMEMBERED = 32  # the latest names a noun may stand for: a bounded cost per noun phrase
_PRONOUNS = 8  # pronouns read per sentence, each in a pass over it: a bounded cost
# A word after a clause's subject that is its verb (or an adverb before it).
_VERB = (
    r"(?:is|was|are|were|has|had|have|can|could|will|would|may|might|must|did|does|also|"
    r"now|then|still|first|later|finally|only|once|soon|remains|stands|stood|became|began|"
    r"seats|cost|costs|ran|runs|lies|lay|took|takes|won|lost|grew|rose|fell|sold|bought|"
    r"built|held|made|went|came|got|led|paid|kept|left|saw|met|spent|sat|sits|hit|found|"
    r"wrote|gave|told|said|brought|drove|flew|sang|fought|taught|chose|spoke|stole|rode|"
    r"bore|broke|drew|grew|knew|threw|wore|won|beat|set|put|ran|swam|"
    r"[a-z]{2,}ed|[a-z]{3,}s)\b"
)
# Where a clause starts: the sentence's start, after a semicolon or colon, or after a
# comma and a conjunction ("..., and the tower", "..., but it").
_START = (
    r"(?:^|(?<=[;:] )|(?<=, and )|(?<=, but )|(?<=, so )|(?<=, yet )|(?<=\d )|(?<=\d, )"
    f"|(?<={SHUT} )|(?<={SHUT}, )|(?<=[Ww]ork on )|(?<=[Cc]onstruction of ))"
)
# Qualifiers that keep "the <noun>" the same thing ("the present building"); any other
# ("the old cathedral", "the second line", "the first architect") may name another.
_SAME = r"(?:present|current|whole|entire|main|famous|great|original)"
_DEFINITE = re.compile(
    f"(?:{_START}(?P<the>[Tt]he) (?:{_SAME} )?(?P<noun>[a-z][a-z-]{{2,}})(?= {_VERB})"
    f"|\\b(?P<the2>[Tt]he) (?P<noun2>[a-z][a-z-]{{2,}})(?=(?:'s|’s) ))"
)
_PRONOUN = re.compile(
    r"\b(?P<pro>[Hh]e|[Ss]he|[Tt]hey)\b(?= [a-z])"
    r"|(?<=\bafter )(?P<obj>him|her)\b|\bin (?P<poss>his|her) honou?r\b"
    r"|(?:^|(?<=[;:] )|(?<=, and )|(?<=, but )|(?<=\bwhen )|(?<=\band )|(?<=\d )|(?<=\d, )"
    rf"|(?<={SHUT} )|(?<={SHUT}, ))(?P<it>[Ii]t)(?= {_VERB})"
)
# A clause's subject: a name (with an aside) before its verb, or a noun phrase there.
_SUBJECT = re.compile(
    f"(?:^|(?<=[,;:] )|(?<=[,;] and )|^[Ii]n {OPEN}[EDMN]\\d+{SHUT},? )"
    f"(?:(?:[Tt]he )?{_E}(?P<more>(?:,? and (?:the )?{_E})+)?"
    f"(?:, [^,;{OPEN}]{{1,80}},)?|(?P<np>(?:[Tt]he|[Aa]n?|[Ii]ts|[Hh]is|[Hh]er|[Tt]heir) "
    f"(?:[a-z][\\w-]* ){{0,5}}?[a-z][\\w-]*))(?= {_VERB})"
)
# What a name is: "X is a Catholic cathedral in", "X, an American fossil hunter,", "X is
# one of the largest skeletons of"; its nouns are the words before a break.
_DESCRIPTION = re.compile(
    f"(?:(?:^|(?<=[;:] )|(?<=, and ))(?:[Tt]he )?{_E}(?: (?:in|at|on) {_ANY})?"
    f" (?:is|was|remains|became)|{_E},) (?:one of )?(?:the|a|an) "
    f"(?P<words>(?:[\\w-]+|{_ANY})(?: (?:[\\w-]+|{_ANY})){{0,11}})"
)
_BREAK = frozenset({
    "and", "or", "in", "of", "on", "at", "to", "for", "from", "with", "by", "that",
    "which", "who", "whose", "near", "based", "since", "until", "after", "before", "than",
    "as",
})  # fmt: skip
# The noun a name is introduced with: "the icebreaker Baikal", "the German carrier
# Hamburg Süd", "the poet Robert Southey".
_INTRODUCED = re.compile(
    f"\\b(?:[Tt]he|[Aa]n?|[Ii]ts|[Hh]is|[Hh]er|[Tt]heir) (?:(?:[\\w-]+|{_ANY}) ){{0,3}}?"
    f"(?P<noun>[a-z][a-z-]{{2,}}) {OPEN}E(?P<name>\\d+){SHUT}"
)
_ROLE = re.compile(f"^(?:{ROLE}|{ROLE[:-2]}s)$")
_PEOPLE = frozenset({
    "teacher", "hunter", "king", "queen", "emperor", "empress", "tsar", "archbishop",
    "bishop", "pope", "conductor", "master", "champion", "grandmaster", "son", "daughter",
    "wife", "husband", "brother", "sister", "father", "mother", "child", "boy", "girl",
    "man", "woman", "friend", "captain", "dealer", "agent", "prince", "princess", "lord",
})  # fmt: skip
_TITLES = frozenset({
    "President", "Tsar", "King", "Queen", "Emperor", "Empress", "Sir", "Dame", "Dr",
    "Archbishop", "Bishop", "Pope", "Prince", "Princess", "Lord", "Lady", "Saint",
    "General", "Captain", "Mr", "Mrs", "Ms", "Professor",
})  # fmt: skip
_PLACED = re.compile(f"\\b(?:in|at|near|outside|across|throughout) {_E}(?![’']s| [A-Z])")
_TITLED = re.compile(f"\\b(?:{'|'.join(_TITLES)}) {_E}")
# Names that name no one here: an adjective ("a Scottish engineer"), a name given
# ("named Sue", "known as Frunze").
_NOT_REFERRING = re.compile(f"(?:\\b(?:[Aa]n?|[Tt]he) {_E}(?= [a-z])|\\b(?:named|called|as) {_E})")
_PERSON_LIKE = re.compile(
    r"(?:[A-Z][a-zà-ÿ'’-]+|[A-Z]\.)(?: (?:[A-Z][a-zà-ÿ'’-]+|[A-Z]\.|de|van|von|da)){0,3}"
)
_NOT_NOUNS = _BREAK | {"it", "its", "his", "her", "their", "them", "him"}
_NOT_KINDS = frozenset(["one", "part", "kind", "type", "example", "first", "last"])


@dataclass
class _Name:
    """What is known of one name: the nouns it may be called by and whether it is a person."""

    nouns: set[str] = field(default_factory=set)
    person: bool = False
    thing: bool = False
    pronoun: str | None = None  # "he" or "she", once one stood for it


class Referents:
    """Reads abstract sentences in order and writes their referring words as names."""

    def __init__(self) -> None:
        self.known: dict[str, _Name] = {}
        self.order: list[str] = []  # the latest names, the last one last
        self.read_in: dict[str, int] = {}  # the sentence each of them was last named in
        self.count = 0  # sentences read
        self.topic: str | None = None  # what the text is about: its first subject
        self.section: str | None = None  # what the section is about: its heading's name
        self.section_start = 0  # the sentence it starts at
        self.opening: str | None = None  # the name written for the last sentence's first word
        # the names written in the last sentence, with the noun or pronoun they stood for
        self.written: list[tuple[str, str]] = []
        # The subject of the last clause read: names, or () for a noun phrase, or None.
        self.subject: tuple[str, ...] | None = None
        self.people_since: set[str] = set()  # people named since that subject
        self.people_last: set[str] = set()  # people named in the sentence before

    def read(self, sentence: Abstract) -> Abstract:
        """The sentence with its referring words written as the names they stand for."""
        mentions = list(sentence.mentions)
        self.learn(sentence.text, mentions)
        text = self.rewrite(sentence.text, mentions)
        self.learn(text, mentions)  # what the sentence says of the names written in
        self.remember(text, mentions)
        self.count += 1
        return Abstract(text, tuple(mentions))

    def heading(self, sentence: Abstract) -> None:
        """A heading starts a section: its name (if it names one) is what the section is
        about, and no pronoun reaches back over it."""
        names = [m.text for m in sentence.mentions if m.kind == "E"]
        self.section = names[0] if names else None
        self.section_start = self.count
        self.subject, self.people_since, self.people_last = None, set(), set()

    # --- resolving ---

    def rewrite(self, text: str, mentions: list[Mention]) -> str:
        """Noun phrases first, then pronouns, which may stand for a noun phrase's name
        ("In Nepal the mountain is called ..., and in Tibet it is known as ...")."""
        found = []
        self.written = []
        for match in _DEFINITE.finditer(text):
            noun = match.group("noun") or match.group("noun2")
            name = self.of_kind(noun)
            if name is not None:
                found.append((match.start(), match.end(), (name,)))
                self.written.append((name, singular(noun)))
        self.opening = found[0][2][0] if found and found[0][0] == 0 else None
        text = _written(text, found, mentions)
        found = []
        for match in itertools.islice(_PRONOUN.finditer(text), _PRONOUNS):
            names = self.antecedent(text, match, mentions)
            if names and match.group("poss"):  # "in her honour": in honour of the name
                found.append((match.start(), match.end(), ("in honour of", *names)))
            elif names:
                found.append((match.start(), match.end(), names))
            word = (match.group("pro") or match.group("it") or "he").lower()
            self.written += [(name, "person" if word in ("he", "she") else word) for name in names]
            if names and word in ("he", "she"):
                self.name(names[0]).person = True  # "Schultz ... he returned": a person
        if found and found[0][0] == 0:
            self.opening = found[0][2][0]  # the sentence is about what its first word means
        return _written(text, found, mentions)

    def of_kind(self, noun: str) -> str | None:
        """The name the noun may stand for: the topic (the section's, else the text's) if
        it is of that kind and no other name of the kind was named in the last two
        sentences; else the latest name of the kind, if the topic is known to be a thing
        of another kind ("the board" in a text about a lighthouse, not "the league" in one
        about a body whose kind is not known)."""
        noun = singular(noun)
        if noun in _NOT_KINDS:
            return None
        named = [n for n in reversed(self.order) if noun in self.nouns(n)]
        topic = self.section or self.topic
        if topic in named:
            since = max(self.count - 2, self.section_start)
            recent = [n for n in named if n != topic and self.read_in[n] >= since]
            return None if recent else topic
        if not named or topic is None:
            return named[0] if named and topic is None else None
        kinds = self.kinds(topic)
        return named[0] if kinds and not kinds & self.kinds(named[0]) else None

    def kinds(self, name: str) -> frozenset[str]:
        """The broad types a name's nouns give it ("company", "place"), if any."""
        found = frozenset().union(*(NOUN_KINDS.get(n, frozenset()) for n in self.nouns(name)))
        return found | {"person"} if self.is_person(name) else found

    def nouns(self, name: str) -> set[str]:
        own = self.known[name].nouns if name in self.known else set()
        return own | {broader for noun in own for broader in BROADER.get(noun, ())}

    def antecedent(
        self, text: str, match: re.Match[str], mentions: list[Mention]
    ) -> tuple[str, ...]:
        """The names a pronoun stands for: the subject before it, if it agrees."""
        subject, between, since = self.subject, set(self.people_since), 0
        own = match.group("obj") is None and match.group("poss") is None
        for clause in _SUBJECT.finditer(text, 0, match.start()):
            names = self._names(clause, mentions)
            # "A was named in her honour": "her" is never the clause's own thing
            if own or any(self.may_be_person(n) for n in names):
                subject, between, since = names, set(), clause.start()
        for name in self._referring(text[since : match.start()], mentions):
            if subject and name not in subject and self.may_be_person(name):
                between.add(name)
        if not subject:
            return ()
        word = (match.group("pro") or match.group("it") or "he").lower()  # him, his: he
        if word in ("he", "she"):
            her = (match.group("obj") or match.group("poss") or "").lower() == "her"
            gender = "she" if word == "she" or her else "he"
            if len(subject) == 1 and self.may_be_person(subject[0]) and not between:
                found: tuple[str, ...] = subject
            elif not any(self.is_person(n) for n in subject) and len(self.people_last) == 1:
                found = tuple(self.people_last)  # "A was found by B. She ...": B
            else:
                return ()
            known = self.name(found[0])
            if known.pronoun not in (None, gender):
                return ()  # "he admitted that she had": she is not he
            known.pronoun = gender
            return found
        if word == "they":
            return subject if len(subject) > 1 else ()
        one = subject[0]
        thing = len(subject) == 1 and one in self.known and self.known[one].thing
        return subject if thing and not self.is_person(one) else ()

    def is_person(self, name: str) -> bool:
        known = self.known.get(name)
        return known is not None and known.person and not known.thing

    def may_be_person(self, name: str) -> bool:
        """Whether a name may be a person's: named as one, or written like one (one to
        four capitalised words) and never said to be a thing."""
        if self.is_person(name):
            return True
        known = self.known.get(name)
        if known is not None and (known.thing or self.kinds(name)):
            return False
        return bool(_PERSON_LIKE.fullmatch(name))

    # --- learning ---

    def learn(self, text: str, mentions: list[Mention]) -> None:
        """Note the nouns the sentence gives its names, and which of them are people."""
        for index, mention in enumerate(mentions):
            if mention.kind != "E":
                continue
            name = self.name(mention.text)
            words = mention.text.split()
            if len(words) > 1 and words[0] in _TITLES:
                name.person = True
            head = _head(words)
            if head is not None:
                name.nouns.add(head)
                name.thing = name.thing or head in BROADER or head in NOUN_KINDS
            if re.search(f"{OPEN}E{index}{SHUT},? who\\b", text):
                name.person = True
            if re.search(f"{OPEN}E{index}{SHUT},? which\\b", text):
                name.thing = True
        for match in _PLACED.finditer(text):  # "in Milan", "near Dundee": a place
            self.name(mentions[int(match.group(1))].text).thing = True
        for match in _TITLED.finditer(text):
            self.name(mentions[int(match.group(1))].text).person = True
        for match in _INTRODUCED.finditer(text):
            noun = match.group("noun")
            if not noun.endswith("ed") and noun not in _NOT_NOUNS:  # "was named Sue": none
                self.describe(mentions[int(match.group("name"))].text, [noun])
        for match in _DESCRIPTION.finditer(text):
            index = match.group(1) or match.group(2)
            end = not re.match(r" [\w-]", text[match.end() :])  # the words end a clause
            self.describe(mentions[int(index)].text, _nouns(match.group("words"), end))

    def describe(self, text: str, nouns: Iterable[str]) -> None:
        name = self.name(text)
        for noun in nouns:
            noun = singular(noun)
            if _ROLE.match(noun) or noun in _PEOPLE:
                name.person = True
            elif noun not in _NOT_KINDS:
                name.nouns.add(noun)
                name.thing = True

    def name(self, text: str) -> _Name:
        if text not in self.known:
            self.known[text] = _Name()
        return self.known[text]

    def remember(self, text: str, mentions: list[Mention]) -> None:
        """Keep the names in the order last named, and the last clause's subject."""
        for index in map(int, re.findall(f"{OPEN}E(\\d+){SHUT}", text)):
            name = mentions[index].text
            if name in self.order:
                self.order.remove(name)
            self.order = [*self.order[-_REMEMBERED + 1 :], name]
            self.read_in[name] = self.count
        clauses = list(_SUBJECT.finditer(text))
        after = clauses[-1].start() if clauses else 0
        self.subject = self._names(clauses[-1], mentions) if clauses else None
        self.people_since = set()
        if self.topic is None and self.subject:
            self.topic = self.subject[0]
        for name in self._referring(text[after:], mentions):
            if self.may_be_person(name) and name not in (self.subject or ()):
                self.people_since.add(name)
        self.people_last = {n for n in self._referring(text, mentions) if self.is_person(n)}

    @staticmethod
    def _referring(text: str, mentions: list[Mention]) -> list[str]:
        """The names of a part of a sentence that name someone or something there."""
        skipped = {int(m.group(1) or m.group(2)) for m in _NOT_REFERRING.finditer(text)}
        found = map(int, re.findall(f"{OPEN}E(\\d+){SHUT}", text))
        return [mentions[i].text for i in found if i not in skipped]

    @staticmethod
    def _names(clause: re.Match[str], mentions: list[Mention]) -> tuple[str, ...]:
        if clause.group("np") is not None:
            return ()
        indices = [int(clause.group(1))]
        if clause.group("more"):
            indices += [int(i) for i in re.findall(f"{OPEN}E(\\d+){SHUT}", clause.group("more"))]
        return tuple(mentions[i].text for i in indices)


def _written(text: str, found: list, mentions: list[Mention]) -> str:
    """The text with each span found written as its names' placeholders (new mentions)."""
    parts, position = [], 0
    for start, end, names in found:
        parts.append(text[position:start])
        placeholders = []
        if names[0] == "in honour of":
            parts.append("in honour of ")
            names = names[1:]
        for name in names:
            placeholders.append(f"{OPEN}E{len(mentions)}{SHUT}")
            mentions.append(Mention("E", name))
        parts.append(" and ".join(placeholders))
        position = end
    parts.append(text[position:])
    return "".join(parts)


def _head(words: list[str]) -> str | None:
    """The noun a name's head is ("Northern Lighthouse Board": board; "Field Museum of
    Natural History": museum), if the name has more than one word."""
    if len(words) < 2:
        return None  # "Sue": no noun in it
    for i, word in enumerate(words[1:], 1):
        if word in ("of", "for"):
            words = words[:i]
            break
    head = words[-1].strip(".,")  # "University of Leiden": university
    return head.lower() if head.isalpha() else None


def _nouns(words: str, end: bool) -> list[str]:
    """The nouns of a description: the word before its first break ("the first spacecraft
    to orbit a comet": spacecraft), and before it the words joined by "and" ("a shipping
    and logistics company and one of the largest carriers in": shipping, company,
    carrier); the last word only if the description ends there (`end`)."""
    found = []
    parts = words.split()
    for i, word in enumerate(parts):
        after = parts[i + 1] if i + 1 < len(parts) else None
        if after is None and not end:
            break
        if (after is None or after in _BREAK) and word.isalpha() and word.islower():
            if word not in _BREAK and word not in _NOT_KINDS:
                found.append(word)
            if after not in ("and", "or") and word not in _NOT_KINDS:
                break  # the noun phrase ends here: what follows says more
    return found


def resolved(text: str, names: Iterable[str] = ()) -> list[str]:
    """Each sentence of a text with its referring words written as names (for tests and
    for reading what the resolution does)."""
    matcher = NameMatcher(list(names))
    referents = Referents()
    found = []
    for block in blocks(text):
        if block.heading:
            referents.heading(abstract(block.text, matcher))
            continue
        sentence = referents.read(abstract(block.text, matcher))
        found.append(sentence.restore(sentence.text))
    return found
