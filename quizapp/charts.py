"""What every server-rendered chart shares: pygal, imported safely, and the SVG response.

Charts are SVG documents of their own, shown with <img>: the page's strict
Content-Security-Policy stays intact, and the chart's own response allows only the
inline <style> that pygal writes (an SVG shown as an image never runs scripts).
"""

from __future__ import annotations

import re
import sys

import pygal
from flask import Response
from pygal.style import Style

# Importing pygal appends an import hook for its map plugins (pygal.maps.*, unused
# here) to sys.meta_path. The hook has no find_spec(), so on Python 3.11 every failed
# import anywhere in the process then raises an ImportWarning. Take it out again.
sys.meta_path[:] = [finder for finder in sys.meta_path if type(finder).__module__ != pygal.__name__]

CHART_CSP = "default-src 'none'; style-src 'unsafe-inline'"

__all__ = ["CHART_CSP", "CHART_CSS", "chart_style", "pygal", "render_svg", "svg_response"]

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
