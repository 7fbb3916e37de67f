"""Opening stores: paths and URLs, SQLite settings, and refusing what is not a store."""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from workstation.errors import StoreError
from workstation.store import Store, open_store, to_url


def test_plain_path_becomes_absolute_sqlite_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    url = to_url("rel.db")
    assert url.get_backend_name() == "sqlite"
    assert url.database == str(tmp_path / "rel.db")


def test_sqlalchemy_url_is_taken_as_is() -> None:
    url = to_url("postgresql+psycopg://u:p@localhost/ws")
    assert url.get_backend_name() == "postgresql"
    assert url.database == "ws"


@pytest.mark.parametrize("url", ["nosuchdialect+x://", "sqlite+nosuchdriver://"])
def test_bad_url_is_a_clear_error(url: str) -> None:
    with pytest.raises(StoreError, match="无法识别"):
        open_store(url)


@pytest.mark.sqlite_only
def test_sqlite_connections_enforce_foreign_keys_wal_and_busy_timeout(store: Store) -> None:
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 10_000


def test_foreign_keys_are_really_checked(store: Store) -> None:
    with pytest.raises(Exception, match=r"(?i)FOREIGN KEY"), store.write() as session:
        session.execute(
            text(
                "INSERT INTO persons (name, name_key, unit_id, uuid, created_at, updated_at)"
                " VALUES ('x', 'x', 999, 'u-1', '2021-01-01', '2021-01-01')"
            )
        )


@pytest.mark.sqlite_only
def test_new_store_file_is_private(store_path: Path, store: Store) -> None:
    assert stat.S_IMODE(store_path.stat().st_mode) == 0o600


def test_missing_folder_is_refused_and_nothing_created(tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "ws.db"
    with pytest.raises(StoreError, match=r"文件夹.*不存在"):
        open_store(target, create=True)
    assert not (tmp_path / "no").exists()


def test_missing_file_is_refused_without_create(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="请先运行 init"):
        open_store(tmp_path / "ws.db")
    assert not (tmp_path / "ws.db").exists()


@pytest.mark.parametrize(
    "content",
    [
        b"hello, not a database",
        b"PK\x03\x04 a zip file",
        b"\x00" * 200,
        "编号,姓名\n".encode("gbk"),
    ],
)
def test_file_that_is_not_sqlite_is_refused_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "ws.db"
    path.write_bytes(content)
    with pytest.raises(StoreError, match="不是工作站数据库"):
        open_store(path)
    assert path.read_bytes() == content


def test_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="文件夹"):
        open_store(tmp_path)


def test_sqlite_file_of_another_program_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('x')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="其他程序"):
        open_store(path)
    tables = sqlite3.connect(path).execute("SELECT name FROM sqlite_master").fetchall()
    assert tables == [("contacts",)]
    assert path.read_bytes() == before


def test_store_from_a_newer_version_is_refused(new_db: Callable[..., str]) -> None:
    db = new_db(migrated=True)
    store = open_store(db)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    store.dispose()
    with pytest.raises(StoreError, match="更新版本"):
        open_store(db)


def test_bulk_uuids_are_distinct_version_4_in_canonical_form() -> None:
    import uuid

    from workstation.models.base import new_uuids

    made = new_uuids(2_000)
    assert len(set(made)) == 2_000
    for made_id in made:
        parsed = uuid.UUID(made_id)
        assert (parsed.version, parsed.variant) == (4, uuid.RFC_4122)
        assert str(parsed) == made_id


@pytest.mark.sqlite_only
def test_a_store_locked_by_another_writer_is_a_clear_error_for_every_service(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workstation.services import leads
    from workstation.services.auth import IMPLICIT_ADMIN
    from workstation.store import engine

    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 100)
    store = open_store(store_path, create=True)
    other = sqlite3.connect(store_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreError, match="数据库正被其他程序写入，请稍后再试"):
            leads.create_lead(
                store, IMPLICIT_ADMIN, {"received_on": "2021-03-01", "summary": "反映问题"}
            )
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert leads.count_leads(store, IMPLICIT_ADMIN) == 0
    store.dispose()


@pytest.mark.sqlite_only
def test_a_store_damaged_after_opening_is_a_clear_error_for_every_service(
    store_path: Path,
) -> None:
    import sqlite3

    from workstation.errors import StoreError
    from workstation.services import leads
    from workstation.services.auth import IMPLICIT_ADMIN

    store = open_store(store_path, create=True)
    leads.create_lead(store, IMPLICIT_ADMIN, {"received_on": "2021-03-01", "summary": "一条线索"})
    store.dispose()
    conn = sqlite3.connect(store_path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'leads'").fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with store_path.open("r+b") as f:  # the leads table's page header: its type and counts
        f.seek((root - 1) * page_size)
        f.write(b"\xa5" * 16)
    damaged = open_store(store_path)
    try:
        with pytest.raises(StoreError, match=r"数据库文件已损坏.*restore"):
            leads.list_leads(damaged, IMPLICIT_ADMIN)
        with pytest.raises(StoreError, match="数据库文件已损坏"):
            leads.create_lead(
                damaged, IMPLICIT_ADMIN, {"received_on": "2021-03-02", "summary": "又一条"}
            )
    finally:
        damaged.dispose()


def test_a_postgresql_url_gets_the_installed_driver_and_never_shows_its_password() -> None:
    for given in ("postgresql://ws:s3cret@db/ws", "postgres://ws:s3cret@db/ws"):
        url = to_url(given)
        assert url.drivername == "postgresql+psycopg"
        assert "s3cret" not in str(url)
    with pytest.raises(StoreError, match="无法识别") as caught:
        to_url("postgresql+psycopg://ws:s3cret@db:port/ws")
    assert "s3cret" not in str(caught.value)
    store = Store(to_url("postgresql+psycopg://ws:s3cret@db/ws"))  # connects only when used
    assert store.describe() == "postgresql+psycopg://ws:***@db/ws"
    store.dispose()
