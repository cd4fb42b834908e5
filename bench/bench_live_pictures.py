"""What a live question's picture costs the server, next to a player's changed state.

In one process on a fresh SQLite database (migrated, through Flask's test client, so
no network): a private deck whose facts have pictures, a game of it with N players
joined, its first question asked; then every player fetches their new state (the
fast path, `live/fastpath.py`) and the question's picture (through Flask:
`/play/<id>/pictures/<position>`), three rounds each. Printed: p50/p99 per request
and the time N players' pictures take per question (one process, in all).

Run: python bench/bench_live_pictures.py [--players 200] [--size 320x200]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from quizapp import create_app
from quizapp.domain import images
from quizapp.domain.facts import parse_deck
from quizapp.extensions import db
from quizapp.models import User
from quizapp.services import live as live_service
from quizapp.services import user_decks
from tests.conftest import base_config, migrate_to_head
from tests.pictures import png

COUNTRIES = [("France", "Paris"), ("Italy", "Rome"), ("Spain", "Madrid"), ("Peru", "Lima")]


def deck_data(names: list[str]) -> dict:
    lines = [
        '[deck]\nkey = "pictures"\ntitle = "Pictures"\nsource = "https://example.com/p"',
        'as_of = "2025"\nlanguage = "en"\n',
        '[relations.capital]\nlabel = "capitals"\nsubject = "place"\nvalue = "place"',
        'forward = "What is the capital of {subject}?"',
        'reverse = "{value} is the capital of which country?"',
        'statement = "The capital of {subject} is {value}."\n',
    ]
    for country, city in COUNTRIES:
        for name in (country, city):
            lines.append(f'[entities.{name.lower()}]\nname = "{name}"\ntype = "place"\n')
    for (country, city), name in zip(COUNTRIES, names, strict=True):
        lines.append(
            f'[[facts]]\nkey = "{country.lower()}"\nsubject = "{country.lower()}"\n'
            f'relation = "capital"\nvalue = "{city.lower()}"\n'
            f'evidence = "The capital of {country} is {city}."\nimage = "{name}"\n'
        )
    return parse_deck("\n".join(lines)).to_dict()


def timed(clients, path: str, rounds: int = 3) -> list[float]:
    times = []
    for _ in range(rounds):
        for client in clients:
            start = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200, (path, response.status_code)
    return sorted(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--players", type=int, default=200)
    parser.add_argument("--size", default="320x200")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    folder = Path(tempfile.mkdtemp(prefix="bench-pictures-"))
    url = f"sqlite:///{folder / 'bench.sqlite'}"
    migrate_to_head(url)
    app = create_app(base_config(url))
    with app.app_context():
        teacher = User(
            email="host@example.com", display_name="Host", role="teacher", password_hash="-"
        )
        db.session.add(teacher)
        db.session.commit()
        pictures = [images.accept(png(width, height, (40 * i, 90, 160))) for i in range(4)]
        deck = user_decks.create_deck(
            teacher, deck_data([p.name for p in pictures]), visibility="private"
        )
        user_decks.change_deck(teacher, deck.key, lambda d: d, "Pictures", images=pictures)
        game = live_service.create_game(
            teacher, deck.key, kinds=["multiple_choice"], question_count=2, seconds=60
        )
        clients = []
        for i in range(args.players):
            client = app.test_client()
            joined = client.post("/play", data={"pin": game.pin, "nickname": f"p{i}"})
            assert joined.status_code == 302
            clients.append(client)
        live_service.advance(teacher, game.id, game.version)
        game_id = game.id
    print(f"{args.players} players, a {width}x{height} PNG of {len(pictures[0].data)} bytes")
    for label, path in (
        ("changed state (fast path)", f"/play/{game_id}/state"),
        ("picture (Flask)", f"/play/{game_id}/pictures/0"),
    ):
        times = timed(clients, path)
        p50, p99 = times[len(times) // 2], times[int(len(times) * 0.99)]
        print(f"  {label}: p50 {p50 * 1000:.2f} ms, p99 {p99 * 1000:.2f} ms")
    total = sum(times) / 3
    print(f"  pictures of one question for {args.players} players: {total:.2f} s in all")


if __name__ == "__main__":
    main()
