"""Resolving a conflict: the value kept becomes a new local change of the field (a new dot,
the record's version vector already holding both sides), so it travels to the other stores
and closes the same conflict wherever the incoming version vector covers both its dots."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workstation.exchange.capture import UuidCache, capture, identity
from workstation.exchange.entities import Field, Spec, decode, dumps
from workstation.models import SyncConflict, SyncMeta, utcnow
from workstation.vocab import normalise


def keep_value(
    session: Session,
    conflict: SyncConflict,
    spec: Spec,
    field: Field,
    row: Any,
    keep: str,
    login: str,
) -> tuple[Any, Any, list[Any]]:
    """Set the kept value on the record and its captured state; close every open conflict of
    that field. Returns (value before, value kept, the new dot)."""
    ident = identity(session)
    assert ident is not None
    capture(session, ident)
    meta = session.scalar(
        select(SyncMeta).where(SyncMeta.entity_type == spec.name, SyncMeta.uuid == conflict.uuid)
    )
    assert meta is not None
    text = conflict.local_value if keep == "local" else conflict.remote_value
    value = json.loads(text) if text is not None else None
    snapshot = json.loads(meta.snapshot)
    before = snapshot.get(field.name)
    if field.ref and value is not None:
        target = UuidCache(session).id(field.ref, value)
        if target is None:
            value = None
        setattr(row, field.column, target)
    else:
        setattr(row, field.column, decode(spec, field, value))
        if spec.keyed_by_name and field.name == "name" and value is not None:
            row.name_key = normalise(value)
    if hasattr(row, "updated_by"):
        row.updated_by = login
    ident.counter += 1
    dot = [ident.uuid, ident.counter]
    dots = json.loads(meta.dots)
    dots[field.name] = [dot]
    vv = json.loads(meta.vv)
    vv[ident.uuid] = ident.counter
    snapshot[field.name] = value
    snapshot["updated_by"] = login
    dots["updated_by"] = [dot]
    meta.snapshot, meta.dots, meta.vv = dumps(snapshot), dumps(dots), dumps(vv)
    meta.seq = ident.counter
    meta.captured_at = utcnow()
    now = utcnow()
    for other in session.scalars(
        select(SyncConflict).where(
            SyncConflict.entity_type == conflict.entity_type,
            SyncConflict.uuid == conflict.uuid,
            SyncConflict.field == conflict.field,
            SyncConflict.state == "open",
        )
    ):
        other.state = "resolved"
        other.resolution = (
            keep
            if other.id == conflict.id
            else ("local" if other.local_value == dumps(value) else "remote")
        )
        other.resolved_by = login
        other.resolved_at = now
    return before, value, dot
