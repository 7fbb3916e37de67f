"""Lead search: an FTS5 trigram index of folded text kept by a pending queue, and indexes for
the leads view's filters (handler unit, channel, category with channel).

Triggers only queue the ids of changed leads (cheap enough for bulk imports); the service layer
(workstation.search.sync) folds and indexes them. Leads already in the store are queued here and
indexed by the first sync, in the background, rather than while the store is opened.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A lead's search text is built from these columns of leads, and the names of its subject
# (persons.name) and subject's unit (units.name).
_LEAD_COLUMNS = (
    "ref", "case_no", "reporter_name", "summary", "subject_person_id", "subject_unit_id",
)  # fmt: skip
_QUEUE = "INSERT OR IGNORE INTO lead_search_pending(lead_id)"


def _trigger(name: str, event: str, when: str | None, body: str) -> str:
    condition = f" WHEN {when}" if when else ""
    return f"CREATE TRIGGER {name} AFTER {event}{condition} BEGIN {_QUEUE} {body}; END"


# Leads share their ids with the index (rowid). A deleted lead is queued too: the next sync
# takes its text out of the index (searches skip queued ids until then), and an id SQLite
# gives again to a new lead is indexed afresh.
_SQLITE_OBJECTS = (
    (
        "CREATE VIRTUAL TABLE lead_search USING fts5(body, content='lead_search_text',"
        " content_rowid='lead_id', tokenize='trigram')"
    ),
    _trigger("leads_search_insert", "INSERT ON leads", None, "VALUES (NEW.id)"),
    _trigger(
        "leads_search_update",
        f"UPDATE OF {', '.join(_LEAD_COLUMNS)} ON leads",
        " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in _LEAD_COLUMNS),
        "VALUES (NEW.id)",
    ),
    _trigger("leads_search_delete", "DELETE ON leads", None, "VALUES (OLD.id)"),
    _trigger(
        "persons_search_rename",
        "UPDATE OF name ON persons",
        "OLD.name IS NOT NEW.name",
        "SELECT id FROM leads WHERE subject_person_id = NEW.id",
    ),
    _trigger(
        "units_search_rename",
        "UPDATE OF name ON units",
        "OLD.name IS NOT NEW.name",
        "SELECT id FROM leads WHERE subject_unit_id = NEW.id",
    ),
)
_SQLITE_DROPS = (
    "DROP TRIGGER IF EXISTS units_search_rename",
    "DROP TRIGGER IF EXISTS persons_search_rename",
    "DROP TRIGGER IF EXISTS leads_search_delete",
    "DROP TRIGGER IF EXISTS leads_search_update",
    "DROP TRIGGER IF EXISTS leads_search_insert",
    "DROP TABLE IF EXISTS lead_search",
)
# The leads view's filters: counted from an index alone at a million leads (category with
# channel: the two are often chosen together).
_INDEXES = (("handler_unit_id",), ("channel",), ("category", "channel"))


def upgrade() -> None:
    op.create_table(
        "lead_search_pending",
        sa.Column("lead_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("lead_id", name=op.f("pk_lead_search_pending")),
    )
    op.create_table(
        "lead_search_text",
        sa.Column("lead_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("lead_id", name=op.f("pk_lead_search_text")),
    )
    # Plain CREATE INDEX, not batch mode: recreating leads would drop the triggers below.
    for columns in _INDEXES:
        op.create_index(op.f(f"ix_leads_{'_'.join(columns)}"), "leads", list(columns), unique=False)
    if op.get_bind().dialect.name == "sqlite":
        for statement in _SQLITE_OBJECTS:
            op.execute(statement)
        op.execute(f"{_QUEUE} SELECT id FROM leads")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in _SQLITE_DROPS:
            op.execute(statement)
    for columns in reversed(_INDEXES):
        op.drop_index(op.f(f"ix_leads_{'_'.join(columns)}"), table_name="leads")
    op.drop_table("lead_search_text")
    op.drop_table("lead_search_pending")
