"""The leads page driven as a user would: filters, search, bulk edits with undo, roles, export."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import openpyxl
import pytest
from PySide6.QtCore import (
    QDate,
    QEvent,
    QIdentityProxyModel,
    QItemSelectionModel,
    QSettings,
    Qt,
    QTimer,
)
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialogButtonBox,
    QMessageBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from ui.leads_model import Column, LeadsModel
from ui.leads_view import LeadsTableView
from ui.main_window import MainWindow
from workstation.services.auth import IMPLICIT_ADMIN, Actor
from workstation.services.leads import LeadQuery, get_lead, update_lead
from workstation.store import Store

if TYPE_CHECKING:
    from conftest import MessageBoxes

pytestmark = pytest.mark.gui

MakeWindow = Callable[..., MainWindow]

# A completer's popup asks the window system to raise it and grab the keyboard, and a dialog
# passes on its size hints; the offscreen platform can do neither, and says so. Tests that show
# popups or dialogs accept these messages only.
OFFSCREEN_LIMITS = pytest.mark.qt_log_ignore(
    r"^This plugin does not support (raise\(\)|grabbing the keyboard|propagateSizeHints\(\))$"
)


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
    def make(store: Store, actor: Actor = IMPLICIT_ADMIN) -> MainWindow:
        window = MainWindow(store, actor, settings=settings, today=today)
        qtbot.addWidget(window)
        with qtbot.waitExposed(window):
            window.show()
        _activate(qtbot, window)
        return window

    return make


def _refs(window: MainWindow) -> list[str]:
    model = window.model
    return [str(model.index(r, Column.REF).data()) for r in range(model.rowCount())]


def _select_refs(window: MainWindow, refs: set[str]) -> None:
    table = window.table
    selection = table.selectionModel()
    selection.clearSelection()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row, ref in enumerate(_refs(window)):
        if ref in refs:
            selection.select(window.model.index(row, 0), flags)


def _statuses(store: Store, refs: list[str]) -> list[str]:
    return [get_lead(store, IMPLICIT_ADMIN, ref).status for ref in refs]


def _type_chinese(widget: QWidget, text: str) -> None:
    """Chinese arrives as an input method's commit (as from a Pinyin IME), not as key presses."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def _activate(qtbot: QtBot, window: QWidget) -> None:
    """Make `window` the active one: keyboard shortcuts act in the active window only."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def _press_ok(qtbot: QtBot, buttons: QDialogButtonBox) -> None:
    dialog = buttons.window()
    qtbot.mouseClick(buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    # The offscreen platform gives the activation back to no window when a dialog goes (a
    # window system gives it to the dialog's parent): do it as the window system would.
    qtbot.waitUntil(lambda: not dialog.isVisible())
    parent = dialog.parentWidget()
    if parent is not None:
        qtbot.wait(1)  # the dialog is deleted once its signals are handled
        _activate(qtbot, parent.window())


# --- filters and search ------------------------------------------------------------------


def test_channel_and_date_range_filter_the_rows_and_the_count(
    make_window: MakeWindow, many_lead_store: Store, qtbot: QtBot
) -> None:
    window = make_window(many_lead_store)
    bar = window.leads_view.filter_bar
    assert window.count_label.text() == "共 120 条"

    with qtbot.waitSignal(window.model.count_changed) as signal:
        bar.channel.setCurrentIndex(bar.channel.findText("来信"))
    assert signal.args == [30]
    assert window.count_label.text() == "共 30 条"
    assert {window.model.index(r, Column.CHANNEL).data() for r in range(30)} == {"来信"}

    # The letters were received 2021-04-02 and one day earlier for each round of samples.
    with qtbot.waitSignal(window.model.count_changed):
        bar.received_from.setDate(QDate(2021, 3, 25))
    with qtbot.waitSignal(window.model.count_changed) as signal:
        bar.received_to.setDate(QDate(2021, 3, 31))
    assert signal.args == [7]
    assert window.model.query.received_from == dt.date(2021, 3, 25)
    assert window.model.query.received_to == dt.date(2021, 3, 31)
    received = [window.model.index(r, Column.RECEIVED_ON).data() for r in range(7)]
    assert received == [f"2021-03-{day}" for day in range(31, 24, -1)]
    assert window.total_label.text() == "库内线索 120 条"  # the store's total does not change

    with qtbot.waitSignal(window.model.count_changed) as signal:
        qtbot.mouseClick(bar.clear_button, Qt.MouseButton.LeftButton)
    assert signal.args == [120]
    assert window.model.query == LeadQuery()
    assert not bar.clear_button.isEnabled()


@OFFSCREEN_LIMITS
def test_unit_type_unit_status_and_overdue_filters(
    make_window: MakeWindow, lead_store: Store, qtbot: QtBot
) -> None:
    window = make_window(lead_store)
    bar = window.leads_view.filter_bar
    with qtbot.waitSignal(window.model.count_changed) as signal:
        bar.unit_type.setCurrentIndex(bar.unit_type.findData("court"))
    assert signal.args == [1]
    assert _refs(window) == ["XS2021-00002"]
    bar.unit_type.setCurrentIndex(0)

    # The unit box completes from the store's units.
    bar.unit.setFocus()
    bar.unit.setFocus()
    _type_chinese(bar.unit, "司法")
    assert "江州市司法局" in bar.unit_completer.model().stringList()
    with qtbot.waitSignal(window.model.count_changed) as signal:
        bar.unit.setText("江州市司法局")
        qtbot.keyClick(bar.unit, Qt.Key.Key_Return)
    assert _refs(window) == ["XS2021-00004"]
    bar.unit.clear()

    with qtbot.waitSignal(window.model.count_changed) as signal:
        bar.status.setCurrentIndex(bar.status.findData("concluded"))
    assert signal.args == [1]
    assert _refs(window) == ["XS2021-00003"]
    bar.status.setCurrentIndex(0)

    # As of the tests' today (2021-07-01), the two oldest open leads are overdue.
    with qtbot.waitSignal(window.model.count_changed) as signal:
        bar.overdue.click()
    assert _refs(window) == ["XS2021-00002", "XS2021-00001"]
    assert window.model.query.overdue_as_of == dt.date(2021, 7, 1)


def test_search_finds_a_phrase_of_the_summary(
    make_window: MakeWindow, lead_store: Store, qtbot: QtBot
) -> None:
    window = make_window(lead_store)
    with qtbot.waitSignal(window.model.count_changed, timeout=3000) as signal:
        window.search.setFocus()
        _type_chinese(window.search, "经营茶楼")
    assert signal.args == [1]
    assert _refs(window) == ["XS2021-00002"]
    assert window.count_label.text() == "共 1 条"


def test_filters_are_remembered(make_window: MakeWindow, lead_store: Store, qtbot: QtBot) -> None:
    window = make_window(lead_store)
    bar = window.leads_view.filter_bar
    bar.channel.setCurrentIndex(bar.channel.findData("letter"))
    bar.received_from.setDate(QDate(2021, 4, 1))
    window.close()

    again = make_window(lead_store)
    bar = again.leads_view.filter_bar
    assert bar.channel.currentData() == "letter"
    assert bar.received_from.value() == dt.date(2021, 4, 1)
    assert bar.received_to.value() is None
    assert again.model.query.channel == "letter"
    assert _refs(again) == ["XS2021-00002"]
    assert again.count_label.text() == "共 1 条"


# --- the lead form beside the table ------------------------------------------------------


def _choose(combo: QWidget, label: str) -> None:
    """Pick an entry of a drop-down by its label, as a click in its list would."""
    assert isinstance(combo, QComboBox)
    index = combo.findText(label)
    assert index >= 0, f"{label!r} not offered"
    combo.setCurrentIndex(index)


def test_selecting_a_row_shows_the_lead_in_the_form(
    make_window: MakeWindow, lead_store: Store
) -> None:
    window = make_window(lead_store)
    form = window.leads_view.form
    assert form.row() is None
    window.table.selectRow(2)
    row = form.row()
    assert row is not None
    assert row.ref == "XS2021-00002"
    assert form.title.text() == "XS2021-00002"
    assert form.fields["subject"].editor.text() == "李明"


@OFFSCREEN_LIMITS
def test_find_by_a_phrase_correct_the_category_then_undo(
    make_window: MakeWindow, lead_store: Store, qtbot: QtBot
) -> None:
    """The issue's walk-through: find a lead by a phrase of its summary, correct its
    category, see the table follow, undo it."""
    window = make_window(lead_store)
    view = window.leads_view
    qtbot.keyClick(window.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search.hasFocus()
    with qtbot.waitSignal(window.model.count_changed, timeout=3000):
        _type_chinese(window.search, "插手他人经济纠纷")
    assert _refs(window) == ["XS2021-00001"]
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Down)
    assert view.form.title.text() == "XS2021-00001"

    qtbot.keyClick(window.table, Qt.Key.Key_F2)
    category = view.form.fields["category"].editor
    assert category.hasFocus()
    _choose(category, "违规经商办企业（含配偶、子女及其配偶违规从事经营活动）")
    qtbot.keyClick(category, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert get_lead(lead_store, IMPLICIT_ADMIN, "XS2021-00001").category == "business"
    qtbot.waitUntil(lambda: window.model.index(0, Column.CATEGORY).data().startswith("违规经商"))
    assert view.form.bar.text.text()  # "已保存" or similar, in the form's bar
    assert window.undo_stack.count() == 1
    assert window.undo_stack.text(0) == "修改线索 XS2021-00001"

    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert get_lead(lead_store, IMPLICIT_ADMIN, "XS2021-00001").category == "interference"
    qtbot.waitUntil(lambda: view.form.fields["category"].value() == "interference")
    assert window.model.index(0, Column.CATEGORY).data().startswith("违反防止干预司法")


def test_an_invalid_edit_is_shown_in_the_form_and_stores_nothing(
    make_window: MakeWindow, lead_store: Store, qtbot: QtBot
) -> None:
    window = make_window(lead_store)
    view = window.leads_view
    window.table.selectRow(3)  # XS2021-00001, open
    before = get_lead(lead_store, IMPLICIT_ADMIN, "XS2021-00001")
    _choose(view.form.fields["status"].editor, "已办结")  # concluding needs a result
    assert not view.form.save()
    assert "result" in view.form.problems()
    assert get_lead(lead_store, IMPLICIT_ADMIN, "XS2021-00001") == before
    assert window.undo_stack.count() == 0

    _choose(view.form.fields["result"].editor, "不属实")
    assert view.form.save()
    after = get_lead(lead_store, IMPLICIT_ADMIN, "XS2021-00001")
    assert (after.status, after.result) == ("concluded", "unsubstantiated")
    assert after.concluded_on is not None  # filled in by the store
    # Undo puts back every field the edit changed, the concluded date too.
    window.undo_action.trigger()
    undone = get_lead(lead_store, IMPLICIT_ADMIN, "XS2021-00001")
    assert (undone.status, undone.result, undone.concluded_on) == ("new", None, None)


class ButtonPresser:
    """Answers each message box that opens by pressing one of its buttons; keeps their texts."""

    def __init__(self, button: QMessageBox.StandardButton) -> None:
        self.button = button
        self.texts: list[str] = []
        self._timer = QTimer()
        self._timer.setInterval(20)
        self._timer.timeout.connect(self._press)
        self._timer.start()

    def _press(self) -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            self.texts.append(box.text())
            box.button(self.button).click()

    def stop(self) -> None:
        self._timer.stop()


@OFFSCREEN_LIMITS
@pytest.mark.parametrize(
    ("answer", "stored", "shown"),
    [
        (QMessageBox.StandardButton.Save, "letter", "XS2021-00002"),
        (QMessageBox.StandardButton.Discard, "phone", "XS2021-00002"),
        (QMessageBox.StandardButton.Cancel, "phone", "XS2021-00001"),
    ],
    ids=["save", "discard", "stay"],
)
def test_leaving_a_lead_with_unsaved_edits_asks_first(
    make_window: MakeWindow,
    lead_store: Store,
    qtbot: QtBot,
    answer: QMessageBox.StandardButton,
    stored: str,
    shown: str,
) -> None:
    window = make_window(lead_store)
    view = window.leads_view
    window.table.selectRow(3)
    _choose(view.form.fields["channel"].editor, "来信")
    assert view.form.is_dirty()
    presser = ButtonPresser(answer)
    try:
        window.table.selectRow(2)
    finally:
        presser.stop()
    assert presser.texts == ["是否保存对线索 XS2021-00001 的修改？"]
    assert get_lead(lead_store, IMPLICIT_ADMIN, "XS2021-00001").channel == stored
    qtbot.waitUntil(lambda: view.form.title.text() == shown)
    if shown == "XS2021-00001":  # stayed: the edit is still there, and its row selected
        assert view.form.is_dirty()
        qtbot.waitUntil(lambda: window.table.selected_row_numbers(10) == [3])


# --- quick entry -------------------------------------------------------------------------


@OFFSCREEN_LIMITS
def test_ctrl_n_opens_quick_entry_and_the_table_shows_new_leads(
    make_window: MakeWindow, lead_store: Store, qtbot: QtBot
) -> None:
    window = make_window(lead_store)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = window.leads_view.quick_entry
    assert dialog is not None
    qtbot.waitExposed(dialog)
    dialog.fields["subject"].editor.setFocus()
    _type_chinese(dialog.fields["subject"].editor, "钱多多")
    dialog.fields["summary"].editor.setFocus()
    _type_chinese(dialog.fields["summary"].editor, "反映钱多多违规参股借贷，收取高额利息。")
    with qtbot.waitSignal(window.model.count_changed):
        row = dialog.save()
    assert row is not None
    assert window.model.rowCount() == 5
    assert window.count_label.text() == "共 5 条"
    assert window.total_label.text() == "库内线索 5 条"
    assert row.ref in _refs(window)


# --- bulk edits and undo -----------------------------------------------------------------


@OFFSCREEN_LIMITS
def test_bulk_status_change_then_undo_then_redo(
    make_window: MakeWindow, lead_store: Store, qtbot: QtBot
) -> None:
    window = make_window(lead_store)
    view = window.leads_view
    refs = ["XS2021-00001", "XS2021-00002"]
    _select_refs(window, set(refs))
    assert view.status_action.isEnabled()

    qtbot.keyClick(
        window.table,
        Qt.Key.Key_S,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    dialog = view.bulk_dialog
    assert dialog is not None
    dialog.set_value("assigned")
    _press_ok(qtbot, dialog.buttons)
    assert _statuses(lead_store, refs) == ["assigned", "assigned"]
    assert _statuses(lead_store, ["XS2021-00003", "XS2021-00004"]) == ["concluded", "new"]
    assert window.undo_stack.count() == 1
    assert "办理状态 → 已分办" in window.undo_stack.text(0)
    # The table shows the new values, with the same leads still selected.
    statuses = {window.model.index(r, Column.STATUS).data() for r in (2, 3)}
    assert statuses == {"已分办"}
    assert window.table.selected_row_numbers(10) == [2, 3]

    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _statuses(lead_store, refs) == ["new", "new"]
    qtbot.waitUntil(lambda: window.model.index(2, Column.STATUS).data() == "待处理")
    assert window.table.selected_row_numbers(10) == [2, 3]

    qtbot.keyClick(
        window.table,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert _statuses(lead_store, refs) == ["assigned", "assigned"]
    qtbot.waitUntil(lambda: window.model.index(2, Column.STATUS).data() == "已分办")

    # Ctrl+Y redoes too (after another undo).
    window.undo_action.trigger()
    assert _statuses(lead_store, refs) == ["new", "new"]
    qtbot.keyClick(window.table, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert _statuses(lead_store, refs) == ["assigned", "assigned"]


@OFFSCREEN_LIMITS
def test_bulk_handler_unit_with_completion_and_disposition(
    make_window: MakeWindow, lead_store: Store, qtbot: QtBot
) -> None:
    window = make_window(lead_store)
    view = window.leads_view
    _select_refs(window, {"XS2021-00004"})
    view.assign_action.trigger()
    dialog = view.bulk_dialog
    assert dialog is not None
    assert dialog.unit is not None
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()  # nothing typed yet
    _type_chinese(dialog.unit, "检察院")
    assert "江州市东湖区人民检察院" in dialog.unit.completer().model().stringList()
    dialog.unit.setText("江州市东湖区人民检察院")
    _press_ok(qtbot, dialog.buttons)
    assert (
        get_lead(lead_store, IMPLICIT_ADMIN, "XS2021-00004").handler_unit
        == "江州市东湖区人民检察院"
    )

    view.disposition_action.trigger()
    dialog = view.bulk_dialog
    assert dialog is not None
    dialog.set_value("talk_inquiry")
    _press_ok(qtbot, dialog.buttons)
    assert get_lead(lead_store, IMPLICIT_ADMIN, "XS2021-00004").disposition == "talk_inquiry"

    window.undo_action.trigger()
    window.undo_action.trigger()
    lead = get_lead(lead_store, IMPLICIT_ADMIN, "XS2021-00004")
    assert (lead.handler_unit, lead.disposition) == (None, None)


def test_bulk_change_with_a_validation_problem_changes_nothing(
    make_window: MakeWindow, lead_store: Store, qtbot: QtBot, message_boxes: MessageBoxes
) -> None:
    window = make_window(lead_store)
    view = window.leads_view
    before = {ref: get_lead(lead_store, IMPLICIT_ADMIN, ref) for ref in _refs(window)}
    window.table.selectAll()
    # Concluding needs a result: three of the four leads have none.
    assert not view.bulk_update({"status": "concluded"})
    assert message_boxes.seen
    text, detail = message_boxes.seen[-1]
    assert "没有修改任何线索" in text
    assert "XS2021-00001" in detail
    assert "核查结论" in detail
    for ref, lead in before.items():
        assert get_lead(lead_store, IMPLICIT_ADMIN, ref) == lead
    assert window.undo_stack.count() == 0


def test_undo_after_someone_else_changed_the_lead_refuses_clearly(
    make_window: MakeWindow,
    lead_store: Store,
    qtbot: QtBot,
    message_boxes: MessageBoxes,
    inspector: Actor,
) -> None:
    window = make_window(lead_store)
    _select_refs(window, {"XS2021-00001"})
    assert window.leads_view.bulk_update({"status": "verifying"})
    lead = get_lead(lead_store, IMPLICIT_ADMIN, "XS2021-00001")
    # Another user moves the lead on meanwhile.
    update_lead(
        lead_store, inspector, lead.id, {"status": "shelved"}, expected_version=lead.version
    )

    window.undo_action.trigger()
    qtbot.waitUntil(lambda: len(message_boxes.seen) == 1)
    assert "已被" in message_boxes.texts()[0]
    assert get_lead(lead_store, IMPLICIT_ADMIN, "XS2021-00001").status == "shelved"
    assert window.undo_stack.count() == 0  # the step that could not be undone is gone


# --- roles -------------------------------------------------------------------------------


def test_clerk_is_not_offered_bulk_edits(
    make_window: MakeWindow, lead_store: Store, clerk: Actor
) -> None:
    window = make_window(lead_store, clerk)
    view = window.leads_view
    window.table.selectAll()
    offered = [a for menu in window.menuBar().actions() for a in menu.menu().actions()]
    offered += window.toolbar.actions() + window.table.actions()
    for action in view.bulk_actions:
        assert not action.isVisible()
        assert action in offered  # present, but hidden everywhere it is shown
    assert view.new_action.isVisible()  # a clerk enters leads
    assert not view.export_unmasked_action.isVisible()
    assert not view.bulk_update({"status": "assigned"})
    assert get_lead(lead_store, IMPLICIT_ADMIN, "XS2021-00001").status == "new"


def test_leader_reads_and_exports_but_neither_edits_nor_enters(
    make_window: MakeWindow, lead_store: Store, leader: Actor
) -> None:
    window = make_window(lead_store, leader)
    view = window.leads_view
    assert not view.new_action.isVisible()
    assert not any(action.isVisible() for action in view.bulk_actions)
    assert view.export_action.isVisible()
    assert view.export_unmasked_action.isVisible()


# --- export ------------------------------------------------------------------------------


def test_export_writes_the_filtered_list(
    make_window: MakeWindow, lead_store: Store, qtbot: QtBot, tmp_path: Path
) -> None:
    window = make_window(lead_store)
    bar = window.leads_view.filter_bar
    with qtbot.waitSignal(window.model.count_changed):
        bar.status.setCurrentIndex(bar.status.findData("new"))
    target = tmp_path / "线索.xlsx"
    job = window.leads_view.export_to(target)
    assert job is not None
    with qtbot.waitSignal(job.finished, timeout=10_000):
        pass
    assert "3" in window.statusBar().currentMessage()
    workbook = openpyxl.load_workbook(target, read_only=True)
    try:
        rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()
    assert "线索编号" in rows[0]
    column = rows[0].index("线索编号")
    assert [row[column] for row in rows[1:]] == ["XS2021-00004", "XS2021-00002", "XS2021-00001"]


# --- Qt calling our overrides --------------------------------------------------------------


def test_overrides_called_from_qt_do_not_leak_none(
    qtbot: QtBot, lead_store: Store, today: dt.date
) -> None:
    """The guard of tests/ui/test_none_refcount.py, over this page's own overrides."""
    from test_none_refcount import CALLS, UNHANDLED_ROLE, _assert_not_leaked, _none_refs

    model = LeadsModel(lead_store, IMPLICIT_ADMIN, today=today)
    view = LeadsTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(600, 300)
    with qtbot.waitExposed(view):
        view.show()
    proxy = QIdentityProxyModel()
    proxy.setSourceModel(model)
    index = proxy.index(0, Column.REF)

    def call_overrides() -> None:
        assert proxy.data(index, UNHANDLED_ROLE) is None  # data() -> None, called from C++
        view.viewport().repaint()  # paintEvent() -> None, called from C++
        view.sortByColumn(Column.SUMMARY, Qt.SortOrder.AscendingOrder)  # sort() -> None

    call_overrides()  # pages loaded, earlier tests' windows gone: only the calls are measured
    QApplication.processEvents()
    gc.disable()
    try:
        before = _none_refs()
        for _ in range(CALLS):
            call_overrides()
        refs = (before, _none_refs())
    finally:
        gc.enable()
    _assert_not_leaked(refs, CALLS)
