"""Merging a packet's records into the store: by UUID (or alias, or natural key), with version
vectors per record and a dot per field; concurrent changes of one field become conflicts.

Rules, per incoming record (values, field dots, version vector `rvv`, and `pending`: dots its
sender holds as unresolved conflicts) against the local one (`lvv`, local dots):
- unknown record → inserted (unless a tombstone names it: deletions win, for good);
- `rvv` ≤ `lvv` → nothing new;
- per field: the remote dot already in `lvv` → keep local; the local dot in `rvv` (and not
  pending there) → take remote; otherwise both changed it: equal values agree, derived fields
  take the larger dot, anything else is a conflict and the local value stays;
- an open conflict whose both dots the incoming `rvv` covers (resolved elsewhere) closes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import Counter as Tally
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workstation.exchange.capture import (
    UuidCache,
    any_covered,
    covered,
    dot_set,
    dot_text,
    dots_text,
    leq,
    merged_vv,
)
from workstation.exchange.entities import (
    BY_NAME,
    SPECS,
    Spec,
    decode,
    dumps,
    natural_key,
    natural_lookup,
)
from workstation.models import (
    SyncAlias,
    SyncConflict,
    SyncMeta,
    SyncStore,
    SyncTombstone,
)
from workstation.vocab import normalise

_MISSING = object()


def dot_key(dots: list[list[Any]]) -> tuple[int, str]:
    """A total order of a field's dots, the same on every machine (settles derived fields)."""
    return max((int(d[1]), str(d[0])) for d in dots)


@dataclasses.dataclass
class MergeStats:
    inserted: Tally[str] = dataclasses.field(default_factory=Tally)
    updated: Tally[str] = dataclasses.field(default_factory=Tally)
    deleted: Tally[str] = dataclasses.field(default_factory=Tally)
    unchanged: int = 0
    new_conflicts: int = 0
    auto_resolved: int = 0
    skipped: int = 0
    # (action, entity_type, entity_uuid, before, after) for the audit trail
    events: list[tuple[str, str, str | None, Any, Any]] = dataclasses.field(default_factory=list)
    lead_ids: set[int] = dataclasses.field(default_factory=set)
    deleted_uuids: set[str] = dataclasses.field(default_factory=set)


class Merger:
    def __init__(
        self,
        session: Session,
        ident: SyncStore,
        source: str,
        source_name: str,
        seq: int,
        now: dt.datetime,
    ) -> None:
        self.session = session
        self.ident = ident
        self.source = source
        self.source_name = source_name
        self.seq = seq
        self.now = now
        self.cache = UuidCache(session)
        self.stats = MergeStats()
        self._aliases: dict[tuple[str, str], str] = {}
        self._tombstoned: dict[tuple[str, str], bool] = {}
        self.incoming_refs: set[str] = set()
        open_ones = select(SyncConflict.entity_type, SyncConflict.uuid).where(
            SyncConflict.state == "open"
        )
        self._conflicted: set[tuple[str, str]] = {(t, u) for t, u in session.execute(open_ones)}

    # --- identities ---------------------------------------------------------------------

    def local_uuid(self, kind: str, remote: str) -> str:
        key = (kind, remote)
        if key not in self._aliases:
            found = self.session.scalar(
                select(SyncAlias.local_uuid).where(
                    SyncAlias.entity_type == kind, SyncAlias.remote_uuid == remote
                )
            )
            self._aliases[key] = found or remote
        return self._aliases[key]

    def _alias(self, kind: str, remote: str, local: str) -> None:
        self._aliases[(kind, remote)] = local
        self.session.execute(
            insert(SyncAlias).values(entity_type=kind, remote_uuid=remote, local_uuid=local)
        )

    def tombstoned(self, kind: str, uuid: str) -> bool:
        key = (kind, uuid)
        if key not in self._tombstoned:
            self._tombstoned[key] = (
                self.session.scalar(
                    select(SyncTombstone.id).where(
                        SyncTombstone.entity_type == kind, SyncTombstone.uuid == uuid
                    )
                )
                is not None
            )
        return self._tombstoned[key]

    def _translate(self, spec: Spec, values: dict[str, Any]) -> dict[str, Any]:
        """Incoming values with links turned into local UUIDs (None for a record unknown
        here or deleted here)."""
        out = dict(values)
        for field in spec.refs:
            remote = values.get(field.name)
            if remote is None:
                continue
            kind = field.ref or ""
            local = self.local_uuid(kind, remote)
            if self.tombstoned(kind, local) or self.cache.id(kind, local) is None:
                out[field.name] = None
            else:
                out[field.name] = local
        return out

    # --- tombstones ---------------------------------------------------------------------

    def apply_tombstone(self, item: dict[str, Any]) -> None:
        spec = BY_NAME.get(item.get("t", ""))
        if spec is None:
            return
        uuid = self.local_uuid(spec.name, item["u"])
        if self.tombstoned(spec.name, uuid):
            self.stats.unchanged += 1
            return
        model = spec.model
        row_id = self.cache.id(spec.name, uuid)
        if row_id is not None:
            before = self._snapshot(spec, uuid)
            try:
                with self.session.begin_nested():
                    self._unlink(spec, row_id)
                    self.session.execute(delete(model).where(model.id == row_id))
            except IntegrityError:
                # Still named by a record that must name something (a case's agency): kept.
                self.stats.skipped += 1
                return
            self.cache.forget(spec.name, uuid)
            self.stats.deleted[spec.name] += 1
            self.stats.deleted_uuids.add(uuid)
            self.stats.events.append(
                ("sync.delete", spec.name, uuid, before, {"source": self._from()})
            )
        self.session.execute(
            insert(SyncTombstone).values(
                entity_type=spec.name,
                uuid=uuid,
                deleted_at=dt.datetime.fromisoformat(item["at"]) if item.get("at") else self.now,
                origin=item.get("o") or self.source,
                dot=str(item.get("d") or ""),
                seq=self.seq,
            )
        )
        self._tombstoned[(spec.name, uuid)] = True
        self.session.execute(
            delete(SyncMeta).where(SyncMeta.entity_type == spec.name, SyncMeta.uuid == uuid)
        )
        for conflict in self._open_conflicts(spec.name, uuid):
            self._close(conflict, "deleted")

    def _unlink(self, spec: Spec, row_id: int) -> None:
        """Empty the optional links to a record about to be deleted, as statements of ours
        (not the database's ON DELETE SET NULL: that moves no updated_at, and the search
        index's triggers refuse a lead queued twice within it)."""
        for other in SPECS:
            table = other.model.__table__
            for field in other.refs:
                column = table.c[field.column]
                if field.ref != spec.name or not column.nullable:
                    continue
                values: dict[str, Any] = {field.column: None}
                if "version" in table.c:
                    values["version"] = table.c.version + 1
                self.session.execute(
                    update(other.model)
                    .where(getattr(other.model, field.column) == row_id)
                    .values(values)
                    .execution_options(synchronize_session=False)
                )

    def _name_of(self, store: str) -> str:
        """The name of the store that made a change (the packet's sender, or a peer)."""
        if store == self.source:
            return self.source_name
        from workstation.models import SyncPeer

        name = self.session.scalar(select(SyncPeer.name).where(SyncPeer.store_uuid == store))
        return name or f"{store[:8]}（经 {self.source_name}）"

    def _from(self) -> str:
        return f"合并自 {self.source_name}"

    def _snapshot(self, spec: Spec, uuid: str) -> dict[str, Any] | None:
        text = self.session.scalar(
            select(SyncMeta.snapshot).where(
                SyncMeta.entity_type == spec.name, SyncMeta.uuid == uuid
            )
        )
        return json.loads(text) if text else None

    # --- records ------------------------------------------------------------------------

    def _prefetch(self, kind: str, remotes: list[str]) -> None:
        """Aliases, tombstones and local ids of many records of one kind, a query per 500."""
        todo = sorted({r for r in remotes if (kind, r) not in self._aliases})
        for start in range(0, len(todo), 500):
            part = todo[start : start + 500]
            found = dict(
                self.session.execute(
                    select(SyncAlias.remote_uuid, SyncAlias.local_uuid).where(
                        SyncAlias.entity_type == kind, SyncAlias.remote_uuid.in_(part)
                    )
                ).all()
            )
            for remote in part:
                self._aliases[(kind, remote)] = found.get(remote, remote)
        locals_ = [self._aliases[(kind, r)] for r in remotes]
        todo = sorted({u for u in locals_ if (kind, u) not in self._tombstoned})
        for start in range(0, len(todo), 500):
            part = todo[start : start + 500]
            gone = set(
                self.session.scalars(
                    select(SyncTombstone.uuid).where(
                        SyncTombstone.entity_type == kind, SyncTombstone.uuid.in_(part)
                    )
                )
            )
            for uuid in part:
                self._tombstoned[(kind, uuid)] = uuid in gone
        self.cache.prefetch_ids(kind, locals_)

    def apply_records(self, spec: Spec, items: list[dict[str, Any]], tick: Any) -> None:
        """Merge the incoming records of one kind, a chunk at a time: new ones inserted in
        bulk, known ones merged field by field. Links to the same kind (a unit's parent, a
        lead's original) are set once every record of the kind is in."""
        self_refs = [f for f in spec.refs if f.ref == spec.name]
        if spec.name == "lead":
            self.incoming_refs = {str((i.get("v") or {}).get("ref")) for i in items}
        later: list[tuple[str, dict[str, Any]]] = []
        # natural keys of the records this packet inserted: key → (UUID, fingerprint)
        made: dict[tuple[Any, ...], tuple[str, str | None]] = {}
        for start in range(0, len(items), 1000):
            chunk = items[start : start + 1000]
            self._prefetch(spec.name, [i["u"] for i in chunk])
            for field in spec.refs:
                targets = [i["v"][field.name] for i in chunk if (i.get("v") or {}).get(field.name)]
                self._prefetch(field.ref or "", targets)
            existing: list[tuple[str, dict[str, Any]]] = []
            fresh: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = []
            for item in chunk:
                tick()
                remote = item["u"]
                local = self.local_uuid(spec.name, remote)
                if self.tombstoned(spec.name, local):
                    self.stats.unchanged += 1
                elif self.cache.id(spec.name, local) is not None:
                    existing.append((local, item))
                else:
                    fresh.append((remote, local, self._translate(spec, item.get("v") or {}), item))
            # Known records first: a lead renumbered elsewhere frees its old number here before
            # the newcomers are matched by theirs.
            self._merge_all(spec, existing)
            existing = []
            keys = {
                n: natural_key(spec, values, self.cache.id)
                for n, (_r, _l, values, _i) in enumerate(fresh)
            }
            known = natural_lookup(self.session, spec, [k for k in keys.values() if k])
            rows: list[dict[str, Any]] = []
            metas: list[dict[str, Any]] = []
            for n, (remote, local, values, item) in enumerate(fresh):
                key = keys[n]
                found = (known.get(key) or made.get(key)) if key else None
                match = found[0] if found else None
                if match is not None and spec.name == "lead" and not _same_lead(found, values):
                    # One reference number given to two different leads on two machines: the
                    # incoming one is numbered afresh here (a change that travels back).
                    values = dict(values, ref=self._fresh_ref(values))
                    match = None
                if match is not None and not self.tombstoned(spec.name, match):
                    if match != remote:
                        self._alias(spec.name, remote, match)
                    existing.append((match, item))
                    continue
                if self._required_missing(spec, values):
                    self.stats.skipped += 1
                    continue
                if key:
                    made[natural_key(spec, values, self.cache.id) or key] = (
                        local,
                        values.get("fingerprint"),
                    )
                received = self._translate(spec, item.get("v") or {})
                rows.append(self._row(spec, local, values, self_refs))
                metas.append(
                    {
                        "entity_type": spec.name,
                        "uuid": local,
                        "snapshot": dumps({f.name: received.get(f.name) for f in spec.fields}),
                        "vv": dumps(item.get("vv") or {}),
                        "dots": dumps(item.get("d") or {}),
                        "seq": self.seq,
                        "captured_at": self.now,
                    }
                )
                self.stats.inserted[spec.name] += 1
                applied = {f.name: values.get(f.name) for f in spec.fields if f not in self_refs}
                self.stats.events.append(
                    ("sync.insert", spec.name, local, None, {"source": self._from(), **applied})
                )
                if any(item["v"].get(f.name) is not None for f in self_refs):
                    later.append((local, item))
            if rows:
                self.session.execute(insert(spec.model.__table__), rows)
                self.session.execute(insert(SyncMeta.__table__), metas)
                self.cache.prefetch_ids(spec.name, [r["uuid"] for r in rows])
                if spec.name == "lead":
                    made_ids = (self.cache.id_of["lead"].get(r["uuid"]) for r in rows)
                    self.stats.lead_ids.update(i for i in made_ids if i is not None)
            self._merge_all(spec, existing)
        for local, item in later:
            values = self._translate(spec, item.get("v") or {})
            row = self.session.get(spec.model, self.cache.id(spec.name, local))
            meta = self._meta(spec.name, local)
            if row is None or meta is None:
                continue
            snapshot = json.loads(meta.snapshot)
            for field in self_refs:
                target = values.get(field.name)
                setattr(row, field.column, self.cache.id(spec.name, target) if target else None)
                snapshot[field.name] = target
            meta.snapshot = dumps(snapshot)
        self.session.flush()

    def _merge_all(self, spec: Spec, pairs: list[tuple[str, dict[str, Any]]]) -> None:
        by_uuid = self._metas(spec.name, [u for u, _i in pairs])
        for local, item in pairs:
            values = self._translate(spec, item.get("v") or {})
            self._merge(spec, local, values, item, by_uuid.get(local))
        self.session.flush()

    def _fresh_ref(self, values: dict[str, Any]) -> str:
        """A reference number free here and not used by any lead of the packet."""
        from workstation.services.leads import next_ref

        received = values.get("received_on")
        year = int(str(received)[:4]) if received else self.now.year
        while True:
            ref = next_ref(self.session, year)
            if ref not in self.incoming_refs:
                return ref

    def _metas(self, kind: str, uuids: list[str]) -> dict[str, SyncMeta]:
        out: dict[str, SyncMeta] = {}
        wanted = sorted(set(uuids))
        for start in range(0, len(wanted), 500):
            part = wanted[start : start + 500]
            stmt = select(SyncMeta).where(SyncMeta.entity_type == kind, SyncMeta.uuid.in_(part))
            out.update((m.uuid, m) for m in self.session.scalars(stmt))
        return out

    def _meta(self, kind: str, uuid: str) -> SyncMeta | None:
        return self.session.scalar(
            select(SyncMeta).where(SyncMeta.entity_type == kind, SyncMeta.uuid == uuid)
        )

    def _required_missing(self, spec: Spec, values: dict[str, Any]) -> bool:
        table = spec.model.__table__
        for field in spec.refs:
            column = table.c[field.column]
            if not column.nullable and values.get(field.name) is None:
                return True
        return False

    def _set(self, spec: Spec, row: Any, name: str, value: Any) -> None:
        field = spec.field(name)
        if field is None:
            return
        if field.ref:
            setattr(row, field.column, self.cache.id(field.ref, value) if value else None)
        else:
            setattr(row, field.column, decode(spec, field, value))
        if spec.keyed_by_name and name == "name" and value is not None:
            row.name_key = normalise(value)

    def _row(
        self, spec: Spec, uuid: str, values: dict[str, Any], self_refs: list[Any]
    ) -> dict[str, Any]:
        """A new record's columns, for a bulk insert (links to its own kind set later)."""
        row: dict[str, Any] = {"uuid": uuid}
        for field in spec.fields:
            value = values.get(field.name)
            if field.ref:
                target = None if field in self_refs or value is None else value
                row[field.column] = self.cache.id(field.ref, target) if target else None
            else:
                row[field.column] = decode(spec, field, value)
        if spec.keyed_by_name:
            row["name_key"] = normalise(values.get("name") or "")
        return row

    def _merge(
        self,
        spec: Spec,
        uuid: str,
        values: dict[str, Any],
        item: dict[str, Any],
        meta: SyncMeta | None,
    ) -> None:
        if meta is None:  # a record the capture has not seen: cannot happen after capture
            self.stats.skipped += 1
            return
        lvv: dict[str, int] = json.loads(meta.vv)
        rvv: dict[str, int] = item.get("vv") or {}
        pending: dict[str, list[Any]] = item.get("p") or {}
        if leq(rvv, lvv):
            self.stats.unchanged += 1
            return
        ldots: dict[str, Any] = json.loads(meta.dots)
        rdots: dict[str, Any] = item.get("d") or {}
        snapshot: dict[str, Any] = json.loads(meta.snapshot)
        changes: dict[str, Any] = {}
        new_dots = dict(ldots)
        conflicts = 0
        for field in spec.fields:
            name = field.name
            if name not in values:
                continue
            rdot, ldot = dot_set(rdots.get(name)), dot_set(ldots.get(name))
            rval, lval = values.get(name), snapshot.get(name)
            if not rdot or rdot == ldot:
                continue
            if any_covered(rdot, lvv):
                continue  # seen here already
            held = [str(p[0]) for p in pending.get(name, [])]
            if not ldot or (any_covered(ldot, rvv) and not any(dot_text(d) in held for d in ldot)):
                if rval != lval:
                    changes[name] = rval
                new_dots[name] = rdot
                continue
            # Changed on both sides since they last met.
            if rval == lval:
                new_dots[name] = dot_set(ldot + rdot)  # the same value made twice
                continue
            if field.derived:
                if dot_key(rdot) > dot_key(ldot):
                    new_dots[name] = rdot
                    changes[name] = rval
                continue
            conflicts += self._conflict(spec, uuid, name, lval, rval, ldot, rdot)
        # Values the sender holds as open conflicts, not seen here: conflicts here as well.
        for name, siblings in pending.items():
            if spec.field(name) is None:
                continue
            value = changes.get(name, snapshot.get(name))
            for text, other in siblings:
                if _covers_text(str(text), lvv) or other == value:
                    continue
                conflicts += self._conflict(
                    spec, uuid, name, value, other, dot_set(new_dots.get(name)),
                    [_parse_dot(str(text))],
                )  # fmt: skip
        vv = merged_vv(lvv, rvv)
        if changes:
            row = self.session.get(spec.model, self.cache.id(spec.name, uuid))
            if row is None:
                self.stats.skipped += 1
                return
            before = {k: snapshot.get(k) for k in changes}
            for name, value in changes.items():
                self._set(spec, row, name, value)
                snapshot[name] = value
            if spec.name == "lead":
                self.stats.lead_ids.add(row.id)
            self.stats.updated[spec.name] += 1
            self.stats.events.append(
                ("sync.merge", spec.name, uuid, before, {"source": self._from(), **changes})
            )
        elif not conflicts:
            self.stats.unchanged += 1
        meta.snapshot = dumps(snapshot)
        meta.dots = dumps(new_dots)
        meta.vv = dumps(vv)
        meta.seq = self.seq
        meta.captured_at = self.now
        self._auto_resolve(spec, uuid, rvv, pending, snapshot)

    def _open_conflicts(self, kind: str, uuid: str) -> list[SyncConflict]:
        if (kind, uuid) not in self._conflicted:
            return []
        return list(
            self.session.scalars(
                select(SyncConflict)
                .where(
                    SyncConflict.entity_type == kind,
                    SyncConflict.uuid == uuid,
                    SyncConflict.state == "open",
                )
                .order_by(SyncConflict.id)
            )
        )

    def _conflict(
        self, spec: Spec, uuid: str, name: str, lval: Any, rval: Any, ldot: Any, rdot: Any
    ) -> int:
        for open_one in self._open_conflicts(spec.name, uuid):
            if open_one.field == name and open_one.remote_dot == dots_text(rdot):
                return 0
        self.session.add(
            SyncConflict(
                entity_type=spec.name,
                uuid=uuid,
                field=name,
                local_value=dumps(lval),
                remote_value=dumps(rval),
                local_dot=dots_text(ldot),
                remote_dot=dots_text(rdot),
                remote_store=str(rdot[0][0]) if rdot else self.source,
                remote_name=self._name_of(str(rdot[0][0])) if rdot else self.source_name,
                detected_at=self.now,
                state="open",
            )
        )
        self.session.flush()
        self._conflicted.add((spec.name, uuid))
        self.stats.new_conflicts += 1
        self.stats.events.append(
            (
                "sync.conflict",
                spec.name,
                uuid,
                {name: lval},
                {name: rval, "source": self._from()},
            )
        )
        return 1

    def _auto_resolve(
        self,
        spec: Spec,
        uuid: str,
        rvv: dict[str, int],
        pending: dict[str, list[Any]],
        snapshot: dict[str, Any],
    ) -> None:
        for conflict in self._open_conflicts(spec.name, uuid):
            dots = [
                d
                for text in (conflict.local_dot, conflict.remote_dot)
                if text
                for d in text.split("|")
            ]
            held = [str(p[0]) for p in pending.get(conflict.field, [])]
            if all(_covers_text(d, rvv) and d not in held for d in dots):
                value = snapshot.get(conflict.field, _MISSING)
                kept = "local" if dumps(value) == conflict.local_value else "remote"
                self._close(conflict, kept)
                self.stats.auto_resolved += 1

    def _close(self, conflict: SyncConflict, resolution: str) -> None:
        conflict.state = "resolved"
        conflict.resolution = resolution
        conflict.resolved_by = f"同步：{self.source_name}"
        conflict.resolved_at = self.now


def _same_lead(found: tuple[str, str | None], values: dict[str, Any]) -> bool:
    """Whether a local lead of the same reference number is the incoming one (imported from the
    same row of a ledger: same import fingerprint), not another lead numbered alike."""
    local_fp, remote_fp = found[1], values.get("fingerprint")
    return local_fp is None or remote_fp is None or local_fp == remote_fp


def _parse_dot(text: str) -> list[Any]:
    store, _, counter = text.rpartition(":")
    return [store, int(counter)]


def _covers_text(dot: str, vv: dict[str, int]) -> bool:
    return covered(_parse_dot(dot), vv)


def order_items(items: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    by_kind: dict[str, list[dict[str, Any]]] = {s.name: [] for s in SPECS}
    for item in items:
        if item.get("k") == "r" and item.get("t") in by_kind:
            by_kind[item["t"]].append(item)
    return by_kind
