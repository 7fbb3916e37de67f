"""Lead search: a trigram index of folded text kept by a pending queue (FTS5 on SQLite, a GIN
index of pg_trgm on PostgreSQL), and indexes for the leads view's filters (handler unit,
channel, category with channel).

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
# PostgreSQL: the same queue filled by statement-level triggers (one INSERT … SELECT per
# statement, however many rows an import writes), and a GIN trigram index on the folded text.
# CREATE EXTENSION needs a superuser or, as pg_trgm is a trusted extension, the database's owner.
_PG_CHANGED = " OR ".join(f"o.{c} IS DISTINCT FROM n.{c}" for c in _LEAD_COLUMNS)
_PG_QUEUE = "INSERT INTO lead_search_pending (lead_id) {select} ON CONFLICT DO NOTHING"


def _pg_function(name: str, select: str) -> str:
    body = _PG_QUEUE.format(select=select)
    return (
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$"
        f" BEGIN {body}; RETURN NULL; END $$"
    )


def _pg_trigger(name: str, event: str, table: str, transition: str, function: str) -> str:
    return (
        f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {transition}"
        f" FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
    )


_PG_OBJECTS = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_lead_search_text_body_trgm ON lead_search_text USING gin (body gin_trgm_ops)",
    _pg_function("ws_search_queue_new_leads", "SELECT id FROM new_rows"),
    _pg_function(
        "ws_search_queue_changed_leads",
        f"SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE {_PG_CHANGED}",
    ),
    _pg_function("ws_search_queue_deleted_leads", "SELECT id FROM old_rows"),
    _pg_function(
        "ws_search_queue_renamed_persons",
        "SELECT l.id FROM leads l JOIN new_rows n ON l.subject_person_id = n.id"
        " JOIN old_rows o ON o.id = n.id WHERE o.name IS DISTINCT FROM n.name",
    ),
    _pg_function(
        "ws_search_queue_renamed_units",
        "SELECT l.id FROM leads l JOIN new_rows n ON l.subject_unit_id = n.id"
        " JOIN old_rows o ON o.id = n.id WHERE o.name IS DISTINCT FROM n.name",
    ),
    _pg_trigger(
        "leads_search_insert", "INSERT", "leads", "NEW TABLE AS new_rows",
        "ws_search_queue_new_leads",
    ),
    _pg_trigger(
        "leads_search_update", "UPDATE", "leads", "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "ws_search_queue_changed_leads",
    ),
    _pg_trigger(
        "leads_search_delete", "DELETE", "leads", "OLD TABLE AS old_rows",
        "ws_search_queue_deleted_leads",
    ),
    _pg_trigger(
        "persons_search_rename", "UPDATE", "persons",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows", "ws_search_queue_renamed_persons",
    ),
    _pg_trigger(
        "units_search_rename", "UPDATE", "units", "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "ws_search_queue_renamed_units",
    ),
)  # fmt: skip
_PG_DROPS = (
    "DROP TRIGGER IF EXISTS units_search_rename ON units",
    "DROP TRIGGER IF EXISTS persons_search_rename ON persons",
    "DROP TRIGGER IF EXISTS leads_search_delete ON leads",
    "DROP TRIGGER IF EXISTS leads_search_update ON leads",
    "DROP TRIGGER IF EXISTS leads_search_insert ON leads",
    "DROP FUNCTION IF EXISTS ws_search_queue_renamed_units()",
    "DROP FUNCTION IF EXISTS ws_search_queue_renamed_persons()",
    "DROP FUNCTION IF EXISTS ws_search_queue_deleted_leads()",
    "DROP FUNCTION IF EXISTS ws_search_queue_changed_leads()",
    "DROP FUNCTION IF EXISTS ws_search_queue_new_leads()",
    "DROP INDEX IF EXISTS ix_lead_search_text_body_trgm",
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
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in _SQLITE_OBJECTS:
            op.execute(statement)
        op.execute(f"{_QUEUE} SELECT id FROM leads")
    elif dialect == "postgresql":
        for statement in _PG_OBJECTS:
            op.execute(statement)
        op.execute("INSERT INTO lead_search_pending (lead_id) SELECT id FROM leads")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in _SQLITE_DROPS:
            op.execute(statement)
    elif dialect == "postgresql":
        for statement in _PG_DROPS:
            op.execute(statement)
    for columns in reversed(_INDEXES):
        op.drop_index(op.f(f"ix_leads_{'_'.join(columns)}"), table_name="leads")
    op.drop_table("lead_search_text")
    op.drop_table("lead_search_pending")
