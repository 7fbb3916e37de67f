"""The brief's figures from the store: set-based SQL (GROUP BY), never all leads in Python."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, not_, select
from sqlalchemy.orm import Session, aliased

from workstation.briefs.model import (
    ANOMALY_STATES,
    NONE_KEY,
    REST_KEY,
    TOTAL_LABEL,
    AnomalyCount,
    Breakdown,
    BriefCancelled,
    Count,
    DetailLead,
    LeadFigures,
    OverdueLead,
    OverdueList,
    Period,
    rate,
)
from workstation.errors import ValidationError
from workstation.masking import mask_name, mask_phone
from workstation.models import Anomaly, Case, Lead, Person, Unit
from workstation.settings import default_as_of
from workstation.vocab import (
    ANOMALY_KIND,
    CATEGORY,
    CHANNEL,
    DISPOSITION,
    LEAD_STATUS,
    RESULT,
    UNIT_TYPE,
    Vocabulary,
)

TOP_UNITS = 15
LIST_LIMIT = 50
DETAIL_CHUNK = 2_000
LEAD_COLUMNS = ("total", "new", "concluded", "overdue", "share")
SIMPLE_COLUMNS = ("total", "new", "share")
SUBSTANTIATED = ("substantiated", "partly")


def resolve_period(
    start: dt.date | None,
    end: dt.date | None,
    as_of: dt.date | None,
    *,
    campaign_start: dt.date,
    campaign_end: dt.date,
    today: dt.date,
) -> Period:
    """The period a brief covers, to `end` from `start`, with totals counted to `as_of`.

    Defaults: the as-of date is `end` when given, else today, or the campaign's last day once
    the campaign is over (a brief made afterwards sums the campaign up); `end` is the as-of
    date; `start` is the campaign's first day, or the first of the month when that is later."""
    if as_of is None:
        as_of = end if end is not None else default_as_of(campaign_start, campaign_end, today)
    end = end or as_of
    if start is None:
        start = campaign_start if campaign_start <= end else end.replace(day=1)
    problems = {}
    if start > end:
        problems["from"] = f"起始日期 {start} 晚于截止日期 {end}"
    if end > as_of:
        problems["to"] = f"截止日期 {end} 晚于统计截至日期 {as_of}"
    if problems:
        raise ValidationError(problems)
    return Period(start, end, as_of)


class Conditions:
    """The SQL conditions every figure is made of, for one period."""

    def __init__(self, period: Period) -> None:
        self.period = period
        p = period
        self.known = Lead.received_on <= p.as_of
        self.new = Lead.received_on.between(p.start, p.end)
        self.concluded = and_(Lead.status == "concluded", Lead.concluded_on <= p.as_of)
        self.concluded_in_period = and_(
            Lead.status == "concluded", Lead.concluded_on.between(p.start, p.end)
        )
        self.transferred = Lead.status == "transferred"
        self.open = and_(not_(self.concluded), not_(self.transferred))
        self.overdue = and_(self.open, Lead.due_on.is_not(None), Lead.due_on < p.as_of)
        self.with_result = and_(self.concluded, Lead.result.is_not(None))
        self.substantiated = and_(self.concluded, Lead.result.in_(SUBSTANTIATED))


def _n(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def lead_figures(session: Session, c: Conditions) -> LeadFigures:
    stmt = select(
        func.count(Lead.id),
        _n(c.new),
        _n(c.concluded),
        _n(c.concluded_in_period),
        _n(c.open),
        _n(c.overdue),
        _n(c.transferred),
        _n(c.with_result),
        _n(c.substantiated),
    ).where(c.known)
    total, new, concluded, in_period, open_, overdue, transferred, with_result, found = (
        int(v) for v in session.execute(stmt).one()
    )
    return LeadFigures(
        total=total,
        new=new,
        concluded=concluded,
        concluded_in_period=in_period,
        conclusion_rate=rate(concluded, total),
        open=open_,
        overdue=overdue,
        transferred=transferred,
        with_result=with_result,
        substantiated=found,
        substantiated_rate=rate(found, with_result),
    )


# ---------------------------------------------------------------------------------------------
# Breakdowns


_Counts = dict[Any, tuple[int, int, int, int]]


def _grouped(
    session: Session,
    c: Conditions,
    key: Any,
    *,
    where: ColumnElement[bool] | None = None,
    new: ColumnElement[bool] | None = None,
    join_unit: bool = False,
) -> _Counts:
    """key → (total, new, concluded, overdue) in one GROUP BY."""
    stmt: Select[Any] = select(
        key,
        func.count(Lead.id),
        _n(c.new if new is None else new),
        _n(c.concluded),
        _n(c.overdue),
    ).where(c.known)
    if join_unit:
        stmt = stmt.outerjoin(Unit, Lead.subject_unit_id == Unit.id)
    if where is not None:
        stmt = stmt.where(where)
    stmt = stmt.group_by(key)
    return {
        row[0]: (int(row[1]), int(row[2]), int(row[3]), int(row[4]))
        for row in session.execute(stmt)
    }


def _count(key: str, label: str, counts: tuple[int, int, int, int], whole: int) -> Count:
    total, new, concluded, overdue = counts
    return Count(key, label, total, new, concluded, overdue, rate(total, whole))


def _total_row(rows: Sequence[Count]) -> Count:
    whole = sum(r.total for r in rows)
    return Count(
        "_total",
        TOTAL_LABEL,
        whole,
        sum(r.new for r in rows),
        sum(r.concluded for r in rows),
        sum(r.overdue for r in rows),
        1.0 if whole else None,
    )


def _vocab_breakdown(
    name: str,
    title: str,
    vocab: Vocabulary,
    counts: _Counts,
    columns: tuple[str, ...],
    *,
    none_label: str | None = None,
) -> Breakdown:
    """Every value of the vocabulary in its order (zeros too), then any unknown values, then
    the leads with no value (when there are some and `none_label` names them)."""
    whole = sum(v[0] for v in counts.values())
    zero = (0, 0, 0, 0)
    rows = [_count(t.key, t.label, counts.get(t.key, zero), whole) for t in vocab.terms]
    for key in sorted(k for k in counts if k is not None and k not in vocab):
        rows.append(_count(str(key), str(key), counts[key], whole))
    if None in counts and counts[None][0]:
        rows.append(_count(NONE_KEY, none_label or "未填写", counts[None], whole))
    return Breakdown(name, title, columns, tuple(rows), _total_row(rows))


def _unit_breakdown(session: Session, c: Conditions, top: int) -> Breakdown:
    counts = _grouped(session, c, Lead.subject_unit_id)
    whole = sum(v[0] for v in counts.values())
    ranked = sorted((k for k in counts if k is not None), key=lambda k: (-counts[k][0], k))
    shown, rest = ranked[:top], ranked[top:]
    names = {
        uid: (uuid, name)
        for uid, uuid, name in session.execute(
            select(Unit.id, Unit.uuid, Unit.name).where(Unit.id.in_(shown))
        )
    }
    rows = [_count(names[k][0], names[k][1], counts[k], whole) for k in shown]
    if rest:
        summed = tuple(sum(counts[k][i] for k in rest) for i in range(4))
        rows.append(_count(REST_KEY, f"其他 {len(rest)} 个单位", summed, whole))  # type: ignore[arg-type]
    if None in counts and counts[None][0]:
        rows.append(_count(NONE_KEY, "未注明单位", counts[None], whole))
    return Breakdown("unit", "被反映单位", LEAD_COLUMNS, tuple(rows), _total_row(rows))


@dataclasses.dataclass(frozen=True)
class Breakdowns:
    channel: Breakdown
    category: Breakdown
    unit_type: Breakdown
    unit: Breakdown
    status: Breakdown
    disposition: Breakdown
    result: Breakdown


def breakdowns(session: Session, c: Conditions, *, top_units: int = TOP_UNITS) -> Breakdowns:
    channel = _vocab_breakdown(
        "channel", "来源渠道", CHANNEL, _grouped(session, c, Lead.channel), LEAD_COLUMNS
    )
    category = _vocab_breakdown(
        "category", "问题类别", CATEGORY, _grouped(session, c, Lead.category), LEAD_COLUMNS
    )
    unit_type = _vocab_breakdown(
        "unit_type",
        "单位类型",
        UNIT_TYPE,
        _grouped(session, c, Unit.type, join_unit=True),
        LEAD_COLUMNS,
        none_label="未注明单位",
    )
    unit = _unit_breakdown(session, c, top_units)
    status = _vocab_breakdown(
        "status", "办理状态", LEAD_STATUS, _grouped(session, c, Lead.status), SIMPLE_COLUMNS
    )
    disposition = _vocab_breakdown(
        "disposition",
        "处置方式",
        DISPOSITION,
        _grouped(session, c, Lead.disposition),
        SIMPLE_COLUMNS,
        none_label="尚未处置",
    )
    # Results of the leads concluded by the as-of date; "new" = concluded in the period.
    result = _vocab_breakdown(
        "result",
        "核查结论",
        RESULT,
        _grouped(session, c, Lead.result, where=c.concluded, new=c.concluded_in_period),
        SIMPLE_COLUMNS,
        none_label="未填写结论",
    )
    return Breakdowns(channel, category, unit_type, unit, status, disposition, result)


# ---------------------------------------------------------------------------------------------
# Anomalies (case review)


def _anomaly_count(key: str, label: str, states: dict[str, int]) -> AnomalyCount:
    values = [states.get(s, 0) for s in ANOMALY_STATES]
    return AnomalyCount(key, label, *values, sum(values))


def _sum_counts(key: str, label: str, rows: Sequence[AnomalyCount]) -> AnomalyCount:
    values = [sum(getattr(r, s) for r in rows) for s in ANOMALY_STATES]
    return AnomalyCount(key, label, *values, sum(values))


def anomaly_counts(
    session: Session, *, top: int = TOP_UNITS
) -> tuple[AnomalyCount, tuple[AnomalyCount, ...], tuple[AnomalyCount, ...]]:
    """(total, by kind, by agency: the `top` agencies with most confirmed then suspected flags
    and then the rest), each by state, in two GROUP BYs."""
    by_kind: dict[str, dict[str, int]] = {}
    for kind, state, n in session.execute(
        select(Anomaly.kind, Anomaly.state, func.count(Anomaly.id)).group_by(
            Anomaly.kind, Anomaly.state
        )
    ):
        by_kind.setdefault(kind, {})[state] = int(n)
    kinds = [_anomaly_count(t.key, t.label, by_kind.get(t.key, {})) for t in ANOMALY_KIND.terms]
    kinds += [_anomaly_count(k, k, v) for k, v in sorted(by_kind.items()) if k not in ANOMALY_KIND]
    total = _sum_counts("_total", TOTAL_LABEL, kinds)

    by_agency: dict[int, dict[str, int]] = {}
    stmt = (
        select(Case.agency_id, Anomaly.state, func.count(Anomaly.id))
        .join(Case, Anomaly.case_id == Case.id)
        .group_by(Case.agency_id, Anomaly.state)
    )
    for agency_id, state, n in session.execute(stmt):
        by_agency.setdefault(agency_id, {})[state] = int(n)
    counted = {a: _anomaly_count("", "", s) for a, s in by_agency.items()}
    ranked = sorted(
        counted, key=lambda a: (-counted[a].confirmed, -counted[a].suspected, -counted[a].total, a)
    )
    shown, rest = ranked[:top], ranked[top:]
    names = {
        uid: (uuid, name)
        for uid, uuid, name in session.execute(
            select(Unit.id, Unit.uuid, Unit.name).where(Unit.id.in_(shown))
        )
    }
    agencies = [_anomaly_count(*names[a], by_agency[a]) for a in shown]
    if rest:
        agencies.append(
            _sum_counts(REST_KEY, f"其他 {len(rest)} 个单位", [counted[a] for a in rest])
        )
    return total, tuple(kinds), tuple(agencies)


# ---------------------------------------------------------------------------------------------
# Lists


_Subject = aliased(Person, name="subject_p")
_SubjectUnit = aliased(Unit, name="subject_u")
_Handler = aliased(Unit, name="handler_u")


def overdue_list(session: Session, c: Conditions, *, limit: int = LIST_LIMIT) -> OverdueList:
    """The open leads past their due date, longest overdue first (at most `limit`)."""
    where = and_(c.known, c.overdue)
    count = int(session.scalar(select(func.count(Lead.id)).where(where)) or 0)
    stmt = (
        select(
            Lead.ref,
            Lead.received_on,
            _Subject.name,
            _SubjectUnit.name,
            Lead.category,
            Lead.status,
            _Handler.name,
            Lead.due_on,
        )
        .outerjoin(_Subject, Lead.subject_person_id == _Subject.id)
        .outerjoin(_SubjectUnit, Lead.subject_unit_id == _SubjectUnit.id)
        .outerjoin(_Handler, Lead.handler_unit_id == _Handler.id)
        .where(where)
        .order_by(Lead.due_on, Lead.received_on, Lead.ref)
        .limit(limit)
    )
    as_of = c.period.as_of
    rows = tuple(
        OverdueLead(
            ref, received, subject, unit, category, status, handler, due, (as_of - due).days
        )
        for ref, received, subject, unit, category, status, handler, due in session.execute(stmt)
    )
    return OverdueList(count, rows)


def count_details(session: Session, c: Conditions) -> int:
    return int(session.scalar(select(func.count(Lead.id)).where(c.new, c.known)) or 0)


def iter_details(
    session: Session,
    period: Period,
    *,
    masked: bool = True,
    cancel: Callable[[], bool] | None = None,
    chunk: int = DETAIL_CHUNK,
) -> Iterator[DetailLead]:
    """The leads received in the period, oldest first, streamed from the store in chunks."""
    c = Conditions(period)
    stmt = (
        select(
            Lead.ref,
            Lead.received_on,
            Lead.channel,
            Lead.reporter_name,
            Lead.reporter_phone,
            Lead.anonymous,
            _Subject.name,
            _Subject.position,
            _SubjectUnit.name,
            _SubjectUnit.type,
            Lead.category,
            Lead.summary,
            Lead.status,
            Lead.disposition,
            Lead.result,
            _Handler.name,
            Lead.due_on,
            Lead.concluded_on,
            case((c.overdue, 1), else_=0),
        )
        .outerjoin(_Subject, Lead.subject_person_id == _Subject.id)
        .outerjoin(_SubjectUnit, Lead.subject_unit_id == _SubjectUnit.id)
        .outerjoin(_Handler, Lead.handler_unit_id == _Handler.id)
        .where(c.new, c.known)
        .order_by(Lead.received_on, Lead.ref)
        .execution_options(yield_per=chunk)
    )
    as_of = period.as_of
    result = session.execute(stmt)
    for part in result.partitions():
        if cancel is not None and cancel():
            raise BriefCancelled("已取消生成简报")
        for row in part:
            (
                ref,
                received,
                channel,
                name,
                phone,
                anonymous,
                subject,
                position,
                unit,
                unit_type,
                category,
                summary,
                status,
                disposition,
                result_,
                handler,
                due,
                concluded,
                is_overdue,
            ) = row
            if masked:
                name, phone = mask_name(name), mask_phone(phone)
            yield DetailLead(
                ref,
                received,
                channel,
                name,
                phone,
                bool(anonymous),
                subject,
                position,
                unit,
                unit_type,
                category,
                summary,
                status,
                disposition,
                result_,
                handler,
                due,
                concluded,
                (as_of - due).days if is_overdue and due is not None else None,
            )


__all__ = [
    "LEAD_COLUMNS",
    "LIST_LIMIT",
    "SIMPLE_COLUMNS",
    "TOP_UNITS",
    "Breakdowns",
    "Conditions",
    "anomaly_counts",
    "breakdowns",
    "count_details",
    "iter_details",
    "lead_figures",
    "overdue_list",
    "resolve_period",
]
