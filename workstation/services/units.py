"""Units and persons: found by their normalised names, created on first mention."""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, aliased, joinedload

from workstation import search
from workstation.errors import NotFound, ValidationError
from workstation.models import Case, Lead, Person, Unit
from workstation.services import audit
from workstation.services.auth import Actor, require
from workstation.store import Store
from workstation.vocab import UNIT_TYPE, clean_text, infer_unit_type, normalise


@dataclasses.dataclass(frozen=True)
class UnitRow:
    id: int
    uuid: str
    name: str
    type: str
    parent: str | None

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def unit_fields(unit: Unit) -> dict[str, Any]:
    return {"name": unit.name, "type": unit.type, "parent_id": unit.parent_id}


def find_unit(session: Session, name: str) -> Unit | None:
    return session.scalar(select(Unit).where(Unit.name_key == normalise(name)))


def ensure_unit(session: Session, actor: Actor, name: str, *, type: str | None = None) -> Unit:
    """The unit of that name (after normalising), created with an inferred type when new."""
    cleaned = clean_text(name)
    if not cleaned:
        raise ValidationError({"unit": "单位名称不能为空"})
    unit = find_unit(session, cleaned)
    if unit is not None:
        return unit
    require(actor, "unit.edit")
    unit = Unit(
        name=cleaned,
        name_key=normalise(cleaned),
        type=type or infer_unit_type(cleaned),
        created_by=actor.login,
        updated_by=actor.login,
    )
    session.add(unit)
    session.flush()
    audit.record(session, actor, "unit.create", "unit", unit.uuid, after=unit_fields(unit))
    return unit


def ensure_person(
    session: Session,
    actor: Actor,
    name: str,
    unit: Unit | None,
    *,
    position: str | None = None,
    badge_no: str | None = None,
) -> Person:
    """The person of that name in that unit; created when new, position filled in when known."""
    cleaned = clean_text(name)
    if not cleaned:
        raise ValidationError({"subject": "姓名不能为空"})
    key = normalise(cleaned)
    unit_id = unit.id if unit is not None else None
    in_unit = Person.unit_id == unit_id if unit_id is not None else Person.unit_id.is_(None)
    query = select(Person).where(Person.name_key == key, in_unit)
    if badge_no:
        query = query.where((Person.badge_no == badge_no) | Person.badge_no.is_(None))
    person = session.scalars(query.order_by(Person.id).limit(1)).first()
    if person is not None:
        if position and not person.position:
            person.position = position
        if badge_no and not person.badge_no:
            person.badge_no = badge_no
        return person
    person = Person(
        name=cleaned,
        name_key=key,
        unit_id=unit_id,
        position=position,
        badge_no=badge_no,
        created_by=actor.login,
        updated_by=actor.login,
    )
    session.add(person)
    session.flush()
    audit.record(
        session,
        actor,
        "person.create",
        "person",
        person.uuid,
        after={"name": cleaned, "unit": unit.name if unit else None, "position": position},
    )
    return person


def add_unit(store: Store, actor: Actor, name: str, *, type: str | None = None) -> UnitRow:
    if type is not None and type not in UNIT_TYPE:
        key = UNIT_TYPE.to_key(type)
        if key is None:
            raise ValidationError({"type": f"单位类型“{type}”不是可选值"})
        type = key
    with store.write() as session:
        require(actor, "unit.edit")
        unit = ensure_unit(session, actor, name, type=type)
        return _unit_row(unit)


def list_units(store: Store, actor: Actor) -> list[UnitRow]:
    with store.read() as session:
        require(actor, "lead.read")
        units = session.scalars(select(Unit).order_by(Unit.type, Unit.name))
        return [_unit_row(u) for u in units]


def unit_names(store: Store, actor: Actor, prefix: str = "", limit: int = 50) -> list[str]:
    """Names for completion in forms."""
    with store.read() as session:
        require(actor, "lead.read")
        query = select(Unit.name).order_by(func.length(Unit.name), Unit.name).limit(limit)
        if prefix:
            query = query.where(Unit.name.icontains(prefix, autoescape=True))
        return list(session.scalars(query))


def _unit_row(unit: Unit) -> UnitRow:
    return UnitRow(
        id=unit.id,
        uuid=unit.uuid,
        name=unit.name,
        type=unit.type,
        parent=unit.parent.name if unit.parent else None,
    )


@dataclasses.dataclass(frozen=True)
class PersonRow:
    id: int
    uuid: str
    name: str
    unit: str | None
    position: str | None
    badge_no: str | None

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _person_row(person: Person) -> PersonRow:
    return PersonRow(
        id=person.id,
        uuid=person.uuid,
        name=person.name,
        unit=person.unit.name if person.unit else None,
        position=person.position,
        badge_no=person.badge_no,
    )


def _find_unit(session: Session, key: int | str) -> Unit:
    unit = session.get(Unit, key) if isinstance(key, int) else find_unit(session, key)
    if unit is None and isinstance(key, str):
        unit = session.scalar(select(Unit).where(Unit.uuid == key))
    if unit is None:
        raise NotFound(f"找不到单位“{key}”")
    return unit


def update_unit(
    store: Store,
    actor: Actor,
    key: int | str,
    *,
    name: str | None = None,
    type: str | None = None,
    parent: str | None = None,
) -> UnitRow:
    """Rename a unit, correct its type or set its parent; the new name must stay unique."""
    problems: dict[str, str] = {}
    with store.write() as session:
        require(actor, "unit.edit")
        unit = _find_unit(session, key)
        before = unit_fields(unit)
        if name is not None:
            cleaned = clean_text(name)
            if not cleaned:
                problems["name"] = "单位名称不能为空"
            else:
                other = find_unit(session, cleaned)
                if other is not None and other.id != unit.id:
                    problems["name"] = f"单位“{other.name}”已存在，如为同一单位请合并"
                unit.name, unit.name_key = cleaned, normalise(cleaned)
        if type is not None:
            type_key = type if type in UNIT_TYPE else UNIT_TYPE.to_key(type)
            if type_key is None:
                problems["type"] = f"单位类型“{type}”不是可选值"
            else:
                unit.type = type_key
        if parent is not None:
            parent_unit = _find_unit(session, parent) if parent else None
            if parent_unit is not None and parent_unit.id == unit.id:
                problems["parent"] = "上级单位不能是本单位"
            unit.parent = parent_unit
        if problems:
            raise ValidationError(problems)
        after = unit_fields(unit)
        if after != before:
            unit.updated_by = actor.login
            audit.record(
                session, actor, "unit.update", "unit", unit.uuid, before=before, after=after
            )
        session.flush()
        return _unit_row(unit)


def list_persons(store: Store, actor: Actor, *, unit: str | None = None) -> list[PersonRow]:
    with store.read() as session:
        require(actor, "lead.read")
        query = select(Person).order_by(Person.name, Person.id)
        if unit:
            query = query.where(Person.unit_id == _find_unit(session, unit).id)
        return [_person_row(p) for p in session.scalars(query)]


def person_choices(store: Store, actor: Actor, text: str, limit: int = 30) -> list[PersonRow]:
    """Persons whose name starts with `text` (in any spelling), for completion in forms, where
    picking a person also gives their unit and position. A prefix, so the name index finds
    them without reading every person of a large store."""
    key = normalise(text)
    with store.read() as session:
        require(actor, "lead.read")
        query = (
            select(Person)
            .options(joinedload(Person.unit))
            .order_by(Person.name_key, Person.id)
            .limit(limit)
        )
        if key:
            # Text compares by code point in SQLite: the range holds exactly the keys with
            # this prefix (LIKE 'key%' would not use the index, being case-insensitive).
            query = query.where(Person.name_key >= key, Person.name_key < key + "\U0010ffff")
        return [_person_row(p) for p in session.scalars(query)]


def update_person(store: Store, actor: Actor, key: int | str, changes: dict[str, Any]) -> PersonRow:
    """Correct a person's name, unit, position or badge number."""
    allowed = {"name", "unit", "position", "badge_no"}
    problems = {k: f"未知字段“{k}”" for k in changes if k not in allowed}
    with store.write() as session:
        require(actor, "unit.edit")
        person = (
            session.get(Person, key)
            if isinstance(key, int)
            else session.scalar(select(Person).where(Person.uuid == key))
        )
        if person is None:
            raise NotFound(f"找不到人员“{key}”")
        before = _person_row(person).to_json()
        if "name" in changes:
            cleaned = clean_text(changes["name"])
            if not cleaned:
                problems["name"] = "姓名不能为空"
            else:
                person.name, person.name_key = cleaned, normalise(cleaned)
        if "unit" in changes:
            person.unit = ensure_unit(session, actor, changes["unit"]) if changes["unit"] else None
        for field in ("position", "badge_no"):
            if field in changes:
                setattr(person, field, clean_text(changes[field]))
        if problems:
            raise ValidationError(problems)
        session.flush()
        after = _person_row(person).to_json()
        changed = [k for k in after if before[k] != after[k]]
        if changed:
            person.updated_by = actor.login
            audit.record(
                session,
                actor,
                "person.update",
                "person",
                person.uuid,
                before={k: before[k] for k in changed},
                after={k: after[k] for k in changed},
            )
        return _person_row(person)


# --- units as the settings page lists them, and merging two spellings of one unit -----------


@dataclasses.dataclass(frozen=True)
class UnitUsage:
    """A unit with how much of the store names it (the settings page's list of units)."""

    id: int
    uuid: str
    name: str
    type: str
    parent: str | None
    leads: int  # leads about its officers (subject unit)
    handled: int  # leads it handles (handler unit)
    persons: int
    cases: int  # cases it is the agency of

    @property
    def references(self) -> int:
        return self.leads + self.handled + self.persons + self.cases

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _counts_by(session: Session, column: Any) -> dict[int, int]:
    stmt = select(column, func.count()).where(column.is_not(None)).group_by(column)
    return {int(key): int(n) for key, n in session.execute(stmt)}


def unit_usage(store: Store, actor: Actor, *, search: str | None = None) -> list[UnitUsage]:
    """Every unit (or those whose name contains `search`, in any spelling) with its counts,
    ordered by normalised name, so that two spellings of one unit usually sit together."""
    with store.read() as session:
        require(actor, "lead.read")
        leads = _counts_by(session, Lead.subject_unit_id)
        handled = _counts_by(session, Lead.handler_unit_id)
        persons = _counts_by(session, Person.unit_id)
        agency_cases = _counts_by(session, Case.agency_id)
        parent = aliased(Unit, name="parent_unit")
        query = (
            select(Unit.id, Unit.uuid, Unit.name, Unit.type, parent.name)
            .outerjoin(parent, Unit.parent_id == parent.id)
            .order_by(Unit.name_key, Unit.id)
        )
        key = normalise(search or "")
        if key:
            query = query.where(Unit.name_key.contains(key, autoescape=True))
        return [
            UnitUsage(
                uid,
                uuid,
                name,
                type_,
                parent_name,
                leads.get(uid, 0),
                handled.get(uid, 0),
                persons.get(uid, 0),
                agency_cases.get(uid, 0),
            )
            for uid, uuid, name, type_, parent_name in session.execute(query)
        ]


@dataclasses.dataclass(frozen=True)
class MergeResult:
    kept: UnitRow
    merged: str  # the name of the unit merged into `kept` (removed)
    leads: int  # leads whose subject unit it was
    handled: int  # leads it handled
    persons: int  # its persons, now of the kept unit
    persons_joined: int  # of those, the same person already in the kept unit: made one
    cases: int
    units: int  # units whose parent it was

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _same_person(person: Person, other: Person) -> bool:
    """Two records of one officer: same name (folded) and no conflicting badge numbers."""
    return person.name_key == other.name_key and (
        not person.badge_no or not other.badge_no or person.badge_no == other.badge_no
    )


def _join_persons(
    session: Session, actor: Actor, keep: Unit, merge: Unit
) -> tuple[int, list[dict[str, Any]], set[int]]:
    """Move the merged unit's persons to the kept one; a person already there (same name, no
    conflicting badge number) absorbs the duplicate. Returns (moved, joined, lead ids)."""
    kept_persons = list(
        session.scalars(select(Person).where(Person.unit_id == keep.id).order_by(Person.id))
    )
    moved = 0
    joined: list[dict[str, Any]] = []
    lead_ids: set[int] = set()
    for person in session.scalars(
        select(Person).where(Person.unit_id == merge.id).order_by(Person.id)
    ).all():
        twin = next((p for p in kept_persons if _same_person(p, person)), None)
        moved += 1
        if twin is None:
            person.unit_id = keep.id
            person.updated_by = actor.login
            kept_persons.append(person)
            continue
        lead_ids.update(session.scalars(select(Lead.id).where(Lead.subject_person_id == person.id)))
        session.execute(
            update(Lead)
            .where(Lead.subject_person_id == person.id)
            .values(subject_person_id=twin.id, version=Lead.version + 1, updated_by=actor.login)
            .execution_options(synchronize_session=False)
        )
        session.execute(
            update(Case)
            .where(Case.officer_id == person.id)
            .values(officer_id=twin.id, version=Case.version + 1, updated_by=actor.login)
            .execution_options(synchronize_session=False)
        )
        twin.position = twin.position or person.position
        twin.badge_no = twin.badge_no or person.badge_no
        joined.append({"uuid": person.uuid, "name": person.name, "into": twin.uuid})
        session.delete(person)
    return moved, joined, lead_ids


def merge_units(store: Store, actor: Actor, keep: int | str, merge: int | str) -> MergeResult:
    """Make `merge` (another spelling of the same body) part of `keep`: every lead, person,
    case and child unit that names it then names `keep`, and `merge` is removed.

    Units are given by id, name or UUID. Refused (ValidationError, nothing changed) when both
    are one unit, or when both have a case of the same number (a case number is unique per
    agency: someone has to look at those first). One audit event "unit.merge" records both
    units before and what moved. The leads' import fingerprints stay as they were: they say
    how the source spelled the unit, so the same rows imported again are still recognised."""
    require(actor, "unit.edit")
    require(actor, "lead.edit")
    with store.write() as session:
        kept, gone = _find_unit(session, keep), _find_unit(session, merge)
        if kept.id == gone.id:
            raise ValidationError({"merge": f"不能把单位“{kept.name}”合并到它自己"})
        clashes = list(
            session.scalars(
                select(Case.case_no)
                .where(Case.agency_id == gone.id)
                .where(Case.case_no.in_(select(Case.case_no).where(Case.agency_id == kept.id)))
                .order_by(Case.case_no)
            )
        )
        if clashes:
            shown = "、".join(clashes[:3]) + ("等" if len(clashes) > 3 else "")
            raise ValidationError(
                {
                    "merge": f"两个单位都有案号为{shown}的案件（共 {len(clashes)} 件），"
                    "请先核对这些案件再合并"
                }
            )
        before = {
            "kept": {"uuid": kept.uuid, **unit_fields(kept)},
            "merged": {"uuid": gone.uuid, **unit_fields(gone)},
        }
        moved_persons, joined, lead_ids = _join_persons(session, actor, kept, gone)
        lead_ids.update(session.scalars(select(Lead.id).where(Lead.subject_unit_id == gone.id)))
        counts = {}
        for name, column in (("leads", Lead.subject_unit_id), ("handled", Lead.handler_unit_id)):
            result = session.execute(
                update(Lead)
                .where(column == gone.id)
                .values({column.key: kept.id, "version": Lead.version + 1})
                .values(updated_by=actor.login)
                .execution_options(synchronize_session=False)
            )
            counts[name] = int(result.rowcount or 0)
        result = session.execute(
            update(Case)
            .where(Case.agency_id == gone.id)
            .values(agency_id=kept.id, version=Case.version + 1, updated_by=actor.login)
            .execution_options(synchronize_session=False)
        )
        counts["cases"] = int(result.rowcount or 0)
        if kept.parent_id == gone.id or kept.parent_id is None:
            kept.parent_id = gone.parent_id if gone.parent_id != kept.id else None
        result = session.execute(
            update(Unit)
            .where(Unit.parent_id == gone.id, Unit.id != kept.id)
            .values(parent_id=kept.id)
            .execution_options(synchronize_session=False)
        )
        counts["units"] = int(result.rowcount or 0)
        kept.updated_by = actor.login
        session.flush()
        session.delete(gone)
        session.flush()
        moved = {**counts, "persons": moved_persons, "persons_joined": joined}
        audit.record(
            session,
            actor,
            "unit.merge",
            "unit",
            kept.uuid,
            before=before,
            after={"kept": {"uuid": kept.uuid, **unit_fields(kept)}, "moved": moved},
        )
        # Their search text names the unit (and maybe the person) now kept.
        search.sync(session, ids=sorted(lead_ids))
        return MergeResult(
            kept=_unit_row(kept),
            merged=gone.name,
            leads=counts["leads"],
            handled=counts["handled"],
            persons=moved_persons,
            persons_joined=len(joined),
            cases=counts["cases"],
            units=counts["units"],
        )
