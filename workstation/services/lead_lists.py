"""Reading leads: one lead, or a filtered, sorted page of them, and how many match."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Select, String, func, or_, select, type_coerce
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

from workstation import search
from workstation.errors import NotFound, WorkstationError
from workstation.lead_cells import OPEN_STATUSES as OPEN_STATUSES  # services.leads re-exports it
from workstation.lead_cells import is_overdue
from workstation.masking import mask_name, mask_phone
from workstation.models import Lead, Person, Unit
from workstation.services import audit
from workstation.services.auth import Actor, require
from workstation.services.fields import as_json
from workstation.store import Store
from workstation.vocab import normalise


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
        return is_overdue(self.status, self.due_on, as_of)

    def to_json(self) -> dict[str, Any]:
        return as_json(self)


@dataclasses.dataclass(frozen=True)
class LeadQuery:
    """What to list: a text search, filters (all must hold), and an order.

    Vocabulary filters take keys (channel "phone", unit_type "police"); `unit` and
    `handler_unit` are unit names, matched whole after folding (繁/简, spaces); the received
    dates are inclusive; `overdue_as_of` keeps open leads whose due date is before it."""

    search: str | None = None
    status: str | None = None
    channel: str | None = None
    category: str | None = None
    overdue_as_of: dt.date | None = None
    unit_type: str | None = None
    unit: str | None = None
    handler_unit: str | None = None
    received_from: dt.date | None = None
    received_to: dt.date | None = None
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


def base_select() -> Select[Any]:
    """Leads with the names of their subject, units and the lead they repeat (for _row)."""
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


def _unindexed(column: Any) -> Any:
    """The column as SQLite's unary + makes it: the same value, which no index can answer
    (a hint that makes the planner choose another index)."""
    return UnaryExpression(column, operator=operators.custom_op("+"), type_=column.type)


def _units_named(name: str) -> Any:
    return select(Unit.id).where(Unit.name_key == normalise(name))


def filters(session: Session, query: LeadQuery, *, indexed: bool = True) -> list[Any]:
    """The query's conditions on the leads table alone, so counting and paging need no joins
    (names of persons and units are matched through id subqueries). With `indexed` False no
    condition but the received dates can use an index of leads (so that a sort walks the date
    index instead), and a short search tests each lead rather than listing its matches first."""

    def col(column: Any) -> Any:
        return column if indexed else _unindexed(column)

    conditions: list[Any] = []
    per_row = search.row_condition(session, query.search) if query.search and not indexed else None
    found = search.matching_ids(session, query.search) if query.search and per_row is None else None
    if per_row is not None:
        conditions.append(per_row)
    elif found is not None:
        conditions.append(col(Lead.id).in_(found))
    if query.status:
        conditions.append(col(Lead.status) == query.status)
    if query.channel:
        conditions.append(col(Lead.channel) == query.channel)
    if query.category:
        conditions.append(col(Lead.category) == query.category)
    if query.unit_type:
        units = select(Unit.id).where(Unit.type == query.unit_type)
        conditions.append(col(Lead.subject_unit_id).in_(units))
    if query.unit and query.unit.strip():
        conditions.append(col(Lead.subject_unit_id).in_(_units_named(query.unit)))
    if query.handler_unit and query.handler_unit.strip():
        conditions.append(col(Lead.handler_unit_id).in_(_units_named(query.handler_unit)))
    # The received dates bound the walk of the date index itself: never hidden from it.
    if query.received_from:
        conditions.append(Lead.received_on >= query.received_from)
    if query.received_to:
        conditions.append(Lead.received_on <= query.received_to)
    if query.overdue_as_of:
        conditions.append(col(Lead.status).in_(OPEN_STATUSES))
        conditions.append(col(Lead.due_on) < query.overdue_as_of)
    return conditions


def order(query: LeadQuery, *, indexed: bool = True) -> list[Any]:
    if query.order_by not in SORT_KEYS:
        raise WorkstationError(f"不能按“{query.order_by}”排序")
    column: Any = {
        "subject": _Subject.name,
        "subject_unit": _SubjectUnit.name,
    }.get(query.order_by, getattr(Lead, query.order_by, None))
    if not indexed:
        column = _unindexed(column)
    tie = Lead.id.desc() if query.descending else Lead.id.asc()
    # Empty values first going up, last going down: SQLite's order (where saying so changes
    # no plan), which PostgreSQL reverses unless told.
    if query.descending:
        return [column.desc().nulls_last(), tie]
    return [column.asc().nulls_first(), tie]


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


def rows_by_id(session: Session, ids: Sequence[int], *, unmask: bool) -> list[LeadRow]:
    """The rows of these leads, in the order of `ids` (missing ones left out)."""
    found: dict[int, LeadRow] = {}
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        for r in session.execute(base_select().where(Lead.id.in_(part))):
            found[r[0].id] = _row(r[0], r._mapping, unmask=unmask)
    return [found[i] for i in ids if i in found]


def check_unmask(session: Session, actor: Actor, unmask: bool, purpose: str) -> None:
    if unmask:
        require(actor, "reporter.unmask")
        audit.record(session, actor, "reporter.unmask", "lead", None, after={"purpose": purpose})


def _search_only(query: LeadQuery) -> bool:
    unfiltered = LeadQuery(order_by=query.order_by, descending=query.descending)
    return dataclasses.replace(query, search=None) == unfiltered


def count_leads(store: Store, actor: Actor, query: LeadQuery | None = None) -> int:
    query = query or LeadQuery()
    with store.read() as session:
        require(actor, "lead.read")
        found = search.matching_ids(session, query.search) if query.search else None
        if found is not None and _search_only(query):
            # The search's ids are the leads' ids (of leads that exist): count them as they are,
            # without looking every one up in leads.
            stmt = select(func.count()).select_from(found.subquery())
        else:
            stmt = select(func.count()).select_from(Lead).where(*filters(session, query))
        return int(session.scalar(stmt) or 0)


# Sort keys a page can be read in by walking an index until the page is full, rather than by
# sorting every matching lead: received_on is the default order of every list and the only
# sort key with an index of its own.
_WALKABLE = {"received_on"}
# Pages further down than this are left to the planner (both ways cost about the same there).
_MAX_WINDOW = 10_000


def _all_if_few(
    session: Session, query: LeadQuery, conditions: list[Any], window: int
) -> list[tuple[str, int]] | None:
    """Every matching lead (received_on as stored, id) when there are too few for walking the
    date index to pay (about window × all leads / matching leads rows tested, against reading
    just the matches); None when there are more. Without statistics the planner cannot tell
    the two apart: a rare search term sorted newest first took seconds when it walked the
    index, a common filter when it sorted every match."""
    total = session.scalar(select(func.count()).select_from(Lead)) or 0
    enough = math.isqrt(window * total) + 1
    found_ids = search.matching_ids(session, query.search) if query.search else None
    if found_ids is not None and _search_only(query):
        # The search's own ids (of leads that exist), read only as far as needed.
        probe = select(found_ids.subquery().c[0])
    else:
        probe = select(Lead.id).where(*conditions)
    # Plain integers through Core: ten thousand of them cost a few milliseconds.
    connection = session.connection()
    ids = list(connection.execute(probe.limit(enough)).scalars())
    if len(ids) >= enough:
        return None
    received = type_coerce(Lead.received_on, String)  # ISO text, sorts as the date does
    found: list[tuple[str, int]] = []
    for start in range(0, len(ids), 5000):
        stmt = select(Lead.id, received).where(Lead.id.in_(ids[start : start + 5000]))
        found.extend((day, lead_id) for lead_id, day in connection.execute(stmt))
    return found


def page_ids(
    session: Session, query: LeadQuery, *, offset: int = 0, limit: int | None = None
) -> list[int]:
    """The ids of one page of the query's leads, in its order (on the leads table and its
    indexes; persons and units joined only when the order needs their names)."""
    offset = max(offset, 0)  # SQLite reads a negative OFFSET as 0; PostgreSQL refuses it
    conditions = filters(session, query)
    sort = order(query)
    walkable = (
        conditions
        and limit is not None
        and offset + limit <= _MAX_WINDOW
        and query.order_by in _WALKABLE
        and session.get_bind().dialect.name == "sqlite"
    )
    if walkable:
        assert limit is not None
        few = _all_if_few(session, query, conditions, offset + limit)
        if few is not None:
            few.sort(reverse=query.descending)  # (received_on, id): the order's own tie-break
            return [lead_id for _, lead_id in few[offset : offset + limit]]
        # Many match: walk the date index, testing each lead, until the page is full.
        conditions = filters(session, query, indexed=False)
    ids = select(Lead.id).where(*conditions)
    if query.order_by == "subject":
        ids = ids.outerjoin(_Subject, Lead.subject_person_id == _Subject.id)
    elif query.order_by == "subject_unit":
        ids = ids.outerjoin(_SubjectUnit, Lead.subject_unit_id == _SubjectUnit.id)
    ids = ids.order_by(*sort).offset(offset)
    if limit is not None:
        ids = ids.limit(limit)
    return list(session.connection().execute(ids).scalars())


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
    order(query)  # refuse an unknown sort key before anything else
    session_cm = store.write() if unmask else store.read()
    with session_cm as session:
        require(actor, "lead.read")
        check_unmask(session, actor, unmask, "leads.list")
        ids = page_ids(session, query, offset=offset, limit=limit)
        return rows_by_id(session, ids, unmask=unmask)


def find(session: Session, key: int | str) -> Lead:
    """A lead by id, UUID or reference number."""
    if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
        lead = session.get(Lead, int(key))
    else:
        lead = session.scalar(select(Lead).where(or_(Lead.uuid == key, Lead.ref == key)))
    if lead is None:
        raise NotFound(f"找不到线索“{key}”")
    return lead


def get_lead(store: Store, actor: Actor, key: int | str, *, unmask: bool = False) -> LeadRow:
    """One lead by id, UUID or reference number."""
    session_cm = store.write() if unmask else store.read()
    with session_cm as session:
        require(actor, "lead.read")
        check_unmask(session, actor, unmask, "lead.get")
        lead = find(session, key)
        r = session.execute(base_select().where(Lead.id == lead.id)).one()
        return _row(r[0], r._mapping, unmask=unmask)
