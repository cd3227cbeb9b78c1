"""Weekly charts as SVG images drawn on the server by pygal: no JavaScript,
nothing inline in the page (served as <img>, each with a data table next to
it for screen readers and for those who prefer numbers)."""

from typing import Any

import pygal
from django.utils.translation import gettext as _
from pygal.style import Style

STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1f2933",
    foreground_strong="#1f2933",
    foreground_subtle="#52606d",
    colors=("#b4232a", "#1f5f8b"),
    font_family="system-ui, sans-serif",
)

CHARTS = {
    "posts": lambda: _("Messages per week"),
    "writers": lambda: _("People who wrote, per week"),
}


def weekly_chart_svg(weekly: list[dict[str, Any]], kind: str) -> bytes:
    chart = pygal.Bar(
        style=STYLE,
        js=[],  # shown as an image: no script
        width=720,
        height=300,
        show_legend=False,
        x_label_rotation=30,
        print_values=False,
        margin=16,
    )
    chart.title = str(CHARTS[kind]())
    chart.x_labels = [row["week"] for row in weekly]
    chart.add(chart.title, [row[kind] for row in weekly])
    svg: bytes = chart.render()
    return svg
