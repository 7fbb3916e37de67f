"""The audit trail: one hash-chained event per change, written in the change's transaction."""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from workstation.models import AuditEvent, utcnow
from workstation.models.base import new_uuid, new_uuids
from workstation.services.auth import Actor, require
from workstation.store import Store

GENESIS_HASH = "0" * 64


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


@dataclasses.dataclass(slots=True)
class _EventView:
    """An event's hashed fields, for events written in bulk without ORM objects."""

    uuid: str
    at: dt.datetime
    user: str
    action: str
    entity_type: str
    entity_uuid: str | None
    before: Any
    after: Any


def event_hash(prev_hash: str, event: AuditEvent | _EventView) -> str:
    payload = {
        "uuid": event.uuid,
        "at": event.at.astimezone(dt.UTC).isoformat(),
        "user": event.user,
        "action": event.action,
        "entity_type": event.entity_type,
        "entity_uuid": event.entity_uuid,
        "before": event.before,
        "after": event.after,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + text).encode("utf-8")).hexdigest()


def file_sha256(path: Path) -> str:
    """The SHA-256 by which the audit trail names a file (an imported ledger, a brief)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity_type: str,
    entity_uuid: str | None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain; call inside the write transaction of the change itself."""
    prev = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    # Timestamps are kept to the microsecond, as SQLite will store them.
    event = AuditEvent(
        at=utcnow(),
        user=actor.login,
        action=action,
        entity_type=entity_type,
        entity_uuid=entity_uuid,
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        prev_hash=prev or GENESIS_HASH,
        uuid=new_uuid(),
    )
    event.hash = event_hash(event.prev_hash, event)
    session.add(event)
    session.flush()
    return event


def record_many(
    session: Session, actor: Actor, events: Sequence[tuple[str, str, str | None, Any, Any]]
) -> None:
    """Append many events (action, entity_type, entity_uuid, before, after) with one INSERT,
    chained exactly as record() chains them. Before/after must be plain JSON values."""
    if not events:
        return
    prev = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    prev = prev or GENESIS_HASH
    now = utcnow()
    rows = []
    for (action, entity_type, entity_uuid, before, after), event_uuid in zip(
        events, new_uuids(len(events)), strict=True
    ):
        view = _EventView(
            event_uuid, now, actor.login, action, entity_type, entity_uuid, before, after
        )
        digest = event_hash(prev, view)
        rows.append(
            {
                "uuid": event_uuid,
                "at": now,
                "user": actor.login,
                "action": action,
                "entity_type": entity_type,
                "entity_uuid": entity_uuid,
                "before": before,
                "after": after,
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest
    session.execute(insert(AuditEvent.__table__), rows)


@dataclasses.dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_at: int | None = None  # id of the first event whose link does not hold
    message: str = ""

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def verify_chain(store: Store, actor: Actor) -> VerifyResult:
    """Walk the chain in order; report the first event that was altered, removed or inserted."""
    with store.read() as session:
        require(actor, "audit.verify")
        prev_hash = GENESIS_HASH
        checked = 0
        for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id)).yield_per(2000):
            if event.prev_hash != prev_hash:
                return VerifyResult(
                    False,
                    checked,
                    event.id,
                    f"审计日志第 {event.id} 条与前一条不衔接：其前的记录被删除、插入或修改过",
                )
            if event_hash(prev_hash, event) != event.hash:
                return VerifyResult(
                    False, checked, event.id, f"审计日志第 {event.id} 条的内容被修改过"
                )
            prev_hash = event.hash
            checked += 1
        # The chains of other stores, received in exchange packets, are checked each on its own.
        from workstation.exchange.chains import verify_peer_chains

        peers = verify_peer_chains(session)
        broken = next((p for p in peers if not p.ok), None)
        if broken is not None:
            return VerifyResult(False, checked, None, broken.message)
        message = f"审计日志完整，共校验 {checked} 条"
        if peers:
            received = sum(p.checked for p in peers)
            message += f"；另有其他 {len(peers)} 台电脑的 {received} 条，均完整"
        return VerifyResult(True, checked, None, message)


_REPORTER_FIELDS = {"reporter_name": "name", "reporter_phone": "phone"}


def _masked(values: dict[str, Any] | None) -> dict[str, Any] | None:
    """An event's before/after with reporters' names and phones masked (as lead lists show)."""
    if not values or not any(k in values for k in _REPORTER_FIELDS):
        return values
    from workstation.masking import mask_name, mask_phone

    out = dict(values)
    for key, kind in _REPORTER_FIELDS.items():
        if isinstance(out.get(key), str):
            out[key] = mask_name(out[key]) if kind == "name" else mask_phone(out[key])
    return out


def history(
    store: Store,
    actor: Actor,
    entity_uuid: str,
    *,
    entity_type: str | None = None,
    unmask: bool = False,
) -> list[dict[str, Any]]:
    """Every audit event of one record, oldest first, as plain dicts. Reporters' names and
    phones in the events are masked unless `unmask` (leaders, admins; the viewing is logged).
    Give the record's `entity_type` ("lead", "case"…) when known: the events are then found
    through the (entity_type, entity_uuid) index instead of by reading the whole trail."""
    require(actor, "lead.read")
    if unmask:
        require(actor, "reporter.unmask")
    with store.write() if unmask else store.read() as session:
        rows = list(
            session.scalars(
                select(AuditEvent)
                .where(
                    AuditEvent.entity_uuid == entity_uuid,
                    *([AuditEvent.entity_type == entity_type] if entity_type else []),
                )
                .order_by(AuditEvent.id)
            )
        )
        events = [
            {
                "id": e.id,
                "at": e.at.isoformat(),
                "user": e.user,
                "action": e.action,
                "before": e.before if unmask else _masked(e.before),
                "after": e.after if unmask else _masked(e.after),
            }
            for e in rows
        ]
        if unmask:
            entity_type = rows[0].entity_type if rows else None
            record(
                session,
                actor,
                "reporter.unmask",
                entity_type or "record",
                entity_uuid,
                after={"purpose": "audit.history"},
            )
        return events
