"""`brief` on the command line, as a user runs it; and the author's notes file."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from briefs_helpers import build_known_store

from workstation.briefs.model import NoteSection
from workstation.briefs.notes import parse_notes, read_notes
from workstation.cli import main


@pytest.fixture
def db(new_db: Callable[..., str]) -> str:
    path = new_db("known.db")
    build_known_store(path).dispose()
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_brief_json_pdf_and_xlsx(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("# 典型问题\n某派出所有案不立。\n\n# 下步工作\n逐件督办。\n", encoding="utf-8")
    pdf, xlsx = tmp_path / "b.pdf", tmp_path / "b.xlsx"
    code, out, err = run(
        capsys, "--db", str(db), "brief", "--from", "2021-06-01", "--to", "2021-06-30",
        "--pdf", str(pdf), "--xlsx", str(xlsx), "--json", "--notes", str(notes),
        "--copies", "3", "--issue", "5", "--appendix",
    )  # fmt: skip
    assert code == 0, err
    document = json.loads(out)
    assert document["issue"] == 5
    assert document["copies"] == 3
    assert document["period"] == {"from": "2021-06-01", "to": "2021-06-30", "as_of": "2021-06-30"}
    assert document["leads"]["total"] == 7
    assert document["notes"] == [
        {"title": "典型问题", "paragraphs": ["某派出所有案不立。"]},
        {"title": "下步工作", "paragraphs": ["逐件督办。"]},
    ]
    files = {f["kind"]: f for f in document["files"]}
    assert files["pdf"]["sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert files["xlsx"]["sha256"] == hashlib.sha256(xlsx.read_bytes()).hexdigest()
    assert files["xlsx"]["rows"] == document["appendix"]["count"] == 4


def test_one_command_makes_a_packet(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "--db", str(db), "brief", "--as-of", "2021-06-30")
    assert code == 0, err
    first = tmp_path / "政法队伍教育整顿工作简报第1期.pdf"
    assert first.is_file()
    assert str(first) in out
    assert "截至2021年6月30日，共受理问题线索7件" in out
    code, out, err = run(capsys, "--db", str(db), "brief", "--as-of", "2021-06-30")
    assert code == 0, err
    assert (tmp_path / "政法队伍教育整顿工作简报第2期.pdf").is_file()


def test_bad_dates_are_refused(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys, "--db", str(db), "brief", "--from", "2021-07-01", "--to", "2021-06-01"
    )
    assert code == 1
    assert "起始日期 2021-07-01 晚于截止日期 2021-06-01" in err
    code, _, err = run(capsys, "--db", str(db), "brief", "--from", "6月1日")
    assert code == 1
    assert "格式应为 YYYY-MM-DD" in err


def test_notes_headings_and_paragraphs() -> None:
    text = (
        "本期工作进展顺利。\n"
        "\n"
        "【典型问题】\n"
        "一是个别单位\n"
        "受理不及时。\n"
        "\n"
        "二是核查不深入。\n"
        "下步工作：\n"
        "加强督办。\n"
        "## 其他 ##\n"
    )
    assert parse_notes(text) == (
        NoteSection("有关情况", ("本期工作进展顺利。",)),
        NoteSection("典型问题", ("一是个别单位受理不及时。", "二是核查不深入。")),
        NoteSection("下步工作", ("加强督办。",)),
    )
    assert parse_notes("") == ()


def test_notes_written_in_notepad_gbk(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes("# 典型问题\r\n有案不立。\r\n".encode("gbk"))
    assert read_notes(path) == (NoteSection("典型问题", ("有案不立。",)),)
