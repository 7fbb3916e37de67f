"""Is a store file sound? SQLite's own checks, and the check made before the app opens a store."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workstation.errors import StoreError
from workstation.store.engine import (
    KeyRequired,
    _is_database_error,
    file_is_plain_sqlite,
    raw_connect,
)

if TYPE_CHECKING:
    from workstation.store.backup import BackupInfo

MAX_PROBLEMS = 20


class StoreDamaged(StoreError):
    """The store failed its integrity check; it is not opened for writing.

    `check` says what was found and which backup to offer."""

    def __init__(self, check: StartupCheck) -> None:
        super().__init__(check.message)
        self.check = check


def run_check(path: Path, key: bytes | None = None, *, full: bool = False) -> list[str]:
    """SQLite's PRAGMA quick_check (or the slower integrity_check, which also compares every
    index with its table) on a read-only connection; the problems found, [] when sound.

    A file that cannot be read as a database at all (a damaged first page, or with SQLCipher
    a page that fails its authentication code) is reported as a problem too."""
    pragma = "integrity_check" if full else "quick_check"
    try:
        conn = raw_connect(path, key, read_only=True)
        try:
            rows = conn.execute(f"PRAGMA {pragma}({MAX_PROBLEMS})").fetchall()
        finally:
            conn.close()
    except Exception as exc:
        if not _is_database_error(exc):
            raise
        return [str(exc)]
    found = [str(row[0]) for row in rows]
    return [] if found == ["ok"] else found


def schema_revision(path: Path, key: bytes | None = None) -> str | None:
    """The Alembic revision recorded in a store file (None when it has none)."""
    conn = raw_connect(path, key, read_only=True)
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if "alembic_version" not in tables:
            return None
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return str(row[0]) if row else None
    finally:
        conn.close()


@dataclasses.dataclass(frozen=True)
class StartupCheck:
    """What the check at start found. When `ok` is false the store must not be opened for
    writing; `latest_backup` is the newest backup that passed its own check (offer it)."""

    path: Path
    ok: bool
    encrypted: bool
    problems: tuple[str, ...] = ()
    latest_backup: BackupInfo | None = None

    @property
    def message(self) -> str:
        if self.ok:
            return f"数据库“{self.path}”检查通过"
        text = f"数据库“{self.path}”已损坏（完整性检查未通过），为免损坏扩大，未打开写入"
        if self.latest_backup is not None:
            when = self.latest_backup.taken_at
            text += (
                f"；可以从最近一份完好的备份恢复：{self.latest_backup.path.name}"
                f"（{when.year}年{when.month}月{when.day}日 {when:%H:%M} 备份）"
            )
        else:
            text += "；没有找到可用的备份"
        return text

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "ok": self.ok,
            "encrypted": self.encrypted,
            "problems": list(self.problems),
            "latest_backup": str(self.latest_backup.path) if self.latest_backup else None,
            "message": self.message,
        }


def check_at_start(
    path: str | os.PathLike[str], key: bytes | None = None, *, full: bool = False
) -> StartupCheck:
    """Check a store file before opening it (PRAGMA quick_check). A missing or empty file is
    fine (there is nothing to damage yet). An encrypted store needs its key: KeyRequired."""
    from workstation.store.backup import latest_good_backup

    path = Path(path)
    plain = file_is_plain_sqlite(path)
    if plain is None:
        return StartupCheck(path, True, key is not None)
    if not plain and key is None:
        from workstation.store.crypto import keyring_path

        if keyring_path(path).exists():
            raise KeyRequired(f"数据库“{path}”已加密，请用登录名和密码打开")
    problems = run_check(path, key, full=full)
    if not problems:
        return StartupCheck(path, True, key is not None)
    return StartupCheck(
        path, False, key is not None, tuple(problems), latest_good_backup(path, key)
    )
