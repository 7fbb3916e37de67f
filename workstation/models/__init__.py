"""SQLAlchemy models of every entity of the store (DESIGN §4)."""

from workstation.models.admin import ROLES, AuditEvent, Counter, ImportBatch, Setting, User
from workstation.models.base import Base, utcnow
from workstation.models.case import Anomaly, Case
from workstation.models.lead import LEAD_STATUSES, Lead
from workstation.models.org import Person, Unit
from workstation.models.sync import (
    PeerAuditEvent,
    SyncAlias,
    SyncConflict,
    SyncMeta,
    SyncPacket,
    SyncPeer,
    SyncStore,
    SyncTombstone,
)

__all__ = [
    "LEAD_STATUSES",
    "ROLES",
    "Anomaly",
    "AuditEvent",
    "Base",
    "Case",
    "Counter",
    "ImportBatch",
    "Lead",
    "PeerAuditEvent",
    "Person",
    "Setting",
    "SyncAlias",
    "SyncConflict",
    "SyncMeta",
    "SyncPacket",
    "SyncPeer",
    "SyncStore",
    "SyncTombstone",
    "Unit",
    "User",
    "utcnow",
]
