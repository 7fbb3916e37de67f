"""The conflicts view: real conflicts made by two real stores exchanging real packets, decided
with L and R as a reviewer would; the main window's hint and who sees the page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from ui.conflicts_view import ConflictsModel, ConflictsView
from ui.main_window import MainWindow
from ui.navigation import PAGE_KEYS
from workstation.services import exchange
from workstation.services.auth import IMPLICIT_ADMIN, Actor
from workstation.services.lead_lists import list_leads
from workstation.services.leads import create_lead, update_lead
from workstation.store import Store, open_store

pytestmark = pytest.mark.gui

TODAY = dt.date(2021, 7, 1)
PASSPHRASE = "江州核查组-2021"
FIRST, SECOND = "XS2021-00001", "XS2021-00002"
SUMMARY_HERE = "反映王建国插手他人经济纠纷，违规查封财物（本机核实补充）。"
SUMMARY_THERE = "反映王建国插手他人经济纠纷（对方核实补充）。"

MakeView = Callable[[Actor], ConflictsView]


def _lead(store: Store, subject: str, category: str) -> None:
    create_lead(
        store,
        IMPLICIT_ADMIN,
        {
            "received_on": dt.date(2021, 3, 5),
            "channel": "phone",
            "category": category,
            "subject": subject,
            "subject_unit": "江州市公安局东湖分局城关派出所",
            "summary": "反映王建国插手他人经济纠纷，违规查封财物。",
        },
        today=TODAY,
    )


def two_machines(folder: Path) -> tuple[Store, Store]:
    """Machine A seeds machine B with two leads; both then change the first lead's summary and
    the second lead's category differently, and B's packet comes back to A: two conflicts on A."""
    here = open_store(folder / "here.db", create=True)
    there = open_store(folder / "there.db", create=True)
    _lead(here, "王建国", "interference")
    _lead(here, "李明", "business")
    seed = exchange.export_packet(
        here, IMPLICIT_ADMIN, folder / "seed.wsx", PASSPHRASE, everything=True
    )
    exchange.import_packet(there, IMPLICIT_ADMIN, seed.path, PASSPHRASE)
    update_lead(here, IMPLICIT_ADMIN, FIRST, {"summary": SUMMARY_HERE}, today=TODAY)
    update_lead(there, IMPLICIT_ADMIN, FIRST, {"summary": SUMMARY_THERE}, today=TODAY)
    update_lead(here, IMPLICIT_ADMIN, SECOND, {"category": "shareholding_lending"}, today=TODAY)
    update_lead(there, IMPLICIT_ADMIN, SECOND, {"category": "other"}, today=TODAY)
    back = exchange.export_packet(
        there, IMPLICIT_ADMIN, folder / "back.wsx", PASSPHRASE, everything=True
    )
    result = exchange.import_packet(here, IMPLICIT_ADMIN, back.path, PASSPHRASE)
    assert result.new_conflicts == 2
    return here, there


@pytest.fixture
def machines(tmp_path: Path) -> Iterator[tuple[Store, Store]]:
    here, there = two_machines(tmp_path)
    yield here, there
    here.dispose()
    there.dispose()


@pytest.fixture
def here(machines: tuple[Store, Store]) -> Store:
    return machines[0]


@pytest.fixture
def make_view(qtbot: QtBot, here: Store) -> MakeView:
    def make(actor: Actor) -> ConflictsView:
        view = ConflictsView(here, actor)
        qtbot.addWidget(view)
        view.setMinimumSize(1000, 560)  # explicit: no size hints sent offscreen
        view.resize(1000, 560)
        view.show()
        qtbot.waitExposed(view)
        # Single-letter shortcuts act only in the active window, as on a desktop.
        view.activateWindow()
        qtbot.waitUntil(view.isActiveWindow)
        return view

    return make


def cells(view: ConflictsView, row: int) -> list[str]:
    model = view.model
    return [str(model.index(row, c).data() or "") for c in range(model.columnCount())]


def summary_of(store: Store, ref: str) -> str:
    (lead,) = [lead for lead in list_leads(store, IMPLICIT_ADMIN) if lead.ref == ref]
    return str(lead.summary)


def category_of(store: Store, ref: str) -> str:
    (lead,) = [lead for lead in list_leads(store, IMPLICIT_ADMIN) if lead.ref == ref]
    return str(lead.category)


def test_model_passes_qt_model_tester(qtmodeltester: ModelTester, here: Store) -> None:
    model = ConflictsModel()
    model.set_rows(exchange.list_conflicts(here, IMPLICIT_ADMIN, open_only=False))
    assert model.rowCount() == 2
    qtmodeltester.check(model, force_py=True)


def test_the_open_conflicts_are_listed_side_by_side(make_view: MakeView) -> None:
    view = make_view(IMPLICIT_ADMIN)
    assert view.model.rowCount() == 2
    assert view.count_label.text() == "待处理 2 处"
    rows = {cells(view, r)[ConflictsModel.OBJECT]: cells(view, r) for r in range(2)}
    first = next(row for label, row in rows.items() if FIRST in label)
    assert first[ConflictsModel.LOCAL].startswith("反映王建国插手他人经济纠纷，违规查封财物")
    assert first[ConflictsModel.REMOTE] == SUMMARY_THERE
    assert first[ConflictsModel.FIELD]  # the field's Chinese name
    assert first[ConflictsModel.SOURCE]
    assert first[ConflictsModel.OUTCOME] == "待处理"
    second = next(row for label, row in rows.items() if SECOND in label)
    # Vocabulary values as their Chinese labels.
    assert second[ConflictsModel.LOCAL] == "违规参股借贷"
    assert second[ConflictsModel.REMOTE].startswith("其他")
    # The selected one in full below, with both values.
    assert view.current_row() == 0
    assert view.detail.isVisible()
    conflict = view.current_conflict()
    assert conflict is not None
    assert conflict.entity_label in view.detail_title.text()
    assert view.keep_local_button.isEnabled()
    assert view.take_remote_button.isEnabled()
    assert view.keys_label.text() == "L 保留本机的值 · R 采用对方的值"
    assert not view.grab().isNull()


def test_l_keeps_this_machines_value_r_takes_the_other_and_the_next_is_selected(
    qtbot: QtBot, make_view: MakeView, here: Store
) -> None:
    view = make_view(IMPLICIT_ADMIN)
    first = view.current_conflict()
    assert first is not None
    with qtbot.waitSignal(view.open_count_changed) as counted:
        qtbot.keyClick(view.table, Qt.Key.Key_L)
    assert counted.args == [1]
    # Decided on the open list: it left, and the other one is selected.
    assert view.model.rowCount() == 1
    second = view.current_conflict()
    assert second is not None
    assert second.id != first.id
    assert view.table.hasFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_R)
    assert view.model.rowCount() == 0
    assert view.open_count == 0
    # The empty state says so; nothing is left to decide.
    assert view.table.isHidden()
    assert view.empty_label.isVisible()
    assert "没有待处理的冲突" in view.empty_label.text()
    assert not view.keep_local_action.isEnabled()
    assert not view.take_remote_action.isEnabled()
    assert exchange.count_open_conflicts(here, IMPLICIT_ADMIN) == 0

    # The decisions took effect on the records.
    decided = {c.id: c for c in exchange.list_conflicts(here, IMPLICIT_ADMIN, open_only=False)}
    assert decided[first.id].resolution == "local"
    assert decided[second.id].resolution == "remote"
    values = {
        FIRST: summary_of(here, FIRST),
        SECOND: category_of(here, SECOND),
    }
    kept = FIRST if FIRST in first.entity_label else SECOND
    taken = SECOND if kept == FIRST else FIRST
    assert values[kept] == (SUMMARY_HERE if kept == FIRST else "shareholding_lending")
    assert values[taken] == (SUMMARY_THERE if taken == FIRST else "other")


def test_all_conflicts_show_who_decided_and_when(
    qtbot: QtBot, make_view: MakeView, inspector: Actor
) -> None:
    view = make_view(inspector)
    view.keep_local()
    view.filter_combo.setCurrentIndex(1)  # 全部冲突
    assert view.model.rowCount() == 2
    assert view.count_label.text() == "共 2 处，待处理 1 处"
    outcomes = sorted(cells(view, r)[ConflictsModel.OUTCOME] for r in range(2))
    assert outcomes[1] == "待处理"
    assert outcomes[0].startswith("保留本机 · ")
    assert inspector.login in outcomes[0] or inspector.display_name in outcomes[0]
    # In the full list the decided one stays; R decides the open one, which stays too.
    open_row = next(r for r in range(2) if cells(view, r)[ConflictsModel.OUTCOME] == "待处理")
    view.table.selectRow(open_row)
    assert view.take_remote_button.isEnabled()
    view.take_remote()
    assert view.model.rowCount() == 2
    assert view.open_count == 0
    assert all(cells(view, r)[ConflictsModel.OUTCOME] != "待处理" for r in range(2))
    # A decided conflict is not decided again.
    assert not view.keep_local_button.isEnabled()
    assert view.keep_local() is None


def test_a_store_without_conflicts_says_what_the_list_is_for(qtbot: QtBot, store: Store) -> None:
    view = ConflictsView(store, IMPLICIT_ADMIN)
    qtbot.addWidget(view)
    view.setMinimumSize(900, 500)  # explicit: no size hints sent offscreen
    view.resize(900, 500)
    view.show()
    assert view.model.rowCount() == 0
    assert view.empty_label.isVisible()
    assert "没有待处理的冲突" in view.empty_label.text()
    assert view.count_label.text() == "待处理 0 处"
    assert view.detail.isHidden()
    view.filter_combo.setCurrentIndex(1)
    assert "尚无冲突" in view.empty_label.text()


# --- the main window ----------------------------------------------------------------------------


@pytest.fixture
def make_window(qtbot: QtBot, settings: QSettings) -> Callable[..., MainWindow]:
    def make(store: Store, actor: Actor = IMPLICIT_ADMIN) -> MainWindow:
        window = MainWindow(store, actor, settings=settings, today=TODAY)
        qtbot.addWidget(window)
        with qtbot.waitExposed(window):
            window.show()
        return window

    return make


def test_the_status_bar_names_the_open_conflicts_and_leads_to_them(
    qtbot: QtBot, make_window: Callable[..., MainWindow], here: Store
) -> None:
    window = make_window(here)
    qtbot.waitUntil(lambda: window.conflicts_label.isVisible())
    assert "2 处冲突待处理" in window.conflicts_label.text()
    window.conflicts_label.linkActivated.emit("#conflicts")
    assert window.current_page() == "exchange"
    page = window.page("exchange")
    assert page.tabs is not None
    assert page.tabs.currentWidget() is page.conflicts
    assert page.tabs.tabText(1) == "冲突（2）"
    assert page.conflicts is not None
    # A decision may change a lead: the page says so (the window reloads the leads).
    with qtbot.waitSignal(page.store_changed, timeout=1000):
        page.conflicts.keep_local()
    page.conflicts.keep_local()
    assert window.conflicts_label.isHidden()
    assert page.tabs.tabText(1) == "冲突"


def test_the_exchange_page_is_for_who_decides_conflicts(
    make_window: Callable[..., MainWindow], here: Store, clerk: Actor, inspector: Actor
) -> None:
    index = PAGE_KEYS.index("exchange")
    window = make_window(here, clerk)
    assert window.navigation.item(index).isHidden()
    window.show_page("exchange")
    assert window.current_page() == "leads"
    assert window.conflicts_label.isHidden()
    window.close()

    window = make_window(here, inspector)
    assert not window.navigation.item(index).isHidden()
    assert window.navigation.item(index).text() == "数据交换"
    window.show_page("exchange")
    page = window.page("exchange")
    assert page.tabs is None  # an inspector decides conflicts, exports nothing
    assert page.conflicts is not None
    assert page.conflicts.model.rowCount() == 2
