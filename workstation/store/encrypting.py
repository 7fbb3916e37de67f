"""Turning a plain store into an encrypted one, and overwriting the plain files it leaves.

The conversion exports the store into a new SQLCipher file (sqlcipher_export), checks the
copy, writes the key file, and swaps the copy in with one rename; a crash at any point leaves
the plain store as it was, or the encrypted one. The plain original (kept reachable by a
hard link until the rename is done), its WAL files and its backups are then overwritten and
removed. What that overwriting can promise depends on the disk: see `wipe_file`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import secrets
from pathlib import Path

from workstation.errors import StoreError
from workstation.store.backup import backups_dir, list_backups
from workstation.store.crypto import (
    DEFAULT_KDF,
    KdfParams,
    add_slot,
    create_keyring,
    fsync_dir,
    keyring_path,
    new_store_key,
)
from workstation.store.engine import file_is_plain_sqlite, raw_connect, raw_key
from workstation.store.integrity import run_check

WIPE_SUFFIX = ".plain-wipe"
STAGING_SUFFIX = ".encrypting"
CHUNK = 1 << 20


@dataclasses.dataclass(frozen=True)
class EncryptResult:
    path: Path
    store_key: bytes = dataclasses.field(repr=False)
    recovery_key: str = dataclasses.field(repr=False)
    # Plain files overwritten and removed: the original, its WAL files, its backups.
    wiped: tuple[Path, ...]
    # Whether the original's own disk blocks were overwritten (needs hard links; see wipe_file).
    original_overwritten: bool


def wipe_file(path: Path) -> None:
    """Overwrite a file with random bytes, flush it to the disk, then remove it.

    On a hard disk with an in-place file system (ext4, NTFS) this destroys the content. It
    cannot promise that on an SSD or USB stick (the controller writes the new bytes elsewhere
    and frees the old flash blocks later, out of any program's reach), on copy-on-write or
    snapshotting file systems (btrfs, ZFS, APFS, Windows shadow copies), nor for copies the
    system made on its own (swap, hibernation, backups, sync clients)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    with contextlib.suppress(FileNotFoundError), path.open("r+b") as handle:
        left = size
        while left > 0:
            chunk = min(CHUNK, left)
            handle.write(secrets.token_bytes(chunk))
            left -= chunk
        handle.flush()
        os.fsync(handle.fileno())
        handle.truncate(0)
        handle.flush()
        os.fsync(handle.fileno())
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _wipe_path(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + WIPE_SUFFIX)


def finish_pending_wipe(store_path: Path) -> None:
    """Finish what an `encrypt` killed after its switch left: the plain original, still
    reachable by its hard link. (Killed before the switch, the link is the live plain store
    itself: then it is only unlinked, never overwritten.)"""
    pending = _wipe_path(store_path)
    if not pending.exists():
        return
    with contextlib.suppress(FileNotFoundError):
        staging = store_path.with_name(store_path.name + STAGING_SUFFIX)
        staging.unlink()
    try:
        same = store_path.exists() and pending.samefile(store_path)
    except OSError:
        same = True
    if same or file_is_plain_sqlite(store_path) is not False:
        pending.unlink()
    else:
        wipe_file(pending)


def _table_counts(conn: object) -> dict[str, int]:
    cursor = conn.execute(  # type: ignore[attr-defined]
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " AND sql NOT LIKE 'CREATE VIRTUAL%'"
    )
    names = [row[0] for row in cursor.fetchall()]
    return {
        name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]  # type: ignore[attr-defined]
        for name in names
    }


def _verify_copy(staging: Path, key: bytes, counts: dict[str, int]) -> None:
    if run_check(staging, key, full=True):
        raise StoreError("加密后的副本未通过完整性检查；原数据库未作改动")
    check = raw_connect(staging, key, read_only=True)
    try:
        after = _table_counts(check)
    finally:
        check.close()
    if after != counts:
        raise StoreError("加密后的副本与原数据库的记录数不一致；原数据库未作改动")


def encrypt_store(
    store_path: Path,
    login: str,
    password: str,
    *,
    params: KdfParams = DEFAULT_KDF,
) -> EncryptResult:
    """Encrypt the plain store at `store_path` (closed by every program), giving `login` the
    first key slot. The caller checks first that `login` is an admin whose password this is."""
    from workstation.store.engine import _sqlcipher

    store_path = Path(store_path)
    plain = file_is_plain_sqlite(store_path)
    if plain is None:
        raise StoreError(f"数据库文件“{store_path}”不存在或为空")
    if not plain:
        raise StoreError(f"数据库“{store_path}”已经加密，或不是工作站数据库")
    keys = keyring_path(store_path)
    staging = store_path.with_name(store_path.name + STAGING_SUFFIX)
    pending = _wipe_path(store_path)
    finish_pending_wipe(store_path)
    for leftover in (keys, staging):
        # Left by an encrypt killed before its switch: never used for any data.
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
    key = new_store_key()
    linked = False
    fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    # SQLCipher's connection without a key reads a plain file as SQLite does.
    conn = _sqlcipher().connect(str(store_path), isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout = 10000")
        # Out of WAL: every commit folded into the file, no -wal or -shm left behind.
        conn.execute("PRAGMA journal_mode = DELETE").fetchall()
        conn.execute("ATTACH DATABASE ? AS encrypted KEY ?", (str(staging), raw_key(key)))
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("SELECT sqlcipher_export('encrypted')").fetchall()
            version = conn.execute("PRAGMA main.user_version").fetchone()[0]
            conn.execute(f"PRAGMA encrypted.user_version = {int(version)}")
            counts = _table_counts(conn)
            seen = conn.execute("PRAGMA data_version").fetchone()[0]
        finally:
            conn.execute("COMMIT")
        conn.execute("DETACH DATABASE encrypted")
        # The write lock again until the switch; a change slipped in between is refused.
        conn.execute("BEGIN IMMEDIATE")
        if conn.execute("PRAGMA data_version").fetchone()[0] != seen:
            raise StoreError("加密时数据库被其他程序修改，请关闭工作站的其他窗口后重试")
        _verify_copy(staging, key, counts)
        store_key, recovery = create_keyring(keys, store_key=key, params=params)
        add_slot(keys, store_key, login, password, params=params)
        # The plain file stays reachable under a second name until it has been overwritten.
        try:
            os.link(store_path, pending)
            linked = True
        except OSError:
            linked = False
        staging.replace(store_path)
        fsync_dir(store_path.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            staging.unlink()
        if file_is_plain_sqlite(store_path):
            for leftover in (keys, pending):
                with contextlib.suppress(FileNotFoundError):
                    leftover.unlink()
        raise
    finally:
        with contextlib.suppress(Exception):
            conn.execute("ROLLBACK")
        conn.close()
    wiped = [store_path] if linked else []
    if linked:
        wipe_file(pending)
    for extra in _plain_leftovers(store_path):
        wipe_file(extra)
        wiped.append(extra)
    return EncryptResult(store_path, key, recovery, tuple(wiped), linked)


def _plain_leftovers(store_path: Path) -> list[Path]:
    """Plain copies of the store's data left beside it: WAL files, backups (the migration
    backups of older versions too)."""
    found = [
        store_path.with_name(store_path.name + suffix)
        for suffix in ("-wal", "-shm", "-journal")
        if store_path.with_name(store_path.name + suffix).exists()
    ]
    for info in list_backups(store_path, backups_dir(store_path)):
        if not info.encrypted:
            found.append(info.path)
            wal = info.path.with_name(info.path.name + "-wal")
            if wal.exists():
                found.append(wal)
    found.extend(sorted(store_path.parent.glob(f"{store_path.stem}.before-*.bak")))
    return found
