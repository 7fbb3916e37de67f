"""Change capture without triggers: the records changed since the last capture are diffed
against their captured values; each change gets a dot (this store, its next counter) and moves
this store's entry of the record's version vector. Records gone since become tombstones.

Which records are diffed: those updated since the last capture (less a safety margin, for
transactions that committed late), those never captured, and — because deletions made by the
database itself (ON DELETE SET NULL) move no updated_at — those whose captured values name a
record that has just disappeared. A full capture (`full`) diffs everything.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import socket
from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, bindparam, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from workstation.exchange.entities import SPECS, Spec, dumps, encode
from workstation.models import SyncMeta, SyncStore, SyncTombstone, utcnow
from workstation.models.base import new_uuid

# SQLite serialises writers (a capture runs in a write transaction, so every earlier write has
# committed); the margin covers a server's concurrent transactions and small clock steps.
MARGIN = dt.timedelta(minutes=10)
_CHUNK = 500
# More vanished records than this: the records naming them are found by diffing everything.
_MAX_REFERENCE_SEARCH = 100


def identity(session: Session, *, create: bool = True) -> SyncStore | None:
    """This store's identity row (made on first use: a new UUID and a name)."""
    row = session.scalar(select(SyncStore).order_by(SyncStore.id).limit(1))
    if row is None and create:
        uuid = new_uuid()
        row = SyncStore(uuid=uuid, name=default_name(uuid), counter=0)
        session.add(row)
        session.flush()
    return row


def default_name(uuid: str) -> str:
    host = socket.gethostname().split(".")[0][:60] or "工作站"
    return f"{host}-{uuid[:8]}"


def dot_text(dot: Iterable[Any]) -> str:
    store, counter = dot
    return f"{store}:{int(counter)}"


def dot_set(value: Any) -> list[list[Any]]:
    """A field's dots: usually one; several when stores made the same value independently (two
    machines importing one ledger), any of which a later change may have seen."""
    if not value:
        return []
    if isinstance(value[0], str):
        return [list(value)]
    unique = {(str(d[0]), int(d[1])) for d in value}
    return [list(d) for d in sorted(unique, key=lambda d: (d[1], d[0]))]


def dots_text(dots: list[list[Any]]) -> str:
    return "|".join(dot_text(d) for d in dots)


def any_covered(dots: list[list[Any]], vv: dict[str, int]) -> bool:
    return any(covered(d, vv) for d in dots)


def covered(dot: Any, vv: dict[str, int]) -> bool:
    """Whether the change `dot` (store, counter) is among those version vector `vv` holds."""
    if dot is None:
        return True
    return int(vv.get(dot[0], 0)) >= int(dot[1])


def merged_vv(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    out = dict(a)
    for store, counter in b.items():
        out[store] = max(int(out.get(store, 0)), int(counter))
    return out


def leq(a: dict[str, int], b: dict[str, int]) -> bool:
    return all(int(c) <= int(b.get(s, 0)) for s, c in a.items())


class UuidCache:
    """Local ids and UUIDs of records, looked up once each."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.uuid_of: dict[str, dict[int, str]] = {s.name: {} for s in SPECS}
        self.id_of: dict[str, dict[str, int | None]] = {s.name: {} for s in SPECS}

    def prefetch_uuids(self, kind: str, ids: Iterable[int]) -> None:
        known = self.uuid_of[kind]
        wanted = sorted({i for i in ids if i is not None and i not in known})
        model = next(s.model for s in SPECS if s.name == kind)
        for start in range(0, len(wanted), _CHUNK):
            part = wanted[start : start + _CHUNK]
            for rid, uuid in self.session.execute(
                select(model.id, model.uuid).where(model.id.in_(part))
            ):
                known[rid] = uuid
                self.id_of[kind][uuid] = rid

    def prefetch_ids(self, kind: str, uuids: Iterable[str | None]) -> None:
        """Look up the local ids of these UUIDs (again, for those not found before)."""
        known = self.id_of[kind]
        wanted = sorted({u for u in uuids if u is not None and known.get(u) is None})
        model = next(s.model for s in SPECS if s.name == kind)
        for start in range(0, len(wanted), _CHUNK):
            part = wanted[start : start + _CHUNK]
            for u in part:
                known[u] = None
            for rid, uuid in self.session.execute(
                select(model.id, model.uuid).where(model.uuid.in_(part))
            ):
                known[uuid] = rid
                self.uuid_of[kind][rid] = uuid

    def uuid(self, kind: str, rid: int | None) -> str | None:
        if rid is None:
            return None
        if rid not in self.uuid_of[kind]:
            self.prefetch_uuids(kind, [rid])
        return self.uuid_of[kind].get(rid)

    def id(self, kind: str, uuid: str | None) -> int | None:
        if uuid is None:
            return None
        if uuid not in self.id_of[kind]:
            model = next(s.model for s in SPECS if s.name == kind)
            rid = self.session.scalar(select(model.id).where(model.uuid == uuid))
            self.id_of[kind][uuid] = rid
            if rid is not None:
                self.uuid_of[kind][rid] = uuid
        return self.id_of[kind][uuid]

    def remember(self, kind: str, uuid: str, rid: int) -> None:
        self.id_of[kind][uuid] = rid
        self.uuid_of[kind][rid] = uuid

    def forget(self, kind: str, uuid: str) -> None:
        rid = self.id_of[kind].pop(uuid, None)
        if rid is not None:
            self.uuid_of[kind].pop(rid, None)


def current_values(spec: Spec, row: Any, cache: UuidCache) -> dict[str, Any]:
    """A record's carried values (links as UUIDs), from a row of its model's columns."""
    values = {}
    for field in spec.fields:
        raw = getattr(row, field.column)
        if field.ref:
            values[field.name] = cache.uuid(field.ref, raw)
        else:
            values[field.name] = encode(spec, field, raw)
    return values


@dataclasses.dataclass
class Captured:
    changed: int = 0
    new: int = 0
    deleted: int = 0


def _columns(spec: Spec) -> list[Any]:
    model = spec.model
    names = ["id", "uuid"] + [f.column for f in spec.fields]
    return [getattr(model, n) for n in dict.fromkeys(names)]


def capture(
    session: Session,
    ident: SyncStore,
    *,
    full: bool = False,
    referencing: Iterable[str] = (),
    only_referencing: bool = False,
    now: dt.datetime | None = None,
) -> Captured:
    """Give every local change since the last capture its dot; returns what was found.
    `referencing`: UUIDs of records just deleted, whose referrers are diffed as well
    (`only_referencing`: nothing else, as after a packet's deletions)."""
    now = now or utcnow()
    result = Captured()
    since = None if full or ident.captured_at is None else ident.captured_at - MARGIN
    gone = set(referencing)
    if not only_referencing:
        gone |= _tombstone_vanished(session, ident, result, now)
    cache = UuidCache(session)
    for spec in SPECS:
        model = spec.model
        meta_join = and_(SyncMeta.entity_type == spec.name, SyncMeta.uuid == model.uuid)
        stmt = select(*_columns(spec), SyncMeta).outerjoin(SyncMeta, meta_join)
        conditions = []
        scan_all = full or (since is None and not only_referencing)
        if gone and len(gone) > _MAX_REFERENCE_SEARCH:
            scan_all = True
        elif gone:
            conditions.extend(SyncMeta.snapshot.contains(u) for u in sorted(gone))
        if not scan_all:
            if not only_referencing:
                conditions.append(SyncMeta.id.is_(None))
                if since is not None:
                    conditions.append(model.updated_at >= since)
            if not conditions:
                continue
            stmt = stmt.where(or_(*conditions))
        rows = session.execute(stmt.order_by(model.id)).all()
        _diff(session, ident, spec, rows, cache, result, now)
    if not only_referencing:
        ident.captured_at = now
    session.flush()
    return result


def _tombstone_vanished(
    session: Session, ident: SyncStore, result: Captured, now: dt.datetime
) -> set[str]:
    gone: set[str] = set()
    for spec in SPECS:
        model = spec.model
        vanished = session.execute(
            select(SyncMeta.id, SyncMeta.uuid)
            .outerjoin(model, model.uuid == SyncMeta.uuid)
            .where(SyncMeta.entity_type == spec.name, model.id.is_(None))
            .order_by(SyncMeta.id)
        ).all()
        for meta_id, uuid in vanished:
            ident.counter += 1
            session.execute(
                insert(SyncTombstone).values(
                    entity_type=spec.name,
                    uuid=uuid,
                    deleted_at=now,
                    origin=ident.uuid,
                    dot=dot_text((ident.uuid, ident.counter)),
                    seq=ident.counter,
                )
            )
            session.execute(delete(SyncMeta).where(SyncMeta.id == meta_id))
            gone.add(uuid)
            result.deleted += 1
    return gone


def _diff(
    session: Session,
    ident: SyncStore,
    spec: Spec,
    rows: list[Any],
    cache: UuidCache,
    result: Captured,
    now: dt.datetime,
) -> None:
    for ref_field in spec.refs:
        cache.prefetch_uuids(ref_field.ref or "", (getattr(r, ref_field.column) for r in rows))
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for row in rows:
        meta: SyncMeta | None = row.SyncMeta
        values = current_values(spec, row, cache)
        if meta is None:
            ident.counter += 1
            dot = [[ident.uuid, ident.counter]]
            inserts.append(
                {
                    "entity_type": spec.name,
                    "uuid": row.uuid,
                    "snapshot": dumps(values),
                    "vv": dumps({ident.uuid: ident.counter}),
                    "dots": dumps(dict.fromkeys(values, dot)),
                    "seq": ident.counter,
                    "captured_at": now,
                }
            )
            result.new += 1
            continue
        snapshot = json.loads(meta.snapshot)
        changed = [k for k, v in values.items() if k not in snapshot or snapshot[k] != v]
        if not changed:
            continue
        ident.counter += 1
        dot = [[ident.uuid, ident.counter]]
        dots = json.loads(meta.dots)
        for name in changed:
            dots[name] = dot
        vv = json.loads(meta.vv)
        vv[ident.uuid] = ident.counter
        updates.append(
            {
                "b_id": meta.id,
                "snapshot": dumps(values),
                "vv": dumps(vv),
                "dots": dumps(dots),
                "seq": ident.counter,
                "captured_at": now,
            }
        )
        result.changed += 1
    if inserts:
        session.execute(insert(SyncMeta), inserts)
    if updates:
        table = SyncMeta.__table__
        session.execute(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(
                snapshot=bindparam("snapshot"),
                vv=bindparam("vv"),
                dots=bindparam("dots"),
                seq=bindparam("seq"),
                captured_at=bindparam("captured_at"),
            ),
            updates,
        )
