"""Schema migrations (Alembic): create, upgrade with a backup first, refuse newer stores."""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text

from workstation import diagnostics
from workstation.errors import StoreError
from workstation.store.engine import (
    SERVER_ENCRYPT,
    Store,
    check_sqlite_file,
    to_url,
    translated_errors,
)
from workstation.store.revisions import MIGRATIONS_DIR, declared_head

if TYPE_CHECKING:
    from alembic.config import Config

# Stages of opening a store that a start-up screen names: a backup, then the migration.
Stage = Callable[[str], None]
STAGE_BACKUP = "backup"
STAGE_MIGRATE = "migrate"


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    head = declared_head()
    if head is not None:
        return head
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def _revision_on(conn: Connection) -> str | None:
    """What `alembic_version` records (Alembic's MigrationContext reads the same row)."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    if len(rows) > 1:
        raise StoreError("数据库记录了多个结构版本，无法判断，请联系维护人员")
    return str(rows[0][0]) if rows else None


def current_revision(store: Store) -> str | None:
    with store.engine.connect() as conn:
        return _revision_on(conn)


@dataclasses.dataclass(frozen=True)
class MigrationResult:
    before: str | None
    after: str
    backup: Path | None

    @property
    def changed(self) -> bool:
        return self.before != self.after


@diagnostics.logged("store open")
def upgrade(store: Store, *, backup: bool = True, on_stage: Stage | None = None) -> MigrationResult:
    """Bring the store to the newest schema; back the file up first when it holds data.

    `on_stage` hears STAGE_BACKUP and STAGE_MIGRATE as those begin (nothing when the store
    is at the newest schema already: then Alembic is not even imported)."""
    head = head_revision()
    with store.engine.connect() as conn:
        before = _revision_on(conn)
        if before == head:
            return MigrationResult(before, head, None)
        tables = set(inspect(conn).get_table_names())
    from alembic import command
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
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
    backup_path = None
    if backup and before is not None and store.path is not None:
        from workstation.store.backup import take_backup

        if on_stage is not None:
            on_stage(STAGE_BACKUP)
        backup_path = take_backup(store, label=f"before-migration-{before}").path
    if on_stage is not None:
        on_stage(STAGE_MIGRATE)
    with store.engine.begin() as conn:
        if not store.is_sqlite:
            # Two workstations starting against a new server at once: the second waits for the
            # first's migration to commit, then Alembic finds the schema current and does nothing.
            from sqlalchemy import text

            from workstation.store.engine import WRITE_LOCK

            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})
        command.upgrade(alembic_config(conn), "head")
    return MigrationResult(before, head, backup_path)


def open_store(
    db: str | os.PathLike[str],
    *,
    create: bool = False,
    migrate: bool = True,
    key: bytes | None = None,
    check: bool = False,
    on_stage: Stage | None = None,
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
        raise StoreError(SERVER_ENCRYPT)
    store = Store(url, key=key)
    # A server that cannot be reached (or refuses the login) is said so in Chinese.
    reached = contextlib.nullcontext() if store.is_sqlite else translated_errors()
    try:
        with reached:
            if migrate:
                upgrade(store, on_stage=on_stage)
            elif current_revision(store) != head_revision():
                raise StoreError(f"数据库“{store.describe()}”尚未初始化或需要升级，请先运行 init")
    except Exception:
        store.dispose()
        raise
    return store
