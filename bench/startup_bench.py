"""Start-up: launch to the first painted leads view on a big store, against a bare Qt window."""

# Run: .venv/bin/python -m bench startup        (or: .venv/bin/python bench/startup_bench.py
#      [--leads N] [--runs K] [--check-runs K] [--root DIR])
#
# Each run is a fresh `python main.py --db STORE` (offscreen) with $WORKSTATION_FIRST_PAINT_EXIT
# set: the app prints `first-paint <unix time> <CPU s>` once leads rows are painted (by the
# window's first look, ui.first_look, when the start may show one), `ready <unix time> <CPU s>`
# once the full window has painted them, then quits. Times count from just before the process is
# launched. The floor, in the same run and interleaved with the app's runs, is a bare PySide6
# QMainWindow shown and painted by a fresh process the same way. Aim: the first painted leads
# within 1.5× of the floor, and the full window under 1.5 s. The usual start without a first
# look ($WORKSTATION_NO_FIRST_LOOK) is timed alongside, for comparison.
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


Run = tuple[float, float, float, float]  # first paint: wall, CPU; full window: wall, CPU


def launch(command: list[str], env: dict[str, str], cwd: Path) -> Run:
    """Seconds from launching `command` to its `first-paint <time> <cpu>` line and to its
    `ready` line (the floor has none: its first paint), with the CPU seconds the process had
    used by each (less swayed by other work on a shared machine)."""
    started = time.time()
    done = subprocess.run(
        command, env=env, cwd=cwd, capture_output=True, text=True, timeout=RUN_TIMEOUT_S
    )
    first = re.search(r"^first-paint (\d+\.\d+) (\d+\.\d+)$", done.stdout, re.M)
    ready = re.search(r"^ready (\d+\.\d+) (\d+\.\d+)$", done.stdout, re.M) or first
    if done.returncode != 0 or first is None or ready is None:
        raise SystemExit(
            f"{command[1:]} did not report its first paint (exit {done.returncode}):\n"
            f"{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        )
    return (
        float(first[1]) - started,
        float(first[2]),
        float(ready[1]) - started,
        float(ready[2]),
    )


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
    parser.add_argument("--runs", type=int, default=9)
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
        print(f"warm-up (check, day's backup, compiled files): app {warm[0][2]:.2f} s", flush=True)
        usual_env = dict(env, WORKSTATION_NO_FIRST_LOOK="1")

        floors: list[Run] = []
        apps: list[Run] = []
        usual: list[Run] = []
        for _ in range(args.runs):
            floors.append(launch(floor, env, args.root))
            apps.append(launch(app, env, args.root))
            usual.append(launch(app, usual_env, args.root))
        checked: list[Run] = []
        for _ in range(args.check_runs):
            with contextlib.suppress(FileNotFoundError):
                record.unlink()  # as after a crash: the integrity check is due
            checked.append(launch(app, env, args.root))

        floor_s, first_s, ready_s = _median(floors), _median(apps), _median(apps, 2)
        # Each app run against the floor run just before it: on a machine whose speed drifts
        # (shared cores, frequency), the median of these pairs is steadier than a ratio of
        # medians.
        ratio = statistics.median(a[0] / f[0] for f, a in zip(floors, apps, strict=True))
        cpu_ratio = statistics.median(a[1] / f[1] for f, a in zip(floors, apps, strict=True))
        print(f"\nlaunch to painted leads rows, median of {args.runs} ({args.root})")
        print("                                          wall        CPU   (wall of each run)")
        row = "  {:<36} {:6.3f} s  {:6.3f} s  {}"
        print(row.format("floor: bare PySide6 window", floor_s, _median(floors, 1), _runs(floors)))
        print(row.format("app: first look", first_s, _median(apps, 1), _runs(apps)))
        print(row.format("app: full window after it", ready_s, _median(apps, 3), _runs(apps, 2)))
        print(
            row.format("app: usual start, no first look", _median(usual, 2), _median(usual, 3),
                       _runs(usual, 2))
        )  # fmt: skip
        if checked:
            print(
                row.format("app: integrity check due", _median(checked, 2), _median(checked, 3),
                           _runs(checked, 2)) + "  (start-up screen meanwhile)"
            )  # fmt: skip
        print(
            f"  first look {ratio:.2f}× the floor's wall, {cpu_ratio:.2f}× its CPU (medians of"
            f" the runs' pairs)"
            f" (aim ≤ {AIM_RATIO}×: {'ok' if ratio <= AIM_RATIO else 'OVER'});"
            f" full window {ready_s:.2f} s (aim < {AIM_SECONDS} s:"
            f" {'ok' if ready_s < AIM_SECONDS else 'OVER'})"
        )
        with_accounts(store, scratch, env, args, python)
        import_offenders(app, env, args.root, args.top)
    return 0


def with_accounts(
    store: Path, scratch: Path, env: dict[str, str], args: argparse.Namespace, python: str
) -> None:
    """The same store with an account: launch to its login dialog painted, with the dialog
    shown before the core loads (ui.first_look.EarlyLogin) and the usual way."""
    sys.path.insert(0, str(ROOT))
    from workstation.services import users
    from workstation.store import open_store, start_check

    accounts = scratch / "accounts.db"
    shutil.copyfile(store, accounts)
    opened = open_store(accounts)
    try:
        users.create_first_admin(opened, "bench", "bench-password-1", "基准")
    finally:
        opened.dispose()
    start_check.record_checked(accounts)  # as the app leaves it: its next start checks nothing
    start_check.record_closed(accounts)
    command = [python, str(args.root / "main.py"), "--db", str(accounts)]
    usual_env = dict(env, WORKSTATION_NO_FIRST_LOOK="1")
    early: list[float] = []
    usual: list[float] = []
    for _ in range(args.runs):
        early.append(_to_login(command, env, args.root))
        usual.append(_to_login(command, usual_env, args.root))
    print(f"\nstore with accounts: launch to the login dialog painted, median of {args.runs}")
    print(f"  shown before the core loads  {statistics.median(early):6.3f} s  {_walls(early)}")
    print(f"  usual start                  {statistics.median(usual):6.3f} s  {_walls(usual)}")


def _to_login(command: list[str], env: dict[str, str], cwd: Path) -> float:
    started = time.time()
    done = subprocess.run(
        command, env=env, cwd=cwd, capture_output=True, text=True, timeout=RUN_TIMEOUT_S
    )
    found = re.search(r"^login (\d+\.\d+) ", done.stdout, re.M)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"no login dialog (exit {done.returncode}):\n{done.stderr[-2000:]}")
    return float(found[1]) - started


def _walls(runs: list[float]) -> str:
    return "[" + " ".join(f"{wall:.2f}" for wall in runs) + "]"


def _median(runs: list[Run], which: int = 0) -> float:
    return statistics.median(run[which] for run in runs)


def _runs(runs: list[Run], which: int = 0) -> str:
    return "[" + " ".join(f"{run[which]:.2f}" for run in runs) + "]"


if __name__ == "__main__":
    sys.exit(main())
