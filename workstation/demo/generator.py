"""Filling a store with demo data: one transaction, bulk inserts, one audit event."""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import random
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from workstation import search
from workstation import settings as settings_mod
from workstation.demo import city
from workstation.demo.cases import CaseSpec, last_numbers, number_cases, plan_cases
from workstation.demo.leads import LeadMaker, received_dates
from workstation.errors import Cancelled, ValidationError
from workstation.models import Case, Lead, Person, Unit, utcnow
from workstation.services import audit
from workstation.services.auth import Actor, require
from workstation.services.leads import RefAllocator
from workstation.store import Store
from workstation.vocab import normalise

CHUNK = 5_000
# SQLite page cache for the run (KiB): the random UUID index of 100,000 rows does not fit the
# default 2 MB, and spilling it to the WAL mid-transaction doubles the insert time.
CACHE_KIB = 65_536
MAX_ROWS = 10_000_000
# Indexing a lead for search takes about this share of the time generating one does.
INDEX_COST = 0.5

_LEADS: Table = Lead.__table__  # type: ignore[assignment]
_CASES: Table = Case.__table__  # type: ignore[assignment]
_PERSONS: Table = Person.__table__  # type: ignore[assignment]


@dataclasses.dataclass(frozen=True)
class DemoResult:
    """What one run added to the store, and how long it took."""

    units: int
    persons: int
    leads: int
    cases: int
    seconds: float

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def staff_size(leads: int, cases: int) -> int:
    """How many officers the city has: enough that leads do not all name the same few."""
    return min(20_000, max(100, leads // 2 + cases // 15))


class _Run:
    """The state of one run: the session, who is acting, progress and cancelling."""

    def __init__(
        self,
        session: Session,
        actor: Actor,
        total: int,
        progress: Callable[[int, int], None] | None,
        cancel: Callable[[], bool] | None,
    ) -> None:
        self.session = session
        self.actor = actor
        self.total = total
        self.done = 0
        self.progress = progress
        self.cancel = cancel
        now, login = utcnow(), actor.login
        self.stamps = {"created_at": now, "updated_at": now, "created_by": login,
                       "updated_by": login}  # fmt: skip

    def check(self) -> None:
        if self.cancel is not None and self.cancel():
            raise Cancelled("已取消，未写入任何数据")

    def stamp(self, row: dict[str, Any]) -> dict[str, Any]:
        """Set what the ORM's defaults would have (Core inserts bypass them): UUID, who, when."""
        row.update(self.stamps)
        row["uuid"] = str(uuid.uuid4())
        return row

    def insert(self, table: Table, rows: Iterable[dict[str, Any]], *, counted: bool) -> int:
        """Insert rows in chunks (one executemany each), checking for cancel between them."""
        count = 0
        iterator = iter(rows)
        while chunk := list(itertools.islice(iterator, CHUNK)):
            self.check()
            self.session.execute(insert(table), chunk)
            count += len(chunk)
            if counted:
                self.done += len(chunk)
                if self.progress is not None:
                    self.progress(self.done, self.total)
        return count


def _write_units(run: _Run) -> tuple[dict[str, int], int]:
    """The city's units, found by normalised name or created; returns name → id and new count."""
    session = run.session
    keys = [normalise(u.name) for u in city.UNITS]
    found = {u.name_key: u for u in session.scalars(select(Unit).where(Unit.name_key.in_(keys)))}
    objects: dict[str, Unit] = {}
    created = 0
    for spec, key in zip(city.UNITS, keys, strict=True):
        unit = found.get(key)
        if unit is None:
            parent = objects[spec.parent] if spec.parent else None
            unit = Unit(
                name=spec.name,
                name_key=key,
                type=spec.type,
                parent=parent,
                created_by=run.actor.login,
                updated_by=run.actor.login,
            )
            session.add(unit)
            created += 1
        objects[spec.name] = unit
    session.flush()
    return {name: unit.id for name, unit in objects.items()}, created


def _person_ids(session: Session, unit_ids: Iterable[int]) -> dict[tuple[str, int], int]:
    stmt = (
        select(Person.id, Person.name_key, Person.unit_id)
        .where(Person.unit_id.in_(list(unit_ids)))
        .order_by(Person.id.desc())  # the oldest person of a name wins, as in ensure_person
    )
    return {(key, unit_id): pid for pid, key, unit_id in session.execute(stmt)}


def _write_persons(run: _Run, staff: Sequence[city.DemoPerson], unit_ids: dict[str, int]) -> int:
    """Officers already in the store (same name, same unit) are reused, the others inserted."""
    existing = _person_ids(run.session, unit_ids.values())
    new = [p for p in staff if (normalise(p.name), unit_ids[p.unit.name]) not in existing]
    rows = (
        run.stamp(
            {
                "name": p.name,
                "name_key": normalise(p.name),
                "unit_id": unit_ids[p.unit.name],
                "position": p.position,
                "badge_no": p.badge_no,
            }
        )
        for p in new
    )
    created = run.insert(_PERSONS, rows, counted=False)
    if created:
        existing = _person_ids(run.session, unit_ids.values())
    for person in staff:
        person.id = existing[(normalise(person.name), unit_ids[person.unit.name])]
    return created


def _case_rows(
    run: _Run, specs: Sequence[CaseSpec], unit_ids: dict[str, int]
) -> Iterator[dict[str, Any]]:
    for c in specs:
        yield run.stamp(
            {
                "case_no": c.case_no,
                "agency_id": unit_ids[c.agency.name],
                "kind": c.kind,
                "cause": c.cause,
                "complainant": c.complainant,
                "accepted_on": c.accepted_on,
                "filed_on": c.filed_on,
                "not_filed_on": c.not_filed_on,
                "withdrawn_on": c.withdrawn_on,
                "prosecuted_on": c.prosecuted_on,
                "closed_on": c.closed_on,
                "suspect_identified": c.suspect_identified,
                "procuratorate_decision": c.procuratorate_decision,
                "last_activity_on": c.last_activity_on,
                "complex": c.complex,
                "amount_fen": c.amount_fen,
                "officer_id": c.officer.id if c.officer else None,
                "batch_id": None,
                "version": 1,
            }
        )


def _write_cases(run: _Run, specs: Sequence[CaseSpec], unit_ids: dict[str, int]) -> int:
    """Number the cases after those already in the store (unique per agency and overall)."""
    names = {uid: name for name, uid in unit_ids.items()}
    existing = run.session.execute(select(Case.agency_id, Case.case_no)).all()
    last = last_numbers([(names[a], no) for a, no in existing if a in names])
    number_cases(specs, last, {no for _, no in existing})
    return run.insert(_CASES, _case_rows(run, specs, unit_ids), counted=True)


def _write_leads(run: _Run, maker: LeadMaker, n: int, specs: Sequence[CaseSpec]) -> int:
    dates = received_dates(maker.rng, n)
    refs = RefAllocator(run.session)
    numbers = [refs(day.year) for day in dates]
    refs.save()
    repeats: list[tuple[str, str]] = []

    def rows() -> Iterator[dict[str, Any]]:
        for i, (row, repeat_of) in enumerate(maker.plan(dates, specs)):
            if repeat_of is not None:
                repeats.append((numbers[i], numbers[repeat_of]))
            row["ref"], row["version"] = numbers[i], 1
            yield run.stamp(row)

    count = run.insert(_LEADS, rows(), counted=True)
    _link_repeats(run, repeats)
    return count


def _link_repeats(run: _Run, repeats: Sequence[tuple[str, str]]) -> None:
    """Point repeats at their first lead (by ref: Core inserts do not return the new ids)."""
    session = run.session
    originals = sorted({original for _, original in repeats})
    ids: dict[str, int] = {}
    for start in range(0, len(originals), 500):
        part = originals[start : start + 500]
        for ref, lead_id in session.execute(select(Lead.ref, Lead.id).where(Lead.ref.in_(part))):
            ids[ref] = lead_id
    if repeats:
        stmt = (
            update(_LEADS)
            .where(_LEADS.c.ref == bindparam("repeat_ref"))
            # Said explicitly, or the column's onupdate would stamp a later time than created_at.
            .values(repeat_of_id=bindparam("original_id"), updated_at=run.stamps["updated_at"])
        )
        params = [{"repeat_ref": r, "original_id": ids[o]} for r, o in repeats]
        session.execute(stmt, params)


class _Phases:
    """One progress scale over generating rows and indexing the leads: both report up to the
    same total, the first phase to its share of the expected time, the second the rest."""

    def __init__(
        self, progress: Callable[[int, int], None] | None, rows: int, index_cost: float
    ) -> None:
        self.progress = progress
        self.total = rows
        self.share = rows / (rows + index_cost) if rows else 1.0

    def generating(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(int(done * self.share), self.total)

    def indexing(self, done: int, total: int) -> None:
        if self.progress is not None and total:
            start = self.total * self.share
            self.progress(int(start + (self.total - start) * min(done, total) / total), self.total)

    def finish(self) -> None:
        if self.progress is not None and self.total:
            self.progress(self.total, self.total)


@contextlib.contextmanager
def _page_cache(session: Session, store: Store) -> Iterator[None]:
    """A bigger SQLite page cache while the run lasts, on the DB-API connection itself."""
    if not store.is_sqlite:
        yield
        return
    dbapi = session.connection().connection.driver_connection
    assert dbapi is not None
    before = dbapi.execute("PRAGMA cache_size").fetchone()[0]
    dbapi.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    try:
        yield
    finally:
        dbapi.execute(f"PRAGMA cache_size = {int(before)}")


def generate(
    store: Store,
    actor: Actor,
    *,
    leads: int,
    cases: int,
    seed: int = 2021,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> DemoResult:
    """Add a fictional city's units, officers, `leads` leads and `cases` cases to the store.

    Deterministic for a seed (apart from UUIDs and timestamps); all or nothing: a failure or
    `cancel()` returning true (checked every few thousand rows) leaves the store as it was.
    The new leads are then put in the search index, in transactions of their own (progress
    goes on to the same total; a cancel there only leaves leads for the next sync)."""
    require(actor, "demo.generate")
    for name, value in (("leads", leads), ("cases", cases)):
        if not 0 <= value <= MAX_ROWS:
            raise ValidationError({name: f"数量应在 0 到 {MAX_ROWS:,} 之间"})
    started = time.perf_counter()
    rng = random.Random(seed)
    phases = _Phases(progress, leads + cases, leads * INDEX_COST)
    with store.write() as session, _page_cache(session, store):
        run = _Run(session, actor, leads + cases, phases.generating, cancel)
        run.check()
        due_days = settings_mod.load(session).lead_due_days
        unit_ids, new_units = _write_units(run)
        staff = city.build_staff(rng, staff_size(leads, cases))
        new_persons = _write_persons(run, staff, unit_ids)
        specs = plan_cases(rng, cases, staff)
        run.check()
        n_cases = _write_cases(run, specs, unit_ids)
        maker = LeadMaker(rng, staff, unit_ids, due_days=due_days)
        n_leads = _write_leads(run, maker, leads, specs)
        counts = {"units": new_units, "persons": new_persons, "leads": n_leads, "cases": n_cases}
        run.check()
        audit.record(
            session, actor, "demo.generate", "store", None, after={"counts": counts, "seed": seed}
        )
    search.sync_search_index(store, actor, progress=phases.indexing, cancelled=cancel)
    phases.finish()
    return DemoResult(**counts, seconds=round(time.perf_counter() - started, 3))
