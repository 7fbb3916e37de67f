"""The brief as a printable PDF packet (简报): masthead, body with tables and charts, 报尾."""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterable
from typing import Any, BinaryIO

from reportlab.platypus import Flowable, NextPageTemplate, PageBreak, Paragraph

from workstation.briefs.fonts import BriefFonts, register_fonts
from workstation.briefs.model import Brief, BriefCancelled, DetailLead, cn_date
from workstation.briefs.pdf_layout import (
    CellFitter,
    Styles,
    data_table,
    escape,
    make_styles,
    widths,
)
from workstation.briefs.pdf_pages import BriefDoc, Furniture, Masthead, canvas_class
from workstation.briefs.pdf_story import Story, vocab_label
from workstation.briefs.text import short_label
from workstation.vocab import CATEGORY, CHANNEL, LEAD_STATUS

APPENDIX_TITLE = "附件  本期受理线索明细"
APPENDIX_HEADER = (
    "序号",
    "线索编号",
    "受理日期",
    "来源",
    "反映人",
    "被反映人及单位",
    "问题类别",
    "办理状态",
    "主要问题",
)
APPENDIX_WIDTHS: tuple[float | None, ...] = (28, 64, 52, 44, 62, 112, 76, 42, None)
ROWS_PER_PAGE_GUESS = 9


def reporter_text(lead: DetailLead) -> str:
    name = lead.reporter_name or ("匿名" if lead.anonymous else "")
    if lead.reporter_phone:
        return f"{name}\n{lead.reporter_phone}" if name else lead.reporter_phone
    return name


def subject_text(lead: DetailLead) -> str:
    who = lead.subject or "未注明"
    if lead.subject_position:
        who += f"（{lead.subject_position}）"
    return f"{who}\n{lead.subject_unit}" if lead.subject_unit else who


def appendix_row(index: int, lead: DetailLead) -> list[str]:
    """The cells of one appendix row, as text (the benchmark's floor lays out the same)."""
    return [
        str(index),
        lead.ref,
        lead.received_on.isoformat(),
        vocab_label(CHANNEL, lead.channel),
        reporter_text(lead),
        subject_text(lead),
        short_label(vocab_label(CATEGORY, lead.category)),
        vocab_label(LEAD_STATUS, lead.status),
        lead.summary,
    ]


def appendix_table(
    leads: Iterable[DetailLead],
    styles: Styles,
    width: float,
    *,
    cancel: Callable[[], bool] | None = None,
) -> Flowable | None:
    """The leads of the period in one long table (header repeated on every page)."""
    fitter = CellFitter(styles.small_cell)
    column = widths(width, APPENDIX_WIDTHS)
    rows = []
    for i, lead in enumerate(leads, 1):
        if cancel is not None and i % 1000 == 0 and cancel():
            raise BriefCancelled("已取消生成简报")
        rows.append(appendix_row(i, lead))
    if not rows:
        return None
    return data_table(
        APPENDIX_HEADER,
        rows,
        column,
        fitter,
        wrap=(8,),
        header_font=styles.fonts.heading,
    )


def render_pdf(
    brief: Brief,
    target: str | os.PathLike[str] | BinaryIO,
    *,
    details: Iterable[DetailLead] = (),
    fonts: BriefFonts | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> int:
    """Write the brief as a PDF to a path or binary stream; returns the number of pages of one
    copy. `details` are the leads of the appendix (used when brief.appendix.in_pdf).

    Progress is reported as (pages laid out, pages expected); `cancel()` returning true stops
    the work (BriefCancelled) at the next page."""
    fonts = fonts or register_fonts()
    styles = make_styles(fonts)
    author = f"{brief.author.display_name}（{brief.author.login}）"
    stamp = brief.generated_at.astimezone().strftime("%Y-%m-%d %H:%M")
    masthead = Masthead(
        title=brief.title,
        issue=brief.issue,
        issuing_unit=brief.issuing_unit,
        issued_on=cn_date(brief.issued_on),
        watermark=f"{brief.author.display_name} {brief.author.login} {stamp}",
        copies=brief.copies,
        appendix_title=APPENDIX_TITLE,
    )
    furniture = Furniture(masthead, fonts)
    expected = 8 + (brief.appendix.count // ROWS_PER_PAGE_GUESS if brief.appendix.in_pdf else 0)
    laid_out = [0]

    def after_page() -> None:
        laid_out[0] += 1
        if cancel is not None and cancel():
            raise BriefCancelled("已取消生成简报")
        if progress is not None:
            progress(laid_out[0], max(expected, laid_out[0]))

    out: Any = target if hasattr(target, "write") else os.fspath(target)  # type: ignore[arg-type]
    doc = BriefDoc(
        out,
        furniture,
        title=f"{brief.title} 第{brief.issue}期",
        author=author,
        after_page=after_page,
    )
    story = Story(brief, styles, doc.body_width).build()
    if brief.appendix.in_pdf:
        table = appendix_table(details, styles, doc.appendix_width, cancel=cancel)
        if table is not None:
            story += [
                NextPageTemplate("appendix"),
                PageBreak(),
                Paragraph(escape(APPENDIX_TITLE.replace("  ", "：")), styles.heading),
                table,
            ]
    if progress is not None:
        progress(0, expected)
    doc.build(story, canvasmaker=canvas_class(furniture))
    return laid_out[0]


def pdf_bytes(brief: Brief, **options: Any) -> bytes:
    """The PDF in memory (previews, tests)."""
    buffer = io.BytesIO()
    render_pdf(brief, buffer, **options)
    return buffer.getvalue()
