"""The import wizard, walked as a clerk walks it, on real messy workbooks and a real store."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QMessageBox, QWizard
from pytestqt.qtbot import QtBot

from ui.import_models import PROBLEM_BACKGROUND, FieldRole
from ui.import_wizard import ImportWizard
from workstation.importing import ImportResult, list_batches, run_import
from workstation.services.auth import Actor
from workstation.services.lead_lists import count_leads, list_leads
from workstation.store import Store

pytestmark = pytest.mark.gui

# What Qt's offscreen platform says when a message box fixes its size (see tests/ui/conftest.py).
OFFSCREEN_SIZE_HINTS = r"^This plugin does not support propagateSizeHints\(\)$"

TODAY = dt.date(2021, 6, 30)
CHANNELS = ["来电", "信件", "网上举报", "走访"]
UNITS = ["江州市公安局东湖分局", "江州市中级人民法院", "东湖区人民检察院"]
MakeWizard = Callable[..., ImportWizard]


def naive(year: int, month: int, day: int) -> dt.datetime:
    """A date as a spreadsheet cell holds it: a datetime without a time zone."""
    return dt.datetime.combine(dt.date(year, month, day), dt.time())


def messy_workbook(
    path: Path,
    rows: int = 20,
    *,
    first: int = 1,
    bad: bool = True,
    spaced: bool = False,
) -> Path:
    """A district's leads ledger as clerks keep them: a merged title and a note above a two-row
    header (被反映人 over 姓名 | 工作单位), headers in their own words, a 合计 row and a
    footnote below; with `bad`, an impossible date and an unknown channel."""
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = "台账"
    ws.append(["江州市2021年问题线索台账"])
    ws.merge_cells("A1:I1")
    ws.append(["填报单位：区指导组", None, None, None, None, None, None, None, "2021年6月"])
    received = "收 到 日 期" if spaced else "收到日期"
    ws.append(
        [
            "序号",
            received,
            "来源渠道",
            "被反映人",
            None,
            "职务",
            "问题类别",
            "反映的主要问题",
            "备注",
        ]
    )
    ws.append([None, None, None, "姓名", "工作单位"])
    ws.merge_cells("D3:E3")
    for column in "ABCFGHI":
        ws.merge_cells(f"{column}3:{column}4")
    for n in range(first, first + rows):
        ws.append(
            [
                n,
                naive(2021, 3, 1) + dt.timedelta(days=n % 90),
                CHANNELS[n % 4],
                f"王{n}",
                UNITS[n % 3],
                "民警",
                "违规经商",
                f"反映其违规经营娱乐场所第{n}号",
                f"区纪委转{n}",
            ]
        )
    count = rows
    if bad:
        n = first + rows
        ws.append([n, "2021年13月5日", "来电", "李四", UNITS[1], "法官", "其他", "反映其作风粗暴"])
        ws.append(
            [n + 1, naive(2021, 4, 1), "飞鸽传书", "赵五", UNITS[2], "检察官", "其他", "慢作为"]
        )
        count += 2
    ws.append(["合计", None, None, None, None, None, None, f"{count}件"])
    ws.append(["注：本表由区指导组汇总。"])
    workbook.save(path)
    return path


def store_digest(path: Path) -> str:
    """SHA-256 of every table's rows, in a fixed order: equal digests, equal stores."""
    digest = hashlib.sha256()
    with sqlite3.connect(path) as db:
        tables = [
            r[0]
            for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
        ]
        for table in tables:
            digest.update(table.encode())
            for row in sorted(repr(r) for r in db.execute(f'SELECT * FROM "{table}"')):
                digest.update(row.encode())
    return digest.hexdigest()


def audit_count(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute("SELECT count(*) FROM audit_events").fetchone()[0])


@pytest.fixture
def make_wizard(qtbot: QtBot, store: Store, clerk: Actor) -> Iterator[MakeWizard]:
    made: list[ImportWizard] = []

    def make(path: Path | None = None, *, importer: Any = run_import) -> ImportWizard:
        wizard = ImportWizard(store, clerk, path=path, today=TODAY, importer=importer)
        qtbot.addWidget(wizard)
        wizard.show()
        made.append(wizard)
        wait_idle(qtbot, wizard)
        return wizard

    yield make
    for wizard in made:
        # Never leave a job running on a store the fixture is about to close.
        qtbot.waitUntil(lambda wizard=wizard: not wizard.busy(), timeout=20_000)


def wait_idle(qtbot: QtBot, wizard: ImportWizard) -> None:
    qtbot.waitUntil(lambda: not wizard.busy(), timeout=20_000)


def go_next(qtbot: QtBot, wizard: ImportWizard, *, wait: bool = True) -> None:
    button = wizard.button(QWizard.WizardButton.NextButton)
    if wizard.currentPage().isCommitPage():
        button = wizard.button(QWizard.WizardButton.CommitButton)
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    if wait:
        wait_idle(qtbot, wizard)


class Answerer:
    """Clicks the button with `role` on every message box that opens (they run their own event
    loop), and keeps what each one said."""

    def __init__(self, role: QMessageBox.ButtonRole) -> None:
        self.role = role
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
                if box.buttonRole(button) == self.role:
                    button.click()
                    return

    def stop(self) -> None:
        self._timer.stop()


@pytest.fixture
def say_yes() -> Iterator[Answerer]:
    answerer = Answerer(QMessageBox.ButtonRole.AcceptRole)
    yield answerer
    answerer.stop()


def combo(wizard: ImportWizard, letter: str) -> QComboBox:
    page = wizard.preview_page
    model = page.model
    section = next(
        i for i in range(model.columnCount()) if (c := model.column(i)) and c.letter == letter
    )
    editor = page.table.indexWidget(model.index(0, section))
    assert isinstance(editor, QComboBox)
    return editor


def pick(qtbot: QtBot, wizard: ImportWizard, letter: str, field: str | None) -> None:
    """Choose a field in the drop-down over column `letter`, as a clerk does."""
    box = combo(wizard, letter)
    index = box.findData(field)
    assert index >= 0, (letter, field)
    box.setCurrentIndex(index)
    box.activated.emit(index)
    wait_idle(qtbot, wizard)


# --- end to end --------------------------------------------------------------------------------


def test_a_messy_workbook_end_to_end(
    qtbot: QtBot, tmp_path: Path, make_wizard: MakeWizard, store: Store, clerk: Actor
) -> None:
    path = messy_workbook(tmp_path / "东湖区线索台账.xlsx")
    wizard = make_wizard(path)
    page = wizard.file_page
    assert page.isComplete()
    assert "台账" in page.status.text()
    assert wizard.kind == "leads"

    # One sheet whose kind was recognised: straight to the preview.
    go_next(qtbot, wizard)
    assert wizard.currentId() == ImportWizard.PREVIEW
    preview = wizard.preview
    assert preview is not None
    assert preview.header_rows == (3, 4)
    assert "3–4" in wizard.preview_page.where.text()
    model = wizard.preview_page.model
    fields = [model.index(0, c).data(FieldRole) for c in range(model.columnCount())]
    assert fields == ["_seq", "received_on", "channel", "subject", "subject_unit",
                      "subject_position", "category", "summary", None]  # fmt: skip
    assert combo(wizard, "B").currentData() == "received_on"
    # The first data row is under the header; the bad rows come tinted with their reasons.
    assert model.headerData(1, Qt.Orientation.Vertical) == "5"
    bad = next(
        r for r in range(model.rowCount()) if model.headerData(r, Qt.Orientation.Vertical) == "25"
    )
    assert model.index(bad, 1).data(Qt.ItemDataRole.BackgroundRole) == PROBLEM_BACKGROUND
    assert "无法识别" in model.index(bad, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(1, 1).data(Qt.ItemDataRole.BackgroundRole) is None

    go_next(qtbot, wizard)
    assert wizard.currentId() == ImportWizard.CHECK
    check = wizard.check_page
    assert check.imported_tile.value.text() == "20"
    assert check.rejected_tile.value.text() == "2"
    assert check.duplicates_tile.value.text() == "0"
    rejected = [
        [check.model.index(r, c).data() for c in range(3)] for r in range(check.model.rowCount())
    ]
    assert rejected[0] == ["25", "受理时间", "受理时间“2021年13月5日”无法识别"]
    assert rejected[1][:2] == ["26", "来源渠道"]
    assert "飞鸽传书" in rejected[1][2]
    assert count_leads(store, clerk) == 0  # the check wrote nothing

    with qtbot.waitSignal(wizard.imported) as imported:
        go_next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.SUMMARY)
    assert imported.args == [1]
    summary = wizard.summary_page
    assert summary.imported_tile.value.text() == "20"
    assert summary.batch_tile.value.text() == "1"
    assert "第 25 行" in summary.details.toPlainText()
    assert "python -m" not in summary.details.toPlainText()
    assert not wizard.button(QWizard.WizardButton.BackButton).isEnabled()

    assert count_leads(store, clerk) == 20
    (batch,) = list_batches(store, clerk)
    assert (batch.imported, batch.rejected, batch.user, batch.sheet) == (20, 2, "clerk1", "台账")
    lead = list_leads(store, clerk)[0]
    assert lead.subject_unit in UNITS
    assert lead.batch == 1


def test_a_column_chosen_in_the_preview_is_how_the_import_reads_it(
    qtbot: QtBot, tmp_path: Path, make_wizard: MakeWizard, store: Store, clerk: Actor
) -> None:
    wizard = make_wizard(messy_workbook(tmp_path / "a.xlsx", bad=False))
    go_next(qtbot, wizard)
    pick(qtbot, wizard, "I", "handler_unit")  # 备注 holds the handling unit here
    pick(qtbot, wizard, "F", None)  # 职务 kept as extra data only
    page = wizard.preview_page
    model = page.model
    fields = {model.column(c).letter: model.index(0, c).data(FieldRole) for c in range(9)}
    assert (fields["I"], fields["F"]) == ("handler_unit", None)
    assert wizard.overrides == {"I": "handler_unit", "F": None}
    go_next(qtbot, wizard)
    go_next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.SUMMARY)
    leads = list_leads(store, clerk)
    assert len(leads) == 20
    assert {lead.subject_position for lead in leads} == {None}
    assert {lead.handler_unit for lead in leads} >= {"区纪委转1"}


def test_a_required_column_the_file_lacks_can_be_given_for_every_row(
    qtbot: QtBot, tmp_path: Path, make_wizard: MakeWizard, store: Store, clerk: Actor
) -> None:
    path = tmp_path / "东湖分局台账.xlsx"
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.append(["案号", "案由", "受案日期", "立案日期"])
    ws.append(["东公(刑)立字〔2021〕15号", "盗窃", dt.date(2021, 3, 1), dt.date(2021, 3, 4)])
    ws.append(["东公(刑)立字〔2021〕16号", "诈骗", dt.date(2021, 3, 2), None])
    workbook.save(path)
    wizard = make_wizard(path)
    assert wizard.kind == "cases"
    go_next(qtbot, wizard)
    page = wizard.preview_page
    assert not page.isComplete()
    assert "办案单位" in page.problem.text()
    assert list(page.constant_edits) == ["agency"]
    page.set_constant("agency", "江州市公安局东湖分局")
    wait_idle(qtbot, wizard)
    assert page.isComplete()
    go_next(qtbot, wizard)
    assert wizard.check_page.imported_tile.value.text() == "2"
    assert wizard.check_page.imported_tile.caption.text() == "件案件将导入"


def test_a_sheet_without_a_recognised_header_is_mapped_by_hand(
    qtbot: QtBot, tmp_path: Path, make_wizard: MakeWizard
) -> None:
    path = tmp_path / "手工.xlsx"
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.append(["甲", "乙", "丙"])
    ws.append(["2021-03-05", "反映某民警违规经商", "张三"])
    workbook.save(path)
    wizard = make_wizard(path)
    assert wizard.currentId() == ImportWizard.FILE
    assert wizard.file_page.nextId() == ImportWizard.SHEET  # kind unknown: asked
    go_next(qtbot, wizard)
    assert wizard.sheet_page.leads_radio.isChecked()
    go_next(qtbot, wizard)
    page = wizard.preview_page
    assert not page.isComplete()
    assert not page.model.has_mapping_row()
    page.header_spin.setValue(1)
    wait_idle(qtbot, wizard)
    assert page.model.has_mapping_row()
    pick(qtbot, wizard, "A", "received_on")
    assert not page.isComplete()
    pick(qtbot, wizard, "B", "summary")
    assert page.isComplete()
    go_next(qtbot, wizard)
    assert wizard.check_page.imported_tile.value.text() == "1"


def test_several_sheets_ask_for_the_sheet_and_guess_its_kind(
    qtbot: QtBot, tmp_path: Path, make_wizard: MakeWizard
) -> None:
    path = tmp_path / "两表.xlsx"
    workbook = Workbook()
    cover = workbook.active
    assert cover is not None
    cover.title = "封面"
    cover.append(["江州市政法队伍教育整顿"])
    cases = workbook.create_sheet("案件")
    cases.append(["案号", "办案单位", "案由", "受案日期"])
    cases.append(["东公(刑)立字〔2021〕15号", "江州市公安局东湖分局", "盗窃", dt.date(2021, 3, 1)])
    leads = workbook.create_sheet("线索")
    leads.append(["受理时间", "被反映人", "主要问题"])
    leads.append([dt.date(2021, 3, 1), "张三", "反映其违规经商"])
    workbook.save(path)
    wizard = make_wizard(path)
    go_next(qtbot, wizard)
    page = wizard.sheet_page
    assert wizard.currentId() == ImportWizard.SHEET
    sheets = [page.sheet_combo.itemData(i) for i in range(page.sheet_combo.count())]
    assert sheets == ["封面", "案件", "线索"]
    assert page.sheet_combo.currentData() == "案件"
    assert page.cases_radio.isChecked()
    page.sheet_combo.setCurrentIndex(2)
    assert page.leads_radio.isChecked()
    go_next(qtbot, wizard)
    assert (wizard.sheet, wizard.kind) == ("线索", "leads")
    assert wizard.preview is not None
    assert wizard.preview.sheet == "线索"


def test_a_gb18030_csv(
    qtbot: QtBot, tmp_path: Path, make_wizard: MakeWizard, store: Store, clerk: Actor
) -> None:
    path = tmp_path / "热线登记.csv"
    with path.open("w", encoding="gb18030", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["来电时间", "反映对象", "所在单位", "反映内容", "渠道"])
        for n in range(1, 6):
            writer.writerow(
                [f"2021年3月{n}日", f"张{n}", "江州市司法局", f"反映其推诿扯皮第{n}件", "12389"]
            )
    wizard = make_wizard(path)
    assert "GB18030" in wizard.file_page.status.text()
    go_next(qtbot, wizard)
    assert "GB18030" in wizard.preview_page.where.text()
    assert wizard.preview is not None
    assert wizard.preview.rows[0].cells[1] == "张1"
    go_next(qtbot, wizard)
    go_next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.SUMMARY)
    leads = list_leads(store, clerk)
    assert len(leads) == 5
    assert {lead.channel for lead in leads} == {"phone"}


def test_a_hostile_file_is_refused_on_the_first_page(
    tmp_path: Path, make_wizard: MakeWizard
) -> None:
    path = tmp_path / "台账.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 64)  # a zip that ends before it starts
    wizard = make_wizard(path)
    page = wizard.file_page
    assert not page.isComplete()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    assert "台账.xlsx" in page.status.text()


# --- cancelling -----------------------------------------------------------------------------


class PausingImporter:
    """The real import, paused in its worker thread right after its first progress report until
    the test lets it go on: the test can press Cancel at a known point, not a lucky moment."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.release = threading.Event()

    def __call__(
        self, store: Store, actor: Actor, path: Path, options: Any, **kw: Any
    ) -> ImportResult:
        progress = kw.pop("progress")
        if options.dry_run:
            return run_import(store, actor, path, options, progress=progress, **kw)

        def pause(done: int, total: int) -> None:
            progress(done, total)
            if not self.reached.is_set():
                self.reached.set()
                self.release.wait(timeout=30)

        return run_import(store, actor, path, options, progress=pause, **kw)


@pytest.fixture
def pausing() -> Iterator[PausingImporter]:
    importer = PausingImporter()
    yield importer
    importer.release.set()  # never leave a worker waiting


def test_cancel_midway_leaves_the_store_as_it_was(
    qtbot: QtBot,
    tmp_path: Path,
    make_wizard: MakeWizard,
    store: Store,
    store_path: Path,
    clerk: Actor,
    pausing: PausingImporter,
) -> None:
    # An earlier import, so "as it was" is not simply "empty".
    run_import(store, clerk, messy_workbook(tmp_path / "earlier.xlsx", 5, bad=False), _leads())
    before = (store_digest(store_path), audit_count(store_path))
    path = messy_workbook(tmp_path / "big.xlsx", 4_500, first=100)  # three chunks of rows
    wizard = make_wizard(path, importer=pausing)
    go_next(qtbot, wizard)
    go_next(qtbot, wizard)
    assert wizard.check_page.imported_tile.value.text() == "4,500"
    go_next(qtbot, wizard, wait=False)
    assert wizard.currentId() == ImportWizard.RUN
    page = wizard.run_page
    qtbot.waitUntil(pausing.reached.is_set, timeout=20_000)
    assert page.running()
    assert not wizard.button(QWizard.WizardButton.BackButton).isEnabled()
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    assert not page.cancel_button.isEnabled()
    pausing.release.set()
    wait_idle(qtbot, wizard)

    assert wizard.currentId() == ImportWizard.RUN
    assert wizard.result is None
    assert "取消" in page.label.text()
    assert "未写入" in page.message.text()
    assert (store_digest(store_path), audit_count(store_path)) == before
    assert count_leads(store, clerk) == 5
    # Back to the check, and the import can be run again.
    assert wizard.button(QWizard.WizardButton.BackButton).isEnabled()


def test_closing_the_wizard_during_the_import_cancels_it(
    qtbot: QtBot,
    tmp_path: Path,
    make_wizard: MakeWizard,
    store: Store,
    store_path: Path,
    clerk: Actor,
    pausing: PausingImporter,
) -> None:
    before = store_digest(store_path)
    wizard = make_wizard(messy_workbook(tmp_path / "big.xlsx", 2_500), importer=pausing)
    go_next(qtbot, wizard)
    go_next(qtbot, wizard)
    go_next(qtbot, wizard, wait=False)
    qtbot.waitUntil(pausing.reached.is_set, timeout=20_000)
    wizard.reject()  # the window's Cancel button, Esc or close
    assert wizard.isVisible()  # it waits for the import to stop
    pausing.release.set()
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=20_000)
    assert store_digest(store_path) == before
    assert count_leads(store, clerk) == 0


def _leads() -> Any:
    from workstation.importing import ImportOptions

    return ImportOptions(kind="leads", today=TODAY)


# --- profiles, rejects, undo ----------------------------------------------------------------


def test_a_saved_profile_is_applied_to_the_next_file_with_the_same_headers(
    qtbot: QtBot, tmp_path: Path, make_wizard: MakeWizard, store: Store, clerk: Actor
) -> None:
    first = make_wizard(messy_workbook(tmp_path / "三月.xlsx", bad=False))
    go_next(qtbot, first)
    pick(qtbot, first, "I", "handler_unit")
    profile = first.preview_page.save_profile("区指导组线索台账")
    assert profile is not None
    assert "区指导组线索台账" in first.preview_page.saved.text()
    first.reject()

    # Next month's file: same headers (spaced differently), other rows.
    second = make_wizard(
        messy_workbook(tmp_path / "四月.xlsx", 8, first=50, bad=False, spaced=True)
    )
    go_next(qtbot, second)
    page = second.preview_page
    assert second.profile is not None
    assert second.profile.name == "区指导组线索台账"
    assert page.profile_label.isVisible()
    assert "区指导组线索台账" in page.profile_label.text()
    assert combo(second, "I").currentData() == "handler_unit"
    go_next(qtbot, second)
    go_next(qtbot, second)
    qtbot.waitUntil(lambda: second.currentId() == ImportWizard.SUMMARY)
    assert {lead.handler_unit for lead in list_leads(store, clerk)} == {
        f"区纪委转{n}" for n in range(50, 58)
    }


def test_the_detected_mapping_can_be_chosen_over_a_profile(
    qtbot: QtBot, tmp_path: Path, make_wizard: MakeWizard
) -> None:
    first = make_wizard(messy_workbook(tmp_path / "a.xlsx", bad=False))
    go_next(qtbot, first)
    pick(qtbot, first, "I", "handler_unit")
    first.preview_page.save_profile("甲")
    first.reject()
    second = make_wizard(messy_workbook(tmp_path / "b.xlsx", bad=False))
    go_next(qtbot, second)
    assert combo(second, "I").currentData() == "handler_unit"
    qtbot.mouseClick(second.preview_page.detected_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, second)
    assert combo(second, "I").currentData() is None
    assert second.profile is None
    assert not second.preview_page.profile_label.isVisible()


def test_rejected_rows_saved_as_excel_read_back(
    qtbot: QtBot, tmp_path: Path, make_wizard: MakeWizard
) -> None:
    wizard = make_wizard(messy_workbook(tmp_path / "台账.xlsx"))
    go_next(qtbot, wizard)
    go_next(qtbot, wizard)
    page = wizard.check_page
    assert page.save_button.isEnabled()
    target = tmp_path / "问题行.xlsx"
    page.saver.save(target)
    wait_idle(qtbot, wizard)
    assert "问题行.xlsx" in page.message.text()
    sheet = load_workbook(target, read_only=True).active
    assert sheet is not None
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][-2:] == ["原行号", "问题说明"]
    assert [r[-2] for r in rows[1:]] == [25, 26]
    assert rows[1][1] == "2021年13月5日"
    assert "无法识别" in rows[1][-1]
    assert "飞鸽传书" in rows[2][-1]


@pytest.mark.qt_log_ignore(OFFSCREEN_SIZE_HINTS)
def test_undo_from_the_summary_page(
    qtbot: QtBot,
    tmp_path: Path,
    make_wizard: MakeWizard,
    store: Store,
    clerk: Actor,
    say_yes: Answerer,
) -> None:
    wizard = make_wizard(messy_workbook(tmp_path / "台账.xlsx"))
    for _ in range(3):
        go_next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.SUMMARY)
    assert count_leads(store, clerk) == 20
    page = wizard.summary_page
    with qtbot.waitSignal(wizard.undone) as undone:
        qtbot.mouseClick(page.undo_button, Qt.MouseButton.LeftButton)
        wait_idle(qtbot, wizard)
    assert undone.args == [1]
    assert "批次 1" in say_yes.seen[0]
    assert count_leads(store, clerk) == 0
    (batch,) = list_batches(store, clerk)
    assert batch.undone_at is not None
    assert "20" in page.message.text()
    assert not page.undo_button.isEnabled()


@pytest.mark.qt_log_ignore(OFFSCREEN_SIZE_HINTS)
def test_no_undo_when_the_clerk_says_no(
    qtbot: QtBot, tmp_path: Path, make_wizard: MakeWizard, store: Store, clerk: Actor
) -> None:
    answerer = Answerer(QMessageBox.ButtonRole.RejectRole)
    try:
        wizard = make_wizard(messy_workbook(tmp_path / "台账.xlsx", bad=False))
        for _ in range(3):
            go_next(qtbot, wizard)
        qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.SUMMARY)
        qtbot.mouseClick(wizard.summary_page.undo_button, Qt.MouseButton.LeftButton)
        assert answerer.seen
    finally:
        answerer.stop()
    assert count_leads(store, clerk) == 20


def test_screenshots_of_the_import_screens(tmp_path: Path, store: Store, clerk: Actor) -> None:
    from PySide6.QtGui import QImage

    from ui.import_screenshots import SCREENSHOTS

    for name, shoot in SCREENSHOTS.items():
        path = shoot(tmp_path / f"{name}.png", store, clerk)
        image = QImage(str(path))
        assert (image.width(), image.height()) >= (900, 500), name


def test_a_file_dropped_on_the_first_page_is_taken(
    qtbot: QtBot, tmp_path: Path, make_wizard: MakeWizard
) -> None:
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    wizard = make_wizard()
    assert not wizard.file_page.isComplete()
    path = messy_workbook(tmp_path / "拖入的台账.xlsx")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    drop = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    wizard.dropEvent(drop)
    assert drop.isAccepted()
    wait_idle(qtbot, wizard)
    assert wizard.path == path
    assert wizard.file_page.path_edit.text() == str(path)
    assert wizard.file_page.isComplete()
