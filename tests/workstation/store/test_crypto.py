"""Encryption at rest: key slots in the key file, encrypted stores, refusing what does not fit."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from workstation.errors import AuthError, PermissionDenied, WorkstationError
from workstation.services import leads, users, vault
from workstation.services.auth import Actor
from workstation.store import crypto as c
from workstation.store import open_store
from workstation.store.backup import list_backups
from workstation.store.encrypting import encrypt_store, finish_pending_wipe
from workstation.store.engine import KeyRequired, WrongKey

# SQLite files: backups, SQLCipher, restore and checks (on a server the DBA's tools do this).
pytestmark = pytest.mark.sqlite_only

SECRET = "反映人张秘密举报东湖分局违规经商"
PASSWORD = "correct horse 1"
BOSS = Actor(login="boss", display_name="boss", role="admin")
# Cheap derivation for the many slots made here; the default cost is exercised by the tests
# of the encrypt service and the command line.
FAST = c.KdfParams(time_cost=1, memory_cost=1024, parallelism=1)


def _digest(folder: Path) -> dict[str, str]:
    return {
        f.name: hashlib.sha256(f.read_bytes()).hexdigest()
        for f in sorted(folder.iterdir())
        if f.is_file()
    }


def _plaintext_anywhere(folder: Path, needle: str = SECRET) -> list[Path]:
    return [
        f for f in folder.rglob("*") if f.is_file() and needle.encode("utf-8") in f.read_bytes()
    ]


@pytest.fixture
def keyring(tmp_path: Path) -> tuple[Path, bytes, str]:
    path = tmp_path / "ws.db.keys"
    key, recovery = c.create_keyring(path, params=FAST)
    c.add_slot(path, key, "alice", "alice-password", params=FAST)
    c.add_slot(path, key, "bob", "bob-password", params=FAST)
    return path, key, recovery


def _plain_store_with_admin(path: Path) -> None:
    store = open_store(path, create=True)
    users.create_first_admin(store, "boss", PASSWORD)
    leads.create_lead(
        store, BOSS, {"received_on": "2021-03-01", "summary": SECRET, "reporter_name": "张三"}
    )
    store.dispose()


@pytest.fixture
def encrypted(tmp_path: Path) -> tuple[Path, bytes]:
    path = tmp_path / "ws.db"
    _plain_store_with_admin(path)
    done = encrypt_store(path, "boss", PASSWORD, params=FAST)
    return path, done.store_key


# --- key slots ------------------------------------------------------------------------------


def test_each_slot_opens_the_same_key(keyring: tuple[Path, bytes, str]) -> None:
    path, key, _ = keyring
    assert len(key) == 32
    assert c.unlock(path, "alice", "alice-password") == key
    assert c.unlock(path, "bob", "bob-password") == key
    assert c.slot_logins(path) == ["alice", "bob"]


def test_key_file_is_private_and_holds_no_key_in_clear(keyring: tuple[Path, bytes, str]) -> None:
    path, key, recovery = keyring
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    content = path.read_text(encoding="utf-8")
    for secret in (key.hex(), base64.b64encode(key).decode(), recovery, "alice-password"):
        assert secret not in content
    body = json.loads(content)
    assert {s["kdf"]["name"] for s in [*body["slots"], body["recovery"]]} == {"argon2id"}


def test_wrong_password_and_unknown_login_are_refused(keyring: tuple[Path, bytes, str]) -> None:
    path, _, _ = keyring
    before = path.read_bytes()
    with pytest.raises(AuthError, match="密码不正确"):
        c.unlock(path, "alice", "bob-password")
    with pytest.raises(AuthError, match="没有此数据库的密钥"):
        c.unlock(path, "carol", "alice-password")
    assert path.read_bytes() == before


def test_password_change_rewraps_one_slot(keyring: tuple[Path, bytes, str]) -> None:
    path, key, _ = keyring
    bob_before = json.loads(path.read_text())["slots"][1]
    c.rewrap(path, "alice", "alice-password", "alice-new-password", params=FAST)
    assert c.unlock(path, "alice", "alice-new-password") == key
    with pytest.raises(AuthError):
        c.unlock(path, "alice", "alice-password")
    assert json.loads(path.read_text())["slots"][1] == bob_before
    assert c.unlock(path, "bob", "bob-password") == key
    with pytest.raises(AuthError):
        c.rewrap(path, "bob", "not-bobs-password", "whatever-else")


def test_recovery_key_is_grouped_for_writing_down_and_opens_the_store(
    keyring: tuple[Path, bytes, str],
) -> None:
    path, key, recovery = keyring
    groups = recovery.split("-")
    assert [len(g) for g in groups] == [4] * 8
    assert c.unlock_with_recovery(path, recovery) == key
    typed = " ".join(groups).lower().replace("0", "o").replace("1", "l")
    assert c.unlock_with_recovery(path, typed) == key
    wrong = c.new_recovery_key()
    with pytest.raises(AuthError, match="恢复密钥不正确"):
        c.unlock_with_recovery(path, wrong)
    with pytest.raises(AuthError, match="32 个字母或数字"):
        c.unlock_with_recovery(path, "ABCD-EFGH")


def test_a_new_recovery_key_replaces_the_old(keyring: tuple[Path, bytes, str]) -> None:
    path, key, old = keyring
    new = c.replace_recovery_key(path, key, params=FAST)
    assert c.unlock_with_recovery(path, new) == key
    with pytest.raises(AuthError):
        c.unlock_with_recovery(path, old)


def test_removed_slot_no_longer_opens(keyring: tuple[Path, bytes, str]) -> None:
    path, key, _ = keyring
    assert c.remove_slot(path, key, "bob")
    assert not c.remove_slot(path, key, "bob")
    with pytest.raises(AuthError, match="没有此数据库的密钥"):
        c.unlock(path, "bob", "bob-password")
    assert c.unlock(path, "alice", "alice-password") == key


def test_a_slot_is_only_added_with_the_right_store_key(keyring: tuple[Path, bytes, str]) -> None:
    path, _, _ = keyring
    before = path.read_bytes()
    with pytest.raises(c.KeyringTampered):
        c.add_slot(path, c.new_store_key(), "mallory", "mallory-password", params=FAST)
    assert path.read_bytes() == before


def test_creating_a_key_file_never_replaces_one(keyring: tuple[Path, bytes, str]) -> None:
    path, _, _ = keyring
    before = path.read_bytes()
    with pytest.raises(WorkstationError, match="已存在"):
        c.create_keyring(path)
    assert path.read_bytes() == before


def _flip(data: str) -> str:
    raw = bytearray(base64.b64decode(data))
    raw[len(raw) // 2] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


def _slot(body: dict[str, Any], login: str) -> dict[str, Any]:
    return next(s for s in body["slots"] if s["login"] == login)


def _foreign_slot(body: dict[str, Any], tmp: Path) -> None:
    other = tmp / "other.keys"
    key, _ = c.create_keyring(other, params=FAST)
    c.add_slot(other, key, "mallory", "mallory-password", params=FAST)
    body["slots"].append(json.loads(other.read_text())["slots"][0])


TAMPERINGS: dict[str, Callable[[dict[str, Any], Path], None]] = {
    "wrapped key": lambda b, _: _slot(b, "alice").update(
        wrapped=_flip(_slot(b, "alice")["wrapped"])
    ),
    "nonce": lambda b, _: _slot(b, "alice").update(nonce=_flip(_slot(b, "alice")["nonce"])),
    "slot moved to another login": lambda b, _: (
        b["slots"].remove(_slot(b, "bob")),
        _slot(b, "alice").update(login="bob"),
    ),
    "store id": lambda b, _: b.update(store_id="00000000-0000-4000-8000-000000000000"),
    "another user's slot removed": lambda b, _: b["slots"].remove(_slot(b, "bob")),
    "a slot from another key file added": _foreign_slot,
    "derivation cost changed": lambda b, _: _slot(b, "alice")["kdf"].update(time_cost=2),
}


@pytest.mark.parametrize("how", list(TAMPERINGS))
def test_a_tampered_key_file_is_refused(
    keyring: tuple[Path, bytes, str], tmp_path: Path, how: str
) -> None:
    path, _, _ = keyring
    body = json.loads(path.read_text())
    TAMPERINGS[how](body, tmp_path)
    path.write_text(json.dumps(body))
    login, password = ("bob", "alice-password") if how == "slot moved to another login" else (
        "alice", "alice-password"
    )  # fmt: skip
    with pytest.raises((c.KeyringTampered, AuthError)) as caught:
        c.unlock(path, login, password)
    if how == "derivation cost changed":
        # Another cost derives another key: indistinguishable from a wrong password.
        assert isinstance(caught.value, AuthError)
    else:
        assert isinstance(caught.value, c.KeyringTampered)
        assert caught.value.message == "密钥文件已损坏或被篡改"


@pytest.mark.parametrize(
    "content", [b"", b"{not json", b'{"format": "x"}', "密钥".encode("gbk"), b"[]"]
)
def test_a_damaged_key_file_is_refused(keyring: tuple[Path, bytes, str], content: bytes) -> None:
    path, _, _ = keyring
    path.write_bytes(content)
    with pytest.raises(c.KeyringTampered, match="密钥文件已损坏或被篡改"):
        c.unlock(path, "alice", "alice-password")


def test_a_missing_key_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(WorkstationError, match="找不到密钥文件"):
        c.unlock(tmp_path / "none.keys", "alice", "alice-password")


# --- encrypted stores -----------------------------------------------------------------------


def test_encrypting_leaves_nothing_readable_behind(tmp_path: Path) -> None:
    path = tmp_path / "ws.db"
    _plain_store_with_admin(path)
    # A plain backup and a migration backup of an older version lie beside it.
    from workstation.store.backup import backup_file

    plain_backup = backup_file(path, None, label="manual").path
    legacy = tmp_path / "ws.before-0001-20210301-080000.bak"
    legacy.write_bytes(plain_backup.read_bytes())
    assert _plaintext_anywhere(tmp_path)

    done = encrypt_store(path, "boss", PASSWORD, params=FAST)

    assert _plaintext_anywhere(tmp_path) == []
    assert done.original_overwritten
    assert set(done.wiped) >= {path, plain_backup, legacy}
    assert not plain_backup.exists()
    assert not legacy.exists()
    assert c.is_encrypted(path)
    assert path.read_bytes()[:16] != b"SQLite format 3\x00"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(path).execute("SELECT * FROM sqlite_master").fetchall()


def test_encrypted_store_works_as_before(encrypted: tuple[Path, bytes]) -> None:
    path, key = encrypted
    assert c.unlock_store(path, "boss", PASSWORD) == key
    store = open_store(path, key=key)
    try:
        assert store.is_encrypted
        assert store.key == key
        assert leads.count_leads(store, BOSS) == 1
        leads.create_lead(store, BOSS, {"received_on": "2021-03-02", "summary": "第二条线索"})
        assert leads.count_leads(store, BOSS) == 2
        with store.engine.connect() as conn:
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 10_000
            assert conn.execute(text("PRAGMA cipher_version")).scalar()
    finally:
        store.dispose()
    assert _plaintext_anywhere(path.parent, "第二条线索") == []


def test_full_text_search_with_trigrams_works_in_an_encrypted_store(
    encrypted: tuple[Path, bytes],
) -> None:
    path, key = encrypted
    store = open_store(path, key=key)
    try:
        with store.engine.begin() as conn:
            conn.execute(text("CREATE VIRTUAL TABLE t_fts USING fts5(x, tokenize='trigram')"))
            conn.execute(text("INSERT INTO t_fts VALUES ('江州市公安局东湖分局民警违规经商')"))
        with store.engine.connect() as conn:
            found = conn.execute(text("SELECT x FROM t_fts WHERE t_fts MATCH '东湖分局'")).all()
        assert found == [("江州市公安局东湖分局民警违规经商",)]
    finally:
        store.dispose()


def test_plain_store_says_it_is_not_encrypted(store: Any, store_path: Path) -> None:
    assert store.is_encrypted is False
    assert store.key is None
    assert not c.is_encrypted(store_path)


def test_encrypted_store_without_the_key_is_refused_untouched(
    encrypted: tuple[Path, bytes],
) -> None:
    path, _ = encrypted
    before = _digest(path.parent)
    with pytest.raises(KeyRequired, match="已加密，请用登录名和密码打开"):
        open_store(path)
    assert _digest(path.parent) == before


def test_encrypted_store_with_a_wrong_key_is_refused_untouched(
    encrypted: tuple[Path, bytes],
) -> None:
    path, _ = encrypted
    before = _digest(path.parent)
    with pytest.raises(WrongKey, match=r"密钥与数据库.*不符"):
        open_store(path, key=c.new_store_key())
    assert _digest(path.parent) == before


def test_encrypted_store_with_a_wrong_password_is_refused_untouched(
    encrypted: tuple[Path, bytes],
) -> None:
    path, _ = encrypted
    before = _digest(path.parent)
    with pytest.raises(AuthError, match="密码不正确"):
        c.unlock_store(path, "boss", "not the password")
    assert _digest(path.parent) == before


def test_encrypted_store_with_a_tampered_key_file_is_refused_untouched(
    encrypted: tuple[Path, bytes],
) -> None:
    path, _ = encrypted
    keys = c.keyring_path(path)
    body = json.loads(keys.read_text())
    body["slots"][0]["wrapped"] = _flip(body["slots"][0]["wrapped"])
    keys.write_text(json.dumps(body))
    before = _digest(path.parent)
    with pytest.raises(c.KeyringTampered, match="密钥文件已损坏或被篡改"):
        c.unlock_store(path, "boss", PASSWORD)
    assert _digest(path.parent) == before


def test_a_plain_store_is_not_opened_with_a_key(store_path: Path, store: Any) -> None:
    store.dispose()
    with pytest.raises(WrongKey, match="未加密"):
        open_store(store_path, key=c.new_store_key())


def test_a_new_store_can_be_encrypted_from_the_start(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    key, _ = c.create_keyring(c.keyring_path(path))
    store = open_store(path, create=True, key=key)
    try:
        leads.create_lead(store, BOSS, {"received_on": "2021-03-01", "summary": SECRET})
    finally:
        store.dispose()
    assert c.is_encrypted(path)
    assert _plaintext_anywhere(tmp_path) == []


def test_users_service_helpers_keep_slots(encrypted: tuple[Path, bytes], tmp_path: Path) -> None:
    path, key = encrypted
    store = open_store(tmp_path / "plain.db", create=True)
    c.set_user_password(store, "clerk1", "ignored on a plain store")  # a no-op
    c.remove_user_slot(store, "clerk1")
    store.dispose()
    assert not c.keyring_path(tmp_path / "plain.db").exists()
    enc = open_store(path, key=key)
    try:
        c.set_user_password(enc, "clerk1", "clerk-password")
        assert c.unlock_store(path, "clerk1", "clerk-password") == key
        c.set_user_password(enc, "clerk1", "reset-by-admin")
        assert c.unlock_store(path, "clerk1", "reset-by-admin") == key
        c.remove_user_slot(enc, "clerk1")
        with pytest.raises(AuthError):
            c.unlock_store(path, "clerk1", "reset-by-admin")
    finally:
        enc.dispose()


def test_encrypt_service_needs_an_admin_with_a_password(tmp_path: Path, store: Any) -> None:
    with pytest.raises(WorkstationError, match="请先创建管理员账户"):
        vault.encrypt(store, Actor("admin", "管理员", "admin"), "whatever-pass")
    with pytest.raises(PermissionDenied):
        vault.encrypt(store, Actor("clerk1", "王录入", "clerk"), "whatever-pass")
    path = tmp_path / "ws.db"
    _plain_store_with_admin(path)
    plain = open_store(path)
    with pytest.raises(AuthError, match="密码不正确"):
        vault.encrypt(plain, BOSS, "not the password")
    done = vault.encrypt(plain, BOSS, PASSWORD)
    try:
        assert done.store.is_encrypted
        assert [b.label for b in list_backups(path)] == ["after-encrypt"]
        assert list_backups(path)[0].encrypted
        assert c.unlock_with_recovery(c.keyring_path(path), done.recovery_key) == done.store.key
    finally:
        done.store.dispose()


def test_an_encrypt_killed_before_its_switch_leaves_the_plain_store(tmp_path: Path) -> None:
    path = tmp_path / "ws.db"
    _plain_store_with_admin(path)
    # What a kill between the hard link and the rename leaves: a second name of the live store.
    os.link(path, path.with_name("ws.db.plain-wipe"))
    before = path.read_bytes()
    store = open_store(path)  # finishes the pending removal without touching the store
    try:
        assert leads.count_leads(store, BOSS) == 1
    finally:
        store.dispose()
    assert not path.with_name("ws.db.plain-wipe").exists()
    assert SECRET.encode() in before


def test_an_encrypt_killed_after_its_switch_has_the_plain_original_overwritten(
    encrypted: tuple[Path, bytes], tmp_path: Path
) -> None:
    path, key = encrypted
    pending = path.with_name("ws.db.plain-wipe")
    pending.write_bytes(SECRET.encode() * 100)
    finish_pending_wipe(path)
    assert not pending.exists()
    open_store(path, key=key).dispose()
    assert _plaintext_anywhere(tmp_path) == []
