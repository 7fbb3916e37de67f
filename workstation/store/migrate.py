"""Schema migrations (Alembic): create, upgrade with a backup first, refuse newer stores."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect

from workstation.errors import StoreError
from workstation.store.engine import Store, check_sqlite_file, to_url

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(store: Store) -> str | None:
    with store.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@dataclasses.dataclass(frozen=True)
class MigrationResult:
    before: str | None
    after: str
    backup: Path | None

    @property
    def changed(self) -> bool:
        return self.before != self.after


def backup_sqlite(path: Path, label: str) -> Path:
    """Copy a live SQLite file consistently (backup API) beside it, readable by its owner only."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")  # noqa: DTZ005 - local time names the file
    target = path.with_name(f"{path.stem}.before-{label}-{stamp}.bak")
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target


def upgrade(store: Store, *, backup: bool = True) -> MigrationResult:
    """Bring the store to the newest schema; back the file up first when it holds data."""
    script = ScriptDirectory.from_config(alembic_config())
    head = head_revision()
    with store.engine.connect() as conn:
        before = MigrationContext.configure(conn).get_current_revision()
        tables = set(inspect(conn).get_table_names())
    if before is not None:
        try:
            script.get_revision(before)
        except Exception as exc:
            raise StoreError(
                f"数据库“{store.describe()}”由更新版本的工作站创建（结构版本 {before}），"
                "本程序无法打开，请升级工作站"
            ) from exc
    elif tables - {"alembic_version"}:
        raise StoreError(f"“{store.describe()}”是其他程序的数据库，不是工作站数据库")
    if before == head:
        return MigrationResult(before, head, None)
    backup_path = None
    if backup and before is not None and store.path is not None:
        backup_path = backup_sqlite(store.path, before)
    with store.engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    return MigrationResult(before, head, backup_path)


def open_store(db: str | os.PathLike[str], *, create: bool = False, migrate: bool = True) -> Store:
    """Open the store named by --db; `create` allows a new SQLite file to be made."""
    url = to_url(db)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        path = Path(url.database)
        existed = path.exists()
        check_sqlite_file(path, must_exist=not create)
        if not existed:
            # Created readable by its owner only: the store holds reporters' identities.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            os.close(fd)
    store = Store(url)
    try:
        if migrate:
            upgrade(store)
        elif current_revision(store) != head_revision():
            raise StoreError(f"数据库“{store.describe()}”尚未初始化或需要升级，请先运行 init")
    except Exception:
        store.dispose()
        raise
    return store
