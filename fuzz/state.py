"""A store's contents as digests: exact, and with run-specific values masked (the fuzzer checks
that a refused import wrote nothing; the crash tests compare a killed run with a control run)."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import sqlite3
from pathlib import Path
from typing import Any

# Values that differ between two runs of the same operation on the same store: random UUIDs,
# timestamps, and the hashes that cover them (audit chain; a PDF's SHA-256 covers its date).
_VOLATILE = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    r"|\b[0-9a-f]{64}\b"
    r"|\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{2}:\d{2}|Z)?"
)
COUNTED = ("leads", "cases", "anomalies", "audit_events", "import_batches", "units", "persons",
           "counters")  # fmt: skip


@dataclasses.dataclass(frozen=True)
class StoreState:
    """A store's contents: counts of the main tables, a digest of every table's rows as they
    are (`exact`), and one with run-specific values (UUIDs, times, hashes) masked (`masked`),
    so that a store can be compared with a control run of the same operation."""

    counts: dict[str, int]
    exact: str
    masked: str
    tables: dict[str, str]  # table -> masked digest, to say where two states differ

    def differs_from(self, other: StoreState) -> list[str]:
        return sorted(t for t in self.tables.keys() | other.tables.keys()
                      if self.tables.get(t) != other.tables.get(t))  # fmt: skip


def store_state(db: Path) -> StoreState:
    """Read with the plain sqlite3 module (not the app), every table in rowid order."""
    conn = sqlite3.connect(db)
    try:
        names = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " ORDER BY name"
            )
        ]
        exact = hashlib.sha256()
        masked = hashlib.sha256()
        tables: dict[str, str] = {}
        counts: dict[str, int] = {}
        for name in names:
            table = hashlib.sha256()
            exact.update(f"\0{name}\0".encode())
            texts = [repr(row) for row in _rows(conn, name)]
            for text in texts:
                exact.update(text.encode())
                table.update(_VOLATILE.sub("~", text).encode())
            tables[name] = table.hexdigest()
            masked.update(f"\0{name}\0{tables[name]}".encode())
            counts[name] = len(texts)
    finally:
        conn.close()
    return StoreState(
        {t: counts.get(t, 0) for t in COUNTED}, exact.hexdigest(), masked.hexdigest(), tables
    )


def _rows(conn: sqlite3.Connection, table: str) -> list[tuple[Any, ...]]:
    """A table's rows in a stable order: by rowid, or sorted (WITHOUT ROWID tables of FTS5)."""
    try:
        return conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()
    except sqlite3.OperationalError:
        return sorted(conn.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return "; ".join(str(r[0]) for r in conn.execute("PRAGMA integrity_check"))
    finally:
        conn.close()
