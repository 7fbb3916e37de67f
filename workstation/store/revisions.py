"""The schema revision the migration files declare, read without Alembic or SQLAlchemy.

A start-up on a store that needs no migration never loads Alembic (~0.2 s), and the desktop
app's first look (workstation.first_look) compares a store's revision before the core loads.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# What a revision file declares.
_DECLARED = re.compile(r"^(down_revision|revision)\b[^=\n]*=\s*(None|[\"']([^\"']+)[\"'])", re.M)


@functools.cache
def declared_head() -> str | None:
    """The single head of the revision files as they declare it, or None when the files do
    not say plainly (several heads, an unreadable file): then Alembic decides."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for file in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = {m[1]: m[3] for m in _DECLARED.finditer(file.read_text(encoding="utf-8"))}
        if not found.get("revision"):
            return None
        revisions.add(found["revision"])
        if found.get("down_revision"):
            parents.add(found["down_revision"])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None
