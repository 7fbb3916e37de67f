"""Leads (线索): create, edit, list and count, with validation and audit."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.exc import StaleDataError

from workstation import clock
from workstation import settings as settings_mod
from workstation.errors import NotFound, ValidationError, WorkstationError
from workstation.masking import mask_name, mask_phone
from workstation.models import Counter, Lead, Person, Unit
from workstation.services import audit
from workstation.services.auth import Actor, require
from workstation.services.fields import (
    as_json,
    like_any,
    read_bool,
    read_date,
    read_fields,
    read_phone,
    read_text,
    read_vocab,
)
from workstation.services.fingerprints import fold, lead_fingerprint, lead_repeat_key
from workstation.services.units import ensure_person, ensure_unit
from workstation.store import Store
from workstation.vocab import CATEGORY, CHANNEL, DISPOSITION, LEAD_STATUS, RESULT

LABELS = {
    "ref": "线索编号",
    "received_on": "受理时间",
    "channel": "来源渠道",
    "reporter_name": "反映人",
    "reporter_phone": "联系电话",
    "anonymous": "是否匿名",
    "subject": "被反映人",
    "subject_position": "职务",
    "subject_unit": "被反映人单位",
    "category": "问题类别",
    "summary": "主要问题",
    "case_no": "关联案号",
    "status": "办理状态",
    "disposition": "处置方式",
    "result": "核查结论",
    "handler_unit": "承办单位",
    "due_on": "办理期限",
    "concluded_on": "办结日期",
}
EDITABLE = frozenset(LABELS)
VOCAB_FIELDS = {
    "channel": CHANNEL,
    "category": CATEGORY,
    "status": LEAD_STATUS,
    "disposition": DISPOSITION,
    "result": RESULT,
}
OPEN_STATUSES = ("new", "assigned", "verifying", "shelved")


@dataclasses.dataclass(frozen=True)
class LeadRow:
    """One lead as the UI, the CLI and exports see it (plain values, vocabulary keys)."""

    id: int
    uuid: str
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
    case_no: str | None
    status: str
    disposition: str | None
    result: str | None
    handler_unit: str | None
    due_on: dt.date | None
    concluded_on: dt.date | None
    batch: int | None
    repeat_of: str | None
    version: int
    created_by: str | None
    created_at: dt.datetime
    updated_by: str | None
    updated_at: dt.datetime

    def is_overdue(self, as_of: dt.date) -> bool:
        return self.status in OPEN_STATUSES and self.due_on is not None and self.due_on < as_of

    def to_json(self) -> dict[str, Any]:
        return as_json(self)


@dataclasses.dataclass(frozen=True)
class LeadQuery:
    """What to list: a text search, filters, and an order."""

    search: str | None = None
    status: str | None = None
    channel: str | None = None
    category: str | None = None
    overdue_as_of: dt.date | None = None
    order_by: str = "received_on"
    descending: bool = True


SORT_KEYS = (
    "received_on", "ref", "channel", "category", "status", "due_on", "subject", "subject_unit",
    "updated_at",
)  # fmt: skip

_Subject = aliased(Person, name="subject_person")
_SubjectUnit = aliased(Unit, name="subject_unit_t")
_Handler = aliased(Unit, name="handler_unit_t")
_RepeatOf = aliased(Lead, name="repeat_of_t")


def _base_select() -> Select[Any]:
    return (
        select(
            Lead,
            _Subject.name.label("subject"),
            _Subject.position.label("subject_position"),
            _SubjectUnit.name.label("subject_unit"),
            _SubjectUnit.type.label("subject_unit_type"),
            _Handler.name.label("handler_unit"),
            _RepeatOf.ref.label("repeat_of"),
        )
        .outerjoin(_Subject, Lead.subject_person_id == _Subject.id)
        .outerjoin(_SubjectUnit, Lead.subject_unit_id == _SubjectUnit.id)
        .outerjoin(_Handler, Lead.handler_unit_id == _Handler.id)
        .outerjoin(_RepeatOf, Lead.repeat_of_id == _RepeatOf.id)
    )


def _filters(query: LeadQuery) -> list[Any]:
    """The query's conditions on the leads table alone, so counting and paging need no joins
    (names of persons and units are matched through id subqueries)."""
    conditions: list[Any] = []
    if query.search and query.search.strip():
        text = query.search.strip()
        person_ids = select(Person.id).where(like_any(text, Person.name))
        unit_ids = select(Unit.id).where(like_any(text, Unit.name))
        conditions.append(
            or_(
                like_any(text, Lead.summary, Lead.ref, Lead.reporter_name, Lead.case_no),
                Lead.subject_person_id.in_(person_ids),
                Lead.subject_unit_id.in_(unit_ids),
            )
        )
    if query.status:
        conditions.append(Lead.status == query.status)
    if query.channel:
        conditions.append(Lead.channel == query.channel)
    if query.category:
        conditions.append(Lead.category == query.category)
    if query.overdue_as_of:
        conditions.append(Lead.status.in_(OPEN_STATUSES))
        conditions.append(Lead.due_on < query.overdue_as_of)
    return conditions


def _order(query: LeadQuery) -> list[Any]:
    if query.order_by not in SORT_KEYS:
        raise WorkstationError(f"不能按“{query.order_by}”排序")
    column: Any = {
        "subject": _Subject.name,
        "subject_unit": _SubjectUnit.name,
    }.get(query.order_by, getattr(Lead, query.order_by, None))
    tie = Lead.id.desc() if query.descending else Lead.id.asc()
    return [column.desc() if query.descending else column.asc(), tie]


def _row(lead: Lead, extra: Mapping[str, Any], *, unmask: bool) -> LeadRow:
    name, phone = lead.reporter_name, lead.reporter_phone
    if not unmask:
        name, phone = mask_name(name), mask_phone(phone)
    return LeadRow(
        id=lead.id,
        uuid=lead.uuid,
        ref=lead.ref,
        received_on=lead.received_on,
        channel=lead.channel,
        reporter_name=name,
        reporter_phone=phone,
        anonymous=lead.anonymous,
        subject=extra["subject"],
        subject_position=extra["subject_position"],
        subject_unit=extra["subject_unit"],
        subject_unit_type=extra["subject_unit_type"],
        category=lead.category,
        summary=lead.summary,
        case_no=lead.case_no,
        status=lead.status,
        disposition=lead.disposition,
        result=lead.result,
        handler_unit=extra["handler_unit"],
        due_on=lead.due_on,
        concluded_on=lead.concluded_on,
        batch=lead.batch_id,
        repeat_of=extra["repeat_of"],
        version=lead.version,
        created_by=lead.created_by,
        created_at=lead.created_at,
        updated_by=lead.updated_by,
        updated_at=lead.updated_at,
    )


def _check_unmask(session: Session, actor: Actor, unmask: bool, purpose: str) -> None:
    if unmask:
        require(actor, "reporter.unmask")
        audit.record(session, actor, "reporter.unmask", "lead", None, after={"purpose": purpose})


def count_leads(store: Store, actor: Actor, query: LeadQuery | None = None) -> int:
    query = query or LeadQuery()
    with store.read() as session:
        require(actor, "lead.read")
        stmt = select(func.count()).select_from(Lead).where(*_filters(query))
        return int(session.scalar(stmt) or 0)


def list_leads(
    store: Store,
    actor: Actor,
    query: LeadQuery | None = None,
    *,
    offset: int = 0,
    limit: int | None = None,
    unmask: bool = False,
) -> list[LeadRow]:
    """A page of leads in the query's order; reporters masked unless `unmask` (logged).

    The page's ids are found first (on the leads table and its indexes), then only those rows
    are joined to their persons and units: a deep page of a large store stays cheap.
    """
    query = query or LeadQuery()
    order = _order(query)
    session_cm = store.write() if unmask else store.read()
    with session_cm as session:
        require(actor, "lead.read")
        _check_unmask(session, actor, unmask, "leads.list")
        ids = select(Lead.id).where(*_filters(query))
        if query.order_by == "subject":
            ids = ids.outerjoin(_Subject, Lead.subject_person_id == _Subject.id)
        elif query.order_by == "subject_unit":
            ids = ids.outerjoin(_SubjectUnit, Lead.subject_unit_id == _SubjectUnit.id)
        ids = ids.order_by(*order).offset(offset)
        if limit is not None:
            ids = ids.limit(limit)
        page = ids.subquery()
        stmt = _base_select().join(page, page.c.id == Lead.id).order_by(*order)
        return [_row(r[0], r._mapping, unmask=unmask) for r in session.execute(stmt)]


def get_lead(store: Store, actor: Actor, key: int | str, *, unmask: bool = False) -> LeadRow:
    """One lead by id, UUID or reference number."""
    session_cm = store.write() if unmask else store.read()
    with session_cm as session:
        require(actor, "lead.read")
        _check_unmask(session, actor, unmask, "lead.get")
        lead = _find(session, key)
        r = session.execute(_base_select().where(Lead.id == lead.id)).one()
        return _row(r[0], r._mapping, unmask=unmask)


def _find(session: Session, key: int | str) -> Lead:
    if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
        lead = session.get(Lead, int(key))
    else:
        lead = session.scalar(select(Lead).where(or_(Lead.uuid == key, Lead.ref == key)))
    if lead is None:
        raise NotFound(f"找不到线索“{key}”")
    return lead


def next_ref(session: Session, year: int) -> str:
    """The next free reference number of a year, e.g. XS2021-00042."""
    name = f"lead_ref:{year}"
    counter = session.get(Counter, name)
    if counter is None:
        counter = Counter(name=name, value=0, note="线索编号序号")
        session.add(counter)
    while True:
        counter.value += 1
        ref = f"XS{year}-{counter.value:05d}"
        if session.scalar(select(Lead.id).where(Lead.ref == ref)) is None:
            session.flush()
            return ref


class RefAllocator:
    """Lead reference numbers (XS2021-00001) from the counters table, assigned in bulk."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.next: dict[int, int] = {}
        self.taken: dict[int, set[str]] = {}
        self.given: set[str] = set()

    def __call__(self, year: int) -> str:
        if year not in self.next:
            counter = self.session.get(Counter, f"lead_ref:{year}")
            self.next[year] = counter.value if counter else 0
            like = select(Lead.ref).where(Lead.ref.like(f"XS{year}-%"))
            self.taken[year] = set(self.session.scalars(like))
        while True:
            self.next[year] += 1
            ref = f"XS{year}-{self.next[year]:05d}"
            if ref not in self.taken[year] and ref not in self.given:
                self.given.add(ref)
                return ref

    def existing(self, refs: list[str]) -> set[str]:
        """Which of these refs the store or this import already uses."""
        found = {r for r in refs if r in self.given}
        rest = sorted(set(refs) - found)
        for start in range(0, len(rest), 500):
            part = rest[start : start + 500]
            found.update(self.session.scalars(select(Lead.ref).where(Lead.ref.in_(part))))
        return found

    def save(self) -> None:
        for year, value in self.next.items():
            counter = self.session.get(Counter, f"lead_ref:{year}")
            if counter is None:
                self.session.add(Counter(name=f"lead_ref:{year}", value=value, note="线索编号序号"))
            else:
                counter.value = max(counter.value, value)


@dataclasses.dataclass
class _Clean:
    values: dict[str, Any]
    subject: str | None
    subject_position: str | None
    subject_unit: str | None
    handler_unit: str | None


def _readers(today: dt.date) -> dict[str, Any]:
    lab = LABELS

    def text(name: str, max_len: int) -> Any:
        return lambda v: read_text(name, lab[name], v, max_len=max_len)

    def vocab(name: str, vocabulary: Any) -> Any:
        return lambda v: read_vocab(name, lab[name], vocabulary, v)

    return {
        "ref": text("ref", 64),
        "received_on": lambda v: read_date("received_on", lab["received_on"], v, today=today),
        "due_on": lambda v: read_date("due_on", lab["due_on"], v),
        "concluded_on": lambda v: read_date("concluded_on", lab["concluded_on"], v, today=today),
        "channel": vocab("channel", CHANNEL),
        "category": vocab("category", CATEGORY),
        "status": vocab("status", LEAD_STATUS),
        "disposition": vocab("disposition", DISPOSITION),
        "result": vocab("result", RESULT),
        "summary": text("summary", 20_000),
        "reporter_name": text("reporter_name", 100),
        "reporter_phone": lambda v: read_phone("reporter_phone", lab["reporter_phone"], v),
        "anonymous": lambda v: read_bool("anonymous", lab["anonymous"], v),
        "case_no": text("case_no", 100),
        "subject": text("subject", 100),
        "subject_position": text("subject_position", 100),
        "subject_unit": text("subject_unit", 200),
        "handler_unit": text("handler_unit", 200),
    }


def _clean(fields: Mapping[str, Any], today: dt.date) -> tuple[_Clean, dict[str, str]]:
    values, problems = read_fields(fields, _readers(today))
    names = {
        n: values.pop(n, None)
        for n in ("subject", "subject_position", "subject_unit", "handler_unit")
    }
    return _Clean(values=values, **names), problems


def check_record(lead: Lead, problems: dict[str, str]) -> None:
    """Rules over the whole record, after the fields are read."""
    if lead.received_on is None:
        problems.setdefault("received_on", "受理时间不能为空")
    if not lead.summary:
        problems.setdefault("summary", "主要问题不能为空")
    if lead.received_on is not None:
        if lead.due_on is not None and lead.due_on < lead.received_on:
            problems.setdefault("due_on", "办理期限早于受理时间")
        if lead.concluded_on is not None and lead.concluded_on < lead.received_on:
            problems.setdefault("concluded_on", "办结日期早于受理时间")
    if lead.status == "concluded":
        if not lead.result:
            problems.setdefault("result", "已办结的线索必须填写核查结论")
        if lead.concluded_on is None:
            problems.setdefault("concluded_on", "已办结的线索必须填写办结日期")
    elif lead.concluded_on is not None:
        problems.setdefault("concluded_on", "未办结的线索不应有办结日期")
    if lead.anonymous and lead.reporter_name and lead.reporter_name != "匿名":
        problems.setdefault("anonymous", "匿名线索不应填写反映人姓名")


def set_keys(lead: Lead) -> None:
    """The keys by which an import recognises this lead again (see services.fingerprints)."""
    subject = lead.subject_person.name_key if lead.subject_person else None
    unit = lead.subject_unit.name_key if lead.subject_unit else None
    folded = fold(lead.summary)
    lead.fingerprint = lead_fingerprint(lead.received_on, lead.channel, subject, unit, folded)
    lead.repeat_key = lead_repeat_key(subject, unit, folded)


def lead_fields(lead: Lead) -> dict[str, Any]:
    """The lead's own values, as audited (names of linked records resolved)."""
    return {
        "ref": lead.ref,
        "received_on": lead.received_on,
        "channel": lead.channel,
        "reporter_name": lead.reporter_name,
        "reporter_phone": lead.reporter_phone,
        "anonymous": lead.anonymous,
        "subject": lead.subject_person.name if lead.subject_person else None,
        "subject_position": lead.subject_person.position if lead.subject_person else None,
        "subject_unit": lead.subject_unit.name if lead.subject_unit else None,
        "category": lead.category,
        "summary": lead.summary,
        "case_no": lead.case_no,
        "status": lead.status,
        "disposition": lead.disposition,
        "result": lead.result,
        "handler_unit": lead.handler_unit.name if lead.handler_unit else None,
        "due_on": lead.due_on,
        "concluded_on": lead.concluded_on,
    }


def _resolve_links(
    session: Session, actor: Actor, lead: Lead, clean: _Clean, given: Mapping[str, Any]
) -> dict[str, Any]:
    """Find or create the units and person a change names, before the lead itself is touched
    (so the lead is written once, and its version moves by one)."""
    links: dict[str, Any] = {}
    subject_unit = lead.subject_unit
    if "subject_unit" in given:
        subject_unit = (
            ensure_unit(session, actor, clean.subject_unit) if clean.subject_unit else None
        )
        links["subject_unit"] = subject_unit
    if "handler_unit" in given:
        links["handler_unit"] = (
            ensure_unit(session, actor, clean.handler_unit) if clean.handler_unit else None
        )
    if {"subject", "subject_position", "subject_unit"} & set(given):
        current = lead.subject_person.name if lead.subject_person else None
        name = clean.subject if "subject" in given else current
        links["subject_person"] = (
            ensure_person(session, actor, name, subject_unit, position=clean.subject_position)
            if name
            else None
        )
    return links


def create_lead(
    store: Store, actor: Actor, fields: Mapping[str, Any], *, today: dt.date | None = None
) -> LeadRow:
    """Validate and store one new lead; every problem of the record reported at once."""
    today = today or clock.today()
    clean, problems = _clean(fields, today)
    with store.write() as session:
        require(actor, "lead.create")
        cfg = settings_mod.load(session)
        v = clean.values
        lead = Lead(
            received_on=v.get("received_on"),
            channel=v.get("channel") or "other",
            category=v.get("category") or "other",
            status=v.get("status") or "new",
            summary=v.get("summary") or "",
            reporter_name=v.get("reporter_name"),
            reporter_phone=v.get("reporter_phone"),
            anonymous=bool(v.get("anonymous")),
            case_no=v.get("case_no"),
            disposition=v.get("disposition"),
            result=v.get("result"),
            due_on=v.get("due_on"),
            concluded_on=v.get("concluded_on"),
            created_by=actor.login,
            updated_by=actor.login,
        )
        if lead.due_on is None and lead.received_on is not None:
            lead.due_on = lead.received_on + dt.timedelta(days=cfg.lead_due_days)
        if v.get("ref"):
            if session.scalar(select(Lead.id).where(Lead.ref == v["ref"])) is not None:
                problems.setdefault("ref", f"线索编号“{v['ref']}”已存在")
            lead.ref = v["ref"]
        check_record(lead, problems)
        if problems:
            raise ValidationError(problems)
        if not lead.ref:
            lead.ref = next_ref(session, lead.received_on.year)
        # Links first, so the lead is inserted once, complete (not inserted then updated).
        for attr, value in _resolve_links(session, actor, lead, clean, fields).items():
            setattr(lead, attr, value)
        set_keys(lead)
        session.add(lead)
        session.flush()
        audit.record(session, actor, "lead.create", "lead", lead.uuid, after=lead_fields(lead))
        lead_id = lead.id
    return _reread(store, actor, lead_id)


def _reread(store: Store, actor: Actor, lead_id: int) -> LeadRow:
    with store.read() as session:
        r = session.execute(_base_select().where(Lead.id == lead_id)).one()
        return _row(r[0], r._mapping, unmask=False)


def update_lead(
    store: Store,
    actor: Actor,
    key: int | str,
    changes: Mapping[str, Any],
    *,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> LeadRow:
    """Change some fields of a lead; refuses when someone else saved it since `expected_version`."""
    today = today or clock.today()
    clean, problems = _clean(changes, today)
    with store.write() as session:
        require(actor, "lead.edit")
        lead = _find(session, key)
        if expected_version is not None and lead.version != expected_version:
            raise WorkstationError(
                f"线索“{lead.ref}”已被 {lead.updated_by} 于 "
                f"{lead.updated_at.astimezone():%Y-%m-%d %H:%M} 修改，请刷新后再改"
            )
        before = lead_fields(lead)
        links = _resolve_links(session, actor, lead, clean, changes)
        v = clean.values
        if "ref" in v and v["ref"] != lead.ref:
            if not v["ref"]:
                problems.setdefault("ref", "线索编号不能为空")
            elif session.scalar(select(Lead.id).where(Lead.ref == v["ref"])) is not None:
                problems.setdefault("ref", f"线索编号“{v['ref']}”已存在")
        for name, value in v.items():
            if name in {"channel", "category", "status"} and value is None:
                problems.setdefault(name, f"{LABELS[name]}不能为空")
                continue
            if name == "anonymous":
                value = bool(value)
            setattr(lead, name, value)
        if v.get("status") == "concluded" and lead.concluded_on is None and "concluded_on" not in v:
            lead.concluded_on = today
        check_record(lead, problems)
        if problems:
            raise ValidationError(problems)
        for attr, value in links.items():
            setattr(lead, attr, value)
        after = lead_fields(lead)
        diff_before = {k: before[k] for k in after if before[k] != after[k]}
        diff_after = {k: after[k] for k in after if before[k] != after[k]}
        if diff_after:
            lead.updated_by = actor.login
            set_keys(lead)
            try:
                session.flush()
            except StaleDataError as exc:
                raise WorkstationError(f"线索“{lead.ref}”已被他人修改，请刷新后再改") from exc
            audit.record(
                session,
                actor,
                "lead.update",
                "lead",
                lead.uuid,
                before=diff_before,
                after=diff_after,
            )
        lead_id = lead.id
    return _reread(store, actor, lead_id)
