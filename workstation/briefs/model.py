"""The brief (简报) as one frozen data object: every figure the PDF, Excel and JSON show."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, ClassVar, NamedTuple

from workstation.errors import Cancelled

# Rates and shares are fractions 0..1 rounded to this many decimals; shown as 85.3% (one
# decimal of a percent) in the PDF and as the number with the 0.0% format in Excel.
RATE_DECIMALS = 4

# Columns a breakdown may show, with their Chinese headings (same order everywhere).
COLUMN_LABELS = {
    "total": "累计",
    "new": "本期新增",
    "concluded": "已办结",
    "overdue": "逾期",
    "share": "占比",
}
ANOMALY_STATES = ("suspected", "confirmed", "dismissed", "closed")
REST_KEY = "_rest"
NONE_KEY = "_none"
TOTAL_LABEL = "合计"


class BriefCancelled(Cancelled):
    """The user cancelled making a brief; nothing was written or recorded."""


def rate(part: int, whole: int) -> float | None:
    """part / whole rounded to RATE_DECIMALS; None when there is nothing to divide by."""
    if whole <= 0:
        return None
    return round(part / whole, RATE_DECIMALS)


def percent(value: float | None) -> str:
    """How a rate reads in the PDF and in generated text: 85.3%; — when there is none."""
    if value is None:
        return "—"
    return f"{value * 100:.1f}%"


def cn_date(day: dt.date) -> str:
    """2021年6月30日."""
    return f"{day.year}年{day.month}月{day.day}日"


def _json(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        keys: dict[str, str] = getattr(value, "JSON_KEYS", {})
        return {
            keys.get(f.name, f.name): _json(getattr(value, f.name))
            for f in dataclasses.fields(value)
        }
    if isinstance(value, (list, tuple)):
        return [_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    return value


class _Jsonable:
    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = _json(self)
        return out


@dataclasses.dataclass(frozen=True)
class Period(_Jsonable):
    """Leads received from `start` to `end` are new in the period; totals count to `as_of`."""

    start: dt.date
    end: dt.date
    as_of: dt.date

    # The command line's words: --from, --to, --as-of.
    JSON_KEYS: ClassVar[dict[str, str]] = {"start": "from", "end": "to"}

    def describe(self) -> str:
        return f"{cn_date(self.start)}至{cn_date(self.end)}"


@dataclasses.dataclass(frozen=True)
class Count(_Jsonable):
    """One row of a breakdown: leads with one value (a channel, a unit...)."""

    key: str
    label: str
    total: int
    new: int = 0
    concluded: int = 0
    overdue: int = 0
    share: float | None = None  # total / the breakdown's total


@dataclasses.dataclass(frozen=True)
class Breakdown(_Jsonable):
    """Leads counted by one attribute; `columns` says which counts the renderers show."""

    name: str  # channel, category, ...
    title: str  # 来源渠道
    columns: tuple[str, ...]
    rows: tuple[Count, ...]
    total: Count

    def top(self, n: int) -> tuple[Count, ...]:
        """The n largest rows with something in them (for charts and generated text)."""
        ranked = sorted((r for r in self.rows if r.total), key=lambda r: -r.total)
        return tuple(ranked[:n])


@dataclasses.dataclass(frozen=True)
class LeadFigures(_Jsonable):
    total: int  # received up to as_of
    new: int  # received in the period
    concluded: int  # concluded up to as_of
    concluded_in_period: int
    conclusion_rate: float | None  # concluded / total (办结率)
    open: int  # not concluded and not transferred
    overdue: int  # open and past due_on at as_of
    transferred: int
    with_result: int  # concluded with a verification result
    substantiated: int  # of those, 属实 or 部分属实
    substantiated_rate: float | None  # substantiated / with_result (查实率)


@dataclasses.dataclass(frozen=True)
class AnomalyCount(_Jsonable):
    """Flags of one kind (or of one agency), by state."""

    key: str
    label: str
    suspected: int
    confirmed: int
    dismissed: int
    closed: int
    total: int


@dataclasses.dataclass(frozen=True)
class ConfirmedAnomaly(_Jsonable):
    id: int
    case_no: str
    agency: str
    officer: str | None
    kind: str
    rule_id: str
    explanation: str
    reviewer: str | None
    reason: str | None
    decided_on: dt.date | None


@dataclasses.dataclass(frozen=True)
class AnomalyFigures(_Jsonable):
    total: AnomalyCount
    by_kind: tuple[AnomalyCount, ...]
    by_agency: tuple[AnomalyCount, ...]  # the agencies with most flags, then the rest
    confirmed_count: int
    confirmed: tuple[ConfirmedAnomaly, ...]  # the first `list_limit` confirmed flags


@dataclasses.dataclass(frozen=True)
class WatchPersonRow(_Jsonable):
    name: str
    unit: str | None
    position: str | None
    leads: int
    criteria: tuple[str, ...]
    reasons: str  # the reasons in Chinese, joined with "；"


@dataclasses.dataclass(frozen=True)
class WatchUnitRow(_Jsonable):
    name: str
    type: str
    leads: int
    concluded: int
    substantiated: int
    substantiated_rate: float | None
    confirmed_anomalies: int
    suspected_anomalies: int
    watched_persons: int


@dataclasses.dataclass(frozen=True)
class WatchFigures(_Jsonable):
    thresholds: dict[str, int]
    persons_count: int
    persons: tuple[WatchPersonRow, ...]  # the first `list_limit`, in the watch list's order
    units_count: int  # units with a watched person or a confirmed or suspected anomaly
    units: tuple[WatchUnitRow, ...]  # the first of those


@dataclasses.dataclass(frozen=True)
class OverdueLead(_Jsonable):
    ref: str
    received_on: dt.date
    subject: str | None
    unit: str | None
    category: str
    status: str
    handler_unit: str | None
    due_on: dt.date
    days_overdue: int


@dataclasses.dataclass(frozen=True)
class OverdueList(_Jsonable):
    count: int
    rows: tuple[OverdueLead, ...]  # the longest overdue first, at most `list_limit`


@dataclasses.dataclass(frozen=True)
class NoteSection(_Jsonable):
    """A section the author writes for the issue (典型问题, 下步工作)."""

    title: str
    paragraphs: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Appendix(_Jsonable):
    """The leads of the period listed in full (PDF appendix when asked for; Excel always)."""

    in_pdf: bool
    count: int


@dataclasses.dataclass(frozen=True)
class Author(_Jsonable):
    login: str
    display_name: str


@dataclasses.dataclass(frozen=True)
class Brief(_Jsonable):
    """One issue of the brief: computed once, rendered as PDF, Excel and JSON."""

    uuid: str
    title: str
    issue: int
    issuing_unit: str
    issued_on: dt.date
    period: Period
    author: Author
    generated_at: dt.datetime
    masked: bool  # reporters' names and phones masked in the lead lists
    copies: int
    send_to: tuple[str, ...]
    copy_to: tuple[str, ...]
    list_limit: int
    summary: tuple[str, ...]  # the generated opening paragraphs
    leads: LeadFigures
    by_channel: Breakdown
    by_category: Breakdown
    by_unit_type: Breakdown
    by_unit: Breakdown
    by_status: Breakdown
    by_disposition: Breakdown
    by_result: Breakdown
    anomalies: AnomalyFigures
    watch: WatchFigures
    overdue: OverdueList
    notes: tuple[NoteSection, ...]
    appendix: Appendix

    def breakdowns(self) -> tuple[Breakdown, ...]:
        return (
            self.by_channel,
            self.by_category,
            self.by_unit_type,
            self.by_unit,
            self.by_status,
            self.by_disposition,
            self.by_result,
        )


class DetailLead(NamedTuple):
    """One lead of the appendix and of the Excel detail sheet (reporter masked unless asked)."""

    ref: str
    received_on: dt.date
    channel: str
    reporter_name: str | None
    reporter_phone: str | None
    anonymous: bool
    subject: str | None
    subject_position: str | None
    subject_unit: str | None
    subject_unit_type: str | None
    category: str
    summary: str
    status: str
    disposition: str | None
    result: str | None
    handler_unit: str | None
    due_on: dt.date | None
    concluded_on: dt.date | None
    overdue_days: int | None  # days past due_on at as_of when still open, else None
