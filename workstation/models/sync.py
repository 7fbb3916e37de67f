"""Exchange between machines: this store's identity, captured versions of every carried record,
tombstones, aliases, peers, conflicts, and the audit chains received from other stores."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from workstation.models.base import Base, UTCDateTime, utcnow


class SyncStore(Base):
    """This store's identity (one row): a stable UUID, a name, and the counter of its changes."""

    __tablename__ = "sync_store"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    counter: Mapped[int] = mapped_column(Integer, default=0)
    # When local changes were last captured (records updated since are diffed again).
    captured_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class SyncMeta(Base):
    """A carried record's last captured values (JSON text), its version vector (store → counter)
    and the dot (store, counter) of each field's last change; `seq` is this store's counter when
    the record last changed here (exports since a peer's watermark select on it)."""

    __tablename__ = "sync_meta"
    __table_args__ = (UniqueConstraint("entity_type", "uuid"), Index(None, "seq"))

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(16))
    uuid: Mapped[str] = mapped_column(String(36))
    snapshot: Mapped[str] = mapped_column(Text)
    vv: Mapped[str] = mapped_column(Text)
    dots: Mapped[str] = mapped_column(Text)
    seq: Mapped[int] = mapped_column(Integer)
    captured_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class SyncTombstone(Base):
    """A carried record deleted here or elsewhere: never brought back by a later packet."""

    __tablename__ = "sync_tombstone"
    __table_args__ = (UniqueConstraint("entity_type", "uuid"), Index(None, "seq"))

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(16))
    uuid: Mapped[str] = mapped_column(String(36))
    deleted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    origin: Mapped[str] = mapped_column(String(36))
    dot: Mapped[str] = mapped_column(String(80))
    seq: Mapped[int] = mapped_column(Integer)


class SyncAlias(Base):
    """Another store's UUID of a record this store holds under its own (same natural key)."""

    __tablename__ = "sync_alias"
    __table_args__ = (UniqueConstraint("entity_type", "remote_uuid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(16))
    remote_uuid: Mapped[str] = mapped_column(String(36))
    local_uuid: Mapped[str] = mapped_column(String(36))


class SyncPeer(Base):
    """Another store packets went to or came from, with the watermarks of the last export."""

    __tablename__ = "sync_peer"

    id: Mapped[int] = mapped_column(primary_key=True)
    store_uuid: Mapped[str | None] = mapped_column(String(36), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    last_export_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_export_seq: Mapped[int] = mapped_column(Integer, default=0)
    last_export_audit_id: Mapped[int] = mapped_column(Integer, default=0)
    last_export_peer_audit_id: Mapped[int] = mapped_column(Integer, default=0)
    last_export_packet_id: Mapped[str | None] = mapped_column(String(36))
    last_import_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_packet_id: Mapped[str | None] = mapped_column(String(36))  # the last one imported


class SyncPacket(Base):
    """A packet imported here (so the same packet again changes nothing)."""

    __tablename__ = "sync_packet"

    id: Mapped[int] = mapped_column(primary_key=True)
    packet_id: Mapped[str] = mapped_column(String(36), unique=True)
    source_store: Mapped[str] = mapped_column(String(36))
    sha256: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class SyncConflict(Base):
    """A field changed on both sides since they last exchanged: the local value stays until a
    reviewer keeps one (or a resolution made elsewhere arrives). Values are JSON text."""

    __tablename__ = "sync_conflict"
    __table_args__ = (Index(None, "state"), Index(None, "entity_type", "uuid"))

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(16))
    uuid: Mapped[str] = mapped_column(String(36))
    field: Mapped[str] = mapped_column(String(64))
    local_value: Mapped[str | None] = mapped_column(Text)
    remote_value: Mapped[str | None] = mapped_column(Text)
    local_dot: Mapped[str | None] = mapped_column(String(80))
    remote_dot: Mapped[str] = mapped_column(String(80))
    remote_store: Mapped[str] = mapped_column(String(36))
    remote_name: Mapped[str | None] = mapped_column(String(100))
    detected_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    state: Mapped[str] = mapped_column(String(16), default="open")
    resolution: Mapped[str | None] = mapped_column(String(16))
    resolved_by: Mapped[str | None] = mapped_column(String(64))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class PeerAuditEvent(Base):
    """An audit event of another store, kept with its own hash chain (verifiable per origin)."""

    __tablename__ = "peer_audit_event"
    __table_args__ = (UniqueConstraint("origin", "uuid"), Index(None, "origin", "origin_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    origin: Mapped[str] = mapped_column(String(36))
    origin_id: Mapped[int] = mapped_column(Integer)
    uuid: Mapped[str] = mapped_column(String(36))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    user: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(32))
    entity_uuid: Mapped[str | None] = mapped_column(String(36))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
