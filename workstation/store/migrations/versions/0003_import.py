"""Spreadsheet import: dedup fingerprint and repeat key on leads (filled for existing leads), and
an index on repeat_of_id (deleting a batch of leads checks who repeats them, row by row).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fingerprint", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("repeat_key", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_leads_fingerprint"), ["fingerprint"], unique=False)
        batch_op.create_index(batch_op.f("ix_leads_repeat_key"), ["repeat_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_leads_repeat_of_id"), ["repeat_of_id"], unique=False)
    _fill_fingerprints()


# Leads already in the store get their keys, so that importing a ledger again recognises them.
# The keys come from the import's own functions, so the two cannot disagree.
_SELECT = sa.text(
    "SELECT l.id, l.received_on, l.channel, l.summary, p.name_key, u.name_key FROM leads l"
    " LEFT JOIN persons p ON p.id = l.subject_person_id"
    " LEFT JOIN units u ON u.id = l.subject_unit_id"
    " WHERE l.id > :after ORDER BY l.id LIMIT :size"
)
_UPDATE = sa.text("UPDATE leads SET fingerprint = :fp, repeat_key = :rk WHERE id = :id")


def _fill_fingerprints(size: int = 5_000) -> None:
    import datetime as dt

    from workstation.services.fingerprints import fold, lead_fingerprint, lead_repeat_key

    conn = op.get_bind()
    after = 0
    while rows := conn.execute(_SELECT, {"after": after, "size": size}).all():
        params = []
        for lead_id, received_on, channel, summary, subject_key, unit_key in rows:
            if isinstance(received_on, str):
                received_on = dt.date.fromisoformat(received_on)
            folded = fold(summary)
            params.append(
                {
                    "id": lead_id,
                    "fp": lead_fingerprint(received_on, channel, subject_key, unit_key, folded),
                    "rk": lead_repeat_key(subject_key, unit_key, folded),
                }
            )
        conn.execute(_UPDATE, params)
        after = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_leads_repeat_of_id"))
        batch_op.drop_index(batch_op.f("ix_leads_repeat_key"))
        batch_op.drop_index(batch_op.f("ix_leads_fingerprint"))
        batch_op.drop_column("repeat_key")
        batch_op.drop_column("fingerprint")
