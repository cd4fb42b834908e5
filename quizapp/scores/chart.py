"""Score over time as a server-rendered SVG (pygal), readable in light and dark mode.

The SVG is served as its own image response (no scripts: `js=[]`); the page shows it
in an <img> and the same numbers in a table.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from quizapp.charts import CHART_CSS, chart_style, pygal, render_svg


def score_chart(points: list[tuple[datetime, str, float]]) -> bytes:
    """Render score (percent) against time, one line per deck.

    Args:
        points: (finished_at, deck title, percent), oldest first.

    Returns:
        A standalone SVG document.
    """
    if not points:  # pygal's axes fail without data: an empty chart that says so
        return render_svg(
            pygal.Line(
                js=[],
                css=CHART_CSS,
                style=chart_style(),
                title="Score over time (%)",
                no_data_text="No finished quiz yet",
                width=640,
                height=340,
                disable_xml_declaration=False,
            )
        )
    chart = pygal.DateTimeLine(
        js=[],
        css=CHART_CSS,
        style=chart_style(),
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
    if days:
        chart.x_labels = days[:: max(1, -(-len(days) // 8))]
    by_deck: dict[str, list[tuple[datetime, float]]] = defaultdict(list)
    for moment, deck, percent in points:
        # pygal's date axis wants naive datetimes; these are all UTC.
        by_deck[deck].append((moment.replace(tzinfo=None), round(percent, 1)))
    for deck in sorted(by_deck):
        chart.add(deck, by_deck[deck])
    return render_svg(chart)
