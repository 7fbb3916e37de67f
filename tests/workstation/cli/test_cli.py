"""The command line of DESIGN §6, run as a user would: real store files, exit codes, output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from workstation.cli import main

REPO = Path(__file__).resolve().parents[3]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(new_db: Callable[..., str], capsys: pytest.CaptureFixture[str]) -> str:
    """A new store (an SQLite file, or a database on the test server), made by `init`."""
    path = new_db("a.db")
    code, out, _ = run(capsys, "--db", path, "init")
    assert code == 0
    assert "数据库已就绪" in out
    return path


def test_add_and_list_leads_as_json(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "--db", str(db), "leads", "add", "--received-on", "2021-03-05", "--channel", "热线",
        "--summary", "反映民警违规插手经济纠纷", "--subject", "张三",
        "--unit", "江州市公安局东湖分局", "--category", "三个规定", "--json",
    )  # fmt: skip
    assert code == 0, err
    created = json.loads(out)
    assert created["channel"] == "phone"
    assert created["category"] == "interference"
    code, out, _ = run(capsys, "--db", str(db), "leads", "list", "--json")
    assert code == 0
    listed = json.loads(out)
    assert [row["ref"] for row in listed] == [created["ref"]]
    assert listed[0]["received_on"] == "2021-03-05"


def test_options_may_follow_the_command(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "leads", "list", "--db", str(db), "--json")
    assert (code, json.loads(out)) == (0, [])


def test_human_listing_shows_chinese_labels(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "--db", str(db), "leads", "add", "--received-on", "2021-03-05", "--channel",
        "letter", "--summary", "反映问题")  # fmt: skip
    code, out, err = run(capsys, "--db", str(db), "leads", "list")
    assert code == 0
    header, row = out.splitlines()
    assert header.split("\t")[:3] == ["线索编号", "受理时间", "来源渠道"]
    assert row.split("\t")[2] == "来信"
    assert "共 1 条" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["leads", "add", "--received-on", "2021-02-30", "--summary", "x"], "不是有效日期"),
        (["leads", "add", "--received-on", "2021-03-01", "--summary", "x", "--channel", "飞鸽"],
         "来源渠道“飞鸽”不是可选值"),
        (["leads", "add", "--received-on", "2021-03-01"], "主要问题不能为空"),
        (["leads", "add", "--summary", "x"], "受理时间不能为空"),
        (["cases", "add", "--case-no", "1号", "--agency", "江州市公安局"], "受案日期不能为空"),
        (["cases", "add", "--case-no", "1号", "--accepted-on", "2021-01-01"], "办案单位不能为空"),
        (["leads", "edit", "XS2021-99999", "--status", "已分办"], "找不到线索"),
        (["leads", "list", "--status", "不存在的状态"], "不是可选值"),
    ],
)  # fmt: skip
def test_bad_input_is_a_clear_error_and_writes_nothing(
    db: str,
    db_digest: Callable[[str], str],
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    before = db_digest(db)
    code, out, err = run(capsys, "--db", str(db), *args)
    assert code != 0
    assert out == ""
    assert message in err
    assert err.startswith("错误：")
    assert db_digest(db) == before


def test_db_in_a_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--db", str(tmp_path / "nope" / "a.db"), "init")
    assert code == 1
    assert "不存在" in err
    assert not (tmp_path / "nope").exists()


def test_file_that_is_not_a_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    code, _, err = run(capsys, "--db", str(path), "leads", "list")
    assert code == 1
    assert "不是工作站数据库" in err
    assert path.read_bytes() == b"PK\x03\x04" + b"\x00" * 100


def test_uninitialised_store_asks_for_init(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "--db", str(tmp_path / "new.db"), "leads", "list")
    assert code == 1
    assert "init" in err
    assert not (tmp_path / "new.db").exists()


def test_default_store_lives_in_the_data_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run(capsys, "--data-dir", str(tmp_path / "data"), "init")
    assert code == 0
    assert (tmp_path / "data" / "workstation.db").exists()


def test_audit_verify_reports_tampering(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "--db", str(db), "leads", "add", "--received-on", "2021-03-05", "--summary", "甲")
    code, out, _ = run(capsys, "--db", str(db), "audit", "verify", "--json")
    assert (code, json.loads(out)["ok"]) == (0, True)
    from sqlalchemy import create_engine, text

    from workstation.store import to_url

    engine = create_engine(to_url(db))
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET action = 'lead.delete' WHERE id = 1"))
    engine.dispose()
    code, out, _ = run(capsys, "--db", str(db), "audit", "verify", "--json")
    result = json.loads(out)
    assert code == 3
    assert (result["ok"], result["broken_at"]) == (False, 1)


def test_multi_user_store_needs_a_login_and_the_right_password(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKSTATION_PASSWORD", "correct horse")
    code, out, err = run(capsys, "--db", str(db), "init", "--admin", "zhang")
    assert code == 0, err
    assert "已创建管理员：zhang" in out
    code, _, err = run(capsys, "--db", str(db), "leads", "list")
    assert code == 1
    assert "--user" in err
    monkeypatch.setenv("WORKSTATION_PASSWORD", "wrong")
    code, _, err = run(capsys, "--db", str(db), "--user", "zhang", "leads", "list")
    assert (code, "密码不正确" in err) == (1, True)
    monkeypatch.setenv("WORKSTATION_PASSWORD", "correct horse")
    code, _, _ = run(capsys, "--db", str(db), "--user", "zhang", "leads", "list", "--json")
    assert code == 0


def test_real_process_init_demo_and_list(tmp_path: Path) -> None:
    """The issue's acceptance run, as separate processes on a fresh store."""
    db = str(tmp_path / "a.db")
    env = {**os.environ, "PYTHONPATH": str(REPO)}

    def ws(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "workstation", "--db", db, *args],
            capture_output=True, text=True, encoding="utf-8", env=env, check=False, timeout=300,
        )  # fmt: skip

    assert ws("init").returncode == 0
    demo = ws("demo", "--leads", "1000", "--cases", "300")
    assert demo.returncode == 0, demo.stderr
    listed = ws("leads", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert len(rows) == 1000
    expected = {"ref", "received_on", "channel", "reporter_name", "reporter_phone", "subject",
                "subject_unit", "category", "summary", "case_no", "status", "disposition",
                "result", "handler_unit", "due_on", "concluded_on", "batch", "created_by",
                "created_at", "updated_by", "updated_at", "uuid"}  # fmt: skip
    assert expected <= set(rows[0])
    assert len({r["ref"] for r in rows}) == 1000
    cases = json.loads(ws("cases", "list", "--json").stdout)
    assert len(cases) == 300
    assert ws("audit", "verify").returncode == 0
