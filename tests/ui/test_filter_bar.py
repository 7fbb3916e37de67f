"""The leads filter bar on its own: the query it makes, debouncing, clearing, remembering."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from PySide6.QtCore import QDate, QSettings, Qt
from pytestqt.qtbot import QtBot

from ui.filter_bar import SETTINGS_KEY, FilterBar, OptionalDateEdit, with_filters
from workstation.services.auth import IMPLICIT_ADMIN
from workstation.services.leads import LeadQuery
from workstation.store import Store

# The bar is shown as a window of its own here, whose minimum size its layout sets: the
# offscreen platform cannot pass that on to a window system, and says so.
pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$"),
]

MakeBar = Callable[..., FilterBar]


@pytest.fixture
def make_bar(qtbot: QtBot, settings: QSettings, today: dt.date, lead_store: Store) -> MakeBar:
    def make() -> FilterBar:
        bar = FilterBar(lead_store, IMPLICIT_ADMIN, settings=settings, as_of=lambda: today)
        qtbot.addWidget(bar)
        bar.resize(1200, 80)
        bar.show()
        return bar

    return make


def test_a_new_bar_filters_nothing(make_bar: MakeBar) -> None:
    bar = make_bar()
    assert bar.query() == LeadQuery()
    assert not bar.is_filtered()
    assert not bar.clear_button.isEnabled()
    assert bar.channel.currentText() == "全部渠道"
    assert bar.received_from.text() == "不限"
    bar.set_count(1234567)
    assert bar.count_label.text() == "共 1,234,567 条"


def test_each_widget_sets_its_field(make_bar: MakeBar, qtbot: QtBot, today: dt.date) -> None:
    bar = make_bar()
    queries: list[LeadQuery] = []
    bar.changed.connect(queries.append)
    bar.channel.setCurrentIndex(bar.channel.findData("phone"))
    bar.category.setCurrentIndex(bar.category.findData("business"))
    bar.unit_type.setCurrentIndex(bar.unit_type.findData("court"))
    bar.status.setCurrentIndex(bar.status.findData("assigned"))
    bar.received_from.setDate(QDate(2021, 3, 1))
    bar.received_to.setDate(QDate(2021, 3, 31))
    bar.overdue.setChecked(True)
    bar.unit.setText("江州市中级人民法院")
    bar.apply()
    assert len(queries) == 8  # one change per choice
    assert queries[-1] == LeadQuery(
        channel="phone",
        category="business",
        unit_type="court",
        status="assigned",
        received_from=dt.date(2021, 3, 1),
        received_to=dt.date(2021, 3, 31),
        overdue_as_of=today,
        unit="江州市中级人民法院",
    )
    assert bar.clear_button.isEnabled()

    with qtbot.waitSignal(bar.changed) as signal:
        qtbot.mouseClick(bar.clear_button, Qt.MouseButton.LeftButton)
    assert signal.args == [LeadQuery()]
    assert len(queries) == 9  # clearing is one change, not one per widget


def test_typing_waits_for_a_pause_and_return_applies_at_once(
    make_bar: MakeBar, qtbot: QtBot
) -> None:
    bar = make_bar()
    queries: list[LeadQuery] = []
    bar.changed.connect(queries.append)
    with qtbot.waitSignal(bar.changed, timeout=3000):
        for text in ("X", "S", "2021"):
            qtbot.keyClicks(bar.search, text)
    assert [q.search for q in queries] == ["XS2021"]
    qtbot.keyClicks(bar.search, "-0")
    qtbot.keyClick(bar.search, Qt.Key.Key_Return)
    assert queries[-1].search == "XS2021-0"
    qtbot.wait(400)
    assert len(queries) == 2  # the pending pause did not send it again


def test_set_filters_replaces_every_filter(make_bar: MakeBar, today: dt.date) -> None:
    bar = make_bar()
    bar.channel.setCurrentIndex(bar.channel.findData("phone"))
    bar.set_filters(
        {"received_from": dt.date(2021, 6, 7), "received_to": dt.date(2021, 6, 13), "x": 1}
    )
    assert bar.query() == LeadQuery(
        received_from=dt.date(2021, 6, 7), received_to=dt.date(2021, 6, 13)
    )
    bar.set_filters({"overdue": True, "status": "new"})
    assert bar.query() == LeadQuery(status="new", overdue_as_of=today)


def test_filters_come_back_and_damaged_settings_are_ignored(
    make_bar: MakeBar, settings: QSettings
) -> None:
    bar = make_bar()
    bar.set_filters({"category": "other", "search": "作风", "received_to": dt.date(2021, 5, 1)})
    again = make_bar()
    assert again.query() == LeadQuery(
        category="other", search="作风", received_to=dt.date(2021, 5, 1)
    )
    assert again.clear_button.isEnabled()

    settings.setValue(SETTINGS_KEY, '{"channel": "pigeon", "received_from": "2021-13-45", ')
    assert make_bar().query() == LeadQuery()
    settings.setValue(SETTINGS_KEY, '{"channel": "pigeon", "received_from": "2021-13-45"}')
    assert make_bar().query() == LeadQuery()


def test_optional_date_edit(qtbot: QtBot) -> None:
    edit = OptionalDateEdit("不限")
    qtbot.addWidget(edit)
    assert edit.value() is None
    assert edit.text() == "不限"
    edit.set_value(dt.date(2021, 2, 28))
    assert edit.value() == dt.date(2021, 2, 28)
    assert edit.text() == "2021-02-28"
    edit.set_value(None)
    assert edit.value() is None


def test_with_filters_keeps_the_order() -> None:
    ordered = LeadQuery(order_by="ref", descending=False, channel="phone")
    assert with_filters(ordered, LeadQuery(status="new")) == LeadQuery(
        status="new", order_by="ref", descending=False
    )
