"""The new-brief dialog and the preview: a brief made from the dialog on a demo store, paged
through and zoomed, printed in numbered copies to a PDF file, saved as PDF and Excel; a brief
cancelled midway leaves no file and no record."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from ui.brief_dialog import COMPUTE_SHARE, BriefDialog
from ui.brief_preview import BriefPreview, IssuedBrief
from ui.brief_printing import print_plan
from workstation.services import briefs
from workstation.services.auth import IMPLICIT_ADMIN, Actor
from workstation.store import Store, open_store

pytestmark = pytest.mark.gui

TODAY = dt.date(2021, 7, 1)  # the day after the demo campaign ended
JOB_MS = 120_000  # a generous bound for a job on a busy machine; no test waits this long
TITLE = "政法队伍教育整顿工作简报"


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Store]:
    """A store of 300 demo leads and 20 cases, one per test (briefs write to it)."""
    from workstation import demo as demo_data

    (tmp_path / "store").mkdir()
    store = open_store(tmp_path / "store" / "demo.db", create=True)
    demo_data.generate(store, IMPLICIT_ADMIN, leads=300, cases=20, seed=2021)
    yield store
    store.dispose()


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _pdf_pages(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [_squeeze(page.extract_text()) for page in PdfReader(path).pages]


def _generate(qtbot: QtBot, dialog: BriefDialog) -> briefs.BriefOutcome:
    with qtbot.waitSignal(dialog.generated, timeout=JOB_MS) as generated:
        qtbot.mouseClick(dialog.generate_button, Qt.MouseButton.LeftButton)
    outcome = generated.args[0]
    assert isinstance(outcome, briefs.BriefOutcome)
    return outcome


def _preview(
    qtbot: QtBot, store: Store, actor: Actor, outcome: briefs.BriefOutcome
) -> BriefPreview:
    preview = BriefPreview(store, actor, IssuedBrief.from_outcome(outcome.brief, outcome.files[0]))
    qtbot.addWidget(preview)
    with qtbot.waitActive(preview):
        preview.show()
        preview.activateWindow()
    return preview


@pytest.fixture
def leader() -> Actor:
    return Actor(login="lead1", display_name="赵领导", role="leader")


def test_defaults_come_from_the_campaign_and_settings(qtbot: QtBot, demo: Store) -> None:
    dialog = BriefDialog(demo, IMPLICIT_ADMIN, today=TODAY)
    qtbot.addWidget(dialog)
    # The campaign (2021-02-26 to 2021-06-30) is over: the brief sums it up to its last day.
    assert dialog.start_edit.date() == QDate(2021, 2, 26)
    assert dialog.end_edit.date() == QDate(2021, 6, 30)
    assert dialog.as_of_edit.date() == QDate(2021, 6, 30)
    assert dialog.issued_on_edit.date() == QDate(2021, 7, 1)
    assert dialog.unit_edit.text() == "教育整顿领导小组办公室"
    assert dialog.issue_spin.value() == briefs.next_issue(demo) == 1
    assert dialog.issue_spin.text() == "第 1 期"
    assert dialog.copies_spin.text() == "1 份"
    request = dialog.request()
    assert (request.start, request.end, request.as_of) == (
        dt.date(2021, 2, 26), dt.date(2021, 6, 30), dt.date(2021, 6, 30),
    )  # fmt: skip
    assert not request.unmask
    assert not request.appendix
    assert request.notes == ()
    # Moving the end of the period past the as-of date moves the as-of date with it.
    dialog.end_edit.setDate(QDate(2021, 7, 10))
    assert dialog.as_of_edit.date() == QDate(2021, 7, 10)


def test_unmasking_is_offered_only_to_roles_allowed_it(
    qtbot: QtBot, demo: Store, inspector: Actor, leader: Actor
) -> None:
    plain = BriefDialog(demo, inspector, today=TODAY)
    qtbot.addWidget(plain)
    assert plain.mask_check is None
    assert plain.request().unmask is False

    allowed = BriefDialog(demo, leader, today=TODAY)
    qtbot.addWidget(allowed)
    assert allowed.mask_check is not None
    assert allowed.mask_check.isChecked()
    allowed.mask_check.setChecked(False)
    assert allowed.request().unmask is True


def test_generate_page_through_and_zoom(qtbot: QtBot, demo: Store, leader: Actor) -> None:
    dialog = BriefDialog(demo, leader, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.unit_edit.setText("江州市教育整顿领导小组办公室")
    dialog.copies_spin.setValue(2)
    dialog.set_note("典型问题", "某派出所民警违规插手经济纠纷。\n\n某法院干警配偶违规经商。")
    outcome = _generate(qtbot, dialog)
    brief, file = outcome.brief, outcome.files[0]
    assert brief.issuing_unit == "江州市教育整顿领导小组办公室"
    assert brief.copies == 2
    assert brief.issue == 1
    assert [n.title for n in brief.notes] == ["典型问题"]
    assert len(brief.notes[0].paragraphs) == 2
    # The PDF went to the archive and was recorded with its digest.
    assert Path(file.path).parent == briefs.archive_folder(demo)
    [record] = briefs.issued(demo, leader)
    assert (record.sha256, record.copies, record.author) == (file.sha256, 2, "赵领导")

    preview = _preview(qtbot, demo, leader, outcome)
    pages = file.pages
    assert pages is not None
    assert pages > 3
    assert preview.pages == pages
    assert preview.copies == 2
    assert preview.page_text() == f"第 1 / {pages} 页"
    preview.view.setFocus()
    with qtbot.waitSignal(preview.page_changed) as moved:
        qtbot.keyClick(preview.view, Qt.Key.Key_PageDown)
    assert moved.args == [2, pages]
    assert preview.page_text() == f"第 2 / {pages} 页"
    qtbot.keyClick(preview.view, Qt.Key.Key_PageDown)
    qtbot.keyClick(preview.view, Qt.Key.Key_PageUp)
    assert preview.page_text() == f"第 2 / {pages} 页"
    qtbot.keyClick(preview.view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert preview.page_text() == f"第 {pages} / {pages} 页"
    assert not preview.next_action.isEnabled()
    qtbot.keyClick(preview.view, Qt.Key.Key_PageDown)  # past the last page of copy 1: stays
    assert preview.page_text() == f"第 {pages} / {pages} 页"
    preview.go_to(0)
    assert not preview.previous_action.isEnabled()

    assert preview.fit_action.isChecked()
    fitted = preview.zoom()
    # Fitted to the width of the view, the page is drawn larger than its printed size here.
    assert preview.view.viewport().width() > 800
    assert fitted > 1
    assert preview.zoom_text() == f"{round(fitted * 100)}%"
    preview.zoom_in_action.trigger()
    assert not preview.fit_action.isChecked()
    assert preview.zoom() == pytest.approx(fitted * 1.25)
    assert preview.zoom_text() == f"{round(fitted * 125)}%"
    preview.zoom_out_action.trigger()
    preview.zoom_out_action.trigger()
    assert preview.zoom() == pytest.approx(fitted / 1.25)
    for _ in range(20):
        preview.zoom_out_action.trigger()
    assert preview.zoom() == pytest.approx(0.25)
    assert not preview.zoom_out_action.isEnabled()
    preview.fit_action.trigger()
    assert preview.fit_action.isChecked()
    assert preview.zoom() == pytest.approx(fitted)
    assert preview.windowTitle() == f"{TITLE} 第 1 期"


def test_print_two_numbered_copies_to_a_pdf_file(
    qtbot: QtBot, demo: Store, leader: Actor, tmp_path: Path
) -> None:
    brief = briefs.compute(demo, leader, briefs.BriefRequest(copies=2, as_of=TODAY))
    file = briefs.render_pdf(demo, leader, brief, tmp_path / "issued.pdf")
    preview = BriefPreview(demo, leader, IssuedBrief.from_outcome(brief, file))
    qtbot.addWidget(preview)

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    preview.configure_printer(printer)
    assert printer.copyCount() == 2  # the print dialog opens with the brief's copies
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    printer.setResolution(60)  # coarse images: the test reads the text, not the pixels
    job = preview.print_to(printer)
    assert job is not None
    with qtbot.waitSignal(job.finished, timeout=JOB_MS):
        pass
    pages = preview.pages
    texts = _pdf_pages(printed)
    assert len(texts) == 2 * pages
    # Every page carries its copy's number; Qt made no copies of its own.
    assert all("第1份" in text for text in texts[:pages])
    assert all("第2份" in text for text in texts[pages:])
    assert "打印" in preview.status_label.text()
    assert str(printed) in preview.status_label.text()


def test_print_a_page_range_of_fewer_copies(
    qtbot: QtBot, demo: Store, leader: Actor, tmp_path: Path, message_boxes: object
) -> None:
    brief = briefs.compute(demo, leader, briefs.BriefRequest(copies=3, as_of=TODAY))
    file = briefs.render_pdf(demo, leader, brief, tmp_path / "issued.pdf")
    preview = BriefPreview(demo, leader, IssuedBrief.from_outcome(brief, file))
    qtbot.addWidget(preview)
    assert print_plan(4, 2, 2, 3) == [(1, 1), (2, 1), (5, 2), (6, 2)]

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    preview.configure_printer(printer)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "range.pdf"
    printer.setOutputFileName(str(printed))
    printer.setResolution(60)
    printer.setCopyCount(4)  # more than were issued: refused, nothing printed
    assert preview.print_to(printer) is None
    assert not printed.exists()
    assert "最多只能打印 3 份" in message_boxes.texts()[-1]  # type: ignore[attr-defined]

    printer.setCopyCount(2)
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 3)
    job = preview.print_to(printer)
    assert job is not None
    with qtbot.waitSignal(job.finished, timeout=JOB_MS):
        pass
    texts = _pdf_pages(printed)
    assert len(texts) == 4
    assert ["第1份" in t for t in texts] == [True, True, False, False]
    assert ["第2份" in t for t in texts] == [False, False, True, True]


def test_save_pdf_and_excel_workbook(
    qtbot: QtBot, demo: Store, leader: Actor, tmp_path: Path
) -> None:
    dialog = BriefDialog(demo, leader, today=TODAY)
    qtbot.addWidget(dialog)
    outcome = _generate(qtbot, dialog)
    preview = _preview(qtbot, demo, leader, outcome)
    out = tmp_path / "out"
    out.mkdir()
    assert preview.issued.file_name("pdf") == f"{TITLE}第1期.pdf"

    assert preview.save_pdf_to(out / "brief.pdf")
    text = "".join(_pdf_pages(out / "brief.pdf"))
    assert TITLE in text
    assert "第1期" in text
    assert "已将 PDF 保存到" in preview.status_label.text()

    with qtbot.waitSignal(preview.files_changed, timeout=JOB_MS):
        job = preview.save_xlsx_to(out / "brief.xlsx")
        assert job is not None
    from openpyxl import load_workbook

    workbook = load_workbook(out / "brief.xlsx", read_only=True)
    assert workbook.sheetnames[0] == "概览"
    workbook.close()
    kinds = [r.kind for r in briefs.issued(demo, leader)]
    assert kinds == ["xlsx", "pdf"]
    # A second save copies the workbook issued: nothing new is recorded.
    assert preview.save_xlsx_to(out / "again.xlsx") is None
    assert (out / "again.xlsx").read_bytes() == (out / "brief.xlsx").read_bytes()
    assert len(briefs.issued(demo, leader)) == 2


def test_cancel_midway_leaves_no_file_and_no_record(
    qtbot: QtBot, demo: Store, leader: Actor
) -> None:
    dialog = BriefDialog(demo, leader, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.appendix_check.setChecked(True)  # more pages to lay out
    reached: list[int] = []

    def cancel_once_the_pdf_is_under_way(done: int, _total: int) -> None:
        if done > COMPUTE_SHARE and not reached:
            reached.append(done)
            assert dialog.job is not None
            dialog.job.cancel()

    dialog.progress_hook = cancel_once_the_pdf_is_under_way
    job = dialog.generate()
    assert job is not None
    assert not dialog.generate_button.isEnabled()
    assert not dialog.issue_spin.isEnabled()
    with qtbot.waitSignal(job.finished, timeout=JOB_MS):
        pass
    assert reached, "the PDF was never started"
    assert dialog.isVisible()
    assert dialog.message() == "已取消：未生成文件，也未作记录。"
    assert dialog.generate_button.isEnabled()
    assert list(briefs.archive_folder(demo).iterdir()) == []
    assert briefs.issued(demo, leader) == []
    assert briefs.next_issue(demo) == 1


def test_cancel_button_stops_the_job_and_keeps_the_dialog_open(
    qtbot: QtBot, demo: Store, leader: Actor
) -> None:
    dialog = BriefDialog(demo, leader, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    job = dialog.generate()
    assert job is not None
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)  # before any work ran
    with qtbot.waitSignal(job.finished, timeout=JOB_MS):
        pass
    assert dialog.isVisible()
    assert briefs.issued(demo, leader) == []


def test_a_period_that_ends_before_it_starts_and_no_issuing_unit_are_refused(
    qtbot: QtBot, demo: Store, leader: Actor
) -> None:
    dialog = BriefDialog(demo, leader, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.start_edit.setDate(QDate(2021, 6, 1))
    dialog.end_edit.setDate(QDate(2021, 5, 1))
    dialog.unit_edit.setText("  ")
    job = dialog.generate()
    assert job is not None
    with qtbot.waitSignal(job.finished, timeout=JOB_MS):
        pass
    # Every problem at once, each naming its field.
    assert "起始日期 2021-06-01 晚于截止日期 2021-05-01" in dialog.message()
    assert "印发单位不能为空" in dialog.message()
    assert dialog.isVisible()
    assert dialog.generate_button.isEnabled()
    assert briefs.issued(demo, leader) == []


def test_closing_the_preview_while_printing_stops_the_print_run_first(
    qtbot: QtBot, demo: Store, leader: Actor, tmp_path: Path
) -> None:
    brief = briefs.compute(demo, leader, briefs.BriefRequest(copies=2, as_of=TODAY))
    file = briefs.render_pdf(demo, leader, brief, tmp_path / "issued.pdf")
    preview = BriefPreview(demo, leader, IssuedBrief.from_outcome(brief, file))
    qtbot.addWidget(preview)
    preview.show()
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    preview.configure_printer(printer)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    printer.setResolution(60)
    job = preview.print_to(printer)
    assert job is not None
    preview.close()
    # The window waits for the print run to stop, so the job never reports to a deleted window.
    assert preview.isVisible()
    with qtbot.waitSignal(job.finished, timeout=JOB_MS):
        pass
    assert not preview.isVisible()
    if preview.status_label.text() == "已取消打印。":
        assert not printed.exists()  # a stopped print run to a file leaves no file
