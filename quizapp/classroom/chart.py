"""The score distribution of an assignment as a server-rendered SVG bar chart (pygal).

Served as its own image/svg+xml response (under a CSP that allows nothing but its
inline style) and shown in an <img>; the page has the same numbers in a table.
"""

from __future__ import annotations

import re

from pygal.style import Style

from quizapp.charts import pygal

_SCRIPT = re.compile(rb"<script\b.*?</script>", re.S)
_STYLE_OPTIONS = dict(
    background="transparent",
    plot_background="transparent",
    foreground="#3d4555",
    foreground_strong="#1c2230",
    foreground_subtle="#c5cad3",
    colors=("#4c6ef5",),
    font_family="system-ui, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=13,
    title_font_size=16,
)
# An <img> SVG follows the page's colour scheme in current browsers.
_DARK_CSS = (
    "inline:@media (prefers-color-scheme: dark) {"
    " text { fill: #e8ebf1 !important; }"
    " .axis .line, .axis .major.line { stroke: #a7b0c0 !important; }"
    " .axis .guide.line { stroke: #343b48 !important; }"
    "}"
)


def distribution_chart(bands: list[tuple[str, int]]) -> bytes:
    """Render how many students scored in each band of ten points.

    Args:
        bands: (band label, number of students), lowest band first.

    Returns:
        A standalone SVG document without scripts.
    """
    most = max((n for _, n in bands), default=0)
    chart = pygal.Bar(
        js=[],
        css=["file://style.css", "file://graph.css", _DARK_CSS],
        style=Style(**_STYLE_OPTIONS),
        title="Scores (%)",
        show_legend=False,
        print_values=True,
        print_zeroes=False,
        x_title="Score (%)",
        y_title="Students",
        x_label_rotation=30,
        # Whole students on the axis, never "0.5".
        y_labels=list(range(0, max(most, 1) + 1, max(1, -(-most // 5)))),
        range=(0, max(most, 1)),
        width=640,
        height=340,
        disable_xml_declaration=False,
    )
    chart.x_labels = [label for label, _ in bands]
    chart.add("Students", [n for _, n in bands])
    # pygal always writes a <script> of its config; an image never runs it, and the
    # chart's own CSP forbids it anyway, so it is dropped rather than shipped.
    return _SCRIPT.sub(b"", chart.render())
