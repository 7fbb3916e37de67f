"""What an import did to every row: the result object, its JSON, and its summary for people."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from workstation.importing.readers import SheetInfo
from workstation.importing.source import Skipped
from workstation.paths import command_name


@dataclasses.dataclass(frozen=True)
class RejectedRow:
    """A row not imported: the first field at fault, every reason, as the clerk should read it."""

    row: int
    field: str
    reason: str
    problems: dict[str, str]

    def to_json(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "reason": self.reason}


@dataclasses.dataclass(frozen=True)
class ImportResult:
    """One import (or dry run): how the file was read and what happened to each of its rows."""

    kind: str
    batch: int | None
    dry_run: bool
    file_name: str
    file_sha256: str
    format: str
    encoding: str | None
    sheet: str | None
    sheets: list[SheetInfo]
    header_rows: tuple[int, ...]
    columns: list[dict[str, Any]]
    extra_columns: list[str]
    data_rows: int
    imported: int
    duplicates: list[tuple[int, str]]  # (row, the row or record it duplicates)
    repeats: list[tuple[int, str]]  # (row, ref of the lead it repeats): imported and linked
    updated: list[tuple[int, str, str]]  # (row, case number, what changed)
    rejected: list[RejectedRow]
    skipped: Skipped
    units_created: list[str]
    persons_created: int
    earlier_batches: list[int]  # batches that imported the same file (same SHA-256) before
    rejects_file: str | None
    seconds: float
    rejects_asked: bool = False
    constants: dict[str, str] = dataclasses.field(default_factory=dict)  # label → value (--set)

    def to_json(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "duplicates": len(self.duplicates),
            "rejected": [r.to_json() for r in self.rejected],
            "batch": self.batch,
            "kind": self.kind,
            "dry_run": self.dry_run,
            "repeats": len(self.repeats),
            "updated": len(self.updated),
            "file": self.file_name,
            "sha256": self.file_sha256,
            "format": self.format,
            "encoding": self.encoding,
            "sheet": self.sheet,
            "header_row": list(self.header_rows),
            "mapping": self.columns,
            "extra_columns": self.extra_columns,
            "constants": self.constants,
            "data_rows": self.data_rows,
            "duplicate_rows": [{"row": r, "of": of} for r, of in self.duplicates],
            "repeat_rows": [{"row": r, "repeat_of": ref} for r, ref in self.repeats],
            "updated_rows": [{"row": r, "case_no": no, "changes": c} for r, no, c in self.updated],
            "skipped": {
                "blank": self.skipped.blank,
                "totals": self.skipped.totals,
                "notes": [{"row": r, "text": t} for r, t in self.skipped.notes],
                "repeated_headers": self.skipped.headers,
            },
            "units_created": self.units_created,
            "persons_created": self.persons_created,
            "earlier_batches": self.earlier_batches,
            "rejects_file": self.rejects_file,
            "seconds": self.seconds,
        }


def _rows(numbers: Sequence[int], limit: int = 30) -> str:
    shown = "、".join(str(n) for n in numbers[:limit])
    if len(numbers) > limit:
        shown += f" 等 {len(numbers)} 行"
    return f"第 {shown} 行"


def summary_lines(result: ImportResult) -> list[str]:
    """The summary a clerk reads: where the data was, how columns were read, each row's fate."""
    what = "线索" if result.kind == "leads" else "案件"
    lines: list[str] = []
    where = f"文件：{result.file_name}"
    if result.sheet:
        hidden = [s.name for s in result.sheets if not s.visible]
        where += f"，工作表“{result.sheet}”"
        if hidden:
            where += f"（跳过隐藏工作表：{'、'.join(hidden)}）"
    elif result.encoding:
        where += f"（CSV，编码 {result.encoding.upper()}）"
    rows = "–".join(str(r) for r in (result.header_rows[0], result.header_rows[-1]))
    if len(result.header_rows) == 1:
        rows = str(result.header_rows[0])
    lines.append(f"{where}，表头在第 {rows} 行")
    lines.append("列的对应：")
    for c in result.columns:
        lines.append(f"  {c['column']} 列 {c['header']} → {c['label']}")
    for label, value in result.constants.items():
        lines.append(f"  {label}：表中未填的行一律填“{value}”（--set）")
    if result.dry_run:
        lines.append("【试运行：以下是将会发生的情况，数据库未作任何改动】")
    unit = "条" if result.kind == "leads" else "件"
    counts = f"共 {result.data_rows} 行数据：导入 {result.imported} {unit}{what}"
    if result.repeats:
        counts += f"（其中 {len(result.repeats)} 条是重复件：同一问题再次反映，已关联到首件）"
    counts += f"，重复 {len(result.duplicates)} 行未导入"
    if result.updated:
        counts += f"，更新已有案件 {len(result.updated)} 件"
    counts += f"，拒绝 {len(result.rejected)} 行"
    lines.append(counts + "。")
    skipped = result.skipped
    parts = []
    if skipped.blank:
        part = f"空行 {skipped.blank} 行"
        if skipped.blank <= 10:
            part += f"（{_rows(skipped.blank_rows)}）"
        parts.append(part)
    if skipped.totals:
        parts.append(f"合计行（{_rows(skipped.totals)}）")
    if skipped.notes:
        parts.append(f"说明行（{_rows([r for r, _ in skipped.notes])}）")
    if skipped.headers:
        parts.append(f"重复的表头（{_rows(skipped.headers)}）")
    if parts:
        lines.append("跳过：" + "；".join(parts) + "。")
    if result.duplicates:
        lines.append("重复（未导入）：")
        lines.extend(f"  第 {r} 行 与{of}相同" for r, of in result.duplicates)
    if result.repeats:
        lines.append("重复件（已导入并关联）：")
        lines.extend(f"  第 {r} 行 是线索 {ref} 的重复件" for r, ref in result.repeats)
    if result.updated:
        lines.append("更新已有案件：")
        lines.extend(f"  第 {r} 行 案号 {no}：{changes}" for r, no, changes in result.updated)
    if result.rejected:
        lines.append("拒绝（未导入，请修改后重新导入）：")
        lines.extend(f"  第 {r.row} 行 {r.reason}" for r in result.rejected)
    if result.extra_columns:
        lines.append(f"作为附加数据保留的列：{'、'.join(result.extra_columns)}")
    if result.units_created:
        shown = "、".join(result.units_created[:20])
        more = f" 等 {len(result.units_created)} 个" if len(result.units_created) > 20 else ""
        lines.append(f"新建单位：{shown}{more}")
    if result.earlier_batches:
        earlier = "、".join(str(b) for b in result.earlier_batches)
        lines.append(f"注意：同一文件曾导入过（批次 {earlier}）")
    if result.rejects_file:
        lines.append(f"被拒绝的行已写入：{result.rejects_file}（修改后可直接再次导入）")
    elif result.rejects_asked and not result.rejected:
        lines.append("没有被拒绝的行，未生成问题行文件")
    if result.batch is not None:
        lines.append(
            f"批次 {result.batch}，用时 {result.seconds:.1f} 秒；"
            f"如需撤销：{command_name()} import undo {result.batch}"
        )
    return lines
