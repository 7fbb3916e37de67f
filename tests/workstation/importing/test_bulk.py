"""The raw SQLite insert stores exactly what SQLAlchemy would (dates, stamps, booleans, JSON)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from importing_helpers import LEAD_HEADER, TODAY, Files, lead_row

from workstation.importing import ImportOptions, bulk, run_import
from workstation.services.auth import Actor
from workstation.store import open_store

_SKIP = {"id", "uuid", "created_at", "updated_at", "batch_id"}


def _stored(db: Path) -> list[dict[str, object]]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    rows = [
        {k: (row[k], type(row[k]).__name__) for k in row.keys() if k not in _SKIP}  # noqa: SIM118
        for row in conn.execute("SELECT * FROM leads ORDER BY ref")
    ]
    stamps = conn.execute("SELECT created_at FROM leads").fetchall()
    conn.close()
    assert all(len(s[0]) == len("2021-03-01 08:00:00.000000") for s in stamps)
    return rows


def _core_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the Inserter take its Core path (the one server stores use) on SQLite too."""
    original = bulk.Inserter.__init__

    def init(self: bulk.Inserter, session: object) -> None:
        original(self, session)  # type: ignore[arg-type]
        self.sqlite = False

    monkeypatch.setattr(bulk.Inserter, "__init__", init)


def test_raw_and_core_inserts_store_the_same(
    tmp_path: Path, files: Files, admin: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    header = [*LEAD_HEADER, "备注", "是否匿名"]
    rows = [header, [*lead_row(1), "急", "是"], [*lead_row(2), None, None]]
    path = files.xlsx("台账.xlsx", rows)
    results = {}
    for name in ("raw", "core"):
        db = tmp_path / f"{name}.db"
        store = open_store(db, create=True)
        if name == "core":
            _core_only(monkeypatch)
        run_import(store, admin, path, ImportOptions("leads", today=TODAY))
        monkeypatch.undo()
        store.dispose()
        results[name] = _stored(db)
    assert results["raw"] == results["core"]
    first = results["raw"][0]
    assert first["received_on"] == ("2021-03-02", "str")
    assert first["anonymous"] == (1, "int")
    assert first["extra"] == ('{"\\u5907\\u6ce8": "\\u6025"}', "str")
    assert results["raw"][1]["extra"] == (None, "NoneType")
