"""Long tables of the PDF: laid out a page at a time, every row once, in order, header repeated."""

from __future__ import annotations

import io

from briefs_helpers import squeeze
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import SimpleDocTemplate

from workstation.briefs.fonts import register_fonts
from workstation.briefs.pdf_layout import CellFitter, ChunkedTable, data_table, make_styles


def _fitter() -> CellFitter:
    return CellFitter(make_styles(register_fonts()).cell)


def test_a_paragraph_whose_split_failed_lays_itself_out_again() -> None:
    paragraph = _fitter().wrap("反映某民警违规插手经济纠纷。" * 20)
    _, height = paragraph.wrap(100, 1000)
    assert paragraph.split(100, 5) == []  # no room: reportlab forgets the line breaks
    assert paragraph.wrap(100, 1000)[1] == height
    paragraph.drawOn(Canvas(io.BytesIO()), 0, 0)


def test_a_chunked_table_keeps_every_row_in_order() -> None:
    from pypdf import PdfReader

    fitter = _fitter()
    rows = [[f"R{i:04d}", "短" if i % 7 else "较长的说明文字，需要折行显示。" * (i % 5 + 1)]
            for i in range(1, 400)]  # fmt: skip
    table = data_table(["编号", "说明"], rows, [60, 120], fitter, wrap=(1,))
    assert isinstance(table, ChunkedTable)
    out = io.BytesIO()
    SimpleDocTemplate(out).build([table])
    pages = [page.extract_text() for page in PdfReader(out).pages]
    assert len(pages) > 3
    assert all(squeeze(page).startswith("编号说明") for page in pages)  # header on every page
    assert all(page.count("编号") == 1 for page in pages)  # and only at its top
    found = [line for page in pages for line in page.split() if line.startswith("R")]
    assert found == [row[0] for row in rows]
