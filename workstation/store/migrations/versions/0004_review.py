"""Case review: automatically closed flags, one flag per case and rule, the facts a rule read.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Before this revision nothing wrote anomalies, so no store holds two flags for one
    # (case, rule, kind) that the new unique constraint would refuse.
    with op.batch_alter_table("anomalies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("as_of", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("facts", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(), nullable=True))
        batch_op.drop_constraint(batch_op.f("ck_anomalies_state_known"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_anomalies_state_known"),
            "state IN ('suspected','confirmed','dismissed','closed')",
        )
        batch_op.drop_index(batch_op.f("ix_anomalies_case_id_rule_id"))
        batch_op.create_unique_constraint(
            batch_op.f("uq_anomalies_case_id_rule_id_kind"), ["case_id", "rule_id", "kind"]
        )


def downgrade() -> None:
    # The older schema has no closed state: a closed flag becomes dismissed, its note the reason.
    op.execute(
        "UPDATE anomalies SET state = 'dismissed',"
        " reason = COALESCE(NULLIF(reason, ''), '规则不再触发，自动关闭')"
        " WHERE state = 'closed'"
    )
    with op.batch_alter_table("anomalies", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_anomalies_case_id_rule_id_kind"), type_="unique")
        batch_op.create_index(
            batch_op.f("ix_anomalies_case_id_rule_id"), ["case_id", "rule_id"], unique=False
        )
        batch_op.drop_constraint(batch_op.f("ck_anomalies_state_known"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_anomalies_state_known"),
            "state IN ('suspected','confirmed','dismissed')",
        )
        batch_op.drop_column("closed_at")
        batch_op.drop_column("facts")
        batch_op.drop_column("as_of")
