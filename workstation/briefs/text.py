"""The brief's opening paragraphs, written in Chinese from its figures."""

from __future__ import annotations

from collections.abc import Sequence

from workstation.briefs.model import (
    AnomalyFigures,
    Breakdown,
    Count,
    LeadFigures,
    Period,
    WatchFigures,
    cn_date,
    percent,
)


def short_label(label: str) -> str:
    """A label without its parenthesised gloss: 违规经商办企业（含…） → 违规经商办企业."""
    return label.split("（")[0] or label


def quoted(label: str) -> str:
    """“label”, unless the label has quotation marks of its own (违反…“三个规定”)."""
    return label if "“" in label else f"“{label}”"


def _ranked(rows: Sequence[Count], quote: bool = False) -> str:
    parts = []
    for row in rows:
        label = short_label(row.label)
        if quote:
            label = quoted(label)
        parts.append(f"{label}{row.total}件（占{percent(row.share)}）")
    return "、".join(parts)


def overview(period: Period, leads: LeadFigures) -> str:
    text = (
        f"截至{cn_date(period.as_of)}，共受理问题线索{leads.total}件，"
        f"其中本期（{period.describe()}）新增{leads.new}件。"
        f"已办结{leads.concluded}件，办结率{percent(leads.conclusion_rate)}，"
        f"其中本期办结{leads.concluded_in_period}件；"
    )
    if leads.transferred:
        text += f"移交其他机关{leads.transferred}件；"
    text += f"尚在办理{leads.open}件，其中逾期未办结{leads.overdue}件。"
    return text


def sources(channel: Breakdown, category: Breakdown, unit_type: Breakdown) -> str | None:
    if not channel.total.total:
        return None
    text = f"从来源渠道看，{_ranked(channel.top(3))}居前。"
    top = category.top(2)
    if top:
        first = top[0]
        text += (
            f"从问题类别看，反映{quoted(short_label(first.label))}问题的最多，"
            f"{first.total}件（占{percent(first.share)}）"
        )
        if len(top) > 1:
            text += f"，其次是{_ranked(top[1:], quote=True)}"
        text += "。"
    units = unit_type.top(3)
    if units:
        text += f"从被反映单位看，{_ranked(units)}。"
    return text


def results(leads: LeadFigures, result: Breakdown) -> str | None:
    if not leads.concluded:
        return None
    parts = "、".join(f"{r.label}{r.total}件" for r in result.rows if r.total)
    return (
        f"已办结线索中，{parts}，查实率{percent(leads.substantiated_rate)}"
        "（属实和部分属实件数占已办结并有核查结论件数的比例）。"
    )


def anomalies(figures: AnomalyFigures) -> str:
    total = figures.total
    if not total.total:
        return "案件评查方面，暂未发现有案不立、压案不查、有罪不究等案件异常。"
    kinds = "、".join(f"{k.label}{k.confirmed}件" for k in figures.by_kind if k.confirmed)
    text = f"案件评查方面，共发现案件异常{total.total}件，其中已认定{total.confirmed}件"
    if kinds:
        text += f"（{kinds}）"
    text += f"，疑似待复核{total.suspected}件，经复核排除{total.dismissed}件"
    if total.closed:
        text += f"，因案件情况变化自动关闭{total.closed}件"
    return text + "。"


def watch(figures: WatchFigures) -> str:
    t = figures.thresholds
    rule = (
        f"{t.get('watch_days', 0)}天内被反映{t.get('watch_leads', 0)}次及以上、"
        f"被反映问题涉及{t.get('watch_categories', 0)}类及以上，"
        f"或关联已认定案件异常{t.get('watch_anomalies', 0)}件及以上"
    )
    if not figures.persons_count:
        return f"按照重点关注标准（{rule}），暂无人员列入重点关注。"
    return (
        f"按照重点关注标准（{rule}），列入重点关注人员{figures.persons_count}名，"
        f"涉及重点关注单位{figures.units_count}个。"
    )


def summary(
    period: Period,
    leads: LeadFigures,
    channel: Breakdown,
    category: Breakdown,
    unit_type: Breakdown,
    result: Breakdown,
    anomaly_figures: AnomalyFigures,
    watch_figures: WatchFigures,
) -> tuple[str, ...]:
    paragraphs = [
        overview(period, leads),
        sources(channel, category, unit_type),
        results(leads, result),
        anomalies(anomaly_figures),
        watch(watch_figures),
    ]
    return tuple(p for p in paragraphs if p)
