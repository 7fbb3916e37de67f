"""The PDF packet read back: every figure of the JSON is in its text, masked, marked, numbered."""

from __future__ import annotations

from typing import Any

import pytest
from briefs_helpers import HOSTILE_SUMMARY, Rendered, squeeze

from workstation.briefs.model import cn_date
from workstation.vocab import CATEGORY, LEAD_STATUS


def pct(value: float | None) -> str:
    """A rate as the packet prints it: one decimal of a percent, — when there is none."""
    return "—" if value is None else f"{value * 100:.1f}%"


def cell(value: Any) -> str:
    return "" if value is None else str(value)


@pytest.fixture(scope="module")
def text(pdf_pages: list[str]) -> str:
    return squeeze("".join(pdf_pages))


def test_masthead_marking_and_closing_block(rendered: Rendered, pdf_pages: list[str]) -> None:
    j = rendered.json
    first = squeeze(pdf_pages[0])
    assert squeeze(j["title"]) in first
    assert f"第{j['issue']}期" in first
    assert squeeze(j["issuing_unit"]) in first
    assert cn_date(rendered.brief.issued_on) in first
    assert "内部资料注意保存" in first
    assert "第1份" in first
    # Every later page carries the marking in its running header.
    assert all("内部资料注意保存" in squeeze(page) for page in pdf_pages)
    body = squeeze("".join(pdf_pages[: rendered.pdf.pages]))
    assert "报送：" + squeeze("，".join(j["send_to"])) in body
    assert "抄送：" + squeeze("，".join(j["copy_to"])) in body
    assert f"共印{j['copies']}份" in body


def test_pages_are_numbered_per_copy(rendered: Rendered, pdf_pages: list[str]) -> None:
    per_copy, copies = rendered.pdf.pages, rendered.json["copies"]
    assert copies == 2
    assert len(pdf_pages) == per_copy * copies
    for index, page in enumerate(pdf_pages):
        number = index % per_copy + 1
        assert f"第{number}页共{per_copy}页" in squeeze(page)
        copy_no = index // per_copy + 1
        if number == 1:
            assert f"第{copy_no}份" in squeeze(page)


def test_watermark_names_the_author(rendered: Rendered, pdf_pages: list[str]) -> None:
    author = rendered.json["author"]
    stamp = squeeze(f"{author['display_name']} {author['login']}")
    assert all(stamp in squeeze(page) for page in pdf_pages)


def test_every_figure_of_the_json_is_in_the_text(rendered: Rendered, text: str) -> None:
    j = rendered.json
    for paragraph in j["summary"]:
        assert squeeze(paragraph) in text
    lf = j["leads"]
    values = [lf["total"], lf["new"], lf["concluded"], pct(lf["conclusion_rate"])]
    assert "".join(str(v) for v in values) in text
    values = [lf["concluded_in_period"], lf["open"], lf["overdue"], pct(lf["substantiated_rate"])]
    assert "".join(str(v) for v in values) in text
    for name in ("by_channel", "by_category", "by_unit_type", "by_unit", "by_status",
                 "by_disposition", "by_result"):  # fmt: skip
        breakdown = j[name]
        for row in (*breakdown["rows"], breakdown["total"]):
            cells = [row["label"]] + [
                pct(row[c]) if c == "share" else str(row[c]) for c in breakdown["columns"]
            ]
            assert squeeze("".join(cells)) in text, (name, row)


def test_anomalies_watch_list_and_overdue_leads(rendered: Rendered, text: str) -> None:
    a = rendered.json["anomalies"]
    states = ("suspected", "confirmed", "dismissed", "closed", "total")
    for row in (*a["by_kind"], a["total"], *a["by_agency"]):
        assert squeeze(row["label"] + "".join(str(row[s]) for s in states)) in text
    for row in a["confirmed"]:
        assert squeeze(f"{row['id']}{row['case_no']}{row['agency']}") in text
        assert squeeze(row["reason"]) in text
    w = rendered.json["watch"]
    for person in w["persons"]:
        assert squeeze(person["reasons"]) in text
        assert squeeze(f"{person['name']}{person['unit']}") in text
    for unit in w["units"]:
        assert squeeze(unit["name"]) in text
        figures = [unit["leads"], unit["concluded"], unit["substantiated"],
                   pct(unit["substantiated_rate"]), unit["confirmed_anomalies"],
                   unit["suspected_anomalies"], unit["watched_persons"]]  # fmt: skip
        assert "".join(str(f) for f in figures) in text
    for row in rendered.json["overdue"]["rows"]:
        head = [row["ref"], row["received_on"], cell(row["subject"]), cell(row["unit"])]
        assert squeeze("".join(head)) in text
        assert (
            squeeze(f"{LEAD_STATUS.label(row['status'])}{row['due_on']}{row['days_overdue']}")
            in text
        )


def test_notes_and_appendix(rendered: Rendered, text: str, pdf_pages: list[str]) -> None:
    for section in rendered.json["notes"]:
        assert squeeze(section["title"]) in text
        for paragraph in section["paragraphs"]:
            assert squeeze(paragraph) in text
    count = rendered.json["appendix"]["count"]
    assert f"附件：本期受理线索明细（共{count}件）" in text
    appendix = squeeze("".join(pdf_pages[: rendered.pdf.pages]).split("附件：本期受理线索明细")[-1])
    for ref in ("XS2021-00004", "XS2021-00005", "XS2021-00006", "XS2021-00007"):
        assert ref in appendix
    assert "XS2021-00001" not in appendix  # received before the period
    assert squeeze(HOSTILE_SUMMARY) in appendix
    assert squeeze(CATEGORY.label("business").split("（")[0]) in appendix


def test_reporters_are_masked(rendered: Rendered, text: str) -> None:
    assert rendered.json["masked"] is True
    assert "李**" in text
    assert "138****1234" in text
    assert "-**" in text
    assert "李四" not in text
    assert "13812341234" not in text


def test_pages_are_a4_with_a_landscape_appendix(rendered: Rendered) -> None:
    from pypdf import PdfReader

    sizes = [
        (round(float(p.mediabox.width)), round(float(p.mediabox.height)))
        for p in PdfReader(rendered.pdf.path).pages[: rendered.pdf.pages]
    ]
    assert sizes[0] == (595, 842)
    assert sizes[-1] == (842, 595)
    assert set(sizes) == {(595, 842), (842, 595)}


def test_chinese_is_drawn_with_an_embedded_font_that_has_every_glyph(
    rendered: Rendered, pdf_pages: list[str]
) -> None:
    """No boxes: every character in the text is in the embedded TrueType font's character map."""
    from pypdf import PdfReader

    from workstation.briefs.fonts import register_fonts

    reader = PdfReader(rendered.pdf.path)
    embedded = set()
    for page in reader.pages[:3]:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object().get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                embedded.add(str(font.get_object()["/BaseFont"]))
    assert embedded  # TrueType outlines embedded (subsets), not referenced by name
    from reportlab.pdfbase import pdfmetrics

    face = pdfmetrics.getFont(register_fonts().body).face
    used = {ch for page in pdf_pages for ch in page if not ch.isspace()}
    assert {ch for ch in used if ord(ch) not in face.charToGlyph} == set()
    assert {"简", "报", "逾", "期", "0", "9", "%", "X"} <= used


def test_no_line_starts_with_closing_punctuation(pdf_pages: list[str]) -> None:
    """Chinese line breaking (GB/T 15834): ，；。 and the like hang at a line's end. (reportlab
    hangs one mark only: after a pair such as ”、 a line may still start with the second.)"""
    starts = [line.strip()[:1] for page in pdf_pages for line in page.splitlines()]
    assert not [s for s in starts if s and s in "，；：。？！"]
