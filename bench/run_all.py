"""Run every benchmark in bench/ (files named bench_*.py), one after another.

Each benchmark is a standalone script that prints its own figures; this runner
only finds them, runs them with this interpreter, and fails if one fails.
Pass names to run a subset: `python bench/run_all.py generate export`.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if argv:
        scripts = [s for s in scripts if any(name in s.stem for name in argv)]
    failed = []
    for script in scripts:
        print(f"\n=== {script.name} ===", flush=True)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, str(script)], cwd=HERE.parent, check=False)
        print(
            f"--- {script.name}: exit {result.returncode} in {time.perf_counter() - started:.1f} s"
        )
        if result.returncode:
            failed.append(script.name)
    if failed:
        print("failed:", ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
