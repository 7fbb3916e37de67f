"""Case review: listing flags, reviewers' decisions on them, and a case's history."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from workstation.errors import NotFound, ValidationError, WorkstationError
from workstation.models import Anomaly, AuditEvent, Case, Lead, Person, Unit, utcnow
from workstation.services import audit, stale_edits
from workstation.services.auth import Actor, require
from workstation.services.cases import LABELS as CASE_LABELS
from workstation.services.cases import OPEN_ANOMALY_STATES, CaseRow, find_case, get_case
from workstation.services.fields import as_json
from workstation.services.scan import (
    COUNTS,
    MANUAL,
    LeadLinks,
    NewFlag,
    ScanCancelled,
    ScanResult,
    describe_change,
    fmt_fact,
    link_leads,
    scan,
)
from workstation.services.watch import short_category
from workstation.store import Store
from workstation.vocab import ANOMALY_KIND, ANOMALY_STATE, LEAD_STATUS, clean_text

__all__ = [
    "COUNTS",
    "MANUAL",
    "AnomalyQuery",
    "AnomalyRow",
    "CaseHistory",
    "HistoryEntry",
    "LeadLinks",
    "LinkedLead",
    "NewFlag",
    "ScanCancelled",
    "ScanResult",
    "anomaly_kinds_for_cases",
    "case_history",
    "confirm",
    "count_anomalies",
    "describe_change",
    "dismiss",
    "get_anomaly",
    "link_leads",
    "list_anomalies",
    "mark",
    "reopen",
    "scan",
]

MAX_REASON = 2_000
_IN_CHUNK = 500


# ---------------------------------------------------------------------------------------------
# Rows returned to the UI and the command line


@dataclasses.dataclass(frozen=True)
class AnomalyRow:
    id: int
    uuid: str
    case_id: int
    case_uuid: str
    case_no: str
    agency: str
    officer: str | None
    kind: str
    state: str
    rule_id: str
    explanation: str
    as_of: dt.date | None
    reviewer: str | None
    reason: str | None
    decided_at: dt.datetime | None
    closed_at: dt.datetime | None
    created_at: dt.datetime
    created_by: str | None

    def to_json(self) -> dict[str, Any]:
        return as_json(self)


@dataclasses.dataclass(frozen=True)
class AnomalyQuery:
    kind: str | None = None  # key of ANOMALY_KIND
    state: str | None = None  # key of ANOMALY_STATE
    agency: str | None = None  # part of the agency's name
    agency_name: str | None = None  # the agency's exact name (a choice from a list)
    rule_id: str | None = None
    case_id: int | None = None


_Agency = aliased(Unit, name="agency_t")
_Officer = aliased(Person, name="officer_t")


def _row_select() -> Select[Any]:
    return (
        select(
            Anomaly.id,
            Anomaly.uuid,
            Anomaly.case_id,
            Case.uuid,
            Case.case_no,
            _Agency.name,
            _Officer.name,
            Anomaly.kind,
            Anomaly.state,
            Anomaly.rule_id,
            Anomaly.explanation,
            Anomaly.as_of,
            Anomaly.reviewer,
            Anomaly.reason,
            Anomaly.decided_at,
            Anomaly.closed_at,
            Anomaly.created_at,
            Anomaly.created_by,
        )
        .join(Case, Anomaly.case_id == Case.id)
        .join(_Agency, Case.agency_id == _Agency.id)
        .outerjoin(_Officer, Case.officer_id == _Officer.id)
    )


def _filtered(stmt: Select[Any], query: AnomalyQuery) -> Select[Any]:
    if query.kind:
        stmt = stmt.where(Anomaly.kind == query.kind)
    if query.state:
        stmt = stmt.where(Anomaly.state == query.state)
    if query.rule_id:
        stmt = stmt.where(Anomaly.rule_id == query.rule_id)
    if query.case_id is not None:
        stmt = stmt.where(Anomaly.case_id == query.case_id)
    if query.agency and query.agency.strip():
        # Latin letters in either case, as SQLite's LIKE has it, on PostgreSQL too.
        stmt = stmt.where(_Agency.name.icontains(query.agency.strip(), autoescape=True))
    if query.agency_name:
        stmt = stmt.where(_Agency.name == query.agency_name)
    return stmt


def list_anomalies(
    store: Store,
    actor: Actor,
    query: AnomalyQuery | None = None,
    *,
    offset: int = 0,
    limit: int | None = None,
) -> list[AnomalyRow]:
    """Flags matching the query, oldest first (in the order the scans found them)."""
    query = query or AnomalyQuery()
    with store.read() as session:
        require(actor, "anomaly.read")
        stmt = _filtered(_row_select(), query).order_by(Anomaly.id).offset(offset)
        if limit is not None:
            stmt = stmt.limit(limit)
        return [AnomalyRow(*r) for r in session.execute(stmt)]


def count_anomalies(store: Store, actor: Actor, query: AnomalyQuery | None = None) -> int:
    query = query or AnomalyQuery()
    with store.read() as session:
        require(actor, "anomaly.read")
        stmt = _filtered(_row_select(), query).with_only_columns(func.count(Anomaly.id))
        return int(session.scalar(stmt) or 0)


def anomaly_kinds_for_cases(
    store: Store, actor: Actor, case_ids: Iterable[int]
) -> dict[int, list[tuple[str, str]]]:
    """The open (suspected or confirmed) anomalies of each case, as (kind, state) pairs in the
    order of ANOMALY_KIND, one pair per kind (confirmed wins over suspected), read in one query.

    For a page of a case list: cases without open anomalies are left out of the result."""
    ids = sorted(set(case_ids))
    if not ids:
        return {}
    with store.read() as session:
        require(actor, "anomaly.read")
        found: dict[int, dict[str, str]] = {}
        # Chunks keep the IN list under SQLite's bound-parameter limit for any page size.
        for start in range(0, len(ids), _IN_CHUNK):
            chunk = ids[start : start + _IN_CHUNK]
            stmt = (
                select(Anomaly.case_id, Anomaly.kind, Anomaly.state)
                .where(Anomaly.case_id.in_(chunk), Anomaly.state.in_(OPEN_ANOMALY_STATES))
                .distinct()
            )
            for case_id, kind, state in session.execute(stmt):
                kinds = found.setdefault(case_id, {})
                if kinds.get(kind) != "confirmed":
                    kinds[kind] = state
    order = {key: i for i, (key, _) in enumerate(ANOMALY_KIND.choices())}
    return {
        case_id: sorted(kinds.items(), key=lambda pair: order.get(pair[0], len(order)))
        for case_id, kinds in found.items()
    }


def get_anomaly(store: Store, actor: Actor, key: int | str) -> AnomalyRow:
    with store.read() as session:
        require(actor, "anomaly.read")
        return _reread(session, _find(session, key).id)


def _reread(session: Session, anomaly_id: int) -> AnomalyRow:
    return AnomalyRow(*session.execute(_row_select().where(Anomaly.id == anomaly_id)).one())


def _find(session: Session, key: int | str) -> Anomaly:
    """A flag by its number (12 or #12) or UUID."""
    text = str(key).strip().removeprefix("#").removeprefix("＃")
    anomaly = None
    if text.isdigit():
        anomaly = session.get(Anomaly, int(text))
    elif text:
        anomaly = session.scalar(select(Anomaly).where(Anomaly.uuid == text))
    if anomaly is None:
        raise NotFound(f"找不到编号为“{key}”的案件异常")
    return anomaly


# ---------------------------------------------------------------------------------------------
# Reviewers' decisions


def _reason(reason: str | None, what: str) -> str:
    text = clean_text(reason or "")
    if not text:
        raise ValidationError({"reason": f"{what}须说明理由（命令行用 --reason 给出）"})
    if len(text) > MAX_REASON:
        raise ValidationError({"reason": f"理由不能超过 {MAX_REASON} 字"})
    return text


def _decision(anomaly: Anomaly) -> dict[str, Any]:
    return {
        "state": anomaly.state,
        "reviewer": anomaly.reviewer,
        "reason": anomaly.reason,
        "decided_at": anomaly.decided_at.isoformat() if anomaly.decided_at else None,
    }


def _label(anomaly: Anomaly) -> str:
    return f"异常 #{anomaly.id}（{ANOMALY_KIND.label(anomaly.kind)}，{anomaly.rule_id}）"


def _changed_at(anomaly: Anomaly) -> dt.datetime | None:
    """When the flag came into its present state (its row's updated_at moves with any write)."""
    if anomaly.state in ("confirmed", "dismissed") and anomaly.decided_at is not None:
        return anomaly.decided_at
    if anomaly.state == "closed" and anomaly.closed_at is not None:
        return anomaly.closed_at
    return anomaly.updated_at


def _decide(
    store: Store,
    actor: Actor,
    key: int | str,
    *,
    to_state: str,
    reason: str,
    action: str,
    expected_state: str | None,
) -> AnomalyRow:
    with store.write() as session:
        require(actor, "anomaly.review")
        anomaly = _find(session, key)
        # On a server store two reviewers' transactions run at once: the second waits here
        # for the first to commit, then reads the decision it made (SQLite: a no-op, writers
        # already take turns).
        session.refresh(anomaly, with_for_update=True)
        if expected_state is not None and anomaly.state != expected_state:
            raise stale_edits.changed_since(
                session,
                _label(anomaly),
                anomaly.updated_by,
                _changed_at(anomaly),
                change=f"改为“{ANOMALY_STATE.label(anomaly.state)}”",
                ending="请刷新后再处理",
            )
        if anomaly.state == to_state:
            by = ""
            if anomaly.reviewer and anomaly.decided_at:
                by = f"（{anomaly.reviewer} 于 {anomaly.decided_at.astimezone():%Y-%m-%d %H:%M}）"
            raise WorkstationError(
                f"{_label(anomaly)}已是“{ANOMALY_STATE.label(to_state)}”状态{by}"
            )
        if action == "anomaly.reopen" and anomaly.state == "closed":
            raise WorkstationError(
                f"{_label(anomaly)}已因规则不再触发而自动关闭，重新打开后下次扫描仍会关闭；"
                f"如认为确有问题，请直接认定（anomalies confirm {anomaly.id} --reason 理由）"
            )
        before = _decision(anomaly)
        anomaly.state = to_state
        if to_state == "suspected":
            anomaly.reviewer = anomaly.reason = anomaly.decided_at = None
        else:
            anomaly.reviewer, anomaly.reason, anomaly.decided_at = actor.login, reason, utcnow()
        anomaly.closed_at = None
        anomaly.updated_by = actor.login
        session.flush()
        after = _decision(anomaly) | {
            "why": reason,
            "case_id": anomaly.case_id,
            "kind": anomaly.kind,
            "rule_id": anomaly.rule_id,
        }
        audit.record(session, actor, action, "anomaly", anomaly.uuid, before=before, after=after)
        return _reread(session, anomaly.id)


def confirm(
    store: Store, actor: Actor, key: int | str, reason: str, *, expected_state: str | None = None
) -> AnomalyRow:
    """Confirm a flag (已认定): the reviewer finds the anomaly real."""
    return _decide(
        store, actor, key, to_state="confirmed", reason=_reason(reason, "认定"),
        action="anomaly.confirm", expected_state=expected_state,
    )  # fmt: skip


def dismiss(
    store: Store, actor: Actor, key: int | str, reason: str, *, expected_state: str | None = None
) -> AnomalyRow:
    """Dismiss a flag (已排除); it stays dismissed until the facts its rule read change."""
    return _decide(
        store, actor, key, to_state="dismissed", reason=_reason(reason, "排除"),
        action="anomaly.dismiss", expected_state=expected_state,
    )  # fmt: skip


def reopen(
    store: Store,
    actor: Actor,
    key: int | str,
    reason: str | None = None,
    *,
    expected_state: str | None = None,
) -> AnomalyRow:
    """Take back a decision: the flag is suspected again, awaiting review."""
    why = _reason(reason, "重新打开") if reason and reason.strip() else "重新复核"
    return _decide(
        store, actor, key, to_state="suspected", reason=why, action="anomaly.reopen",
        expected_state=expected_state,
    )  # fmt: skip


def mark(store: Store, actor: Actor, case_key: int | str, kind: str, reason: str) -> AnomalyRow:
    """A reviewer's own finding on a case, recorded as confirmed (rule "manual")."""
    kind_key = kind if kind in ANOMALY_KIND else ANOMALY_KIND.to_key(kind)
    if kind_key is None:
        choices = "、".join(label for _, label in ANOMALY_KIND.choices())
        raise ValidationError({"kind": f"异常类型“{kind}”不是可选值（可选：{choices}）"})
    why = _reason(reason, "标记")
    with store.write() as session:
        require(actor, "anomaly.review")
        case = find_case(session, case_key)
        same_kind = list(
            session.scalars(
                select(Anomaly).where(Anomaly.case_id == case.id, Anomaly.kind == kind_key)
            )
        )
        label = ANOMALY_KIND.label(kind_key)
        for other in same_kind:
            if other.state == "confirmed":
                raise WorkstationError(f"案件 {case.case_no} 已有已认定的{label}异常 #{other.id}")
            if other.state == "suspected":
                raise WorkstationError(
                    f"案件 {case.case_no} 已有疑似{label}异常 #{other.id}（{other.rule_id}），"
                    f"请直接认定：anomalies confirm {other.id} --reason 理由"
                )
        anomaly = next((a for a in same_kind if a.rule_id == MANUAL), None)
        before = None
        if anomaly is None:
            anomaly = Anomaly(
                case_id=case.id, kind=kind_key, rule_id=MANUAL, created_by=actor.login
            )
            session.add(anomaly)
        else:
            before = _decision(anomaly)
        anomaly.state, anomaly.explanation = "confirmed", why
        anomaly.reviewer, anomaly.reason, anomaly.decided_at = actor.login, why, utcnow()
        anomaly.closed_at = None
        anomaly.updated_by = actor.login
        session.flush()
        after = _decision(anomaly) | {
            "why": why, "case_id": case.id, "case_no": case.case_no, "kind": kind_key,
            "rule_id": MANUAL,
        }  # fmt: skip
        audit.record(
            session, actor, "anomaly.mark", "anomaly", anomaly.uuid, before=before, after=after
        )
        return _reread(session, anomaly.id)


# ---------------------------------------------------------------------------------------------
# A case's history


@dataclasses.dataclass(frozen=True)
class HistoryEntry:
    """One line of a case's history: a dated fact of the case, a lead, a flag or a decision."""

    on: dt.date
    at: dt.datetime | None  # when it was recorded; None for the case's own dates
    source: str  # fact | lead | edit | flag | decision | scan
    text: str
    user: str | None = None
    anomaly_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        return as_json(self)


@dataclasses.dataclass(frozen=True)
class LinkedLead:
    ref: str
    received_on: dt.date
    category: str
    status: str
    summary: str

    def to_json(self) -> dict[str, Any]:
        return as_json(self)


@dataclasses.dataclass(frozen=True)
class CaseHistory:
    case: CaseRow
    flags: tuple[AnomalyRow, ...]
    leads: tuple[LinkedLead, ...]
    entries: tuple[HistoryEntry, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "case": self.case.to_json(),
            "flags": [f.to_json() for f in self.flags],
            "leads": [lead.to_json() for lead in self.leads],
            "entries": [e.to_json() for e in self.entries],
        }


CASE_DATES = {
    "accepted_on": "受案",
    "filed_on": "立案",
    "not_filed_on": "决定不予立案",
    "withdrawn_on": "撤案",
    "prosecuted_on": "移送审查起诉",
    "closed_on": "结案",
    "last_activity_on": "最近一次办案活动",
}


def _event_text(action: str, before: Any, after: Any, flag: AnomalyRow | None) -> tuple[str, str]:
    """(source, Chinese text) of one audit event of the case or of one of its flags."""
    before, after = before or {}, after or {}
    what = ""
    if flag is not None:
        what = f"{ANOMALY_KIND.label(flag.kind)} #{flag.id}"
        if flag.rule_id != MANUAL:
            what += f"（{flag.rule_id}）"
    why = after.get("why") or after.get("reason") or ""
    if action == "case.create":
        return "edit", "录入案件"
    if action == "case.update":
        changes = "；".join(
            f"{CASE_LABELS.get(k, k)} {fmt_fact(before.get(k))} → {fmt_fact(v)}"
            for k, v in after.items()
        )
        return "edit", f"修改案件：{changes}"
    texts = {
        "anomaly.close": ("flag", f"疑似{what}自动关闭：{after.get('reason', '')}"),
        "anomaly.reflag": ("flag", f"{what}{after.get('note', '')}：{after.get('explanation')}"),
        "anomaly.confirm": ("decision", f"认定{what}：{why}"),
        "anomaly.dismiss": ("decision", f"排除{what}：{why}"),
        "anomaly.mark": ("decision", f"人工标记{what}，认定：{why}"),
        "anomaly.reopen": ("decision", f"重新打开{what}，待复核：{why}"),
    }
    return texts.get(action, ("edit", action))


def case_history(store: Store, actor: Actor, case_key: int | str) -> CaseHistory:
    """A case's facts, its flags, the leads naming it and every event, in time order."""
    case = get_case(store, actor, case_key)
    with store.read() as session:
        require(actor, "anomaly.read")
        flags = tuple(
            AnomalyRow(*r)
            for r in session.execute(
                _row_select().where(Anomaly.case_id == case.id).order_by(Anomaly.id)
            )
        )
        mentions = link_leads(session, [case.id]).by_case.get(case.id, ())
        refs = [m.ref for m in mentions]
        leads = tuple(
            LinkedLead(*r)
            for r in session.execute(
                select(Lead.ref, Lead.received_on, Lead.category, Lead.status, Lead.summary)
                .where(Lead.ref.in_(refs))
                .order_by(Lead.received_on, Lead.ref)
            )
        )
        by_uuid = {f.uuid: f for f in flags}
        events = session.execute(
            select(
                AuditEvent.at,
                AuditEvent.user,
                AuditEvent.action,
                AuditEvent.entity_uuid,
                AuditEvent.before,
                AuditEvent.after,
            )
            .where(
                or_(
                    and_(AuditEvent.entity_type == "case", AuditEvent.entity_uuid == case.uuid),
                    and_(
                        AuditEvent.entity_type == "anomaly",
                        AuditEvent.entity_uuid.in_(list(by_uuid)),
                    ),
                )
            )
            .order_by(AuditEvent.id)
        ).all()
    entries: list[HistoryEntry] = [
        HistoryEntry(getattr(case, name), None, "fact", label)
        for name, label in CASE_DATES.items()
        if getattr(case, name) is not None
    ]
    entries += [
        HistoryEntry(
            lead.received_on,
            None,
            "lead",
            f"线索 {lead.ref} 反映此案（{short_category(lead.category)}，"
            f"{LEAD_STATUS.label(lead.status)}）",
        )
        for lead in leads
    ]
    # Rule flags are recorded by the scan that found them (its audit event lists them).
    for f in flags:
        if f.rule_id != MANUAL:
            text = (
                f"扫描发现疑似{ANOMALY_KIND.label(f.kind)} #{f.id}（{f.rule_id}）：{f.explanation}"
            )
            on = f.created_at.astimezone().date()
            entries.append(HistoryEntry(on, f.created_at, "flag", text, f.created_by, f.id))
    for at, user, action, entity_uuid, before, after in events:
        flag = by_uuid.get(entity_uuid or "")
        source, text = _event_text(action, before, after, flag)
        entries.append(
            HistoryEntry(at.astimezone().date(), at, source, text, user, flag.id if flag else None)
        )
    floor = dt.datetime.min.replace(tzinfo=dt.UTC)
    entries.sort(key=lambda e: (e.on, e.at is not None, e.at or floor))
    return CaseHistory(case, flags, leads, tuple(entries))
