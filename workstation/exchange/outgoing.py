"""What an export carries: the records changed since a watermark (with the values this store
holds as open conflicts), and the tombstones."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select

from workstation.exchange.entities import SPECS
from workstation.models import SyncConflict, SyncMeta, SyncTombstone


def pending_values(session: Any) -> dict[tuple[str, str], dict[str, list[Any]]]:
    """Open conflicts as their records travel: the other values (with their dots) that this
    store has seen but not accepted, so that every store holding the record sees the conflict
    until someone resolves it."""
    out: dict[tuple[str, str], dict[str, list[Any]]] = {}
    stmt = select(SyncConflict).where(SyncConflict.state == "open")
    for c in session.scalars(stmt):
        held = out.setdefault((c.entity_type, c.uuid), {}).setdefault(c.field, [])
        value = json.loads(c.remote_value) if c.remote_value is not None else None
        held.extend([dot, value] for dot in c.remote_dot.split("|"))
    return out


def record_items(
    session: Any, since_seq: int, moments: list[dt.datetime], counts: dict[str, int]
) -> Iterator[dict[str, Any]]:
    pending = pending_values(session)
    for spec in SPECS:
        stmt = (
            select(SyncMeta)
            .where(SyncMeta.entity_type == spec.name, SyncMeta.seq > since_seq)
            .order_by(SyncMeta.id)
        )
        for meta in session.scalars(stmt).yield_per(2000):
            item: dict[str, Any] = {
                "k": "r",
                "t": spec.name,
                "u": meta.uuid,
                "v": json.loads(meta.snapshot),
                "d": json.loads(meta.dots),
                "vv": json.loads(meta.vv),
            }
            held = pending.get((spec.name, meta.uuid))
            if held:
                item["p"] = held
            counts[spec.name] = counts.get(spec.name, 0) + 1
            moments.append(meta.captured_at)
            yield item
    stmt_x = select(SyncTombstone).where(SyncTombstone.seq > since_seq).order_by(SyncTombstone.id)
    for tomb in session.scalars(stmt_x):
        counts["tombstones"] = counts.get("tombstones", 0) + 1
        moments.append(tomb.deleted_at)
        yield {
            "k": "x",
            "t": tomb.entity_type,
            "u": tomb.uuid,
            "d": tomb.dot,
            "o": tomb.origin,
            "at": tomb.deleted_at.isoformat(),
        }
