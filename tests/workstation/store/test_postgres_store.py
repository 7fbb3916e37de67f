"""A store on PostgreSQL: migrations from an empty database and back, pg_trgm and the search
triggers in place, SQLite-file features refused in Chinese, passwords never shown."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from workstation.cli import main
from workstation.errors import StoreError, WorkstationError
from workstation.services import vault
from workstation.services.auth import IMPLICIT_ADMIN
from workstation.store import Store, current_revision, head_revision, open_store, to_url
from workstation.store.backup import take_backup
from workstation.store.migrate import alembic_config

pytestmark = pytest.mark.usefixtures("needs_postgres")


def _revisions() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def _names(store: Store, sql: str) -> set[str]:
    with store.engine.connect() as conn:
        return set(conn.execute(text(sql)).scalars())


_TRIGGERS = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
_INDEXES = "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'"


def test_migrations_go_up_from_an_empty_database_and_back_down(
    new_db: Callable[..., str],
) -> None:
    store = Store(to_url(new_db()))
    try:
        for revision in _revisions():
            with store.engine.begin() as conn:
                command.upgrade(alembic_config(conn), revision)
            assert current_revision(store) == revision
        assert "pg_trgm" in _names(store, "SELECT extname FROM pg_extension")
        assert "ix_lead_search_text_body_trgm" in _names(store, _INDEXES)
        triggers = {"leads_search_insert", "leads_search_update", "leads_search_delete",
                    "persons_search_rename", "units_search_rename"}  # fmt: skip
        assert triggers <= _names(store, _TRIGGERS)
        for _ in _revisions():
            with store.engine.begin() as conn:
                command.downgrade(alembic_config(conn), "-1")
        with store.engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
        assert not {n for n in _names(store, _TRIGGERS) if "search" in n}
        functions = "SELECT proname FROM pg_proc WHERE proname LIKE 'ws_search%'"
        assert _names(store, functions) == set()
    finally:
        store.dispose()


def test_init_creates_the_schema_in_an_empty_database(
    new_db: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    db = new_db()
    assert main(["--db", db, "init"]) == 0
    out, err = capsys.readouterr()
    store = open_store(db, migrate=False)
    try:
        assert current_revision(store) == head_revision()
        password = store.url.password
        assert password
        assert str(password) not in out + err
        assert "***" in out
        assert str(password) not in store.describe()
    finally:
        store.dispose()


def test_a_wrong_password_is_a_clear_error_that_does_not_show_it(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = store.url.set(password="not-the-password-42").render_as_string(hide_password=False)
    with pytest.raises(StoreError, match="无法连接数据库服务器") as caught:
        open_store(wrong)
    assert "not-the-password-42" not in str(caught.value)
    assert main(["--db", wrong, "leads", "list"]) != 0
    out, err = capsys.readouterr()
    assert "无法连接数据库服务器" in err
    assert "not-the-password-42" not in out + err


def test_backup_restore_check_and_encrypt_are_left_to_the_server(
    store: Store, store_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(StoreError, match="pg_dump"):
        take_backup(store)
    with pytest.raises(StoreError, match="pg_dump"):
        vault.backup_now(store, IMPLICIT_ADMIN)
    assert vault.backups(store, IMPLICIT_ADMIN) == []
    with pytest.raises(WorkstationError, match="不能由工作站加密"):
        vault.encrypt(store, IMPLICIT_ADMIN, "whatever")
    with pytest.raises(StoreError, match="不能由工作站加密"):
        open_store(store_db, key=bytes(32))
    backup = tmp_path / "ws-backup.db"
    backup.write_bytes(b"SQLite format 3\x00")
    for args, message in (
        (["backup"], "pg_dump"),
        (["restore", str(backup)], "pg_restore"),
        (["check"], "数据库管理员"),
    ):
        assert main(["--db", store_db, *args]) == 1
        out, err = capsys.readouterr()
        assert (out, message in err, err.startswith("错误：")) == ("", True, True), err
        assert str(store.url.password) not in err
    with store.read() as session:
        assert session.scalar(text("SELECT count(*) FROM audit_events")) == 0


def test_a_writer_waiting_too_long_for_its_turn_is_refused_in_chinese(
    new_db: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from workstation.store import engine as engine_module

    monkeypatch.setattr(engine_module, "WRITE_WAIT_SECONDS", 1)
    store = Store(to_url(new_db(migrated=True)))
    other = Store(to_url(store.url.render_as_string(hide_password=False)))
    try:
        with other.write() as holder:  # another workstation in the middle of a long import
            holder.execute(text("SELECT 1"))
            refused = pytest.raises(StoreError, match="请稍后再试；本次未写入任何内容")
            with refused, store.write() as s:
                s.execute(text("SELECT 1"))
        with store.write() as s:  # its turn comes once the other has committed
            assert s.execute(text("SELECT 1")).scalar() == 1
    finally:
        other.dispose()
        store.dispose()


def test_two_workstations_starting_on_a_new_server_at_once_both_open_it(
    new_db: Callable[..., str],
) -> None:
    import threading

    url = new_db()
    opened: list[str] = []
    failed: list[BaseException] = []
    start = threading.Barrier(2)

    def start_workstation() -> None:
        try:
            start.wait()
            store = open_store(url, create=True)
            opened.append(current_revision(store) or "")
            store.dispose()
        except BaseException as exc:  # reported below
            failed.append(exc)

    threads = [threading.Thread(target=start_workstation) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert failed == []
    assert opened == [head_revision(), head_revision()]
