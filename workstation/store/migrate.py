"""Schema migrations (Alembic): create, upgrade with a backup first, refuse newer stores."""

from __future__ import annotations

import dataclasses
import os
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
        from workstation.store.backup import take_backup

        backup_path = take_backup(store, label=f"before-migration-{before}").path
    with store.engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    return MigrationResult(before, head, backup_path)


def open_store(
    db: str | os.PathLike[str],
    *,
    create: bool = False,
    migrate: bool = True,
    key: bytes | None = None,
    check: bool = False,
) -> Store:
    """Open the store named by --db; `create` allows a new SQLite file to be made.

    `key` opens an encrypted store (SQLCipher; see store.crypto for getting it from a login
    and password); an encrypted store without it raises KeyRequired, a key that does not fit
    WrongKey, both leaving the file untouched. `check` runs the integrity check first and
    raises StoreDamaged (naming the latest good backup) instead of opening a damaged store."""
    url = to_url(db)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        path = Path(url.database)
        existed = path.exists()
        check_sqlite_file(path, must_exist=not create, key=key)
        if check and existed:
            from workstation.store.integrity import StoreDamaged, check_at_start

            found = check_at_start(path, key)
            if not found.ok:
                raise StoreDamaged(found)
        if not existed:
            # Created readable by its owner only: the store holds reporters' identities.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            os.close(fd)
        from workstation.store.backup import clean_leftovers
        from workstation.store.encrypting import finish_pending_wipe

        clean_leftovers(path)
        finish_pending_wipe(path)
    elif key is not None:
        raise StoreError("只有 SQLite 数据库文件可以加密")
    store = Store(url, key=key)
    try:
        if migrate:
            upgrade(store)
        elif current_revision(store) != head_revision():
            raise StoreError(f"数据库“{store.describe()}”尚未初始化或需要升级，请先运行 init")
    except Exception:
        store.dispose()
        raise
    return store
