"""The pages of the PDF brief: masthead, running header, watermark, and the canvas that numbers
pages ("第 X 页 共 Y 页") and copies (第 N 份) once the page count is known."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus.doctemplate import BaseDocTemplate, PageTemplate
from reportlab.platypus.frames import Frame

from workstation.briefs.fonts import BriefFonts
from workstation.briefs.pdf_layout import (
    GREY,
    LANDSCAPE,
    LANDSCAPE_MARGIN_X,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    MARKING,
    MASTHEAD_HEIGHT,
    PORTRAIT,
    RED,
    RULE,
    WATERMARK,
)


@dataclasses.dataclass(frozen=True)
class Masthead:
    """What the page furniture shows: the title, issue, issuing unit and date, the marking, the
    watermark text and the number of copies."""

    title: str
    issue: int
    issuing_unit: str
    issued_on: str  # 2021年6月30日
    watermark: str
    copies: int
    appendix_title: str


def _fit_size(text: str, font: str, width: float, largest: float, smallest: float = 14) -> float:
    size = largest
    while size > smallest and stringWidth(text, font, size) > width:
        size -= 1
    return size


class Furniture:
    """Draws what every page has: watermark (under the content), masthead or running header;
    and, once the page count is known, the footer and the copy number."""

    def __init__(self, masthead: Masthead, fonts: BriefFonts) -> None:
        self.m = masthead
        self.fonts = fonts

    def _watermark(self, canv: Canvas) -> None:
        w, h = canv._pagesize
        name = f"briefwm{int(w)}x{int(h)}"
        if not canv.hasForm(name):
            canv.beginForm(name)
            canv.saveState()
            canv.setFillColor(WATERMARK)
            canv.setFont(self.fonts.body, 11)
            step_x, step_y = 230.0, 120.0
            diagonal = math.hypot(w, h)
            canv.translate(w / 2, h / 2)
            canv.rotate(30)
            rows = int(diagonal / step_y) + 2
            cols = int(diagonal / step_x) + 2
            for r in range(-rows // 2, rows // 2 + 1):
                offset = (r % 2) * step_x / 2
                for c in range(-cols // 2, cols // 2 + 1):
                    canv.drawCentredString(c * step_x + offset, r * step_y, self.m.watermark)
            canv.restoreState()
            canv.endForm()
        canv.doForm(name)

    def first_page(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        self._watermark(canv)
        w, h = canv._pagesize
        left, right = MARGIN_X, w - MARGIN_X
        top = h - MARGIN_TOP
        canv.saveState()
        canv.setFont(self.fonts.heading, 12)
        canv.drawRightString(right, top - 12, MARKING)
        size = _fit_size(self.m.title, self.fonts.title, right - left, 30)
        canv.setFillColor(RED)
        canv.setFont(self.fonts.title, size)
        canv.drawCentredString(w / 2, top - 62, self.m.title)
        canv.setFillColor(colors.black)
        canv.setFont(self.fonts.body, 15)
        canv.drawCentredString(w / 2, top - 96, f"第 {self.m.issue} 期")
        canv.setFont(self.fonts.body, 12.5)
        canv.drawString(left, top - 130, self.m.issuing_unit)
        canv.drawRightString(right, top - 130, self.m.issued_on)
        canv.setStrokeColor(RED)
        canv.setLineWidth(2.2)
        canv.line(left, top - 140, right, top - 140)
        canv.setLineWidth(0.6)
        canv.line(left, top - 143.5, right, top - 143.5)
        canv.restoreState()

    def later_page(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        self._watermark(canv)
        w, h = canv._pagesize
        margin = MARGIN_X if w < h else LANDSCAPE_MARGIN_X
        y = h - MARGIN_TOP + 16
        canv.saveState()
        canv.setFillColor(GREY)
        canv.setFont(self.fonts.body, 9)
        text = f"{self.m.title}  第 {self.m.issue} 期"
        if doc.pageTemplate.id == "appendix":
            text += f"  {self.m.appendix_title}"
        canv.drawString(margin, y, text)
        canv.drawRightString(w - margin, y, MARKING)
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        canv.line(margin, y - 4, w - margin, y - 4)
        canv.restoreState()

    def late(self, canv: Canvas, page: int, pages: int, copy_no: int) -> None:
        """Drawn once the number of pages is known: the footer; the copy number on page 1."""
        w, h = canv._pagesize
        canv.saveState()
        canv.setFillColor(GREY)
        canv.setFont(self.fonts.body, 9)
        canv.drawCentredString(w / 2, MARGIN_BOTTOM - 14, f"第 {page} 页 共 {pages} 页")
        if page == 1:
            canv.setFillColor(colors.black)
            canv.setFont(self.fonts.heading, 12)
            canv.drawString(MARGIN_X, h - MARGIN_TOP - 12, f"第 {copy_no} 份")
        canv.restoreState()


def canvas_class(
    furniture: Furniture, on_page: Callable[[int], None] | None = None
) -> type[Canvas]:
    """A canvas that holds every page until the end (so each can say "共 Y 页"), then writes
    the document once per numbered copy; with several copies each page's content is written
    once as a form XObject and placed in every copy, so the file barely grows."""

    class BriefCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._held.append(dict(self.__dict__))
            if on_page is not None:
                on_page(len(self._held))
            self._startPage()

        def save(self) -> None:
            pages = len(self._held)
            copies = max(1, furniture.m.copies)
            if copies == 1:
                for number, state in enumerate(self._held, 1):
                    self.__dict__.update(state)
                    furniture.late(self, number, pages, 1)
                    Canvas.showPage(self)
            else:
                for number, state in enumerate(self._held, 1):
                    self.__dict__.update(state)
                    self._to_form(f"briefpage{number}")
                for copy_no in range(1, copies + 1):
                    for number, state in enumerate(self._held, 1):
                        self.__dict__.update(state)
                        self._restartAccumulators()
                        self.doForm(f"briefpage{number}")
                        furniture.late(self, number, pages, copy_no)
                        Canvas.showPage(self)
            self._held.clear()
            Canvas.save(self)

        def _to_form(self, name: str) -> None:
            """Make the held page's operations a form XObject (what beginForm/endForm do)."""
            code = self._code
            used = (self._formsinuse, self._colorsUsed, self._shadingUsed)
            self._code = []  # so that beginForm has nothing of a page to set aside
            self.beginForm(name)
            self._code = code
            self._formsinuse, self._colorsUsed, self._shadingUsed = used
            self.endForm()

    return BriefCanvas


class BriefDoc(BaseDocTemplate):
    """A4 portrait for the brief, landscape for the appendix; reports each page laid out."""

    def __init__(
        self,
        target: Any,
        furniture: Furniture,
        *,
        title: str,
        author: str,
        after_page: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(
            target,
            pagesize=PORTRAIT,
            title=title,
            author=author,
            creator="案件监督工作站",
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
        )
        self._after_page = after_page
        pw, ph = PORTRAIT
        body_w = pw - 2 * MARGIN_X
        body_h = ph - MARGIN_TOP - MARGIN_BOTTOM
        first = Frame(MARGIN_X, MARGIN_BOTTOM, body_w, body_h - MASTHEAD_HEIGHT, id="first")
        body = Frame(MARGIN_X, MARGIN_BOTTOM, body_w, body_h, id="body")
        lw, lh = LANDSCAPE
        wide = Frame(
            LANDSCAPE_MARGIN_X,
            MARGIN_BOTTOM,
            lw - 2 * LANDSCAPE_MARGIN_X,
            lh - MARGIN_TOP - MARGIN_BOTTOM,
            id="appendix",
        )
        self.addPageTemplates(
            [
                PageTemplate(
                    "first",
                    [first],
                    onPage=furniture.first_page,
                    pagesize=PORTRAIT,
                    autoNextPageTemplate="body",
                ),
                PageTemplate("body", [body], onPage=furniture.later_page, pagesize=PORTRAIT),
                PageTemplate("appendix", [wide], onPage=furniture.later_page, pagesize=LANDSCAPE),
            ]
        )
        self.body_width = body_w
        self.appendix_width = lw - 2 * LANDSCAPE_MARGIN_X

    def afterPage(self) -> None:
        if self._after_page is not None:
            self._after_page()
