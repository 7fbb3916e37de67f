"""The store: engine, sessions, migrations.

The names below load on first use (PEP 562), so that a light submodule (start_check,
revisions) can be imported without SQLAlchemy: the desktop app's first look reads a store
before the core has loaded (workstation.first_look).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workstation.lazy import lazy_names

if TYPE_CHECKING:
    from workstation.store.engine import KeyRequired, Store, WrongKey, check_sqlite_file, to_url
    from workstation.store.migrate import (
        MigrationResult,
        current_revision,
        head_revision,
        open_store,
        upgrade,
    )

_MODULE_OF = {
    "KeyRequired": "engine",
    "Store": "engine",
    "WrongKey": "engine",
    "check_sqlite_file": "engine",
    "to_url": "engine",
    "MigrationResult": "migrate",
    "current_revision": "migrate",
    "head_revision": "migrate",
    "open_store": "migrate",
    "upgrade": "migrate",
}

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


__getattr__ = lazy_names(__name__, _MODULE_OF)
