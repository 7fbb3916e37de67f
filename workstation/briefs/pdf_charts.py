"""Bar and pie charts of the brief, drawn with reportlab.graphics (vector, CJK labels)."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from workstation.briefs.model import percent

# Distinct when printed in colour, and still distinguishable in greys on a mono printer.
PALETTE = (
    "#B03A2E",
    "#2E5A88",
    "#D4A017",
    "#3C8D5A",
    "#7D3C98",
    "#6E7B8B",
    "#C0703A",
    "#2A9D8F",
    "#8E6C8A",
    "#A0A0A0",
)
AXIS = colors.HexColor("#666666")
GRID = colors.HexColor("#DDDDDD")
LABEL_SIZE = 8


def color(i: int) -> colors.Color:
    return colors.HexColor(PALETTE[i % len(PALETTE)])


def _legend(
    d: Drawing, names: Sequence[str], x: float, y: float, font: str, *, size: float = 8
) -> None:
    """A one-line legend of coloured swatches, left to right from (x, y)."""
    for i, name in enumerate(names):
        d.add(Rect(x, y - 1, 9, 7, fillColor=color(i), strokeColor=None))
        d.add(String(x + 12, y, name, fontName=font, fontSize=size, fillColor=AXIS))
        x += 12 + stringWidth(name, font, size) + 14


def _nice_max(value: int) -> tuple[int, int]:
    """An axis maximum above `value` with room for the labels, and a round step."""
    top = max(value, 1) * 1.15
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10_000):
        if top / step <= 6:
            return int(-(-top // step) * step), step
    step = 10 ** (len(str(int(top))) - 1)
    return int(-(-top // step) * step), step


def bar_chart(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    *,
    width: float,
    height: float,
    font: str,
) -> Drawing | None:
    """Vertical bars, one group per category and one bar per series, values on the bars."""
    if not categories or not any(any(values) for _, values in series):
        return None
    d = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 36, 30
    chart.width, chart.height = width - chart.x - 8, height - chart.y - 24
    chart.data = [list(values) for _, values in series]
    chart.categoryAxis.categoryNames = list(categories)
    axis = chart.categoryAxis
    axis.labels.fontName, axis.labels.fontSize = font, LABEL_SIZE
    axis.labels.boxAnchor = "n"
    axis.strokeColor = AXIS
    slot = chart.width / max(len(categories), 1)
    if max(stringWidth(c, font, LABEL_SIZE) for c in categories) > slot - 4:
        axis.labels.angle, axis.labels.boxAnchor = 25, "ne"
    top, step = _nice_max(max(max(values) for _, values in series))
    value_axis = chart.valueAxis
    value_axis.valueMin, value_axis.valueMax, value_axis.valueStep = 0, top, step
    value_axis.labels.fontName, value_axis.labels.fontSize = font, LABEL_SIZE - 1
    value_axis.strokeColor = AXIS
    value_axis.visibleGrid, value_axis.gridStrokeColor = True, GRID
    for i in range(len(series)):
        chart.bars[i].fillColor = color(i)
        chart.bars[i].strokeColor = None
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName, chart.barLabels.fontSize = font, LABEL_SIZE - 1
    chart.barLabels.boxAnchor, chart.barLabels.dy = "s", 1
    chart.groupSpacing, chart.barSpacing = 8, 1
    d.add(chart)
    if len(series) > 1:
        _legend(d, [name for name, _ in series], chart.x, height - 10, font)
    return d


def hbar_chart(
    categories: Sequence[str], values: Sequence[int], *, width: float, font: str
) -> Drawing | None:
    """Horizontal bars, first category on top: for long category names."""
    if not categories or not any(values):
        return None
    label_width = max(stringWidth(c, font, LABEL_SIZE) for c in categories) + 14
    row = 17
    height = row * len(categories) + 30
    d = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = label_width, 18
    chart.width, chart.height = width - label_width - 30, height - 26
    chart.data = [list(values)]
    axis = chart.categoryAxis
    axis.categoryNames = list(categories)
    axis.reverseDirection = True
    axis.labels.fontName, axis.labels.fontSize = font, LABEL_SIZE
    axis.labels.boxAnchor, axis.labels.dx = "e", -4
    axis.strokeColor = AXIS
    top, step = _nice_max(max(values))
    value_axis = chart.valueAxis
    value_axis.valueMin, value_axis.valueMax, value_axis.valueStep = 0, top, step
    value_axis.labels.fontName, value_axis.labels.fontSize = font, LABEL_SIZE - 1
    value_axis.strokeColor = AXIS
    value_axis.visibleGrid, value_axis.gridStrokeColor = True, GRID
    chart.bars[0].fillColor, chart.bars[0].strokeColor = color(0), None
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName, chart.barLabels.fontSize = font, LABEL_SIZE - 1
    chart.barLabels.boxAnchor, chart.barLabels.dx = "w", 2
    d.add(chart)
    return d


def pie_chart(
    items: Sequence[tuple[str, int, float | None]], *, width: float, height: float, font: str
) -> Drawing | None:
    """A pie of (label, count, share) with a legend beside it giving count and share."""
    shown = [(label, n, share) for label, n, share in items if n > 0]
    if not shown:
        return None
    d = Drawing(width, height)
    size = height - 16
    pie = Pie()
    pie.x, pie.y, pie.width, pie.height = 24, 8, size, size
    pie.data = [n for _, n, _ in shown]
    pie.labels = None
    pie.startAngle, pie.direction = 90, "clockwise"
    pie.slices.strokeColor, pie.slices.strokeWidth = colors.white, 0.8
    for i in range(len(shown)):
        pie.slices[i].fillColor = color(i)
    d.add(pie)
    x = pie.x + size + 30
    label_width = max(stringWidth(label, font, LABEL_SIZE + 1) for label, _, _ in shown) + 24
    line = min(16.0, (height - 8) / max(len(shown), 1))
    y = height / 2 + line * len(shown) / 2 - line + 3
    for i, (label, n, share) in enumerate(shown):
        d.add(Rect(x, y - 1, 9, 8, fillColor=color(i), strokeColor=None))
        d.add(String(x + 14, y, label, fontName=font, fontSize=LABEL_SIZE + 1))
        figure = f"{n}件  {percent(share)}"
        d.add(
            String(
                x + 14 + label_width,
                y,
                figure,
                fontName=font,
                fontSize=LABEL_SIZE + 1,
                fillColor=AXIS,
            )
        )
        y -= line
    return d
