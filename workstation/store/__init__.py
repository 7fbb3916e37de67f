"""The store: engine, sessions, migrations."""

from workstation.store.engine import KeyRequired, Store, WrongKey, check_sqlite_file, to_url
from workstation.store.migrate import (
    MigrationResult,
    current_revision,
    head_revision,
    open_store,
    upgrade,
)

__all__ = [
    "KeyRequired",
    "MigrationResult",
    "Store",
    "WrongKey",
    "check_sqlite_file",
    "current_revision",
    "head_revision",
    "open_store",
    "to_url",
    "upgrade",
]
