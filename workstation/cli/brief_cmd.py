"""The `brief` command: compute a briefing packet (简报) and write it as PDF and Excel."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from workstation.cli import Context, print_json
from workstation.errors import ValidationError


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "brief",
        parents=[common],
        help="生成简报（PDF 和 Excel）",
        description=(
            "计算一期简报的各项数字，生成可打印的 PDF 简报和 Excel 工作簿。"
            "不指定 --pdf、--xlsx 或 --json 时，在当前文件夹生成 PDF。"
        ),
    )
    p.add_argument("--from", dest="start", help="统计期间起始日期 YYYY-MM-DD（默认教育整顿开始日）")
    p.add_argument("--to", dest="end", help="统计期间截止日期（默认截至日期）")
    p.add_argument("--as-of", help="统计截至日期，逾期据此计算（默认截止日期或今天）")
    p.add_argument("--pdf", help="PDF 简报文件")
    p.add_argument("--xlsx", help="Excel 工作簿文件")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.add_argument("--notes", help="本期“典型问题”“下步工作”等正文的文本文件（# 标题 分节）")
    p.add_argument("--issue", type=int, help="期号（默认顺延）")
    p.add_argument("--copies", type=int, help="印数：PDF 含编号第 1 至第 N 份（默认见设置）")
    p.add_argument("--appendix", action="store_true", help="PDF 附本期全部线索明细")
    p.add_argument(
        "--unmask", action="store_true", help="显示反映人完整信息（限领导、管理员，记入审计）"
    )
    p.set_defaults(handler=cmd_brief)


def _date(name: str, label: str, text: str | None) -> dt.date | None:
    from workstation.services.fields import FieldProblem, read_date

    try:
        return read_date(name, label, text)
    except FieldProblem as problem:
        raise ValidationError({problem.field: problem.message}) from None


def _default_pdf(title: str, issue: int) -> Path:
    """简报第N期.pdf in the current folder, never over an existing file."""
    path = Path.cwd() / f"{title}第{issue}期.pdf"
    n = 2
    while path.exists():
        path = Path.cwd() / f"{title}第{issue}期（{n}）.pdf"
        n += 1
    return path


def cmd_brief(ctx: Context) -> int:
    from workstation.briefs.notes import read_notes
    from workstation.services import briefs

    a = ctx.args
    request = briefs.BriefRequest(
        start=_date("from", "起始日期", a.start),
        end=_date("to", "截止日期", a.end),
        as_of=_date("as_of", "截至日期", a.as_of),
        issue=a.issue,
        copies=a.copies,
        appendix=a.appendix,
        unmask=a.unmask,
        notes=read_notes(a.notes) if a.notes else (),
    )
    store, actor = ctx.store(), ctx.actor()
    show = not a.json and sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        if show and total:
            print(f"\r生成简报 {done * 100 // total:3d}%", end="", file=sys.stderr, flush=True)

    brief = briefs.compute(store, actor, request)
    pdf = a.pdf
    if not (a.pdf or a.xlsx or a.json):
        pdf = _default_pdf(brief.title, brief.issue)
    files = []
    if pdf:
        files.append(briefs.render_pdf(store, actor, brief, pdf, progress=progress))
    if a.xlsx:
        files.append(briefs.render_xlsx(store, actor, brief, a.xlsx, progress=progress))
    if show:
        print("\r" + " " * 20 + "\r", end="", file=sys.stderr)
    if a.json:
        print_json(briefs.BriefOutcome(brief, tuple(files)).to_json())
        return 0
    _print_outcome(brief, files)
    return 0


def _print_outcome(brief: Any, files: list[Any]) -> None:
    from workstation.briefs.model import cn_date

    p = brief.period
    print(
        f"已生成{brief.title}第 {brief.issue} 期（统计期间 {p.describe()}，"
        f"截至{cn_date(p.as_of)}）："
    )
    for f in files:
        if f.kind == "pdf":
            copies = f"，含编号第 1 至第 {brief.copies} 份" if brief.copies > 1 else ""
            print(f"  PDF 简报：{f.path}（每份 {f.pages} 页{copies}）")
        else:
            print(f"  Excel 工作簿：{f.path}（线索明细 {f.rows:,} 行）")
        print(f"    SHA-256 {f.sha256}（已记入审计日志）")
    if not brief.masked:
        print("  注意：含反映人完整信息，已记入审计日志，请按规定保管")
    print()
    for paragraph in brief.summary:
        print(f"  {paragraph}")
