"""The summary sheets of the brief's workbook: overview, breakdowns, anomalies, watch list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from workstation.briefs.model import ANOMALY_STATES, Breakdown, Brief, cn_date
from workstation.briefs.xlsx_sheet import (
    TOTAL_FONT,
    WRAP_WIDTH,
    Sheet,
    bar_chart,
    breakdown_rows,
    fit_widths,
    pie_chart,
    subtitle,
    vocab_label,
    write_breakdown,
)
from workstation.vocab import ANOMALY_KIND, ANOMALY_STATE, CATEGORY, LEAD_STATUS, UNIT_TYPE


def _key_figures(brief: Brief) -> list[tuple[str, Any, str]]:
    lf, an, w = brief.leads, brief.anomalies.total, brief.watch
    return [
        ("受理线索", lf.total, f"截至{cn_date(brief.period.as_of)}受理的问题线索"),
        ("本期新增", lf.new, brief.period.describe()),
        ("已办结", lf.concluded, ""),
        ("办结率", lf.conclusion_rate, "已办结件数 ÷ 受理线索"),
        ("本期办结", lf.concluded_in_period, ""),
        ("尚在办理", lf.open, "未办结且未移交"),
        ("逾期未办结", lf.overdue, "尚在办理且已超过办理期限"),
        ("移交其他机关", lf.transferred, ""),
        ("已办结并有核查结论", lf.with_result, ""),
        ("属实和部分属实", lf.substantiated, ""),
        ("查实率", lf.substantiated_rate, "属实和部分属实 ÷ 已办结并有核查结论"),
        ("案件异常", an.total, "规则发现和人工标记的全部案件异常"),
        ("已认定异常", an.confirmed, ""),
        ("疑似待复核异常", an.suspected, ""),
        ("已排除异常", an.dismissed, ""),
        ("自动关闭异常", an.closed, "规则不再触发"),
        ("重点关注人员", w.persons_count, ""),
        ("重点关注单位", w.units_count, ""),
    ]


KEY_RATES = {"办结率", "查实率"}


def overview_sheet(wb: Workbook, brief: Brief) -> None:
    figures = _key_figures(brief)
    blocks = (brief.by_status, brief.by_disposition, brief.by_result)
    sample: list[Sequence[Any]] = [(label, "00000", note) for label, _, note in figures]
    for block in blocks:
        sample += breakdown_rows(block)[1]
    fitted = fit_widths(sample)
    sheet = Sheet(wb, brief, "概览", [max(fitted[0], 22), 12, 40, 12])
    sheet.freeze_below(3)
    sheet.title(f"{brief.title}  第{brief.issue}期", subtitle(brief))
    header_row = sheet.header(["指标", "数值", "说明"])
    for label, value, note in figures:
        last = sheet.values([label, value, note or None], rates=(1,) if label in KEY_RATES else ())
    sheet.autofilter(header_row, last, 3)
    sheet.blank()
    sheet.append([sheet.cell("情况综述", font=TOTAL_FONT)])
    for paragraph in brief.summary:
        sheet.paragraph(paragraph, columns=4)
    for block in blocks:
        sheet.blank()
        write_breakdown(sheet, block)
    for section in brief.notes:
        sheet.blank()
        sheet.append([sheet.cell(section.title, font=TOTAL_FONT)])
        for paragraph in section.paragraphs:
            sheet.paragraph(paragraph, columns=4)


def breakdown_sheet(
    wb: Workbook, brief: Brief, title: str, breakdown: Breakdown, *, horizontal: bool
) -> None:
    header, rows = breakdown_rows(breakdown)
    sheet = Sheet(wb, brief, title, fit_widths([header, *rows], minimum=10))
    sheet.freeze_below(3)
    sheet.title(f"按{breakdown.title}统计", subtitle(brief))
    header_row, last = write_breakdown(sheet, breakdown)
    sheet.autofilter(header_row, last, len(header))
    chart = bar_chart(
        sheet, f"{breakdown.title}（件）", header_row, last, [2, 3], horizontal=horizontal
    )
    if horizontal:
        chart.height = 4 + len(breakdown.rows) * 1.1
    sheet.ws.add_chart(chart, f"{get_column_letter(len(header) + 2)}{header_row}")


def units_sheet(wb: Workbook, brief: Brief) -> None:
    unit_header, unit_rows = breakdown_rows(brief.by_unit, "被反映单位")
    _, type_rows = breakdown_rows(brief.by_unit_type)
    sheet = Sheet(
        wb, brief, "按单位", fit_widths([unit_header, *unit_rows, *type_rows], minimum=10)
    )
    sheet.freeze_below(3)
    sheet.title("按被反映单位统计", subtitle(brief))
    header_row, last = write_breakdown(sheet, brief.by_unit, first="被反映单位")
    sheet.autofilter(header_row, last, len(unit_header))
    anchor = f"{get_column_letter(len(unit_header) + 2)}"
    sheet.blank()
    type_header_row, type_last = write_breakdown(sheet, brief.by_unit_type)
    chart = bar_chart(
        sheet, "被反映线索较多的单位（件）", header_row, last, [2, 3], horizontal=True
    )
    chart.height, chart.width = 4 + len(brief.by_unit.rows) * 0.9, 18
    sheet.ws.add_chart(chart, f"{anchor}{header_row}")
    sheet.ws.add_chart(
        pie_chart(sheet, "按单位类型", type_header_row, type_last), f"{anchor}{type_header_row}"
    )


def anomalies_sheet(wb: Workbook, brief: Brief) -> None:
    a = brief.anomalies
    states = [vocab_label(ANOMALY_STATE, s) or s for s in ANOMALY_STATES]
    kind_header = ["异常类型", *states, "合计"]
    kind_rows = [
        [r.label, *(getattr(r, s) for s in ANOMALY_STATES), r.total] for r in (*a.by_kind, a.total)
    ]
    agency_rows = [
        [r.label, *(getattr(r, s) for s in ANOMALY_STATES), r.total] for r in a.by_agency
    ]
    list_header = [
        "编号",
        "案号",
        "办案单位",
        "承办人",
        "异常类型",
        "规则",
        "异常情况",
        "认定人",
        "认定理由",
        "认定日期",
    ]
    list_rows = [
        [
            r.id,
            r.case_no,
            r.agency,
            r.officer,
            vocab_label(ANOMALY_KIND, r.kind),
            "人工标记" if r.rule_id == "manual" else r.rule_id,
            r.explanation,
            r.reviewer,
            r.reason,
            r.decided_on,
        ]
        for r in a.confirmed
    ]
    widths = fit_widths(
        [kind_header, *kind_rows, *agency_rows, list_header, *list_rows],
        wrap={6: WRAP_WIDTH, 8: 30},
    )
    sheet = Sheet(wb, brief, "案件异常", widths)
    sheet.freeze_below(3)
    sheet.title("案件评查发现的问题（按异常类型）", subtitle(brief))
    header_row = sheet.header(kind_header)
    last = header_row
    for row in kind_rows[:-1]:
        last = sheet.values(row)
    sheet.values(kind_rows[-1], total=True)
    if a.total.total:
        chart = bar_chart(sheet, "案件异常（件）", header_row, last, [2, 3, 4, 5])
        sheet.ws.add_chart(chart, f"{get_column_letter(len(widths) + 2)}{header_row}")
    sheet.blank()
    sheet.append([sheet.cell("按办案单位", font=TOTAL_FONT)])
    sheet.header(["办案单位", *kind_header[1:]])
    for row in agency_rows:
        sheet.values(row)
    sheet.blank()
    note = f"已认定的案件异常（共{a.confirmed_count}件"
    note += f"，列出前{len(a.confirmed)}件）" if len(a.confirmed) < a.confirmed_count else "）"
    sheet.append([sheet.cell(note, font=TOTAL_FONT)])
    list_header_row = sheet.header(list_header)
    last = list_header_row
    for row in list_rows:
        last = sheet.values(row, wrap=(6, 8))
    sheet.autofilter(list_header_row, last, len(list_header))


def overdue_sheet(wb: Workbook, brief: Brief) -> None:
    o = brief.overdue
    header = [
        "线索编号",
        "受理日期",
        "被反映人",
        "被反映单位",
        "问题类别",
        "办理状态",
        "承办单位",
        "办理期限",
        "逾期天数",
    ]
    rows = [
        [
            r.ref,
            r.received_on,
            r.subject,
            r.unit,
            vocab_label(CATEGORY, r.category),
            vocab_label(LEAD_STATUS, r.status),
            r.handler_unit,
            r.due_on,
            r.days_overdue,
        ]
        for r in o.rows
    ]
    widths = fit_widths(
        [header, *([c if not isinstance(c, dt.date) else "2021-01-01" for c in r] for r in rows)],
        wrap={4: 30},
    )
    sheet = Sheet(wb, brief, "逾期线索", widths)
    sheet.freeze_below(3)
    title = f"逾期未办结线索（截至{cn_date(brief.period.as_of)}，共{o.count}件"
    title += f"，列出逾期时间最长的{len(o.rows)}件）" if len(o.rows) < o.count else "）"
    sheet.title(title, subtitle(brief))
    header_row = sheet.header(header)
    last = header_row
    for row in rows:
        last = sheet.values(row, wrap=(4,))
    sheet.autofilter(header_row, last, len(header))


def watch_sheet(wb: Workbook, brief: Brief) -> None:
    w = brief.watch
    person_header = ["姓名", "单位", "职务", "被反映线索", "关注原因"]
    person_rows = [[p.name, p.unit, p.position, p.leads, p.reasons] for p in w.persons]
    unit_header = [
        "单位",
        "类型",
        "被反映线索",
        "已办结",
        "属实或部分属实",
        "查实率",
        "已认定异常",
        "疑似异常",
        "重点关注人员",
    ]
    unit_rows = [
        [
            u.name,
            vocab_label(UNIT_TYPE, u.type),
            u.leads,
            u.concluded,
            u.substantiated,
            u.substantiated_rate,
            u.confirmed_anomalies,
            u.suspected_anomalies,
            u.watched_persons,
        ]
        for u in w.units
    ]
    widths = fit_widths([person_header, *person_rows, unit_header, *unit_rows], wrap={4: 70})
    sheet = Sheet(wb, brief, "重点关注", widths)
    sheet.freeze_below(3)
    title = f"重点关注人员（共{w.persons_count}名"
    title += f"，列出前{len(w.persons)}名）" if len(w.persons) < w.persons_count else "）"
    sheet.title(title, subtitle(brief))
    header_row = sheet.header(person_header)
    last = header_row
    for row in person_rows:
        last = sheet.values(row, wrap=(4,))
    sheet.autofilter(header_row, last, len(person_header))
    sheet.blank()
    title = f"重点关注单位（共{w.units_count}个"
    title += f"，列出前{len(w.units)}个）" if len(w.units) < w.units_count else "）"
    sheet.append([sheet.cell(title, font=TOTAL_FONT)])
    sheet.header(unit_header)
    for row in unit_rows:
        sheet.values(row, rates=(5,))
