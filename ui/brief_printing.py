"""Printing an issued brief: its PDF pages drawn on a QPrinter, numbered copy by copy."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication

from workstation.errors import Cancelled, WorkstationError

# Pages go to the printer as images of at most this resolution: sharp on paper, and a page of
# A4 stays near 35 MB while it is drawn.
MAX_PRINT_DPI = 300
MM = 72 / 25.4  # points per millimetre
# Where the copy number is stamped on every printed page: on the line of the PDF's own footer
# ("第 X 页 共 Y 页", 22 mm - 14 pt above the bottom edge), towards the right edge.
STAMP_BASELINE_PT = 22 * MM - 14
STAMP_RIGHT_PT = 15 * MM
STAMP_SIZE_PT = 8.0
STAMP_COLOUR = "#555555"


def print_plan(
    pages_per_copy: int, copies: int, first: int = 1, last: int | None = None
) -> list[tuple[int, int]]:
    """The sheets to print, in order, as (page index in the file, copy number): pages first to
    last (1-based, within a copy) of copies 1..copies, collated."""
    last = pages_per_copy if last is None else min(last, pages_per_copy)
    first = max(first, 1)
    return [
        ((copy_no - 1) * pages_per_copy + page - 1, copy_no)
        for copy_no in range(1, copies + 1)
        for page in range(first, last + 1)
    ]


def _stamp_font(pixels: float) -> QFont:
    font = QFont(QApplication.font())
    font.setPixelSize(max(1, round(pixels)))
    return font


def print_pages(
    pdf: Path,
    printer: QPrinter,
    sheets: list[tuple[int, int]],
    *,
    stamp: Callable[[int], str],
    progress: Callable[[int, int], None],
    cancelled: Callable[[], bool],
) -> int:
    """Draw the sheets' pages on `printer` (off the GUI thread: Qt paints on printers in any
    thread), each page as an image fitted to the paper, rotated when a landscape page (the
    appendix) meets portrait paper; every page gets `stamp(copy_no)` as text in its footer.
    Returns the number of pages printed; raises Cancelled (the print run aborted) or
    WorkstationError."""
    document = QPdfDocument()
    document.load(str(pdf))
    if document.status() != QPdfDocument.Status.Ready:
        raise WorkstationError(f"无法读取简报文件“{pdf}”")
    dpi = min(printer.resolution(), MAX_PRINT_DPI)
    painter = QPainter()
    if not painter.begin(printer):
        raise WorkstationError("无法开始打印：打印机不可用，或无法写入打印输出文件")
    done = 0
    try:
        for done, (index, copy_no) in enumerate(sheets):
            if cancelled():
                printer.abort()
                raise Cancelled("已取消打印")
            if done:
                printer.newPage()
            _draw_page(painter, printer, document, index, dpi, stamp(copy_no))
            progress(done + 1, len(sheets))
        done = len(sheets)
    finally:
        if painter.isActive():
            painter.end()
    return done


def _draw_page(
    painter: QPainter,
    printer: QPrinter,
    document: QPdfDocument,
    index: int,
    dpi: int,
    stamp: str,
) -> None:
    size = document.pagePointSize(index)
    paper = printer.paperRect(QPrinter.Unit.DevicePixel)
    rotate = (size.width() > size.height()) != (paper.width() > paper.height())
    room_w, room_h = (paper.height(), paper.width()) if rotate else (paper.width(), paper.height())
    scale = min(room_w / size.width(), room_h / size.height())  # device pixels per point
    width, height = size.width() * scale, size.height() * scale
    image = document.render(
        index,
        QSize(max(1, round(size.width() * dpi / 72)), max(1, round(size.height() * dpi / 72))),
    )
    image = _on_white(image)
    painter.save()
    if rotate:
        painter.translate(paper.width(), 0)
        painter.rotate(90)
    painter.translate((room_w - width) / 2, (room_h - height) / 2)
    painter.drawImage(QRectF(0, 0, width, height), image)
    painter.setFont(_stamp_font(STAMP_SIZE_PT * scale))
    painter.setPen(QColor(STAMP_COLOUR))
    text_width = painter.fontMetrics().horizontalAdvance(stamp)
    painter.drawText(
        QPointF(width - STAMP_RIGHT_PT * scale - text_width, height - STAMP_BASELINE_PT * scale),
        stamp,
    )
    painter.restore()


def _on_white(image: QImage) -> QImage:
    """The page on white paper, without an alpha channel: QtPdf leaves the page's background
    transparent, and an image with no soft mask is simpler for printer drivers."""
    opaque = QImage(image.size(), QImage.Format.Format_RGB32)
    opaque.fill(Qt.GlobalColor.white)
    painter = QPainter(opaque)
    painter.drawImage(0, 0, image)
    painter.end()
    return opaque
