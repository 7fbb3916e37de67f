"""The dashboard's charts and tiles: quiet colours, the app's CJK font, bars that can be clicked."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QDateTime, QMargins, QPointF, QSize, Qt, QTime, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

INK = "#1d2939"
TEXT = "#344054"
MUTED = "#667085"
LINE = "#e4e7ec"
GRID = "#eef0f3"
CARD = "#ffffff"
BLUE = "#3e6fb0"
GREEN = "#3f9b6e"
AMBER = "#d9892b"
RED = "#c0392b"
MAX_DATE_LABELS = 7


def chart_font(scale: float = 1.0, *, bold: bool = False) -> QFont:
    """The application's font (a CJK family: QtCharts would otherwise use its theme's)."""
    font = QFont(QApplication.font())
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(bold)
    return font


def _step(top: float) -> int:
    """A round whole step giving about four intervals up to `top`."""
    raw = max(top / 4, 1.0)
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power and float(factor * power).is_integer():
            return int(factor * power)
    return int(10 * power)


def count_axis(largest: int) -> QValueAxis:
    """A value axis of whole numbers from 0, with room above the largest bar for its label."""
    step = _step(max(largest, 1) * 1.15)
    top = step * max(1, math.ceil(max(largest, 1) * 1.15 / step))
    axis = QValueAxis()
    axis.setRange(0, top)
    axis.setTickType(QValueAxis.TickType.TicksDynamic)
    axis.setTickAnchor(0)
    axis.setTickInterval(step)
    axis.setLabelFormat("%d")
    _style_axis(axis)
    return axis


def _style_axis(axis: QValueAxis | QBarCategoryAxis) -> None:
    axis.setLabelsFont(chart_font(0.9))
    axis.setLabelsColor(QColor(MUTED))
    axis.setGridLineColor(QColor(GRID))
    axis.setLinePenColor(QColor(LINE))
    if isinstance(axis, QBarCategoryAxis):
        axis.setGridLineVisible(False)
        axis.setLabelsColor(QColor(TEXT))
        # QtCharts elides every name once a bar's band is lower than a line of text (as in a
        # short window), though the names fit beside the bars: they stay whole.
        axis.setTruncateLabels(False)


def new_chart() -> QChart:
    chart = QChart()
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setBackgroundVisible(False)
    chart.setMargins(QMargins(2, 2, 6, 2))
    chart.layout().setContentsMargins(0, 0, 0, 0)
    chart.legend().setFont(chart_font(0.9))
    chart.legend().setLabelColor(QColor(TEXT))
    chart.legend().setVisible(False)
    return chart


class ChartCard(QFrame):
    """A titled card holding one chart; `set_chart` replaces the chart it shows."""

    def __init__(self, name: str, title: str, hint: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setStyleSheet(
            f"QFrame#{name} {{ background: {CARD}; border: 1px solid {LINE}; border-radius: 8px; }}"
        )
        self.title = QLabel(title, self)
        self.title.setFont(chart_font(1.05, bold=True))
        self.title.setStyleSheet(f"color: {INK}; border: none;")
        self.hint = QLabel(hint, self)
        self.hint.setStyleSheet(f"color: {MUTED}; border: none;")
        self.hint.setFont(chart_font(0.85))
        self.view = QChartView(self)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setStyleSheet("background: transparent; border: none;")
        self.view.setMinimumHeight(180)
        self.view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 10, 8)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addWidget(self.view, 1)

    def set_chart(self, chart: QChart) -> None:
        old = self.view.chart()
        self.view.setChart(chart)  # the view owns the new chart, and lets go of the old one
        if old is not None and old is not chart:
            old.deleteLater()

    @property
    def chart(self) -> QChart:
        return self.view.chart()


class BarsCard(ChartCard):
    """Bars of one or more series over categories. A click on a bar emits which.

    Signals:
        bar_clicked(int series, int category): indices in the order given to `set_data`.
    """

    bar_clicked = Signal(int, int)

    def __init__(
        self,
        name: str,
        title: str,
        hint: str,
        *,
        horizontal: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(name, title, hint, parent)
        self.horizontal = horizontal
        self.sets: list[QBarSet] = []
        self.series: QAbstractBarSeries | None = None
        self._count = 0
        self._tips: list[str] = []

    def _category(self, shown: int) -> int:
        """The caller's index of a bar: horizontal charts list their categories bottom up."""
        return self._count - 1 - shown if self.horizontal else shown

    def set_data(
        self,
        labels: Sequence[str],
        series: Sequence[tuple[str, str, Sequence[int]]],
        tips: Sequence[str] = (),
    ) -> None:
        """`series`: (name, colour, one value per label); `tips`: a tooltip per label."""
        self._count = len(labels)
        self._tips = list(tips)
        order = list(reversed(range(len(labels)))) if self.horizontal else list(range(len(labels)))
        chart = new_chart()
        bars: QAbstractBarSeries = QHorizontalBarSeries() if self.horizontal else QBarSeries()
        bars.setLabelsVisible(True)
        bars.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)
        bars.setLabelsFormat("@value")
        bars.setBarWidth(0.62 if len(series) == 1 else 0.75)
        self.sets = []
        for index, (name, colour, values) in enumerate(series):
            bar_set = QBarSet(name)
            bar_set.append([float(values[i]) for i in order])
            bar_set.setColor(QColor(colour))
            bar_set.setBorderColor(QColor(colour))
            bar_set.setLabelColor(QColor(TEXT))
            bar_set.setLabelFont(chart_font(0.85))
            bar_set.clicked.connect(lambda shown, s=index: self._clicked(s, shown))
            bar_set.hovered.connect(lambda on, shown, s=index: self._hovered(s, on, shown))
            bars.append(bar_set)
            self.sets.append(bar_set)
        chart.addSeries(bars)
        categories = QBarCategoryAxis()
        categories.append([labels[i] for i in order])
        _style_axis(categories)
        largest = max((max(values, default=0) for _n, _c, values in series), default=0)
        counts = count_axis(int(largest))
        if self.horizontal:
            chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
            chart.addAxis(counts, Qt.AlignmentFlag.AlignBottom)
        else:
            chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
            chart.addAxis(counts, Qt.AlignmentFlag.AlignLeft)
        bars.attachAxis(categories)
        bars.attachAxis(counts)
        if len(series) > 1:
            chart.legend().setVisible(True)
            chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)
        self.series = bars
        self.set_chart(chart)

    def bar_position(self, series: int, category: int) -> QPointF:
        """Where the middle of a bar is, in the chart view's viewport (for tests and tips)."""
        assert self.series is not None
        value = self.sets[series].at(self._category(category))
        shown = self._category(category)
        count = max(1, len(self.sets))
        # Bars of several series share their category's slot, side by side (or stacked up).
        offset = (series - (count - 1) / 2) * self.series.barWidth() / count
        point = (
            QPointF(value / 2, shown - offset)
            if self.horizontal
            else QPointF(shown + offset, value / 2)
        )
        scene = self.chart.mapToPosition(point, self.series)
        return self.view.mapFromScene(self.chart.mapToScene(scene)).toPointF()

    def _clicked(self, series: int, shown: int) -> None:
        self.bar_clicked.emit(series, self._category(shown))

    def _hovered(self, series: int, on: bool, shown: int) -> None:
        category = self._category(shown)
        if on and 0 <= category < len(self._tips) and self._tips[category]:
            name = self.sets[series].label()
            value = int(self.sets[series].at(shown))
            # The view's own tooltip: Qt shows it when the pointer rests on the bar.
            self.view.setToolTip(f"{self._tips[category]}\n{name}: {value:,}")
        else:
            self.view.setToolTip("")


def _moment(day: dt.date) -> float:
    return float(QDateTime(day, QTime(12, 0)).toMSecsSinceEpoch())


class LinesCard(ChartCard):
    """Lines over dates (one point per week). A click on a point of a line emits which.

    Signals:
        point_clicked(int series, int point): indices in the order given to `set_data`.
    """

    point_clicked = Signal(int, int)

    def __init__(self, name: str, title: str, hint: str, parent: QWidget | None = None) -> None:
        super().__init__(name, title, hint, parent)
        self.lines: list[QLineSeries] = []
        self._days: list[dt.date] = []

    def set_data(
        self,
        days: Sequence[dt.date],
        series: Sequence[tuple[str, str, Sequence[int]]],
        label_of: Callable[[dt.date], str],
    ) -> None:
        self._days = list(days)
        chart = new_chart()
        self.lines = []
        largest = 0
        for index, (name, colour, values) in enumerate(series):
            line = QLineSeries()
            line.setName(name)
            pen = QPen(QColor(colour))
            pen.setWidthF(2.2)
            line.setPen(pen)
            line.setColor(QColor(colour))
            line.setPointsVisible(True)
            line.setMarkerSize(5)
            for day, value in zip(days, values, strict=True):
                line.append(_moment(day), float(value))
                largest = max(largest, int(value))
            line.clicked.connect(lambda point, s=index: self._clicked(s, point))
            line.hovered.connect(lambda point, on, s=index: self._hovered(s, point, on))
            chart.addSeries(line)
            self.lines.append(line)
        # Labels on the weeks themselves (every week's, or every second's... when there are many).
        dates = QCategoryAxis()
        dates.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        every = max(1, math.ceil(len(days) / MAX_DATE_LABELS))
        for i in range(0, len(days), every):
            dates.append(label_of(days[i]), _moment(days[i]))
        if days:
            first, last = _moment(days[0]), _moment(days[-1])
            pad = max((last - first) * 0.03, 12 * 3600 * 1000)
            dates.setRange(first - pad, last + pad)
        _style_axis(dates)
        dates.setGridLineVisible(False)
        dates.setTruncateLabels(False)  # 3月12日 whole: the labels are spaced to fit
        counts = count_axis(largest)
        chart.addAxis(dates, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(counts, Qt.AlignmentFlag.AlignLeft)
        for line in self.lines:
            line.attachAxis(dates)
            line.attachAxis(counts)
        chart.legend().setVisible(True)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)
        self.set_chart(chart)

    def nearest(self, point: QPointF) -> int:
        """The index of the week nearest to a point in the chart's values."""
        if not self._days:
            return -1
        moments = [_moment(d) for d in self._days]
        return min(range(len(moments)), key=lambda i: abs(moments[i] - point.x()))

    def point_position(self, series: int, index: int) -> QPointF:
        """Where a point of a line is, in the chart view's viewport (for tests)."""
        line = self.lines[series]
        scene = self.chart.mapToPosition(line.at(index), line)
        return self.view.mapFromScene(self.chart.mapToScene(scene)).toPointF()

    def _clicked(self, series: int, point: QPointF) -> None:
        index = self.nearest(point)
        if index >= 0:
            self.point_clicked.emit(series, index)

    def _hovered(self, series: int, point: QPointF, on: bool) -> None:
        index = self.nearest(point) if on else -1
        if index < 0:
            self.view.setToolTip("")
            return
        value = int(self.lines[series].at(index).y())
        self.view.setToolTip(f"{self.lines[series].name()}: {value:,}")


class Tile(QPushButton):
    """A key figure as a card: what it counts, the figure, a line of context. Clickable."""

    def __init__(self, key: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName(f"tile_{key}")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.title_label = QLabel(title, self)
        self.value_label = QLabel("—", self)
        self.value_label.setObjectName(f"tileValue_{key}")
        self.caption_label = QLabel(self)
        self.title_label.setFont(chart_font(0.95))
        self.value_label.setFont(chart_font(1.9, bold=True))
        self.caption_label.setFont(chart_font(0.85))
        for label in (self.title_label, self.value_label, self.caption_label):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            label.setTextFormat(Qt.TextFormat.PlainText)
        self.caption_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(2)
        layout.addWidget(self.title_label)
        layout.addWidget(self.value_label)
        layout.addWidget(self.caption_label)
        self.set_tone(None)

    def set_tone(self, colour: str | None) -> None:
        """The figure's colour: ink, or a warning colour when it calls for attention."""
        name = self.objectName()
        self.setStyleSheet(
            f"QPushButton#{name} {{ background: {CARD}; border: 1px solid {LINE};"
            " border-radius: 8px; text-align: left; }"
            f"QPushButton#{name}:hover {{ background: #f8f9fb; border-color: #c7ccd4; }}"
            f"QPushButton#{name}:focus {{ border: 2px solid {BLUE}; }}"
            f"QPushButton#{name}:pressed {{ background: #eef2f8; }}"
        )
        self.title_label.setStyleSheet(f"color: {MUTED};")
        self.value_label.setStyleSheet(f"color: {colour or INK};")
        self.caption_label.setStyleSheet(f"color: {MUTED};")

    def set_figure(self, value: str, caption: str) -> None:
        self.value_label.setText(value)
        self.caption_label.setText(caption)
        self.setAccessibleName(f"{self.title_label.text()} {value}")
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        layout = self.layout()
        return layout.sizeHint() if layout is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:
        hint = self.sizeHint()
        return QSize(120, hint.height())

    def value_text(self) -> str:
        return self.value_label.text()
