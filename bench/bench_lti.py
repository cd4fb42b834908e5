"""LTI 1.3: what a launch and a grade send cost, against the loopback test platform.

Registers the test platform of tests/lti/platform.py (its own RSA key, JWKS, token,
NRPS and AGS endpoints on 127.0.0.1), deep-links an assignment, then times:

- a learner's launch: OIDC login initiation, the id_token validated (signature against
  the cached JWKS, audience, nonce, deployment), account and membership, the entry
  ticket redeemed: `LAUNCHES` learners, each new;
- the same learners launching again (accounts exist);
- a grade send: a submission queued and its score posted (a token request and the
  score POST over HTTP), `LAUNCHES` of them.

Prints the median and 90th percentile in milliseconds, and how often the platform's
JWKS was fetched. SQLite in a temporary folder; about half a minute.

Run: python bench/bench_lti.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.conftest import IsolatedClient, base_config, migrate_to_head
from tests.factories import load_software_deck, take
from tests.lti.conftest import deep_link, launch, register, return_to_platform
from tests.lti.platform import INSTRUCTOR, LEARNER, TestPlatform

LAUNCHES = 40


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def report(label: str, times: list[float]) -> None:
    times = sorted(times)
    p90 = times[int(0.9 * (len(times) - 1))]
    print(
        f"{label:<34} median {statistics.median(times):6.1f} ms  p90 {p90:6.1f} ms  n={len(times)}"
    )


def main() -> int:
    from quizapp import create_app
    from quizapp.extensions import db
    from quizapp.models import QuizAttempt, User, utcnow

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.sqlite"
        migrate_to_head(url)
        app = create_app(base_config(url))
        app.test_client_class = IsolatedClient  # each request in its own app context
        platform = TestPlatform("canvas").start()
        try:
            with app.app_context():
                deck = load_software_deck()
                client = app.test_client()
                register(client, platform)
                teacher = platform.add_person("teacher", "Ada Rivera", INSTRUCTOR)
                return_to_platform(deep_link(client, platform, teacher, deck))
                (link,) = platform.links.values()
                learners = [
                    platform.add_person(f"learner-{n}", f"Learner {n}", LEARNER)
                    for n in range(LAUNCHES)
                ]

                def enter(person):
                    browser = app.test_client()
                    response = launch(browser, platform, person, link=link)
                    assert response.status_code == 303, response.status_code
                    entered = browser.get(urlsplit(response.headers["Location"]).path)
                    assert entered.status_code == 303
                    return browser

                browsers = {}
                first = [timed(lambda p=p: browsers.__setitem__(p.sub, enter(p))) for p in learners]
                again = [timed(lambda p=p: enter(p)) for p in learners]

                sends = []
                for person in learners:
                    page = (
                        f"/classes/{_class_id(db)}/assignments/{link.custom['quizapp_assignment']}"
                    )
                    started = browsers[person.sub].post(page + "/start")
                    assert started.status_code == 303, (started.status_code, page)
                    attempt = db.session.scalar(
                        db.select(QuizAttempt).order_by(QuizAttempt.id.desc()).limit(1)
                    )
                    user = db.session.get(User, attempt.user_id)
                    take(user, attempt.id, ["right"] * 4, start=utcnow())
                    # The last answer finishes the attempt: queue + send happen in it.
                    sends.append(
                        timed(lambda u=user, a=attempt: take(u, a.id, ["right"], start=utcnow()))
                    )
                assert len(platform.received.scores) == LAUNCHES
        finally:
            platform.stop()
    report("launch, first time (new account)", first)
    report("launch again", again)
    report("last answer + grade send", sends)
    print(f"JWKS fetched {platform.received.jwks_fetches} times for {2 * LAUNCHES + 1} launches")
    print(f"service tokens requested: {len(platform.received.tokens)}")
    return 0


def _class_id(db) -> int:
    from quizapp.models import LtiCourse

    return db.session.scalar(db.select(LtiCourse.class_id))


if __name__ == "__main__":
    sys.exit(main())
