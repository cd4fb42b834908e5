"""Statistics charts as standalone SVG documents, drawn by pygal.

Each chart is served as its own image/svg+xml response and shown with <img>,
so pygal's inline <style> lives in a document of its own, under a CSP of its
own, and the page keeps its strict one. No JavaScript: `js=[]` and the
config <script> pygal still writes is removed (an <img> would not run it anyway).

Dark mode: backgrounds are transparent and every colour is a mid-tone that reads
on the light and on the dark page background alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from quizapp.charts import chart_style, data_version, pygal, render_svg
from quizapp.domain.scheduling import workload as workload_domain
from quizapp.domain.scheduling.workload import Workload
from quizapp.services.study_stats import CHART_PARTS, ChartNumbers, Stats

MUTED = "#7f8794"  # about 3.5:1 on white and 5:1 on the dark background
STYLE = chart_style(
    foreground=MUTED,
    foreground_strong=MUTED,
    foreground_subtle="rgba(127, 135, 148, 0.35)",
    opacity="0.9",
    opacity_hover="1",
    colors=("#5b7cfa", "#2fa86b", "#e0884a", "#c0568a", "#3aa7b8"),
    legend_font_size=13,
)


def _config(**options) -> dict:
    return {
        "style": STYLE,
        "js": [],
        "width": 640,
        "height": 300,
        "explicit_size": False,
        "show_legend": False,
        "margin": 12,
        "print_values": False,
        "x_label_rotation": 0,
        "truncate_label": -1,
        **options,
    }


def _every(labels: list[str], step: int) -> list[str]:
    return [label if i % step == 0 else "" for i, label in enumerate(labels)]


def retention_chart(stats: ChartNumbers) -> bytes:
    chart = pygal.Line(
        **_config(
            title="True retention, last 30 days (%)",
            range=(0, 100),
            include_x_axis=True,
            allow_interruptions=True,
            dots_size=3,
        )
    )
    labels = [d.day.strftime("%d %b") for d in stats.retention]
    chart.x_labels = _every(labels, 7)
    chart.add("Mature reviews answered right", [d.percent for d in stats.retention])
    return render_svg(chart)


def forecast_chart(stats: ChartNumbers) -> bytes:
    chart = pygal.Bar(**_config(title="Due in the next 30 days"))
    labels = [d.day.strftime("%d %b") for d in stats.forecast]
    labels[0] = "Today"
    chart.x_labels = _every(labels, 7)
    chart.add("Facts due", [d.count for d in stats.forecast])
    return render_svg(chart)


def states_chart(stats: ChartNumbers) -> bytes:
    chart = pygal.HorizontalBar(**_config(title="Facts by state", height=240, show_legend=True))
    for state, count in stats.states.items():
        chart.add(state.title(), count)
    return render_svg(chart)


def workload_chart(workloads: tuple[Workload, ...], chosen: float) -> bytes:
    """Reviews per week over the next year at a few retentions (and the chosen one and
    the cheapest one per fact remembered, which the legend marks)."""
    chart = pygal.Line(
        **_config(
            title="Reviews per day over the next year (weekly average)",
            show_legend=True,
            legend_at_bottom=True,
            truncate_legend=-1,
            height=340,
            show_dots=False,
            include_x_axis=True,
        )
    )
    cheapest = workload_domain.best(workloads)
    shown = set(workload_domain.CHART_RETENTIONS) | {round(chosen, 2)}
    if cheapest is not None:
        shown.add(cheapest.retention)
    weeks = len(workloads[0].reviews_per_day) // 7 if workloads else 0
    chart.x_labels = _every([f"week {n + 1}" for n in range(weeks)], 13)
    for w in workloads:
        if w.retention not in shown:
            continue
        label = f"{w.retention:.2f}"
        if cheapest is not None and w.retention == cheapest.retention:
            label += " least work"
        if w.retention == round(chosen, 2):
            label += " yours"
        per_week = [round(sum(w.reviews_per_day[7 * n : 7 * n + 7]) / 7, 1) for n in range(weeks)]
        wide = cheapest is not None and w.retention == cheapest.retention
        chart.add(label, per_week, stroke_style={"width": 4} if wide else None)
    return render_svg(chart)


CHARTS: dict[str, tuple[Callable[[ChartNumbers], bytes], str]] = {
    "retention": (retention_chart, "True retention over the last 30 days"),
    "forecast": (forecast_chart, "Facts due in each of the next 30 days"),
    "states": (states_chart, "Number of facts in each state: new, learning, review, relearning"),
}

# What each chart draws: its data version (ETag) is a digest of this.
CHART_DATA: dict[str, Callable[[ChartNumbers], object]] = {
    "retention": lambda stats: stats.retention,
    "forecast": lambda stats: stats.forecast,
    "states": lambda stats: stats.states,
}


assert tuple(CHARTS) == tuple(CHART_DATA) == CHART_PARTS  # a chart reads its part alone


def chart_version(name: str, stats: ChartNumbers) -> str:
    """The ETag of chart `name` for these statistics."""
    return data_version(CHARTS[name][0], CHART_DATA[name](stats))


@dataclass(frozen=True)
class HeatCell:
    """A day of the reviews-per-day calendar (attributes, not dict keys: the template
    reads each six times, and Jinja tries an attribute before a key)."""

    day: date
    count: int
    level: int  # 0-4, for the colour
    column: int  # the week
    row: int  # the weekday, Monday on top


def heatmap_cells(stats: Stats) -> list[HeatCell]:
    """Cells of the reviews-per-day calendar: one column a week, Monday on top."""
    days = stats.reviews_per_day
    top = max((d.count for d in days), default=0)
    first_weekday = days[0].day.weekday()
    cells = []
    for index, d in enumerate(days):
        position = index + first_weekday
        level = 0 if d.count == 0 or top == 0 else min(4, 1 + (4 * d.count - 1) // top)
        cells.append(HeatCell(d.day, d.count, level, position // 7, position % 7))
    return cells
