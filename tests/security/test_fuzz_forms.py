"""Hostile input to every form and JSON endpoint: never a 500, a refusal changes nothing.

The POST addresses and their fields are discovered, not listed: every route of
`app.url_map` that takes POST is fuzzed, with the fields of the forms found on the
app's own pages (crawled as the owner of the world's objects) and of the valid
form in tests/security/rules.py. URL parameters name objects the actor owns, so
the requests get past access control and reach validation.

Hypothesis draws each field as missing, valid, or hostile (overlong, control
characters, NUL, right-to-left marks, emoji, numbers far out of range, several
values for one field, a file of random bytes), sometimes as a JSON body instead of
a form. The answer must be below 500; a 4xx must leave every table unchanged; a
2xx/3xx (the input happened to be valid) must leave pages that show it working,
with the texts stored as sent. GET routes get random query strings the same way.
"""

from __future__ import annotations

import io
import json
import os
import re
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from quizapp import create_app
from quizapp.extensions import db
from tests.security.forms import FILE, page_forms
from tests.security.rules import RULES, Rule
from tests.security.world import ANON, SA, SB, TA, TB, Target, World, changed_tables, snapshot

# Examples per route: enough to hit each kind of hostile value, small enough that the
# module runs in well under a minute.
EXAMPLES = 10
QUERY_EXAMPLES = 5
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same examples on every run: a failure always reproduces
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)

HOSTILE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\t\r\n",
    "\x1b[31m\x07\x08",
    "\u202eevil",
    "\ufeff",
    "😀" * 50,
    "x" * 100_000,
    "-1",
    "0",
    "-99999999999999999999999",
    "99999999999999999999999",
    str(2**31),  # over PostgreSQL's integer
    str(2**63),  # over SQLite's integer
    "²",  # a digit to str.isdigit(), not to int()
    "١٢",  # Arabic-Indic digits: int() reads them
    "1e308",
    "NaN",
    "inf",
    "true",
    "null",
    "[]",
    "{}",
    "' OR 1=1 --",
    "../../../etc/passwd",
    "<script>alert(1)</script>",
    "{subject}{value}{0}{__class__}",
    "%s%n%x",
]

texts = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats().map(str),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)
file_names = st.sampled_from(["deck.toml", "t.csv", "x.apkg", "", "../../x", "a\x00.toml"])

# Fields whose accepted text is stored as sent (after trimming spaces).
STORED_AS_SENT = {"title", "description", "name", "label", "evidence", "display_name"}


def _app_for_collection():
    return create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", "TESTING": True})


URL_RULES = sorted(_app_for_collection().url_map.iter_rules(), key=lambda r: r.rule)
# Routes that end something (delete, finish, leave...) go last, so the others still find
# the objects they fuzz.
ENDING = ("delete", "finish", "remove", "leave", "end", "logout")
POST_ENDPOINTS = sorted(
    {r.endpoint for r in URL_RULES if "POST" in r.methods},
    key=lambda e: (any(word in e.split(".")[-1] for word in ENDING), e),
)
GET_ENDPOINTS = sorted(
    {r.endpoint for r in URL_RULES if "GET" in r.methods and r.endpoint != "static"}
)

OWNER_ORDER = (TA, SA, TB, SB)
# Set to a file name to see which statuses the examples got (is validation reached?).
LOG = os.environ.get("QUIZAPP_FUZZ_LOG")


def pick(world: World, rule: Rule) -> tuple[str, Target | None]:
    """The actor and object for a route: an object the actor may use."""
    if rule.on is None:
        if rule.access == "public":
            return ANON, None
        return TA, None
    targets = world.targets[rule.on]
    allowed = "owners" if rule.access == "owners" else "readers"
    for actor in OWNER_ORDER:
        for target in targets:
            if actor in getattr(target, allowed):
                return actor, target
    raise AssertionError(f"no actor may use any object of {rule.on}")


def url_of(world: World, endpoint: str, method: str) -> tuple[str, str, Target | None]:
    rule = RULES[endpoint]
    actor, target = pick(world, rule)
    url_rule = next(r for r in world.app.url_map.iter_rules(endpoint) if method in r.methods)
    values = {**rule.values, **(target.values if target else {})}
    values = {k: v for k, v in values.items() if k in url_rule.arguments}
    url = world.app.url_map.bind("localhost").build(endpoint, values)
    if rule.query is not None:
        url += "?" + urlencode(rule.query(target))
    return actor, url, target


@pytest.fixture(scope="module")
def discovered(shared_world) -> dict[tuple[str, str], dict[str, list[str]]]:
    """Every form of every page (GET routes, as the user who owns the objects)."""
    world = shared_world
    forms: dict[tuple[str, str], dict[str, list[str]]] = {}
    for endpoint in GET_ENDPOINTS:
        actor, url, _ = url_of(world, endpoint, "GET")
        response = world.clients[actor].get(url)
        if response.mimetype == "text/html":
            for action, fields in page_forms(url, response.get_data(as_text=True)).items():
                merged = forms.setdefault(action, {})
                for name, values in fields.items():
                    merged.setdefault(name, []).extend(values)
    return forms


def field_strategy(values: list[str]):
    if FILE in values:
        return st.one_of(st.just(FILE), st.tuples(st.binary(max_size=3000), file_names))
    valid = [v for v in values if v]
    options = [texts, st.lists(texts, min_size=2, max_size=3)]
    if valid:
        options.insert(0, st.sampled_from(valid))
    return st.one_of(*options)


def valid_values(fields: dict[str, list[str]], valid: dict[str, Any]) -> dict[str, Any]:
    """The rule's valid form, or else the form as the page fills it in."""
    if valid:
        return {name: FILE if isinstance(v, tuple) else v for name, v in valid.items()}
    return {name: next((v for v in values if v), "") for name, values in fields.items()}


def form_strategy(fields: dict[str, list[str]], base: dict[str, Any]):
    """Either a valid form with one field made hostile (or left out), or a random one."""
    extra = st.dictionaries(st.text(min_size=1, max_size=8), texts, max_size=2)
    random_form = st.fixed_dictionaries(
        {}, optional={n: field_strategy(v) for n, v in fields.items()}
    )
    if not fields:
        return st.tuples(st.just("form"), random_form, extra)

    def spoil(name: str):
        return st.one_of(st.none(), field_strategy(fields[name])).map(
            lambda value: {
                **{k: v for k, v in base.items() if k != name},
                **({} if value is None else {name: value}),
            }
        )

    one_bad = st.sampled_from(sorted(fields)).flatmap(spoil)
    return st.tuples(st.just("form"), st.one_of(one_bad, random_form), extra)


# Not an object, an object with nested values, the valid form as JSON.
JSON_BODIES = [[1, "two"], {"title": {"nested": [None, 1.5]}}]


def encode(fields: dict[str, Any], valid_form: dict[str, Any]) -> dict[str, Any]:
    """Turn drawn values into test-client form data (fresh file objects every time)."""
    data: dict[str, Any] = {}
    for name, value in fields.items():
        if value == FILE:
            value = valid_form.get(name) or (b"", "empty.txt")
            if isinstance(value[0], io.BytesIO):
                value = (value[0].getvalue(), value[1])
        if isinstance(value, tuple):
            value = (io.BytesIO(value[0]), value[1])
        data[name] = value
    return data


def stored_text() -> str:
    """Every value of every table, as the database holds it (JSON columns as text)."""
    connection = db.session.connection()
    parts = []
    for table in db.metadata.sorted_tables:
        for row in connection.exec_driver_sql(f'SELECT * FROM "{table.name}"'):
            parts.extend(str(v) for v in row)
    db.session.rollback()
    return "\n".join(parts)


def check_accepted(world: World, actor: str, url: str, response, sent: dict[str, Any]) -> None:
    """A request that was accepted left pages that work and stored its texts as sent."""
    client = world.clients[actor]
    location = response.headers.get("Location")
    if location and location.startswith("/"):
        follow = client.get(location)
        assert follow.status_code < 500, f"{location} after the request: {follow.status_code}"
    text = None
    for name, value in sent.items():
        if name in STORED_AS_SENT and isinstance(value, str) and value.strip():
            text = text if text is not None else stored_text()
            wanted = value.strip()
            escaped = json.dumps(wanted)[1:-1]
            assert wanted in text or escaped in text, f"{name}={wanted!r} was not stored as sent"


def fuzz_once(world: World, actor: str, url: str, method: str, body, valid_form=None) -> None:
    kind, fields, extra = body
    valid_form = valid_form or {}
    client = world.clients[actor] if actor != ANON else world.app.test_client()
    # The state after the previous request is the state before this one.
    before = world.ids.get("snapshot") or snapshot()
    if kind == "json":
        response = client.open(
            url, method=method, data=json.dumps(fields), content_type="application/json"
        )
        assert response.status_code == 415, f"JSON to a form: {response.status_code}"
        sent = {}  # form views refuse JSON: nothing of it is stored
    else:
        data = {**extra, **encode(fields, valid_form)}
        if method == "GET":
            path, _, query = url.partition("?")
            data = {**dict(parse_qsl(query)), **data}
            response = client.open(path, method=method, query_string=data)
        else:
            response = client.open(url, method=method, data=data)
        sent = {k: v for k, v in fields.items() if isinstance(v, str)}
    status = response.status_code
    if LOG:
        with open(LOG, "a", encoding="utf-8") as log:
            print(method, url, status, kind, file=log)
    body_text = response.get_data(as_text=True) if response.mimetype.startswith("text/") else ""
    response.close()
    assert status < 500, f"{method} {url} answered {status}:\n{body_text[:2000]}"
    after = snapshot()
    changed = changed_tables(before, after)
    if status >= 400:
        assert not changed, f"{method} {url} was refused ({status}) but changed {changed}"
    elif changed and method != "GET":
        check_accepted(world, actor, url, response, sent)
        after = snapshot()  # the pages it visited may have served a quiz question
    if world.relogin(actor):  # a new log-in row: not the request's doing
        after = snapshot()
    world.ids["snapshot"] = after


@pytest.mark.parametrize("endpoint", POST_ENDPOINTS)
def test_hostile_form_posts(shared_world, discovered, endpoint):
    world = shared_world
    actor, url, target = url_of(world, endpoint, "POST")
    rule = RULES[endpoint]
    valid = rule.form(target) if rule.form else {}
    fields = {name: list(values) for name, values in discovered.get(("POST", url), {}).items()}
    for name, value in valid.items():
        fields.setdefault(name, []).append(FILE if isinstance(value, tuple) else str(value))

    base = valid_values(fields, valid)
    for body in [*JSON_BODIES, {k: v for k, v in base.items() if v != FILE}]:
        fuzz_once(world, actor, url, "POST", ("json", body, {}), valid)

    @FUZZ
    @example(body=("form", base, {}))
    @given(body=form_strategy(fields, base))
    def run(body):
        fuzz_once(world, actor, url, "POST", body, valid)

    run()


@pytest.mark.parametrize("endpoint", GET_ENDPOINTS)
def test_hostile_query_strings(shared_world, discovered, endpoint):
    world = shared_world
    actor, url, _ = url_of(world, endpoint, "GET")
    path, _, query = url.partition("?")
    fields = {name: list(values) for name, values in discovered.get(("GET", path), {}).items()}
    for name, value in parse_qsl(query):  # the query the route is called with, too
        fields.setdefault(name, []).append(value)

    @settings(FUZZ, max_examples=QUERY_EXAMPLES)
    @given(
        body=st.tuples(
            st.just("form"),
            st.fixed_dictionaries(
                {}, optional={n: field_strategy(v) for n, v in fields.items() if FILE not in v}
            ),
            st.dictionaries(st.text(min_size=1, max_size=8), texts, max_size=3),
        )
    )
    def run(body):
        fuzz_once(world, actor, url, "GET", body)

    run()


# --- URL parameters ---------------------------------------------------------------------------

URL_HOSTILE = {
    "int": ["0", str(2**31 - 1), str(2**31), str(2**63), "9" * 30],
    "str": ["x" * 300, "ü", "..", "a b", "'", "<script>", "\u202e", "%00", "-", "A"],
}
PLACEHOLDER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
PARAM_RULES = sorted(
    ((r.endpoint, r.rule) for r in URL_RULES if r.arguments and r.endpoint != "static"),
)


def fill(rule_text: str, values: dict[str, Any], hostile: tuple[str, str] | None) -> str:
    def one(match):
        name = match.group(2)
        if hostile and hostile[0] == name:
            return quote(hostile[1], safe="")
        return quote(str(values[name]), safe="")

    return PLACEHOLDER.sub(one, rule_text)


@pytest.mark.parametrize(("endpoint", "rule_text"), PARAM_RULES)
def test_hostile_url_parameters(shared_world, endpoint, rule_text):
    """Each URL parameter replaced by hostile values: 404 or another 4xx, never a 500."""
    world = shared_world
    rule = RULES[endpoint]
    actor, target = pick(world, rule)
    url_rule = next(r for r in world.app.url_map.iter_rules(endpoint) if r.rule == rule_text)
    values = {**rule.values, **(target.values if target else {})}
    method = "GET" if "GET" in url_rule.methods else "POST"
    valid = rule.form(target) if rule.form and method == "POST" else {}
    for match in PLACEHOLDER.finditer(rule_text):
        converter, name = match.group(1) or "str", match.group(2)
        for value in URL_HOSTILE["int" if converter == "int" else "str"]:
            url = fill(rule_text, values, (name, value))
            if rule.query is not None:
                url += "?" + urlencode(rule.query(target))
            fields = {k: FILE if isinstance(v, tuple) else v for k, v in valid.items()}
            fuzz_once(world, actor, url, method, ("form", fields, {}), valid)


# --- headers and cookies ----------------------------------------------------------------------

HOSTILE_HEADERS = [
    {"X-Live-Key": "clé-ü"},  # non-ASCII: hmac.compare_digest raised TypeError
    {"X-Live-Key": "x" * 10_000},
    {"Accept": "application/json;q=2, */*;q=nan"},
    {"Accept-Language": "\u202e" * 200},
    {"If-None-Match": '"' + "a" * 5_000},
    {"If-Modified-Since": "not a date"},
    {"Range": "bytes=9999999999999999999-"},
    {"Content-Type": "multipart/form-data; boundary="},
    {"X-Forwarded-For": "1.2.3.4, " * 500},
    {"Referer": "javascript:alert(1)"},
]
HOSTILE_COOKIES = [
    {"session": "not-a-signed-session"},
    {"session": "." + "A" * 4_000},
    {"remember_token": "1|" + "f" * 128},
    {"remember_token": "ü"},
    {"quizapp_live": "x:y:z"},
    {"quizapp_live": "1:" + "9" * 40},
]
HEADER_ENDPOINTS = sorted(
    e for e in GET_ENDPOINTS if e.startswith(("main.", "study.", "live.", "decks.", "quiz."))
)


@pytest.mark.parametrize("endpoint", HEADER_ENDPOINTS)
def test_hostile_headers_and_cookies(shared_world, endpoint):
    """Every page and the live answer fast path, with hostile headers and cookies."""
    world = shared_world
    actor, url, _ = url_of(world, endpoint, "GET")
    client = world.clients[actor] if actor != ANON else world.app.test_client()
    for headers in HOSTILE_HEADERS:
        for method in ("GET", "POST"):
            response = client.open(url, method=method, headers=headers)
            assert response.status_code < 500, (method, url, headers, response.status_code)
            response.close()
    for cookies in HOSTILE_COOKIES:
        fresh = world.app.test_client()
        for name, value in cookies.items():
            fresh.set_cookie(name, value)
        response = fresh.get(url)
        assert response.status_code < 500, (url, cookies, response.status_code)
        response.close()


def test_the_live_answer_fast_path_refuses_a_non_ascii_key(shared_world):
    # The anonymous player's client holds a rejoin cookie, so the key is compared.
    client = shared_world.clients[ANON]
    path = next(key[1] for key in client._cookies if key[2] == "live_player")
    response = client.post(f"{path}/answer", headers={"X-Live-Key": "clé"}, data={"position": 0})
    assert 400 <= response.status_code < 500
