"""`encrypt`, `backup`, `backups list`, `restore` and `check` run as an admin would."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from workstation.cli import main
from workstation.services import users, vault
from workstation.services.auth import Actor
from workstation.store import crypto, open_store

# SQLite files: backups, SQLCipher, restore and checks (on a server the DBA's tools do this).
pytestmark = pytest.mark.sqlite_only

PASSWORD = "boss-password-1"
CLERK_PASSWORD = "clerk-password-1"
SECRET = "反映东湖分局民警违规经商"
BOSS = Actor(login="boss", display_name="boss", role="admin")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(f.relative_to(folder)): hashlib.sha256(f.read_bytes()).hexdigest()
        for f in sorted(folder.rglob("*"))
        if f.is_file() and not f.name.endswith(".lock")
    }


def _copy(template: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "store"
    shutil.copytree(template.parent, folder)
    return folder / template.name


@pytest.fixture(scope="module")
def plain_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plain store with an admin (boss), a clerk and one lead; made once, copied per test."""
    path = tmp_path_factory.mktemp("plain") / "ws.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WORKSTATION_PASSWORD", PASSWORD)
        assert main(["--db", str(path), "init", "--admin", "boss"]) == 0
        assert main([
            "--db", str(path), "--user", "boss", "leads", "add",
            "--received-on", "2021-03-05", "--summary", SECRET, "--reporter", "张三",
        ]) == 0  # fmt: skip
    store = open_store(path)
    users.add_user(store, BOSS, "clerk1", "王录入", "clerk", CLERK_PASSWORD)
    store.dispose()
    return path


@pytest.fixture(scope="module")
def encrypted_template(
    plain_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, str]:
    path = _copy(plain_template, tmp_path_factory.mktemp("encrypted"))
    store = open_store(path)
    done = vault.encrypt(store, BOSS, PASSWORD)
    assert done.users_without_key == ("clerk1",)
    # What the users service does when an admin sets the clerk's password.
    crypto.set_user_password(done.store, "clerk1", CLERK_PASSWORD)
    done.store.dispose()
    return path, done.recovery_key


@pytest.fixture
def db(plain_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WORKSTATION_PASSWORD", PASSWORD)
    return _copy(plain_template, tmp_path)


@pytest.fixture
def encrypted(
    encrypted_template: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, str]:
    monkeypatch.setenv("WORKSTATION_PASSWORD", PASSWORD)
    return _copy(encrypted_template[0], tmp_path), encrypted_template[1]


def test_encrypt_shows_the_recovery_key_once_and_leaves_nothing_readable(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--db", str(db), "--user", "boss", "encrypt")
    assert code == 0, err
    shown = re.findall(r"\b(?:[0-9A-Z]{4}-){7}[0-9A-Z]{4}\b", out)
    assert len(shown) == 1
    assert "只显示这一次" in out
    assert "clerk1" in out  # has no key yet
    assert crypto.unlock_with_recovery(crypto.keyring_path(db), shown[0])
    for file in db.parent.rglob("*"):
        if file.is_file():
            assert SECRET.encode() not in file.read_bytes(), file
            assert shown[0].encode() not in file.read_bytes(), file
    code, out, _ = run(capsys, "--db", str(db), "--user", "boss", "leads", "list")
    assert code == 0
    assert SECRET in out
    code, _, err = run(capsys, "--db", str(db), "--user", "boss", "encrypt")
    assert code == 1
    assert "已经加密" in err


def test_encrypted_store_needs_a_login(
    encrypted: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    db, _ = encrypted
    before = _digest(db.parent)
    code, out, err = run(capsys, "--db", str(db), "leads", "list")
    assert (code, out) == (1, "")
    assert "已加密，请用 --user 指定登录名" in err
    assert _digest(db.parent) == before


def test_wrong_password_is_refused_and_nothing_changes(
    encrypted: tuple[Path, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db, _ = encrypted
    before = _digest(db.parent)
    monkeypatch.setenv("WORKSTATION_PASSWORD", "not the password")
    code, out, err = run(capsys, "--db", str(db), "--user", "boss", "leads", "list")
    assert (code, out) == (1, "")
    assert "密码不正确" in err
    assert _digest(db.parent) == before


def test_tampered_key_file_is_refused_and_nothing_changes(
    encrypted: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    db, _ = encrypted
    keys = crypto.keyring_path(db)
    body = json.loads(keys.read_text())
    body["slots"] = [s for s in body["slots"] if s["login"] != "clerk1"]  # a slot removed
    keys.write_text(json.dumps(body))
    before = _digest(db.parent)
    code, out, err = run(capsys, "--db", str(db), "--user", "boss", "leads", "list")
    assert (code, out) == (1, "")
    assert "密钥文件已损坏或被篡改" in err
    assert _digest(db.parent) == before


def test_clerk_opens_the_store_with_their_own_password_but_may_not_back_it_up(
    encrypted: tuple[Path, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db, _ = encrypted
    monkeypatch.setenv("WORKSTATION_PASSWORD", CLERK_PASSWORD)
    code, out, _ = run(capsys, "--db", str(db), "--user", "clerk1", "leads", "list")
    assert code == 0
    assert SECRET in out
    before = _digest(db.parent)
    for command in (["backup"], ["backups", "list"], ["encrypt", "--new-recovery-key"]):
        code, out, err = run(capsys, "--db", str(db), "--user", "clerk1", *command)
        assert (code, out) == (1, ""), command
        assert "无权" in err
    assert _digest(db.parent) == before


def test_new_recovery_key_replaces_the_old(
    encrypted: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    db, old = encrypted
    code, out, err = run(
        capsys, "--db", str(db), "--user", "boss", "encrypt", "--new-recovery-key", "--json"
    )
    assert code == 0, err
    new = json.loads(out)["recovery_key"]
    keys = crypto.keyring_path(db)
    assert crypto.unlock_with_recovery(keys, new) == crypto.unlock_store(db, "boss", PASSWORD)
    with pytest.raises(Exception, match="恢复密钥不正确"):
        crypto.unlock_with_recovery(keys, old)


def test_back_up_damage_check_and_restore_an_encrypted_store(
    encrypted: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    db, _ = encrypted
    boss = ["--db", str(db), "--user", "boss"]
    code, out, err = run(capsys, *boss, "backup", "--json")
    assert code == 0, err
    taken = json.loads(out)
    assert taken["encrypted"]
    assert Path(taken["file"]).parent == db.parent / "backups"
    code, out, _ = run(capsys, *boss, "backups", "list", "--json")
    listed = json.loads(out)
    assert [x["label"] for x in listed] == ["manual", "after-encrypt"]

    # Damage the store file on purpose: bytes in the middle of a page in its middle.
    with db.open("r+b") as f:
        f.seek((db.stat().st_size // 4096 // 2) * 4096 + 2000)
        f.write(b"\x00" * 100)
    code, out, err = run(capsys, *boss, "check")
    assert code == 1
    assert "已损坏" in err
    assert Path(taken["file"]).name in err  # the backup to restore is named

    code, out, err = run(capsys, *boss, "restore", taken["file"], "--json")
    assert code == 0, err
    restored = json.loads(out)
    assert Path(restored["kept_current"]).name.endswith("-damaged.db")
    code, out, _ = run(capsys, *boss, "check")
    assert (code, "检查通过" in out) == (0, True)
    code, out, _ = run(capsys, *boss, "leads", "list")
    assert SECRET in out
    code, out, _ = run(capsys, *boss, "audit", "verify")
    assert code == 0


def test_backup_and_restore_of_a_single_user_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "demo.db"
    assert run(capsys, "--db", str(db), "init")[0] == 0
    code, out, err = run(capsys, "--db", str(db), "backup", "--to", str(tmp_path / "usb"))
    assert code == 0, err
    assert "已备份到" in out
    [backup] = (tmp_path / "usb").glob("demo-*-manual.db")
    assert run(capsys, "--db", str(db), "leads", "add", "--received-on", "2021-03-05",
               "--summary", "之后录入")[0] == 0  # fmt: skip
    code, out, err = run(capsys, "--db", str(db), "restore", str(backup))
    assert code == 0, err
    assert "恢复前的数据库已保留为备份" in out
    code, out, _ = run(capsys, "--db", str(db), "leads", "list", "--json")
    assert json.loads(out) == []
    code, out, _ = run(capsys, "--db", str(db), "backups", "list")
    assert "before-restore" in out


def test_restore_of_a_damaged_backup_is_refused(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    boss = ["--db", str(db), "--user", "boss"]
    code, out, _ = run(capsys, *boss, "backup", "--json")
    backup = Path(json.loads(out)["file"])
    data = bytearray(backup.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # the schema page
    backup.write_bytes(bytes(data))
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    code, out, err = run(capsys, *boss, "restore", str(backup))
    assert (code, out) == (1, "")
    assert "未作恢复" in err
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
