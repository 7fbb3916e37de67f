"""Local diagnostics: the rotating private log without reporter identity or lead text, crash
reports, `--version` and the licences shipped (workstation.diagnostics, workstation.version)."""

from __future__ import annotations

import csv
import json
import logging
import os
import stat
import sys
import tomllib
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest

from workstation import diagnostics, version
from workstation.cli import main
from workstation.store import head_revision

REPO = Path(__file__).resolve().parents[2]

# What a reporter told us: none of it may reach a log file or a crash report.
REPORTER = "欧阳春花"
PHONE = "13912345678"
ID_NUMBER = "11010119900307123X"
SUMMARY = "反映其插手他人经济纠纷违规查封财物"
SUBJECT = "司马建国"
SECRETS = (REPORTER, PHONE, ID_NUMBER, SUMMARY, SUBJECT, "1391234", "经济纠纷")


@pytest.fixture
def log_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The data folder's logs folder, with the log set up there; stopped afterwards."""
    data = tmp_path / "data"
    monkeypatch.setenv("WORKSTATION_DATA_DIR", str(data))
    yield data / "logs"
    diagnostics.stop_logging()


def _all_log_text(folder: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("workstation.log*")))


def _assert_no_secrets(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("电话13912345678", "<text><phone>"),
        ("tel 139-1234-5678 / 139 1234 5678", "tel <phone> / <phone>"),
        ("+86 13912345678", "<phone>"),
        ("call 010-12345678 or (0571)87654321", "call <phone> or <phone>"),
        ("id 11010119900307123X and 110101199003071234", "id <id> and <id>"),
        ("old id 110101900307123", "old id <id>"),
        ("card 6222020200112233445", "card <id>"),
        ("mail a.b-c@example.com.cn", "mail <email>"),
        ("欧阳春花，反映其插手他人经济纠纷。", "<text>。"),
        (
            "lead XS2021-00042 from 張三 (traditional)",
            "lead XS2021-00042 from <text> (traditional)",
        ),
        # What the log is for stays: ids, counts, dates, times, durations, sizes, hashes.
        ("imported 100000 rows in 2.53 s", "imported 100000 rows in 2.53 s"),
        ("2021-03-05 12:30:01,123 batch=12", "2021-03-05 12:30:01,123 batch=12"),
        ("file .xlsx 5242880 bytes", "file .xlsx 5242880 bytes"),
        ("sha 3fa9c01381234567abc", "sha 3fa9c01381234567abc"),
        # A mobile number is blanked even when glued to letters.
        ("tel13912345678", "tel<phone>"),
    ],
)
def test_scrub(text: str, expected: str) -> None:
    assert diagnostics.scrub(text) == expected


def test_the_log_is_private_and_rotates(log_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(diagnostics, "MAX_BYTES", 20_000)  # 1 MB in the program
    path = diagnostics.setup_logging()
    assert path == log_folder / "workstation.log"
    log = logging.getLogger("workstation.test")
    line = "x" * 100
    for n in range(1_200):  # ~200 kB: more than five files of 20 kB
        log.info("line %d %s", n, line)
    files = diagnostics.log_files()
    assert [f.name for f in files] == [
        "workstation.log",
        *(f"workstation.log.{n}" for n in range(1, 5)),
    ]
    assert all(f.stat().st_size <= diagnostics.MAX_BYTES for f in files)
    assert not (log_folder / "workstation.log.5").exists()
    if os.name == "posix":
        assert stat.S_IMODE(log_folder.stat().st_mode) == 0o700
        assert {stat.S_IMODE(f.stat().st_mode) for f in files} == {0o600}
    recent = diagnostics.recent_lines(200)
    assert len(recent) == 200
    assert recent[-1].endswith(f"line 1199 {line}")


def test_setting_up_twice_keeps_one_handler(log_folder: Path) -> None:
    diagnostics.setup_logging()
    diagnostics.setup_logging()
    ours = [
        h
        for h in logging.getLogger().handlers
        if isinstance(h, diagnostics.PrivateRotatingFileHandler)
    ]
    assert len(ours) == 1


def _leads_csv(path: Path, *, bad_date: bool) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["受理时间", "来源渠道", "举报人", "联系电话", "被反映人", "所在单位",
                         "问题类别", "主要问题"])  # fmt: skip
        writer.writerow(["2021-13-45" if bad_date else "2021-03-05", "来电", REPORTER,
                         PHONE, SUBJECT, "江州市公安局", "违规经商",
                         f"{SUMMARY}，身份证{ID_NUMBER}"])  # fmt: skip
    return path


def test_no_reporter_identity_or_lead_text_reaches_the_log(
    log_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "ws.db"
    assert main(["--db", str(db), "init"]) == 0
    # A file named after the reporter, with a row refused (its reason quotes the cell)...
    rejected = _leads_csv(tmp_path / f"{REPORTER}{PHONE}.csv", bad_date=True)
    assert main(["--db", str(db), "import", "leads", str(rejected)]) == 0
    # ...one imported...
    imported = _leads_csv(tmp_path / f"举报{REPORTER}.csv", bad_date=False)
    assert main(["--db", str(db), "import", "leads", str(imported)]) == 0
    # ...an import that fails (its message names the file), a lead refused by validation...
    assert main(["--db", str(db), "import", "leads", str(tmp_path / f"{SUMMARY}.xlsx")]) == 1
    bad_lead = ["leads", "add", "--reporter", REPORTER, "--phone", PHONE, "--summary", SUMMARY]
    assert main(["--db", str(db), *bad_lead, "--received-on", "2021-02-30"]) == 1
    # ...and a bug whose message carries the lead, logged as the crash handlers do.
    try:
        raise RuntimeError(f"lead of {REPORTER} ({PHONE}, {ID_NUMBER}): {SUMMARY}")
    except RuntimeError as exc:
        diagnostics.log_uncaught(type(exc), exc, exc.__traceback__)
        # A careless log line is scrubbed too.
        logging.getLogger("workstation.test").error("summary %s by %s", SUMMARY, REPORTER)
    capsys.readouterr()

    text = _all_log_text(log_folder)
    _assert_no_secrets(text)
    # The log still says what happened.
    assert "command init finished" in text
    assert "import done" in text
    assert "rows=1 imported=0 duplicates=0 updated=0 rejected=1" in text
    assert "rows=1 imported=1" in text
    assert "file=(.csv file," in text
    assert "command import leads refused" in text
    assert "command leads add refused: invalid fields ['received_on']" in text
    assert "RuntimeError: lead of <text> (<phone>, <id>): <text>" in text
    assert "store sqlite (.db file" in text


def test_a_crash_report_holds_what_a_maintainer_needs_and_no_secrets(log_folder: Path) -> None:
    diagnostics.setup_logging()
    diagnostics.set_fact("schema_revision", head_revision())
    logging.getLogger("workstation.test").info("scan done in 0.10 s cases=3")
    try:
        raise ValueError(f"{REPORTER} {PHONE} {SUMMARY}")
    except ValueError as exc:
        text = diagnostics.format_exception(type(exc), exc, exc.__traceback__)
    report = diagnostics.crash_report([text], extra={"qt": "6.11.3"})
    _assert_no_secrets(report)
    assert f"version: {version.__version__}" in report
    assert f"schema_revision: {head_revision()}" in report
    assert "qt: 6.11.3" in report
    assert "platform: " in report
    assert "ValueError: <text> <phone> <text>" in report
    assert "scan done in 0.10 s cases=3" in report
    target = diagnostics.write_private_text(log_folder.parent / "report.txt", report)
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_the_version_comes_from_the_project() -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert version.__version__ == pyproject["project"]["version"]
    import workstation

    assert workstation.__version__ == version.__version__


def test_version_without_a_store_names_the_revision_expected(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--version"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"案件监督工作站 {version.__version__}\n")
    assert f"数据库结构版本：数据库不存在；本程序使用结构版本 {head_revision()}" in out
    assert f"Python：{sys.version.split()[0]}" in out
    assert f"SQLAlchemy            {metadata.version('SQLAlchemy')}  MIT" in out
    # Nothing was created: --version reads, it never makes or migrates a store.
    assert not (Path(os.environ["WORKSTATION_DATA_DIR"]) / "workstation.db").exists()


def test_version_reads_a_store_without_migrating_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "ws.db"
    assert main(["--db", str(db), "init"]) == 0
    capsys.readouterr()
    before = db.read_bytes()
    assert main(["--version", "--db", str(db)]) == 0  # options after --version count too
    out = capsys.readouterr().out
    assert f"数据库：{db}" in out
    assert f"数据库结构版本：{head_revision()}（最新）" in out
    assert db.read_bytes() == before
    assert main(["--db", str(db), "--version", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["version"] == version.__version__
    assert doc["schema"] == {"store": str(db), "current": head_revision(),
                             "head": head_revision(), "note": ""}  # fmt: skip
    names = {c["name"]: c for c in doc["components"]}
    assert names["reportlab"]["version"] == metadata.version("reportlab")
    assert names["WenQuanYi Micro Hei (文泉驿微米黑)"]["licence"] == (
        "Apache-2.0 or GPL-3+ with Font exception"
    )


def test_version_of_a_file_that_is_not_a_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.db"
    other.write_bytes(b"\x8f" * 4096)  # what an encrypted store looks like
    assert main(["--version", "--db", str(other)]) == 0
    assert "数据库已加密" in capsys.readouterr().out


def test_the_shipped_licences_cover_every_library_installed() -> None:
    """tools/collect_licenses.py was rerun after the last dependency change."""
    index = version.licences_index()
    shipped = {entry["name"]: entry for entry in index["libraries"]}
    installed = version.runtime_distributions()
    assert installed, "the project's metadata is installed (pip install -e .)"
    for dist in installed:
        name = dist.metadata["Name"]
        assert name in shipped, f"{name}: run tools/collect_licenses.py"
        assert shipped[name]["version"] == dist.version, f"{name}: run tools/collect_licenses.py"
        assert shipped[name]["files"], f"{name} has no licence text"
        for file in shipped[name]["files"]:
            assert (version.licenses_dir() / file).is_file()
    for component in version.components():
        assert component.licence, component.name
        assert component.texts, component.name
        for relative in component.texts:
            assert version.licence_text(relative).strip()
    names = [c.name for c in version.components()]
    assert {"PySide6_Essentials", "SQLAlchemy", "reportlab", "sqlcipher3"} <= set(names)
    assert "pytest" not in names  # test tools are not shipped
    font = version.components()[0]
    assert "Apache-2.0" in font.licence
    assert "WenQuanYi" in version.licence_text(font.texts[0])


def test_a_licence_text_is_read_from_the_resources_only() -> None:
    with pytest.raises(ValueError, match="not a licence file"):
        version.licence_text("../../pyproject.toml")


def test_version_of_an_unreachable_server_never_shows_its_password(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Port 9 on loopback: nothing listens there, the connection is refused at once.
    url = "postgresql+psycopg://ws:S3cret-pw@127.0.0.1:9/workstation?connect_timeout=3"
    assert main(["--version", "--db", url]) == 0
    captured = capsys.readouterr()
    assert "S3cret-pw" not in captured.out + captured.err
    assert "ws:***@127.0.0.1:9" in captured.out
