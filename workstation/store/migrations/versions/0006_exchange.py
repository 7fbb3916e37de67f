"""Exchange packets between machines: the store's identity, captured record versions,
tombstones, aliases, peers, imported packets, conflicts and other stores' audit chains.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _pk(table: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}"))


def upgrade() -> None:
    op.create_table(
        "sync_store",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("counter", sa.Integer(), nullable=False),
        sa.Column("captured_at", sa.DateTime(), nullable=True),
        _pk("sync_store"),
        sa.UniqueConstraint("uuid", name=op.f("uq_sync_store_uuid")),
    )
    op.create_table(
        "sync_meta",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_type", sa.String(length=16), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.Column("vv", sa.Text(), nullable=False),
        sa.Column("dots", sa.Text(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("captured_at", sa.DateTime(), nullable=False),
        _pk("sync_meta"),
        sa.UniqueConstraint("entity_type", "uuid", name=op.f("uq_sync_meta_entity_type_uuid")),
    )
    op.create_index(op.f("ix_sync_meta_seq"), "sync_meta", ["seq"], unique=False)
    op.create_table(
        "sync_tombstone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_type", sa.String(length=16), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=False),
        sa.Column("origin", sa.String(length=36), nullable=False),
        sa.Column("dot", sa.String(length=80), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        _pk("sync_tombstone"),
        sa.UniqueConstraint("entity_type", "uuid", name=op.f("uq_sync_tombstone_entity_type_uuid")),
    )
    op.create_index(op.f("ix_sync_tombstone_seq"), "sync_tombstone", ["seq"], unique=False)
    op.create_table(
        "sync_alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_type", sa.String(length=16), nullable=False),
        sa.Column("remote_uuid", sa.String(length=36), nullable=False),
        sa.Column("local_uuid", sa.String(length=36), nullable=False),
        _pk("sync_alias"),
        sa.UniqueConstraint(
            "entity_type", "remote_uuid", name=op.f("uq_sync_alias_entity_type_remote_uuid")
        ),
    )
    op.create_table(
        "sync_peer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_uuid", sa.String(length=36), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("last_export_at", sa.DateTime(), nullable=True),
        sa.Column("last_export_seq", sa.Integer(), nullable=False),
        sa.Column("last_export_audit_id", sa.Integer(), nullable=False),
        sa.Column("last_export_peer_audit_id", sa.Integer(), nullable=False),
        sa.Column("last_export_packet_id", sa.String(length=36), nullable=True),
        sa.Column("last_import_at", sa.DateTime(), nullable=True),
        sa.Column("last_packet_id", sa.String(length=36), nullable=True),
        _pk("sync_peer"),
        sa.UniqueConstraint("store_uuid", name=op.f("uq_sync_peer_store_uuid")),
    )
    op.create_table(
        "sync_packet",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("packet_id", sa.String(length=36), nullable=False),
        sa.Column("source_store", sa.String(length=36), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        _pk("sync_packet"),
        sa.UniqueConstraint("packet_id", name=op.f("uq_sync_packet_packet_id")),
    )
    op.create_table(
        "sync_conflict",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_type", sa.String(length=16), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("local_value", sa.Text(), nullable=True),
        sa.Column("remote_value", sa.Text(), nullable=True),
        sa.Column("local_dot", sa.String(length=80), nullable=True),
        sa.Column("remote_dot", sa.String(length=80), nullable=False),
        sa.Column("remote_store", sa.String(length=36), nullable=False),
        sa.Column("remote_name", sa.String(length=100), nullable=True),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("resolution", sa.String(length=16), nullable=True),
        sa.Column("resolved_by", sa.String(length=64), nullable=True),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        _pk("sync_conflict"),
    )
    op.create_index(op.f("ix_sync_conflict_state"), "sync_conflict", ["state"], unique=False)
    op.create_index(
        op.f("ix_sync_conflict_entity_type_uuid"),
        "sync_conflict",
        ["entity_type", "uuid"],
        unique=False,
    )
    op.create_table(
        "peer_audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=36), nullable=False),
        sa.Column("origin_id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("user", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("entity_type", sa.String(length=32), nullable=False),
        sa.Column("entity_uuid", sa.String(length=36), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        _pk("peer_audit_event"),
        sa.UniqueConstraint("origin", "uuid", name=op.f("uq_peer_audit_event_origin_uuid")),
    )
    op.create_index(
        op.f("ix_peer_audit_event_origin_origin_id"),
        "peer_audit_event",
        ["origin", "origin_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_peer_audit_event_origin_origin_id"), table_name="peer_audit_event")
    op.drop_table("peer_audit_event")
    op.drop_index(op.f("ix_sync_conflict_entity_type_uuid"), table_name="sync_conflict")
    op.drop_index(op.f("ix_sync_conflict_state"), table_name="sync_conflict")
    op.drop_table("sync_conflict")
    op.drop_table("sync_packet")
    op.drop_table("sync_peer")
    op.drop_table("sync_alias")
    op.drop_index(op.f("ix_sync_tombstone_seq"), table_name="sync_tombstone")
    op.drop_table("sync_tombstone")
    op.drop_index(op.f("ix_sync_meta_seq"), table_name="sync_meta")
    op.drop_table("sync_meta")
    op.drop_table("sync_store")
