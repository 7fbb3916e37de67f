"""Audit events travelling between stores: each origin's events keep their own hash chain, stored
apart from the local chain (peer_audit_event) and verified per origin."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from workstation.models import AuditEvent, PeerAuditEvent

GENESIS_HASH = "0" * 64


def _event_item(origin: str, origin_id: int, e: Any) -> dict[str, Any]:
    return {
        "k": "a",
        "o": origin,
        "i": origin_id,
        "uuid": e.uuid,
        "at": e.at.astimezone(dt.UTC).isoformat(),
        "user": e.user,
        "action": e.action,
        "entity_type": e.entity_type,
        "entity_uuid": e.entity_uuid,
        "before": e.before,
        "after": e.after,
        "prev_hash": e.prev_hash,
        "hash": e.hash,
    }


def local_events(session: Session, origin: str, after_id: int) -> Iterator[dict[str, Any]]:
    stmt = select(AuditEvent).where(AuditEvent.id > after_id).order_by(AuditEvent.id)
    for event in session.scalars(stmt).yield_per(2000):
        yield _event_item(origin, event.id, event)


def peer_events(
    session: Session, after_id: int, *, skip_origin: str | None = None
) -> Iterator[dict[str, Any]]:
    stmt = select(PeerAuditEvent).where(PeerAuditEvent.id > after_id).order_by(PeerAuditEvent.id)
    if skip_origin:
        stmt = stmt.where(PeerAuditEvent.origin != skip_origin)
    for event in session.scalars(stmt).yield_per(2000):
        yield _event_item(event.origin, event.origin_id, event)


def last_ids(session: Session) -> tuple[int, int]:
    """The newest local and peer event ids (an export's watermarks)."""
    local = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
    peer = session.scalar(select(PeerAuditEvent.id).order_by(PeerAuditEvent.id.desc()).limit(1))
    return int(local or 0), int(peer or 0)


def store_events(session: Session, own: str, items: list[dict[str, Any]]) -> int:
    """Keep the events of other stores not held yet; returns how many were new."""
    fresh: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    by_origin: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        if item.get("o") and item["o"] != own:
            by_origin.setdefault(item["o"], []).append(item)
    for origin, events in by_origin.items():
        uuids = [e["uuid"] for e in events]
        held: set[str] = set()
        for start in range(0, len(uuids), 500):
            held.update(
                session.scalars(
                    select(PeerAuditEvent.uuid).where(
                        PeerAuditEvent.origin == origin,
                        PeerAuditEvent.uuid.in_(uuids[start : start + 500]),
                    )
                )
            )
        for e in sorted(events, key=lambda e: int(e["i"])):
            if e["uuid"] in held or (origin, e["uuid"]) in seen:
                continue
            seen.add((origin, e["uuid"]))
            fresh.append(
                {
                    "origin": origin,
                    "origin_id": int(e["i"]),
                    "uuid": e["uuid"],
                    "at": dt.datetime.fromisoformat(e["at"]),
                    "user": e["user"],
                    "action": e["action"],
                    "entity_type": e["entity_type"],
                    "entity_uuid": e.get("entity_uuid"),
                    "before": e.get("before"),
                    "after": e.get("after"),
                    "prev_hash": e["prev_hash"],
                    "hash": e["hash"],
                }
            )
    if fresh:
        session.execute(insert(PeerAuditEvent), fresh)
    return len(fresh)


@dataclasses.dataclass(frozen=True)
class ChainCheck:
    origin: str
    ok: bool
    checked: int
    message: str


def verify_peer_chains(session: Session) -> list[ChainCheck]:
    """Each other store's chain, in its own order: every link and every hash must hold."""
    from workstation.services.audit import event_hash

    origins = list(session.scalars(select(PeerAuditEvent.origin).distinct()))
    out = []
    for origin in sorted(origins):
        prev = GENESIS_HASH
        checked = 0
        problem = ""
        stmt = (
            select(PeerAuditEvent)
            .where(PeerAuditEvent.origin == origin)
            .order_by(PeerAuditEvent.origin_id)
        )
        for event in session.scalars(stmt).yield_per(2000):
            if event.prev_hash != prev:
                problem = (
                    f"来自 {origin[:8]} 的审计日志第 {event.origin_id} 条与前一条不衔接："
                    "其前的记录缺失、被插入或修改过"
                )
                break
            if event_hash(prev, event) != event.hash:  # type: ignore[arg-type]
                problem = f"来自 {origin[:8]} 的审计日志第 {event.origin_id} 条的内容被修改过"
                break
            prev = event.hash
            checked += 1
        if problem:
            out.append(ChainCheck(origin, False, checked, problem))
        else:
            out.append(ChainCheck(origin, True, checked, f"来自 {origin[:8]} 的 {checked} 条完整"))
    return out
