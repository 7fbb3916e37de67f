"""Exchange packets between air-gapped machines (issue 9): export the records changed since the
last exchange with a peer, import a peer's packet (merge by UUID, conflicts for fields changed
on both sides, tombstones for deletions), list and resolve conflicts.

The machinery lives in workstation.exchange (packet format, capture, merge, audit chains); this
module is the contract the CLI and the UI use.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from workstation import search
from workstation.errors import Cancelled, NotFound, ValidationError, WorkstationError
from workstation.exchange import chains
from workstation.exchange.capture import capture, dot_text, identity
from workstation.exchange.entities import BY_NAME, SPECS, display, record_label
from workstation.exchange.merge import Merger, order_items
from workstation.exchange.outgoing import record_items
from workstation.exchange.packet import MIN_PASSPHRASE, PacketError, open_packet, write_packet
from workstation.exchange.resolve import keep_value
from workstation.models import (
    SyncConflict,
    SyncPacket,
    SyncPeer,
    utcnow,
)
from workstation.models.base import new_uuid
from workstation.services import audit
from workstation.services.auth import Actor, can, require
from workstation.store import Store

Progress = Callable[[int, int], None] | None
Cancel = Callable[[], bool] | None

__all__ = [
    "ConflictRow",
    "ImportResult",
    "PacketError",
    "PacketSummary",
    "PeerRow",
    "count_open_conflicts",
    "export_packet",
    "import_packet",
    "list_conflicts",
    "list_peers",
    "read_packet",
    "rename_store",
    "resolve_conflict",
    "store_id",
    "verify_peer_audit",
]


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


@dataclasses.dataclass(frozen=True)
class PacketSummary:
    """What a packet's manifest says."""

    path: Path
    packet_id: str
    source_store_id: str
    source_name: str
    schema_revision: str
    created_at: dt.datetime
    counts: dict[str, int]
    changes_from: dt.datetime | None
    changes_to: dt.datetime | None

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "packet_id": self.packet_id,
            "source_store_id": self.source_store_id,
            "source_name": self.source_name,
            "schema_revision": self.schema_revision,
            "created_at": _iso(self.created_at),
            "counts": dict(self.counts),
            "changes_from": _iso(self.changes_from),
            "changes_to": _iso(self.changes_to),
        }


@dataclasses.dataclass(frozen=True)
class ImportResult:
    summary: PacketSummary
    inserted: dict[str, int]
    updated: dict[str, int]
    deleted: dict[str, int]
    unchanged: int
    new_conflicts: int
    auto_resolved: int
    already_imported: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "packet": self.summary.to_json(),
            "inserted": dict(self.inserted),
            "updated": dict(self.updated),
            "deleted": dict(self.deleted),
            "unchanged": self.unchanged,
            "new_conflicts": self.new_conflicts,
            "auto_resolved": self.auto_resolved,
            "already_imported": self.already_imported,
        }


@dataclasses.dataclass(frozen=True)
class PeerRow:
    store_id: str
    name: str
    last_export_at: dt.datetime | None
    last_import_at: dt.datetime | None

    def to_json(self) -> dict[str, Any]:
        return {
            "store_id": self.store_id,
            "name": self.name,
            "last_export_at": _iso(self.last_export_at),
            "last_import_at": _iso(self.last_import_at),
        }


@dataclasses.dataclass(frozen=True)
class ConflictRow:
    id: int
    entity_type: str
    entity_uuid: str
    entity_label: str  # e.g. "线索 XS2024-00001" / "案件 …"
    field: str
    field_label: str  # Chinese field name
    local_value: str | None  # display text (vocab values as Chinese labels)
    remote_value: str | None
    remote_store: str
    detected_at: dt.datetime
    state: str  # "open" | "resolved"
    resolution: str | None
    resolved_by: str | None
    resolved_at: dt.datetime | None

    def to_json(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["detected_at"] = _iso(self.detected_at)
        out["resolved_at"] = _iso(self.resolved_at)
        return out


# --- identity and peers -------------------------------------------------------------------


def _identity(store: Store) -> tuple[str, str]:
    """This store's UUID and name, the identity row made on first use."""
    with store.read() as session:
        found = identity(session, create=False)
        if found is not None:
            return found.uuid, found.name
    with store.write() as session:
        made = identity(session)
        assert made is not None
        return made.uuid, made.name


def store_id(store: Store) -> str:
    """This store's stable UUID (made on first use)."""
    return _identity(store)[0]


def store_name(store: Store) -> str:
    """How this store's packets introduce it to peers (a default made of the host's name until
    an administrator names it)."""
    return _identity(store)[1]


def rename_store(store: Store, actor: Actor, name: str) -> str:
    """Name this store as its packets introduce it to peers (e.g. "李四的笔记本")."""
    cleaned = " ".join((name or "").split())
    if not cleaned or len(cleaned) > 100:
        raise ValidationError({"name": "本机名称不能为空，且不超过 100 个字符"})
    with store.write() as session:
        require(actor, "exchange.run")
        ident = identity(session)
        assert ident is not None
        before = ident.name
        ident.name = cleaned
        audit.record(
            session, actor, "exchange.rename", "store", ident.uuid,
            before={"name": before}, after={"name": cleaned},
        )  # fmt: skip
        return ident.uuid


def list_peers(store: Store, actor: Actor) -> list[PeerRow]:
    with store.read() as session:
        require(actor, "exchange.run")
        peers = session.scalars(select(SyncPeer).order_by(SyncPeer.name, SyncPeer.id))
        return [
            PeerRow(p.store_uuid or "", p.name, p.last_export_at, p.last_import_at) for p in peers
        ]


def _find_peer(session: Any, key: str) -> SyncPeer | None:
    key = key.strip()
    found = session.scalar(
        select(SyncPeer).where(or_(SyncPeer.store_uuid == key, SyncPeer.name == key)).limit(1)
    )
    if found is None and len(key) >= 8:
        found = session.scalar(
            select(SyncPeer).where(SyncPeer.store_uuid.startswith(key, autoescape=True)).limit(1)
        )
    return found


# --- export -------------------------------------------------------------------------------


def _check_passphrase(passphrase: str) -> None:
    if len(passphrase or "") < MIN_PASSPHRASE:
        raise ValidationError({"passphrase": f"交换包口令至少 {MIN_PASSPHRASE} 个字符"})


def _summary(path: Path, manifest: dict[str, Any]) -> PacketSummary:
    def moment(key: str) -> dt.datetime | None:
        value = manifest.get(key)
        return dt.datetime.fromisoformat(value) if value else None

    try:
        created = moment("created_at")
        return PacketSummary(
            path=path,
            packet_id=str(manifest["packet_id"]),
            source_store_id=str(manifest["source_store"]),
            source_name=str(manifest.get("source_name") or ""),
            schema_revision=str(manifest["schema_revision"]),
            created_at=created or utcnow(),
            counts={str(k): int(v) for k, v in (manifest.get("counts") or {}).items()},
            changes_from=moment("changes_from"),
            changes_to=moment("changes_to"),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise PacketError(f"交换包“{path.name}”的清单不完整；未写入任何内容") from exc


def export_packet(
    store: Store,
    actor: Actor,
    out: Path,
    passphrase: str,
    *,
    peer: str | None = None,
    everything: bool = False,
    peer_name: str | None = None,
    progress: Progress = None,
    cancel: Cancel = None,
) -> PacketSummary:
    """Write a packet of what changed since the last export to `peer` (everything when
    `everything`, or when nothing was exported to it yet). `peer` names a known peer (its name
    or store id); `peer_name` names the receiving machine when it is not known yet, so that the
    next `peer` export starts from here."""
    from workstation.store import head_revision

    require(actor, "exchange.run")
    _check_passphrase(passphrase)
    out = Path(out)
    if not out.parent.is_dir():
        raise WorkstationError(f"文件夹“{out.parent}”不存在")
    if out.is_dir():
        raise WorkstationError(f"“{out}”是一个文件夹，请给出交换包的文件名")
    with store.write() as session:
        ident = identity(session)
        assert ident is not None
        target: SyncPeer | None = None
        if peer:
            target = _find_peer(session, peer)
            if target is None:
                raise NotFound(f"没有名为“{peer}”的交换对象（packet peers 列出已知对象）")
        elif peer_name:
            target = _find_peer(session, peer_name)
            if target is None:
                target = SyncPeer(name=peer_name.strip()[:100], last_export_seq=0,
                                  last_export_audit_id=0, last_export_peer_audit_id=0)  # fmt: skip
                session.add(target)
        capture(session, ident, full=everything)
        since_seq = since_audit = since_peer_audit = 0
        if target is not None and not everything:
            since_seq = target.last_export_seq or 0
            since_audit = target.last_export_audit_id or 0
            since_peer_audit = target.last_export_peer_audit_id or 0
        moments: list[dt.datetime] = []
        counts: dict[str, int] = {}
        items = list(record_items(session, since_seq, moments, counts))
        events = list(chains.local_events(session, ident.uuid, since_audit))
        skip = target.store_uuid if target is not None else None
        events += chains.peer_events(session, since_peer_audit, skip_origin=skip)
        counts["audit"] = len(events)
        items += events
        total = len(items)
        if cancel is not None and cancel():
            raise Cancelled("已取消导出，未写入任何内容")
        packet_id = new_uuid()
        now = utcnow()
        manifest = {
            "kind": "manifest",
            "format": 1,
            "packet_id": packet_id,
            "source_store": ident.uuid,
            "source_name": ident.name,
            "schema_revision": head_revision(),
            "created_at": now.isoformat(),
            "counts": counts,
            "changes_from": min(moments).isoformat() if moments else None,
            "changes_to": max(moments).isoformat() if moments else None,
            "everything": bool(everything or since_seq == 0),
            # A packet "since the last one" is only whole with that one: the receiver checks.
            "to_store": target.store_uuid if target is not None else None,
            "to_name": target.name if target is not None else None,
            "previous": (
                target.last_export_packet_id
                if target is not None and not everything and since_seq
                else None
            ),
        }

        def feed() -> Iterator[dict[str, Any]]:
            for done, item in enumerate(items, 1):
                if done % 1000 == 0:
                    if cancel is not None and cancel():
                        raise Cancelled("已取消导出，未写入任何内容")
                    if progress is not None:
                        progress(done, total)
                yield item

        sha = write_packet(out, passphrase, manifest, feed())
        try:
            if progress is not None:
                progress(total, total)
            local_max, peer_max = chains.last_ids(session)
            if target is not None:
                target.last_export_at = now
                target.last_export_seq = ident.counter
                target.last_export_audit_id = local_max
                target.last_export_peer_audit_id = peer_max
                target.last_export_packet_id = packet_id
            audit.record(
                session, actor, "packet.export", "packet", packet_id,
                after={"file": out.name, "sha256": sha, "counts": counts,
                       "peer": target.name if target is not None else None,
                       "everything": manifest["everything"]},
            )  # fmt: skip
        except BaseException:
            out.unlink(missing_ok=True)
            raise
    return _summary(out, manifest)


# --- reading and importing ----------------------------------------------------------------


def read_packet(path: Path, passphrase: str) -> PacketSummary:
    """Verify a packet and return its manifest (no store needed)."""
    lines, _sha = open_packet(Path(path), passphrase)
    return _summary(Path(path), lines[0])


def _check_schema(path: Path, revision: str) -> None:
    from alembic.script import ScriptDirectory

    from workstation.store.migrate import alembic_config

    try:
        ScriptDirectory.from_config(alembic_config()).get_revision(revision)
    except Exception as exc:
        raise PacketError(
            f"交换包“{path.name}”由更新版本的工作站导出（结构版本 {revision}），"
            "本程序无法导入，请先升级工作站；未写入任何内容"
        ) from exc


def import_packet(
    store: Store,
    actor: Actor,
    path: Path,
    passphrase: str,
    *,
    progress: Progress = None,
    cancel: Cancel = None,
) -> ImportResult:
    """Verify and merge a packet, in one transaction (a failure or cancel writes nothing)."""
    require(actor, "exchange.run")
    path = Path(path)
    lines, sha = open_packet(path, passphrase)
    summary = _summary(path, lines[0])
    _check_schema(path, summary.schema_revision)
    items = lines[1:]
    total = len(items)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if done % 500 == 0:
            if cancel is not None and cancel():
                raise Cancelled("已取消导入交换包，未写入任何内容")
            if progress is not None:
                progress(done, total)

    if cancel is not None and cancel():
        raise Cancelled("已取消导入交换包，未写入任何内容")
    try:
        with store.write() as session:
            ident = identity(session)
            assert ident is not None
            if summary.source_store_id == ident.uuid:
                raise WorkstationError(f"交换包“{path.name}”是本机导出的，不能导入本机")
            seen = session.scalar(
                select(SyncPacket.id).where(SyncPacket.packet_id == summary.packet_id)
            )
            if seen is not None:
                return ImportResult(summary, {}, {}, {}, 0, 0, 0, True)
            _check_previous(session, path, ident, lines[0], summary)
            capture(session, ident)
            ident.counter += 1
            now = utcnow()
            merger = Merger(
                session, ident, summary.source_store_id, summary.source_name, ident.counter, now
            )
            # Deletions first, those of records that name others before the records they name.
            order = {spec.name: n for n, spec in enumerate(SPECS)}
            tombstones = [i for i in items if i.get("k") == "x"]
            tombstones.sort(key=lambda i: -order.get(str(i.get("t")), -1))
            for item in tombstones:
                tick()
                merger.apply_tombstone(item)
            session.flush()
            by_kind = order_items(items)
            for spec in SPECS:
                merger.apply_records(spec, by_kind[spec.name], tick)
            stats = merger.stats
            if stats.deleted_uuids:
                capture(session, ident, referencing=stats.deleted_uuids, only_referencing=True)
            audit_items = [i for i in items if i.get("k") == "a"]
            for _ in audit_items:
                tick()
            kept_events = chains.store_events(session, ident.uuid, audit_items)
            _note_peer(session, summary, now)
            session.add(
                SyncPacket(
                    packet_id=summary.packet_id,
                    source_store=summary.source_store_id,
                    sha256=sha,
                    imported_at=now,
                )
            )
            audit.record_many(session, actor, stats.events)
            result = ImportResult(
                summary=summary,
                inserted=dict(stats.inserted),
                updated=dict(stats.updated),
                deleted=dict(stats.deleted),
                unchanged=stats.unchanged,
                new_conflicts=stats.new_conflicts,
                auto_resolved=stats.auto_resolved,
                already_imported=False,
            )
            audit.record(
                session, actor, "packet.import", "packet", summary.packet_id,
                after={"file": path.name, "sha256": sha, "source": summary.source_store_id,
                       "source_name": summary.source_name, "inserted": result.inserted,
                       "updated": result.updated, "deleted": result.deleted,
                       "unchanged": result.unchanged, "new_conflicts": result.new_conflicts,
                       "auto_resolved": result.auto_resolved, "skipped": stats.skipped,
                       "peer_audit_events": kept_events},
            )  # fmt: skip
            if stats.lead_ids:
                search.sync(session, ids=sorted(stats.lead_ids))
            if progress is not None:
                progress(total, total)
    except IntegrityError as exc:
        raise WorkstationError(
            f"交换包“{path.name}”中的记录与本机记录相抵触（如同名单位、重复的编号），"
            f"无法合并；未写入任何内容（{str(exc.orig)[:200]}）"
        ) from exc
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        # Sealed with the right passphrase, yet not what this program writes.
        raise PacketError(
            f"交换包“{path.name}”的内容不符合交换包格式（{type(exc).__name__}: {exc}）；"
            "未写入任何内容"
        ) from exc
    return result


def _check_previous(
    session: Any, path: Path, ident: Any, manifest: dict[str, Any], summary: PacketSummary
) -> None:
    """Refuse a packet of changes since an earlier packet to this store that never arrived
    here (its changes, and its part of the sender's audit chain, would be missing)."""
    previous = manifest.get("previous")
    to_store, to_name = manifest.get("to_store"), manifest.get("to_name")
    if not previous or not (to_store == ident.uuid or (to_store is None and to_name == ident.name)):
        return
    seen = session.scalar(select(SyncPacket.id).where(SyncPacket.packet_id == previous))
    if seen is None:
        raise PacketError(
            f"交换包“{path.name}”只含“{summary.source_name}”上次导出给本机之后的变化，"
            f"而上次那个交换包（编号 {str(previous)[:8]}）尚未导入。请先导入那个交换包，"
            "或请对方用 packet export --all 重新导出；未写入任何内容"
        )


def _note_peer(session: Any, summary: PacketSummary, now: dt.datetime) -> None:
    peer = session.scalar(select(SyncPeer).where(SyncPeer.store_uuid == summary.source_store_id))
    if peer is None and summary.source_name:
        peer = session.scalar(
            select(SyncPeer).where(
                SyncPeer.store_uuid.is_(None), SyncPeer.name == summary.source_name
            )
        )
    if peer is None:
        peer = SyncPeer(name=summary.source_name or summary.source_store_id[:8],
                        last_export_seq=0, last_export_audit_id=0,
                        last_export_peer_audit_id=0)  # fmt: skip
        session.add(peer)
    peer.store_uuid = summary.source_store_id
    if summary.source_name:
        peer.name = summary.source_name
    peer.last_import_at = now
    peer.last_packet_id = summary.packet_id


# --- conflicts ----------------------------------------------------------------------------


_REPORTER_FIELDS = {"reporter_name": "name", "reporter_phone": "phone"}


def _conflict_row(session: Any, c: SyncConflict, actor: Actor) -> ConflictRow:
    spec = BY_NAME[c.entity_type]
    field = spec.field(c.field)
    # Reporters' names and phones are masked as lead lists mask them, unless the actor may
    # see them in full.
    masking = _REPORTER_FIELDS.get(c.field) if not can(actor, "reporter.unmask") else None

    def shown(text: str | None) -> str | None:
        if text is None or field is None:
            return text
        value = display(session, spec, field, json.loads(text))
        if masking and value:
            from workstation.masking import mask_name, mask_phone

            value = mask_name(value) if masking == "name" else mask_phone(value)
        return value

    return ConflictRow(
        id=c.id,
        entity_type=c.entity_type,
        entity_uuid=c.uuid,
        entity_label=record_label(session, spec, c.uuid),
        field=c.field,
        field_label=field.label if field else c.field,
        local_value=shown(c.local_value),
        remote_value=shown(c.remote_value),
        remote_store=c.remote_name or c.remote_store[:8],
        detected_at=c.detected_at,
        state=c.state,
        resolution=c.resolution,
        resolved_by=c.resolved_by,
        resolved_at=c.resolved_at,
    )


def list_conflicts(store: Store, actor: Actor, *, open_only: bool = True) -> list[ConflictRow]:
    """Conflicts found by imports, oldest first (open ones only unless `open_only` is False)."""
    with store.read() as session:
        require(actor, "conflict.resolve")
        stmt = select(SyncConflict).order_by(SyncConflict.id)
        if open_only:
            stmt = stmt.where(SyncConflict.state == "open")
        return [_conflict_row(session, c, actor) for c in session.scalars(stmt)]


def count_open_conflicts(store: Store, actor: Actor) -> int:
    with store.read() as session:
        require(actor, "lead.read")
        stmt = select(func.count()).select_from(SyncConflict).where(SyncConflict.state == "open")
        return int(session.scalar(stmt) or 0)


def resolve_conflict(store: Store, actor: Actor, conflict_id: int, keep: str) -> ConflictRow:
    """Keep the local or the remote value: a new local change of the field (so it travels to
    the other machines and closes the same conflict there)."""
    if keep not in ("local", "remote"):
        raise ValidationError({"keep": "只能保留本机值（local）或对方值（remote）"})
    try:
        with store.write() as session:
            require(actor, "conflict.resolve")
            conflict = session.get(SyncConflict, conflict_id)
            if conflict is None:
                raise NotFound(f"找不到冲突 {conflict_id}")
            if conflict.state != "open":
                raise WorkstationError(
                    f"冲突 {conflict_id} 已于 {conflict.resolved_at:%Y-%m-%d %H:%M} "
                    f"由 {conflict.resolved_by} 解决"
                )
            spec = BY_NAME[conflict.entity_type]
            field = spec.field(conflict.field)
            row = session.scalar(select(spec.model).where(spec.model.uuid == conflict.uuid))
            if row is None or field is None:
                raise WorkstationError(f"冲突 {conflict_id} 所涉记录已被删除")
            before, value, dot = keep_value(session, conflict, spec, field, row, keep, actor.login)
            session.flush()
            audit.record(
                session, actor, "sync.resolve", spec.name, conflict.uuid,
                before={field.name: before},
                after={field.name: value, "conflict": conflict.id, "keep": keep,
                       "dot": dot_text(dot)},
            )  # fmt: skip
            if spec.name == "lead":
                search.sync(session, ids=[row.id])
            return _conflict_row(session, conflict, actor)
    except IntegrityError as exc:
        raise WorkstationError(
            f"保留该值会与其他记录相抵触，冲突 {conflict_id} 未解决（{str(exc.orig)[:200]}）"
        ) from exc


# --- audit chains of other stores -----------------------------------------------------------


def verify_peer_audit(store: Store, actor: Actor) -> list[chains.ChainCheck]:
    """Each other store's audit chain received here, verified on its own."""
    with store.read() as session:
        require(actor, "audit.verify")
        return chains.verify_peer_chains(session)
