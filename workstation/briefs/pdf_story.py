"""The body of the PDF brief: the opening paragraphs, then a section with tables and charts for
each set of figures, the author's own sections and the closing block (报尾)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from workstation.briefs import pdf_charts as charts
from workstation.briefs.model import (
    ANOMALY_STATES,
    COLUMN_LABELS,
    Breakdown,
    Brief,
    Count,
    cn_date,
    percent,
)
from workstation.briefs.pdf_layout import (
    RED,
    AtBottom,
    CellFitter,
    Styles,
    data_table,
    escape,
    widths,
)
from workstation.briefs.text import short_label
from workstation.vocab import ANOMALY_KIND, ANOMALY_STATE, CATEGORY, LEAD_STATUS, UNIT_TYPE

NUMERALS = "一二三四五六七八九十"


def vocab_label(vocabulary: Any, key: str | None) -> str:
    if key is None:
        return ""
    try:
        return str(vocabulary.label(key))
    except KeyError:
        return key


def section_number(n: int) -> str:
    """一 … 十, 十一 … 十九, 二十 …"""
    if n <= 10:
        return NUMERALS[n - 1]
    tens, units = divmod(n, 10)
    return ("" if tens == 1 else NUMERALS[tens - 1]) + "十" + (NUMERALS[units - 1] if units else "")


class Story:
    """Builds the flowables of the body, section by section."""

    def __init__(self, brief: Brief, styles: Styles, width: float) -> None:
        self.brief = brief
        self.s = styles
        self.width = width
        self.fitter = CellFitter(styles.cell)
        self.items: list[Flowable] = []
        self.sections = 0

    @property
    def font(self) -> str:
        return self.s.fonts.body

    def para(self, text: str, style: Any = None) -> None:
        self.items.append(Paragraph(escape(text), style or self.s.body))

    def heading(self, text: str) -> None:
        self.sections += 1
        self.items.append(CondPageBreak(90))
        self.para(f"{section_number(self.sections)}、{text}", self.s.heading)

    def subheading(self, text: str) -> None:
        self.items.append(CondPageBreak(70))
        self.para(text, self.s.subheading)

    def note(self, text: str) -> None:
        self.para(text, self.s.note)

    def space(self, height: float = 6) -> None:
        self.items.append(Spacer(1, height))

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[Any]],
        fixed: Sequence[Any],
        **options: Any,
    ) -> None:
        options.setdefault("header_font", self.s.fonts.heading)
        self.items.append(
            data_table(header, rows, widths(self.width, fixed), self.fitter, **options)
        )
        self.space(4)

    def chart(self, drawing: Flowable | None) -> None:
        if drawing is not None:
            self.items.append(KeepTogether([Spacer(1, 4), drawing, Spacer(1, 6)]))

    # -- sections -----------------------------------------------------------------------------

    def build(self) -> list[Flowable]:
        b = self.brief
        self.para("问题线索受理办理和案件评查情况", self.s.headline)
        self.para(
            f"（统计期间：{b.period.describe()}；截至{cn_date(b.period.as_of)}）", self.s.subline
        )
        for paragraph in b.summary:
            self.para(paragraph)
        self.overview()
        self.breakdown_section("线索来源渠道", b.by_channel, chart="bars")
        self.breakdown_section("反映问题类别", b.by_category, chart="hbars")
        self.units()
        self.handling()
        self.overdue()
        self.anomalies()
        self.watch()
        for section in b.notes:
            self.heading(section.title)
            for paragraph in section.paragraphs:
                self.para(paragraph)
        if b.appendix.in_pdf:
            self.space(8)
            self.para(f"附件：本期受理线索明细（共{b.appendix.count}件）", self.s.body)
        self.items.append(AtBottom(self.closing()))
        return self.items

    def overview(self) -> None:
        lf = self.brief.leads
        self.heading("线索受理和办理总体情况")
        labels = (
            "受理线索",
            "本期新增",
            "已办结",
            "办结率",
            "本期办结",
            "尚在办理",
            "逾期未办结",
            "查实率",
        )
        values = (
            str(lf.total),
            str(lf.new),
            str(lf.concluded),
            percent(lf.conclusion_rate),
            str(lf.concluded_in_period),
            str(lf.open),
            str(lf.overdue),
            percent(lf.substantiated_rate),
        )
        data = [list(labels[:4]), list(values[:4]), list(labels[4:]), list(values[4:])]
        cell = self.width / 4
        table = Table(data, colWidths=[cell] * 4, hAlign="CENTER")
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), self.font, 9.5, 12),
                    ("FONT", (0, 1), (-1, 1), self.s.fonts.heading, 17, 21),
                    ("FONT", (0, 3), (-1, 3), self.s.fonts.heading, 17, 21),
                    ("TEXTCOLOR", (0, 0), (-1, 0), charts.AXIS),
                    ("TEXTCOLOR", (0, 2), (-1, 2), charts.AXIS),
                    ("TEXTCOLOR", (2, 3), (2, 3), RED),
                    ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                    ("BOX", (0, 0), (-1, -1), 0.6, charts.AXIS),
                    ("LINEBELOW", (0, 1), (-1, 1), 0.4, colors.HexColor("#CCCCCC")),
                    ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#FAFAFA")),
                    ("TOPPADDING", (0, 0), (-1, -1), 4),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ]
            )
        )
        self.items.append(table)
        self.note(
            "注：办结率为已办结件数占受理线索总数的比例；查实率为属实和部分属实件数占已办结"
            "并有核查结论件数的比例；逾期指尚在办理且已超过办理期限。"
        )

    def breakdown_table(self, breakdown: Breakdown, *, first: str | None = None) -> None:
        header = [first or breakdown.title] + [COLUMN_LABELS[c] for c in breakdown.columns]
        numbers = len(breakdown.columns)
        fixed: list[float | None] = [None] + [52.0] * numbers
        rows = [breakdown_cells(r, breakdown.columns) for r in (*breakdown.rows, breakdown.total)]
        self.table(header, rows, fixed, numeric_from=1, total_row=True)

    def breakdown_section(self, title: str, breakdown: Breakdown, *, chart: str) -> None:
        self.heading(title)
        self.breakdown_table(breakdown)
        names = [chart_label(breakdown.name, r) for r in breakdown.rows]
        if chart == "bars":
            self.chart(
                charts.bar_chart(
                    names,
                    [
                        ("累计", [r.total for r in breakdown.rows]),
                        ("本期新增", [r.new for r in breakdown.rows]),
                    ],
                    width=self.width,
                    height=175,
                    font=self.font,
                )
            )
        elif chart == "hbars":
            self.chart(
                charts.hbar_chart(
                    names, [r.total for r in breakdown.rows], width=self.width, font=self.font
                )
            )
        else:
            self.chart(pie(breakdown, self.width, self.font))

    def units(self) -> None:
        b = self.brief
        self.heading("被反映单位")
        self.subheading("（一）按单位类型")
        self.breakdown_table(b.by_unit_type)
        self.chart(pie(b.by_unit_type, self.width, self.font))
        shown = sum(1 for r in b.by_unit.rows if not r.key.startswith("_"))
        self.subheading(f"（二）被反映线索较多的单位（前{shown}个）")
        self.breakdown_table(b.by_unit, first="单位")

    def handling(self) -> None:
        b = self.brief
        self.heading("线索处置和核查结论")
        self.subheading("（一）办理状态")
        self.breakdown_table(b.by_status)
        self.subheading("（二）处置方式")
        self.breakdown_table(b.by_disposition)
        self.chart(
            charts.bar_chart(
                [chart_label("disposition", r) for r in b.by_disposition.rows],
                [("累计", [r.total for r in b.by_disposition.rows])],
                width=self.width,
                height=150,
                font=self.font,
            )
        )
        self.subheading("（三）核查结论")
        self.breakdown_table(b.by_result)
        self.chart(pie(b.by_result, self.width, self.font))
        self.para(
            f"已办结并有核查结论的线索{b.leads.with_result}件，其中属实和部分属实"
            f"{b.leads.substantiated}件，查实率{percent(b.leads.substantiated_rate)}。"
        )

    def overdue(self) -> None:
        o = self.brief.overdue
        self.heading("逾期未办结线索")
        if not o.count:
            self.para(f"截至{cn_date(self.brief.period.as_of)}，没有逾期未办结的线索。")
            return
        text = f"截至{cn_date(self.brief.period.as_of)}，逾期未办结线索{o.count}件"
        if len(o.rows) < o.count:
            text += f"，以下列出逾期时间最长的{len(o.rows)}件"
        self.para(text + "。")
        rows = [
            [
                r.ref,
                r.received_on.isoformat(),
                r.subject or "",
                r.unit or "",
                short_label(vocab_label(CATEGORY, r.category)),
                vocab_label(LEAD_STATUS, r.status),
                r.due_on.isoformat(),
                str(r.days_overdue),
            ]
            for r in o.rows
        ]
        self.table(
            [
                "线索编号",
                "受理日期",
                "被反映人",
                "被反映单位",
                "问题类别",
                "状态",
                "办理期限",
                "逾期天数",
            ],
            rows,
            [64, 54, 44, None, 70, 44, 54, 34],
            numeric_from=7,
        )

    def anomalies(self) -> None:
        a = self.brief.anomalies
        self.heading("案件评查发现的问题")
        header = ["异常类型", *(vocab_label(ANOMALY_STATE, s) for s in ANOMALY_STATES), "合计"]
        rows = [
            [r.label, *(str(getattr(r, s)) for s in ANOMALY_STATES), str(r.total)]
            for r in (*a.by_kind, a.total)
        ]
        self.subheading("（一）按异常类型")
        self.table(header, rows, [None, 60, 60, 60, 60, 60], numeric_from=1, total_row=True)
        self.chart(
            charts.bar_chart(
                [r.label for r in a.by_kind],
                [
                    (vocab_label(ANOMALY_STATE, s), [getattr(r, s) for r in a.by_kind])
                    for s in ANOMALY_STATES
                ],
                width=self.width,
                height=165,
                font=self.font,
            )
        )
        if a.by_agency:
            self.subheading("（二）按办案单位")
            header[0] = "办案单位"
            rows = [
                [r.label, *(str(getattr(r, s)) for s in ANOMALY_STATES), str(r.total)]
                for r in a.by_agency
            ]
            self.table(header, rows, [None, 48, 48, 48, 48, 48], numeric_from=1)
        self.subheading(f"（{'三' if a.by_agency else '二'}）已认定的案件异常")
        if not a.confirmed_count:
            self.para("暂无已认定的案件异常。")
            return
        if len(a.confirmed) < a.confirmed_count:
            self.note(f"共{a.confirmed_count}件，以下列出前{len(a.confirmed)}件。")
        rows = [
            [
                str(r.id),
                f"{r.case_no}\n{r.agency}",
                r.officer or "",
                vocab_label(ANOMALY_KIND, r.kind),
                r.explanation if r.rule_id != "manual" else f"人工标记：{r.explanation}",
                f"{r.reason or ''}\n（{r.reviewer or ''} {r.decided_on or ''}）",
            ]
            for r in a.confirmed
        ]
        self.table(
            ["编号", "案号及办案单位", "承办人", "类型", "异常情况", "认定理由"],
            rows,
            [24, 134, 38, 40, None, 92],
            wrap=(4, 5),
        )

    def watch(self) -> None:
        w = self.brief.watch
        self.heading("重点关注人员和单位")
        if not w.persons_count:
            self.para("暂无人员列入重点关注。")
        else:
            if len(w.persons) < w.persons_count:
                self.note(f"共{w.persons_count}名，以下列出前{len(w.persons)}名。")
            rows = [
                [p.name, p.unit or "", p.position or "", str(p.leads), p.reasons] for p in w.persons
            ]
            self.table(
                ["姓名", "单位", "职务", "被反映线索", "关注原因"],
                rows,
                [42, 100, 48, 40, None],
                wrap=(4,),
                numeric_from=3,
            )
        if w.units:
            self.subheading("重点关注单位")
            if len(w.units) < w.units_count:
                self.note(f"共{w.units_count}个，以下列出前{len(w.units)}个。")
            rows = [
                [
                    u.name,
                    vocab_label(UNIT_TYPE, u.type),
                    str(u.leads),
                    str(u.concluded),
                    str(u.substantiated),
                    percent(u.substantiated_rate),
                    str(u.confirmed_anomalies),
                    str(u.suspected_anomalies),
                    str(u.watched_persons),
                ]
                for u in w.units
            ]
            self.table(
                [
                    "单位",
                    "类型",
                    "被反映线索",
                    "已办结",
                    "查实",
                    "查实率",
                    "已认定异常",
                    "疑似异常",
                    "关注人员",
                ],
                rows,
                [None, 44, 40, 36, 32, 40, 40, 36, 36],
                numeric_from=2,
            )

    def closing(self) -> Flowable:
        """报尾: the distribution lists, the issuing unit, the date and the copies printed."""
        b = self.brief
        style = self.s.cell.clone("closing", fontSize=11, leading=17)
        rows = [
            [Paragraph(escape("报送：" + "，".join(b.send_to)), style)],
            [Paragraph(escape("抄送：" + "，".join(b.copy_to)), style)],
            [
                Paragraph(
                    escape(f"{b.issuing_unit}　　{cn_date(b.issued_on)}印发　　共印 {b.copies} 份"),
                    style,
                )
            ],
        ]
        table = Table(rows, colWidths=[self.width])
        table.setStyle(
            TableStyle(
                [
                    ("LINEABOVE", (0, 0), (-1, 0), 1.2, colors.black),
                    ("LINEBELOW", (0, 0), (-1, 1), 0.5, colors.black),
                    ("LINEBELOW", (0, -1), (-1, -1), 1.2, colors.black),
                    ("LEFTPADDING", (0, 0), (-1, -1), 2),
                    ("TOPPADDING", (0, 0), (-1, -1), 4),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ]
            )
        )
        return table


def breakdown_cells(row: Count, columns: Sequence[str]) -> list[str]:
    """A breakdown row as the PDF shows it: label, counts, and the share as 85.3%."""
    cells = [row.label]
    for column in columns:
        value = getattr(row, column)
        cells.append(percent(value) if column == "share" else str(value))
    return cells


CHART_NAMES = {
    "interference": "干预司法",
    "business": "违规经商办企业",
    "shareholding_lending": "违规参股借贷",
    "sentence_reduction": "违规减刑假释",
    "case_handling": "有案不立等",
    "revolving_door": "离任违规从业",
    "other": "其他",
}


def chart_label(name: str, row: Count) -> str:
    """A category's short name on a chart axis (the table beside it has the full name)."""
    if name == "category" and row.key in CHART_NAMES:
        return CHART_NAMES[row.key]
    return short_label(row.label)


def pie(breakdown: Breakdown, width: float, font: str) -> Flowable | None:
    items = [(chart_label(breakdown.name, r), r.total, r.share) for r in breakdown.rows]
    return charts.pie_chart(items, width=width, height=150, font=font)
