"""Backups while the store is in use, keeping the last N, the check at start, and restoring."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import signal
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from workstation import settings
from workstation.errors import Cancelled, StoreError
from workstation.services import leads, users
from workstation.services.audit import verify_chain
from workstation.services.auth import IMPLICIT_ADMIN, Actor
from workstation.store import Store, open_store, to_url
from workstation.store import backup as b
from workstation.store import crypto as c
from workstation.store.encrypting import encrypt_store
from workstation.store.integrity import StoreDamaged, check_at_start, run_check

# SQLite files: backups, SQLCipher, restore and checks (on a server the DBA's tools do this).
pytestmark = pytest.mark.sqlite_only

REPO = Path(__file__).resolve().parents[3]
# Another process writing to the store as fast as it can, one commit per tick.
WRITER = """
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
c.execute("CREATE TABLE IF NOT EXISTS ticks (n INTEGER PRIMARY KEY)")
print("writing", flush=True)
n = 0
while True:
    n += 1
    c.execute("BEGIN IMMEDIATE")
    c.execute("INSERT INTO ticks VALUES (?)", (n,))
    c.execute("UPDATE filler SET b = randomblob(4000) WHERE n = ?", (n % 9000 + 1,))
    c.execute("COMMIT")
"""
FAST = c.KdfParams(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORD = "correct horse 1"
BOSS = Actor(login="boss", display_name="boss", role="admin")


def _add_leads(store: Store, n: int, actor: Actor = IMPLICIT_ADMIN) -> None:
    for i in range(n):
        leads.create_lead(store, actor, {"received_on": "2021-03-01", "summary": f"线索{i}"})


def _count(store: Store, actor: Actor = IMPLICIT_ADMIN) -> int:
    return leads.count_leads(store, actor)


def _count_file(path: Path, key: bytes | None = None) -> int:
    from workstation.store.engine import raw_connect

    conn = raw_connect(path, key, read_only=True)
    try:
        return int(conn.execute("SELECT count(*) FROM leads").fetchone()[0])
    finally:
        conn.close()


def _fill(store: Store, megabytes: int) -> None:
    """Bulk that makes copying take a while (a table of random blobs)."""
    with store.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS filler (n INTEGER PRIMARY KEY, b BLOB)")
        conn.exec_driver_sql(
            "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < ?)"
            " INSERT INTO filler (b) SELECT randomblob(4000) FROM r",
            (megabytes * 250,),
        )


def _damage(path: Path, key: bytes | None = None) -> None:
    """Overwrite bytes inside the page holding the leads table's rows (where they lie: a plain
    page's free middle is unused space, which no check can tell from damage)."""
    from workstation.store.engine import raw_connect

    conn = raw_connect(path, key, read_only=True)
    try:
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'leads'").fetchone()
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    finally:
        conn.close()
    with path.open("r+b") as f:
        f.seek(int(root[0]) * int(page_size) - 700)
        f.write(b"\xa5" * 600)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- taking backups -------------------------------------------------------------------------


def test_backup_is_a_private_checked_copy_in_the_backups_folder(
    store: Store, store_path: Path
) -> None:
    _add_leads(store, 3)
    info = b.take_backup(store)
    assert info.path.parent == store_path.parent / "backups"
    assert re.fullmatch(r"ws-\d{8}-\d{6}-manual\.db", info.path.name)
    assert stat.S_IMODE(info.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(info.path.parent.stat().st_mode) == 0o700
    assert not info.encrypted
    assert run_check(info.path, full=True) == []
    assert _count_file(info.path) == 3
    # One self-contained file: no WAL beside it, and none needed.
    assert sqlite3.connect(info.path).execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert [x.path for x in b.list_backups(store_path)] == [info.path]


def test_backup_to_another_folder(store: Store, store_path: Path, tmp_path: Path) -> None:
    info = b.take_backup(store, folder=tmp_path / "usb")
    assert info.path.parent == tmp_path / "usb"
    assert b.list_backups(store_path, tmp_path / "usb") == [info]


def test_only_the_last_n_backups_are_kept(store: Store, store_path: Path) -> None:
    with store.write() as session:
        settings.save(session, settings.Settings(backup_keep=3))
    taken = []
    for i in range(5):
        _add_leads(store, 1)
        taken.append(b.take_backup(store, label=f"n{i}"))
    kept = b.list_backups(store_path)
    assert [k.label for k in kept] == ["n4", "n3", "n2"]  # newest first, even within a second
    assert not taken[0].path.exists()
    assert not taken[1].path.exists()
    assert [_count_file(k.path) for k in kept] == [5, 4, 3]


def test_backup_is_consistent_while_another_process_writes(store: Store, store_path: Path) -> None:
    _fill(store, 40)
    seen: list[int] = []
    with subprocess.Popen(
        [sys.executable, "-c", WRITER, str(store_path)], stdout=subprocess.PIPE
    ) as writer:
        try:
            assert writer.stdout is not None
            assert writer.stdout.readline() == b"writing\n"
            info = b.take_backup(store, keep=None, progress=lambda done, _: seen.append(done))
            still_writing = writer.poll() is None
        finally:
            writer.kill()
    assert still_writing
    assert len(seen) > 1  # copied step by step, the writer going on in between
    assert run_check(info.path, full=True) == []
    conn = sqlite3.connect(info.path)
    ticks = [n for (n,) in conn.execute("SELECT n FROM ticks ORDER BY n")]
    conn.close()
    assert ticks == list(range(1, len(ticks) + 1))  # a snapshot: every commit up to one


def test_a_cancelled_backup_leaves_nothing(store: Store, store_path: Path) -> None:
    _fill(store, 20)
    with pytest.raises(Cancelled):
        b.take_backup(store, cancel=lambda: True)
    assert list((store_path.parent / "backups").iterdir()) == []


def test_a_damaged_store_is_not_backed_up(store: Store, store_path: Path) -> None:
    _add_leads(store, 1)
    good = b.take_backup(store)
    _fill(store, 2)
    store.dispose()
    _damage(store_path)
    with pytest.raises(StoreError, match="已损坏，无法备份"):
        b.backup_file(store_path)
    assert b.list_backups(store_path) == [good]


def test_daily_backup_once_a_day(store: Store, store_path: Path) -> None:
    first = b.daily_backup_if_due(store)
    assert first is not None
    assert first.label == "daily"
    assert b.daily_backup_if_due(store) is None
    tomorrow = dt.date.today() + dt.timedelta(days=1)  # noqa: DTZ011 - the user's day
    assert b.daily_backup_if_due(store, today=tomorrow) is not None


def test_server_stores_are_not_backed_up_here() -> None:
    store = Store(to_url("sqlite://"))  # not a file
    with pytest.raises(StoreError, match="服务器数据库"):
        b.take_backup(store)
    assert b.daily_backup_if_due(store) is None
    store.dispose()


# --- encrypted backups ----------------------------------------------------------------------


@pytest.fixture
def encrypted(tmp_path: Path) -> tuple[Path, bytes]:
    path = tmp_path / "enc.db"
    store = open_store(path, create=True)
    users.create_first_admin(store, "boss", PASSWORD)
    _add_leads(store, 2, BOSS)
    store.dispose()
    return path, encrypt_store(path, "boss", PASSWORD, params=FAST).store_key


def test_backup_of_an_encrypted_store_is_encrypted_with_its_key_file(
    encrypted: tuple[Path, bytes],
) -> None:
    path, key = encrypted
    store = open_store(path, key=key)
    try:
        info = b.take_backup(store)
    finally:
        store.dispose()
    assert info.encrypted
    assert not info.path.read_bytes().startswith(b"SQLite format 3")
    assert "线索".encode() not in info.path.read_bytes()
    assert info.keyring is not None
    assert stat.S_IMODE(info.keyring.stat().st_mode) == 0o600
    assert c.unlock(info.keyring, "boss", PASSWORD) == key
    assert _count_file(info.path, key) == 2


def test_restore_of_an_encrypted_backup(encrypted: tuple[Path, bytes]) -> None:
    path, key = encrypted
    store = open_store(path, key=key)
    saved = b.take_backup(store)
    _add_leads(store, 5, BOSS)
    store.dispose()
    result = b.restore(path, saved.path, key)
    assert result.kept_current is not None
    assert result.kept_current.encrypted
    assert _count_file(path, key) == 2
    assert _count_file(result.kept_current.path, key) == 7
    with pytest.raises(StoreError, match="不能用未加密的备份替换"):
        b.restore(path, saved.path, None)


def test_plain_backup_is_not_restored_into_an_encrypted_store(
    encrypted: tuple[Path, bytes], tmp_path: Path
) -> None:
    path, key = encrypted
    plain = open_store(tmp_path / "plain.db", create=True)
    other = b.take_backup(plain)
    plain.dispose()
    before = _sha(path)
    with pytest.raises(StoreError, match="未加密，不能恢复为加密的数据库"):
        b.restore(path, other.path, key)
    assert _sha(path) == before


def test_an_encrypted_backup_made_with_another_key_is_refused(
    encrypted: tuple[Path, bytes],
) -> None:
    path, key = encrypted
    store = open_store(path, key=key)
    saved = b.take_backup(store)
    store.dispose()
    before = _sha(path)
    with pytest.raises(StoreError, match="不是用此数据库的密钥加密的"):
        b.restore(path, saved.path, c.new_store_key())
    assert _sha(path) == before


# --- the check at start ---------------------------------------------------------------------


def test_a_sound_store_passes_the_check(store: Store, store_path: Path) -> None:
    _add_leads(store, 2)
    found = check_at_start(store_path)
    assert found.ok
    assert "检查通过" in found.message
    assert check_at_start(store_path.with_name("none.db")).ok  # nothing there yet


def test_a_damaged_store_is_refused_and_the_latest_good_backup_offered(
    store: Store, store_path: Path
) -> None:
    _add_leads(store, 1)
    older = b.take_backup(store, label="older")
    _add_leads(store, 1)
    good = b.take_backup(store, label="good")
    _add_leads(store, 1)
    broken = b.take_backup(store, label="broken")
    _fill(store, 2)
    store.dispose()
    _damage(broken.path)
    _damage(store_path)
    before = _sha(store_path)

    found = check_at_start(store_path)
    assert not found.ok
    assert found.problems
    assert found.latest_backup == good  # the newest is damaged too: passed over
    assert good.path.name in found.message
    assert "已损坏" in found.message
    with pytest.raises(StoreDamaged) as refused:
        open_store(store_path, check=True)
    assert refused.value.check.latest_backup == good
    assert _sha(store_path) == before

    result = b.restore(store_path, found.latest_backup.path)
    assert result.kept_current is not None
    assert result.kept_current.label == "damaged"
    assert check_at_start(store_path).ok
    store = open_store(store_path, check=True)
    try:
        assert _count(store) == 2
    finally:
        store.dispose()
    assert older.path.exists()


def test_a_damaged_encrypted_store_is_refused_too(encrypted: tuple[Path, bytes]) -> None:
    path, key = encrypted
    store = open_store(path, key=key)
    saved = b.take_backup(store)
    _fill(store, 2)
    store.dispose()
    _damage(path, key)
    found = check_at_start(path, key)
    assert not found.ok
    assert found.latest_backup == saved
    b.restore(path, saved.path, key)
    assert check_at_start(path, key).ok


# --- restoring ------------------------------------------------------------------------------


def test_restore_brings_the_backup_back_and_keeps_the_current_store(
    store: Store, store_path: Path
) -> None:
    _add_leads(store, 2)
    saved = b.take_backup(store)
    _add_leads(store, 3)
    store.dispose()

    result = b.restore(store_path, saved.path)

    assert result.restored == saved
    assert result.kept_current is not None
    assert result.kept_current.label == "before-restore"
    assert _count_file(result.kept_current.path) == 5
    for suffix in ("-wal", "-shm"):
        assert not store_path.with_name(store_path.name + suffix).exists()
    assert not list(store_path.parent.glob("ws.db.restoring*"))
    assert stat.S_IMODE(store_path.stat().st_mode) == 0o600
    store = open_store(store_path)
    try:
        assert _count(store) == 2
        assert verify_chain(store, IMPLICIT_ADMIN).ok
    finally:
        store.dispose()


def test_restore_refuses_a_damaged_backup_and_changes_nothing(
    store: Store, store_path: Path
) -> None:
    _add_leads(store, 1)
    _fill(store, 2)
    saved = b.take_backup(store)
    store.dispose()
    _damage(saved.path)
    before = _sha(store_path)
    with pytest.raises(StoreError, match="已损坏（完整性检查未通过），未作恢复"):
        b.restore(store_path, saved.path)
    assert _sha(store_path) == before
    assert [x.label for x in b.list_backups(store_path)] == ["manual"]


def test_restore_refuses_a_backup_of_a_newer_schema(store: Store, store_path: Path) -> None:
    saved = b.take_backup(store)
    store.dispose()
    conn = sqlite3.connect(saved.path)
    conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.commit()
    conn.close()
    before = _sha(store_path)
    with pytest.raises(StoreError, match="更新版本的工作站创建"):
        b.restore(store_path, saved.path)
    assert _sha(store_path) == before


@pytest.mark.parametrize("content", [b"not a database at all", b""])
def test_restore_refuses_what_is_not_a_backup(
    store: Store, store_path: Path, tmp_path: Path, content: bytes
) -> None:
    store.dispose()
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(content)
    before = _sha(store_path)
    with pytest.raises(StoreError):
        b.restore(store_path, bogus)
    assert _sha(store_path) == before


def test_restore_refuses_another_programs_database(
    store: Store, store_path: Path, tmp_path: Path
) -> None:
    store.dispose()
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="不是工作站数据库的备份"):
        b.restore(store_path, other)


def test_restore_of_an_older_schema_is_migrated_on_open(tmp_path: Path) -> None:
    from alembic import command

    from workstation.store import current_revision, head_revision
    from workstation.store.migrate import alembic_config

    old_path = tmp_path / "old.db"
    old = Store(to_url(old_path))
    with old.engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0001")
    old.dispose()
    path = tmp_path / "ws.db"
    open_store(path, create=True).dispose()
    assert b.restore(path, old_path).revision == "0001"
    store = open_store(path)  # migrated, like a store of that version at start
    try:
        assert current_revision(store) == head_revision()
    finally:
        store.dispose()
    assert [x.label for x in b.list_backups(path)] == ["before-migration-0001", "before-restore"]


# --- killed mid-way -------------------------------------------------------------------------


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "workstation", *args]


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), **extra}


def _big_encrypted_store(path: Path, megabytes: int) -> bytes:
    store = open_store(path, create=True)
    users.create_first_admin(store, "boss", PASSWORD)
    store.dispose()
    key = encrypt_store(path, "boss", PASSWORD, params=FAST).store_key
    store = open_store(path, key=key)
    try:
        _add_leads(store, 1, BOSS)
        _fill(store, megabytes)
    finally:
        store.dispose()
    return key


def _run_until(command: list[str], env: dict[str, str], stop: Any) -> int:
    """Run the CLI, read its progress on stderr until stop(line) says so, then SIGKILL it."""
    with subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    ) as process:
        assert process.stderr is not None
        lines = []
        while True:
            line = process.stderr.readline().decode("utf-8")
            if not line and process.poll() is not None:
                raise AssertionError(f"finished before it could be killed: {lines}")
            lines.append(line)
            if stop(line, lines):
                break
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    return process.returncode


def _mid_copy(line: str, _lines: list[str]) -> bool:
    found = re.search(r"(\d+)/(\d+)", line)
    return bool(found and 0 < int(found[1]) < int(found[2]))


@pytest.mark.slow
def test_a_backup_killed_mid_way_leaves_no_backup_and_the_store_as_it_was(
    tmp_path: Path,
) -> None:
    path = tmp_path / "ws.db"
    key = _big_encrypted_store(path, 60)
    before = _sha(path)
    env = _env(WORKSTATION_PASSWORD=PASSWORD)
    command = _cli("--db", str(path), "--user", "boss", "backup", "--progress")
    assert _run_until(command, env, _mid_copy) == -signal.SIGKILL

    assert _sha(path) == before
    assert check_at_start(path, key).ok
    assert b.list_backups(path) == []
    leftovers = [f.name for f in (tmp_path / "backups").iterdir() if ".partial-" in f.name]
    assert leftovers  # the killed copy, under its temporary name only
    # The next backup clears what the killed one left.
    subprocess.run(command, env=env, check=True, capture_output=True)
    assert not [f for f in (tmp_path / "backups").iterdir() if ".partial-" in f.name]
    newest = b.list_backups(path)[0]
    assert run_check(newest.path, key) == []


@pytest.mark.slow
@pytest.mark.parametrize("when", ["copying the backup", "keeping the current store", "switch"])
def test_a_restore_killed_mid_way_leaves_the_old_store_or_the_new(
    tmp_path: Path, when: str
) -> None:
    path = tmp_path / "ws.db"
    key = _big_encrypted_store(path, 40)
    store = open_store(path, key=key)
    saved = b.take_backup(store, keep=None)  # 1 lead
    _add_leads(store, 2, BOSS)  # 3 leads now
    store.dispose()
    env = _env(WORKSTATION_PASSWORD=PASSWORD)
    command = _cli(
        "--db", str(path), "--user", "boss", "restore", str(saved.path), "--progress"
    )  # fmt: skip

    def stop(line: str, lines: list[str]) -> bool:
        if when == "copying the backup":
            return _mid_copy(line, lines)
        if when == "keeping the current store":
            return "正在保留当前数据库" in "".join(lines[:-1]) and _mid_copy(line, lines)
        return "正在替换数据库" in line

    assert _run_until(command, env, stop) == -signal.SIGKILL

    assert check_at_start(path, key).ok
    store = open_store(path, key=key)  # clears the staging copy a killed restore left
    try:
        count = _count(store, BOSS)
        assert verify_chain(store, BOSS).ok
    finally:
        store.dispose()
    if when == "switch":
        assert count in (1, 3)
    else:
        assert count == 3  # the switch comes last: the old store, whole
    assert not list(path.parent.glob("ws.db.restoring*"))
