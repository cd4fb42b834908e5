"""Access control, proven route by route: every endpoint, every actor, everyone's objects.

`tests/security/rules.py` gives each endpoint its rule; `tests/security/world.py`
builds two students and two teachers with objects marked by unique words. Every
route is requested by every actor (and by an anonymous visitor) with the ids of
every user's objects. A request the rule allows must work; any other must be a
redirect to the log-in page, a 403 or a 404 -- never a 500, never another user's
data (their marker words), and never a change to the database. No GET changes the
database either, except the columns listed in `rules.GET_WRITES`, for their reasons.
"""

from __future__ import annotations

from typing import Any

from tests.security.matrix import Call, plan
from tests.security.rules import GET_WRITES, RULES
from tests.security.world import ANON, World, build_world, snapshot

TEXT_TYPES = ("text/", "application/json", "image/svg+xml", "application/toml")


def endpoints(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules()}


def test_every_route_has_an_access_rule(app):
    missing = sorted(endpoints(app) - RULES.keys())
    assert not missing, (
        "These routes have no access rule in tests/security/rules.py; classify them "
        f"(public / login / teacher / readers / owners): {missing}"
    )
    # Rules may wait for a blueprint that is not merged yet (classrooms).
    known = {e for e in RULES if "." not in e or e.split(".")[0] in app.blueprints}
    stale = sorted(known - endpoints(app))
    assert not stale, f"Rules for routes that no longer exist: {stale}"


def to_login(response) -> bool:
    return response.status_code in (301, 302, 303) and response.headers.get(
        "Location", ""
    ).startswith("/auth/login")


def status_problem(call: Call, response) -> str | None:
    status = response.status_code
    if status >= 500:
        return f"{status}"
    location = response.headers.get("Location", "")
    if not call.allowed:
        refused = status in (403, 404) or (
            call.actor == ANON and (to_login(response) or status == 401)
        )
        if call.rule.refusal_redirect and status in (302, 303):
            refused = refused or location == call.rule.refusal_redirect
        return None if refused else f"{status} {location} but the rule refuses it"
    if status in call.rule.ok:
        return None
    if to_login(response) or status == 403:
        return f"{status} (refused) but the rule allows it"
    if call.rule.refusal_redirect and location == call.rule.refusal_redirect:
        return f"{status} {location} (refused) but the rule allows it"
    if call.method == "GET" and not 200 <= status < 400:
        return f"{status} but the rule allows it"
    return None


def leaked_markers(world: World, call: Call, response) -> list[str]:
    kind = response.mimetype or ""
    texts = [str(response.headers)]
    if kind.startswith(TEXT_TYPES):
        texts.append(response.get_data(as_text=True))
    revealed = set()
    if call.allowed and call.rule.reveals is not None:
        revealed = call.rule.reveals(call.target)
    forbidden = [m for m in world.forbidden_markers(call.actor) if m not in revealed]
    return [m for m in forbidden if any(m in t for t in texts)]


def shown_markers(world: World, response) -> set[str]:
    if not (response.mimetype or "").startswith(TEXT_TYPES):
        return set()
    body = response.get_data(as_text=True)
    return {m for m in world.markers if m in body}


def send(world: World, call: Call):
    client = world.clients[call.actor]
    form: dict[str, Any] | None = None
    if call.method != "GET" and call.rule.form is not None:
        form = call.rule.form(call.target)
    return client.open(call.url, method=call.method, data=form or {})


def compare(before: dict[str, str], after: dict[str, str], call: Call) -> list[str]:
    masked = call.method == "GET" and bool(call.rule.note)
    changed = []
    for name, digest in after.items():
        table = name.removesuffix("~masked")
        if masked and table in GET_WRITES:
            if name.endswith("~masked") and before.get(name) != digest:
                changed.append(table)
        elif not name.endswith("~masked") and before.get(name) != digest:
            changed.append(table)
    return changed


def test_access_matrix(app):
    world = build_world(app)
    calls = plan(app, world)
    failures: list[str] = []
    seen: set[str] = set()
    before = snapshot(GET_WRITES)
    for call in calls:
        if call.allowed and call.method != "GET" and call.rule.skip_allowed_post:
            continue
        response = send(world, call)
        if problem := status_problem(call, response):
            failures.append(f"{call.describe()}: {problem}")
        if leaks := leaked_markers(world, call, response):
            failures.append(f"{call.describe()}: shows {leaks}")
        if call.allowed:
            seen.update(shown_markers(world, response))
        response.close()
        after = snapshot(GET_WRITES)
        must_not_write = call.method == "GET" or not call.allowed
        if must_not_write and (changed := compare(before, after, call)):
            failures.append(f"{call.describe()}: changed the tables {changed}")
        before = after
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures[:80])
    # The check is only as good as its markers: each must show up on some page its
    # readers may see, or a page that leaked it would go unnoticed.
    assert not set(world.markers) - seen, f"markers never shown: {set(world.markers) - seen}"
