"""Backups of a store file and restoring one: consistent copies taken while the app runs.

A backup is one SQLite file (SQLCipher-encrypted with the store's own key when the store is
encrypted, with a copy of the key file beside it), readable by its owner only, in the store's
folder's `backups/`, named `<store>-YYYYMMDD-HHMMSS-<label>.db`. It is written under a
temporary name and renamed when complete and checked, so a process killed mid-way leaves no
backup rather than half of one. Restoring checks the backup first, keeps the current store as a
backup, and replaces the store with one rename: a crash leaves the old store or the new one.

Restore while no other program has the store open: SQLite cannot tell this process that
another one still holds the old file (their later writes would be lost).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import glob
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workstation import diagnostics
from workstation.errors import Cancelled, StoreError
from workstation.store.crypto import fsync_dir, keyring_path
from workstation.store.engine import (
    SERVER_BACKUP,
    KeyRequired,
    WrongKey,
    _is_database_error,
    file_is_plain_sqlite,
    raw_connect,
)
from workstation.store.integrity import run_check, schema_revision

if TYPE_CHECKING:
    from workstation.store.engine import Store

Progress = Callable[[int, int], None]  # (pages copied, pages in all)
BACKUP_DIR = "backups"
DEFAULT_KEEP = 10
STEP_PAGES = 1024  # 4 MiB per step at SQLite's default page size
_NAME = re.compile(r"^(\d{8})-(\d{6})(?:_(\d+))?-([a-z0-9][a-z0-9.-]*)\.db$")
_PARTIAL = ".partial-"


@dataclasses.dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: dt.datetime  # local time, as in the name
    label: str  # manual, daily, before-migration-0003, before-restore, …
    size: int
    encrypted: bool

    @property
    def keyring(self) -> Path | None:
        """The copy of the key file taken with an encrypted backup."""
        path = keyring_path(self.path)
        return path if path.exists() else None

    def to_json(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "taken_at": self.taken_at.isoformat(timespec="seconds"),
            "label": self.label,
            "size": self.size,
            "encrypted": self.encrypted,
        }


@dataclasses.dataclass(frozen=True)
class RestoreResult:
    restored: BackupInfo | Path
    revision: str | None
    kept_current: BackupInfo | None  # the store as it was before, kept as a backup
    keyring_restored: bool  # the backup's copy of the key file replaced a missing one

    def to_json(self) -> dict[str, Any]:
        restored = self.restored.path if isinstance(self.restored, BackupInfo) else self.restored
        return {
            "restored": str(restored),
            "revision": self.revision,
            "kept_current": str(self.kept_current.path) if self.kept_current else None,
            "keyring_restored": self.keyring_restored,
        }


def backups_dir(store_path: Path) -> Path:
    """Where a store's backups go by default: `backups/` in the store's folder."""
    return store_path.parent / BACKUP_DIR


def _label(label: str) -> str:
    cleaned = re.sub(r"[^a-z0-9.-]+", "-", label.lower()).strip("-.")
    return cleaned or "manual"


def _parse(store_path: Path, file: Path) -> BackupInfo | None:
    prefix = store_path.stem + "-"
    if not file.name.startswith(prefix):
        return None
    found = _NAME.match(file.name[len(prefix) :])
    if not found:
        return None
    try:
        taken = dt.datetime.strptime(found[1] + found[2], "%Y%m%d%H%M%S")  # noqa: DTZ007 - local
        size = file.stat().st_size
    except (ValueError, OSError):
        return None
    encrypted = file_is_plain_sqlite(file) is False
    return BackupInfo(file, taken, found[4], size, encrypted)


def _order(info: BackupInfo) -> tuple[dt.datetime, int]:
    found = re.search(r"-\d{8}-\d{6}((?:_\d+)?-[a-z0-9][a-z0-9.-]*\.db)$", info.path.name)
    return info.taken_at, _seq(found[1]) if found else 1


def list_backups(store_path: Path, folder: Path | None = None) -> list[BackupInfo]:
    """The complete backups of a store, newest first."""
    folder = folder or backups_dir(store_path)
    if not folder.is_dir():
        return []
    found = [info for file in folder.iterdir() if (info := _parse(store_path, file))]
    return sorted(found, key=_order, reverse=True)


def _seq(rest: str) -> int:
    """The sequence number in what follows the time in a backup's name (`_2-daily.db` → 2,
    `-daily.db` → 1); 0 when it is not such a name."""
    found = re.match(r"(?:_(\d+))?-", rest)
    if not found:
        return 0
    return int(found[1]) if found[1] else 1


def _new_name(store_path: Path, folder: Path, label: str, now: dt.datetime) -> Path:
    """A name sorting after every backup already there, even one made in the same second
    (or being made: the temporary names count too)."""
    prefix = f"{store_path.stem}-{now:%Y%m%d-%H%M%S}"
    used = [_seq(f.name[len(prefix) :]) for f in folder.iterdir() if f.name.startswith(prefix)]
    seq = max(used, default=0) + 1
    return folder / f"{prefix}{'' if seq == 1 else f'_{seq}'}-{label}.db"


def _pid_alive(pid: int) -> bool:
    if os.name != "posix":
        return True  # cannot tell cheaply; leave it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _clean_partials(folder: Path) -> None:
    """Remove what killed backups left (their process is gone); never another's live work."""
    if not folder.is_dir():
        return
    for file in folder.iterdir():
        found = re.search(r"\.partial-(\d+)(?:-journal|-wal|-shm)?$", file.name)
        if found and not _pid_alive(int(found[1])):
            with contextlib.suppress(OSError):
                file.unlink()


def _private_folder(folder: Path) -> None:
    if not folder.exists():
        folder.mkdir(mode=0o700, parents=True)
    elif not folder.is_dir():
        raise StoreError(f"备份位置“{folder}”不是文件夹")


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _damaged_message(path: Path) -> str:
    return f"数据库“{path}”已损坏，无法备份；请从以前的备份恢复"


def copy_database(
    source: Path,
    target: Path,
    key: bytes | None,
    *,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
) -> None:
    """Copy a (possibly live) store into a new file with SQLite's online backup API, checked.

    The copy is made from one read snapshot, so writers may go on meanwhile (WAL) without the
    copy restarting; it is encrypted with the same key as the source."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)

    def step(_status: int, remaining: int, total: int) -> None:
        if cancel is not None and cancel():
            raise Cancelled("已取消，未生成备份")
        if progress is not None:
            progress(total - remaining, total)

    try:
        src = raw_connect(source, key, read_only=True)
        try:
            # One read transaction for the whole copy: its snapshot is what is copied.
            src.execute("BEGIN")
            src.execute("SELECT count(*) FROM sqlite_master").fetchone()
            dst = raw_connect(target, key)
            try:
                # No journal for a file that is thrown away unless complete; fsynced at the end.
                dst.execute("PRAGMA journal_mode = OFF").fetchall()
                dst.execute("PRAGMA synchronous = OFF")
                src.backup(dst, pages=STEP_PAGES, progress=step)
                # A backup is one self-contained file, not a WAL database.
                dst.execute("PRAGMA journal_mode = DELETE").fetchall()
            finally:
                dst.close()
            src.execute("COMMIT")
        finally:
            src.close()
        if run_check(target, key):
            raise StoreError(_damaged_message(source))
        _fsync_file(target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            target.unlink()
        if _is_database_error(exc):
            if key is not None and "not a database" in str(exc):
                raise WrongKey(f"密钥与数据库“{source}”不符，或数据库首页已损坏") from exc
            raise StoreError(_damaged_message(source)) from exc
        raise


def _keep_setting(store: Store) -> int:
    try:
        from workstation import settings

        with store.read() as session:
            return max(1, int(settings.load(session).backup_keep))
    except Exception:
        # A store before the settings table, or one that cannot be read: the default.
        return DEFAULT_KEEP


@diagnostics.logged("backup")
def backup_file(
    store_path: Path,
    key: bytes | None = None,
    *,
    label: str = "manual",
    folder: Path | None = None,
    keep: int | None = DEFAULT_KEEP,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
) -> BackupInfo:
    """Back up the store file at `store_path` (with the key of an encrypted one); then keep
    only the newest `keep` backups (None: keep all)."""
    if file_is_plain_sqlite(store_path) is None:
        raise StoreError(f"数据库文件“{store_path}”不存在或为空，无需备份")
    if key is None and file_is_plain_sqlite(store_path) is False:
        if keyring_path(store_path).exists():
            raise KeyRequired(f"数据库“{store_path}”已加密，请用登录名和密码打开")
        raise StoreError(_damaged_message(store_path))
    folder = folder or backups_dir(store_path)
    _private_folder(folder)
    _clean_partials(folder)
    now = dt.datetime.now()  # noqa: DTZ005 - local time names the file, as people read it
    target = _new_name(store_path, folder, _label(label), now)
    partial = target.with_name(f"{target.name}{_PARTIAL}{os.getpid()}")
    copy_database(store_path, partial, key, progress=progress, cancel=cancel)
    try:
        if key is not None and keyring_path(store_path).exists():
            keys_partial = keyring_path(target).with_name(
                f"{keyring_path(target).name}{_PARTIAL}{os.getpid()}"
            )
            _copy_private(keyring_path(store_path), keys_partial)
            keys_partial.replace(keyring_path(target))
        # The rename of the database file is what makes the backup exist.
        partial.replace(target)
        fsync_dir(folder)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
    info = _parse(store_path, target)
    assert info is not None
    if keep is not None:
        prune(store_path, keep, folder)
    return info


def _copy_private(source: Path, target: Path) -> None:
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out, source.open("rb") as src:
        shutil.copyfileobj(src, out)
        out.flush()
        os.fsync(out.fileno())


def take_backup(
    store: Store,
    *,
    label: str = "manual",
    folder: Path | None = None,
    keep: int | None = None,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
) -> BackupInfo:
    """Back up an open store while it is in use; keeps the newest `backup_keep` (a setting)
    unless `keep` says otherwise. Only SQLite files can be backed up here."""
    if store.path is None:
        raise StoreError(SERVER_BACKUP)
    return backup_file(
        store.path,
        store.key,
        label=label,
        folder=folder,
        keep=keep if keep is not None else _keep_setting(store),
        progress=progress,
        cancel=cancel,
    )


def prune(store_path: Path, keep: int, folder: Path | None = None) -> list[Path]:
    """Remove all but the newest `keep` backups of a store; the files removed."""
    removed = []
    for info in list_backups(store_path, folder)[max(1, keep) :]:
        with contextlib.suppress(FileNotFoundError):
            info.path.unlink()
        for extra in (keyring_path(info.path), info.path.with_name(info.path.name + "-wal")):
            with contextlib.suppress(FileNotFoundError):
                extra.unlink()
        removed.append(info.path)
    return removed


def daily_backup_if_due(store: Store, *, today: dt.date | None = None) -> BackupInfo | None:
    """The once-a-day backup at first start: taken unless a backup was already made today.
    For the UI and the CLI to call after opening the store."""
    if store.path is None:
        return None
    today = today or dt.date.today()  # noqa: DTZ011 - the user's day
    if any(info.taken_at.date() == today for info in list_backups(store.path)):
        return None
    return take_backup(store, label="daily")


def latest_good_backup(
    store_path: Path, key: bytes | None = None, folder: Path | None = None
) -> BackupInfo | None:
    """The newest backup that passes its integrity check (what to offer for a damaged store)."""
    for info in list_backups(store_path, folder):
        if info.encrypted != (key is not None):
            continue
        try:
            if not run_check(info.path, key):
                return info
        except Exception as exc:
            if not _is_database_error(exc):
                raise
    return None


def check_backup(path: Path, key: bytes | None = None) -> str | None:
    """A backup fit to restore: sound (PRAGMA integrity_check) and of a schema this program
    knows. Returns its schema revision; raises StoreError saying what is wrong."""
    from alembic.script import ScriptDirectory

    from workstation.store.migrate import alembic_config

    plain = file_is_plain_sqlite(path)
    if plain is None:
        raise StoreError(f"备份文件“{path}”不存在或为空")
    if plain and key is not None:
        raise StoreError(f"备份“{path.name}”未加密，不能恢复为加密的数据库")
    if not plain and key is None:
        raise StoreError(f"备份“{path.name}”已加密，请用登录名和密码恢复")
    problems = run_check(path, key, full=True)
    if problems:
        if key is not None and any("not a database" in p for p in problems):
            raise WrongKey(f"备份“{path.name}”不是用此数据库的密钥加密的，或已损坏；未作恢复")
        raise StoreError(f"备份“{path.name}”已损坏（完整性检查未通过），未作恢复")
    try:
        revision = schema_revision(path, key)
    except Exception as exc:
        if not _is_database_error(exc):
            raise
        raise StoreError(f"备份“{path.name}”无法读取，未作恢复") from exc
    if revision is None:
        raise StoreError(f"“{path.name}”不是工作站数据库的备份，未作恢复")
    script = ScriptDirectory.from_config(alembic_config())
    try:
        script.get_revision(revision)
    except Exception as exc:
        raise StoreError(
            f"备份“{path.name}”由更新版本的工作站创建（结构版本 {revision}），请升级工作站后再恢复"
        ) from exc
    return revision


def _restoring_path(store_path: Path) -> Path:
    return store_path.with_name(f"{store_path.name}.restoring-{os.getpid()}")


def _settle_current(store_path: Path, key: bytes | None) -> None:
    """Fold the current store's WAL into its file and switch it out of WAL mode, so the
    rename that replaces the file leaves no WAL behind to be replayed onto the new one."""
    conn = raw_connect(store_path, key)
    try:
        busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy and busy[0]:
            raise StoreError("数据库正被其他程序使用，请先关闭工作站的其他窗口再恢复；未作恢复")
        conn.execute("PRAGMA journal_mode = DELETE").fetchall()
    finally:
        conn.close()


@diagnostics.logged("restore")
def restore(
    store_path: Path,
    backup: Path,
    key: bytes | None = None,
    *,
    folder: Path | None = None,
    progress: Progress | None = None,
    phase: Callable[[str], None] | None = None,
) -> RestoreResult:
    """Replace the store at `store_path` by a backup (checked first); the current store, if
    there is one, is kept as a `before-restore` backup (or, when damaged, its files as they
    are, as `damaged`). Call with the store closed.

    `phase` is told each step as it starts: "copy" (the backup copied beside the store),
    "keep" (the current store backed up), "switch" (the rename), "done"; `progress` reports the
    pages of the first two."""
    phase = phase or (lambda _name: None)
    backup = Path(backup)
    if (
        key is None
        and file_is_plain_sqlite(store_path) is False
        and keyring_path(store_path).exists()
    ):
        raise StoreError("数据库已加密，不能用未加密的备份替换；请用登录名和密码恢复加密的备份")
    revision = check_backup(backup, key)
    folder = folder or backups_dir(store_path)
    _private_folder(folder)
    staging = _restoring_path(store_path)
    with contextlib.suppress(FileNotFoundError):
        staging.unlink()
    # 1. The backup, copied next to the store (same file system: the final rename is atomic).
    phase("copy")
    copy_database(backup, staging, key, progress=progress)
    try:
        # 2. The current store kept, then settled so that one rename replaces all of it.
        phase("keep")
        kept = _keep_current(store_path, key, folder, progress)
        if kept is not None and kept.label != "damaged":
            _settle_current(store_path, key)
        for suffix in ("-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                store_path.with_name(store_path.name + suffix).unlink()
        # 3. The switch.
        phase("switch")
        staging.replace(store_path)
        fsync_dir(store_path.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            staging.unlink()
        raise
    keyring_restored = False
    backup_keys = keyring_path(backup)
    if key is not None and not keyring_path(store_path).exists() and backup_keys.exists():
        _copy_private(backup_keys, keyring_path(store_path))
        keyring_restored = True
    restored: BackupInfo | Path = _parse(store_path, backup) or backup
    phase("done")
    return RestoreResult(restored, revision, kept, keyring_restored)


def _keep_current(
    store_path: Path, key: bytes | None, folder: Path, progress: Progress | None
) -> BackupInfo | None:
    if file_is_plain_sqlite(store_path) is None:
        return None
    try:
        return backup_file(
            store_path, key, label="before-restore", folder=folder, keep=None, progress=progress
        )
    except (StoreError, OSError):
        pass
    # Damaged (or not openable with this key): keep its files as they are, for the record.
    now = dt.datetime.now()  # noqa: DTZ005 - local time names the file
    target = _new_name(store_path, folder, "damaged", now)
    _copy_private(store_path, target)
    wal = store_path.with_name(store_path.name + "-wal")
    if wal.exists():
        _copy_private(wal, target.with_name(target.name + "-wal"))
    fsync_dir(folder)
    return _parse(store_path, target)


def clean_leftovers(store_path: Path) -> None:
    """Remove the staging copy a restore killed mid-way left beside the store (the store
    itself is the old one then); a restore still running elsewhere keeps its own."""
    prefix = f"{store_path.name}.restoring-"
    for file in store_path.parent.glob(f"{glob.escape(prefix)}*"):
        found = re.fullmatch(r"(\d+)(?:-journal)?", file.name[len(prefix) :])
        if found and not _pid_alive(int(found[1])):
            with contextlib.suppress(OSError):
                file.unlink()
