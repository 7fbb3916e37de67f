"""The commands of `python -m workstation`: each parses options, calls a service, prints."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from workstation.cli import (
    PASSWORD_ENV,
    Context,
    brief_cmd,
    import_cmd,
    leads_cmd,
    packet_cmd,
    print_json,
    print_table,
    review_cmd,
    users_cmd,
    vault_cmd,
)
from workstation.errors import WorkstationError

# Lead fields settable from the command line: option → (field, help).
LEAD_OPTIONS = {
    "--ref": ("ref", "线索编号（不填则自动生成）"),
    "--received-on": ("received_on", "受理时间 YYYY-MM-DD"),
    "--channel": ("channel", "来源渠道，如 来电、来信"),
    "--reporter": ("reporter_name", "反映人姓名"),
    "--phone": ("reporter_phone", "反映人联系电话"),
    "--subject": ("subject", "被反映人姓名"),
    "--position": ("subject_position", "被反映人职务"),
    "--unit": ("subject_unit", "被反映人单位"),
    "--category": ("category", "问题类别"),
    "--summary": ("summary", "主要问题"),
    "--case-no": ("case_no", "关联案号"),
    "--status": ("status", "办理状态"),
    "--disposition": ("disposition", "处置方式"),
    "--result": ("result", "核查结论"),
    "--handler-unit": ("handler_unit", "承办单位"),
    "--due-on": ("due_on", "办理期限 YYYY-MM-DD"),
    "--concluded-on": ("concluded_on", "办结日期 YYYY-MM-DD"),
}
CASE_OPTIONS = {
    "--case-no": ("case_no", "案号"),
    "--agency": ("agency", "办案单位"),
    "--kind": ("kind", "案件类型：刑事 / 行政"),
    "--cause": ("cause", "案由"),
    "--complainant": ("complainant", "报案人"),
    "--accepted-on": ("accepted_on", "受案日期"),
    "--filed-on": ("filed_on", "立案日期"),
    "--not-filed-on": ("not_filed_on", "不予立案日期"),
    "--withdrawn-on": ("withdrawn_on", "撤案日期"),
    "--prosecuted-on": ("prosecuted_on", "移送审查起诉日期"),
    "--closed-on": ("closed_on", "结案日期"),
    "--suspect-identified": ("suspect_identified", "嫌疑人已明确：是 / 否"),
    "--decision": ("procuratorate_decision", "检察机关决定：不批捕 / 不起诉 / 撤回起诉"),
    "--last-activity-on": ("last_activity_on", "最近办案活动日期"),
    "--complex": ("complex", "重大复杂：是 / 否"),
    "--amount": ("amount", "涉案金额（元）"),
    "--officer": ("officer", "承办人"),
}


def _add_field_options(
    parser: argparse.ArgumentParser, options: dict[str, tuple[str, str]]
) -> None:
    for flag, (field, help_text) in options.items():
        parser.add_argument(flag, dest=f"field_{field}", default=None, help=help_text)


def _given_fields(args: argparse.Namespace) -> dict[str, Any]:
    return {
        name.removeprefix("field_"): value
        for name, value in vars(args).items()
        if name.startswith("field_") and value is not None
    }


class Groups:
    """Command groups (`leads`, `cases`, …) that several modules add sub-commands to."""

    def __init__(self, sub: Any) -> None:
        self.sub = sub
        self._groups: dict[str, Any] = {}

    def __call__(self, name: str, help_text: str) -> Any:
        if name not in self._groups:
            parser = self.sub.add_parser(name, help=help_text)
            self._groups[name] = parser.add_subparsers(dest="action", required=True)
        return self._groups[name]


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    groups = Groups(sub)
    p = sub.add_parser("init", parents=[common], help="创建或升级数据库")
    p.add_argument("--admin", help="同时创建第一个管理员（密码取自环境变量或提示输入）")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_init)

    leads = groups("leads", "线索")
    p = leads.add_parser("add", parents=[common], help="录入一条线索")
    _add_field_options(p, LEAD_OPTIONS)
    p.add_argument("--anonymous", dest="field_anonymous", action="store_const", const=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_leads_add)
    p = leads.add_parser("edit", parents=[common], help="修改一条线索")
    p.add_argument("key", help="线索编号")
    _add_field_options(p, LEAD_OPTIONS)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_leads_edit)
    p = leads.add_parser("show", parents=[common], help="显示一条线索")
    p.add_argument("key", help="线索编号")
    p.add_argument("--unmask", action="store_true", help="显示反映人完整信息（需权限，记入审计）")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_leads_show)
    p = leads.add_parser("list", parents=[common], help="列出线索")
    leads_cmd.add_filter_options(p)
    p.add_argument("--limit", type=int)
    p.add_argument("--unmask", action="store_true", help="显示反映人完整信息（需权限，记入审计）")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_leads_list)
    leads_cmd.register(leads, common)

    cases = groups("cases", "案件")
    p = cases.add_parser("add", parents=[common], help="录入一件案件")
    _add_field_options(p, CASE_OPTIONS)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_cases_add)
    p = cases.add_parser("edit", parents=[common], help="修改一件案件")
    p.add_argument("key", help="案件编号或案号")
    _add_field_options(p, CASE_OPTIONS)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_cases_edit)
    p = cases.add_parser("list", parents=[common], help="列出案件")
    p.add_argument("--search")
    p.add_argument("--agency")
    p.add_argument("--limit", type=int)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_cases_list)

    units = groups("units", "单位")
    p = units.add_parser("list", parents=[common], help="列出单位")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_units_list)

    audit = groups("audit", "审计日志")
    p = audit.add_parser("verify", parents=[common], help="校验审计日志是否完整")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_audit_verify)

    p = sub.add_parser("demo", parents=[common], help="生成演示数据")
    p.add_argument("--leads", type=int, default=1000)
    p.add_argument("--cases", type=int, default=300)
    p.add_argument("--seed", type=int, default=2021)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_demo)

    review_cmd.register(sub, common, groups)
    users_cmd.register(sub, common, groups)
    import_cmd.register(sub, common)
    brief_cmd.register(sub, common)
    vault_cmd.register(sub, common, groups)
    packet_cmd.register(sub, common, groups)


def cmd_init(ctx: Context) -> int:
    from workstation.services import users
    from workstation.store import current_revision

    store = ctx.store(create=True)
    created = None
    if ctx.args.admin:
        password = os.environ.get(PASSWORD_ENV)
        if password is None:
            if not sys.stdin.isatty():
                raise WorkstationError(f"请在环境变量 {PASSWORD_ENV} 中提供管理员密码")
            import getpass

            password = getpass.getpass(f"管理员 {ctx.args.admin} 的密码：")
        created = users.create_first_admin(store, ctx.args.admin, password)
    revision = current_revision(store)
    if ctx.args.json:
        print_json({"store": store.describe(), "revision": revision, "admin": created})
    else:
        print(f"数据库已就绪：{store.describe()}（结构版本 {revision}）")
        if created:
            print(f"已创建管理员：{created}")
    return 0


def _lead_table(rows: list[Any]) -> None:
    from workstation.vocab import CATEGORY, CHANNEL, LEAD_STATUS

    headers = [
        "线索编号",
        "受理时间",
        "来源渠道",
        "被反映人",
        "单位",
        "问题类别",
        "办理状态",
        "主要问题",
    ]
    print_table(
        headers,
        [
            [
                r.ref,
                r.received_on.isoformat(),
                CHANNEL.label(r.channel),
                r.subject,
                r.subject_unit,
                CATEGORY.label(r.category),
                LEAD_STATUS.label(r.status),
                r.summary if len(r.summary) <= 40 else r.summary[:39] + "…",
            ]
            for r in rows
        ],
    )


def _print_record(row: Any, labels: dict[str, str], vocabs: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(row.to_json())
        return
    for key, value in row.to_json().items():
        if key in vocabs and value is not None:
            value = vocabs[key].label(value)
        elif isinstance(value, bool):
            value = "是" if value else "否"
        print(f"{labels.get(key, key)}：{'' if value is None else value}")


def cmd_leads_add(ctx: Context) -> int:
    from workstation.services import leads

    row = leads.create_lead(ctx.store(), ctx.actor(), _given_fields(ctx.args))
    if ctx.args.json:
        print_json(row.to_json())
    else:
        print(f"已录入线索 {row.ref}")
    return 0


def cmd_leads_edit(ctx: Context) -> int:
    from workstation.services import leads

    changes = _given_fields(ctx.args)
    if not changes:
        raise WorkstationError("没有指定要修改的字段")
    row = leads.update_lead(ctx.store(), ctx.actor(), ctx.args.key, changes)
    if ctx.args.json:
        print_json(row.to_json())
    else:
        print(f"已修改线索 {row.ref}")
    return 0


def cmd_leads_show(ctx: Context) -> int:
    from workstation.services import leads

    row = leads.get_lead(ctx.store(), ctx.actor(), ctx.args.key, unmask=ctx.args.unmask)
    _print_record(row, leads.LABELS, leads.VOCAB_FIELDS, ctx.args.json)
    return 0


def cmd_leads_list(ctx: Context) -> int:
    from workstation.services import leads

    a = ctx.args
    query = leads_cmd.lead_query(ctx)
    rows = leads.list_leads(ctx.store(), ctx.actor(), query, limit=a.limit, unmask=a.unmask)
    if a.json:
        print_json([r.to_json() for r in rows])
    else:
        _lead_table(rows)
        print(f"共 {len(rows)} 条", file=sys.stderr)
    return 0


def cmd_cases_add(ctx: Context) -> int:
    from workstation.services import cases

    row = cases.create_case(ctx.store(), ctx.actor(), _given_fields(ctx.args))
    if ctx.args.json:
        print_json(row.to_json())
    else:
        print(f"已录入案件 {row.agency} {row.case_no}")
    return 0


def cmd_cases_edit(ctx: Context) -> int:
    from workstation.services import cases

    changes = _given_fields(ctx.args)
    if not changes:
        raise WorkstationError("没有指定要修改的字段")
    row = cases.update_case(ctx.store(), ctx.actor(), ctx.args.key, changes)
    if ctx.args.json:
        print_json(row.to_json())
    else:
        print(f"已修改案件 {row.agency} {row.case_no}")
    return 0


def cmd_cases_list(ctx: Context) -> int:
    from workstation.services import cases
    from workstation.vocab import CASE_KIND

    a = ctx.args
    query = cases.CaseQuery(search=a.search, agency=a.agency)
    rows = cases.list_cases(ctx.store(), ctx.actor(), query, limit=a.limit)
    if a.json:
        print_json([r.to_json() for r in rows])
    else:
        headers = ["案号", "办案单位", "案件类型", "案由", "受案日期", "立案日期", "结案日期"]
        print_table(
            headers,
            [
                [r.case_no, r.agency, CASE_KIND.label(r.kind), r.cause, r.accepted_on,
                 r.filed_on, r.closed_on]
                for r in rows
            ],
        )  # fmt: skip
        print(f"共 {len(rows)} 件", file=sys.stderr)
    return 0


def cmd_units_list(ctx: Context) -> int:
    from workstation.services import units
    from workstation.vocab import UNIT_TYPE

    rows = units.list_units(ctx.store(), ctx.actor())
    if ctx.args.json:
        print_json([r.to_json() for r in rows])
    else:
        print_table(["单位", "类型"], [[r.name, UNIT_TYPE.label(r.type)] for r in rows])
    return 0


def cmd_audit_verify(ctx: Context) -> int:
    from workstation.services import audit

    result = audit.verify_chain(ctx.store(), ctx.actor())
    if ctx.args.json:
        print_json(result.to_json())
    else:
        print(result.message, file=sys.stdout if result.ok else sys.stderr)
    return 0 if result.ok else 3


def cmd_demo(ctx: Context) -> int:
    from workstation import demo

    if ctx.args.leads < 0 or ctx.args.cases < 0:
        raise WorkstationError("--leads 和 --cases 不能为负数")
    store = ctx.store(create=True)
    show = not ctx.args.json and sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        if show:
            print(f"\r生成演示数据 {done}/{total}", end="", file=sys.stderr, flush=True)

    result = demo.generate(
        store, ctx.actor(), leads=ctx.args.leads, cases=ctx.args.cases, seed=ctx.args.seed,
        progress=progress,
    )  # fmt: skip
    if show:
        print(file=sys.stderr)
    if ctx.args.json:
        print_json(result.to_json())
    else:
        print(
            f"已生成演示数据：线索 {result.leads} 条，案件 {result.cases} 件，"
            f"单位 {result.units} 个，人员 {result.persons} 人（{result.seconds:.1f} 秒）"
        )
    return 0
