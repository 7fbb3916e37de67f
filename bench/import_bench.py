"""Leads import against its floor on one file and machine: calamine read + raw sqlite3 insert."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Run: .venv/bin/python bench/import_bench.py [--rows 100000] [--runs 3] [--keep DIR] [--json]
#
# Makes a 15-column leads workbook of ledger-like Chinese text (openpyxl, write-only; cached in
# --keep), then in separate child processes (so peak memory is each one's own):
#   floor   read the workbook with python-calamine and insert as many rows with sqlite3
#           executemany into the leads table of a fresh store (all columns, one transaction);
#   import  `run_import` of the same workbook into another fresh store.
# Reports the times (medians over --runs), the ratio (aim: import within 2x of the floor) and
# peak RSS (aim: under 500 MB), as text or --json. The machine is shared and noisy: each run does
# floor and import back to back, and the ratio reported is the median of the runs' ratios.

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

HEADERS = [
    "序号", "受理时间", "来源渠道", "反映人", "联系电话", "被反映人", "职务", "所在单位",
    "问题类别", "主要问题", "办理状态", "处置方式", "承办单位", "办理期限", "备注",
]  # fmt: skip
CHANNELS = ["来电", "来信", "网上举报", "来访", "电子邮件", "上级交办", "12389举报电话", "信访件"]
CATEGORIES = ["干预司法", "违规经商办企业", "违规参股借贷", "减刑假释暂予监外执行",
              "有案不立", "离任从业", "作风问题", "其他"]  # fmt: skip
CATEGORY_KEYS = ["interference", "business", "shareholding_lending", "sentence_reduction",
                 "case_handling", "revolving_door", "other", "other"]  # fmt: skip
STATUSES = ["待处理", "已分办", "核查中", "暂存待查"]


def ledger_rows(n: int, seed: int = 2021) -> list[list[object]]:
    """n rows of a clerk's leads ledger: demo city staff, demo summaries, mixed date forms;
    one row in 200 pasted twice (a duplicate), one in 100 the same matter again (a repeat)."""
    from workstation.demo import city, summaries

    rng = random.Random(seed)
    staff = city.build_staff(rng, max(200, n // 8))
    handlers = [u.name for u in city.UNITS if u.handles] or [city.UNITS[0].name]
    start = dt.date(2021, 2, 26)
    rows: list[list[object]] = []
    for i in range(n):
        person = rng.choice(staff)
        unit = person.unit
        received = start + dt.timedelta(days=rng.randrange(120))
        k = rng.randrange(len(CATEGORIES))
        channel = rng.choice(CHANNELS)
        bodies = summaries.bodies(CATEGORY_KEYS[k], unit.type, True, True) or summaries.bodies(
            "other", unit.type, True, True
        )
        fill = summaries.Fill(rng, unit, person, received)
        text = summaries.compose(rng, rng.choice(bodies), fill, "phone") + f"（登记{i}）"
        form = rng.random()
        when: object = dt.datetime.combine(received, dt.time())
        if form > 0.9:
            when = f"{received.year}年{received.month}月{received.day}日"
        elif form > 0.8:
            when = f"{received.year}.{received.month}.{received.day}"
        anonymous = rng.random() < 0.3
        if i >= 200 and i % 200 == 0:
            # The same row twice (a clerk pasted it again): a duplicate.
            rows.append([i + 1, *rows[i - 150][1:]])
            continue
        if i >= 100 and i % 100 == 50:
            # The same matter through another channel, later: a repeat (重复件).
            earlier = rows[i - 90]
            again = [i + 1, *earlier[1:]]
            again[1] = dt.datetime.combine(received, dt.time())
            again[2] = "来访" if earlier[2] != "来访" else "来信"
            again[13] = dt.datetime.combine(received + dt.timedelta(days=30), dt.time())
            rows.append(again)
            continue
        rows.append(
            [
                i + 1, when, channel, "匿名" if anonymous else city.person_name(rng),
                "" if anonymous else city.mobile(rng), person.name, person.position, unit.name,
                CATEGORIES[k], text, rng.choice(STATUSES), "", rng.choice(handlers),
                dt.datetime.combine(received + dt.timedelta(days=30), dt.time()), "",
            ]
        )  # fmt: skip
    return rows


def make_workbook(path: Path, n: int) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("线索台账")
    sheet.append(HEADERS)
    for row in ledger_rows(n):
        sheet.append(row)
    workbook.save(path)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_floor(workbook: Path, db: Path) -> dict[str, float]:
    """calamine read + raw sqlite3 executemany of as many leads rows (every column filled)."""
    import sqlite3
    import uuid

    import python_calamine

    from workstation.store import open_store

    open_store(db, create=True).dispose()
    started = time.perf_counter()
    book = python_calamine.CalamineWorkbook.from_path(str(workbook))
    rows = book.get_sheet_by_name(book.sheet_names[0]).to_python()
    read = time.perf_counter() - started
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
    # Keys as random as the import's (index inserts cost more when keys are not in order).
    params = [
        (f"XS2021-{i:06d}", "2021-03-05", "phone", str(r[3]), str(r[4]), 0, None, None, "other",
         str(r[9]), None, "new", None, None, None, "2021-04-04", None, None, None, None,
         os.urandom(16).hex(), os.urandom(16).hex(), 1, str(uuid.uuid4()), now, now, "bench",
         "bench")
        for i, r in enumerate(rows[1:])
    ]  # fmt: skip
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT INTO leads (ref, received_on, channel, reporter_name, reporter_phone, anonymous,"
        " subject_person_id, subject_unit_id, category, summary, case_no, status, disposition,"
        " result, handler_unit_id, due_on, concluded_on, batch_id, repeat_of_id, extra,"
        " fingerprint, repeat_key, version, uuid, created_at, updated_at, created_by, updated_by)"
        " VALUES (" + ",".join("?" * 28) + ")",
        params,
    )
    conn.execute("COMMIT")
    conn.close()
    total = time.perf_counter() - started
    return {"seconds": total, "read_seconds": read, "rows": len(params), "peak_mb": _peak_mb()}


def run_import(workbook: Path, db: Path) -> dict[str, float]:
    from workstation.importing import ImportOptions, run_import
    from workstation.services.auth import IMPLICIT_ADMIN
    from workstation.store import open_store

    store = open_store(db, create=True)
    started = time.perf_counter()
    result = run_import(
        store, IMPLICIT_ADMIN, workbook, ImportOptions("leads", today=dt.date(2021, 12, 31))
    )
    total = time.perf_counter() - started
    store.dispose()
    return {
        "seconds": total,
        "rows": result.data_rows,
        "imported": result.imported,
        "duplicates": len(result.duplicates),
        "rejected": len(result.rejected),
        "peak_mb": _peak_mb(),
    }


def _child(what: str, workbook: Path, db: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", what, str(workbook), str(db)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    figures: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="folder to keep (and reuse) the workbook in")
    parser.add_argument("--runs", type=int, default=1, help="repeat and report medians")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        what, workbook, db = args.child
        runner = run_floor if what == "floor" else run_import
        print(json.dumps(runner(Path(workbook), Path(db))))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        workbook = folder / f"leads-{args.rows}.xlsx"
        if not workbook.exists():
            started = time.perf_counter()
            make_workbook(workbook, args.rows)
            print(f"made {workbook.name} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        floors, imports = [], []
        for run in range(args.runs):
            floors.append(_child("floor", workbook, Path(tmp) / f"floor{run}.db"))
            imports.append(_child("import", workbook, Path(tmp) / f"import{run}.db"))
    ratios = sorted(i["seconds"] / f["seconds"] for f, i in zip(floors, imports, strict=True))
    floor = sorted(floors, key=lambda f: f["seconds"])[len(floors) // 2]
    done = sorted(imports, key=lambda f: f["seconds"])[len(imports) // 2]
    report = {
        "rows": args.rows,
        "runs": args.runs,
        "floor_seconds": round(floor["seconds"], 2),
        "floor_read_seconds": round(floor["read_seconds"], 2),
        "import_seconds": round(done["seconds"], 2),
        # The median of each run's import/floor ratio (a run's pair shares the machine's mood).
        "ratio": round(ratios[len(ratios) // 2], 2),
        "ratios": [round(r, 2) for r in ratios],
        "import_peak_mb": round(max(i["peak_mb"] for i in imports)),
        "floor_peak_mb": round(max(f["peak_mb"] for f in floors)),
        "imported": done["imported"],
        "rejected": done["rejected"],
        "duplicates": done["duplicates"],
    }
    if args.json:
        print(json.dumps(report))
    else:
        print(
            f"{args.rows:,} rows: import {report['import_seconds']} s, floor "
            f"{report['floor_seconds']} s (calamine read {report['floor_read_seconds']} s + "
            f"sqlite3 executemany) -> {report['ratio']}x (aim <= 2x; runs {report['ratios']}); "
            f"peak memory "
            f"{report['import_peak_mb']} MB (aim < 500 MB; floor {report['floor_peak_mb']} MB); "
            f"imported {report['imported']}, rejected {report['rejected']}, "
            f"duplicates {report['duplicates']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
