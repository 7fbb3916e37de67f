"""`users add|disable|enable|passwd|role|list`, run as an admin would: exit codes and output."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from workstation.cli import main

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WORKSTATION_PASSWORD", raising=False)
    monkeypatch.delenv("WORKSTATION_NEW_PASSWORD", raising=False)


def run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    *args: str,
    stdin: str = "",
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(
    new_db: Callable[..., str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> str:
    """A store with an admin (boss / bosspass1) and a clerk (clerk1 / clerkpass1)."""
    path = new_db("u.db")
    assert run(capsys, monkeypatch, "--db", path, "init")[0] == 0
    code, out, err = run(
        capsys, monkeypatch, "--db", path, "users", "add", "boss", "--role", "管理员",
        "--name", "王主任", "--password-stdin", stdin="bosspass1\n",
    )  # fmt: skip
    assert code == 0, err
    assert out == "已添加用户：boss（王主任，管理员，可用）\n"
    monkeypatch.setenv("WORKSTATION_PASSWORD", "bosspass1")
    monkeypatch.setenv("WORKSTATION_NEW_PASSWORD", "clerkpass1")
    code, _, err = run(
        capsys, monkeypatch, "--db", path, "--user", "boss", "users", "add", "clerk1",
        "--role", "clerk", "--name", "王录入",
    )  # fmt: skip
    assert code == 0, err
    monkeypatch.delenv("WORKSTATION_PASSWORD")
    monkeypatch.delenv("WORKSTATION_NEW_PASSWORD")
    return path


def as_user(monkeypatch: pytest.MonkeyPatch, password: str) -> None:
    monkeypatch.setenv("WORKSTATION_PASSWORD", password)


def test_list_as_json_has_no_secrets(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    as_user(monkeypatch, "bosspass1")
    code, out, _ = run(capsys, monkeypatch, "--db", db, "--user", "boss", "users", "list", "--json")
    assert code == 0
    listed = json.loads(out)
    assert [(u["login"], u["role"], u["disabled"]) for u in listed] == [
        ("boss", "admin", False),
        ("clerk1", "clerk", False),
    ]
    assert "hash" not in out
    assert "argon2" not in out
    code, out, err = run(capsys, monkeypatch, "--db", db, "--user", "boss", "users", "list")
    assert code == 0
    assert out.splitlines()[0] == "登录名\t姓名\t角色\t状态\t创建时间\t创建人"
    assert out.splitlines()[2].startswith("clerk1\t王录入\t录入员\t可用\t")
    assert "共 2 个用户" in err


def test_once_users_exist_every_command_needs_a_login(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = run(capsys, monkeypatch, "--db", db, "users", "list")
    assert code == 1
    assert "--user" in err


def test_only_an_admin_manages_users(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    as_user(monkeypatch, "clerkpass1")
    for args in (
        ["users", "list"],
        ["users", "disable", "boss"],
        ["users", "add", "x1", "--role", "clerk", "--password-stdin"],
        ["users", "passwd", "boss", "--password-stdin"],
    ):
        code, _, err = run(
            capsys, monkeypatch, "--db", db, "--user", "clerk1", *args, stdin="whatever12\n"
        )
        assert code == 1, args
        assert "无权管理用户" in err, args


def test_there_is_no_password_argument(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    as_user(monkeypatch, "bosspass1")
    with pytest.raises(SystemExit) as exited:
        run(capsys, monkeypatch, "--db", db, "--user", "boss", "users", "add", "x1",
            "--role", "clerk", "--password", "visible-in-ps")  # fmt: skip
    assert exited.value.code == 2


def test_no_password_source_is_a_clear_error(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    as_user(monkeypatch, "bosspass1")
    code, _, err = run(
        capsys, monkeypatch, "--db", db, "--user", "boss", "users", "add", "x1", "--role", "clerk"
    )
    assert code == 1
    assert "--password-stdin" in err
    assert "WORKSTATION_NEW_PASSWORD" in err


def test_bad_requests_name_the_problem(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    as_user(monkeypatch, "bosspass1")
    base = ["--db", db, "--user", "boss", "users"]
    cases = [
        (["add", "x1", "--role", "chief", "--password-stdin"], "longenough1", "不是可选值"),
        (["add", "x1", "--role", "clerk", "--password-stdin"], "short", "至少 8 位"),
        (["add", "clerk1", "--role", "clerk", "--password-stdin"], "longenough1", "已被使用"),
        (["disable", "boss"], "", "唯一可用的管理员"),
        (["disable", "nobody"], "", "不存在"),
        (["passwd", "nobody", "--password-stdin"], "longenough1", "不存在"),
    ]
    for args, stdin, message in cases:
        code, _, err = run(capsys, monkeypatch, *base, *args, stdin=stdin + "\n")
        assert (code, message in err) == (1, True), (args, err)


def test_disable_and_enable(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    as_user(monkeypatch, "bosspass1")
    code, out, _ = run(capsys, monkeypatch, "--db", db, "--user", "boss", "users", "disable",
                       "clerk1", "--json")  # fmt: skip
    assert code == 0
    assert json.loads(out)["disabled"] is True
    as_user(monkeypatch, "clerkpass1")
    code, _, err = run(capsys, monkeypatch, "--db", db, "--user", "clerk1", "leads", "list")
    assert code == 1
    assert "已停用" in err
    as_user(monkeypatch, "bosspass1")
    code, out, _ = run(capsys, monkeypatch, "--db", db, "--user", "boss", "users", "enable",
                       "clerk1")  # fmt: skip
    assert (code, out) == (0, "已启用用户：clerk1（王录入，录入员，可用）\n")
    as_user(monkeypatch, "clerkpass1")
    assert run(capsys, monkeypatch, "--db", db, "--user", "clerk1", "leads", "list")[0] == 0


def test_a_user_changes_their_own_password(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    as_user(monkeypatch, "clerkpass1")
    code, out, err = run(capsys, monkeypatch, "--db", db, "--user", "clerk1", "users", "passwd",
                         "clerk1", "--password-stdin", stdin="newclerkpass\n")  # fmt: skip
    assert code == 0, err
    assert out == "已修改用户 clerk1 的密码\n"
    code, _, err = run(capsys, monkeypatch, "--db", db, "--user", "clerk1", "leads", "list")
    assert code == 1
    assert "密码不正确" in err
    as_user(monkeypatch, "newclerkpass")
    assert run(capsys, monkeypatch, "--db", db, "--user", "clerk1", "leads", "list")[0] == 0


def test_an_admin_resets_a_password_and_changes_a_role(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    as_user(monkeypatch, "bosspass1")
    monkeypatch.setenv("WORKSTATION_NEW_PASSWORD", "resetpass1")
    code, _, err = run(capsys, monkeypatch, "--db", db, "--user", "boss", "users", "passwd",
                       "clerk1")  # fmt: skip
    assert code == 0, err
    code, out, _ = run(capsys, monkeypatch, "--db", db, "--user", "boss", "users", "role",
                       "clerk1", "--role", "核查人员")  # fmt: skip
    assert (code, out) == (0, "已更改角色：clerk1（王录入，核查人员，可用）\n")
    as_user(monkeypatch, "resetpass1")
    code, out, _ = run(capsys, monkeypatch, "--db", db, "--user", "clerk1", "scan", "--json")
    assert code == 0  # an inspector may scan


def test_five_wrong_passwords_lock_the_account(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    as_user(monkeypatch, "wrong password")
    errors = [
        run(capsys, monkeypatch, "--db", db, "--user", "clerk1", "leads", "list")[2]
        for _ in range(5)
    ]
    assert "再错 4 次" in errors[0]
    assert "已锁定" in errors[4]
    assert "年" in errors[4]  # until when
    as_user(monkeypatch, "clerkpass1")
    code, _, err = run(capsys, monkeypatch, "--db", db, "--user", "clerk1", "leads", "list")
    assert code == 1
    assert "已锁定" in err
    as_user(monkeypatch, "bosspass1")
    code, out, _ = run(capsys, monkeypatch, "--db", db, "--user", "boss", "users", "list")
    assert "clerk1\t王录入\t录入员\t已锁定至 " in out
    run(capsys, monkeypatch, "--db", db, "--user", "boss", "users", "enable", "clerk1")
    as_user(monkeypatch, "clerkpass1")
    assert run(capsys, monkeypatch, "--db", db, "--user", "clerk1", "leads", "list")[0] == 0


def test_a_real_process_reads_the_new_password_from_stdin(tmp_path: Path) -> None:
    db = str(tmp_path / "p.db")
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKSTATION_")}
    env["PYTHONPATH"] = str(REPO)

    def ws(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "workstation", "--db", db, *args], input=stdin,
            capture_output=True, text=True, encoding="utf-8", env=env, check=False, timeout=120,
        )  # fmt: skip

    assert ws("init").returncode == 0
    added = ws("users", "add", "boss", "--role", "admin", "--password-stdin", stdin="bosspass1\n")
    assert added.returncode == 0, added.stderr
    env["WORKSTATION_PASSWORD"] = "bosspass1"
    listed = ws("--user", "boss", "users", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert [u["login"] for u in json.loads(listed.stdout)] == ["boss"]
    verified = ws("--user", "boss", "audit", "verify")
    assert verified.returncode == 0, verified.stderr
