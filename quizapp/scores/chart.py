"""Score over time as a server-rendered SVG (pygal), readable in light and dark mode.

The SVG is served as its own image response (no scripts: `js=[]`); the page shows it
in an <img> and the same numbers in a table.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import datetime

from pygal.style import Style

from quizapp.charts import pygal

_SCRIPT = re.compile(rb"<script\b.*?</script>", re.S)
# Mid-tone series colours that read on a light and a dark page.
_COLORS = ("#4c6ef5", "#e8590c", "#2f9e44", "#ae3ec9", "#1098ad", "#f08c00")
_STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#3d4555",
    foreground_strong="#1c2230",
    foreground_subtle="#c5cad3",
    colors=_COLORS,
    font_family="system-ui, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=14,
    value_font_size=13,
    title_font_size=16,
)
# An <img> SVG follows the page's colour scheme in current browsers.
_DARK_CSS = (
    "inline:@media (prefers-color-scheme: dark) {"
    " text { fill: #e8ebf1 !important; }"
    " .axis .line, .axis .major.line { stroke: #a7b0c0 !important; }"
    " .axis .guide.line { stroke: #4a5262 !important; }"
    "}"
)


def score_chart(points: list[tuple[datetime, str, float]]) -> bytes:
    """Render score (percent) against time, one line per deck.

    Args:
        points: (finished_at, deck title, percent), oldest first.

    Returns:
        A standalone SVG document.
    """
    chart = pygal.DateTimeLine(
        js=[],
        css=["file://style.css", "file://graph.css", _DARK_CSS],
        style=_STYLE,
        title="Score over time (%)",
        range=(0, 100),
        y_labels=[0, 25, 50, 75, 100],
        x_label_rotation=25,
        x_value_formatter=lambda moment: moment.strftime("%Y-%m-%d"),
        show_legend=True,
        legend_at_bottom=True,
        legend_at_bottom_columns=1,
        stroke_style={"width": 3},
        dots_size=4,
        width=640,
        height=340,
        truncate_legend=40,
        disable_xml_declaration=False,
    )
    # One label per day that has a result (at most eight), not pygal's evenly spaced ticks.
    days = sorted(
        {
            moment.replace(tzinfo=None, hour=0, minute=0, second=0, microsecond=0)
            for moment, _, _ in points
        }
    )
    chart.x_labels = days[:: max(1, -(-len(days) // 8))]
    by_deck: dict[str, list[tuple[datetime, float]]] = defaultdict(list)
    for moment, deck, percent in points:
        # pygal's date axis wants naive datetimes; these are all UTC.
        by_deck[deck].append((moment.replace(tzinfo=None), round(percent, 1)))
    for deck in sorted(by_deck):
        chart.add(deck, by_deck[deck])
    # pygal always writes a <script> of its config; an image never runs it, and the
    # chart's own CSP forbids it anyway, so it is dropped rather than shipped.
    return _SCRIPT.sub(b"", chart.render())
