"""Time the leads window over a big store: open, first paint, jump to the end, sort, search."""

# Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/ui_bench.py [--leads N] [--repeat K]
#
# The store is generated once (workstation.demo) into bench/out/ and reused. Each step is timed
# as the user would feel it: the model call plus the view painting the first screen. The memory
# line shows that the windowed model stays flat however far the view scrolls (PERF-NOTES: the
# windowed model opened 1,000,000 rows in ~49 ms and jumped to the end in ~16 ms).

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ui.app import prepare_application
from ui.leads_model import Column, LeadsModel
from ui.main_window import LeadsTableView
from workstation.demo import generate
from workstation.services.auth import IMPLICIT_ADMIN
from workstation.store import Store, open_store

OUT = Path(__file__).resolve().parent / "out"


def rss_mib() -> float:
    """Resident memory now (Linux /proc), else the peak."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def the_store(leads: int) -> Store:
    OUT.mkdir(exist_ok=True)
    path = OUT / f"ui-bench-{leads}.db"
    if not path.exists():
        print(f"generating {leads:,} leads into {path} (once)...", flush=True)
        store = open_store(path, create=True)
        started = time.perf_counter()
        generate(store, IMPLICIT_ADMIN, leads=leads, cases=0, seed=2021)
        print(f"  {time.perf_counter() - started:.1f} s", flush=True)
        return store
    return open_store(path)


def timed(repeat: int, step: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        step()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    app = prepare_application(["ui_bench"])
    store = the_store(args.leads)
    view = LeadsTableView()
    view.resize(1366, 700)
    view.show()
    QApplication.processEvents()
    base = rss_mib()
    rows: dict[str, float] = {}

    def open_and_paint() -> LeadsModel:
        model = LeadsModel(store, IMPLICIT_ADMIN)
        view.setModel(model)
        view.grab()
        return model

    rows["open + first paint"] = timed(args.repeat, open_and_paint)
    model = open_and_paint()

    def jump_to_end() -> None:
        model.refresh()  # cold: no page cached
        view.scrollToBottom()
        view.grab()

    rows["jump to the end (cold)"] = timed(args.repeat, jump_to_end)

    def sort_by(column: Column, order: Qt.SortOrder) -> Callable[[], None]:
        def step() -> None:
            model.sort(column, order)
            view.scrollToTop()
            view.grab()
            model.sort(Column.RECEIVED_ON, Qt.SortOrder.DescendingOrder)

        return step

    rows["sort by subject + paint (and back)"] = timed(
        args.repeat, sort_by(Column.SUBJECT, Qt.SortOrder.AscendingOrder)
    )

    for term in ("派出所", "王", "不存在的词语"):

        def search(term: str = term) -> None:
            model.set_search(term)
            view.grab()
            model.set_search("")

        rows[f"search {term!r} + paint (and clear)"] = timed(args.repeat, search)

    rng = random.Random(1)
    bar = view.verticalScrollBar()
    for _ in range(200):
        bar.setValue(rng.randrange(bar.maximum() + 1))
        view.grab()
    rows["memory after 200 random jumps (MiB over start)"] = rss_mib() - base

    print(f"\nleads window over {model.rowCount():,} leads, median of {args.repeat}")
    for name, value in rows.items():
        unit = "" if "MiB" in name else " ms"
        print(f"  {name:<48} {value:>9.1f}{unit}")
    print(f"  pages read: {model.page_loads}, cached rows: {model.cached_rows()}")
    store.dispose()
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
