"""Undoing an import batch whose rows nobody has touched since, and listing the batches."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import Table, delete, exists, or_, select, update
from sqlalchemy.orm import Session, aliased

from workstation.errors import NotFound, PermissionDenied, WorkstationError
from workstation.importing.links import chunks
from workstation.models import Anomaly, AuditEvent, Case, ImportBatch, Lead, Person, Unit, utcnow
from workstation.services import audit
from workstation.services.auth import Actor, require
from workstation.store import Store

PERMISSION = {"leads": "lead.create", "cases": "case.create"}
_CASES: Table = Case.__table__  # type: ignore[assignment]
_DATE_COLUMNS = frozenset(
    {"accepted_on", "filed_on", "not_filed_on", "withdrawn_on", "prosecuted_on", "closed_on",
     "last_activity_on"}
)  # fmt: skip


@dataclasses.dataclass(frozen=True)
class UndoResult:
    batch: int
    kind: str
    removed: int  # leads or cases deleted
    restored: int  # cases given back the facts the batch had replaced
    units_removed: int
    persons_removed: int

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class BatchRow:
    id: int
    kind: str
    file_name: str
    file_sha256: str
    sheet: str | None
    imported: int
    duplicates: int
    repeats: int
    updated: int
    rejected: int
    user: str | None
    created_at: dt.datetime
    undone_at: dt.datetime | None

    def to_json(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["created_at"] = self.created_at.isoformat(timespec="seconds")
        out["undone_at"] = self.undone_at.isoformat(timespec="seconds") if self.undone_at else None
        return out


def _event(session: Session, batch: ImportBatch) -> AuditEvent | None:
    return session.scalar(
        select(AuditEvent)
        .where(
            AuditEvent.entity_type == "import_batch",
            AuditEvent.entity_uuid == batch.uuid,
            AuditEvent.action == f"import.{batch.kind}",
        )
        .limit(1)
    )


def _when(moment: dt.datetime | None) -> str:
    return f"{moment.astimezone():%Y-%m-%d %H:%M}" if moment else ""


def _refuse_if_touched(session: Session, batch: ImportBatch, restore: list[dict[str, Any]]) -> None:
    """Refuse, naming the first record, when anything of the batch changed since."""
    n = batch.id
    if batch.kind == "leads":
        edited = session.execute(
            select(Lead.ref, Lead.updated_by, Lead.updated_at)
            .where(Lead.batch_id == n, Lead.version != 1)
            .order_by(Lead.id)
            .limit(1)
        ).first()
        if edited:
            raise WorkstationError(
                f"不能撤销批次 {n}：线索 {edited[0]} 已于 {_when(edited[2])} 被 {edited[1]} "
                "修改过；撤销会丢掉这些修改"
            )
        original = aliased(Lead)
        linked = session.execute(
            select(Lead.ref, original.ref)
            .join(original, Lead.repeat_of_id == original.id)
            .where(original.batch_id == n, or_(Lead.batch_id != n, Lead.batch_id.is_(None)))
            .limit(1)
        ).first()
        if linked:
            raise WorkstationError(
                f"不能撤销批次 {n}：之后录入的线索 {linked[0]} 是本批次线索 {linked[1]} 的重复件"
            )
        return
    edited = session.execute(
        select(Case.case_no, Case.updated_by, Case.updated_at)
        .where(Case.batch_id == n, Case.version != 1)
        .order_by(Case.id)
        .limit(1)
    ).first()
    if edited:
        raise WorkstationError(
            f"不能撤销批次 {n}：案件 {edited[0]} 已于 {_when(edited[2])} 被 {edited[1]} 修改过；"
            "撤销会丢掉这些修改"
        )
    flagged = session.execute(
        select(Case.case_no)
        .where(Case.batch_id == n, exists().where(Anomaly.case_id == Case.id))
        .limit(1)
    ).first()
    if flagged:
        raise WorkstationError(f"不能撤销批次 {n}：案件 {flagged[0]} 已有异常标记（已运行过扫描）")
    for item in restore:
        case = session.execute(
            select(Case.case_no, Case.version, Case.updated_by, Case.updated_at).where(
                Case.id == item["id"]
            )
        ).first()
        if case is None or case.version != item["version"]:
            name = case.case_no if case else f"#{item['id']}"
            raise WorkstationError(
                f"不能撤销批次 {n}：本批次更新过的案件 {name} 之后又被修改过，无法恢复原值"
            )


def _restore(session: Session, actor: Actor, restore: list[dict[str, Any]]) -> None:
    now = utcnow()
    for item in restore:
        values: dict[str, Any] = {}
        for name, value in item["values"].items():
            if name == "officer":
                continue
            if name in _DATE_COLUMNS and value is not None:
                value = dt.date.fromisoformat(value)
            values[name] = value
        session.execute(
            update(_CASES)
            .where(_CASES.c.id == item["id"])
            .values(
                **values,
                version=_CASES.c.version + 1,
                updated_at=now,
                updated_by=actor.login,
            )
        )


def _used(session: Session, ids: list[int], columns: list[Any]) -> set[int]:
    """Which of `ids` some row refers to through any of `columns` (one query per column)."""
    used: set[int] = set()
    for part in chunks(ids):
        for column in columns:
            used.update(session.scalars(select(column).where(column.in_(part)).distinct()))
    return used


def _remove_unused(session: Session, created: dict[str, list[int]]) -> tuple[int, int]:
    """Persons and units the batch created that nothing refers to any more."""
    persons = list(created.get("persons", []))
    used = _used(session, persons, [Lead.subject_person_id, Case.officer_id])
    gone_persons = [p for p in persons if p not in used]
    for part in chunks(gone_persons):
        session.execute(delete(Person).where(Person.id.in_(part)))
    units = list(created.get("units", []))
    used = _used(
        session,
        units,
        [Lead.subject_unit_id, Lead.handler_unit_id, Case.agency_id, Person.unit_id,
         Unit.parent_id],
    )  # fmt: skip
    gone_units = [u for u in units if u not in used]
    for part in chunks(gone_units):
        session.execute(delete(Unit).where(Unit.id.in_(part)))
    return len(gone_units), len(gone_persons)


def undo_batch(store: Store, actor: Actor, batch_id: int) -> UndoResult:
    """Remove what a batch imported (and give updated cases their old facts back), provided none
    of it was edited or referred to since; otherwise refuse, naming the first such record."""
    with store.write() as session:
        batch = session.get(ImportBatch, batch_id)
        if batch is None:
            raise NotFound(f"找不到导入批次 {batch_id}")
        require(actor, PERMISSION[batch.kind])
        if actor.login != batch.user and actor.role != "admin":
            raise PermissionDenied(
                f"批次 {batch_id} 由 {batch.user} 导入，只有本人或管理员可以撤销"
            )
        if batch.undone_at is not None:
            raise WorkstationError(f"批次 {batch_id} 已于 {_when(batch.undone_at)} 撤销过")
        event = _event(session, batch)
        restore: list[dict[str, Any]] = list(
            ((event.before if event else None) or {}).get("cases", [])
        )
        created: dict[str, list[int]] = ((event.after if event else None) or {}).get("created", {})
        _refuse_if_touched(session, batch, restore)
        model = Lead if batch.kind == "leads" else Case
        removed = session.execute(delete(model).where(model.batch_id == batch_id)).rowcount  # type: ignore[attr-defined]
        _restore(session, actor, restore)
        units, persons = _remove_unused(session, created)
        batch.undone_at = utcnow()
        batch.updated_by = actor.login
        result = UndoResult(batch_id, batch.kind, max(removed, 0), len(restore), units, persons)
        audit.record(
            session, actor, "import.undo", "import_batch", batch.uuid, after=result.to_json()
        )
    return result


def list_batches(store: Store, actor: Actor, *, kind: str | None = None) -> list[BatchRow]:
    """Every import batch, newest first, with its counts."""
    with store.read() as session:
        require(actor, "lead.read")
        stmt = select(ImportBatch).order_by(ImportBatch.id.desc())
        if kind:
            stmt = stmt.where(ImportBatch.kind == kind)
        batches = list(session.scalars(stmt))
        details: dict[str, dict[str, Any]] = {}
        uuids = [b.uuid for b in batches]
        for part in chunks(uuids):
            events = session.execute(
                select(AuditEvent.entity_uuid, AuditEvent.after).where(
                    AuditEvent.entity_type == "import_batch",
                    AuditEvent.entity_uuid.in_(part),
                    AuditEvent.action.in_(("import.leads", "import.cases")),
                )
            )
            details.update({u: a or {} for u, a in events})
        return [
            BatchRow(
                id=b.id,
                kind=b.kind,
                file_name=b.file_name,
                file_sha256=b.file_sha256,
                sheet=b.sheet,
                imported=b.imported,
                duplicates=b.duplicates,
                repeats=int(details.get(b.uuid, {}).get("repeats", 0)),
                updated=int(details.get(b.uuid, {}).get("updated", 0)),
                rejected=b.rejected,
                user=b.user,
                created_at=b.created_at,
                undone_at=b.undone_at,
            )
            for b in batches
        ]
