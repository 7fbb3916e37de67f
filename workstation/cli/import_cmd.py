"""`import leads|cases FILE`, `import undo BATCH`, `import batches`: spreadsheets in (DESIGN §6)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from workstation.cli import Context, print_json, print_table


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    group = sub.add_parser("import", help="导入表格（线索、案件台账）")
    actions = group.add_subparsers(dest="action", required=True)
    for kind, what in (("leads", "线索"), ("cases", "案件台账")):
        p = actions.add_parser(kind, parents=[common], help=f"导入{what}（.xlsx/.xlsm/.xls/.csv）")
        p.add_argument("file", help="表格文件")
        p.add_argument("--sheet", help="工作表名称（默认：第一个有表头的可见工作表）")
        p.add_argument("--header-row", type=int, help="表头所在行号（默认自动识别）")
        p.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="列名=字段",
            help="指定某列对应的字段，如 --map 收到日期=received_on；字段留空则作为附加数据",
        )
        p.add_argument(
            "--set",
            action="append",
            default=[],
            metavar="字段=值",
            help="给表中未填该项的行填同一个值，如 --set 办案单位=江州市公安局东湖分局",
        )
        p.add_argument("--dry-run", action="store_true", help="试运行：只报告，不写入数据库")
        p.add_argument("--rejects", metavar="OUT.xlsx", help="把被拒绝的行写入此文件，改后可再导入")
        p.add_argument("--progress", action="store_true", help="在标准错误输出上报告进度")
        p.add_argument("--json", action="store_true")
        p.set_defaults(handler=cmd_import, kind=kind)
    p = actions.add_parser("undo", parents=[common], help="撤销一个导入批次")
    p.add_argument("batch", type=int, help="批次号")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_import_undo)
    p = actions.add_parser("batches", parents=[common], help="列出导入批次")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_import_batches)


def cmd_import(ctx: Context) -> int:
    from workstation.importing import ImportOptions, run_import, summary_lines

    a = ctx.args
    options = ImportOptions(
        kind=a.kind,
        sheet=a.sheet,
        header_row=a.header_row,
        mapping=list(a.map),
        constants=list(a.set),
        dry_run=a.dry_run,
        rejects=Path(a.rejects) if a.rejects else None,
    )
    tty = sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        if a.progress or (tty and not a.json):
            end = "" if tty else "\n"
            print(f"\r已读到第 {done}/{total} 行", end=end, file=sys.stderr, flush=True)

    result = run_import(ctx.store(), ctx.actor(), Path(a.file), options, progress=progress)
    if tty and (a.progress or not a.json):
        print(file=sys.stderr)
    if result.kind == "leads" and result.batch is not None and result.imported:
        from workstation import search

        def indexing(done: int, total: int) -> None:
            if a.progress or (tty and not a.json):
                end = "" if tty else "\n"
                print(f"\r检索索引：{done}/{total}", end=end, file=sys.stderr, flush=True)

        # After the import has committed: an interrupted indexing loses nothing (the leads
        # stay queued and are found by search meanwhile; `leads index` finishes it).
        search.sync_search_index(ctx.store(), ctx.actor(), progress=indexing)
        if tty and (a.progress or not a.json):
            print(file=sys.stderr)
    if a.json:
        print_json(result.to_json())
    else:
        print("\n".join(summary_lines(result)))
    return 0


def cmd_import_undo(ctx: Context) -> int:
    from workstation.importing import undo_batch

    result = undo_batch(ctx.store(), ctx.actor(), ctx.args.batch)
    if ctx.args.json:
        print_json(result.to_json())
    else:
        what = "线索" if result.kind == "leads" else "案件"
        text = f"已撤销批次 {result.batch}：删除{what} {result.removed} 条"
        if result.restored:
            text += f"，恢复被更新的案件 {result.restored} 件"
        if result.units_removed or result.persons_removed:
            text += (
                f"，删除随之新建的单位 {result.units_removed} 个、人员 {result.persons_removed} 人"
            )
        print(text)
    return 0


def cmd_import_batches(ctx: Context) -> int:
    from workstation.importing import list_batches

    rows = list_batches(ctx.store(), ctx.actor())
    if ctx.args.json:
        print_json([r.to_json() for r in rows])
        return 0
    headers = ["批次", "类型", "文件", "工作表", "导入", "重复", "重复件", "更新", "拒绝", "导入人",
               "时间", "状态"]  # fmt: skip
    print_table(
        headers,
        [
            [
                r.id, "线索" if r.kind == "leads" else "案件", r.file_name, r.sheet or "",
                r.imported, r.duplicates, r.repeats, r.updated, r.rejected, r.user,
                f"{r.created_at.astimezone():%Y-%m-%d %H:%M}",
                f"已撤销 {r.undone_at.astimezone():%Y-%m-%d %H:%M}" if r.undone_at else "",
            ]
            for r in rows
        ],
    )  # fmt: skip
    print(f"共 {len(rows)} 个批次", file=sys.stderr)
    return 0
