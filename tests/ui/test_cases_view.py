"""The cases page driven as a user would: badges, filters, the detail pane, manual marking."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flagged_cases import CLEAN_EAST, NF1, NP2, SP1, build_flagged_store, case_id
from PySide6.QtCore import QEvent, QIdentityProxyModel, QPoint, QSettings, Qt
from PySide6.QtGui import QColor, QImage, QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import event

from ui.anomaly_badges import KIND_COLOURS, BadgeDelegate
from ui.cases_model import BadgesRole, CasesModel, Column
from ui.cases_view import CasesView
from ui.reason_dialog import ReasonDialog
from workstation.services import review
from workstation.services.auth import IMPLICIT_ADMIN, Actor
from workstation.store import Store

pytestmark = pytest.mark.gui

DISPLAY = Qt.ItemDataRole.DisplayRole


@pytest.fixture
def flagged(tmp_path: Path) -> Iterator[Store]:
    store = build_flagged_store(tmp_path / "cases.db")
    yield store
    store.dispose()


MakeView = Callable[..., CasesView]


@pytest.fixture
def make_view(qtbot: QtBot, flagged: Store, settings: QSettings) -> MakeView:
    def make(actor: Actor = IMPLICIT_ADMIN, **kwargs: Any) -> CasesView:
        view = CasesView(flagged, actor, settings=settings, **kwargs)
        qtbot.addWidget(view)
        # As the main window does: an explicit minimum, so that layout changes never resend
        # size hints to the (offscreen) window system.
        view.setMinimumSize(640, 400)
        view.resize(1400, 700)
        view.show()
        qtbot.waitExposed(view)
        return view

    return make


def row_of(view: CasesView, case_no: str) -> int:
    for row in range(view.model.rowCount()):
        case = view.model.case_at(row)
        if case is not None and case.case_no == case_no:
            return row
    raise AssertionError(f"{case_no} not listed")


def cell(model: CasesModel, row: int, column: Column, role: int = DISPLAY) -> Any:
    return model.data(model.index(row, column), role)


# --- the model -------------------------------------------------------------------------------


@pytest.mark.parametrize("force_py", [True, False], ids=["python-tester", "qt-tester"])
def test_model_passes_qt_model_tester(
    qtmodeltester: ModelTester, flagged: Store, force_py: bool
) -> None:
    model = CasesModel(flagged, IMPLICIT_ADMIN, page_size=2, max_pages=2)
    qtmodeltester.check(model, force_py=force_py)


def test_badges_are_read_once_per_page(flagged: Store) -> None:
    model = CasesModel(flagged, IMPLICIT_ADMIN, page_size=3)
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(flagged.engine, "before_cursor_execute", seen)
    try:
        for row in range(model.rowCount()):
            for column in Column:
                cell(model, row, column)
                cell(model, row, column, BadgesRole)
    finally:
        event.remove(flagged.engine, "before_cursor_execute", seen)
    assert model.page_loads == 2
    assert len([s for s in statements if "FROM anomalies" in s]) == 2


def test_cells_of_a_flagged_case(flagged: Store) -> None:
    model = CasesModel(flagged, IMPLICIT_ADMIN)
    rows = {model.case_at(r).case_no: r for r in range(model.rowCount())}  # type: ignore[union-attr]
    nf1, np2, clean = rows[NF1], rows[NP2], rows[CLEAN_EAST]
    assert cell(model, nf1, Column.ANOMALIES) == "有案不立（疑似）"
    assert cell(model, nf1, Column.ANOMALIES, BadgesRole) == (("not_filed", "suspected"),)
    assert cell(model, nf1, Column.PROGRESS) == "待决定立案"
    assert cell(model, nf1, Column.FILED_ON) == ""
    assert cell(model, np2, Column.PROGRESS) == "移送起诉（不起诉）"
    assert cell(model, np2, Column.ANOMALIES) == "有罪不究（疑似）"
    assert cell(model, clean, Column.ANOMALIES) == ""
    assert cell(model, clean, Column.ANOMALIES, BadgesRole) == ()
    assert cell(model, clean, Column.SUSPECT) == "未明确"
    assert model.headerData(Column.ANOMALIES, Qt.Orientation.Horizontal) == "异常"


# --- the page --------------------------------------------------------------------------------


def test_flagged_case_shows_its_badge_in_colour_and_text(make_view: MakeView) -> None:
    view = make_view()
    row = row_of(view, SP1)
    index = view.model.index(row, Column.ANOMALIES)
    assert index.data(DISPLAY) == "压案不查（疑似）"
    assert index.data(Qt.ItemDataRole.ToolTipRole) == "压案不查（疑似）"
    assert isinstance(view.table.itemDelegateForColumn(Column.ANOMALIES), BadgeDelegate)
    # The painted cell holds the kind's colour (its text and outline).
    image = view.table.viewport().grab(view.table.visualRect(index)).toImage()
    assert _has_colour(image, KIND_COLOURS["suppressed"])
    clean = view.model.index(row_of(view, CLEAN_EAST), Column.ANOMALIES)
    image = view.table.viewport().grab(view.table.visualRect(clean)).toImage()
    assert not _has_colour(image, KIND_COLOURS["suppressed"])


def _has_colour(image: QImage, colour: QColor, tolerance: int = 40) -> bool:
    for y in range(image.height()):
        for x in range(image.width()):
            pixel = image.pixelColor(x, y)
            if (
                abs(pixel.red() - colour.red())
                + abs(pixel.green() - colour.green())
                + abs(pixel.blue() - colour.blue())
                <= tolerance
            ):
                return True
    return False


def test_open_anomalies_only_reduces_the_count(qtbot: QtBot, make_view: MakeView) -> None:
    view = make_view()
    assert view.model.rowCount() == 5
    assert view.count_label.text() == "共 5 条"
    with qtbot.waitSignal(view.model.count_changed):
        qtbot.mouseClick(view.open_only, Qt.MouseButton.LeftButton, pos=QPoint(6, 6))
    assert view.open_only.isChecked()
    assert view.model.rowCount() == 3
    assert view.count_label.text() == "共 3 条"
    assert {view.model.case_at(r).case_no for r in range(3)} == {NF1, SP1, NP2}  # type: ignore[union-attr]


def test_kind_agency_and_text_filters(make_view: MakeView) -> None:
    view = make_view()
    view.kind_combo.setCurrentIndex(view.kind_combo.findData("not_prosecuted"))
    assert [view.model.case_at(r).case_no for r in range(view.model.rowCount())] == [NP2]  # type: ignore[union-attr]
    view.kind_combo.setCurrentIndex(0)
    view.agency_combo.setCurrentIndex(view.agency_combo.findText("江州市公安局西城分局"))
    assert view.model.rowCount() == 2
    view.agency_combo.setCurrentIndex(0)
    view.search.setText("0005")
    view.apply_filters()  # what Enter or the pause after typing does
    assert view.model.rowCount() == 1
    assert view.model.case_at(0).case_no == CLEAN_EAST  # type: ignore[union-attr]


def test_filters_are_remembered(qtbot: QtBot, flagged: Store, settings: QSettings) -> None:
    first = CasesView(flagged, IMPLICIT_ADMIN, settings=settings)
    qtbot.addWidget(first)
    first.open_only.setChecked(True)
    first.kind_combo.setCurrentIndex(first.kind_combo.findData("suppressed"))
    first.save_state()
    again = CasesView(flagged, IMPLICIT_ADMIN, settings=settings)
    qtbot.addWidget(again)
    assert again.open_only.isChecked()
    assert again.kind_combo.currentData() == "suppressed"
    assert again.model.rowCount() == 1


def test_selecting_a_case_shows_its_facts_and_history(make_view: MakeView) -> None:
    view = make_view()
    view.select_row(row_of(view, NF1))
    text = view.detail.toPlainText()
    assert NF1 in text
    assert "2021年6月1日" in text  # accepted, in prose
    assert "受案后 29 天未作出立案决定（期限 7 天）" in text
    assert "扫描发现疑似有案不立" in text
    assert view.mark_button.isEnabled()


def type_in(widget: QWidget, text: str) -> None:
    """Chinese text as an input method commits it (QTest's key clicks are Latin-1 only)."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def open_mark_dialog(qtbot: QtBot, view: CasesView) -> ReasonDialog:
    qtbot.mouseClick(view.mark_button, Qt.MouseButton.LeftButton)
    dialog = view.reason_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def test_manual_mark_with_a_reason_appears_in_the_history(
    qtbot: QtBot, make_view: MakeView, flagged: Store
) -> None:
    view = make_view()
    view.select_row(row_of(view, CLEAN_EAST))
    dialog = open_mark_dialog(qtbot, view)
    assert dialog.kind_combo is not None
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("suppressed"))
    # An empty reason is refused in the dialog, and nothing is written.
    qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert "请填写理由" in dialog.error_text()
    assert (
        review.anomaly_kinds_for_cases(flagged, IMPLICIT_ADMIN, [case_id(flagged, CLEAN_EAST)])
        == {}
    )
    type_in(dialog.reason_edit, "受案后两月无侦查措施")
    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Return)
    (mark,) = review.list_anomalies(
        flagged, IMPLICIT_ADMIN, review.AnomalyQuery(case_id=case_id(flagged, CLEAN_EAST))
    )
    assert (mark.kind, mark.state, mark.rule_id) == ("suppressed", "confirmed", "manual")
    assert mark.reason == "受案后两月无侦查措施"
    # The same case stays selected, with its new badge and the mark in its history.
    assert view.selected_case() is not None
    assert view.selected_case().case_no == CLEAN_EAST  # type: ignore[union-attr]
    row = row_of(view, CLEAN_EAST)
    assert cell(view.model, row, Column.ANOMALIES) == "压案不查（已认定）"
    assert "人工标记压案不查" in view.detail.toPlainText()
    assert "受案后两月无侦查措施" in view.detail.toPlainText()


def test_marking_a_kind_already_suspected_points_to_the_queue(
    qtbot: QtBot, make_view: MakeView
) -> None:
    view = make_view()
    view.select_row(row_of(view, NF1))
    dialog = open_mark_dialog(qtbot, view)
    assert dialog.kind_combo is not None
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("not_filed"))
    type_in(dialog.reason_edit, "久拖不立")
    qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert "异常审查" in dialog.error_text()
    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Escape)
    assert view.reason_dialog is None


def test_a_role_without_review_rights_is_refused_politely(
    qtbot: QtBot, make_view: MakeView, leader: Actor, message_boxes: Any
) -> None:
    view = make_view(leader)
    view.select_row(row_of(view, CLEAN_EAST))
    qtbot.mouseClick(view.mark_button, Qt.MouseButton.LeftButton)
    assert view.reason_dialog is None
    (text,) = message_boxes.texts()
    assert "无权认定、排除或标记案件异常" in text
    assert "请由核查人员标记" in text


def test_a_view_dropped_after_its_dialog_closed_is_freed_cleanly(
    flagged: Store, settings: QSettings
) -> None:
    """A closed dialog is deleted later, and may outlive the view's last Python reference:
    neither order may crash (a dialog with WA_DeleteOnClose holding a callback into the view
    did: the view went down inside the dialog's destructor)."""
    view = CasesView(flagged, IMPLICIT_ADMIN, settings=settings)
    view.select_row(0)
    view.mark_anomaly()
    dialog = view.reason_dialog
    assert dialog is not None
    dialog.reject()
    assert view.reason_dialog is None
    del dialog, view
    gc.collect()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # the dialog's deletion


# --- None returned to Qt from the overrides (see test_none_refcount.py) -----------------------

CALLS = 2_000
UNHANDLED_ROLE = Qt.ItemDataRole.UserRole + 77


def _none_refs() -> int:
    gc.collect()
    return sys.getrefcount(None)


def test_model_data_returning_none_does_not_leak(flagged: Store) -> None:
    model = CasesModel(flagged, IMPLICIT_ADMIN)
    proxy = QIdentityProxyModel()
    proxy.setSourceModel(model)
    index = proxy.index(0, Column.CASE_NO)
    gc.disable()
    try:
        before = _none_refs()
        for _ in range(CALLS):
            # QIdentityProxyModel::data is C++; it forwards to the Python override.
            assert proxy.data(index, UNHANDLED_ROLE) is None
            assert proxy.headerData(0, Qt.Orientation.Horizontal, UNHANDLED_ROLE) is None
        after = _none_refs()
    finally:
        gc.enable()
    assert after >= before, f"{before - after} references to None lost"


def test_badge_painting_does_not_leak(qtbot: QtBot, make_view: MakeView) -> None:
    view = make_view()
    painted = 0

    class CountingDelegate(BadgeDelegate):
        def paint(self, *args: Any) -> None:
            nonlocal painted
            painted += 1
            super().paint(*args)

    view.table.setItemDelegateForColumn(Column.ANOMALIES, CountingDelegate(BadgesRole, view.table))
    gc.disable()
    try:
        before = _none_refs()
        rounds = 0
        # Each grab paints every visible badge cell: QTableView (C++) calls paint() each time.
        while painted < CALLS and rounds < 2_000:
            view.table.viewport().grab()
            rounds += 1
        after = _none_refs()
    finally:
        gc.enable()
    assert painted >= CALLS
    assert after >= before, f"{before - after} references to None lost over {painted} paints"
    QApplication.processEvents()
