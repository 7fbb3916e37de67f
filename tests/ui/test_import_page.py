"""The 导入 page: batches with undo, the wizard opened by button, drop or the main window,
mapping profiles, and what a role without import rights sees."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook
from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from ui.import_models import BatchesModel, PreviewModel, ProfilesModel, RejectsModel
from ui.import_page import ImportPage, ProfilesDialog
from ui.import_wizard import ImportWizard
from workstation.importing import ImportOptions, list_batches, preview, run_import
from workstation.importing.profiles import list_profiles, save_profile
from workstation.services.auth import Actor
from workstation.services.lead_lists import count_leads, list_leads
from workstation.services.leads import update_lead
from workstation.store import Store

pytestmark = pytest.mark.gui

OFFSCREEN_SIZE_HINTS = r"^This plugin does not support propagateSizeHints\(\)$"
TODAY = dt.date(2021, 6, 30)
MakePage = Callable[[Actor], ImportPage]


def ledger(path: Path, rows: int = 6, *, bad: bool = True) -> Path:
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.append(["受理时间", "来源渠道", "被反映人", "所在单位", "主要问题"])
    for n in range(1, rows + 1):
        received = dt.date(2021, 3, n)
        ws.append([received, "来电", f"王{n}", "江州市公安局东湖分局", f"反映其违规经商第{n}号"])
    if bad:
        ws.append(["2021年2月30日", "来电", "李四", "江州市司法局", "反映其作风粗暴"])
    workbook.save(path)
    return path


def imported(store: Store, actor: Actor, path: Path) -> int:
    result = run_import(store, actor, path, ImportOptions(kind="leads", today=TODAY))
    assert result.batch is not None
    return result.batch


@pytest.fixture
def make_page(qtbot: QtBot, store: Store) -> Iterator[MakePage]:
    pages: list[ImportPage] = []

    def make(actor: Actor) -> ImportPage:
        page = ImportPage(store, actor, today=TODAY)
        qtbot.addWidget(page)
        page.setMinimumSize(900, 500)  # explicit: no size hints sent offscreen
        page.resize(1100, 600)
        page.show()
        pages.append(page)
        return page

    yield make
    for page in pages:
        # Never leave a job running on a store the fixture is about to close.
        qtbot.waitUntil(lambda page=page: page.undo_job is None, timeout=20_000)
        if page.wizard is not None:
            wizard = page.wizard
            qtbot.waitUntil(lambda wizard=wizard: not wizard.busy(), timeout=20_000)


class Answer:
    """Clicks the accept-role button of each message box (modal boxes run their own loop)."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self._timer = QTimer()
        self._timer.setInterval(20)
        self._timer.timeout.connect(self._answer)
        self._timer.start()

    def _answer(self) -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            self.seen.append(box.text())
            for button in box.buttons():
                if box.buttonRole(button) == QMessageBox.ButtonRole.AcceptRole:
                    button.click()
                    return

    def stop(self) -> None:
        self._timer.stop()


@pytest.fixture
def say_yes() -> Iterator[Answer]:
    answer = Answer()
    yield answer
    answer.stop()


def test_a_leader_is_told_the_page_is_not_for_them(make_page: MakePage, leader: Actor) -> None:
    page = make_page(leader)
    assert not page.allowed
    assert "领导" in page.denied.text()
    assert page.findChildren(QPushButton) == []
    assert page.open_file("x.xlsx") is None


def test_the_batches_list_shows_each_import(
    make_page: MakePage, store: Store, clerk: Actor, tmp_path: Path
) -> None:
    imported(store, clerk, ledger(tmp_path / "三月.xlsx"))
    imported(store, clerk, ledger(tmp_path / "四月.xlsx", 3, bad=False))
    page = make_page(clerk)
    model = page.model
    assert model.rowCount() == 2
    newest = [model.index(0, c).data() for c in range(model.columnCount())]
    assert newest[BatchesModel.NUMBER] == "2"
    assert newest[BatchesModel.FILE] == "四月.xlsx"
    assert newest[BatchesModel.KIND] == "线索"
    assert newest[BatchesModel.IMPORTED] == "0"  # the same rows again: all duplicates
    assert newest[BatchesModel.DUPLICATES] == "3"
    assert newest[BatchesModel.USER] == "clerk1"
    assert newest[BatchesModel.STATE] == "有效"
    first = [model.index(1, c).data() for c in range(model.columnCount())]
    assert (first[BatchesModel.IMPORTED], first[BatchesModel.REJECTED]) == ("6", "1")
    assert not page.undo_button.isEnabled()  # nothing selected yet


@pytest.mark.qt_log_ignore(OFFSCREEN_SIZE_HINTS)
def test_undo_a_selected_batch(
    qtbot: QtBot,
    make_page: MakePage,
    store: Store,
    clerk: Actor,
    tmp_path: Path,
    say_yes: Answer,
) -> None:
    imported(store, clerk, ledger(tmp_path / "三月.xlsx"))
    page = make_page(clerk)
    page.table.selectRow(0)
    assert page.undo_button.isEnabled()
    with qtbot.waitSignal(page.batches_changed):
        qtbot.mouseClick(page.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.undo_job is None)
    assert "三月.xlsx" in say_yes.seen[0]
    assert count_leads(store, clerk) == 0
    assert "已撤销" in page.message.text()
    assert page.model.index(0, BatchesModel.STATE).data().startswith("已于")
    assert not page.undo_button.isEnabled()


@pytest.mark.qt_log_ignore(OFFSCREEN_SIZE_HINTS)
def test_undo_refused_by_the_service_is_said_politely(
    qtbot: QtBot,
    make_page: MakePage,
    store: Store,
    clerk: Actor,
    admin: Actor,
    tmp_path: Path,
    say_yes: Answer,
) -> None:
    imported(store, clerk, ledger(tmp_path / "三月.xlsx"))
    lead = list_leads(store, clerk)[0]
    update_lead(store, admin, lead.ref, {"status": "assigned"}, today=TODAY)
    page = make_page(clerk)
    page.table.selectRow(0)
    qtbot.mouseClick(page.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.undo_job is None)
    assert "不能撤销批次 1" in page.message.text()
    assert lead.ref in page.message.text()
    assert count_leads(store, clerk) == 6
    assert list_batches(store, clerk)[0].undone_at is None


@pytest.mark.qt_log_ignore(r"^This plugin does not support raise\(\)$")
def test_new_import_opens_the_wizard_and_refreshes_the_list_after(
    qtbot: QtBot, make_page: MakePage, store: Store, clerk: Actor, tmp_path: Path
) -> None:
    page = make_page(clerk)
    wizard = page.open_file(ledger(tmp_path / "三月.xlsx"))
    assert isinstance(wizard, ImportWizard)
    assert wizard.isVisible()
    assert page.open_file(None) is None  # one wizard at a time
    qtbot.waitUntil(lambda: wizard.file_page.isComplete(), timeout=20_000)
    with qtbot.waitSignal(page.imported, timeout=20_000) as signal:
        for _ in range(3):
            qtbot.waitUntil(
                lambda: (
                    wizard.button(wizard.WizardButton.NextButton).isEnabled()
                    or wizard.button(wizard.WizardButton.CommitButton).isEnabled()
                ),
                timeout=20_000,
            )
            wizard.next()
    assert signal.args == [1]
    qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.SUMMARY, timeout=20_000)
    assert page.model.rowCount() == 1
    assert page.selected() is not None
    assert page.selected().id == 1
    wizard.accept()
    qtbot.waitUntil(lambda: page.wizard is None)


def test_a_file_dropped_on_the_page_opens_the_wizard_on_it(
    qtbot: QtBot, make_page: MakePage, clerk: Actor, tmp_path: Path
) -> None:
    path = ledger(tmp_path / "拖入.xlsx")
    page = make_page(clerk)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    drop = QDropEvent(
        QPointF(20, 20),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    page.dropEvent(drop)
    assert drop.isAccepted()
    wizard = page.wizard
    assert wizard is not None
    assert wizard.path == path
    qtbot.waitUntil(lambda: not wizard.busy(), timeout=20_000)
    assert wizard.file_page.isComplete()
    wizard.reject()


def test_profiles_dialog_lists_and_deletes(
    qtbot: QtBot, store: Store, clerk: Actor, make_page: MakePage
) -> None:
    save_profile(
        store, clerk, "区指导组台账", "leads", ["受理时间", "主要问题"], ["received_on", "summary"]
    )
    page = make_page(clerk)
    dialog = page.show_profiles()
    assert isinstance(dialog, ProfilesDialog)
    assert dialog.model.rowCount() == 1
    assert dialog.model.index(0, 0).data() == "区指导组台账"
    assert dialog.model.index(0, 2).data() == "受理时间、主要问题"
    assert not dialog.delete_button.isEnabled()
    dialog.table.selectRow(0)
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert dialog.model.rowCount() == 0
    assert "区指导组台账" in dialog.message.text()
    assert list_profiles(store, clerk) == []
    dialog.reject()


# --- the models -------------------------------------------------------------------------------


def test_models_pass_the_model_tester(
    qtmodeltester: ModelTester, store: Store, clerk: Actor, tmp_path: Path
) -> None:
    path = ledger(tmp_path / "a.xlsx")
    imported(store, clerk, path)
    batches = BatchesModel()
    batches.set_rows(list_batches(store, clerk))
    qtmodeltester.check(batches, force_py=True)

    shown = preview(path, "leads", today=TODAY)
    grid = PreviewModel()
    grid.set_preview(shown)
    qtmodeltester.check(grid, force_py=True)
    assert grid.rowCount() == len(shown.rows) + 1

    check = run_import(store, clerk, path, ImportOptions(kind="leads", dry_run=True, today=TODAY))
    rejects = RejectsModel()
    rejects.set_rows(check.rejected, {"received_on": "受理时间"})
    qtmodeltester.check(rejects, force_py=True)
    assert rejects.index(0, 1).data() == "受理时间"

    save_profile(store, clerk, "甲", "leads", ["受理时间", "主要问题"], ["received_on", "summary"])
    profiles = ProfilesModel()
    profiles.set_rows(list_profiles(store, clerk))
    qtmodeltester.check(profiles, force_py=True)
