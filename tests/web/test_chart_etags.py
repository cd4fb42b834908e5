"""Charts carry their data version as an ETag: unchanged data is a 304 without a body."""

from __future__ import annotations

import pytest

from tests.web.test_study import DECK, question_form, rate_form, start


@pytest.fixture
def app_config(app_config):
    return {**app_config, "STUDY_FUZZING": False}


@pytest.fixture
def learner(client, login, make_user, builtin_decks):
    user = make_user()
    login(client, user)
    start(client)
    return user


def review(client, rating="3"):
    fields, _ = question_form(client)
    page = client.post("/study/check", data={**fields, "reveal": "1"}).get_data(as_text=True)
    assert client.post("/study/rate", data={**rate_form(page), "rating": rating}).status_code == 303


def conditional_get(client, url, etag):
    return client.get(url, headers={"If-None-Match": f'"{etag}"'})


@pytest.mark.parametrize("name", ["retention", "forecast", "states"])
def test_a_study_chart_is_304_until_its_data_changes(client, learner, name):
    url = f"/study/stats/{name}.svg?deck={DECK}"
    first = client.get(url)
    assert first.status_code == 200 and b"<svg" in first.data
    etag, _weak = first.get_etag()
    assert etag and first.headers["Cache-Control"] == "private, no-cache"

    again = conditional_get(client, url, etag)
    assert again.status_code == 304 and again.data == b""
    assert again.get_etag()[0] == etag
    assert conditional_get(client, url, "something-else").status_code == 200

    # The other scope draws other numbers once there is a review (states: at once).
    review(client)
    changed = conditional_get(client, url, etag)
    if name == "retention":  # a first review of a new fact is not a mature review
        assert changed.status_code == 304
    else:
        assert changed.status_code == 200 and changed.get_etag()[0] != etag


def test_each_scope_and_chart_has_its_own_version(client, learner):
    review(client)
    etags = {
        client.get(f"/study/stats/{name}.svg{scope}").get_etag()[0]
        for name in ("forecast", "states")
        for scope in ("", "?deck=chinese-ai-startups")
    }
    assert len(etags) == 4


def test_the_scores_chart_is_304_when_unchanged(client, learner):
    first = client.get("/scores/chart.svg")
    etag = first.get_etag()[0]
    assert first.status_code == 200 and etag
    assert conditional_get(client, "/scores/chart.svg", etag).status_code == 304
