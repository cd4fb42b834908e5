"""The live game and a class browsing pages on one server at the same time (issue 21).

Used by `bench_pages.py --with-live N`: one game of N players (bench_live's players:
they join by PIN, poll with ETags, answer at a random moment, 5% send their answer
twice) is played alone, then again while CLIENTS logged-in learners load the home
page, the 2,000-fact deck page, the study review, the statistics and the scores in
turn, as fast as the server answers them. Printed: the game's answers sent, stored,
lost and refused late, and its answer p50/p99, both times; and the pages' p50/p99
and requests per second while the game ran. The live game's goal is that its answer
p99 stays as it was alone.
"""

from __future__ import annotations

import asyncio
import resource
import threading
import time
from collections.abc import Callable

from bench_live import budget_s, count_stored, percentile, play_game

MIX = [
    "/",
    "/decks/facts-2000",
    "/study/review?deck=facts-2000",
    "/study/stats?deck=facts-2000",
    "/scores/",
]


def _game(port: int, url: str, players: int, questions: int, seconds: int, seed: int) -> dict:
    budget = budget_s(questions, seconds)
    figures = asyncio.run(play_game(port, players, questions, seconds, seed, budget))
    stored, duplicates, _, answered = count_stored(url, figures.game_id)
    return {
        "sent": figures.sent,
        "stored": stored,
        "duplicates": duplicates,
        "lost": len(figures.acked - answered),
        "refused": figures.refused,
        "errors": figures.errors,
        "p50": percentile(figures.answer_ms, 50),
        "p99": percentile(figures.answer_ms, 99),
        "played": figures.played,
    }


def _browse(
    make_client: Callable, port: int, cookie: str, stop: threading.Event, out: list[float]
) -> None:
    client = make_client(port, cookie)
    mine = []
    n = 0
    while not stop.is_set():
        started = time.perf_counter()
        client.get(MIX[n % len(MIX)])
        mine.append((time.perf_counter() - started) * 1000)
        n += 1
    out.extend(mine)


def _game_line(label: str, game: dict, questions: int) -> str:
    return (
        f"| {label} | {game['sent']:,} / {game['stored']:,} / {game['lost']} / "
        f"{game['refused']:,} ({game['played']} of {questions} questions, "
        f"{game['errors']} errors) | {game['p50']:.0f} ms | {game['p99']:.0f} ms |"
    )


def run_together(
    port: int,
    url: str,
    make_client: Callable,
    cookie: str,
    clients: int,
    players: int,
    questions: int = 5,
    seconds: int = 5,
) -> list[str]:
    """The lines to print: the game alone, then with `clients` browsing (see the module)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 16_384)), hard))
    alone = _game(port, url, players, questions, seconds, seed=1)
    stop, latencies = threading.Event(), []
    browsers = [
        threading.Thread(target=_browse, args=(make_client, port, cookie, stop, latencies))
        for _ in range(clients)
    ]
    started = time.monotonic()
    for thread in browsers:
        thread.start()
    try:
        together = _game(port, url, players, questions, seconds, seed=2)
    finally:
        stop.set()
        for thread in browsers:
            thread.join()
    elapsed = time.monotonic() - started
    return [
        f"\nlive game of {players:,} players ({questions} questions of {seconds} s), alone and "
        f"while {clients} clients load {', '.join(MIX)} in turn:",
        "| game | answers sent / stored / lost / refused late | answer p50 | answer p99 |",
        "|---|---|---|---|",
        _game_line("alone", alone, questions),
        _game_line(f"with {clients} clients browsing", together, questions),
        f"pages during the game: {len(latencies):,} requests ({len(latencies) / elapsed:.0f}/s),"
        f" p50 {percentile(latencies, 50):.0f} ms, p99 {percentile(latencies, 99):.0f} ms",
    ]
