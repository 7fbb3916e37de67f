"""Time a brief (PDF packet with appendix, Excel workbook) against reportlab and openpyxl floors."""

# Run: .venv/bin/python bench/brief_bench.py [--db demo.db] [--leads 100000] [--rows 10000]
#      [--repeat 3]
#
# The store is a `demo` store (made in a temporary folder unless --db names one). The brief's
# period is chosen to end on the demo's last day and hold about --rows leads, so the PDF
# appendix and the Excel detail sheet list that many. The floors are measured in the same run
# on the very same rows: reportlab laying out just the appendix table (same cells, same styles,
# plain canvas, no masthead, charts, watermark or page totals), and openpyxl in write-only
# mode appending just the same detail rows (same values, no styles, no other sheets). The
# brief's times are the service calls a user's command makes: render_pdf / render_xlsx, which
# also stream the rows from the store, hash the file and record it in the audit trail.
#
# Measured 2026-11-28 on the project's 2-core machine (shared, noisy; load ~1.7), demo store of
# 100,000 leads + 30,000 cases, period 2021-06-14..06-30 = 10,125 leads; medians of 3 runs, in
# three sessions (the spread is the machine's noise):
#   compute                3.0-3.9 s (of which services.watch.watch_list ~1.8 s)
#   PDF packet, 1,329 pp.  15.0-21.6 s, floor 14.3-21.2 s: 1.02-1.12x
#   Excel workbook         3.0-3.6 s, floor 2.3-2.9 s: 1.25-1.36x
# The PDF floor lays out the brief's own table. Earlier in the same session a stock reportlab
# Table of these rows (Paragraph cells re-broken at every measure, the rest of the table re-built
# after every page, ASCII85 streams) took 155 s: see CellParagraph, ChunkedTable, useA85.

from __future__ import annotations

import argparse
import datetime as dt
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select

from workstation.briefs import compute as figures
from workstation.briefs.fonts import register_fonts
from workstation.briefs.model import DetailLead, Period
from workstation.briefs.pdf import appendix_table
from workstation.briefs.pdf_layout import (
    LANDSCAPE,
    LANDSCAPE_MARGIN_X,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    make_styles,
)
from workstation.briefs.xlsx import DETAIL_COLUMNS, detail_values
from workstation.demo import generate
from workstation.models import Lead
from workstation.services import briefs, review
from workstation.services.auth import IMPLICIT_ADMIN
from workstation.store import Store, open_store

AS_OF = dt.date(2021, 6, 30)


def make_store(folder: Path, leads: int) -> Store:
    store = open_store(folder / "demo.db", create=True)
    started = time.perf_counter()
    generate(store, IMPLICIT_ADMIN, leads=leads, cases=leads * 3 // 10)
    review.scan(store, IMPLICIT_ADMIN, as_of=AS_OF)  # flags for the anomaly sections
    print(f"demo store: {leads:,} leads in {time.perf_counter() - started:.1f} s", flush=True)
    return store


def choose_start(store: Store, rows: int) -> dt.date:
    """The latest start date whose period (to AS_OF) holds at least `rows` leads."""
    with store.read() as session:
        by_day = session.execute(
            select(Lead.received_on, func.count(Lead.id))
            .where(Lead.received_on <= AS_OF)
            .group_by(Lead.received_on)
            .order_by(Lead.received_on.desc())
        ).all()
    total = 0
    for day, n in by_day:
        total += n
        if total >= rows:
            return day
    return by_day[-1][0]


def detail_rows(store: Store, period: Period) -> list[DetailLead]:
    with store.read() as session:
        return list(figures.iter_details(session, period))


def floor_pdf(rows: list[DetailLead]) -> float:
    from reportlab.platypus import SimpleDocTemplate

    styles = make_styles(register_fonts())
    started = time.perf_counter()
    doc = SimpleDocTemplate(
        io.BytesIO(), pagesize=LANDSCAPE, leftMargin=LANDSCAPE_MARGIN_X,
        rightMargin=LANDSCAPE_MARGIN_X, topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM,
    )  # fmt: skip
    table = appendix_table(rows, styles, doc.width)
    assert table is not None
    doc.build([table])
    return time.perf_counter() - started


def floor_xlsx(rows: list[DetailLead]) -> float:
    from openpyxl import Workbook

    started = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("线索明细")
    ws.append([name for name, _ in DETAIL_COLUMNS])
    for i, lead in enumerate(rows, 1):
        ws.append(detail_values(i, lead))
    wb.save(io.BytesIO())
    return time.perf_counter() - started


def median_of(repeat: int, run: Callable[[], float]) -> tuple[float, list[float]]:
    times = [run() for _ in range(repeat)]
    return statistics.median(times), times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", help="an existing demo store (else one is made)")
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = open_store(args.db) if args.db else make_store(folder, args.leads)
        register_fonts()  # once per process, as the application does
        start = choose_start(store, args.rows)
        request = briefs.BriefRequest(start=start, end=AS_OF, as_of=AS_OF, appendix=True)
        compute_time, _ = median_of(
            args.repeat, lambda: _timed(lambda: briefs.compute(store, IMPLICIT_ADMIN, request))
        )
        brief = briefs.compute(store, IMPLICIT_ADMIN, request)
        rows = detail_rows(store, brief.period)
        print(f"period {start} to {AS_OF}: {len(rows):,} leads in the appendix and detail sheet")
        pdf_times, xlsx_times, pdf_floor, xlsx_floor = [], [], [], []
        pdf_file = xlsx_file = None
        for _ in range(args.repeat):
            pdf_floor.append(floor_pdf(rows))
            started = time.perf_counter()
            pdf_file = briefs.render_pdf(store, IMPLICIT_ADMIN, brief, folder / "brief.pdf")
            pdf_times.append(time.perf_counter() - started)
            xlsx_floor.append(floor_xlsx(rows))
            started = time.perf_counter()
            xlsx_file = briefs.render_xlsx(store, IMPLICIT_ADMIN, brief, folder / "brief.xlsx")
            xlsx_times.append(time.perf_counter() - started)
        store.dispose()
    assert pdf_file is not None
    assert xlsx_file is not None
    report = [
        ("compute (figures, anomalies, watch list)", compute_time, None),
        (f"PDF packet ({pdf_file.pages} pages, {pdf_file.bytes / 1e6:.1f} MB)",
         statistics.median(pdf_times), statistics.median(pdf_floor)),
        (f"Excel workbook ({xlsx_file.rows:,} detail rows, {xlsx_file.bytes / 1e6:.1f} MB)",
         statistics.median(xlsx_times), statistics.median(xlsx_floor)),
    ]  # fmt: skip
    print(f"medians of {args.repeat} runs")
    for name, seconds, floor in report:
        if floor is None:
            print(f"  {name}: {seconds:.2f} s")
        else:
            print(f"  {name}: {seconds:.2f} s, floor {floor:.2f} s, ratio {seconds / floor:.2f}x")
    print(f"  runs: pdf {_fmt(pdf_times)} floor {_fmt(pdf_floor)}")
    print(f"        xlsx {_fmt(xlsx_times)} floor {_fmt(xlsx_floor)}")


def _timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def _fmt(times: list[float]) -> str:
    return "/".join(f"{t:.2f}" for t in times)


if __name__ == "__main__":
    main()
