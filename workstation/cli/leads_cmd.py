"""The filters of `leads list` and `leads export`, and the export command itself."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from workstation.cli import Context, print_json
from workstation.errors import ValidationError, WorkstationError


def add_filter_options(p: argparse.ArgumentParser) -> None:
    """The options that narrow a list of leads (the filter bar of the leads view)."""
    p.add_argument("--search", help="按文字查找（编号、案号、被反映人、单位、反映人、主要问题）")
    p.add_argument("--channel", help="来源渠道，如 来电、来信")
    p.add_argument("--category", help="问题类别，如 违规经商办企业")
    p.add_argument("--status", help="办理状态，如 待处理、核查中")
    p.add_argument("--unit-type", help="被反映人单位类型，如 法院、公安")
    p.add_argument("--unit", help="被反映人单位（全称）")
    p.add_argument("--handler-unit", help="承办单位（全称）")
    p.add_argument("--from", dest="received_from", help="受理时间不早于 YYYY-MM-DD")
    p.add_argument("--to", dest="received_to", help="受理时间不晚于 YYYY-MM-DD")
    p.add_argument(
        "--overdue",
        nargs="?",
        const="",
        metavar="YYYY-MM-DD",
        help="只列逾期未办结的线索（截至该日；默认今天，活动结束后为活动最后一天）",
    )


def _date(field: str, label: str, text: str | None) -> Any:
    from workstation.services.fields import FieldProblem, read_date

    try:
        return read_date(field, label, text)
    except FieldProblem as problem:
        raise ValidationError({problem.field: problem.message}) from None


def lead_query(ctx: Context) -> Any:
    """The LeadQuery of the filter options; vocabulary values as keys, labels or synonyms."""
    from workstation.services import campaign
    from workstation.services.leads import LeadQuery
    from workstation.vocab import CATEGORY, CHANNEL, LEAD_STATUS, UNIT_TYPE

    a = ctx.args
    filters: dict[str, Any] = {}
    for name, vocab, value in (
        ("status", LEAD_STATUS, a.status),
        ("channel", CHANNEL, a.channel),
        ("category", CATEGORY, a.category),
        ("unit_type", UNIT_TYPE, a.unit_type),
    ):
        if value:
            key = vocab.to_key(value)
            if key is None:
                options = "、".join(term.label for term in vocab.terms)
                raise WorkstationError(f"{vocab.title}“{value}”不是可选值（可选：{options}）")
            filters[name] = key
    filters["received_from"] = _date("received_from", "起始日期", a.received_from)
    filters["received_to"] = _date("received_to", "截止日期", a.received_to)
    if a.overdue is not None:
        filters["overdue_as_of"] = _date("as_of", "截至日期", a.overdue) or campaign.as_of(
            ctx.store()
        )
    return LeadQuery(search=a.search, unit=a.unit, handler_unit=a.handler_unit, **filters)


def register(leads: Any, common: argparse.ArgumentParser) -> None:
    """`leads export` and `leads index` (the `leads list` filters are added by commands)."""
    p = leads.add_parser("index", parents=[common], help="更新线索检索索引（导入、升级后）")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_leads_index)
    p = leads.add_parser("export", parents=[common], help="把线索清单导出为 Excel 工作簿")
    p.add_argument("out", help="导出文件（.xlsx）")
    add_filter_options(p)
    p.add_argument("--unmask", action="store_true", help="含反映人完整信息（需权限，记入审计）")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_leads_export)


def cmd_leads_index(ctx: Context) -> int:
    from workstation import search

    store, actor = ctx.store(), ctx.actor()
    show = not ctx.args.json and sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        if show:
            print(f"\r更新检索索引 {done}/{total}", end="", file=sys.stderr, flush=True)

    done = search.sync_search_index(store, actor, progress=progress)
    if show and done:
        print(file=sys.stderr)
    if ctx.args.json:
        print_json({"indexed": done})
    else:
        print(f"检索索引已是最新（本次更新线索 {done} 条）")
    return 0


def cmd_leads_export(ctx: Context) -> int:
    from workstation.services import leads

    query = lead_query(ctx)
    store, actor = ctx.store(), ctx.actor()
    show = not ctx.args.json and sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        if show:
            print(f"\r导出线索 {done}/{total}", end="", file=sys.stderr, flush=True)

    rows = leads.export_leads(
        store, actor, query, ctx.args.out, unmask=ctx.args.unmask, progress=progress
    )
    if show:
        print(file=sys.stderr)
    if ctx.args.json:
        print_json({"file": ctx.args.out, "rows": rows, "masked": not ctx.args.unmask})
    else:
        print(f"已导出线索 {rows} 条：{ctx.args.out}")
    return 0
