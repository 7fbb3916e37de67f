"""Commands of case review: `scan`, `anomalies …`, `watch list` and `cases history`."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

from workstation.cli import Context, print_json, print_table
from workstation.errors import ValidationError, WorkstationError

KIND_HELP = "异常类型：有案不立 / 压案不查 / 有罪不究"
STATE_HELP = "状态：疑似 / 已认定 / 已排除 / 已关闭"


def register(sub: Any, common: argparse.ArgumentParser, groups: Any) -> None:
    p = sub.add_parser("scan", parents=[common], help="运行案件异常规则，记录疑似异常")
    p.add_argument("--as-of", help="截至日期 YYYY-MM-DD（默认今天；活动结束后为活动最后一天）")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_scan)

    anomalies = groups("anomalies", "案件异常")
    p = anomalies.add_parser("list", parents=[common], help="列出案件异常")
    p.add_argument("--kind", help=KIND_HELP)
    p.add_argument("--state", help=STATE_HELP)
    p.add_argument("--agency", help="办案单位（名称的一部分即可）")
    p.add_argument("--rule", help="规则编号，如 NF-1；人工标记为 manual")
    p.add_argument("--case", help="案件编号或案号")
    p.add_argument("--limit", type=int)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_anomalies_list)
    for name, help_text, handler in (
        ("confirm", "认定一条异常（须说明理由）", cmd_anomalies_confirm),
        ("dismiss", "排除一条异常（须说明理由）", cmd_anomalies_dismiss),
        ("reopen", "撤回对一条异常的认定或排除，重新待复核", cmd_anomalies_reopen),
    ):
        p = anomalies.add_parser(name, parents=[common], help=help_text)
        p.add_argument("id", help="异常编号（anomalies list 第一列）")
        p.add_argument("--reason", help="理由")
        p.add_argument("--json", action="store_true")
        p.set_defaults(handler=handler)
    p = anomalies.add_parser("mark", parents=[common], help="人工标记案件异常（记为已认定）")
    p.add_argument("case", help="案件编号或案号")
    p.add_argument("--kind", required=True, help=KIND_HELP)
    p.add_argument("--reason", help="理由")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_anomalies_mark)

    watch = groups("watch", "重点关注")
    p = watch.add_parser("list", parents=[common], help="重点关注人员和单位")
    p.add_argument("--as-of", help="截至日期 YYYY-MM-DD（默认今天；活动结束后为活动最后一天）")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_watch_list)

    cases = groups("cases", "案件")
    p = cases.add_parser("history", parents=[common], help="案件经过：案情、异常、线索和处理记录")
    p.add_argument("key", help="案件编号或案号")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_cases_history)


def _as_of(text: str | None) -> dt.date | None:
    from workstation.services.fields import FieldProblem, read_date

    try:
        return read_date("as_of", "截至日期", text)
    except FieldProblem as problem:
        raise ValidationError({problem.field: problem.message}) from None


def _vocab_key(vocab: Any, value: str | None) -> str | None:
    if not value:
        return None
    key = value if value in vocab else vocab.to_key(value)
    if key is None:
        choices = "、".join(label for _, label in vocab.choices())
        raise WorkstationError(f"{vocab.title}“{value}”不是可选值（可选：{choices}）")
    return str(key)


def _n(value: int) -> str:
    return f"{value:,}"


def cmd_scan(ctx: Context) -> int:
    from workstation.rules import all_rules
    from workstation.services import review
    from workstation.vocab import ANOMALY_KIND

    store = ctx.store()
    actor = ctx.actor()
    show = not ctx.args.json and sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        if show:
            print(f"\r扫描案件 {done:,}/{total:,}", end="", file=sys.stderr, flush=True)

    result = review.scan(store, actor, as_of=_as_of(ctx.args.as_of), progress=progress)
    if show:
        print(file=sys.stderr)
    if ctx.args.json:
        print_json(result.to_json())
        return 0
    print(
        f"扫描完成：截至 {result.as_of}，检查案件 {_n(result.cases)} 件，"
        f"用时 {result.seconds:.1f} 秒"
    )
    print(f"  新发现疑似异常：{_n(result.new)} 条")
    print(f"  原有疑似、规则仍触发：{_n(result.still_open)} 条（其中天数等数字更新 "
          f"{_n(result.refreshed)} 条）")  # fmt: skip
    print(f"  规则不再触发、自动关闭：{_n(result.closed)} 条")
    print(f"  重新列为疑似（排除后案情有变，或关闭后再次触发）：{_n(result.reopened)} 条")
    if result.kept_dismissed or result.kept_confirmed:
        print(
            f"  已有决定、保持不变：已排除 {_n(result.kept_dismissed)} 条（案情未变），"
            f"已认定 {_n(result.kept_confirmed)} 条"
        )
    print()
    titles = {r.rule_id: r.title for r in all_rules()}
    rows: list[list[Any]] = []
    for kind, counts in result.by_kind.items():
        rows.append([ANOMALY_KIND.label(kind), "合计", "", *(_n(counts[c]) for c in review.COUNTS)])
    for rule_id, counts in result.by_rule.items():
        rows.append([ANOMALY_KIND.label(_kind_of(rule_id)), rule_id, titles.get(rule_id, ""),
                     *(_n(counts[c]) for c in review.COUNTS)])  # fmt: skip
    rows.sort(key=lambda r: (list(ANOMALY_KIND.keys()).index(ANOMALY_KIND.to_key(r[0]) or ""),
                             r[1] != "合计", r[1]))  # fmt: skip
    print_table(["类型", "规则", "说明", "新发现", "仍为疑似", "自动关闭", "重新列为疑似"], rows)
    if result.ambiguous_leads:
        shown = "、".join(result.ambiguous_leads[:5])
        print(
            f"\n注意：{len(result.ambiguous_leads)} 条线索所列案号在多个办案单位都有，"
            f"且线索的被反映单位、承办单位都不是其中之一，未关联到案件（{shown}）"
        )
    if result.unmatched_leads:
        print(
            f"\n注意：{_n(result.unmatched_leads)} 条线索所列案号在案件中找不到"
            "（案件未导入，或案号写法不同），这些线索未参与 NF-2 规则"
        )
    suspected = result.new + result.still_open + result.reopened
    if suspected:
        print(
            f"\n下一步：anomalies list --state 疑似 查看 {_n(suspected)} 条疑似异常；"
            "anomalies confirm 编号 --reason 理由 认定，anomalies dismiss 编号 --reason 理由 排除"
        )
    return 0


def _kind_of(rule_id: str) -> str:
    from workstation.rules import get_rule

    rule = get_rule(rule_id)
    return rule.kind if rule else ""


def _shorten(text: str | None, width: int = 60) -> str:
    text = text or ""
    return text if len(text) <= width else text[: width - 1] + "…"


def cmd_anomalies_list(ctx: Context) -> int:
    from workstation.services import review
    from workstation.services.cases import get_case
    from workstation.vocab import ANOMALY_KIND, ANOMALY_STATE

    a = ctx.args
    store, actor = ctx.store(), ctx.actor()
    case_id = get_case(store, actor, a.case).id if a.case else None
    query = review.AnomalyQuery(
        kind=_vocab_key(ANOMALY_KIND, a.kind),
        state=_vocab_key(ANOMALY_STATE, a.state),
        agency=a.agency,
        rule_id=a.rule.upper() if a.rule and a.rule.lower() != "manual" else a.rule,
        case_id=case_id,
    )
    if a.limit is not None and a.limit < 0:
        raise WorkstationError("--limit 不能为负数")
    rows = review.list_anomalies(store, actor, query, limit=a.limit)
    total = review.count_anomalies(store, actor, query) if a.limit is not None else len(rows)
    if a.json:
        print_json([r.to_json() for r in rows])
        return 0
    headers = ["编号", "案号", "办案单位", "类型", "状态", "规则", "说明", "处理情况"]
    print_table(
        headers,
        [[r.id, r.case_no, r.agency, ANOMALY_KIND.label(r.kind), ANOMALY_STATE.label(r.state),
          "人工" if r.rule_id == review.MANUAL else r.rule_id, r.explanation, _decision_note(r)]
         for r in rows],
    )  # fmt: skip
    shown = f"，显示前 {len(rows):,} 条" if len(rows) < total else ""
    print(f"共 {total:,} 条{shown}", file=sys.stderr)
    return 0


def _decision_note(row: Any) -> str:
    """Who decided what, when and why; for a closed flag why it closed."""
    if row.state == "closed":
        return _shorten(row.reason, 80)
    if row.reviewer and row.decided_at:
        when = row.decided_at.astimezone().strftime("%Y-%m-%d")
        return f"{row.reviewer} {when}：{_shorten(row.reason, 60)}"
    if row.state == "suspected":
        return f"待复核（截至 {row.as_of}）" if row.as_of else "待复核"
    return ""


def _print_decided(
    ctx: Context, row: Any, verb: str, before: str | None = None, why: str | None = None
) -> None:
    from workstation.vocab import ANOMALY_KIND, ANOMALY_STATE

    if ctx.args.json:
        print_json(row.to_json())
        return
    rule = "人工标记" if row.rule_id == "manual" else f"规则 {row.rule_id}"
    print(
        f"已{verb} #{row.id}：{row.agency} {row.case_no}，{ANOMALY_KIND.label(row.kind)}（{rule}）"
    )
    if row.rule_id != "manual":
        print(f"  说明：{row.explanation}")
    change = f"{before} → " if before else ""
    print(f"  状态：{change}{ANOMALY_STATE.label(row.state)}")
    if row.reason and row.reviewer and row.decided_at:
        when = row.decided_at.astimezone().strftime("%Y-%m-%d %H:%M")
        print(f"  理由：{row.reason}（{row.reviewer}，{when}）")
    elif why:
        print(f"  理由：{why}")
    print(f"  已记入案件经过和审计日志；查看：cases history {row.case_id}")


def _decide(ctx: Context, verb: str, how: Any) -> int:
    from workstation.services import review
    from workstation.vocab import ANOMALY_STATE

    store, actor = ctx.store(), ctx.actor()
    before = review.get_anomaly(store, actor, ctx.args.id)
    row = how(store, actor, before.id, ctx.args.reason, expected_state=before.state)
    why = ctx.args.reason or ("重新复核" if verb == "重新打开" else None)
    _print_decided(ctx, row, verb, ANOMALY_STATE.label(before.state), why)
    return 0


def cmd_anomalies_confirm(ctx: Context) -> int:
    from workstation.services import review

    return _decide(ctx, "认定", review.confirm)


def cmd_anomalies_dismiss(ctx: Context) -> int:
    from workstation.services import review

    return _decide(ctx, "排除", review.dismiss)


def cmd_anomalies_reopen(ctx: Context) -> int:
    from workstation.services import review

    return _decide(ctx, "重新打开", review.reopen)


def cmd_anomalies_mark(ctx: Context) -> int:
    from workstation.services import review

    a = ctx.args
    row = review.mark(ctx.store(), ctx.actor(), a.case, a.kind, a.reason)
    _print_decided(ctx, row, "标记")
    return 0


def cmd_watch_list(ctx: Context) -> int:
    from workstation.services import watch
    from workstation.vocab import UNIT_TYPE

    result = watch.watch_list(ctx.store(), ctx.actor(), as_of=_as_of(ctx.args.as_of))
    if ctx.args.json:
        print_json(result.to_json())
        return 0
    t = result.thresholds
    print(
        f"重点关注人员（截至 {result.as_of}）：{t['watch_days']} 天内被反映 {t['watch_leads']} 次"
        f"及以上，或被反映问题涉及 {t['watch_categories']} 类及以上，"
        f"或关联已认定案件异常 {t['watch_anomalies']} 件及以上"
    )
    print_table(
        ["姓名", "单位", "职务", "被反映线索", "关注原因"],
        [[p.name, p.unit or "", p.position or "", p.leads, "；".join(p.reasons)]
         for p in result.persons],
    )  # fmt: skip
    print(f"共 {len(result.persons):,} 人", file=sys.stderr)
    print()
    print("单位汇总（被反映线索、查实率、已认定案件异常）")
    print_table(
        ["单位", "类型", "被反映线索", "已办结", "属实或部分属实", "查实率", "已认定异常",
         "疑似异常", "重点关注人员"],
        [[u.name, UNIT_TYPE.label(u.type), u.leads, u.concluded, u.substantiated,
          "—" if u.substantiated_rate is None else f"{u.substantiated_rate:.0%}",
          u.confirmed_anomalies, u.suspected_anomalies, u.watched_persons]
         for u in result.units],
    )  # fmt: skip
    return 0


def cmd_cases_history(ctx: Context) -> int:
    from workstation.services import review
    from workstation.vocab import ANOMALY_KIND, ANOMALY_STATE, CASE_KIND

    history = review.case_history(ctx.store(), ctx.actor(), ctx.args.key)
    if ctx.args.json:
        print_json(history.to_json())
        return 0
    c = history.case
    cause = c.cause or "案由未填"
    print(f"案件 #{c.id} {c.case_no}（{c.agency}，{CASE_KIND.label(c.kind)}，{cause}）")
    facts = [
        f"承办人 {c.officer or '未填'}",
        f"嫌疑人已明确 {'是' if c.suspect_identified else '否'}",
        f"重大复杂 {'是' if c.complex else '否'}",
    ]
    if c.procuratorate_decision:
        from workstation.vocab import PROCURATORATE_DECISION

        facts.append(f"检察机关决定 {PROCURATORATE_DECISION.label(c.procuratorate_decision)}")
    print("  " + "，".join(facts))
    print(f"\n异常（{len(history.flags)} 条）：")
    for f in history.flags:
        rule = "人工标记" if f.rule_id == "manual" else f.rule_id
        print(f"  #{f.id} {ANOMALY_KIND.label(f.kind)} {ANOMALY_STATE.label(f.state)} {rule}："
              f"{f.explanation}")  # fmt: skip
    if not history.flags:
        print("  无")
    print(f"\n经过（{len(history.entries)} 项，按时间）：")
    for e in history.entries:
        when = e.at.astimezone().strftime("%Y-%m-%d %H:%M") if e.at else f"{e.on}      "
        who = f" [{e.user}]" if e.user else ""
        print(f"  {when}{who} {e.text}")
    return 0
