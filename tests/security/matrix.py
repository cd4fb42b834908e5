"""The access matrix's plan: every route x every actor x every object, as calls to make.

Shared by the access-matrix test and the stored-XSS test, which walk the same pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from tests.security.rules import RULES, Rule
from tests.security.world import ACTORS, ANON, Target, World

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@dataclass
class Call:
    endpoint: str
    method: str
    url: str
    actor: str
    target: Target | None
    allowed: bool
    rule: Rule

    def describe(self) -> str:
        what = f" on {self.target.label}" if self.target else ""
        verdict = "allowed" if self.allowed else "denied"
        return f"{self.method} {self.url} as {self.actor}{what} ({verdict})"


def is_allowed(rule: Rule, actor: str, target: Target | None) -> bool:
    if rule.access == "public":
        return True
    if rule.access == "login":
        return actor != ANON
    if rule.access == "teacher":
        return actor.startswith("teacher")
    assert target is not None, f"rule {rule} needs objects (on=...)"
    return actor in (target.readers if rule.access == "readers" else target.owners)


def plan(app, world: World) -> list[Call]:
    adapter = app.url_map.bind("localhost")
    calls: list[Call] = []
    for url_rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        rule = RULES[url_rule.endpoint]
        targets: list[Target | None] = [None]
        if rule.on is not None:
            targets = list(world.targets[rule.on])
        for method in sorted(m for m in url_rule.methods if m in METHODS):
            for target in targets:
                values = {**rule.values, **(target.values if target else {})}
                values = {k: v for k, v in values.items() if k in url_rule.arguments}
                missing = set(url_rule.arguments) - values.keys()
                assert not missing, f"{url_rule.endpoint}: no value for {missing} in its rule"
                url = adapter.build(url_rule.endpoint, values, method=method)
                if rule.query is not None:
                    url += "?" + urlencode(rule.query(target))
                for actor in ACTORS:
                    allowed = is_allowed(rule, actor, target)
                    calls.append(Call(url_rule.endpoint, method, url, actor, target, allowed, rule))
    # Refused requests first, on the world as built; then the allowed reads; the allowed
    # writes last, since they change the world (those that end something at the very end).
    return sorted(calls, key=lambda c: (c.allowed, c.method == "POST", ending(c.endpoint)))


ENDING = ("delete", "finish", "remove", "leave", "end", "logout")


def ending(endpoint: str) -> bool:
    return any(word in endpoint.split(".")[-1] for word in ENDING)
