"""Join codes can't be guessed faster than the limits, and a class behind one address
can still sign up, log in and join together.

Every request of a test client comes from 127.0.0.1: one school address.
"""

from __future__ import annotations

import re
import uuid
from urllib.parse import quote, unquote

import pytest
import redis

from quizapp.models import ClassMembership
from tests.conftest import PASSWORD, count_rows, running_app

REDIS_URL = "redis://127.0.0.1:6379"


@pytest.fixture
def app_config(app_config):
    app_config.update(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    return app_config


def wrong_code(school_class) -> str:
    return "ACEFGH34" if school_class.join_code != "ACEFGH34" else "ACEFGH36"


# --- guessing join codes ----------------------------------------------------------------------


def test_guessing_join_codes_by_get_is_limited(app, make_user, login, school_class):
    client = app.test_client()
    login(client, make_user())
    guesses = [client.get(f"/classes/join/{wrong_code(school_class)}") for _ in range(21)]
    assert [r.status_code for r in guesses[:20]] == [404] * 20
    assert guesses[20].status_code == 429
    # Once limited, the right code waits too: a guesser can't tell a hit by luck.
    right = client.get(f"/classes/join/{school_class.join_code}")
    assert right.status_code == 429
    assert school_class.name not in right.get_data(as_text=True)


def test_get_and_post_guesses_share_one_counter(app, make_user, login, school_class):
    client = app.test_client()
    login(client, make_user())
    code = wrong_code(school_class)
    statuses = [client.get(f"/classes/join/{code}").status_code for _ in range(10)]
    statuses += [client.post("/classes/join", data={"code": code}).status_code for _ in range(10)]
    assert statuses == [404] * 20
    assert client.post(f"/classes/join/{code}").status_code == 429


def test_a_whole_class_joins_with_the_right_code_from_one_address(
    app, make_user, login, school_class
):
    for _ in range(30):
        client = app.test_client()
        login(client, make_user())
        assert client.get(f"/classes/join/{school_class.join_code}").status_code == 200
        assert client.post(f"/classes/join/{school_class.join_code}").status_code == 302
    assert count_rows(ClassMembership) == 30


@pytest.fixture
def redis_url():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    return REDIS_URL


def test_join_code_guesses_are_counted_across_workers(app_config, redis_url):
    from quizapp.services import accounts
    from quizapp.services import classroom as classroom_service

    # Two app instances stand for two gunicorn workers behind one store. The limiter is
    # one object per process and keeps the first key prefix it saw, so an address of its
    # own keeps this run's counters apart from other runs on the same Redis.
    run = uuid.uuid4()
    address = f"10.{run.bytes[0]}.{run.bytes[1]}.{run.bytes[2] % 250 + 1}"
    app_config.update(RATELIMIT_STORAGE_URI=redis_url, RATELIMIT_KEY_PREFIX=f"test-{run.hex}")
    with running_app(app_config) as first, running_app(app_config) as second:
        teacher = accounts.register("t@example.com", "T", PASSWORD, "teacher")
        code = wrong_code(classroom_service.create_class(teacher, "One"))
        student = accounts.register("s@example.com", "S", PASSWORD)
        clients = []
        for app in (first, second):
            client = app.test_client()
            client.environ_base["REMOTE_ADDR"] = address
            data = {"email": student.email, "password": PASSWORD}
            assert client.post("/auth/login", data=data).status_code == 302
            clients.append(client)
        assert {clients[0].get(f"/classes/join/{code}").status_code for _ in range(12)} == {404}
        assert {clients[1].get(f"/classes/join/{code}").status_code for _ in range(8)} == {404}
        assert clients[1].get(f"/classes/join/{code}").status_code == 429


# --- a class signing up behind one address ----------------------------------------------------


def sign_up_through_the_join_link(app, school_class, n: int):
    link = f"/classes/join/{school_class.join_code}"
    client = app.test_client()
    to_login = client.get(link)
    assert to_login.status_code == 302
    login_page = client.get(to_login.headers["Location"]).get_data(as_text=True)
    register = re.search(r'href="(/auth/register\?next=[^"]+)"', login_page).group(1)
    assert unquote(register.partition("next=")[2]) == link
    data = {
        "email": f"pupil{n}@example.com",
        "display_name": f"Pupil {n}",
        "password": PASSWORD,
        "confirm": PASSWORD,
    }
    response = client.post(register, data=data)
    assert response.status_code == 302, (n, response.status_code)
    assert response.headers["Location"] == link
    assert client.post(link).status_code == 302


def test_thirty_students_behind_one_address_sign_up_through_a_join_link(app, school_class):
    for n in range(30):
        sign_up_through_the_join_link(app, school_class, n)
    assert count_rows(ClassMembership) == 30


def test_sign_ups_without_a_valid_join_link_still_count_against_the_address(app, school_class):
    client = app.test_client()
    link = quote(f"/classes/join/{wrong_code(school_class)}", safe="")
    statuses = []
    for n in range(11):
        data = {"email": f"x{n}@example.com", "display_name": "X", "password": PASSWORD}
        data["confirm"] = PASSWORD
        statuses.append(client.post(f"/auth/register?next={link}", data=data).status_code)
    assert statuses == [302] * 10 + [429]


def test_a_class_logs_in_together_but_wrong_passwords_are_limited_per_address(app, make_user):
    pupils = [make_user() for _ in range(30)]
    for pupil in pupils:
        data = {"email": pupil.email, "password": PASSWORD}
        assert app.test_client().post("/auth/login", data=data).status_code == 302
    client = app.test_client()
    wrong = [
        client.post("/auth/login", data={"email": p.email, "password": "not-it-at-all"})
        for p in pupils[:11]
    ]
    assert [r.status_code for r in wrong] == [401] * 10 + [429]


def test_wrong_passwords_for_one_account_are_limited_from_any_address(app, make_user):
    victim = make_user()

    def attempt(n: int, password: str = "not-it-at-all"):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.{n // 250}.{n % 250 + 1}"
        return client.post(
            "/auth/login", data={"email": victim.email.upper(), "password": password}
        )

    statuses = [attempt(n).status_code for n in range(11)]
    assert statuses == [401] * 10 + [429]
    # The account's own owner waits too until the window passes: the guesser can't tell.
    assert attempt(99, PASSWORD).status_code == 429
