"""Starting `quizapp serve` for a benchmark: a free loopback port, and waiting for it."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(port: int, server: subprocess.Popen, log: Path, seconds: float = 30) -> None:
    """Return once the server accepts connections (and its workers had a second to boot)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"the server did not start; see {log}") from None
            time.sleep(0.2)
    time.sleep(1.0)  # let every worker boot
