"""Leads (线索): create and edit, one or many at once, with validation and audit; listing and
counting live in lead_lists and are re-exported here."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from workstation import clock, search
from workstation import settings as settings_mod
from workstation.errors import Conflict, ValidationError
from workstation.models import Counter, Lead, Unit
from workstation.services import audit, stale_edits
from workstation.services.auth import Actor, require
from workstation.services.fields import (
    read_bool,
    read_date,
    read_fields,
    read_phone,
    read_text,
    read_vocab,
)
from workstation.services.fingerprints import fold, lead_fingerprint, lead_repeat_key
from workstation.services.lead_lists import (
    OPEN_STATUSES,
    SORT_KEYS,
    LeadQuery,
    LeadRow,
    count_leads,
    find,
    get_lead,
    list_leads,
    rows_by_id,
)
from workstation.services.units import ensure_person, ensure_unit
from workstation.store import Store
from workstation.vocab import CATEGORY, CHANNEL, DISPOSITION, LEAD_STATUS, RESULT

__all__ = [
    "EDITABLE",
    "LABELS",
    "OPEN_STATUSES",
    "SORT_KEYS",
    "VOCAB_FIELDS",
    "LeadEdit",
    "LeadQuery",
    "LeadRow",
    "RefAllocator",
    "check_record",
    "count_leads",
    "create_lead",
    "export_leads",
    "get_lead",
    "lead_fields",
    "list_leads",
    "next_ref",
    "set_keys",
    "update_lead",
    "update_leads",
]

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


class _Units:
    """Units named by the edits of one transaction, each looked up (or created) once."""

    def __init__(self, session: Session, actor: Actor) -> None:
        self.session = session
        self.actor = actor
        self.by_name: dict[str, Unit] = {}

    def __call__(self, name: str) -> Unit:
        unit = self.by_name.get(name)
        if unit is None:
            unit = self.by_name[name] = ensure_unit(self.session, self.actor, name)
        return unit


def _resolve_links(
    session: Session,
    actor: Actor,
    lead: Lead,
    clean: _Clean,
    given: Mapping[str, Any],
    units: Callable[[str], Unit],
) -> dict[str, Any]:
    """Find or create the units and person a change names, before the lead itself is touched
    (so the lead is written once, and its version moves by one)."""
    links: dict[str, Any] = {}
    subject_unit = lead.subject_unit
    if "subject_unit" in given:
        subject_unit = units(clean.subject_unit) if clean.subject_unit else None
        links["subject_unit"] = subject_unit
    if "handler_unit" in given:
        links["handler_unit"] = units(clean.handler_unit) if clean.handler_unit else None
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
        units = _Units(session, actor)
        for attr, value in _resolve_links(session, actor, lead, clean, fields, units).items():
            setattr(lead, attr, value)
        set_keys(lead)
        session.add(lead)
        session.flush()
        audit.record(session, actor, "lead.create", "lead", lead.uuid, after=lead_fields(lead))
        search.sync(session, ids=[lead.id])
        lead_id = lead.id
    return _reread(store, lead_id)


def _reread(store: Store, lead_id: int) -> LeadRow:
    with store.read() as session:
        return rows_by_id(session, [lead_id], unmask=False)[0]


@dataclasses.dataclass(frozen=True)
class LeadEdit:
    """A change to one lead: its id, UUID or reference number; field → new value (as
    create_lead takes them); and the version the change was made against (None: any)."""

    key: int | str
    changes: Mapping[str, Any]
    expected_version: int | None = None


def _conflict(session: Session, stale: Sequence[Lead]) -> Conflict:
    """The refusal of an edit of leads saved by someone else since the user read them."""
    unique = list({lead.id: lead for lead in stale}.values())
    first = unique[0]
    said = stale_edits.changed_since(
        session, f"线索“{first.ref}”", first.updated_by, first.updated_at
    )
    return stale_edits.several_changed(said, len(unique) - 1)


class _Raced(Conflict):
    """Another transaction saved some of the leads between this one's read and its write (a
    server store: the version in the UPDATE's WHERE clause matched no row). `seen` holds the
    versions read; the message is made after the rollback, from what is stored then."""

    def __init__(self, seen: Mapping[int, int]) -> None:
        super().__init__("所选线索中有的已被他人修改（您打开后），请刷新后再改")
        self.seen = dict(seen)


@contextlib.contextmanager
def _refusing_races(store: Store) -> Iterator[None]:
    """Turn a lost race (see _Raced) into the conflict message naming who saved and when."""
    try:
        yield
    except _Raced as exc:
        with store.read() as session:
            stored = session.scalars(select(Lead).where(Lead.id.in_(list(exc.seen)))).all()
            stale = [lead for lead in stored if lead.version != exc.seen[lead.id]]
            if not stale:
                raise
            raise _conflict(session, sorted(stale, key=lambda lead: lead.id)) from exc


def _apply(
    session: Session,
    actor: Actor,
    lead: Lead,
    changes: Mapping[str, Any],
    today: dt.date,
    units: Callable[[str], Unit],
) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    """Validate `changes` and make them on the (loaded) lead: returns what changed, before
    and after (as audited), and the problems found. A lead with problems is left unchanged."""
    clean, problems = _clean(changes, today)
    before = lead_fields(lead)
    links = _resolve_links(session, actor, lead, clean, changes, units)
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
        # Back to its stored values, so that no later flush of this transaction writes them.
        session.expire(lead)
        return {}, {}, problems
    for attr, value in links.items():
        setattr(lead, attr, value)
    after = lead_fields(lead)
    changed = [k for k in after if before[k] != after[k]]
    if changed:
        lead.updated_by = actor.login
        if _KEYED & set(changed):
            set_keys(lead)
    return {k: before[k] for k in changed}, {k: after[k] for k in changed}, {}


# The fields a lead's import keys are made of (see set_keys).
_KEYED = frozenset({"received_on", "channel", "subject", "subject_unit", "summary"})


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    """Audited values as JSON (dates as YYYY-MM-DD), as audit.record would store them."""
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in values.items()}


def _load(session: Session, keys: Sequence[int | str]) -> list[Lead]:
    """The leads of `keys` (ids in one query, with the records their fields name)."""
    ids = sorted({int(k) for k in keys if isinstance(k, int) or str(k).isdigit()})
    loaded: dict[int, Lead] = {}
    options = (
        selectinload(Lead.subject_person),
        selectinload(Lead.subject_unit),
        selectinload(Lead.handler_unit),
    )
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        for lead in session.scalars(select(Lead).where(Lead.id.in_(part)).options(*options)):
            loaded[lead.id] = lead
    out = []
    for key in keys:
        lead = loaded.get(int(key)) if isinstance(key, int) or str(key).isdigit() else None
        out.append(lead if lead is not None else find(session, key))
    return out


def _edit(
    session: Session,
    actor: Actor,
    edits: Sequence[LeadEdit],
    today: dt.date,
    *,
    name_problems: bool,
) -> list[int]:
    """Make every edit in the session's transaction, or raise (and the caller's transaction
    rolls back): problems of all leads in one ValidationError, keyed "XS2021-00012.status"
    when `name_problems`; a lead saved by someone else since its expected version refused."""
    require(actor, "lead.edit")
    leads = _load(session, [e.key for e in edits])
    stale = [
        lead
        for edit, lead in zip(edits, leads, strict=True)
        if edit.expected_version is not None and lead.version != edit.expected_version
    ]
    if stale:
        raise _conflict(session, stale)
    seen = {lead.id: lead.version for lead in leads}
    units = _Units(session, actor)
    problems: dict[str, str] = {}
    events: list[tuple[str, str, str | None, Any, Any]] = []
    changed_ids: list[int] = []
    with session.no_autoflush:
        for edit, lead in zip(edits, leads, strict=True):
            before, after, found = _apply(session, actor, lead, edit.changes, today, units)
            for field, message in found.items():
                problems[f"{lead.ref}.{field}" if name_problems else field] = message
            if after:
                events.append(("lead.update", "lead", lead.uuid, _plain(before), _plain(after)))
                changed_ids.append(lead.id)
    if problems:
        raise ValidationError(problems)
    try:
        session.flush()
    except StaleDataError as exc:
        raise _Raced(seen) from exc
    audit.record_many(session, actor, events)
    search.sync(session, ids=changed_ids)
    return [lead.id for lead in leads]


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
    with _refusing_races(store), store.write() as session:
        (lead_id,) = _edit(
            session, actor, [LeadEdit(key, changes, expected_version)], today, name_problems=False
        )
    return _reread(store, lead_id)


def update_leads(
    store: Store, actor: Actor, edits: Sequence[LeadEdit], *, today: dt.date | None = None
) -> list[LeadRow]:
    """Make several edits in one transaction, all or none (bulk actions and their undo).

    Problems of any lead raise one ValidationError whose keys name the lead and the field
    ("XS2021-00012.status"); a lead saved by someone else since its expected version is refused
    as update_lead refuses it. One audit event per lead that changed. Returns the leads as
    saved, in the order of `edits`."""
    today = today or clock.today()
    if not edits:
        return []
    with _refusing_races(store), store.write() as session:
        ids = _edit(session, actor, edits, today, name_problems=True)
        session.expire_all()
        return rows_by_id(session, ids, unmask=False)


def export_leads(
    store: Store,
    actor: Actor,
    query: LeadQuery,
    path: str | os.PathLike[str],
    *,
    unmask: bool = False,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Write the query's leads to an Excel workbook: see workstation.exporting.export_leads."""
    from workstation.exporting import export_leads as export

    return export(store, actor, query, path, unmask=unmask, progress=progress, cancelled=cancelled)
