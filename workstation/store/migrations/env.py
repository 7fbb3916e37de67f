"""Alembic environment: runs on the connection the workstation hands over."""

from alembic import context

from workstation.models import Base
from workstation.search import is_index_object

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("migrations run through workstation.store.upgrade(), not the alembic CLI")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
    # The search index's own objects (migration 0005: FTS5 tables, the trigram index) have no
    # models: never autogenerate drops.
    include_name=lambda name, type_, _parents: not is_index_object(name, type_),
)
with context.begin_transaction():
    context.run_migrations()
