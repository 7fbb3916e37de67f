"""Migrations: the migrated schema equals the models; every step goes up and down; data survives."""

from __future__ import annotations

import datetime as dt
import sqlite3
import stat
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from workstation.models import Base
from workstation.search import is_index_object
from workstation.services.leads import LeadQuery, list_leads
from workstation.store import Store, current_revision, head_revision, open_store, to_url, upgrade
from workstation.store.migrate import alembic_config


def _revisions() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def _migrate_to(store: Store, revision: str) -> None:
    with store.engine.begin() as conn:
        command.upgrade(alembic_config(conn), revision)


def test_there_is_one_linear_history() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1
    assert _revisions()[-1] == head_revision()


def _not_search_index(name: str | None, type_: str, _parents: object) -> bool:
    # The search index's own objects (FTS5 tables, the trigram index) are made by migration
    # 0005; no model describes them.
    return not is_index_object(name, type_)


def test_migrated_schema_equals_the_models(store: Store) -> None:
    with store.engine.connect() as conn:
        opts = {"compare_type": True, "include_name": _not_search_index}
        ctx = MigrationContext.configure(conn, opts=opts)
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == []


def test_every_revision_upgrades_and_downgrades_step_by_step(tmp_path: Path) -> None:
    store = Store(to_url(tmp_path / "steps.db"))
    revisions = _revisions()
    for rev in revisions:
        _migrate_to(store, rev)
        assert current_revision(store) == rev
    for rev in reversed(revisions):
        with store.engine.begin() as conn:
            command.downgrade(alembic_config(conn), "-1")
        assert current_revision(store) != rev
    with store.engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
    store.dispose()


def _load_first_revision_data(path: Path) -> None:
    conn = sqlite3.connect(path)
    now = "2021-03-01 08:00:00.000000"
    conn.execute(
        "INSERT INTO units (id, name, name_key, type, uuid, created_at, updated_at)"
        " VALUES (1, '江州市公安局东湖分局', '江州市公安局东湖分局', 'police', 'unit-1', ?, ?)",
        (now, now),
    )
    conn.execute(
        "INSERT INTO leads (id, ref, received_on, channel, anonymous, category, summary, status,"
        " subject_unit_id, due_on, version, uuid, created_at, updated_at)"
        " VALUES (1, 'XS2021-00007', '2021-03-01', 'letter', 0, 'business', '违规经商', 'new',"
        " 1, '2021-03-31', 1, 'lead-1', ?, ?)",
        (now, now),
    )
    conn.commit()
    conn.close()


@pytest.mark.sqlite_only
def test_upgrading_a_store_of_the_first_revision_keeps_its_data_and_backs_it_up(
    tmp_path: Path, admin: object
) -> None:
    path = tmp_path / "old.db"
    old = Store(to_url(path))
    _migrate_to(old, _revisions()[0])
    old.dispose()
    _load_first_revision_data(path)

    store = open_store(path)  # migrates on open, like the app at start
    assert current_revision(store) == head_revision()
    rows = list_leads(store, admin, LeadQuery())  # type: ignore[arg-type]
    assert [(r.ref, r.channel, r.subject_unit, r.received_on) for r in rows] == [
        ("XS2021-00007", "letter", "江州市公安局东湖分局", dt.date(2021, 3, 1))
    ]
    backups = list((tmp_path / "backups").glob("old-*-before-migration-0001.db"))
    assert len(backups) == 1
    assert stat.S_IMODE(backups[0].stat().st_mode) == 0o600
    saved = sqlite3.connect(backups[0])
    assert saved.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
    assert saved.execute("SELECT ref FROM leads").fetchall() == [("XS2021-00007",)]
    store.dispose()


def test_upgrade_of_a_current_store_does_nothing(store: Store) -> None:
    result = upgrade(store)
    assert not result.changed
    assert result.backup is None


@pytest.mark.parametrize("table", ["leads", "cases", "anomalies", "users"])
def test_state_rules_are_check_constraints(store: Store, table: str) -> None:
    with store.engine.connect() as conn:
        if store.is_sqlite:
            sql = conn.execute(
                text("SELECT sql FROM sqlite_master WHERE name = :t"), {"t": table}
            ).scalar()
            assert "CHECK" in sql
        else:
            checks = [c["sqltext"] for c in inspect(conn).get_check_constraints(table)]
            assert checks
