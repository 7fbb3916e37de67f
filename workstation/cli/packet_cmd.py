"""`packet export|import|show|peers|name` and `conflicts list|resolve`: exchange packets between
air-gapped machines (issue 9). The passphrase never appears on the command line: it comes from
the environment variable WORKSTATION_PACKET_PASSPHRASE or a prompt."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from workstation.cli import Context, print_json, print_table
from workstation.errors import ValidationError, WorkstationError

PASSPHRASE_ENV = "WORKSTATION_PACKET_PASSPHRASE"


def register(sub: Any, common: argparse.ArgumentParser, groups: Any) -> None:
    packet = groups("packet", "交换包（在不联网的电脑之间交换数据，限管理员）")
    p = packet.add_parser("export", parents=[common], help="导出交换包")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--since-last", metavar="PEER", help="自上次导出给该对象以来的变化")
    which.add_argument("--all", action="store_true", help="导出全部记录")
    p.add_argument("--peer-name", help="接收方的名称（尚未交换过的对象），供下次 --since-last 使用")
    p.add_argument("out", help="交换包文件")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_export)
    p = packet.add_parser("import", parents=[common], help="导入交换包")
    p.add_argument("file", help="交换包文件")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_import)
    p = packet.add_parser("show", parents=[common], help="显示交换包的清单（需口令）")
    p.add_argument("file", help="交换包文件")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_show)
    p = packet.add_parser("peers", parents=[common], help="列出交换过的对象")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_peers)
    p = packet.add_parser("name", parents=[common], help="设置本机在交换包中的名称")
    p.add_argument("name", help="本机名称，如 李四的笔记本")
    p.set_defaults(handler=cmd_name)

    conflicts = groups("conflicts", "交换冲突")
    p = conflicts.add_parser("list", parents=[common], help="列出交换冲突（默认只列未解决的）")
    p.add_argument("--all", action="store_true", help="也列出已解决的")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_conflicts_list)
    p = conflicts.add_parser("resolve", parents=[common], help="解决一个交换冲突")
    p.add_argument("id", type=int, help="冲突编号")
    p.add_argument("--keep", required=True, choices=("local", "remote"), help="保留本机值或对方值")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_conflicts_resolve)


def _passphrase(*, confirm: bool) -> str:
    from_env = os.environ.get(PASSPHRASE_ENV)
    if from_env is not None:
        return from_env
    if not sys.stdin.isatty():
        raise WorkstationError(f"请在环境变量 {PASSPHRASE_ENV} 中提供交换包口令")
    first = getpass.getpass("交换包口令：")
    if confirm and getpass.getpass("再输入一次：") != first:
        raise ValidationError({"passphrase": "两次输入的口令不一致"})
    return first


def _counts(counts: dict[str, int]) -> str:
    names = {"unit": "单位", "person": "人员", "case": "案件", "lead": "线索",
             "anomaly": "案件异常", "tombstones": "删除", "audit": "审计事件"}  # fmt: skip
    return "，".join(f"{names.get(k, k)} {v}" for k, v in counts.items() if v) or "无"


def _moment(value: Any) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else ""


def _print_summary(summary: Any) -> None:
    print(f"交换包：{summary.path}")
    print(f"来源：{summary.source_name}（{summary.source_store_id}）")
    print(f"导出时间：{_moment(summary.created_at)}　结构版本：{summary.schema_revision}")
    if summary.changes_from:
        print(f"变化时间：{_moment(summary.changes_from)} 至 {_moment(summary.changes_to)}")
    print(f"内容：{_counts(summary.counts)}")


def cmd_export(ctx: Context) -> int:
    from workstation.services import exchange

    store, actor = ctx.store(), ctx.actor()
    from workstation.services.auth import require

    require(actor, "exchange.run")  # before asking for a passphrase
    summary = exchange.export_packet(
        store,
        actor,
        Path(ctx.args.out),
        _passphrase(confirm=True),
        peer=ctx.args.since_last,
        everything=bool(ctx.args.all),
        peer_name=ctx.args.peer_name,
    )
    if ctx.args.json:
        print_json(summary.to_json())
    else:
        _print_summary(summary)
    return 0


def cmd_import(ctx: Context) -> int:
    from workstation.services import exchange
    from workstation.services.auth import require

    store, actor = ctx.store(), ctx.actor()
    require(actor, "exchange.run")
    result = exchange.import_packet(store, actor, Path(ctx.args.file), _passphrase(confirm=False))
    if ctx.args.json:
        print_json(result.to_json())
        return 0
    if result.already_imported:
        print(f"交换包“{Path(ctx.args.file).name}”已导入过，本次未作改动")
        return 0
    _print_summary(result.summary)
    print(f"新增：{_counts(result.inserted)}")
    print(f"更新：{_counts(result.updated)}")
    print(f"删除：{_counts(result.deleted)}")
    print(
        f"未变：{result.unchanged}　新冲突：{result.new_conflicts}　"
        f"自动解决：{result.auto_resolved}"
    )
    if result.new_conflicts:
        print("用 conflicts list 查看冲突，conflicts resolve 编号 --keep local|remote 解决")
    return 0


def cmd_show(ctx: Context) -> int:
    from workstation.services import exchange

    summary = exchange.read_packet(Path(ctx.args.file), _passphrase(confirm=False))
    if ctx.args.json:
        print_json(summary.to_json())
    else:
        _print_summary(summary)
    return 0


def cmd_peers(ctx: Context) -> int:
    from workstation.services import exchange

    rows = exchange.list_peers(ctx.store(), ctx.actor())
    if ctx.args.json:
        print_json([r.to_json() for r in rows])
    else:
        print_table(
            ["名称", "标识", "上次导出", "上次导入"],
            [[r.name, r.store_id, _moment(r.last_export_at), _moment(r.last_import_at)]
             for r in rows],
        )  # fmt: skip
    return 0


def cmd_name(ctx: Context) -> int:
    from workstation.services import exchange

    uuid = exchange.rename_store(ctx.store(), ctx.actor(), ctx.args.name)
    print(f"本机名称已设为“{ctx.args.name}”（标识 {uuid}）")
    return 0


def cmd_conflicts_list(ctx: Context) -> int:
    from workstation.services import exchange

    rows = exchange.list_conflicts(ctx.store(), ctx.actor(), open_only=not ctx.args.all)
    if ctx.args.json:
        print_json([r.to_json() for r in rows])
    else:
        states = {"open": "未解决", "resolved": "已解决"}
        print_table(
            ["编号", "记录", "字段", "本机值", "对方值", "来自", "状态", "处理"],
            [[r.id, r.entity_label, r.field_label, r.local_value, r.remote_value, r.remote_store,
              states.get(r.state, r.state), r.resolution] for r in rows],
        )  # fmt: skip
    return 0


def cmd_conflicts_resolve(ctx: Context) -> int:
    from workstation.services import exchange

    row = exchange.resolve_conflict(ctx.store(), ctx.actor(), ctx.args.id, ctx.args.keep)
    if ctx.args.json:
        print_json(row.to_json())
    else:
        kept = row.local_value if ctx.args.keep == "local" else row.remote_value
        print(f"冲突 {row.id}（{row.entity_label} {row.field_label}）已解决，保留“{kept}”")
    return 0
