"""Benchmark: lead search, filters and bulk edits on a demo store, each against its floor."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Run: .venv/bin/python bench/search_bench.py [--leads 100000] [--keep DIR | --store PATH]
#      [--runs 5] [--index] [--import-rows N] [--json]
#
# On a demo store (made with `workstation.demo`, kept in --keep, or an existing --store):
#   search   a 4-character search (a common, a middling and a rare substring of the demo
#            summaries, and the rare one typed in traditional characters): the count and the
#            first page of 100 newest first, as the leads view asks for them, against the floor
#            `SELECT count(*) FROM lead_search WHERE lead_search MATCH ?` in the same run;
#            a 2-character search (scanned, not indexed) against a LIKE over leads.summary;
#   filters  count + first page for each filter of the filter bar;
#   plans    EXPLAIN QUERY PLAN of the page query of the rare and the common term;
#   pending  a search while 1,000 leads wait for the index (the state just after an import);
#   bulk     update_leads of 1,000 leads (handler unit), then back;
#   --index  the whole index built from nothing by sync_search_index, against FTS5's own
#            'rebuild' of the same text;
#   --import-rows N  the import transaction of an N-row workbook (bench/import_bench.py's)
#            into a store without the search triggers (revision 0004) and one with them,
#            alternately, and the sync after it.
# Times are medians of --runs (ms unless marked). The machine is shared: compare ratios.

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from workstation import demo, search  # noqa: E402 - after the path is set
from workstation.services import leads  # noqa: E402
from workstation.services.auth import IMPLICIT_ADMIN  # noqa: E402
from workstation.services.lead_lists import filters, order  # noqa: E402
from workstation.services.leads import LeadEdit, LeadQuery  # noqa: E402
from workstation.store import Store, open_store, to_url  # noqa: E402
from workstation.vocab import to_traditional  # noqa: E402

ADMIN = IMPLICIT_ADMIN
PAGE = 100


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """Median wall time of `runs` calls in ms, and the last result."""
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1), result


def make_store(path: Path, n: int) -> float:
    store = open_store(path, create=True)
    started = time.perf_counter()
    demo.generate(store, ADMIN, leads=n, cases=n // 20, seed=2021)
    store.dispose()
    return time.perf_counter() - started


def _raw(store: Store) -> sqlite3.Connection:
    assert store.path is not None
    return sqlite3.connect(store.path, isolation_level=None)


def pick_terms(store: Store) -> dict[str, str]:
    """A common, a middling and a rare 4-character substring of the stored summaries."""
    conn = _raw(store)
    rng = random.Random(7)
    (top,) = conn.execute("SELECT max(id) FROM leads").fetchone()
    found: dict[str, int] = {}
    for _ in range(40):
        row = conn.execute(
            "SELECT summary FROM leads WHERE id >= ? LIMIT 1", (rng.randint(1, top),)
        )
        (summary,) = row.fetchone()
        for _ in range(3):
            start = rng.randrange(max(1, len(summary) - 4))
            term = summary[start : start + 4]
            if len(search.fold_query(term)) == 4 and term not in found:
                (count,) = conn.execute(
                    "SELECT count(*) FROM lead_search WHERE lead_search MATCH ?",
                    (f'"{search.fold_query(term)}"',),
                ).fetchone()
                found[term] = count
    conn.close()
    ranked = sorted(found, key=found.__getitem__)
    return {"rare": ranked[0], "middling": ranked[len(ranked) // 2], "common": ranked[-1]}


def floor_count(store: Store, term: str) -> int:
    conn = _raw(store)
    try:
        sql = "SELECT count(*) FROM lead_search WHERE lead_search MATCH ?"
        return int(conn.execute(sql, (f'"{search.fold_query(term)}"',)).fetchone()[0])
    finally:
        conn.close()


def like_floor(store: Store, term: str) -> int:
    conn = _raw(store)
    try:
        sql = "SELECT count(*) FROM leads WHERE summary LIKE ?"
        return int(conn.execute(sql, (f"%{term}%",)).fetchone()[0])
    finally:
        conn.close()


def view_figures(store: Store, query: LeadQuery, runs: int) -> dict[str, Any]:
    count_ms, count = timed(lambda: leads.count_leads(store, ADMIN, query), runs)
    page_ms, page = timed(lambda: leads.list_leads(store, ADMIN, query, limit=PAGE), runs)
    return {"count": count, "count_ms": count_ms, "page_ms": page_ms, "page_rows": len(page)}


def plan(store: Store, query: LeadQuery) -> list[str]:
    """The plan of the page query the leads view runs (both ways it may be read)."""
    from sqlalchemy import select

    from workstation.models import Lead

    lines = []
    with store.read() as session:
        for indexed in (True, False):
            stmt = (
                select(Lead.id)
                .where(*filters(session, query, indexed=indexed))
                .order_by(*order(query, indexed=not indexed))
                .limit(PAGE)
            )
            sql = str(stmt.compile(session.get_bind(), compile_kwargs={"literal_binds": True}))
            dbapi = session.connection().connection.driver_connection
            rows = dbapi.execute("EXPLAIN QUERY PLAN " + sql).fetchall()
            way = "filter indexes, sorted" if indexed else "date index walked"
            lines.append(f"{way}: " + " | ".join(r[3] for r in rows))
    return lines


def search_figures(store: Store, runs: int) -> dict[str, Any]:
    terms = pick_terms(store)
    terms["rare, traditional"] = to_traditional(terms["rare"])
    out: dict[str, Any] = {}
    for label, term in terms.items():
        floor_ms, floor_n = timed(lambda term=term: floor_count(store, term), runs)
        figures = view_figures(store, LeadQuery(search=term), runs)
        out[label] = {"term": term, "floor_count": floor_n, "floor_ms": floor_ms, **figures}
    short = terms["common"][:2]
    floor_ms, floor_n = timed(lambda: like_floor(store, short), runs)
    out["2 characters"] = {
        "term": short,
        "floor_like_summary": floor_n,
        "floor_ms": floor_ms,
        **view_figures(store, LeadQuery(search=short), runs),
    }
    out["plans"] = {
        label: plan(store, LeadQuery(search=terms[label])) for label in ("rare", "common")
    }
    return out


def filter_figures(store: Store, runs: int) -> dict[str, Any]:
    conn = _raw(store)
    (unit,) = conn.execute(
        "SELECT u.name FROM leads l JOIN units u ON u.id = l.subject_unit_id"
        " GROUP BY u.id ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()
    (last,) = conn.execute("SELECT max(received_on) FROM leads").fetchone()
    conn.close()
    end = dt.date.fromisoformat(last)
    month = end - dt.timedelta(days=30)
    queries = {
        "none": LeadQuery(),
        "channel": LeadQuery(channel="phone"),
        "category": LeadQuery(category="business"),
        "status": LeadQuery(status="verifying"),
        "unit type": LeadQuery(unit_type="court"),
        "unit": LeadQuery(unit=unit),
        "received in a month": LeadQuery(received_from=month, received_to=end),
        "overdue": LeadQuery(overdue_as_of=end),
        "channel + category": LeadQuery(channel="letter", category="case_handling"),
        "unit type + search": LeadQuery(unit_type="police", search="派出所民警"),
        "sorted by due date": LeadQuery(order_by="due_on"),
    }
    return {label: view_figures(store, q, runs) for label, q in queries.items()}


def pending_figures(store: Store, runs: int) -> dict[str, Any]:
    conn = _raw(store)
    conn.execute(
        "INSERT OR IGNORE INTO lead_search_pending SELECT id FROM leads ORDER BY id DESC LIMIT 1000"
    )
    conn.close()
    figures = view_figures(store, LeadQuery(search="派出所民警"), runs)
    started = time.perf_counter()
    search.sync_search_index(store, ADMIN)
    figures["sync_1000_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return figures


def bulk_figures(store: Store) -> dict[str, Any]:
    rows = leads.list_leads(store, ADMIN, LeadQuery(status="new"), limit=1000)
    today = dt.date(2100, 1, 1)
    forward = [LeadEdit(r.id, {"handler_unit": "江州市纪委监委"}, r.version) for r in rows]
    started = time.perf_counter()
    saved = leads.update_leads(store, ADMIN, forward, today=today)
    first = time.perf_counter() - started
    back = [
        LeadEdit(r.id, {"handler_unit": old.handler_unit}, r.version)
        for r, old in zip(saved, rows, strict=True)
    ]
    started = time.perf_counter()
    leads.update_leads(store, ADMIN, back, today=today)
    second = time.perf_counter() - started
    return {"leads": len(rows), "assign_ms": round(first * 1000), "undo_ms": round(second * 1000)}


def index_figures(store: Store) -> dict[str, Any]:
    """The whole index built from nothing (as after an upgrade): our sync (select, fold in
    Python, store the text, FTS insert) against FTS5's own 'rebuild' of the same folded text
    (the floor: tokenising and writing the index only)."""
    conn = _raw(store)
    started = time.perf_counter()
    conn.execute("INSERT INTO lead_search(lead_search) VALUES ('rebuild')")
    rebuild = time.perf_counter() - started
    conn.execute("INSERT INTO lead_search(lead_search) VALUES ('delete-all')")
    conn.execute("DELETE FROM lead_search_text")
    conn.execute("INSERT OR IGNORE INTO lead_search_pending SELECT id FROM leads")
    conn.close()
    started = time.perf_counter()
    done = search.sync_search_index(store, ADMIN)
    sync = time.perf_counter() - started
    return {"leads": done, "sync_s": round(sync, 1), "floor_rebuild_s": round(rebuild, 1)}


def import_figures(folder: Path, rows: int, runs: int) -> dict[str, Any]:
    """The import transaction with and without the triggers that queue leads for the index."""
    from alembic import command

    from bench.import_bench import make_workbook
    from workstation.importing import ImportOptions, run_import
    from workstation.store.migrate import alembic_config

    workbook = folder / f"leads-{rows}.xlsx"
    if not workbook.exists():
        make_workbook(workbook, rows)
    options = ImportOptions("leads", today=dt.date(2021, 12, 31))
    # 0004: before this work; "indexes": 0005 without its triggers (the filters' new indexes
    # only); "head": 0005 as it is.
    seconds: dict[str, list[float]] = {"0004": [], "indexes": [], "head": []}
    syncs = []
    for run in range(runs):
        for variant in seconds:
            path = folder / f"import-{variant}-{run}.db"
            path.unlink(missing_ok=True)
            store = Store(to_url(path))
            with store.engine.begin() as conn:
                command.upgrade(alembic_config(conn), "0004" if variant == "0004" else "head")
                if variant == "indexes":
                    for trigger in ("insert", "update", "delete"):
                        conn.exec_driver_sql(f"DROP TRIGGER leads_search_{trigger}")
            real = search.sync_search_index
            if variant != "head":
                search.sync_search_index = lambda *a, **k: 0  # type: ignore[assignment]
            started = time.perf_counter()
            try:
                result = run_import(store, ADMIN, workbook, options)
            finally:
                search.sync_search_index = real  # type: ignore[assignment]
            total = time.perf_counter() - started
            seconds[variant].append(result.seconds)
            if variant == "head":
                syncs.append(total - result.seconds)
            store.dispose()
            path.unlink()
    return {
        "rows": rows,
        **{f"import_{k}_s": round(statistics.median(v), 2) for k, v in seconds.items()},
        "runs": {k: [round(x, 2) for x in v] for k, v in seconds.items()},
        "sync_after_import_s": round(statistics.median(syncs), 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="folder to keep (and reuse) the demo store in")
    parser.add_argument("--store", type=Path, help="an existing store to measure (changed: bulk)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--index", action="store_true", help="also rebuild the whole index")
    parser.add_argument("--import-rows", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = args.store or folder / f"search-{args.leads}.db"
        if not path.exists():
            report["demo_with_index_s"] = round(make_store(path, args.leads), 1)
        store = open_store(path)
        try:
            search.sync_search_index(store, ADMIN)
            report["leads"] = leads.count_leads(store, ADMIN)
            report["search"] = search_figures(store, args.runs)
            report["filters"] = filter_figures(store, args.runs)
            report["pending"] = pending_figures(store, args.runs)
            report["bulk"] = bulk_figures(store)
            if args.index:
                report["index"] = index_figures(store)
        finally:
            store.dispose()
        if args.import_rows:
            report["import"] = import_figures(folder, args.import_rows, max(1, args.runs // 2))
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
