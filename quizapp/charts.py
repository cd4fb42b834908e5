"""What every server-rendered chart shares: pygal, imported safely, and the SVG response.

Charts are SVG documents of their own, shown with <img>: the page's strict
Content-Security-Policy stays intact, and the chart's own response allows only the
inline <style> that pygal writes (an SVG shown as an image never runs scripts).

A chart's ETag is its data version: a digest of the numbers it draws and of the code
that draws them. The browser asks again each time (no-cache) with If-None-Match, and
an unchanged chart costs a 304 instead of a pygal rendering (5 to 10 ms each).
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pygal
from flask import Response, request
from pygal.style import Style

# Importing pygal appends an import hook for its map plugins (pygal.maps.*, unused
# here) to sys.meta_path. The hook has no find_spec(), so on Python 3.11 every failed
# import anywhere in the process then raises an ImportWarning. Take it out again.
sys.meta_path[:] = [finder for finder in sys.meta_path if type(finder).__module__ != pygal.__name__]

CHART_CSP = "default-src 'none'; style-src 'unsafe-inline'"

__all__ = [
    "CHART_CSP",
    "CHART_CSS",
    "chart_response",
    "chart_style",
    "data_version",
    "pygal",
    "render_svg",
    "svg_response",
]

# An <img> SVG follows the page's colour scheme in current browsers: light text and axes
# on a dark page. Backgrounds are transparent and series colours are mid-tones.
CHART_CSS = [
    "file://style.css",
    "file://graph.css",
    "inline:@media (prefers-color-scheme: dark) {"
    " text { fill: #e8ebf1 !important; }"
    " .axis .line, .axis .major.line { stroke: #a7b0c0 !important; }"
    " .axis .guide.line { stroke: #4a5262 !important; }"
    "}",
]
COLORS = ("#4c6ef5", "#e8590c", "#2f9e44", "#ae3ec9", "#1098ad", "#f08c00")
_SCRIPT = re.compile(rb"<script\b.*?</script>", re.DOTALL)


def chart_style(**overrides) -> Style:
    """The house style of every chart; a chart changes only what it must."""
    options = {
        "background": "transparent",
        "plot_background": "transparent",
        "foreground": "#3d4555",
        "foreground_strong": "#1c2230",
        "foreground_subtle": "#c5cad3",
        "colors": COLORS,
        "font_family": "system-ui, sans-serif",
        "label_font_size": 13,
        "major_label_font_size": 13,
        "legend_font_size": 14,
        "value_font_size": 13,
        "title_font_size": 16,
    }
    return Style(**(options | overrides))


def render_svg(chart) -> bytes:
    """The chart as an SVG document without scripts.

    pygal always writes a <script> of its config; an image never runs it, and the chart's
    own CSP forbids it anyway, so it is dropped rather than shipped.
    """
    return _SCRIPT.sub(b"", chart.render())


def svg_response(svg: str | bytes) -> Response:
    """A chart as its own private, uncached image/svg+xml response."""
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = CHART_CSP
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@cache
def _drawing_version(module_name: str) -> bytes:
    """A digest of this module and of the one that draws: new drawing code, new ETags."""
    digest = hashlib.blake2b(digest_size=8)
    for name in (__name__, module_name):
        digest.update(Path(sys.modules[name].__file__).read_bytes())
    return digest.digest()


def data_version(draw: Callable, data: object) -> str:
    """The ETag of what `draw` makes of `data`: the same for the same numbers.

    Args:
        draw: The function that renders the chart.
        data: Everything the chart shows (values whose repr is deterministic: numbers,
            strings, dates, tuples, lists, dicts, frozen dataclasses).
    """
    digest = hashlib.blake2b(_drawing_version(draw.__module__), digest_size=12)
    digest.update(f"{draw.__qualname__}:{data!r}".encode())
    return digest.hexdigest()


def chart_response(draw: Callable[[], bytes], version: str) -> Response:
    """The chart, or 304 Not Modified when the browser already has this version.

    Args:
        draw: Renders the chart; not called for a 304.
        version: Its data version (`data_version`).
    """
    if request.if_none_match.contains(version):
        response = Response(status=304)
        response.headers["Cache-Control"] = "private, no-cache"
    else:
        response = svg_response(draw())
    response.set_etag(version)
    return response
