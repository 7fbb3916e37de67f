"""`packet export|import|show|peers|name` and `conflicts list|resolve` on the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from workstation.cli import main
from workstation.cli.packet_cmd import PASSPHRASE_ENV

PASS = "江州交换口令2021"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def two(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    a, b = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    for db, name in ((a, "甲"), (b, "乙")):
        assert run(capsys, "--db", db, "init")[0] == 0
        assert run(capsys, "--db", db, "packet", "name", name)[0] == 0
    code, _out, err = run(
        capsys, "--db", a, "leads", "add", "--received-on", "2021-03-05",
        "--summary", "反映王建国插手经济纠纷", "--subject", "王建国",
        "--unit", "江州市公安局东湖分局",
    )  # fmt: skip
    assert code == 0, err
    return a, b


def test_export_show_import_as_json(
    two: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    a, b = two
    monkeypatch.setenv(PASSPHRASE_ENV, PASS)
    packet = str(tmp_path / "甲到乙.pkt")
    code, out, err = run(capsys, "--db", a, "packet", "export", "--all", "--peer-name", "乙",
                         packet, "--json")  # fmt: skip
    assert code == 0, err
    exported = json.loads(out)
    assert exported["source_name"] == "甲"
    assert exported["counts"]["lead"] == 1
    code, out, _err = run(capsys, "--db", b, "packet", "show", packet)
    assert code == 0
    assert "来源：甲" in out
    assert "线索 1" in out
    code, out, err = run(capsys, "--db", b, "packet", "import", packet, "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["inserted"]["lead"] == 1
    assert result["already_imported"] is False
    assert result["packet"]["packet_id"] == exported["packet_id"]
    code, out, _err = run(capsys, "--db", b, "packet", "import", packet, "--json")
    assert json.loads(out)["already_imported"] is True
    code, out, _err = run(capsys, "--db", b, "packet", "peers", "--json")
    assert [p["name"] for p in json.loads(out)] == ["甲"]
    code, out, _err = run(capsys, "--db", b, "leads", "list", "--json")
    assert [r["summary"] for r in json.loads(out)] == ["反映王建国插手经济纠纷"]


def test_conflicts_listed_and_resolved(
    two: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    a, b = two
    monkeypatch.setenv(PASSPHRASE_ENV, PASS)
    first = str(tmp_path / "1.pkt")
    assert run(capsys, "--db", a, "packet", "export", "--peer-name", "乙", first)[0] == 0
    assert run(capsys, "--db", b, "packet", "import", first)[0] == 0
    ref = json.loads(run(capsys, "--db", a, "leads", "list", "--json")[1])[0]["ref"]
    assert run(capsys, "--db", a, "leads", "edit", ref, "--status", "核查中")[0] == 0
    assert run(capsys, "--db", b, "leads", "edit", ref, "--status", "暂存待查")[0] == 0
    second = str(tmp_path / "2.pkt")
    assert run(capsys, "--db", a, "packet", "export", "--since-last", "乙", second)[0] == 0
    code, out, _err = run(capsys, "--db", b, "packet", "import", second)
    assert code == 0
    assert "新冲突：1" in out
    code, out, _err = run(capsys, "--db", b, "conflicts", "list", "--json")
    (conflict,) = json.loads(out)
    assert (conflict["field_label"], conflict["local_value"], conflict["remote_value"]) == (
        "办理状态", "暂存待查", "核查中"
    )  # fmt: skip
    code, out, _err = run(capsys, "--db", b, "conflicts", "resolve", str(conflict["id"]),
                          "--keep", "remote")  # fmt: skip
    assert code == 0
    assert "已解决" in out
    assert json.loads(run(capsys, "--db", b, "conflicts", "list", "--json")[1]) == []
    code, out, _err = run(capsys, "--db", b, "conflicts", "list", "--all")
    assert "已解决" in out
    code, _out, err = run(capsys, "--db", b, "conflicts", "resolve", str(conflict["id"]),
                          "--keep", "local")  # fmt: skip
    assert code == 1
    assert "已于" in err


def test_refusals_reach_stderr(
    two: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    a, b = two
    monkeypatch.setenv(PASSPHRASE_ENV, "short")
    code, _out, err = run(capsys, "--db", a, "packet", "export", "--all", str(tmp_path / "p"))
    assert code == 1
    assert "至少 8 个字符" in err
    monkeypatch.setenv(PASSPHRASE_ENV, PASS)
    packet = str(tmp_path / "p.pkt")
    assert run(capsys, "--db", a, "packet", "export", "--all", packet)[0] == 0
    monkeypatch.setenv(PASSPHRASE_ENV, "另一个口令12345")
    code, _out, err = run(capsys, "--db", b, "packet", "import", packet)
    assert code == 1
    assert "口令不正确" in err
    code, _out, err = run(capsys, "--db", a, "packet", "export", "--since-last", "无名", packet)
    assert code == 1
    assert "packet peers" in err


def test_the_passphrase_comes_from_the_environment_not_the_arguments(
    two: tuple[str, str], tmp_path: Path
) -> None:
    a, _b = two
    env = {k: v for k, v in os.environ.items() if k != PASSPHRASE_ENV}
    done = subprocess.run(
        [sys.executable, "-m", "workstation", "--db", a, "packet", "export", "--all",
         str(tmp_path / "x.pkt")],
        capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert PASSPHRASE_ENV in done.stderr
    assert not (tmp_path / "x.pkt").exists()
