"""Time demo.generate (100,000 leads + 30,000 cases) against a raw sqlite3 executemany floor."""

# Run: .venv/bin/python bench/demo_bench.py [--leads N] [--cases N] [--repeat K]
#
# The floor copies the generated store's schema (same columns, indexes and foreign keys) into a
# fresh file and inserts the very same lead and case rows with sqlite3 `executemany` in one
# transaction under the store's pragmas (once with SQLite's default page cache, once with the
# cache the demo sets for itself), so the ratio shows what making the data and going through
# SQLAlchemy cost on top of what SQLite itself needs.

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workstation.demo import generate
from workstation.demo.generator import CACHE_KIB
from workstation.services.auth import IMPLICIT_ADMIN
from workstation.store import open_store

PRAGMAS = (
    "PRAGMA foreign_keys = ON",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
)


Timing = tuple[float, float]  # wall-clock and CPU seconds


def run_generate(folder: Path, leads: int, cases: int) -> tuple[Timing, Path]:
    path = folder / "demo.db"
    store = open_store(path, create=True)
    try:
        wall, cpu = time.perf_counter(), time.process_time()
        result = generate(store, IMPLICIT_ADMIN, leads=leads, cases=cases)
        timing = (time.perf_counter() - wall, time.process_time() - cpu)
    finally:
        store.dispose()
    assert result.leads == leads
    assert result.cases == cases
    return timing, path


def _connect(path: Path, cache_kib: int | None) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in PRAGMAS:
        conn.execute(pragma)
    if cache_kib is not None:
        conn.execute(f"PRAGMA cache_size = -{cache_kib}")
    return conn


def run_floor(folder: Path, source: Path, cache_kib: int | None) -> Timing:
    """Raw executemany of the same lead and case rows into a copy of the schema."""
    src = sqlite3.connect(source)
    target_path = folder / f"floor-{cache_kib}.db"
    dst = _connect(target_path, cache_kib)
    try:
        ddl = src.execute(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"
            " ORDER BY type = 'index', rowid"
        ).fetchall()
        for (sql,) in ddl:
            dst.execute(sql)
        tables = {}
        for table in ("units", "persons", "cases", "leads"):
            columns = [r[1] for r in src.execute(f"PRAGMA table_info({table})") if r[1] != "id"]
            rows = src.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY id").fetchall()
            tables[table] = (columns, rows)
        # Units and persons are set up untimed (they are a small part of the demo's work);
        # the leads' repeat_of_id is left NULL as the demo does before its final update.
        repeat_at = tables["leads"][0].index("repeat_of_id")
        tables["leads"] = (
            tables["leads"][0],
            [(*r[:repeat_at], None, *r[repeat_at + 1 :]) for r in tables["leads"][1]],
        )
        dst.execute("BEGIN")
        for table in ("units", "persons"):
            _insert(dst, table, *tables[table])
        dst.execute("COMMIT")
        wall, cpu = time.perf_counter(), time.process_time()
        dst.execute("BEGIN")
        for table in ("cases", "leads"):
            _insert(dst, table, *tables[table])
        dst.execute("COMMIT")
        return time.perf_counter() - wall, time.process_time() - cpu
    finally:
        src.close()
        dst.close()


def _insert(conn: sqlite3.Connection, table: str, columns: list[str], rows: list[tuple]) -> None:
    marks = ", ".join("?" for _ in columns)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
    for start in range(0, len(rows), 5000):
        conn.executemany(sql, rows[start : start + 5000])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=30_000)
    parser.add_argument("--repeat", type=int, default=1, help="runs; medians are reported")
    args = parser.parse_args()
    gen_times: list[Timing] = []
    floors: dict[int | None, list[Timing]] = {None: [], CACHE_KIB: []}
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="demo-bench-") as tmp:
            folder = Path(tmp)
            timing, path = run_generate(folder, args.leads, args.cases)
            gen_times.append(timing)
            for cache_kib, times in floors.items():
                times.append(run_floor(folder, path, cache_kib))
    # Medians of wall-clock and CPU time: on a shared machine the CPU time is the steadier one.
    gen_wall, gen_cpu = _medians(gen_times)
    print(
        f"demo.generate {args.leads:,} leads + {args.cases:,} cases: "
        f"{gen_wall:.2f} s (CPU {gen_cpu:.2f} s)"
    )
    for cache_kib, times in floors.items():
        wall, cpu = _medians(times)
        cache = "default page cache" if cache_kib is None else f"page cache {cache_kib:,} KiB"
        print(
            f"floor, raw sqlite3 executemany of the same rows and schema ({cache}): "
            f"{wall:.2f} s (CPU {cpu:.2f} s); "
            f"ratio {gen_wall / wall:.2f}x (CPU {gen_cpu / cpu:.2f}x)"
        )


def _medians(times: list[Timing]) -> Timing:
    return statistics.median(t[0] for t in times), statistics.median(t[1] for t in times)


if __name__ == "__main__":
    main()
