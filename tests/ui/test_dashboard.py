"""The dashboard as a leader uses it: figures on tiles and charts, each opening the list behind."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flagged_cases import build_flagged_store
from PySide6.QtCore import QPoint, QSettings, Qt
from pytestqt.qtbot import QtBot

from ui.dashboard import Dashboard, screenshot
from workstation.services import review
from workstation.services.auth import IMPLICIT_ADMIN, Actor
from workstation.services.leads import LeadQuery, count_leads, create_lead
from workstation.store import Store

pytestmark = pytest.mark.gui

TODAY = dt.date(2021, 6, 28)
LEADS = 12  # three of each sample lead: categories and units of four kinds


@pytest.fixture
def store(tmp_path: Path, add_leads: Callable[[Store, int], None]) -> Iterator[Store]:
    """Twelve leads (one sample concluded in three) and five cases, three flagged, one of
    those confirmed."""
    store = build_flagged_store(tmp_path / "dash.db")
    add_leads(store, LEADS)
    first = review.list_anomalies(store, IMPLICIT_ADMIN)[0]
    review.confirm(store, IMPLICIT_ADMIN, first.id, "超期未立案属实")
    yield store
    store.dispose()


MakePage = Callable[..., Dashboard]


@pytest.fixture
def make_page(qtbot: QtBot, store: Store, settings: QSettings) -> MakePage:
    def make(actor: Actor = IMPLICIT_ADMIN) -> Dashboard:
        page = Dashboard(store, actor, settings=settings, today=TODAY)
        qtbot.addWidget(page)
        page.setMinimumSize(760, 420)
        page.resize(1240, 900)
        with qtbot.waitSignal(page.loaded, timeout=20_000):
            page.show()  # the first showing counts
        qtbot.waitExposed(page)
        return page

    return make


def opened(qtbot: QtBot, page: Dashboard, act: Callable[[], Any]) -> tuple[str, dict[str, Any]]:
    with qtbot.waitSignal(page.open_list, timeout=5_000) as signal:
        act()
    target, filters = signal.args
    return target, filters


def test_tiles_show_the_figures_in_chinese(make_page: MakePage, store: Store) -> None:
    page = make_page()
    admin = IMPLICIT_ADMIN
    concluded = count_leads(store, admin, LeadQuery(status="concluded"))
    overdue = count_leads(store, admin, LeadQuery(overdue_as_of=TODAY))
    assert page.tiles["total"].value_text() == str(LEADS)
    assert page.tiles["rate"].value_text() == f"{concluded / LEADS * 100:.1f}%"
    assert page.tiles["overdue"].value_text() == str(overdue)
    assert page.tiles["suspected"].value_text() == "2"
    assert page.tiles["confirmed"].value_text() == "1"
    assert page.tiles["total"].title_label.text() == "线索总数"
    assert page.tiles["new"].title_label.text() == "本期新增"
    assert page.tiles["new"].caption_label.text() == "6月22日至6月28日"
    assert page.heading.text() == "总览"
    assert page.as_of_label.text() == "数据统计至2021年6月28日"
    # The campaign's phase, with the days left (the last phase ends on 2021-06-30).
    assert page.phase_band.text.text() == (
        "当前处于总结提升环节：本环节还剩 2 天，教育整顿还剩 2 天。"
    )
    current = [s.objectName() for s in page.phase_band.segments if s.property("current")]
    assert current == ["phase_summary"]


@pytest.mark.parametrize(
    ("tile", "target", "filters"),
    [
        ("total", "leads", {}),
        ("new", "leads", {"received_from": dt.date(2021, 6, 22), "received_to": TODAY}),
        ("rate", "leads", {"status": "concluded"}),
        ("overdue", "leads", {"overdue": True}),
        ("suspected", "review", {"state": "suspected"}),
        ("confirmed", "review", {"state": "confirmed"}),
    ],
)
def test_each_tile_opens_its_list(
    qtbot: QtBot, make_page: MakePage, tile: str, target: str, filters: dict[str, Any]
) -> None:
    page = make_page()
    button = page.tiles[tile]
    assert opened(qtbot, page, lambda: qtbot.mouseClick(button, Qt.MouseButton.LeftButton)) == (
        target,
        filters,
    )
    # From the keyboard too: a tile is a button.
    button.setFocus()
    assert opened(qtbot, page, lambda: qtbot.keyClick(button, Qt.Key.Key_Space))[0] == target


def _click(qtbot: QtBot, view: Any, point: Any) -> None:
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point.toPoint())


def test_clicking_a_category_bar_opens_its_leads(
    qtbot: QtBot, make_page: MakePage, store: Store
) -> None:
    page = make_page()
    card = page.category_card
    keys = [r.key for r in page.overview.by_category.rows] if page.overview else []
    business = keys.index("business")
    # A click where the user sees the bar (the chart lists categories top down, as the table).
    target, filters = opened(
        qtbot, page, lambda: _click(qtbot, card.view, card.bar_position(0, business))
    )
    assert (target, filters) == ("leads", {"category": "business"})
    # The list behind the bar holds as many leads as the bar is long.
    assert count_leads(store, IMPLICIT_ADMIN, LeadQuery(**filters)) == 3
    assert card.sets[0].at(len(keys) - 1 - business) == 3


def test_clicking_a_unit_type_bar_opens_its_leads(
    qtbot: QtBot, make_page: MakePage, store: Store
) -> None:
    page = make_page()
    card = page.unit_type_card
    keys = [r.key for r in page.overview.by_unit_type.rows] if page.overview else []
    court = keys.index("court")
    target, filters = opened(
        qtbot, page, lambda: _click(qtbot, card.view, card.bar_position(0, court))
    )
    assert (target, filters) == ("leads", {"unit_type": "court"})
    assert count_leads(store, IMPLICIT_ADMIN, LeadQuery(**filters)) == 3


def test_clicking_an_anomaly_bar_opens_the_review(qtbot: QtBot, make_page: MakePage) -> None:
    page = make_page()
    card = page.anomaly_card
    view = page.overview
    assert view is not None
    kinds = [k.key for k in view.anomalies_by_kind]
    confirmed = next(i for i, k in enumerate(view.anomalies_by_kind) if k.confirmed)
    target, filters = opened(
        qtbot, page, lambda: _click(qtbot, card.view, card.bar_position(1, confirmed))
    )
    assert (target, filters) == ("review", {"kind": kinds[confirmed], "state": "confirmed"})
    # The bar set's own signal, as QtCharts sends it for a click on the suspected bar.
    suspected = next(i for i, k in enumerate(view.anomalies_by_kind) if k.suspected)
    target, filters = opened(qtbot, page, lambda: card.sets[0].clicked.emit(suspected))
    assert (target, filters) == ("review", {"kind": kinds[suspected], "state": "suspected"})


def test_clicking_a_week_opens_the_leads_received_that_week(
    qtbot: QtBot, make_page: MakePage, store: Store
) -> None:
    page = make_page()
    view = page.overview
    assert view is not None
    index = max(range(len(view.weeks)), key=lambda i: view.weeks[i].received)
    week = view.weeks[index]
    card = page.weeks_card
    target, filters = opened(
        qtbot, page, lambda: _click(qtbot, card.view, card.point_position(0, index))
    )
    assert (target, filters) == (
        "leads",
        {"received_from": week.start, "received_to": week.end},
    )
    assert count_leads(store, IMPLICIT_ADMIN, LeadQuery(**filters)) == week.received > 0


def test_f5_counts_again(qtbot: QtBot, make_page: MakePage, store: Store) -> None:
    page = make_page()
    create_lead(
        store,
        IMPLICIT_ADMIN,
        {"received_on": "2021-06-18", "category": "business", "summary": "新收到的线索"},
        today=TODAY,
    )
    assert page.tiles["total"].value_text() == str(LEADS)
    page.activateWindow()
    page.period_combo.setFocus()
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        qtbot.keyClick(page.period_combo, Qt.Key.Key_F5)
    assert page.tiles["total"].value_text() == str(LEADS + 1)
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        qtbot.mouseClick(page.refresh_button, Qt.MouseButton.LeftButton)


def test_the_period_is_chosen_and_remembered(
    qtbot: QtBot, make_page: MakePage, settings: QSettings
) -> None:
    page = make_page()
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.period_combo.setCurrentIndex(page.period_combo.findData("campaign"))
    assert page.overview is not None
    assert page.overview.period_kind == "campaign"
    assert page.tiles["new"].caption_label.text() == "2月26日至6月28日"
    assert settings.value("dashboard/period") == "campaign"
    again = make_page()
    assert again.period() == "campaign"


def test_bar_position_is_inside_the_plot(make_page: MakePage) -> None:
    page = make_page()
    card = page.category_card
    plot = card.chart.plotArea()
    point = card.bar_position(0, 0)
    scene = card.view.mapToScene(QPoint(int(point.x()), int(point.y())))
    assert plot.adjusted(-2, -2, 2, 2).contains(card.chart.mapFromScene(scene))


def test_screenshot(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    path = tmp_path / "dashboard.png"
    screenshot(path, store, IMPLICIT_ADMIN)
    assert path.stat().st_size > 10_000
