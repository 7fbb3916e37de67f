"""The dashboard (总览): key figures as tiles, four charts and the campaign's phase; each tile,
bar and week opens the list behind it."""

from __future__ import annotations

import datetime as dt
import os
import time
from typing import Any

from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ui.case_detail import long_date
from ui.dashboard_charts import (
    AMBER,
    BLUE,
    GREEN,
    INK,
    LINE,
    MUTED,
    RED,
    BarsCard,
    LinesCard,
    Tile,
    chart_font,
)
from ui.jobs import BackgroundJob
from workstation.briefs.text import short_label
from workstation.errors import WorkstationError
from workstation.services import dashboard
from workstation.services.auth import Actor
from workstation.services.dashboard import CampaignClock, Overview
from workstation.store import Store

PERIOD_SETTING = "dashboard/period"
# Shown again after this long, the page counts again (figures change as people work).
STALE_AFTER_S = 60.0
SHUTDOWN_WAIT_MS = 5_000
PAGE_BACKGROUND = "#f5f6f8"


def _thousands(n: int) -> str:
    return f"{n:,}"


# The categories' names on the chart's axis: the common short forms (the tooltip and the leads
# view give the whole name). A category missing here is shown by its name before any gloss.
CHART_NAMES = {
    "interference": "违反“三个规定”",
    "business": "违规经商办企业",
    "shareholding_lending": "违规参股借贷",
    "sentence_reduction": "违规违法“减假暂”",
    "case_handling": "有案不立压案不查有罪不究",
    "revolving_door": "离任违规从业、司法掮客",
    "other": "其他",
}


def short_date(day: dt.date) -> str:
    """A day of this year's campaign, briefly: 3月5日."""
    return QCoreApplication.translate("Dashboard", "{month}/{day}").format(
        month=day.month, day=day.day
    )


def chart_name(key: str, label: str) -> str:
    return CHART_NAMES.get(key) or short_label(label)


class PhaseBand(QFrame):
    """The campaign's three phases side by side, today's one marked, and the days left."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("phaseBand")
        self.setStyleSheet(
            f"QFrame#phaseBand {{ background: #ffffff; border: 1px solid {LINE};"
            " border-radius: 8px; }"
        )
        self.text = QLabel(self)
        self.text.setObjectName("phaseText")
        self.text.setFont(chart_font(1.0, bold=True))
        self.text.setStyleSheet(f"color: {INK}; border: none;")
        self.text.setWordWrap(True)
        self.segments: list[QLabel] = []
        self.progress = QProgressBar(self)
        self.progress.setObjectName("campaignProgress")
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(6)
        self.progress.setStyleSheet(
            "QProgressBar { background: #eef0f3; border: none; border-radius: 3px; }"
            f"QProgressBar::chunk {{ background: {BLUE}; border-radius: 3px; }}"
        )
        self._row = QHBoxLayout()
        self._row.setSpacing(6)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(6)
        layout.addWidget(self.text)
        layout.addLayout(self._row)
        layout.addWidget(self.progress)

    def phase_name(self, key: str) -> str:
        names = {
            "study": self.tr("Study and education"),
            "rectify": self.tr("Investigation and rectification"),
            "summary": self.tr("Summing up"),
        }
        return names.get(key, key)

    def set_clock(self, clock: CampaignClock) -> None:
        for label in self.segments:
            self._row.removeWidget(label)
            label.deleteLater()
        self.segments = []
        for phase in clock.phases:
            current = clock.current is not None and clock.current.key == phase.key
            label = QLabel(
                self.tr("{phase}  {start} – {end}").format(
                    phase=self.phase_name(phase.key),
                    start=short_date(phase.start),
                    end=short_date(phase.end),
                ),
                self,
            )
            label.setObjectName(f"phase_{phase.key}")
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setProperty("current", current)
            if current:
                style = f"background: {BLUE}; color: #ffffff; font-weight: bold;"
            elif phase.end < clock.today:
                style = f"background: #e8eef7; color: {BLUE};"
            else:
                style = f"background: #f2f4f7; color: {MUTED};"
            label.setStyleSheet(f"{style} border-radius: 4px; padding: 4px 8px; border: none;")
            self._row.addWidget(label, max(1, (phase.end - phase.start).days + 1))
            self.segments.append(label)
        self.progress.setValue(round(clock.progress * 1000))
        self.text.setText(self.describe(clock))

    def describe(self, clock: CampaignClock) -> str:
        if clock.state == "before":
            return self.tr("The campaign starts on {date}, in {days} days.").format(
                date=long_date(clock.start), days=clock.days_to_start
            )
        if clock.state == "over":
            return self.tr("The campaign ended on {date}; figures count to its last day.").format(
                date=long_date(clock.end)
            )
        phase = self.phase_name(clock.current.key) if clock.current else ""
        if clock.days_left == 0:
            return self.tr("{phase} phase: today is the campaign's last day.").format(phase=phase)
        if clock.phase_days_left == 0:
            return self.tr(
                "{phase} phase: its last day is today; {days} days left in the campaign."
            ).format(phase=phase, days=clock.days_left)
        return self.tr(
            "{phase} phase: {phase_days} days left in this phase, {days} in the campaign."
        ).format(phase=phase, phase_days=clock.phase_days_left, days=clock.days_left)


class Dashboard(QWidget):
    """Key figures, charts and the campaign's phase, counted off the GUI thread.

    Every tile, bar and week of the intake line opens the list behind it through `open_list`:
    target "leads" with filters named as LeadQuery's fields ({"category": key},
    {"unit_type": key}, {"status": "concluded"}, {"received_from": date, "received_to": date};
    {"overdue": True} is the leads view's "Overdue only" box; {} is every lead), or target
    "review" with AnomalyQuery's ({"state": "suspected"}, {"kind": key, "state": state}).
    F5 or the Refresh button counts again (`refresh()`), as does showing the page again once
    its figures are a minute old.

    Signals:
        open_list(str target, object filters): show the list behind a tile or a bar.
        loaded(): new figures are on screen.
        load_failed(str message): the figures could not be counted (the message is shown too).
    """

    open_list = Signal(str, object)
    loaded = Signal()
    load_failed = Signal(str)

    def __init__(
        self,
        store: Store,
        actor: Actor,
        *,
        settings: QSettings | None = None,
        today: dt.date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dashboard")
        self._store = store
        self._actor = actor
        self._settings = settings if settings is not None else QSettings()
        self._today = today
        self._job: BackgroundJob | None = None
        self._again = False
        self._loaded_at: float | None = None
        self.overview: Overview | None = None
        self._category_keys: list[str] = []
        self._unit_type_keys: list[str] = []
        self._kind_keys: list[str] = []

        self._build_header()
        self.phase_band = PhaseBand(self)
        self.tiles = {
            "total": Tile("total", self.tr("Total leads"), self),
            "new": Tile("new", self.tr("New this period"), self),
            "rate": Tile("rate", self.tr("Conclusion rate"), self),
            "overdue": Tile("overdue", self.tr("Overdue"), self),
            "suspected": Tile("suspected", self.tr("Suspected anomalies"), self),
            "confirmed": Tile("confirmed", self.tr("Confirmed anomalies"), self),
        }
        tips = {
            "total": self.tr("List every lead"),
            "new": self.tr("List the leads received in this period"),
            "rate": self.tr("List the concluded leads"),
            "overdue": self.tr("List the open leads past their due date"),
            "suspected": self.tr("Review the suspected anomalies"),
            "confirmed": self.tr("List the confirmed anomalies"),
        }
        for key, tile in self.tiles.items():
            tile.setToolTip(tips[key])
            tile.clicked.connect(lambda _checked=False, key=key: self.open_tile(key))

        self.category_card = BarsCard(
            "categoryChart",
            self.tr("Leads by category"),
            self.tr("Click a bar to list its leads"),
            horizontal=True,
        )
        self.unit_type_card = BarsCard(
            "unitTypeChart",
            self.tr("Leads by type of the subject's unit"),
            self.tr("Click a bar to list its leads"),
            horizontal=True,
        )
        self.weeks_card = LinesCard(
            "weeksChart",
            self.tr("Leads received and concluded each week"),
            self.tr("Click a point of the received line to list that week's leads"),
        )
        self.anomaly_card = BarsCard(
            "anomalyChart",
            self.tr("Case anomalies by kind"),
            self.tr("Click a bar to review those flags"),
            horizontal=False,
        )
        self.category_card.bar_clicked.connect(self._category_clicked)
        self.unit_type_card.bar_clicked.connect(self._unit_type_clicked)
        self.anomaly_card.bar_clicked.connect(self._anomaly_clicked)
        self.weeks_card.point_clicked.connect(self._week_clicked)

        content = QWidget(self)
        content.setObjectName("dashboardContent")
        content.setStyleSheet(f"QWidget#dashboardContent {{ background: {PAGE_BACKGROUND}; }}")
        tiles = QGridLayout()
        tiles.setSpacing(10)
        for column, tile in enumerate(self.tiles.values()):
            tiles.addWidget(tile, 0, column)
            tiles.setColumnStretch(column, 1)
        charts = QGridLayout()
        charts.setSpacing(10)
        charts.addWidget(self.category_card, 0, 0)
        charts.addWidget(self.unit_type_card, 0, 1)
        charts.addWidget(self.weeks_card, 1, 0)
        charts.addWidget(self.anomaly_card, 1, 1)
        charts.setColumnStretch(0, 1)
        charts.setColumnStretch(1, 1)
        body = QVBoxLayout(content)
        body.setContentsMargins(16, 12, 16, 16)
        body.setSpacing(10)
        body.addLayout(self._header)
        body.addWidget(self.phase_band)
        body.addLayout(tiles)
        body.addLayout(charts, 1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    def _build_header(self) -> None:
        self.heading = QLabel(self.tr("Overview"), self)
        self.heading.setObjectName("heading")
        self.heading.setFont(chart_font(1.35, bold=True))
        self.heading.setStyleSheet(f"color: {INK};")
        self.as_of_label = QLabel(self)
        self.as_of_label.setObjectName("asOf")
        self.as_of_label.setStyleSheet(f"color: {MUTED};")
        self.busy_label = QLabel(self.tr("Counting…"), self)
        self.busy_label.setObjectName("busy")
        self.busy_label.setStyleSheet(f"color: {MUTED};")
        self.busy_label.hide()
        self.error_label = QLabel(self)
        self.error_label.setObjectName("loadError")
        self.error_label.setStyleSheet(f"color: {RED};")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.period_combo = QComboBox(self)
        self.period_combo.setObjectName("periodChoice")
        self.period_combo.addItem(self.tr("Last 7 days"), "week")
        self.period_combo.addItem(self.tr("Last 30 days"), "month")
        self.period_combo.addItem(self.tr("Campaign so far"), "campaign")
        self.period_combo.setToolTip(self.tr("What “New this period” counts"))
        saved = self._settings.value(PERIOD_SETTING)
        self.period_combo.setCurrentIndex(max(0, self.period_combo.findData(saved)))
        self.period_combo.currentIndexChanged.connect(self._period_changed)
        period_label = QLabel(self.tr("This period:"), self)
        period_label.setBuddy(self.period_combo)
        self.refresh_action = QAction(self.tr("&Refresh"), self)
        self.refresh_action.setObjectName("refreshDashboard")
        self.refresh_action.setShortcut(QKeySequence("F5"))
        # Only while the page is on screen: the leads view has an F5 of its own.
        self.refresh_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.refresh_action.triggered.connect(self.refresh)
        self.addAction(self.refresh_action)
        self.refresh_button = QPushButton(self.tr("Refresh"), self)
        self.refresh_button.setObjectName("refreshButton")
        self.refresh_button.setToolTip(self.tr("Count again (F5)"))
        self.refresh_button.clicked.connect(self.refresh)
        header = QHBoxLayout()
        header.setSpacing(10)
        header.addWidget(self.heading)
        header.addSpacing(6)
        header.addWidget(self.as_of_label)
        header.addWidget(self.busy_label)
        header.addWidget(self.error_label, 1)
        header.addStretch(0)
        header.addWidget(period_label)
        header.addWidget(self.period_combo)
        header.addWidget(self.refresh_button)
        self._header = header

    # --- loading ------------------------------------------------------------------------------

    def period(self) -> str:
        return str(self.period_combo.currentData())

    def is_loading(self) -> bool:
        return self._job is not None and not self._job.done

    @Slot()
    def refresh(self) -> None:
        """Count the figures again, off the GUI thread; `loaded` follows."""
        if self.is_loading():
            self._again = True  # once this count is done, with what was asked meanwhile
            return
        store, actor, today, period = self._store, self._actor, self._today, self.period()

        def work(_progress: Any, _cancelled: Any) -> Overview:
            return dashboard.overview(store, actor, period=period, today=today)

        job = BackgroundJob(work, self)
        job.succeeded.connect(self._show)
        job.failed.connect(self._failed)
        job.finished.connect(self._job_finished)
        self._job = job
        self.busy_label.show()
        job.start()

    @Slot()
    def _job_finished(self) -> None:
        self.busy_label.hide()
        if self._again:
            self._again = False
            self.refresh()

    @Slot(object)
    def _failed(self, exc: object) -> None:
        if not isinstance(exc, WorkstationError):
            raise exc  # type: ignore[misc]  # a bug: the crash dialog shows it
        self.error_label.setText(
            self.tr("The figures could not be counted: {message}").format(message=exc.message)
        )
        self.error_label.show()
        self.load_failed.emit(exc.message)

    @Slot(int)
    def _period_changed(self, _index: int) -> None:
        self._settings.setValue(PERIOD_SETTING, self.period())
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        stale = self._loaded_at is None or time.monotonic() - self._loaded_at > STALE_AFTER_S
        if stale and not self.is_loading():
            self.refresh()

    def shutdown(self) -> None:
        """The window is closing: let a count in progress finish (it only reads)."""
        if self.is_loading():
            from PySide6.QtCore import QThreadPool

            QThreadPool.globalInstance().waitForDone(SHUTDOWN_WAIT_MS)

    # --- showing ------------------------------------------------------------------------------

    @Slot(object)
    def _show(self, result: object) -> None:
        assert isinstance(result, Overview)
        view = result
        self.overview = view
        self._loaded_at = time.monotonic()
        self.error_label.hide()
        self.as_of_label.setText(self.tr("Figures as of {date}").format(date=long_date(view.as_of)))
        self.phase_band.set_clock(view.campaign)
        self._show_tiles(view)
        self._show_charts(view)
        self.loaded.emit()

    def _show_tiles(self, view: Overview) -> None:
        leads = view.leads
        t = self.tiles
        t["total"].set_figure(
            _thousands(leads.total),
            self.tr("received up to {date}").format(date=short_date(view.as_of)),
        )
        t["new"].set_figure(
            _thousands(leads.new),
            self.tr("{start} – {end}").format(
                start=short_date(view.period.start), end=short_date(view.period.end)
            ),
        )
        rate = leads.conclusion_rate
        t["rate"].set_figure(
            "—" if rate is None else f"{rate * 100:.1f}%",
            self.tr("{count} concluded").format(count=_thousands(leads.concluded)),
        )
        t["overdue"].set_figure(_thousands(leads.overdue), self.tr("open, past the due date"))
        t["overdue"].set_tone(RED if leads.overdue else None)
        t["suspected"].set_figure(_thousands(view.suspected), self.tr("awaiting review"))
        t["suspected"].set_tone(AMBER if view.suspected else None)
        t["confirmed"].set_figure(_thousands(view.confirmed), self.tr("confirmed by reviewers"))

    def _show_charts(self, view: Overview) -> None:
        leads_name = self.tr("Leads")
        categories = [r for r in view.by_category.rows if not r.key.startswith("_")]
        self._category_keys = [r.key for r in categories]
        self.category_card.set_data(
            [chart_name(r.key, r.label) for r in categories],
            [(leads_name, BLUE, [r.total for r in categories])],
            [r.label for r in categories],
        )
        types = [r for r in view.by_unit_type.rows if not r.key.startswith("_")]
        self._unit_type_keys = [r.key for r in types]
        self.unit_type_card.set_data(
            [r.label for r in types],
            [(leads_name, BLUE, [r.total for r in types])],
            [r.label for r in types],
        )
        weeks = view.weeks
        self.weeks_card.set_data(
            [w.start for w in weeks],
            [
                (self.tr("Received"), BLUE, [w.received for w in weeks]),
                (self.tr("Concluded"), GREEN, [w.concluded for w in weeks]),
            ],
            short_date,
        )
        kinds = list(view.anomalies_by_kind)
        self._kind_keys = [k.key for k in kinds]
        self.anomaly_card.set_data(
            [k.label for k in kinds],
            [
                (self.tr("Suspected"), AMBER, [k.suspected for k in kinds]),
                (self.tr("Confirmed"), RED, [k.confirmed for k in kinds]),
            ],
            [k.label for k in kinds],
        )

    # --- opening the lists behind -------------------------------------------------------------

    def open_tile(self, key: str) -> None:
        view = self.overview
        if view is None:
            return
        targets: dict[str, tuple[str, dict[str, Any]]] = {
            "total": ("leads", {}),
            "new": (
                "leads",
                {"received_from": view.period.start, "received_to": view.period.end},
            ),
            "rate": ("leads", {"status": "concluded"}),
            "overdue": ("leads", {"overdue": True}),
            "suspected": ("review", {"state": "suspected"}),
            "confirmed": ("review", {"state": "confirmed"}),
        }
        target, filters = targets[key]
        self.open_list.emit(target, filters)

    @Slot(int, int)
    def _category_clicked(self, _series: int, index: int) -> None:
        if 0 <= index < len(self._category_keys):
            self.open_list.emit("leads", {"category": self._category_keys[index]})

    @Slot(int, int)
    def _unit_type_clicked(self, _series: int, index: int) -> None:
        if 0 <= index < len(self._unit_type_keys):
            self.open_list.emit("leads", {"unit_type": self._unit_type_keys[index]})

    @Slot(int, int)
    def _anomaly_clicked(self, series: int, index: int) -> None:
        if 0 <= index < len(self._kind_keys):
            state = ("suspected", "confirmed")[series]
            self.open_list.emit("review", {"kind": self._kind_keys[index], "state": state})

    @Slot(int, int)
    def _week_clicked(self, series: int, index: int) -> None:
        # Only the received line: the leads view filters by the day received, not concluded.
        view = self.overview
        if view is None or series != 0 or not 0 <= index < len(view.weeks):
            return
        week = view.weeks[index]
        self.open_list.emit("leads", {"received_from": week.start, "received_to": week.end})


def wait_until_loaded(page: Dashboard, timeout_ms: int = 60_000) -> None:
    """Run the event loop until the page shows its figures (or fails, or the time is up)."""
    loop = QEventLoop()
    page.loaded.connect(loop.quit)
    page.load_failed.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    if page.is_loading():
        loop.exec()


def screenshot(path: str | os.PathLike[str], store: Store, actor: Actor) -> None:
    """A picture of the dashboard over `store` (for the documentation)."""
    page = Dashboard(store, actor, settings=QSettings())
    # Explicit, so that a layout change never resends size hints to the window system.
    page.setMinimumSize(760, 420)
    page.resize(1240, 900)
    page.show()  # showing may start a count of its own: wait for every count to end
    page.refresh()
    for _ in range(5):
        wait_until_loaded(page)
        QApplication.processEvents()
        if not page.is_loading():
            break
    page.grab().save(str(path))
    page.close()
    page.deleteLater()


# Name → function, for the screenshots script (docs/images/<name>.png).
SCREENSHOTS = {"dashboard": screenshot}
