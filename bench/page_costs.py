"""Each page's CPU alone, in-process: the bench's dataset, Flask's test client.

Builds (or reuses, with --db PATH) the dataset of bench/bench_pages.py in a SQLite file,
logs its users in through the test client and, for each page, prints the CPU time
(time.process_time) of one request, best and median of --repeat, and the page's size.
No server and no other clients: the cost that the 2 cores must pay per request, which
the machine's other work does not inflate as it does wall-clock figures.

Run: python bench/page_costs.py [--db /tmp/pages.sqlite] [--repeat 7] [--only stat]
     [--profile NAME [--profile-filter quizapp/]]  (cProfile one page, top 30)
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_pages import PAGES, PASSWORD, USERS, prepare


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="/tmp/bench-page-costs.sqlite")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--only", default="")
    parser.add_argument("--profile", default="")
    parser.add_argument("--profile-filter", default="", help="only functions whose path has this")
    args = parser.parse_args()
    db_path = Path(args.db)
    url = f"sqlite:///{db_path}"
    ids_file = db_path.with_suffix(".ids")
    if not db_path.exists():
        ids = prepare(url)
        ids_file.write_text(f"{ids['class']} {ids['assignment']}")
    class_id, assignment_id = ids_file.read_text().split()
    ids = {"class": class_id, "assignment": assignment_id}

    from quizapp import create_app

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    clients = {}
    for who, email in USERS.items():
        client = app.test_client()
        response = client.post("/auth/login", data={"email": email, "password": PASSWORD})
        assert response.status_code == 302, (who, response.status_code)
        clients[who] = client
    print("| page | size | CPU best | CPU median |\n|---|---|---|---|")
    for name, who, paths in PAGES:
        if args.only and not any(part in name for part in args.only.split(",")):
            continue
        if args.profile and args.profile not in name:
            continue
        paths = [path.format(**ids) for path in paths]
        client = clients[who]
        client.get(paths[0])  # warm: templates compiled, caches filled
        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            for path in paths:
                client.get(path)
            profile.disable()
            stats = pstats.Stats(profile).sort_stats("cumulative")
            stats.print_stats(args.profile_filter or "", 30)
            continue
        costs = []
        size = 0
        etags: dict[str, str] = {}  # revalidated as a browser (and bench_pages) does
        for _ in range(args.repeat):
            started = time.process_time()
            for path in paths:
                headers = {"If-None-Match": etags[path]} if path in etags else {}
                response = client.get(path, headers=headers)
                assert response.status_code in (200, 304), (path, response.status_code)
                if response.headers.get("ETag"):
                    etags[path] = response.headers["ETag"]
            costs.append(time.process_time() - started)
            size = len(client.get(paths[0]).data)
        print(
            f"| {name} | {size / 1024:.0f} KB | {min(costs) * 1000:.1f} ms"
            f" | {statistics.median(costs) * 1000:.1f} ms |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
