"""Case review on the command line, as a new user meets it: scan, read, decide, look back."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from workstation.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(new_db: Callable[..., str], capsys: pytest.CaptureFixture[str]) -> str:
    """A store with a small ledger: one case per rule, and a lead naming a refused case."""
    path = new_db("a.db")
    assert run(capsys, "--db", str(path), "init")[0] == 0
    ledger = [
        ["东公受字〔2021〕0101号", "江州市公安局东湖分局", "2021-05-04", {"--officer": "刘志强"}],
        ["东公立字〔2021〕0031号", "江州市公安局东湖分局", "2021-01-04",
         {"--filed-on": "2021-01-05", "--last-activity-on": "2021-02-10"}],
        ["西公立字〔2021〕0008号", "江州市公安局西城分局", "2021-02-01",
         {"--filed-on": "2021-02-02", "--withdrawn-on": "2021-04-01",
          "--suspect-identified": "是", "--officer": "陈明"}],
        ["西公受字〔2021〕0040号", "江州市公安局西城分局", "2021-03-01",
         {"--not-filed-on": "2021-03-05"}],
    ]  # fmt: skip
    for case_no, agency, accepted, extra in ledger:
        options = [item for pair in extra.items() for item in pair]
        code, _, err = run(capsys, "--db", str(path), "cases", "add", "--case-no", case_no,
                           "--agency", agency, "--accepted-on", accepted, *options)  # fmt: skip
        assert code == 0, err
    code, _, err = run(capsys, "--db", str(path), "leads", "add", "--received-on", "2021-06-10",
                       "--summary", "反映报案后不予立案",
                       "--case-no", "西公受字〔2021〕0040号")  # fmt: skip
    assert code == 0, err
    return path


def test_scan_tells_what_it_found_and_what_to_do_next(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--db", str(db), "scan", "--as-of", "2021-06-30")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("扫描完成：截至 2021-06-30，检查案件 4 件")
    assert "  新发现疑似异常：4 条" in lines
    assert "有案不立\tNF-1\t受案后逾期未作出立案决定\t1\t0\t0\t0" in lines
    assert "有案不立\tNF-2\t决定不予立案后仍有线索反映\t1\t0\t0\t0" in lines
    assert "anomalies list --state 疑似" in lines[-1]
    # Run again: nothing new, everything still open.
    code, out, _ = run(capsys, "--db", str(db), "scan", "--as-of", "2021-06-30", "--json")
    document = json.loads(out)
    assert (document["new"], document["still_open"], document["new_flags"]) == (0, 4, [])
    assert document["by_kind"]["not_prosecuted"] == {
        "new": 0, "open": 1, "closed": 0, "reopened": 0,
    }  # fmt: skip


def test_the_suspected_list_reads_on_its_own(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "--db", str(db), "scan", "--as-of", "2021-06-30")
    code, out, err = run(capsys, "--db", str(db), "anomalies", "list", "--state", "疑似")
    assert code == 0
    header, *rows = out.splitlines()
    assert header.split("\t") == [
        "编号", "案号", "办案单位", "类型", "状态", "规则", "说明", "处理情况",
    ]  # fmt: skip
    assert rows[0].split("\t") == [
        "1", "东公受字〔2021〕0101号", "江州市公安局东湖分局", "有案不立", "疑似", "NF-1",
        "受案后 57 天未作出立案决定（期限 7 天）", "待复核（截至 2021-06-30）",
    ]  # fmt: skip
    assert "共 4 条" in err
    code, out, err = run(capsys, "--db", str(db), "anomalies", "list", "--kind", "有罪不究",
                         "--agency", "西城", "--json")  # fmt: skip
    [flag] = json.loads(out)
    assert (flag["rule_id"], flag["kind"], flag["officer"]) == ("NP-1", "not_prosecuted", "陈明")


def test_three_decisions_each_explained_and_in_the_history(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "--db", str(db), "scan", "--as-of", "2021-06-30")
    code, out, err = run(capsys, "--db", str(db), "anomalies", "confirm", "1",
                         "--reason", "受案近两个月未审查")  # fmt: skip
    assert code == 0, err
    assert out.splitlines()[:3] == [
        "已认定 #1：江州市公安局东湖分局 东公受字〔2021〕0101号，有案不立（规则 NF-1）",
        "  说明：受案后 57 天未作出立案决定（期限 7 天）",
        "  状态：疑似 → 已认定",
    ]
    assert "理由：受案近两个月未审查（admin，" in out
    code, out, err = run(capsys, "--db", str(db), "anomalies", "dismiss", "2",
                         "--reason", "台账漏登办案活动")  # fmt: skip
    assert code == 0, err
    assert "状态：疑似 → 已排除" in out
    code, out, err = run(capsys, "--db", str(db), "anomalies", "mark", "东公立字〔2021〕0031号",
                         "--kind", "有罪不究", "--reason", "同案犯未追究", "--json")  # fmt: skip
    assert code == 0, err
    marked = json.loads(out)
    assert (marked["rule_id"], marked["state"], marked["reason"]) == (
        "manual", "confirmed", "同案犯未追究",
    )  # fmt: skip
    code, out, _ = run(capsys, "--db", str(db), "cases", "history", "东公立字〔2021〕0031号")
    assert code == 0
    assert "异常（2 条）：" in out
    assert "排除压案不查 #2（SP-1）：台账漏登办案活动" in out
    assert f"人工标记有罪不究 #{marked['id']}，认定：同案犯未追究" in out
    code, out, _ = run(capsys, "--db", str(db), "audit", "verify")
    assert code == 0
    assert "审计日志完整" in out


def test_a_decision_without_a_reason_is_refused_and_changes_nothing(
    db: str, db_digest: Callable[[str], str], capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "--db", str(db), "scan", "--as-of", "2021-06-30")
    before = db_digest(db)
    code, out, err = run(capsys, "--db", str(db), "anomalies", "dismiss", "1")
    assert (code, out) == (1, "")
    assert err.startswith("错误：排除须说明理由")
    code, _, err = run(capsys, "--db", str(db), "anomalies", "list", "--state", "不存在")
    assert code == 1
    assert "异常状态“不存在”不是可选值" in err
    code, _, err = run(capsys, "--db", str(db), "anomalies", "confirm", "99", "--reason", "x")
    assert (code, err.strip()) == (1, "错误：找不到编号为“99”的案件异常")
    assert db_digest(db) == before


def test_reopen_takes_back_a_decision(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "--db", str(db), "scan", "--as-of", "2021-06-30")
    run(capsys, "--db", str(db), "anomalies", "dismiss", "3", "--reason", "撤案有据")
    code, out, err = run(capsys, "--db", str(db), "anomalies", "reopen", "3")
    assert code == 0, err
    assert "状态：已排除 → 疑似" in out
    assert "理由：重新复核" in out


def test_watch_list(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "--db", str(db), "scan", "--as-of", "2021-06-30")
    run(capsys, "--db", str(db), "anomalies", "confirm", "3", "--reason", "撤案理由不成立")
    code, out, err = run(capsys, "--db", str(db), "watch", "list")
    assert code == 0, err
    reason = "关联已认定案件异常 1 件（西公立字〔2021〕0008号 有罪不究）"
    assert f"陈明\t江州市公安局西城分局\t\t0\t{reason}" in out
    assert "单位汇总" in out
    code, out, _ = run(capsys, "--db", str(db), "watch", "list", "--json")
    document = json.loads(out)
    assert [p["name"] for p in document["persons"]] == ["陈明"]
    assert document["units"][0]["confirmed_anomalies"] == 1
