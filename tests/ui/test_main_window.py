"""The main window, driven as a user would: reading the table, searching, sorting, keys."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDropEvent, QInputMethodEvent
from PySide6.QtWidgets import QApplication, QHeaderView, QLabel, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from ui.leads_model import Column
from ui.main_window import MainWindow
from workstation.services.auth import IMPLICIT_ADMIN, Actor
from workstation.services.leads import LeadQuery, count_leads
from workstation.store import Store

if TYPE_CHECKING:
    from conftest import MessageBoxes

pytestmark = pytest.mark.gui

MakeWindow = Callable[..., MainWindow]


@pytest.fixture(autouse=True)
def _destroy_closed_windows() -> Iterator[None]:
    """Delete the windows pytest-qt closed (with deleteLater) at once, not in some later test's
    event loop, where freeing them would disturb what that test measures (the None counts of
    tests/ui/test_none_refcount.py)."""
    yield
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


@pytest.fixture
def make_window(qtbot: QtBot, settings: QSettings, today: dt.date) -> MakeWindow:
    def make(store: Store, actor: Actor = IMPLICIT_ADMIN, **kwargs: object) -> MainWindow:
        window = MainWindow(store, actor, settings=settings, today=today, **kwargs)  # type: ignore[arg-type]
        qtbot.addWidget(window)
        with qtbot.waitExposed(window):
            window.show()
        return window

    return make


def _refs(window: MainWindow) -> list[str]:
    model = window.model
    return [str(model.index(r, Column.REF).data()) for r in range(model.rowCount())]


def _click_header(qtbot: QtBot, header: QHeaderView, column: int) -> None:
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )


def test_window_lists_the_store_leads(make_window: MakeWindow, lead_store: Store) -> None:
    window = make_window(lead_store)
    assert window.windowTitle() == "案件监督工作站"
    assert window.table.model() is window.model
    assert window.model.rowCount() == count_leads(lead_store, IMPLICIT_ADMIN) == 4
    assert window.count_label.text() == "共 4 条"
    # A vocabulary cell shows its Chinese label, as the view would paint it.
    channel = window.table.model().index(0, Column.CHANNEL)
    assert channel.data() == "来访"
    header = window.table.model().headerData(Column.CHANNEL, Qt.Orientation.Horizontal)
    assert header == "来源渠道"
    # Drawn without errors, with room for the table.
    assert not window.grab().isNull()
    assert window.table.viewport().height() > 200


def test_status_bar_names_store_user_state_and_count(
    make_window: MakeWindow, lead_store: Store
) -> None:
    inspector = Actor(login="insp1", display_name="李核查", role="inspector")
    window = make_window(lead_store, inspector)
    assert window.store_label.text() == f"数据库：{lead_store.describe()}"
    assert window.user_label.text() == "用户：李核查（核查人员）"
    assert window.total_label.text() == "库内线索 4 条"
    assert window.state_label.text() == "未加密"


# --- pages ---------------------------------------------------------------------------------


def test_side_list_names_the_pages_and_opens_on_the_leads(
    make_window: MakeWindow, lead_store: Store
) -> None:
    window = make_window(lead_store)
    titles = [window.navigation.item(i).text() for i in range(window.navigation.count())]
    assert titles == ["总览", "线索", "案件", "异常审查", "导入", "简报", "设置", "数据交换"]
    assert window.current_page() == "leads"
    assert window.navigation.current_key() == "leads"
    assert window.stack.currentWidget() is window.leads_view


@pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$")
def test_ctrl_number_switches_pages_and_the_last_one_is_remembered(
    make_window: MakeWindow, lead_store: Store, qtbot: QtBot
) -> None:
    window = make_window(lead_store)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() == "cases"
    assert window.navigation.current_key() == "cases"
    cases = window.stack.currentWidget()
    assert cases.objectName() != "placeholder_cases"  # the cases view, made on first showing
    # The leads' keys do not act on a page that is not on screen.
    assert not window.leads_view.export_action.isEnabled()
    assert not window.leads_view.refresh_action.isEnabled()

    window.navigation.setCurrentRow(0)  # a click in the side list
    assert window.current_page() == "overview"
    qtbot.keyClick(window.stack.currentWidget(), Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() == "leads"
    assert window.leads_view.export_action.isEnabled()
    qtbot.keyClick(window.table, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() == "settings"
    window.close()

    again = make_window(lead_store)
    assert again.current_page() == "settings"
    assert again.navigation.current_key() == "settings"


def test_set_page_plugs_in_a_view(make_window: MakeWindow, lead_store: Store) -> None:
    window = make_window(lead_store)
    view = QLabel("案件视图")
    window.set_page("cases", view)
    window.show_page("cases")
    assert window.stack.currentWidget() is view
    assert window.page("cases") is view  # not replaced by the built-in view
    with pytest.raises(KeyError):
        window.set_page("nonsense", QLabel())


def test_open_list_shows_the_leads_behind_a_dashboard_tile(
    make_window: MakeWindow, lead_store: Store
) -> None:
    window = make_window(lead_store)
    window.show_page("overview")
    window.open_list("leads", {"category": "business"})
    assert window.current_page() == "leads"
    assert window.model.query.category == "business"
    assert _refs(window) == ["XS2021-00002"]
    window.open_list("leads", {"overdue": True})
    assert window.model.query.category is None
    assert window.model.query.overdue_as_of is not None
    window.open_list("leads", {})
    assert window.model.rowCount() == 4


def test_the_legend_names_the_date_overdue_is_judged_by(
    make_window: MakeWindow, lead_store: Store, today: dt.date
) -> None:
    window = make_window(lead_store)
    assert window.legend.text() == f"红色：截至 {today.isoformat()} 超期未办结"


def _type_chinese(widget: QWidget, text: str) -> None:
    """Chinese arrives as an input method's commit (as from a Pinyin IME), not as key presses."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def test_typing_in_the_search_box_filters_after_a_pause(
    make_window: MakeWindow, lead_store: Store, qtbot: QtBot
) -> None:
    window = make_window(lead_store)
    with qtbot.waitSignal(window.model.count_changed, timeout=3000) as signal:
        qtbot.keyClicks(window.search, "00002")
    assert signal.args == [1]
    assert window.model.query.search == "00002"
    assert window.model.rowCount() == 1
    assert window.count_label.text() == "共 1 条"
    assert _refs(window) == ["XS2021-00002"]
    # The store-wide total does not change with the search.
    assert window.total_label.text() == "库内线索 4 条"

    with qtbot.waitSignal(window.model.count_changed, timeout=3000) as signal:
        qtbot.keyClicks(window.search, "999")
    assert signal.args == [0]
    assert window.count_label.text() == "共 0 条"
    assert not window.grab().isNull()  # the empty-table placeholder paints

    with qtbot.waitSignal(window.model.count_changed, timeout=3000):
        window.search.clear()
    assert window.model.rowCount() == 4
    assert window.count_label.text() == "共 4 条"


def test_searching_chinese_text_typed_through_an_input_method(
    make_window: MakeWindow, lead_store: Store, qtbot: QtBot
) -> None:
    window = make_window(lead_store)
    window.search.setFocus()
    with qtbot.waitSignal(window.model.count_changed, timeout=3000) as signal:
        _type_chinese(window.search, "中级人民法院")
    assert window.search.text() == "中级人民法院"
    assert signal.args == [1]
    assert _refs(window) == ["XS2021-00002"]


def test_search_is_debounced(make_window: MakeWindow, lead_store: Store, qtbot: QtBot) -> None:
    window = make_window(lead_store)
    counts: list[int] = []
    window.model.count_changed.connect(counts.append)
    with qtbot.waitSignal(window.model.count_changed, timeout=3000):
        for chars in ("X", "S", "2021-", "0000", "3"):
            qtbot.keyClicks(window.search, chars)
    qtbot.wait(400)
    assert counts == [1]  # one query for the whole text, not one per keystroke


def test_return_searches_at_once(make_window: MakeWindow, lead_store: Store, qtbot: QtBot) -> None:
    window = make_window(lead_store)
    window.search.setText("赵强")
    with qtbot.waitSignal(window.model.count_changed, timeout=100):
        qtbot.keyClick(window.search, Qt.Key.Key_Return)
    assert _refs(window) == ["XS2021-00004"]


def test_clicking_headers_sorts_through_the_store(
    make_window: MakeWindow, lead_store: Store, qtbot: QtBot
) -> None:
    window = make_window(lead_store)
    header = window.table.horizontalHeader()
    # Newest first to begin with.
    assert _refs(window)[0] == "XS2021-00004"
    assert header.sortIndicatorSection() == Column.RECEIVED_ON
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder

    _click_header(qtbot, header, Column.SUBJECT)
    assert window.model.query.order_by == "subject"
    assert not window.model.query.descending
    subjects = [window.model.index(r, Column.SUBJECT).data() for r in range(4)]
    assert subjects == sorted(subjects)

    _click_header(qtbot, header, Column.REF)
    assert _refs(window) == ["XS2021-00001", "XS2021-00002", "XS2021-00003", "XS2021-00004"]
    _click_header(qtbot, header, Column.REF)
    assert window.model.query == LeadQuery(order_by="ref", descending=True)
    assert _refs(window)[0] == "XS2021-00004"
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder

    # The summary cannot be sorted by the store: order and indicator stay.
    _click_header(qtbot, header, Column.SUMMARY)
    assert window.model.query.order_by == "ref"
    assert header.sortIndicatorSection() == Column.REF


def test_dates_sort_newest_first_on_the_first_click(
    make_window: MakeWindow, lead_store: Store, qtbot: QtBot
) -> None:
    window = make_window(lead_store)
    header = window.table.horizontalHeader()
    _click_header(qtbot, header, Column.REF)
    _click_header(qtbot, header, Column.DUE_ON)
    assert window.model.query == LeadQuery(order_by="due_on", descending=True)


def test_keyboard_find_refresh_and_quit(
    make_window: MakeWindow,
    lead_store: Store,
    qtbot: QtBot,
    add_leads: Callable[[Store, int], None],
) -> None:
    window = make_window(lead_store)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.table.setFocus()

    qtbot.keyClick(window.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search.hasFocus()

    add_leads(lead_store, 2)
    assert window.model.rowCount() == 4
    with qtbot.waitSignal(window.model.count_changed, timeout=1000):
        qtbot.keyClick(window.table, Qt.Key.Key_F5)
    assert window.model.rowCount() == 6
    assert window.count_label.text() == "共 6 条"
    assert window.total_label.text() == "库内线索 6 条"

    qtbot.keyClick(window.search, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not window.isVisible()


def test_geometry_and_columns_are_remembered(
    make_window: MakeWindow, lead_store: Store, settings: QSettings, qtbot: QtBot
) -> None:
    window = make_window(lead_store)
    window.resize(780, 460)  # within the offscreen screen (800×600)
    window.table.horizontalHeader().resizeSection(Column.SUBJECT, 211)
    _click_header(qtbot, window.table.horizontalHeader(), Column.REF)
    window.close()
    assert settings.contains("main_window/geometry")

    again = make_window(lead_store)
    assert (again.width(), again.height()) == (780, 460)
    assert again.table.horizontalHeader().sectionSize(Column.SUBJECT) == 211
    # The saved sort indicator is the order the new window shows.
    assert again.model.query.order_by == "ref"
    assert _refs(again)[0] == "XS2021-00001"


def test_windowed_model_keeps_a_big_table_cheap(
    make_window: MakeWindow, many_lead_store: Store, qtbot: QtBot
) -> None:
    window = make_window(many_lead_store)
    window.grab()
    # 120 leads fit in one page of the window: one read for the count, one page for the rows.
    assert window.model.page_loads == 1
    window.table.scrollToBottom()
    window.grab()
    assert window.model.page_loads == 1


def test_store_refusing_a_read_is_reported_once_not_raised(
    make_window: MakeWindow, lead_store: Store, qtbot: QtBot, message_boxes: MessageBoxes
) -> None:
    window = make_window(lead_store)
    loads_before = window.model.page_loads
    # The store refuses an order it does not know, with a Chinese message for the user.
    window.model.set_query(LeadQuery(order_by="no_such_column"))
    window.grab()  # painting asks for the rows: the page read fails
    window.grab()  # ...and is not retried on every paint
    qtbot.waitUntil(lambda: len(message_boxes.seen) == 1)
    qtbot.wait(100)
    assert len(message_boxes.seen) == 1
    assert "no_such_column" in message_boxes.texts()[0]
    assert "no_such_column" in window.statusBar().currentMessage()
    assert window.model.page_loads == loads_before + 1


def test_leads_left_unindexed_are_indexed_in_the_background(
    qtbot: QtBot, store: Store, admin: Actor
) -> None:
    from workstation import search
    from workstation.services.leads import create_lead

    create_lead(store, admin, {"received_on": "2021-03-01", "summary": "反映民警违规插手经济纠纷"})
    with store.write() as session:  # as an upgrade or an interrupted import leaves them
        session.execute(text("INSERT INTO lead_search_pending (lead_id) SELECT id FROM leads"))
    assert search.index_backlog(store, admin) == 1
    window = MainWindow(store, admin, settings=QSettings())
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: search.index_backlog(store, admin) == 0, timeout=10_000)
    qtbot.waitUntil(lambda: "检索索引已更新" in window.statusBar().currentMessage(), timeout=5_000)
    assert count_leads(store, admin, LeadQuery(search="插手经济")) == 1


def _drop(path: Path) -> tuple[QDropEvent, QMimeData]:
    """A drop of `path`, and its data: the event does not own it, the caller keeps it alive."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(
        QPointF(200, 200),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    return event, mime


def test_a_spreadsheet_dropped_on_the_window_opens_the_import_wizard(
    qtbot: QtBot, store: Store, clerk: Actor, leader: Actor, tmp_path: Path
) -> None:
    ledger = tmp_path / "台账.csv"
    ledger.write_text("受理时间,来源渠道,主要问题\n2021-05-01,来电,反映派出所不作为\n", "utf-8")
    window = MainWindow(store, clerk, settings=QSettings())
    qtbot.addWidget(window)
    drop, _data = _drop(ledger)
    window.dropEvent(drop)
    assert drop.isAccepted()
    assert window.current_page() == "import"
    page = window.page("import")
    wizard = page.wizard  # type: ignore[attr-defined]
    assert wizard is not None
    assert wizard.path == ledger
    qtbot.waitUntil(lambda: not wizard.busy(), timeout=20_000)
    wizard.reject()

    # A leader does not import: the drop is refused and nothing opens.
    other = MainWindow(store, leader, settings=QSettings())
    qtbot.addWidget(other)
    refused, _refused_data = _drop(ledger)
    refused.setAccepted(False)
    other.dropEvent(refused)
    assert not refused.isAccepted()
    assert getattr(other.pages["import"], "wizard", None) is None
