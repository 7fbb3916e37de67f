"""Screenshots of the import screens for the documentation (`make screenshots`).

Each function renders one screen into a PNG at `path` and returns the path; the wizard reads a
sample ledger written on the spot (a title above a two-row header, a 合计 row, a few bad rows).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QWidget

from ui.import_page import ImportPage
from ui.import_wizard import ImportWizard
from workstation.importing import ImportOptions, run_import
from workstation.services.auth import Actor
from workstation.store import Store

SAMPLE_NAME = "东湖区2021年第二季度问题线索台账.xlsx"
TODAY = dt.date(2021, 6, 30)
_SUBJECTS = [
    ("王建国", "民警", "江州市公安局东湖分局城关派出所", "来电", "违反“三个规定”",
     "反映其插手他人经济纠纷，违规查封财物"),
    ("李明", "副庭长", "江州市中级人民法院", "信件", "违规经商办企业",
     "反映其配偶经营茶楼，利用其职务影响承揽业务"),
    ("张伟", "检察官", "江州市东湖区人民检察院", "网上举报", "有案不立、压案不查",
     "反映其对一起盗窃案压案不查，逾期未作处理"),
    ("赵强", "科员", "江州市司法局", "走访", "其他", "反映其工作作风粗暴，群众办事推诿"),
    ("陈刚", "所长", "江州市公安局西湖分局湖滨派出所", "12389", "违规参股借贷",
     "反映其向辖区企业主放贷收取高额利息"),
    ("刘洋", "执行员", "江州市东湖区人民法院", "指导组交办", "违规违法减刑、假释、暂予监外执行",
     "反映其在执行案件中与当事人有不正当往来"),
]  # fmt: skip


def sample_workbook(path: Path) -> Path:
    """A district's leads ledger: a merged title and a note above a two-row header, an
    impossible date and an unknown channel among the rows, a 合计 row and a footnote."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = "线索台账"
    ws.append(["东湖区政法队伍教育整顿问题线索台账（2021年第二季度）"])
    ws.merge_cells("A1:I1")
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(["填报单位：东湖区教育整顿指导组", *[None] * 7, "填报日期：2021年6月28日"])
    ws.append(
        ["序号", "收到日期", "来源", "被反映人", None, None, "问题类别", "反映的主要问题", "备注"]
    )
    ws.append([None, None, None, "姓名", "职务", "工作单位"])
    ws.merge_cells("D3:F3")
    for column in "ABCGHI":
        ws.merge_cells(f"{column}3:{column}4")
    for n in range(1, 31):
        name, position, unit, channel, category, summary = _SUBJECTS[n % len(_SUBJECTS)]
        received: object = dt.datetime.combine(dt.date(2021, 4, 1), dt.time()) + dt.timedelta(
            days=n * 2
        )
        if n == 3:
            received = "2021年4月31日"
        if n == 5:
            channel = "飞鸽传书"
        ws.append([n, received, channel, f"{name[0]}某{n}", position, unit, category, summary, ""])
    ws.append(["合计", None, None, None, None, None, None, "30件", None])
    ws.append(["注：线索来源包括12389举报平台、信访件和上级交办件。"])
    for column, width in zip("ABCDEFGHI", (6, 12, 10, 10, 8, 30, 24, 40, 10), strict=True):
        ws.column_dimensions[column].width = width
    workbook.save(path)
    return path


def _wait(wizard: ImportWizard) -> None:
    """Until the wizard's background jobs (previews, the dry run) have ended."""
    while wizard.busy():
        loop = QEventLoop()
        wizard.idle.connect(loop.quit)
        loop.exec()


def _grab(widget: QWidget, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    return path


def _wizard_at(page: int, path: Path, store: Store, actor: Actor) -> Path:
    with tempfile.TemporaryDirectory() as folder:
        sample = sample_workbook(Path(folder) / SAMPLE_NAME)
        wizard = ImportWizard(store, actor, path=sample, today=TODAY)
        try:
            wizard.show()
            _wait(wizard)
            while wizard.currentId() != page:
                wizard.next()
                _wait(wizard)
            return _grab(wizard, path)
        finally:
            wizard.close()
            wizard.deleteLater()


def screenshot_preview(path: Path, store: Store, actor: Actor) -> Path:
    """The wizard's preview: the header found under the title, a field per column, red rows."""
    return _wizard_at(ImportWizard.PREVIEW, path, store, actor)


def screenshot_check(path: Path, store: Store, actor: Actor) -> Path:
    """The wizard's check: what would be imported, and the rejected rows with their reasons."""
    return _wizard_at(ImportWizard.CHECK, path, store, actor)


def screenshot_page(path: Path, store: Store, actor: Actor) -> Path:
    """The import page with its batches list (imports the sample ledger into `store` first)."""
    with tempfile.TemporaryDirectory() as folder:
        sample = sample_workbook(Path(folder) / SAMPLE_NAME)
        run_import(store, actor, sample, ImportOptions(kind="leads", today=TODAY))
    page = ImportPage(store, actor, today=TODAY)
    try:
        page.setMinimumSize(900, 500)
        page.resize(1080, 560)
        page.show()
        return _grab(page, path)
    finally:
        page.close()
        page.deleteLater()


# Name → function, for the screenshots script (docs/images/<name>.png).
SCREENSHOTS: dict[str, Callable[[Path, Store, Actor], Path]] = {
    "import_wizard_preview": screenshot_preview,
    "import_wizard_check": screenshot_check,
    "import_page": screenshot_page,
}
