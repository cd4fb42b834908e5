"""Under gevent workers, pages are rendered in real threads: a slow one holds up no one.

gevent runs a worker's requests as greenlets that take turns only when one waits on
the network: a page that keeps the CPU for 80 ms (a gradebook, the statistics of a
big collection) makes every other request of its worker wait those 80 ms, and with
twenty of them queued the tail reaches seconds (bench/bench_pages.py: p99 20 to 100
times the median). gthread workers share the CPU fairly, as threads switch every few
milliseconds, but measured with bench/bench_live.py they answered the live game's
2,000 players with three times gevent's p99 (docs/live.md).

So the gevent worker keeps the live game on its event loop, exactly as before, and
hands every other GET or HEAD request, whole, to the hub's pool of native threads:
the app runs there from routing to the last byte of the body, and the greenlet that
accepted it waits (cooperatively) for the result. The live game's polls and answers
and every request with a body (forms, uploads; their body is read from the gevent
socket, which belongs to the loop's thread) stay on the loop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

# The live game (host pages and player pages): measured on the event loop.
LOOP_PATHS = ("/play", "/live/")
OFFLOADED_METHODS = frozenset({"GET", "HEAD"})


def offloaded(environ: dict) -> bool:
    """Whether this request runs in the thread pool rather than on the event loop."""
    return environ.get("REQUEST_METHOD") in OFFLOADED_METHODS and not environ.get(
        "PATH_INFO", ""
    ).startswith(LOOP_PATHS)


class ThreadedPages:
    """WSGI middleware for gevent workers: `offloaded` requests run in a native thread.

    Args:
        app: The WSGI app.
        threads: Native threads per worker (requests rendered at the same time).
    """

    def __init__(self, app: Callable, threads: int) -> None:
        self.app = app
        self.threads = threads
        self._pool = None

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if not offloaded(environ):
            return self.app(environ, start_response)
        return self.pool().apply(self._whole, (environ, start_response))

    def pool(self):
        # Made on first use, in the worker: after the fork and gevent's patching.
        if self._pool is None:
            from gevent.threadpool import ThreadPool

            self._pool = ThreadPool(self.threads)
        return self._pool

    def _whole(self, environ: dict, start_response: Callable) -> list[bytes]:
        """The whole response, body included, made in this thread."""
        body = self.app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
