"""The review queue driven from the keyboard, as a reviewer clears it: J/K, C, D, the counter."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flagged_cases import NF1, NP2, SP1, build_flagged_store, flag_of
from PySide6.QtCore import QIdentityProxyModel, QSettings, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from ui.reason_dialog import ReasonDialog
from ui.review_queue import ReviewQueue
from ui.review_queue_model import AnomalyQueueModel, QueueDelegate
from workstation.services import review
from workstation.services.auth import IMPLICIT_ADMIN, Actor
from workstation.store import Store

pytestmark = pytest.mark.gui


@pytest.fixture
def flagged(tmp_path: Path) -> Iterator[Store]:
    store = build_flagged_store(tmp_path / "cases.db")
    yield store
    store.dispose()


MakeQueue = Callable[..., ReviewQueue]


@pytest.fixture
def make_queue(qtbot: QtBot, flagged: Store, settings: QSettings) -> MakeQueue:
    def make(actor: Actor = IMPLICIT_ADMIN) -> ReviewQueue:
        queue = ReviewQueue(flagged, actor, settings=settings)
        qtbot.addWidget(queue)
        # As the main window does: an explicit minimum, so that layout changes never resend
        # size hints to the (offscreen) window system.
        queue.setMinimumSize(640, 400)
        queue.resize(1400, 760)
        queue.show()
        qtbot.waitExposed(queue)
        # Single-letter shortcuts act only in the active window, as on a desktop.
        queue.activateWindow()
        qtbot.waitUntil(queue.isActiveWindow)
        return queue

    return make


def press(qtbot: QtBot, queue: ReviewQueue, key: Qt.Key) -> None:
    """A key as the reviewer presses it, with the focus in the list."""
    qtbot.keyClick(queue.list, key)


def type_in(widget: QWidget, text: str) -> None:
    """Chinese text as an input method commits it (QTest's key clicks are Latin-1 only)."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def dialog_of(queue: ReviewQueue) -> ReasonDialog:
    assert queue.reason_dialog is not None, "no reason dialog open"
    return queue.reason_dialog


def decide(qtbot: QtBot, queue: ReviewQueue, key: Qt.Key, reason: str) -> None:
    """C or D, a reason typed, Enter: the whole decision from the keyboard."""
    press(qtbot, queue, key)
    dialog = dialog_of(queue)
    type_in(dialog.reason_edit, reason)
    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Return)


def listed(queue: ReviewQueue) -> list[str]:
    rows = (queue.model.anomaly_at(r) for r in range(queue.model.rowCount()))
    return [flag.case_no for flag in rows if flag is not None]


# --- the model -------------------------------------------------------------------------------


@pytest.mark.parametrize("force_py", [True, False], ids=["python-tester", "qt-tester"])
def test_model_passes_qt_model_tester(
    qtmodeltester: ModelTester, flagged: Store, force_py: bool
) -> None:
    model = AnomalyQueueModel(flagged, IMPLICIT_ADMIN, page_size=2, max_pages=2)
    assert model.rowCount() == 3
    qtmodeltester.check(model, force_py=force_py)


# --- the page --------------------------------------------------------------------------------


def test_queue_opens_on_the_first_suspected_flag(make_queue: MakeQueue) -> None:
    queue = make_queue()
    assert listed(queue) == [NF1, SP1, NP2]  # in the order the scan found them
    assert queue.remaining_label.text() == "剩余 3 条"
    assert queue.current_row() == 0
    assert queue.flag_panel.explanation_text() == "受案后 29 天未作出立案决定（期限 7 天）"
    assert "规则 NF-1" in queue.flag_panel.rule_label.text()
    assert queue.reopen_button.isHidden()  # nothing to reopen on a suspected flag
    # The case's facts beside it.
    assert NF1 in queue.detail.toPlainText()
    assert "2021年6月1日" in queue.detail.toPlainText()


def test_j_and_k_move_through_the_queue(qtbot: QtBot, make_queue: MakeQueue) -> None:
    queue = make_queue()
    press(qtbot, queue, Qt.Key.Key_J)
    assert queue.current_row() == 1
    assert queue.flag_panel.flag is not None
    assert queue.flag_panel.flag.case_no == SP1
    press(qtbot, queue, Qt.Key.Key_J)
    press(qtbot, queue, Qt.Key.Key_J)  # past the end: stays on the last
    assert queue.current_row() == 2
    press(qtbot, queue, Qt.Key.Key_K)
    assert queue.current_row() == 1
    press(qtbot, queue, Qt.Key.Key_K)
    press(qtbot, queue, Qt.Key.Key_K)  # before the start: stays on the first
    assert queue.current_row() == 0


def test_c_confirms_and_the_next_item_is_selected(
    qtbot: QtBot, make_queue: MakeQueue, flagged: Store
) -> None:
    queue = make_queue()
    first = flag_of(flagged, NF1)
    decide(qtbot, queue, Qt.Key.Key_C, "受案近一月未作立案决定，属实")
    confirmed = review.get_anomaly(flagged, IMPLICIT_ADMIN, first.id)
    assert (confirmed.state, confirmed.reviewer) == ("confirmed", "admin")
    assert confirmed.reason == "受案近一月未作立案决定，属实"
    assert queue.remaining_label.text() == "剩余 2 条"
    assert listed(queue) == [SP1, NP2]
    assert queue.current_row() == 0
    assert queue.flag_panel.flag is not None
    assert queue.flag_panel.flag.case_no == SP1
    assert queue.list.hasFocus()


def test_d_with_an_empty_reason_is_refused_then_dismissed(
    qtbot: QtBot, make_queue: MakeQueue, flagged: Store
) -> None:
    queue = make_queue()
    press(qtbot, queue, Qt.Key.Key_J)
    press(qtbot, queue, Qt.Key.Key_D)
    dialog = dialog_of(queue)
    qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.error_text() == "请填写理由：理由将随决定一并记录。"
    assert review.get_anomaly(flagged, IMPLICIT_ADMIN, flag_of(flagged, SP1).id).state == (
        "suspected"
    )
    type_in(dialog.reason_edit, "已恢复侦查，近期有讯问笔录")
    assert dialog.error_text() == ""
    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Return)
    dismissed = review.get_anomaly(flagged, IMPLICIT_ADMIN, flag_of(flagged, SP1).id)
    assert (dismissed.state, dismissed.reason) == ("dismissed", "已恢复侦查，近期有讯问笔录")
    assert queue.remaining_label.text() == "剩余 2 条"
    assert listed(queue) == [NF1, NP2]
    assert queue.flag_panel.flag is not None
    assert queue.flag_panel.flag.case_no == NP2  # the one after the dismissed one


def test_escape_leaves_the_flag_undecided(
    qtbot: QtBot, make_queue: MakeQueue, flagged: Store
) -> None:
    queue = make_queue()
    press(qtbot, queue, Qt.Key.Key_C)
    dialog = dialog_of(queue)
    type_in(dialog.reason_edit, "想一想")
    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Escape)
    assert queue.reason_dialog is None
    assert review.count_anomalies(flagged, IMPLICIT_ADMIN, review.AnomalyQuery(state="suspected"))
    assert listed(queue) == [NF1, SP1, NP2]


def test_a_queue_cleared_with_keys_says_so(
    qtbot: QtBot, make_queue: MakeQueue, flagged: Store
) -> None:
    queue = make_queue()
    decide(qtbot, queue, Qt.Key.Key_C, "属实")
    decide(qtbot, queue, Qt.Key.Key_D, "已恢复侦查")
    assert queue.remaining_label.text() == "剩余 1 条"
    # The last item: deciding it empties the queue. A reason used before completes inline.
    press(qtbot, queue, Qt.Key.Key_C)
    dialog = dialog_of(queue)
    qtbot.keyClicks(dialog.reason_edit, "")
    type_in(dialog.reason_edit, "属")
    assert dialog.reason_edit.text() == "属实"
    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Return)
    assert review.get_anomaly(flagged, IMPLICIT_ADMIN, flag_of(flagged, NP2).id).reason == "属实"
    assert queue.model.rowCount() == 0
    assert queue.remaining_label.text() == "剩余 0 条"
    assert queue.flag_panel.message_text() == "队列已清空：没有待审查的疑似异常。"
    assert not queue.confirm_action.isEnabled()
    press(qtbot, queue, Qt.Key.Key_C)  # nothing left to decide: nothing opens
    assert queue.reason_dialog is None


def test_decided_flags_show_who_decided_and_when(
    qtbot: QtBot, make_queue: MakeQueue, flagged: Store
) -> None:
    review.dismiss(flagged, IMPLICIT_ADMIN, flag_of(flagged, NP2).id, "不起诉决定适当")
    queue = make_queue()
    queue.state_combo.setCurrentIndex(queue.state_combo.findData("dismissed"))
    assert listed(queue) == [NP2]
    assert queue.remaining_label.text() == "剩余 2 条"  # still counts what awaits review
    assert queue.listed_label.text() == "列出 1 条"
    decision = queue.flag_panel.decision_label.text()
    assert "admin 于 " in decision
    assert "已排除" in decision
    assert "不起诉决定适当" in decision
    assert queue.reopen_action.isEnabled()
    assert not queue.reopen_button.isHidden()
    assert not queue.dismiss_action.isEnabled()
    # R takes the decision back: the flag awaits review again; the reason may be left out.
    press(qtbot, queue, Qt.Key.Key_R)
    dialog = dialog_of(queue)
    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Return)
    assert review.get_anomaly(flagged, IMPLICIT_ADMIN, flag_of(flagged, NP2).id).state == (
        "suspected"
    )
    assert queue.remaining_label.text() == "剩余 3 条"


def test_kind_filter_narrows_the_queue(make_queue: MakeQueue) -> None:
    queue = make_queue()
    queue.kind_combo.setCurrentIndex(queue.kind_combo.findData("not_prosecuted"))
    assert listed(queue) == [NP2]
    assert queue.remaining_label.text() == "剩余 1 条"
    queue.agency_combo.setCurrentIndex(queue.agency_combo.findText("江州市公安局东湖分局"))
    assert listed(queue) == []
    assert queue.flag_panel.message_text() == "此筛选条件下没有待审查的异常。"


def test_a_decision_made_elsewhere_meanwhile_is_reported(
    qtbot: QtBot, make_queue: MakeQueue, flagged: Store, inspector: Actor
) -> None:
    queue = make_queue()
    review.confirm(flagged, inspector, flag_of(flagged, NF1).id, "同事已认定")
    press(qtbot, queue, Qt.Key.Key_D)
    dialog = dialog_of(queue)
    type_in(dialog.reason_edit, "不属实")
    qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert "insp1" in dialog.error_text()
    assert "请刷新后再处理" in dialog.error_text()
    assert review.get_anomaly(flagged, IMPLICIT_ADMIN, flag_of(flagged, NF1).id).state == (
        "confirmed"
    )


def test_a_role_without_review_rights_reads_only(
    qtbot: QtBot, make_queue: MakeQueue, leader: Actor
) -> None:
    queue = make_queue(leader)
    assert not queue.read_only_label.isHidden()
    assert queue.confirm_button.isHidden()
    assert queue.dismiss_button.isHidden()
    press(qtbot, queue, Qt.Key.Key_C)
    press(qtbot, queue, Qt.Key.Key_D)
    assert queue.reason_dialog is None
    press(qtbot, queue, Qt.Key.Key_J)  # reading through the queue still works
    assert queue.current_row() == 1
    assert queue.keys_label.text() == "J 下一条 · K 上一条"


# --- None returned to Qt from the overrides (see test_none_refcount.py) -----------------------

CALLS = 2_000
UNHANDLED_ROLE = Qt.ItemDataRole.UserRole + 77


def _none_refs() -> int:
    gc.collect()
    return sys.getrefcount(None)


def test_model_data_returning_none_does_not_leak(flagged: Store) -> None:
    model = AnomalyQueueModel(flagged, IMPLICIT_ADMIN)
    proxy = QIdentityProxyModel()
    proxy.setSourceModel(model)
    index = proxy.index(0, 0)
    gc.disable()
    try:
        before = _none_refs()
        for _ in range(CALLS):
            assert proxy.data(index, UNHANDLED_ROLE) is None
            assert proxy.headerData(0, Qt.Orientation.Horizontal, UNHANDLED_ROLE) is None
        after = _none_refs()
    finally:
        gc.enable()
    assert after >= before, f"{before - after} references to None lost"


def test_queue_painting_does_not_leak(make_queue: MakeQueue) -> None:
    queue = make_queue()
    painted = 0

    class CountingDelegate(QueueDelegate):
        def paint(self, *args: Any) -> None:
            nonlocal painted
            painted += 1
            super().paint(*args)

    queue.list.setItemDelegate(CountingDelegate(queue.model, queue.list))
    gc.disable()
    try:
        before = _none_refs()
        rounds = 0
        # Each grab paints the visible rows: QListView (C++) calls paint() for each.
        while painted < CALLS and rounds < 2_000:
            queue.list.viewport().grab()
            rounds += 1
        after = _none_refs()
    finally:
        gc.enable()
    assert painted >= CALLS
    assert after >= before, f"{before - after} references to None lost over {painted} paints"


def test_scanning_from_the_page_fills_the_queue(
    qtbot: QtBot, tmp_path: Path, settings: QSettings, leader: Actor
) -> None:
    from flagged_cases import CASES, ENTERED_ON

    from workstation.services import cases
    from workstation.store import open_store

    store = open_store(tmp_path / "unscanned.db", create=True)
    try:
        for case_no, (agency, facts) in CASES.items():
            fields = {"case_no": case_no, "agency": agency, "kind": "刑事", "cause": "盗窃"}
            cases.create_case(store, IMPLICIT_ADMIN, {**fields, **facts}, today=ENTERED_ON)
        queue = ReviewQueue(store, IMPLICIT_ADMIN, settings=settings)
        qtbot.addWidget(queue)
        queue.setMinimumSize(640, 400)
        queue.show()
        assert queue.model.rowCount() == 0
        assert queue.scan_button.isVisibleTo(queue)
        job = queue.run_scan()
        assert job is not None
        qtbot.waitUntil(lambda: job.done, timeout=20_000)
        qtbot.waitUntil(lambda: queue.scan_label.isVisibleTo(queue), timeout=5_000)
        found = review.count_anomalies(
            store, IMPLICIT_ADMIN, review.AnomalyQuery(state="suspected")
        )
        assert found > 0
        assert queue.model.rowCount() == found
        assert f"{found} 条新疑似" in queue.scan_label.text()

        # A leader reads the queue but does not run scans.
        read_only = ReviewQueue(store, leader, settings=settings)
        qtbot.addWidget(read_only)
        assert not read_only.scan_button.isVisibleTo(read_only)
        assert read_only.run_scan() is None
    finally:
        store.dispose()
