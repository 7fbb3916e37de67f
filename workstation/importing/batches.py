"""The import service: a file in, one batch out (or none), in one transaction; undo; listing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import os
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select

from workstation import clock, diagnostics
from workstation import settings as settings_mod
from workstation.errors import Cancelled
from workstation.importing import rejects as rejects_mod
from workstation.importing.bulk import Inserter
from workstation.importing.headers import parse_constants, parse_map
from workstation.importing.links import Links
from workstation.importing.report import ImportResult, RejectedRow
from workstation.importing.source import Row, Source, header_summary, kind_module
from workstation.importing.writing import LeadWriter
from workstation.importing.writing_cases import CaseWriter, describe
from workstation.models import ImportBatch, utcnow
from workstation.services import audit
from workstation.services.auth import Actor, can, require
from workstation.store import Store

CHUNK = 2_000
PERMISSION = {"leads": "lead.create", "cases": "case.create"}
Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


@dataclasses.dataclass(frozen=True)
class ImportOptions:
    """How to read the file: what it holds, which sheet and header row, column overrides."""

    kind: str  # "leads" or "cases"
    sheet: str | None = None
    header_row: int | None = None
    # --map overrides as "列名=field" strings or (column, field) pairs.
    mapping: Sequence[str | tuple[str, str]] = ()
    # --set values for fields every row lacks: "字段=值" strings or a field → value mapping.
    constants: Sequence[str] | Mapping[str, str] = ()
    dry_run: bool = False
    rejects: Path | None = None  # where to write the rejected rows (.xlsx)
    today: dt.date | None = None  # dates after it are refused (default: the local date)

    def overrides(self) -> list[tuple[str, str]]:
        pairs = [m for m in self.mapping if isinstance(m, tuple)]
        texts = [m for m in self.mapping if isinstance(m, str)]
        return pairs + parse_map(texts)

    def fixed(self) -> dict[str, str]:
        module = kind_module(self.kind)
        if isinstance(self.constants, Mapping):
            items = [f"{k}={v}" for k, v in self.constants.items()]
        else:
            items = list(self.constants)
        return parse_constants(items, self.kind, module.LABELS)


def _reason(problems: dict[str, str], order: Sequence[str]) -> tuple[str, str]:
    fields = sorted(problems, key=lambda f: order.index(f) if f in order else len(order))
    return fields[0], "；".join(problems[f] for f in fields)


@diagnostics.logged("import")
def run_import(
    store: Store,
    actor: Actor,
    path: str | os.PathLike[str],
    options: ImportOptions,
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> ImportResult:
    """Import a spreadsheet of leads or cases: all of it, in one transaction, or nothing.

    Every data row ends imported, a duplicate (of an earlier row or a stored record), or
    rejected with a Chinese reason naming the field. `progress(done, total)` is called every
    few thousand rows (sheet rows read so far, rows in the sheet); when `cancel()` turns true
    the import stops with Cancelled and the store is left as it was. A dry run reads the store
    only. The rejects workbook, if asked for, takes its name once the import has committed."""
    kind_module(options.kind)
    require(actor, "import.run")
    require(actor, PERMISSION[options.kind])
    started = time.perf_counter()
    file = Path(path)
    if options.rejects is not None:
        rejects_mod.check_target(options.rejects)
    today = options.today or clock.today()
    with Source(
        file, options.kind, sheet=options.sheet, header_row=options.header_row,
        mapping=options.overrides(), constants=options.fixed(),
    ) as source:  # fmt: skip
        sha = audit.file_sha256(file)
        total = max(source.total_rows, 1)
        module = source.module
        order = list(module.LABELS)
        mapping = {
            "header_rows": list(source.header.rows),
            "columns": header_summary(source.header, module.LABELS),
            "overrides": [list(p) for p in source.mapping_overrides],
            "constants": source.constants,
            "encoding": source.book.encoding,
        }
        session_cm = store.read() if options.dry_run else store.write()
        temporary: Path | None = None
        with session_cm as session:
            now = utcnow()
            stamps = {
                "created_at": now, "updated_at": now,
                "created_by": actor.login, "updated_by": actor.login,
            }  # fmt: skip
            earlier = list(
                session.scalars(
                    select(ImportBatch.id)
                    .where(ImportBatch.file_sha256 == sha, ImportBatch.undone_at.is_(None))
                    .order_by(ImportBatch.id)
                )
            )
            batch: ImportBatch | None = None
            if not options.dry_run:
                batch = ImportBatch(
                    kind=options.kind, file_name=file.name[:500], file_sha256=sha,
                    sheet=source.sheet_name, mapping=mapping, user=actor.login,
                    created_by=actor.login, updated_by=actor.login,
                )  # fmt: skip
                session.add(batch)
                session.flush()
            links = Links(session, actor, stamps, dry_run=options.dry_run)
            inserter = Inserter(session)
            writer = _writer(session, actor, options, source, links, inserter, stamps, batch)
            refused: list[Row] = []
            data_rows = 0
            rows = source.rows(today)
            while chunk := list(itertools.islice(rows, CHUNK)):
                if cancel is not None and cancel():
                    raise Cancelled("已取消导入，未写入任何内容")
                data_rows += len(chunk)
                refused.extend(r for r in chunk if r.problems)
                refused.extend(writer.add([r for r in chunk if not r.problems]))
                if progress is not None:
                    progress(min(chunk[-1].number, total), total)
            writer.finish()
            if cancel is not None and cancel():
                raise Cancelled("已取消导入，未写入任何内容")
            refused.sort(key=lambda r: r.number)
            rejected = []
            for row in refused:
                field, reason = _reason(row.problems, order)
                rejected.append(RejectedRow(row.number, field, reason, dict(row.problems)))
            result = ImportResult(
                kind=options.kind,
                batch=batch.id if batch else None,
                dry_run=options.dry_run,
                file_name=file.name,
                file_sha256=sha,
                format=source.check.format,
                encoding=source.book.encoding,
                sheet=source.sheet_name,
                sheets=list(source.sheets),
                header_rows=source.header.rows,
                columns=mapping["columns"],
                extra_columns=[c.header for c in source.header.extra_columns()],
                constants={module.LABELS[f]: v for f, v in source.constants.items()},
                data_rows=data_rows,
                imported=writer.imported,
                duplicates=writer.duplicates,
                repeats=writer.repeats if isinstance(writer, LeadWriter) else [],
                updated=_updated(writer),
                rejected=rejected,
                skipped=source.skipped,
                units_created=[name for _, name in links.created_units],
                persons_created=len(links.created_persons),
                earlier_batches=earlier,
                rejects_file=str(options.rejects) if options.rejects and rejected else None,
                seconds=round(time.perf_counter() - started, 3),
                rejects_asked=options.rejects is not None,
            )
            if batch is not None:
                _close_batch(session, actor, batch, result, links, writer)
            if options.rejects is not None and refused:
                temporary = rejects_mod.write_rejects(
                    options.rejects,
                    source.header,
                    [(r.number, r.cells or [], rej.reason)
                     for r, rej in zip(refused, rejected, strict=True)],
                )  # fmt: skip
            if temporary is not None and options.rejects is not None:
                # The file takes its name once the import has committed (or the dry run ended).
                _commit_and_place(session, temporary, options.rejects)
    # The new leads wait in the search index's queue (searches find them meanwhile, by a
    # scan of the queued ones): the front ends index them after the import, off its clock
    # (search.sync_search_index), as a search index kept up row by row would slow it down.
    return result


def _commit_and_place(session: Any, temporary: Path, target: Path) -> None:
    try:
        session.commit()
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    temporary.replace(target)


def _writer(
    session: Any,
    actor: Actor,
    options: ImportOptions,
    source: Source,
    links: Links,
    inserter: Inserter,
    stamps: dict[str, Any],
    batch: ImportBatch | None,
) -> LeadWriter | CaseWriter:
    batch_id = batch.id if batch else None
    if options.kind == "leads":
        return LeadWriter(
            session, links, inserter, stamps, batch_id=batch_id,
            due_days=settings_mod.load(session).lead_due_days, dry_run=options.dry_run,
        )  # fmt: skip
    return CaseWriter(
        session, links, inserter, stamps, batch_id=batch_id,
        present=set(source.header.field_columns()) | set(source.constants),
        can_update=can(actor, "case.edit"),
        login=actor.login, dry_run=options.dry_run,
    )  # fmt: skip


def _updated(writer: LeadWriter | CaseWriter) -> list[tuple[int, str, str]]:
    if not isinstance(writer, CaseWriter):
        return []
    return [(row, no, describe(diff)) for row, no, diff in writer.updated]


def _close_batch(
    session: Any,
    actor: Actor,
    batch: ImportBatch,
    result: ImportResult,
    links: Links,
    writer: LeadWriter | CaseWriter,
) -> None:
    """The batch's counts and rejected rows, and its one audit event (what undo reads)."""
    batch.imported = result.imported
    batch.duplicates = len(result.duplicates)
    batch.rejected = len(result.rejected)
    batch.rejected_rows = [r.to_json() for r in result.rejected]
    after = {
        "batch": batch.id,
        "file": result.file_name,
        "sha256": result.file_sha256,
        "sheet": result.sheet,
        "header_rows": list(result.header_rows),
        "imported": result.imported,
        "duplicates": len(result.duplicates),
        "repeats": len(result.repeats),
        "updated": len(result.updated),
        "rejected": len(result.rejected),
        "units_created": [name for _, name in links.created_units],
        "created": {
            "units": [unit_id for unit_id, _ in links.created_units],
            "persons": links.created_persons,
        },
    }
    if result.rejects_file:
        # The rejected rows go back out as they were read, reporters' names and phones included
        # (the user's own input: none of it was stored), so the event says that it happened.
        reporter = {"reporter_name", "reporter_phone"}
        after["rejects"] = {
            "file": Path(result.rejects_file).name,
            "rows": len(result.rejected),
            "reporter_columns": any(c.get("field") in reporter for c in result.columns),
        }
    before = None
    if isinstance(writer, CaseWriter) and writer.previous:
        before = {"cases": writer.previous}
    audit.record(
        session, actor, f"import.{result.kind}", "import_batch", batch.uuid,
        before=before, after=after,
    )  # fmt: skip
