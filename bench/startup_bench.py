"""Start-up: launch to the first painted leads view on a big store, against a bare Qt window."""

# Run: .venv/bin/python -m bench startup        (or: .venv/bin/python bench/startup_bench.py
#      [--leads N] [--runs K] [--check-runs K] [--root DIR])
#
# Each run is a fresh `python main.py --db STORE` (offscreen) with $WORKSTATION_FIRST_PAINT_EXIT
# set: the app prints `first-paint <unix time>` once the leads table has painted its first rows,
# then quits. The time counted is from just before the process is launched to that line. The
# floor, in the same run and interleaved with the app's runs, is a bare PySide6 QMainWindow shown
# and painted by a fresh process the same way. Aim: within 1.5× of the floor, and under 1.5 s.
#
# The store (`workstation.demo`: N leads and N/5 cases) is generated once into bench/out/ and
# copied into a scratch folder for the run, so the daily backup and the start-check record the
# app writes beside it never touch the cached copy. One warm-up run first (it takes the day's
# backup and records the passing check); then the runs counted, which are ordinary starts of the
# day. Separately, starts where the integrity check is due (after a crash, a write by another
# program, or a week; the start-up screen shows meanwhile) are timed with the record removed.
#
# Python's compiled files go to bench/out/pycache (PYTHONPYCACHEPREFIX), as an installed app has
# them; the first (warm-up) run writes them. Last: `python -X importtime` of one start, the
# packages that cost the most to import.

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
AIM_RATIO = 1.5
AIM_SECONDS = 1.5
RUN_TIMEOUT_S = 300

FLOOR_SCRIPT = """
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

class FirstPaint(QObject):
    seen = False
    def eventFilter(self, watched, event):
        if not self.seen and event.type() == QEvent.Type.Paint:
            self.seen = True
            QTimer.singleShot(0, self.report)
        return False
    def report(self):
        print(f"first-paint {time.time():.6f} {time.process_time():.6f}", flush=True)
        QApplication.quit()

app = QApplication(sys.argv)
window = QMainWindow()
label = QLabel("floor", window)
window.setCentralWidget(label)
window.resize(1360, 800)
probe = FirstPaint()
label.installEventFilter(probe)
window.show()
sys.exit(app.exec())
"""


def the_store(leads: int) -> Path:
    """The cached store of `leads` leads (and leads/5 cases), generated once."""
    OUT.mkdir(exist_ok=True)
    path = OUT / f"startup-bench-{leads}.db"
    if path.exists():
        return path
    sys.path.insert(0, str(ROOT))
    from workstation.demo import generate
    from workstation.services.auth import IMPLICIT_ADMIN
    from workstation.store import open_store

    print(f"generating {leads:,} leads into {path} (once)...", flush=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    store = open_store(partial, create=True)
    started = time.perf_counter()
    generate(store, IMPLICIT_ADMIN, leads=leads, cases=leads // 5, seed=2021)
    store.dispose()
    partial.replace(path)  # only a finished store is reused
    print(f"  {time.perf_counter() - started:.1f} s", flush=True)
    return path


def child_env(scratch: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        PYTHONPYCACHEPREFIX=str(OUT / "pycache"),
        XDG_CONFIG_HOME=str(scratch / "config"),  # QSettings: a first window on the leads page
        XDG_DATA_HOME=str(scratch / "data"),
        WORKSTATION_FIRST_PAINT_EXIT="1",
    )
    return env


def launch(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Seconds from launching `command` to its `first-paint <time> <cpu>` line, and the CPU
    seconds the process had used by then (less swayed by other work on a shared machine)."""
    started = time.time()
    done = subprocess.run(
        command, env=env, cwd=cwd, capture_output=True, text=True, timeout=RUN_TIMEOUT_S
    )
    found = re.search(r"^first-paint (\d+\.\d+) (\d+\.\d+)$", done.stdout, re.M)
    if done.returncode != 0 or found is None:
        raise SystemExit(
            f"{command[1:]} did not report its first paint (exit {done.returncode}):\n"
            f"{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        )
    return float(found[1]) - started, float(found[2])


def import_offenders(command: list[str], env: dict[str, str], cwd: Path, top: int) -> None:
    """`python -X importtime` of one start: the costliest packages and modules imported."""
    done = subprocess.run(
        [command[0], "-X", "importtime", *command[1:]],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
    )
    by_package: dict[str, int] = defaultdict(int)
    cumulative: list[tuple[int, str]] = []
    for line in done.stderr.splitlines():
        found = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)", line)
        if not found:
            continue
        own, total, indent, name = int(found[1]), int(found[2]), found[3], found[4]
        by_package[name.split(".")[0]] += own
        if len(indent) <= 2:  # imported by the app itself, not as a dependency's dependency
            cumulative.append((total, name))
    total_us = sum(by_package.values())
    print(f"\nimports during one start (python -X importtime): {total_us / 1e6:.2f} s in all")
    print("  by package (own time):")
    for name, us in sorted(by_package.items(), key=lambda item: -item[1])[:top]:
        print(f"    {name:<28} {us / 1000:8.1f} ms")
    print("  top-level imports (with what they import):")
    for us, name in sorted(cumulative, reverse=True)[:top]:
        print(f"    {name:<40} {us / 1000:8.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--check-runs", type=int, default=3)
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="the checkout to start (default: this one)"
    )
    parser.add_argument("--store", type=Path, help="a store file instead of the generated one")
    args = parser.parse_args()
    cached = args.store or the_store(args.leads)
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="startup-", dir=OUT) as folder:
        scratch = Path(folder)
        store = scratch / "workstation.db"
        shutil.copyfile(cached, store)
        env = child_env(scratch)
        app = [python, str(args.root / "main.py"), "--db", str(store)]
        floor = [python, "-c", FLOOR_SCRIPT]
        record = store.with_name(store.name + ".checked")

        print(f"store: {cached.name} ({cached.stat().st_size / 2**20:.0f} MiB)", flush=True)
        warm = launch(app, env, args.root), launch(floor, env, args.root)
        print(f"warm-up (check, day's backup, compiled files): app {warm[0][0]:.2f} s", flush=True)

        floors: list[tuple[float, float]] = []
        apps: list[tuple[float, float]] = []
        for _ in range(args.runs):
            floors.append(launch(floor, env, args.root))
            apps.append(launch(app, env, args.root))
        checked: list[tuple[float, float]] = []
        for _ in range(args.check_runs):
            with contextlib.suppress(FileNotFoundError):
                record.unlink()  # as after a crash: the integrity check is due
            checked.append(launch(app, env, args.root))

        floor_s, app_s = _median(floors), _median(apps)
        floor_cpu, app_cpu = _median(floors, 1), _median(apps, 1)
        ratio = app_s / floor_s
        print(f"\nlaunch to first painted leads view, median of {args.runs} ({args.root})")
        print("                                   wall          CPU   (wall of each run)")
        print(f"  floor: bare PySide6 window   {floor_s:6.3f} s  {floor_cpu:6.3f} s", _runs(floors))
        print(f"  app, usual start             {app_s:6.3f} s  {app_cpu:6.3f} s", _runs(apps))
        if checked:
            print(
                f"  app, integrity check due     {_median(checked):6.3f} s"
                f"  {_median(checked, 1):6.3f} s  {_runs(checked)}  (start-up screen meanwhile)"
            )
        print(
            f"  ratio {ratio:.2f}× wall, {app_cpu / floor_cpu:.2f}× CPU"
            f" (aim ≤ {AIM_RATIO}×: {'ok' if ratio <= AIM_RATIO else 'OVER'});"
            f" absolute {app_s:.2f} s (aim < {AIM_SECONDS} s:"
            f" {'ok' if app_s < AIM_SECONDS else 'OVER'})"
        )
        import_offenders(app, env, args.root, args.top)
    return 0


def _median(runs: list[tuple[float, float]], which: int = 0) -> float:
    return statistics.median(run[which] for run in runs)


def _runs(runs: list[tuple[float, float]]) -> str:
    return "[" + " ".join(f"{wall:.2f}" for wall, _cpu in runs) + "]"


if __name__ == "__main__":
    sys.exit(main())
