"""The briefs page: a new brief from the page opens in a preview and joins the list of earlier
briefs with its hash; an earlier brief is previewed and copied from the archive, checked
against its hash; a clerk is told the page is not for them."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from ui.brief_preview import BriefPreview
from ui.briefs_page import BriefsPage, IssuedBriefsModel
from workstation.errors import WorkstationError
from workstation.services import briefs
from workstation.services.auth import IMPLICIT_ADMIN, Actor
from workstation.store import Store, open_store

pytestmark = pytest.mark.gui

TODAY = dt.date(2021, 7, 1)
JOB_MS = 120_000


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Store]:
    from workstation import demo as demo_data

    (tmp_path / "store").mkdir()
    store = open_store(tmp_path / "store" / "demo.db", create=True)
    demo_data.generate(store, IMPLICIT_ADMIN, leads=120, cases=10, seed=7)
    yield store
    store.dispose()


def _page(qtbot: QtBot, store: Store, actor: Actor, settings: QSettings) -> BriefsPage:
    page = BriefsPage(store, actor, settings=settings, today=TODAY)
    qtbot.addWidget(page)
    # Shown alone as a window here (the main window holds it in the app): a fixed minimum, so
    # the layout does not resend size hints, which the offscreen platform warns about.
    page.setMinimumSize(800, 400)
    page.resize(1100, 600)
    page.show()
    return page


def _make_brief(qtbot: QtBot, page: BriefsPage, copies: int = 1) -> BriefPreview:
    dialog = page.new_brief()
    assert dialog is not None
    assert dialog.isVisible()
    dialog.copies_spin.setValue(copies)
    with qtbot.waitSignal(page.preview_opened, timeout=JOB_MS) as opened:
        qtbot.mouseClick(dialog.generate_button, Qt.MouseButton.LeftButton)
    preview = opened.args[0]
    assert isinstance(preview, BriefPreview)
    return preview


def test_a_new_brief_opens_and_is_listed_with_its_hash(
    qtbot: QtBot, demo: Store, settings: QSettings
) -> None:
    page = _page(qtbot, demo, IMPLICIT_ADMIN, settings)
    assert page.model.rowCount() == 0
    assert "尚未印发简报" in page.note_label.text()
    assert not page.open_button.isEnabled()

    preview = _make_brief(qtbot, page, copies=3)
    assert preview.isVisible()
    assert preview.copies == 3
    assert preview.page_text() == f"第 1 / {preview.pages} 页"
    [record] = briefs.issued(demo, IMPLICIT_ADMIN)
    digest = hashlib.sha256(preview.issued.pdf.read_bytes()).hexdigest()
    assert record.sha256 == digest

    model = page.model
    assert model.rowCount() == 1
    cells = [model.index(0, c).data() for c in range(model.columnCount())]
    assert cells[IssuedBriefsModel.ISSUE] == "第 1 期"
    assert cells[IssuedBriefsModel.PERIOD] == "2021-02-26 至 2021-06-30"
    assert cells[IssuedBriefsModel.KIND] == "PDF"
    assert cells[IssuedBriefsModel.AUTHOR] == "管理员"
    assert cells[IssuedBriefsModel.REPORTERS] == "已隐去"
    assert cells[IssuedBriefsModel.COPIES] == "3"
    assert cells[IssuedBriefsModel.HASH] == digest
    assert page.selected_record() == record
    assert page.open_button.isEnabled()
    assert str(briefs.archive_folder(demo)) in page.note_label.text()
    # The next brief gets the next number.
    preview.close()
    assert page.new_brief().issue_spin.value() == 2  # type: ignore[union-attr]


def test_an_earlier_brief_is_previewed_and_copied(
    qtbot: QtBot, demo: Store, settings: QSettings, tmp_path: Path
) -> None:
    page = _page(qtbot, demo, IMPLICIT_ADMIN, settings)
    first = _make_brief(qtbot, page)
    with qtbot.waitSignal(first.files_changed, timeout=JOB_MS):
        first.save_xlsx_to(tmp_path / "first.xlsx")
    first.close()
    assert [r.kind for r in page.model.rows] == ["xlsx", "pdf"]

    # Opening the workbook's row previews the PDF of the same brief, with the workbook at hand.
    page.table.selectRow(0)
    preview = page.open_selected()
    assert preview is not None
    assert preview.issued.pdf == briefs.archive_folder(demo) / page.model.rows[1].name
    assert preview.issued.xlsx is not None
    assert preview.save_xlsx_action.isEnabled()
    qtbot.keyClick(preview.view, Qt.Key.Key_PageDown)
    preview.close()

    pdf_record = page.model.rows[1]
    source = briefs.archived_file(demo, pdf_record)
    assert page.save_copy(pdf_record, source, tmp_path / "copy.pdf")
    assert hashlib.sha256((tmp_path / "copy.pdf").read_bytes()).hexdigest() == pdf_record.sha256


def test_a_file_moved_out_of_the_archive_is_checked_when_located(
    qtbot: QtBot, demo: Store, settings: QSettings, tmp_path: Path, message_boxes: object
) -> None:
    page = _page(qtbot, demo, IMPLICIT_ADMIN, settings)
    _make_brief(qtbot, page).close()
    record = page.model.rows[0]
    archived = briefs.archived_file(demo, record)
    moved = tmp_path / "moved.pdf"
    archived.rename(moved)
    with pytest.raises(WorkstationError, match="不在存档文件夹"):
        briefs.archived_file(demo, record)
    assert page.check_located(record, moved) == moved

    changed = tmp_path / "changed.pdf"
    changed.write_bytes(moved.read_bytes() + b"\n")
    assert page.check_located(record, changed) is None
    assert "SHA-256 校验值与记录不符" in message_boxes.texts()[-1]  # type: ignore[attr-defined]
    changed.rename(archived)
    with pytest.raises(WorkstationError, match="文件已被改动"):
        briefs.archived_file(demo, record)


def test_a_clerk_sees_neither_the_list_nor_the_button(
    qtbot: QtBot, demo: Store, settings: QSettings, clerk: Actor
) -> None:
    page = _page(qtbot, demo, clerk, settings)
    assert not page.allowed
    assert page.new_button.isHidden()
    assert page.table.isHidden()
    assert page.new_brief() is None
    assert "无权生成或查看简报" in page.note_label.text()


def test_an_inspector_makes_briefs_with_reporters_masked(
    qtbot: QtBot, demo: Store, settings: QSettings, inspector: Actor
) -> None:
    page = _page(qtbot, demo, inspector, settings)
    dialog = page.new_brief()
    assert dialog is not None
    assert dialog.mask_check is None
    dialog.close()
    preview = _make_brief(qtbot, page)
    assert preview.issued.brief is not None
    assert preview.issued.brief.masked
    assert page.model.index(0, IssuedBriefsModel.AUTHOR).data() == "李核查"
