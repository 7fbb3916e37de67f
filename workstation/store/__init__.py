"""The store: engine, sessions, migrations."""

from workstation.store.engine import Store, check_sqlite_file, to_url
from workstation.store.migrate import (
    MigrationResult,
    current_revision,
    head_revision,
    open_store,
    upgrade,
)

__all__ = [
    "MigrationResult",
    "Store",
    "check_sqlite_file",
    "current_revision",
    "head_revision",
    "open_store",
    "to_url",
    "upgrade",
]
