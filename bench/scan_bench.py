"""Benchmark: one anomaly scan of a 100,000-case demo store against the floor of one SELECT."""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

# Run as a script (python bench/scan_bench.py) as well as a module.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workstation import demo
from workstation.demo.cases import AS_OF
from workstation.services import review
from workstation.services.auth import IMPLICIT_ADMIN
from workstation.services.scan import case_facts_select
from workstation.store import Store, open_store

AIM_FIRST = 3.0  # first scan within 3× the floor
AIM_SECOND = 1.0  # second scan (nothing changed) under 1× the first


class Clock:
    """Wall time and this process's CPU time: on a shared, busy machine the CPU time is the
    steadier measure of the work done."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def floor(store: Store) -> Clock:
    """Read the rows the scan reads, with the same SELECT, into Python tuples."""
    with Clock() as clock, store.read() as session:
        rows = session.connection().execute(case_facts_select()).all()
    assert rows
    return clock


def raw_floor(store: Store) -> Clock:
    """The same SELECT through the SQLite driver alone: no conversion of dates at all."""
    with store.read() as session:
        conn = session.connection()
        sql = str(case_facts_select().compile(dialect=conn.dialect))
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with Clock() as clock:
            rows = cursor.execute(sql).fetchall()
        cursor.close()
    assert rows
    return clock


def copy_store(source: Path, target: Path) -> None:
    target.unlink(missing_ok=True)
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def make_template(path: Path, cases: int, leads: int, seed: int) -> float:
    store = open_store(path, create=True)
    try:
        started = time.perf_counter()
        demo.generate(store, IMPLICIT_ADMIN, leads=leads, cases=cases, seed=seed)
        return time.perf_counter() - started
    finally:
        store.dispose()


def one_run(template: Path, work: Path, as_of: dt.date) -> dict[str, float]:
    copy_store(template, work)
    store = open_store(work)
    try:
        floor_before = floor(store)
        raw = raw_floor(store)
        with Clock() as first_clock:
            first = review.scan(store, IMPLICIT_ADMIN, as_of=as_of)
        floor_after = floor(store)
        with Clock() as second_clock:
            second = review.scan(store, IMPLICIT_ADMIN, as_of=as_of)
        assert second.new == second.closed == second.reopened == 0, "second scan changed flags"
        return {
            "floor": min(floor_before.wall, floor_after.wall),
            "raw": raw.wall,
            "first": first_clock.wall,
            "second": second_clock.wall,
            "floor_cpu": min(floor_before.cpu, floor_after.cpu),
            "first_cpu": first_clock.cpu,
            "second_cpu": second_clock.cpu,
            "flags": float(first.new),
        }
    finally:
        store.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--leads", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--runs", type=int, default=5, help="runs on fresh copies; medians shown")
    parser.add_argument("--dir", type=Path, help="folder for the stores (default: a temporary one)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.dir or Path(tmp)
        template = folder / f"scan-bench-{args.cases}-{args.leads}-{args.seed}.db"
        if template.exists():
            print(f"using {template}")
        else:
            seconds = make_template(template, args.cases, args.leads, args.seed)
            print(f"demo: {args.cases:,} cases, {args.leads:,} leads in {seconds:.1f} s")
        runs = []
        for i in range(args.runs):
            run = one_run(template, folder / "scan-bench-run.db", AS_OF)
            runs.append(run)
            print(
                f"run {i + 1}: floor {run['floor']:.3f} s, first {run['first']:.3f} s, "
                f"second {run['second']:.3f} s (CPU {run['floor_cpu']:.3f} / "
                f"{run['first_cpu']:.3f} / {run['second_cpu']:.3f} s)"
            )
    med = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
    first_ratio = med["first"] / med["floor"]
    second_ratio = med["second"] / med["first"]
    print(f"as of {AS_OF}, {args.runs} runs, medians; {int(med['flags']):,} flags found")
    print(
        f"floor (one SELECT of the scanned rows, through SQLAlchemy Core): {med['floor']:.3f} s"
        f" (the driver alone, dates left as text: {med['raw']:.3f} s; first scan "
        f"{med['first'] / med['raw']:.2f}× that)"
    )
    print(
        f"first scan:  {med['first']:.3f} s = {first_ratio:.2f}× floor "
        f"(aim ≤ {AIM_FIRST:.0f}×: {'met' if first_ratio <= AIM_FIRST else 'NOT met'})"
    )
    print(
        f"second scan: {med['second']:.3f} s = {second_ratio:.2f}× first, "
        f"{med['second'] / med['floor']:.2f}× floor "
        f"(aim < {AIM_SECOND:.0f}× first: {'met' if second_ratio < AIM_SECOND else 'NOT met'})"
    )
    print(
        f"CPU time: floor {med['floor_cpu']:.3f} s, first scan {med['first_cpu']:.3f} s "
        f"= {med['first_cpu'] / med['floor_cpu']:.2f}× floor, second scan "
        f"{med['second_cpu']:.3f} s = {med['second_cpu'] / med['first_cpu']:.2f}× first"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
