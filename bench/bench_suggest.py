"""How well fact suggestion finds what a person would write down, and how fast.

For each article with a hand-made reference deck, runs `domain.suggest` on the
text with no deck (names unknown, as for a new deck) and prints:

- recall: reference statements found (one per value of a fact: same subject,
  relation and value; subjects and entity values by name or alias, text by its
  words or an alias, dates and figures exactly);
- recall within reach: the same over the statements whose relation has a preset
  (what patterns can find at all);
- precision: suggestions that are right, that is that match the reference or that a
  reader judged stated by the text (bench/suggest_judgements.toml, kept in the
  repo; a suggestion not judged there counts as wrong and is printed).

The seed article (the reference is questions/chinese_ai_startups.toml, written
by hand long before the extractor) is also run with the deck's names known, as
"Add from text" on that deck would. The articles of tests/fixtures/articles were
written for this benchmark by the extractor's author, so each line says how the
text relates to the patterns (`HISTORY`): only "held out" texts were never looked
at while a rule was written; the others' first figures are in their reference files.

The fifth round (the `suggest` helper; /work/notes/suggest.md and HISTORY give every
text's figures): on the texts it studied, recall within reach rose (airline 0.50 -> 1.00,
insulin_maker 0.50 -> 0.85, museum 0.00 -> 0.80, streaming 0.40 -> 0.73) with precision
0.78-1.00; on unseen text it did not. helium, basketball_league and film_studio (written
before the round) read no better at its end; each later batch of two texts was written
after the last rule change and measured once: recall 0.04-0.24, within reach 0.11-0.55,
precision 0.50-1.00 (see HISTORY), while the rules written from each batch's misses
lifted that batch (bridge 0.33 -> 0.83 within reach, cycle_race 0.22 -> 0.89). The goal
of recall >= 0.6 and precision >= 0.8 on unseen text is not met.

The sixth round (the `suggest2` helper; /work/notes/suggest2.md) added general presets
(opened, construction_began, completed, designer, named_after, height, length, area,
cost, visitors, heritage_site, author, owner, acquired_by, employees, award): the
relations the missed facts of the studied references used most. On the 30 studied
texts mean recall rose 0.39 -> 0.44 (within reach 0.73 -> 0.73 over a larger reach;
precision 0.96 -> 0.95, every text >= 0.80). On three texts written before any of it
(lighthouse, polio_vaccine, dinosaur; HISTORY) nothing changed: 13 of 126 statements
found at both ends; the presets put 35 of them within reach, but their subjects are
noun phrases ("the tower", "the fossil", "The first effective vaccine") and pronouns the
extractor does not resolve. Two more texts written after the round's last change
(railway, cathedral) read 0.08 / 0.18 / 0.50 and 0.18 / 0.50 / 0.83. The summary lines
print the means over held-out texts and over the others.

The seventh round (the `suggest3` helper; /work/notes/suggest3.md) resolved noun phrases and
pronouns before the patterns run (`domain.suggest.referents`: "the tower" is the lighthouse,
"she" the person named before, when the kind agrees; unsure, nothing), working on the five
held-out texts above, now studied. At its first end (207e383) they read 0.11 / 0.35 / 0.78
-> 0.14 / 0.45 / 0.85, the other 30 texts 0.44 / 0.73 / 0.95 at both ends, and three texts
written before the round (chess_player, shipping_company, orchestra), run once, 0.08 /
0.29 / 0.82 - what the round's start code reads on them too: no gain on unseen text.
Their misses were then read and the round went on (names with an en dash or dotted
initials, a description's own noun, "she" never the man "he" was, role nouns, "built
between 1807 and 1810", "based in" after "is"), ending at 4372193 with: the five 0.18 /
0.57 / 0.90, the three 0.14 / 0.51 / 0.91, the others 0.45 / 0.75 / 0.95; two texts
written after the first figures and before those rules (painter, brewery), run once at
the end, read 0.14 / 0.38 / 0.91 (the start code: 0.12 / 0.34 / 0.92). The goal (recall
>= 0.6, precision >= 0.8 on unseen text) is not met: unseen recall is 0.05-0.23.

Last, the time per KB on texts of 50, 100 and 200 KB (the cap): it should be linear.

Run: python bench/bench_suggest.py [--hide-held-out] [--skip-fresh] [--no-timing]
"""

from __future__ import annotations

import re
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from quizapp.domain.facts import Deck, EntityRef, TextValue, load_deck  # noqa: E402
from quizapp.domain.facts.presets import PRESETS  # noqa: E402
from quizapp.domain.suggest import Suggestion, suggest  # noqa: E402

SEED = Path("/work/shared/seed")
ARTICLES = ROOT / "tests" / "fixtures" / "articles"
JUDGEMENTS = Path(__file__).resolve().parent / "suggest_judgements.toml"

# The reference deck of the seed article names some relations its own way; these are
# the presets that state the same thing ("member" is stated from the group's side).
SEED_EQUIVALENTS = {
    "backer": {"investor"},
    "revenue_2024": {"revenue"},
    "background": {"role", "former_role"},
}
SEED_REVERSED = {"member": "member_of"}
HISTORY = {
    "seed (Chinese AI startups)": "rules added after its first measure: 0.40 / 0.76 / 0.98",
    "batteries": "written before the extractor",
    "discoveries": "written before the extractor",
    "fintechs": "written after; rules added after its first measure: 0.24 / 0.35 / 0.86",
    "capitals": "written after; rules added after its first measure: 0.21 / 0.33 / 1.00",
    "messaging": "held out until the recall branch (first measure 0.23 / 0.29 / 0.88); "
    "the recall rules were then written from its misses",
    "language_models": "held out until the recall branch (first measure 0.60 / 0.64 / 0.90); "
    "the recall rules were then written from its misses",
    # Written by another author (the `recall` helper) before it changed any rule; first
    # measure R / reach / P, the honest figures on unseen text:
    # After the recall rules written from the other texts (commit 2 and 3 of that branch):
    # band 0.00 / 0.00 / 0.00, insulin_maker 0.19 / 0.25 / 1.00, rosetta 0.00 / 0.00 / 0.33.
    "band": "unseen: written before the recall rules; first measure 0.00 / 0.00 / 0.00",
    "insulin_maker": "unseen: written before the recall rules; first measure 0.15 / 0.20 / 1.00",
    "rosetta": "unseen: written before the recall rules; first measure 0.00 / 0.00 / 0.33",
    # The recall helper's second round of rules was written from the misses of band,
    # insulin_maker and rosetta (no longer unseen then). A second batch, written after
    # that round and measured once, gives the unseen figures after two rounds:
    "football_club": "unseen: written after the second round; first measure 0.08 / 0.20 / 0.67",
    "game_maker": "unseen: written after the second round; first measure 0.19 / 0.31 / 0.83",
    "prague": "unseen: written after the second round; first measure 0.12 / 0.43 / 0.75",
    # A third round of rules came from batch 2's misses; a third batch, written after it:
    "carmaker": "unseen: written after the third round; first measure 0.27 / 0.44 / 1.00",
    "national_park": "unseen: written after the third round; first measure 0.05 / 0.14 / 1.00",
    "university": "unseen: written after the third round; first measure 0.23 / 0.42 / 0.75",
    # A fourth round of rules came from batch 3's misses; a fourth batch, written after it:
    "airline": "unseen: written after the fourth round; first measure 0.21 / 0.50 / 1.00",
    "museum": "unseen: written after the fourth round; first measure 0.00 / 0.00 / 0.00",
    "streaming": "unseen: written after the fourth round; first measure 0.29 / 0.40 / 0.67",
    # The suggest helper (fifth round) wrote three texts in new domains and their references
    # before changing any rule, measured them once, and looked at them again only at the end:
    "helium": "held out: written before the fifth round; first measure 0.22 / 0.53 / 0.92",
    "basketball_league": "held out: written before the fifth round; "
    "first measure 0.19 / 0.43 / 1.00",
    "film_studio": "held out: written before the fifth round; first measure 0.12 / 0.23 / 1.00",
    # At the end of the fifth round (commit 1a18600) the three measured 0.20 / 0.47 / 0.83,
    # 0.17 / 0.38 / 0.82 and 0.15 / 0.27 / 0.70: no better than before, three rules
    # misfiring. Those misfires were then seen and undone, so the three are no longer
    # unseen; two more texts, written after the last rule change and measured once:
    "publisher": "unseen: written after the fifth round; first measure 0.19 / 0.43 / 0.77",
    "river": "unseen: written after the fifth round; first measure 0.17 / 0.50 / 0.75",
    # A sixth batch of rules came from the misses of publisher and river (no longer
    # unseen then); two more texts, written after it and measured once:
    "bridge": "unseen: written after the sixth batch; first measure 0.08 / 0.33 / 0.67",
    "cycle_race": "unseen: written after the sixth batch; first measure 0.08 / 0.22 / 0.50",
    # A seventh batch came from the misses of bridge and cycle_race; two more, after it:
    "toy_maker": "unseen: written after the seventh batch; first measure 0.24 / 0.55 / 0.75",
    "opera_house": "unseen: written after the seventh batch; first measure 0.10 / 0.50 / 1.00",
    # An eighth batch ("the company" is what the heading names) came from the misses of
    # toy_maker and the older texts; the last two texts, written after it:
    "coffee_chain": "unseen: written after the eighth batch; first measure 0.24 / 0.40 / 0.86",
    "mountain": "unseen: written after the eighth batch; first measure 0.04 / 0.11 / 1.00",
    # The suggest2 helper (sixth round) wrote three texts in new domains and their
    # references before changing any rule, measured them once (summary lines only; their
    # misses and suggestions unread) and again only at the end of its round:
    # Figures: recall / within reach / precision at the start (commit cacf081) -> at the
    # end; within reach at the start counts the start's presets (against the end's, the
    # same facts found out of more: 0.25, 0.29, 0.54 at both ends).
    # The seventh round's resolution of "the tower" and "she" was then written from these
    # five (no longer unseen since); the last figure is at that round's first end (207e383;
    # at its end, 4372193: lighthouse 0.22 / 0.57 / 1.00, dinosaur 0.16 / 0.75 / 1.00,
    # railway 0.12 / 0.27 / 0.75, cathedral 0.25 / 0.70 / 0.88, polio_vaccine unchanged).
    "lighthouse": "held out: written before the sixth round; 0.11 / 0.57 / 0.83 at its start "
    "-> 0.11 / 0.29 / 1.00 at its end; studied in the seventh: 0.17 / 0.43 / 1.00",
    "polio_vaccine": "held out: written before the sixth round; 0.13 / 0.54 / 0.89 at its start "
    "-> 0.13 / 0.54 / 0.89 at its end; studied in the seventh: 0.13 / 0.54 / 0.89",
    "dinosaur": "held out: written before the sixth round; 0.05 / 0.40 / 1.00 at its start "
    "-> 0.05 / 0.25 / 0.67 at its end; studied in the seventh: 0.11 / 0.50 / 1.00",
    # Two more, written after the round's last rule change (ec1b32b), measured once:
    "railway": "held out: written after the sixth round; first measure 0.08 / 0.18 / 0.50; "
    "studied in the seventh: 0.08 / 0.18 / 0.50",
    "cathedral": "held out: written after the sixth round; first measure 0.18 / 0.50 / 0.83; "
    "studied in the seventh: 0.21 / 0.60 / 0.86",
    # The suggest3 helper (seventh round) wrote three texts in new domains and their
    # references before changing any rule, and did not run the extractor on them until the
    # end of its round:
    # Measured once, at the round's first end (207e383); the round's start code (ed36bed)
    # reads the same figures on them. Their misses were read then (at the round's end,
    # 4372193: chess_player 0.08 / 0.44 / 0.80, shipping_company 0.16 / 0.38 / 0.92,
    # orchestra 0.19 / 0.69 / 1.00).
    "chess_player": "held out, written before the seventh round; first measure 0.06 / 0.33 / 0.75",
    "shipping_company": "held out, written before the seventh round; first measure "
    "0.10 / 0.23 / 0.70",
    "orchestra": "held out, written before the seventh round; first measure 0.09 / 0.31 / 1.00",
    # Two more, written by the same helper after those figures were taken (3f2f13a) and
    # before any later rule change, run only once at the end:
    "painter": "held out, written after the seventh round's figures; first measure (4372193) "
    "0.05 / 0.25 / 1.00 (0.05 / 0.25 / 1.00 with the round's start code)",
    "brewery": "held out, written after the seventh round's figures; first measure (4372193) "
    "0.23 / 0.50 / 0.81 (0.19 / 0.42 / 0.83 with the round's start code)",
}
# Texts held out from the sixth round (read while the seventh's rules were written; their
# summary line is kept apart so the rounds compare): with --hide-held-out only their
# summary lines are printed, as for FRESH.
HELD_OUT = ("lighthouse", "polio_vaccine", "dinosaur", "railway", "cathedral")
# Texts written before the seventh round and run only at its end: the unseen ones now.
FRESH = ("chess_player", "shipping_company", "orchestra")
# Written after FRESH was measured, before any later rule change; run once at the end
# (--skip-fresh leaves them out, as it did FRESH until they were measured).
LATER = ("painter", "brewery")


@dataclass(frozen=True)
class Case:
    name: str
    text: Path
    reference: Path
    equivalents: dict
    reversed: dict


def cases() -> list[Case]:
    found = []
    seed = sorted(SEED.glob("*.txt"))
    if seed:
        found.append(
            Case(
                "seed (Chinese AI startups)",
                seed[0],
                ROOT / "questions" / "chinese_ai_startups.toml",
                SEED_EQUIVALENTS,
                SEED_REVERSED,
            )
        )
    for text in sorted(ARTICLES.glob("*.txt")):
        found.append(Case(text.stem, text, text.with_suffix(".toml"), {}, {}))
    return found


def words(text: str) -> str:
    text = " ".join(text.casefold().replace("’", "'").split()).strip(" .,;:\"'")
    return re.sub(r"^(?:the|a|an) ", "", text)


def names(deck: Deck, key: str) -> set[str]:
    entity = deck.entities[key]
    return {words(n) for n in (entity.name, *entity.aliases)}


def statements(deck: Deck, case: Case) -> list[tuple[str, str, object]]:
    """(relation, subject key, value) of every value of every reference fact."""
    found = []
    for fact in deck.facts:
        for value in fact.values:
            if fact.relation in case.reversed and isinstance(value, EntityRef):
                found.append((case.reversed[fact.relation], value.key, EntityRef(fact.subject, "")))
            else:
                found.append((fact.relation, fact.subject, value))
    return found


def matches(deck: Deck, case: Case, statement, suggestion: Suggestion) -> bool:
    relation, subject, value = statement
    if suggestion.relation not in {relation, *case.equivalents.get(relation, ())}:
        return False
    if words(suggestion.subject) not in names(deck, subject):
        return False
    if isinstance(value, EntityRef):
        return isinstance(suggestion.value, str) and words(suggestion.value) in names(
            deck, value.key
        )
    if isinstance(value, TextValue):
        wanted = {words(t) for t in (value.text, *value.aliases)}
        return words(suggestion.value_text) in wanted
    return not isinstance(suggestion.value, str) and suggestion.value.identity == value.identity


def in_reach(case: Case, relation: str) -> bool:
    return relation in PRESETS or bool(case.equivalents.get(relation))


def judgements() -> dict[str, dict[str, dict]]:
    if not JUDGEMENTS.exists():
        return {}
    data = tomllib.loads(JUDGEMENTS.read_text(encoding="utf-8"))
    return {
        article: {row["suggestion"]: row for row in rows}
        for article, rows in data.get("judgements", {}).items()
    }


def label(suggestion: Suggestion) -> str:
    return f"{suggestion.relation} | {suggestion.subject} | {suggestion.value_text}"


def measure(case: Case, deck_known: bool, judged: dict) -> dict:
    reference = load_deck(case.reference)
    suggestions = suggest(case.text.read_text(encoding="utf-8"), reference if deck_known else None)
    wanted = statements(reference, case)
    found = [s for s in wanted if any(matches(reference, case, s, g) for g in suggestions)]
    reachable = [s for s in wanted if in_reach(case, s[0])]
    right, unjudged, wrong = 0, [], []
    for suggestion in suggestions:
        if any(matches(reference, case, s, suggestion) for s in wanted):
            right += 1
            continue
        verdict = judged.get(case.text.stem, {}).get(label(suggestion))
        if verdict is None:
            unjudged.append(label(suggestion))
        elif verdict["stated"]:
            right += 1
        else:
            wrong.append(label(suggestion))
    return {
        "statements": len(wanted),
        "found": len(found),
        "reachable": len(reachable),
        "found_reachable": len([s for s in found if in_reach(case, s[0])]),
        "suggestions": len(suggestions),
        "right": right,
        "wrong": wrong,
        "unjudged": unjudged,
        "missed": [
            f"{r} | {subject} | {getattr(v, 'display', v)}"
            for r, subject, v in reachable
            if (r, subject, v) not in found
        ],
    }


def rates(figures: dict) -> tuple[float, float, float]:
    """Recall, recall within reach and precision of one text's figures."""
    return (
        figures["found"] / figures["statements"],
        figures["found_reachable"] / max(1, figures["reachable"]),
        figures["right"] / max(1, figures["suggestions"]),
    )


def summary(label: str, rows: list[dict]) -> None:
    """The mean of each rate over texts (each text weighs the same)."""
    if not rows:
        return
    means = [sum(column) / len(rows) for column in zip(*(rates(r) for r in rows), strict=True)]
    print(
        f"  {label} ({len(rows)} texts): mean recall {means[0]:.2f}, "
        f"within reach {means[1]:.2f}, precision {means[2]:.2f}"
    )


def report(name: str, figures: dict, hide: bool = False) -> None:
    recall, reach, precision = rates(figures)
    print(f"{name} ({HISTORY.get(name, 'new')})")
    print(
        f"{'':4}recall {recall:.2f} ({figures['found']}/{figures['statements']}), "
        f"within reach {reach:.2f} ({figures['found_reachable']}/{figures['reachable']}), "
        f"precision {precision:.2f} ({figures['right']}/{figures['suggestions']})"
    )
    if hide:
        unjudged = len(figures["unjudged"])
        print(f"    (held out: details hidden; {unjudged} not judged, counted wrong)")
        return
    for line in figures["missed"]:
        print(f"    missed: {line}")
    for line in figures["wrong"]:
        print(f"    judged wrong: {line}")
    for line in figures["unjudged"]:
        print(f"    NOT JUDGED (counted wrong): {line}")


def timing(text: str) -> None:
    for size in (50_000, 100_000, 200_000):
        data = (text * (size // len(text.encode()) + 1)).encode()[: size - 1000]
        sample = data.decode(errors="ignore")
        sample = sample[: sample.rfind(".") + 1]
        seconds = float("inf")
        for _ in range(3):  # the best of three: the machine is shared
            started = time.perf_counter()
            count = len(suggest(sample))
            seconds = min(seconds, time.perf_counter() - started)
        print(
            f"  {len(sample.encode()) / 1000:6.0f} KB: {seconds:6.2f} s, "
            f"{seconds * 1000 / (len(sample) / 1000):5.1f} ms per KB, {count} suggestions"
        )


def main() -> int:
    judged = judgements()
    print("Fact suggestion against hand-made reference decks (names unknown: a new deck)")
    all_cases = cases()
    hide = "--hide-held-out" in sys.argv
    if "--skip-fresh" in sys.argv:
        all_cases = [case for case in all_cases if case.name not in LATER]
    groups: dict[tuple, list] = {HELD_OUT: [], FRESH: [], LATER: [], (): []}
    for case in all_cases:
        figures = measure(case, False, judged)
        report(case.name, figures, hide and case.name in (*HELD_OUT, *FRESH, *LATER))
        groups[next((g for g in groups if case.name in g), ())].append(figures)
    print("Summary (names unknown)")
    summary("held out from the sixth round (read in the seventh)", groups[HELD_OUT])
    summary("held out from the seventh round (read after it)", groups[FRESH])
    summary("written after the seventh round's figures (unseen)", groups[LATER])
    others = groups[()]
    summary("the others", others)
    if all_cases and all_cases[0].name.startswith("seed"):
        print("With the deck's names known (Add from text on the reference deck itself)")
        report(all_cases[0].name, measure(all_cases[0], True, judged))
    if "--no-timing" in sys.argv:
        return 0
    print("Time (the seed's text repeated; the cap is 200 KB)")
    timing(all_cases[0].text.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
