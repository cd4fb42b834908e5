"""The score distribution of an assignment as a server-rendered SVG bar chart (pygal).

Served as its own image/svg+xml response (under a CSP that allows nothing but its
inline style) and shown in an <img>; the page has the same numbers in a table.
"""

from __future__ import annotations

from quizapp.charts import CHART_CSS, chart_style, pygal, render_svg


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
        css=CHART_CSS,
        style=chart_style(colors=("#4c6ef5",)),
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
    return render_svg(chart)
