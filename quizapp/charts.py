"""What every server-rendered chart shares: pygal, imported safely, and the SVG response.

Charts are SVG documents of their own, shown with <img>: the page's strict
Content-Security-Policy stays intact, and the chart's own response allows only the
inline <style> that pygal writes (an SVG shown as an image never runs scripts).
"""

from __future__ import annotations

import sys

import pygal
from flask import Response

# Importing pygal appends an import hook for its map plugins (pygal.maps.*, unused
# here) to sys.meta_path. The hook has no find_spec(), so on Python 3.11 every failed
# import anywhere in the process then raises an ImportWarning. Take it out again.
sys.meta_path[:] = [finder for finder in sys.meta_path if type(finder).__module__ != pygal.__name__]

CHART_CSP = "default-src 'none'; style-src 'unsafe-inline'"

__all__ = ["CHART_CSP", "pygal", "svg_response"]


def svg_response(svg: str | bytes) -> Response:
    """A chart as its own private, uncached image/svg+xml response."""
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = CHART_CSP
    response.headers["Cache-Control"] = "private, no-cache"
    return response
