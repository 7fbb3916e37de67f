"""Cases (案件): create, edit, list and count, with validation and audit."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import decimal
from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.exc import StaleDataError

from workstation import clock
from workstation.errors import Conflict, NotFound, ValidationError, WorkstationError
from workstation.models import Anomaly, Case, Person, Unit
from workstation.services import audit, stale_edits
from workstation.services.auth import Actor, require
from workstation.services.fields import (
    as_json,
    like_any,
    read_amount_fen,
    read_bool,
    read_date,
    read_fields,
    read_text,
    read_vocab,
)
from workstation.services.units import ensure_person, ensure_unit
from workstation.store import Store
from workstation.vocab import CASE_KIND, PROCURATORATE_DECISION

LABELS = {
    "case_no": "案号",
    "agency": "办案单位",
    "kind": "案件类型",
    "cause": "案由",
    "complainant": "报案人",
    "accepted_on": "受案日期",
    "filed_on": "立案日期",
    "not_filed_on": "不予立案日期",
    "withdrawn_on": "撤案日期",
    "prosecuted_on": "移送审查起诉日期",
    "closed_on": "结案日期",
    "suspect_identified": "嫌疑人已明确",
    "procuratorate_decision": "检察机关决定",
    "last_activity_on": "最近办案活动日期",
    "complex": "重大复杂",
    "amount": "涉案金额",
    "officer": "承办人",
}
DATE_FIELDS = (
    "accepted_on", "filed_on", "not_filed_on", "withdrawn_on", "prosecuted_on", "closed_on",
    "last_activity_on",
)  # fmt: skip
# Dates that cannot come before filing (when the case was filed).
AFTER_FILING = ("withdrawn_on", "prosecuted_on")


@dataclasses.dataclass(frozen=True)
class CaseRow:
    id: int
    uuid: str
    case_no: str
    agency: str
    agency_type: str
    kind: str
    cause: str | None
    complainant: str | None
    accepted_on: dt.date
    filed_on: dt.date | None
    not_filed_on: dt.date | None
    withdrawn_on: dt.date | None
    prosecuted_on: dt.date | None
    closed_on: dt.date | None
    suspect_identified: bool
    procuratorate_decision: str | None
    last_activity_on: dt.date | None
    complex: bool
    amount: decimal.Decimal | None
    officer: str | None
    batch: int | None
    version: int
    created_by: str | None
    created_at: dt.datetime
    updated_by: str | None
    updated_at: dt.datetime

    def to_json(self) -> dict[str, Any]:
        return as_json(self)


@dataclasses.dataclass(frozen=True)
class CaseQuery:
    search: str | None = None
    agency: str | None = None
    kind: str | None = None
    # Only cases with an open (suspected or confirmed) anomaly of this kind (ANOMALY_KIND key).
    anomaly_kind: str | None = None
    # Only cases with at least one open (suspected or confirmed) anomaly.
    open_anomalies: bool = False
    order_by: str = "accepted_on"
    descending: bool = True


SORT_KEYS = ("accepted_on", "case_no", "agency", "kind", "filed_on", "last_activity_on")
# Anomaly states that still count against a case: awaiting review, or found real.
OPEN_ANOMALY_STATES = ("suspected", "confirmed")

_Agency = aliased(Unit, name="agency_t")
_Officer = aliased(Person, name="officer_t")


def _base_select() -> Select[Any]:
    return (
        select(
            Case,
            _Agency.name.label("agency"),
            _Agency.type.label("agency_type"),
            _Officer.name.label("officer"),
        )
        .join(_Agency, Case.agency_id == _Agency.id)
        .outerjoin(_Officer, Case.officer_id == _Officer.id)
    )


def _apply_query(stmt: Select[Any], query: CaseQuery) -> Select[Any]:
    if query.search and query.search.strip():
        stmt = stmt.where(
            like_any(
                query.search.strip(),
                Case.case_no,
                Case.cause,
                Case.complainant,
                _Agency.name,
                _Officer.name,
            )
        )
    if query.agency:
        stmt = stmt.where(_Agency.name == query.agency)
    if query.kind:
        stmt = stmt.where(Case.kind == query.kind)
    if query.anomaly_kind or query.open_anomalies:
        # IN over the (state, kind) index rather than EXISTS per case: the cost follows the
        # number of open flags (probed by key), not the number of cases.
        flagged = select(Anomaly.case_id).where(Anomaly.state.in_(OPEN_ANOMALY_STATES))
        if query.anomaly_kind:
            flagged = flagged.where(Anomaly.kind == query.anomaly_kind)
        stmt = stmt.where(Case.id.in_(flagged))
    return stmt


def _row(case: Case, extra: Mapping[str, Any]) -> CaseRow:
    amount = None
    if case.amount_fen is not None:
        amount = (decimal.Decimal(case.amount_fen) / 100).quantize(decimal.Decimal("0.01"))
    return CaseRow(
        id=case.id,
        uuid=case.uuid,
        case_no=case.case_no,
        agency=extra["agency"],
        agency_type=extra["agency_type"],
        kind=case.kind,
        cause=case.cause,
        complainant=case.complainant,
        accepted_on=case.accepted_on,
        filed_on=case.filed_on,
        not_filed_on=case.not_filed_on,
        withdrawn_on=case.withdrawn_on,
        prosecuted_on=case.prosecuted_on,
        closed_on=case.closed_on,
        suspect_identified=case.suspect_identified,
        procuratorate_decision=case.procuratorate_decision,
        last_activity_on=case.last_activity_on,
        complex=case.complex,
        amount=amount,
        officer=extra["officer"],
        batch=case.batch_id,
        version=case.version,
        created_by=case.created_by,
        created_at=case.created_at,
        updated_by=case.updated_by,
        updated_at=case.updated_at,
    )


def count_cases(store: Store, actor: Actor, query: CaseQuery | None = None) -> int:
    query = query or CaseQuery()
    with store.read() as session:
        require(actor, "case.read")
        if (query.search and query.search.strip()) or query.agency:
            stmt = _apply_query(_base_select(), query).with_only_columns(func.count(Case.id))
        else:
            # Every case has one agency and at most one officer, so the joins change no count;
            # without them the count reads one index instead of joining every case.
            stmt = _apply_query(select(func.count(Case.id)), query)
        return int(session.scalar(stmt) or 0)


def list_cases(
    store: Store,
    actor: Actor,
    query: CaseQuery | None = None,
    *,
    offset: int = 0,
    limit: int | None = None,
) -> list[CaseRow]:
    query = query or CaseQuery()
    if query.order_by not in SORT_KEYS:
        raise WorkstationError(f"不能按“{query.order_by}”排序")
    column: Any = _Agency.name if query.order_by == "agency" else getattr(Case, query.order_by)
    # Empty values first going up, last going down, on PostgreSQL as on SQLite.
    if query.descending:
        order = [column.desc().nulls_last(), Case.id.desc()]
    else:
        order = [column.asc().nulls_first(), Case.id]
    with store.read() as session:
        require(actor, "case.read")
        stmt = _apply_query(_base_select(), query).order_by(*order).offset(offset)
        if limit is not None:
            stmt = stmt.limit(limit)
        return [_row(r[0], r._mapping) for r in session.execute(stmt)]


def case_agencies(store: Store, actor: Actor) -> list[str]:
    """The names of the agencies that have cases in the store, in name order (for filters)."""
    with store.read() as session:
        require(actor, "case.read")
        stmt = select(Unit.name).where(select(Case.id).where(Case.agency_id == Unit.id).exists())
        return list(session.scalars(stmt.order_by(Unit.name)))


def get_case(store: Store, actor: Actor, key: int | str) -> CaseRow:
    with store.read() as session:
        require(actor, "case.read")
        case = find_case(session, key)
        r = session.execute(_base_select().where(Case.id == case.id)).one()
        return _row(r[0], r._mapping)


def find_case(session: Session, key: int | str) -> Case:
    """A case by id, UUID, or case number (when that number is unique across agencies)."""
    if isinstance(key, int) or key.isdigit():
        case = session.get(Case, int(key))
        if case is not None:
            return case
    found = list(session.scalars(select(Case).where(or_(Case.uuid == key, Case.case_no == key))))
    if len(found) > 1:
        raise NotFound(f"案号“{key}”在多个办案单位都有，请用案件的编号区分")
    if not found:
        raise NotFound(f"找不到案件“{key}”")
    return found[0]


def _readers(today: dt.date) -> dict[str, Any]:
    lab = LABELS
    readers: dict[str, Any] = {
        "case_no": lambda v: read_text("case_no", lab["case_no"], v, max_len=100),
        "agency": lambda v: read_text("agency", lab["agency"], v, max_len=200),
        "kind": lambda v: read_vocab("kind", lab["kind"], CASE_KIND, v),
        "cause": lambda v: read_text("cause", lab["cause"], v, max_len=200),
        "complainant": lambda v: read_text("complainant", lab["complainant"], v, max_len=200),
        "suspect_identified": lambda v: read_bool(
            "suspect_identified", lab["suspect_identified"], v
        ),
        "complex": lambda v: read_bool("complex", lab["complex"], v),
        "procuratorate_decision": lambda v: read_vocab(
            "procuratorate_decision", lab["procuratorate_decision"], PROCURATORATE_DECISION, v
        ),
        "amount": lambda v: read_amount_fen("amount", lab["amount"], v),
        "officer": lambda v: read_text("officer", lab["officer"], v, max_len=100),
    }
    for name in DATE_FIELDS:
        readers[name] = lambda v, n=name: read_date(n, lab[n], v, today=today)
    return readers


def check_record(case: Case, problems: dict[str, str]) -> None:
    if not case.case_no:
        problems.setdefault("case_no", "案号不能为空")
    if case.accepted_on is None:
        problems.setdefault("accepted_on", "受案日期不能为空")
        return
    for name in DATE_FIELDS[1:]:
        value = getattr(case, name)
        if value is not None and value < case.accepted_on:
            problems.setdefault(name, f"{LABELS[name]}早于受案日期")
    if case.filed_on is not None:
        for name in AFTER_FILING:
            value = getattr(case, name)
            if value is not None and value < case.filed_on:
                problems.setdefault(name, f"{LABELS[name]}早于立案日期")
    if case.withdrawn_on is not None and case.filed_on is None:
        problems.setdefault("withdrawn_on", "未立案的案件不能撤案")


def case_fields(case: Case) -> dict[str, Any]:
    out = {name: getattr(case, name) for name in DATE_FIELDS}
    out.update(
        case_no=case.case_no,
        agency=case.agency.name if case.agency else None,
        kind=case.kind,
        cause=case.cause,
        complainant=case.complainant,
        suspect_identified=case.suspect_identified,
        procuratorate_decision=case.procuratorate_decision,
        complex=case.complex,
        amount_fen=case.amount_fen,
        officer=case.officer.name if case.officer else None,
    )
    return out


_LINKS = ("agency", "officer", "amount")


def _assign(case: Case, values: Mapping[str, Any]) -> None:
    for name, value in values.items():
        if name in _LINKS:
            continue
        if name in {"suspect_identified", "complex"}:
            value = bool(value)
        setattr(case, name, value)
    if "amount" in values:
        case.amount_fen = values["amount"]


def _refuse_duplicate(
    session: Session, case_no: str | None, agency: Unit, case_id: int | None
) -> None:
    stmt = select(Case.id).where(Case.case_no == case_no, Case.agency_id == agency.id)
    if case_id is not None:
        stmt = stmt.where(Case.id != case_id)
    if case_no and session.scalar(stmt) is not None:
        raise ValidationError({"case_no": f"{agency.name}的案号“{case_no}”已存在"})


def create_case(
    store: Store, actor: Actor, fields: Mapping[str, Any], *, today: dt.date | None = None
) -> CaseRow:
    today = today or clock.today()
    values, problems = read_fields(fields, _readers(today))
    if not values.get("agency"):
        problems.setdefault("agency", "办案单位不能为空")
    if values.get("kind") is None:
        values["kind"] = "criminal"
    with store.write() as session:
        require(actor, "case.create")
        case = Case(created_by=actor.login, updated_by=actor.login)
        _assign(case, values)
        check_record(case, problems)
        if problems:
            raise ValidationError(problems)
        agency = ensure_unit(session, actor, values["agency"])
        officer = values.get("officer")
        _refuse_duplicate(session, case.case_no, agency, None)
        case.agency = agency
        case.officer = ensure_person(session, actor, officer, agency) if officer else None
        session.add(case)
        session.flush()
        audit.record(session, actor, "case.create", "case", case.uuid, after=case_fields(case))
        case_id = case.id
    return get_case(store, actor, case_id)


class _RacedCase(Conflict):
    """Another transaction saved the case between this one's read and its write (a server
    store); the message is made after the rollback, from what is stored then."""

    def __init__(self, case_id: int, seen: int) -> None:
        super().__init__("案件已被他人修改（您打开后），请刷新后再改")
        self.case_id, self.seen = case_id, seen


@contextlib.contextmanager
def _refusing_races(store: Store) -> Iterator[None]:
    try:
        yield
    except _RacedCase as exc:
        with store.read() as session:
            case = session.get(Case, exc.case_id)
            if case is None or case.version == exc.seen:
                raise
            raise stale_edits.changed_since(
                session, f"案件“{case.case_no}”", case.updated_by, case.updated_at
            ) from exc


def update_case(
    store: Store,
    actor: Actor,
    key: int | str,
    changes: Mapping[str, Any],
    *,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> CaseRow:
    today = today or clock.today()
    values, problems = read_fields(changes, _readers(today))
    for required in ("case_no", "agency", "accepted_on", "kind"):
        if required in values and values[required] is None:
            problems.setdefault(required, f"{LABELS[required]}不能为空")
    with _refusing_races(store), store.write() as session:
        require(actor, "case.edit")
        case = find_case(session, key)
        if expected_version is not None and case.version != expected_version:
            raise stale_edits.changed_since(
                session, f"案件“{case.case_no}”", case.updated_by, case.updated_at
            )
        seen = case.version
        before = case_fields(case)
        # Linked records first, so the case is written once (its version moves by one).
        agency = case.agency
        if values.get("agency"):
            agency = ensure_unit(session, actor, values["agency"])
        officer = case.officer
        if "officer" in values:
            name = values["officer"]
            officer = ensure_person(session, actor, name, agency) if name else None
        _refuse_duplicate(session, values.get("case_no") or case.case_no, agency, case.id)
        _assign(case, values)
        check_record(case, problems)
        if problems:
            raise ValidationError(problems)
        case.agency, case.officer = agency, officer
        after = case_fields(case)
        changed = [k for k in after if before[k] != after[k]]
        if changed:
            case.updated_by = actor.login
            try:
                session.flush()
            except StaleDataError as exc:
                raise _RacedCase(case_id=case.id, seen=seen) from exc
            audit.record(
                session,
                actor,
                "case.update",
                "case",
                case.uuid,
                before={k: before[k] for k in changed},
                after={k: after[k] for k in changed},
            )
        case_id = case.id
    return get_case(store, actor, case_id)
