"""The windowed leads model over a real store: Qt's contract, cells, sorting, search, paging."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QTableView
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from ui.leads_model import OVERDUE_FOREGROUND, Column, LeadRole, LeadsModel
from workstation import clock, settings
from workstation.services.auth import IMPLICIT_ADMIN
from workstation.services.leads import LeadQuery, LeadRow, count_leads
from workstation.store import Store, open_store
from workstation.vocab import CATEGORY, CHANNEL, LEAD_STATUS

pytestmark = pytest.mark.gui

DISPLAY = Qt.ItemDataRole.DisplayRole


MakeModel = Callable[..., LeadsModel]


@pytest.fixture
def make_model(today: dt.date) -> MakeModel:
    """Leads models over a store as the implicit admin, with the tests' fixed today."""

    def make(store: Store, **kwargs: Any) -> LeadsModel:
        return LeadsModel(store, IMPLICIT_ADMIN, today=today, **kwargs)

    return make


def _cell(model: LeadsModel, row: int, column: Column, role: int = DISPLAY) -> object:
    return model.data(model.index(row, column), role)


@pytest.mark.parametrize("force_py", [True, False], ids=["python-tester", "qt-tester"])
def test_model_passes_qt_model_tester(
    make_model: MakeModel, qtmodeltester: ModelTester, many_lead_store: Store, force_py: bool
) -> None:
    # A window smaller than the store, so the tester's walk evicts and reloads pages.
    model = make_model(many_lead_store, page_size=25, max_pages=2)
    qtmodeltester.check(model, force_py=force_py)
    assert model.rowCount() == 120
    assert model.cached_rows() <= 2 * 25
    # The tester keeps watching: a search (a reset) must keep the model consistent.
    model.set_search("李明")
    model.sort(Column.SUBJECT, Qt.SortOrder.AscendingOrder)
    model.refresh()


def test_model_passes_qt_model_tester_when_empty(
    make_model: MakeModel, qtmodeltester: ModelTester, tmp_path: Path
) -> None:
    store = open_store(tmp_path / "empty.db", create=True)
    try:
        qtmodeltester.check(make_model(store), force_py=True)
    finally:
        store.dispose()


def test_rows_are_the_store_newest_first_with_chinese_labels(
    make_model: MakeModel, lead_store: Store
) -> None:
    model = make_model(lead_store)
    assert model.rowCount() == count_leads(lead_store, IMPLICIT_ADMIN) == 4
    assert model.columnCount() == len(Column) == 9
    # Newest first by default: the sample received 2021-06-25 (visit, 赵强) comes first.
    assert _cell(model, 0, Column.REF) == "XS2021-00004"
    assert _cell(model, 0, Column.RECEIVED_ON) == "2021-06-25"
    assert _cell(model, 0, Column.CHANNEL) == CHANNEL.label("visit") == "来访"
    assert _cell(model, 0, Column.STATUS) == LEAD_STATUS.label("new") == "待处理"
    assert _cell(model, 0, Column.SUBJECT) == "赵强"
    assert _cell(model, 0, Column.SUBJECT_UNIT) == "江州市司法局"
    assert _cell(model, 0, Column.DUE_ON) == "2021-07-25"
    last = model.rowCount() - 1
    assert _cell(model, last, Column.SUBJECT) == "王建国（民警）"
    assert _cell(model, last, Column.CATEGORY) == CATEGORY.label("interference")
    row = _cell(model, last, Column.REF, LeadRole)
    assert isinstance(row, LeadRow)
    assert row.ref == "XS2021-00001"


def test_headers_are_translated(make_model: MakeModel, lead_store: Store) -> None:
    model = make_model(lead_store)
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert titles == [
        "线索编号",
        "受理时间",
        "来源渠道",
        "被反映人",
        "被反映人单位",
        "问题类别",
        "办理状态",
        "办理期限",
        "主要问题",
    ]


def test_summary_is_one_elidable_line_with_the_full_text_in_the_tooltip(
    make_model: MakeModel,
    lead_store: Store,
) -> None:
    model = make_model(lead_store)
    refs = [_cell(model, r, Column.REF) for r in range(model.rowCount())]
    row = refs.index("XS2021-00003")  # the long summary, repeated 12 times
    lead = _cell(model, row, Column.REF, LeadRole)
    assert isinstance(lead, LeadRow)
    shown = _cell(model, row, Column.SUMMARY)
    assert isinstance(shown, str)
    assert "\n" not in shown
    assert shown.endswith("…")
    assert len(shown) < len(lead.summary)
    tooltip = _cell(model, row, Column.SUMMARY, Qt.ItemDataRole.ToolTipRole)
    assert isinstance(tooltip, str)
    assert lead.summary in tooltip


def test_overdue_open_leads_are_coloured(make_model: MakeModel, lead_store: Store) -> None:
    model = make_model(lead_store)
    by_ref = {_cell(model, r, Column.REF): r for r in range(model.rowCount())}
    foreground = Qt.ItemDataRole.ForegroundRole
    # XS2021-00001: open, due 2021-04-04 < today: overdue, every cell coloured.
    overdue = by_ref["XS2021-00001"]
    for column in Column:
        brush = _cell(model, overdue, column, foreground)
        assert isinstance(brush, QBrush)
        assert brush.color() == OVERDUE_FOREGROUND
    assert "已超期" in str(_cell(model, overdue, Column.DUE_ON, Qt.ItemDataRole.ToolTipRole))
    # XS2021-00003 is concluded and XS2021-00004 is due 2021-07-25: neither is overdue.
    assert _cell(model, by_ref["XS2021-00003"], Column.REF, foreground) is None
    assert _cell(model, by_ref["XS2021-00004"], Column.REF, foreground) is None


def test_sort_goes_through_the_store(
    make_model: MakeModel, lead_store: Store, qtbot: QtBot
) -> None:
    model = make_model(lead_store)
    with qtbot.waitSignal(model.modelReset):
        model.sort(Column.REF, Qt.SortOrder.AscendingOrder)
    assert model.query.order_by == "ref"
    assert not model.query.descending
    assert [_cell(model, r, Column.REF) for r in range(4)] == [
        "XS2021-00001",
        "XS2021-00002",
        "XS2021-00003",
        "XS2021-00004",
    ]
    model.sort(Column.SUBJECT, Qt.SortOrder.DescendingOrder)
    assert model.query.order_by == "subject"
    assert model.sort_column() == Column.SUBJECT
    assert model.sort_order() == Qt.SortOrder.DescendingOrder


def test_unsortable_column_leaves_the_order_alone(
    make_model: MakeModel, lead_store: Store, qtbot: QtBot
) -> None:
    model = make_model(lead_store)
    before = model.query
    with qtbot.assertNotEmitted(model.modelReset):
        model.sort(Column.SUMMARY, Qt.SortOrder.AscendingOrder)
    assert model.query == before
    assert not model.is_sortable(Column.SUMMARY)


def test_search_filters_in_the_store(
    make_model: MakeModel, lead_store: Store, qtbot: QtBot
) -> None:
    model = make_model(lead_store)
    with qtbot.waitSignal(model.count_changed) as signal:
        model.set_search("  李明 ")
    assert signal.args == [1]
    assert model.query.search == "李明"
    assert model.is_filtered()
    assert model.rowCount() == 1
    assert _cell(model, 0, Column.REF) == "XS2021-00002"
    model.set_search("")
    assert model.query.search is None
    assert not model.is_filtered()
    assert model.rowCount() == 4


def test_refresh_sees_new_leads(
    make_model: MakeModel, lead_store: Store, add_leads: Callable[[Store, int], None]
) -> None:
    model = make_model(lead_store)
    add_leads(lead_store, 2)
    assert model.rowCount() == 4
    model.refresh()
    assert model.rowCount() == 6


def test_pages_are_loaded_once_and_kept_in_a_small_lru(
    make_model: MakeModel, many_lead_store: Store
) -> None:
    model = make_model(many_lead_store, page_size=10, max_pages=3)
    assert model.page_loads == 0
    _cell(model, 0, Column.REF)
    _cell(model, 9, Column.REF)
    assert model.page_loads == 1
    for row in range(0, 120, 10):  # every page once
        _cell(model, row, Column.REF)
    assert model.page_loads == 12
    assert model.cached_rows() == 30
    _cell(model, 119, Column.REF)  # still cached: the most recent page
    assert model.page_loads == 12
    _cell(model, 0, Column.REF)  # evicted long ago
    assert model.page_loads == 13
    assert model.lead_at(120) is None
    assert model.lead_at(-1) is None


@pytest.mark.parametrize("order_by", ["received_on", "due_on", "subject", "subject_unit", "status"])
@pytest.mark.parametrize("descending", [False, True])
def test_rows_match_an_unwindowed_listing(
    make_model: MakeModel, demo_store: Store, order_by: str, descending: bool
) -> None:
    """Page by page (the back half read from the end) gives the store's one listing, exactly."""
    from workstation.services.leads import list_leads

    query = LeadQuery(order_by=order_by, descending=descending)
    expected = [r.ref for r in list_leads(demo_store, IMPLICIT_ADMIN, query)]
    if order_by == "subject":
        assert any(r.subject is None for r in list_leads(demo_store, IMPLICIT_ADMIN, query))
    model = make_model(demo_store, page_size=7, max_pages=2)
    model.set_query(query)
    assert [_cell(model, r, Column.REF) for r in range(model.rowCount())] == expected
    # ...and in any order of access, as a scrolling user would ask for them.
    rows = list(range(model.rowCount()))
    random.Random(order_by).shuffle(rows)
    assert {r: _cell(model, r, Column.REF) for r in rows} == dict(enumerate(expected))


# --- a big store: the window must stay a window -------------------------------------------


@pytest.fixture(scope="module")
def big_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    from workstation import demo

    store = open_store(tmp_path_factory.mktemp("big") / "big.db", create=True)
    demo.generate(store, IMPLICIT_ADMIN, leads=20_000, cases=10, seed=7)
    yield store
    store.dispose()


@pytest.mark.slow
def test_scrolling_a_big_store_to_the_end_fetches_only_a_few_pages(
    make_model: MakeModel, big_store: Store, qtbot: QtBot
) -> None:
    model = make_model(big_store)
    assert model.rowCount() == count_leads(big_store, IMPLICIT_ADMIN) == 20_000
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(1000, 600)
    with qtbot.waitExposed(view):
        view.show()
    view.grab()
    first_screen = model.page_loads
    assert 1 <= first_screen <= 2
    view.scrollToBottom()
    view.grab()
    last = model.rowCount() - 1
    assert model.data(model.index(last, Column.REF)) is not None
    # The first page, then the one or two pages under the last screen: nothing in between.
    assert model.page_loads <= first_screen + 2
    assert model.cached_rows() <= model.max_pages * model.page_size
    view.scrollToTop()
    view.grab()
    assert model.page_loads <= first_screen + 2 + 1


def test_index_outside_the_table_has_no_data(make_model: MakeModel, lead_store: Store) -> None:
    model = make_model(lead_store)
    assert model.data(QModelIndex()) is None
    assert model.index(4, 0).isValid() is False
    assert model.rowCount(model.index(0, 0)) == 0
    assert model.headerData(0, Qt.Orientation.Vertical) == 1


def test_overdue_counts_to_today_or_to_the_end_of_a_finished_campaign(lead_store: Store) -> None:
    def overdue(model: LeadsModel) -> list[bool]:
        return [
            model.data(model.index(r, Column.REF), Qt.ItemDataRole.ForegroundRole) is not None
            for r in range(model.rowCount())
        ]

    # Newest first: received 06-25 (due 07-25), 05-20 (concluded), 04-02, 03-05 (both due
    # before 06-30). The default campaign ended 2021-06-30: overdue is judged as of that day.
    model = LeadsModel(lead_store, IMPLICIT_ADMIN)
    assert overdue(model) == [False, False, True, True]
    # While a campaign runs, overdue means overdue today.
    with lead_store.write() as session:
        cfg = settings.load(session)
        settings.save(session, dataclasses.replace(cfg, campaign_end=dt.date(2099, 12, 31)))
    assert clock.today() > dt.date(2021, 7, 25)
    model.refresh()
    assert overdue(model) == [True, False, True, True]
