"""A process SIGKILLed in the middle of an import, a scan or a brief leaves the store as it was
before or as it is after the operation (never in between), sound and with its audit chain whole,
and no half-written output file under the name asked for.

Each operation runs in a child process (crash_child.py) against a copy of one demo store: once
to the end (the control run, whose store is the "after" state), and once per stopping point,
where the child stops and is killed. tests/workstation/importing/test_kill.py kills the CLI
during a CSV import of leads; these add cases ledgers, scans, briefs, the moment of COMMIT with
uncommitted pages already in the WAL file, and the comparison of whole table contents."""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest

from fuzz.seeds import CASE_HEADER, LEAD_HEADER, case_row, lead_row
from fuzz.state import StoreState, integrity, store_state
from workstation import clock
from workstation.services.audit import verify_chain
from workstation.services.auth import IMPLICIT_ADMIN, Actor
from workstation.store import Store, open_store

REPO = Path(__file__).resolve().parents[3]
CHILD = Path(__file__).with_name("crash_child.py")
LEAD_ROWS = 6_000
BAD_EVERY = 250  # every 250th lead row has a date in the future: rejected, to the rejects file
UPDATED_CASES = 1_000
NEW_CASES = 2_000
WAIT_SECONDS = 120

# Killed SQLite writers (a server store has its own crash recovery).
pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]


@dataclasses.dataclass
class World:
    """The demo store every run starts from, the ledgers imported, and the control runs."""

    folder: Path
    base: Path
    before: StoreState
    today: str
    files: dict[str, Path]
    controls: dict[str, Control] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Control:
    after: StoreState
    outputs: dict[str, Path]  # output files of the run (brief, rejects workbook)


def _write_xlsx(path: Path, rows: Iterable[Sequence[Any]]) -> Path:
    """An .xlsx of `rows` (openpyxl write-only: fast enough for tens of thousands of rows)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("台账")
    for row in rows:
        ws.append(list(row))
    workbook.save(path)
    return path


# Files the operations write under the names asked for.
_OUTPUT = {"brief-pdf": "简报.pdf", "brief-xlsx": "简报.xlsx"}
REJECTS = "问题行.xlsx"


def _child(db: Path, op: str, world: World, out: Path, *extra: str) -> list[str]:
    """The command line of crash_child.py running `op` on `db`, writing into `out`."""
    arg = [str(world.files[op])] if op in world.files else []
    if op in _OUTPUT:
        arg = [str(out / _OUTPUT[op])]
    if op == "import-leads":
        extra = (*extra, "--rejects", str(out / REJECTS))
    return [sys.executable, str(CHILD), str(db), op, *arg, "--today", world.today, *extra]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO)}


def _copy_base(world: World, name: str) -> tuple[Path, Path]:
    folder = world.folder / name
    folder.mkdir()
    db = folder / "ws.db"
    shutil.copyfile(world.base, db)
    out = folder / "out"
    out.mkdir()
    return db, out


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    from workstation.demo.generator import generate

    folder = tmp_path_factory.mktemp("crash")
    base = folder / "base.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WORKSTATION_DATA_DIR", str(folder / "data"))
        store = open_store(base, create=True)
        try:
            generate(store, IMPLICIT_ADMIN, leads=800, cases=6_000, seed=7)
        finally:
            store.dispose()  # the last connection closed: the WAL is checkpointed into the file
    conn = sqlite3.connect(base)
    known = conn.execute(
        "SELECT cases.case_no, units.name FROM cases JOIN units ON units.id = cases.agency_id"
        " ORDER BY cases.id LIMIT ?",
        (UPDATED_CASES,),
    ).fetchall()
    conn.close()
    leads = [LEAD_HEADER]
    for n in range(1, LEAD_ROWS + 1):
        row = lead_row(n)
        if n % BAD_EVERY == 0:
            row[1] = "2099年1月1日"
        leads.append(row)
    # A monthly re-export: known cases with new facts (updates), then cases never seen.
    cases = [CASE_HEADER]
    for n, (case_no, agency) in enumerate(known, start=1):
        cases.append([case_no, agency, *case_row(n)[2:]])
    cases += [case_row(n) for n in range(UPDATED_CASES + 1, UPDATED_CASES + NEW_CASES + 1)]
    files = {
        "import-leads": _write_xlsx(folder / "线索台账.xlsx", leads),
        "import-cases": _write_xlsx(folder / "案件台账.xlsx", cases),
    }
    return World(folder, base, store_state(base), clock.today().isoformat(), files)


def _control(world: World, op: str) -> Control:
    """The operation run to its end on a copy of the base store (once per module)."""
    if op not in world.controls:
        db, out = _copy_base(world, f"control-{op}")
        done = subprocess.run(
            _child(db, op, world, out), env=_env(), capture_output=True, text=True,
            timeout=WAIT_SECONDS, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert "done" in done.stdout.splitlines()
        world.controls[op] = Control(store_state(db), {p.name: p for p in out.iterdir()})
    return world.controls[op]


def _run_and_kill(command: list[str], db: Path, expect_wal: bool) -> str:
    """Start the child, wait for it to pause, kill it without warning; the last line it printed."""
    lines: list[str] = []
    errors = db.with_name("child.err")
    with (
        errors.open("w") as err,
        subprocess.Popen(
            command, env=_env(), stdout=subprocess.PIPE, stderr=err, text=True
        ) as child,
    ):
        assert child.stdout is not None
        for line in child.stdout:
            lines.append(line.strip())
            if line.startswith("paused"):
                break
        if child.poll() is not None:
            pytest.fail(f"the child ended before it was killed: {lines} {errors.read_text()}")
        if expect_wal:
            # Uncommitted pages are in the WAL file on disk: the kill has something to undo.
            assert db.with_name(db.name + "-wal").stat().st_size > 0
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=WAIT_SECONDS)
    assert child.returncode == -signal.SIGKILL
    return lines[-1]


def _assert_store_sound(db: Path) -> None:
    assert integrity(db) == "ok"
    # Opened as the app opens it at start (quick check first), and its audit chain whole.
    store = open_store(db, check=True)
    try:
        verified = verify_chain(store, IMPLICIT_ADMIN)
        assert verified.ok, verified.message
    finally:
        store.dispose()


def _assert_complete(path: Path, control: Path) -> None:
    """An output file under its own name is complete: it reads as the control run's does."""
    if path.suffix == ".pdf":
        from pypdf import PdfReader

        assert len(PdfReader(path).pages) == len(PdfReader(control).pages)
    else:
        from openpyxl import load_workbook

        def shape(p: Path) -> list[tuple[str, int, int]]:
            book = load_workbook(p, read_only=True)
            try:
                return [(ws.title, ws.max_row or 0, ws.max_column or 0) for ws in book]
            finally:
                book.close()

        assert shape(path) == shape(control)


CASES = [
    # (operation, where it is killed, whether SQLite is made to spill pages to the WAL)
    ("import-leads", "progress:2", True),
    ("import-leads", "commit", True),
    ("import-leads", "end", False),
    ("import-cases", "progress:1", True),
    ("import-cases", "commit", True),
    ("scan", "progress:2", False),
    ("scan", "commit", True),
    ("scan", "end", False),
    ("brief-pdf", "progress:6", False),
    ("brief-pdf", "commit", False),
    ("brief-xlsx", "progress:1", False),
    ("brief-xlsx", "commit", False),
]


@pytest.mark.parametrize(("op", "pause", "spill"), CASES, ids=[f"{o}-{p}" for o, p, _ in CASES])
def test_killed_midway_leaves_before_or_after(
    world: World, op: str, pause: str, spill: bool
) -> None:
    control = _control(world, op)
    assert control.after.exact != world.before.exact, "the control run changed nothing"
    db, out = _copy_base(world, f"{op}-{pause.replace(':', '-')}")
    command = _child(db, op, world, out, "--pause", pause, *(["--small-cache"] if spill else []))
    last = _run_and_kill(command, db, expect_wal=spill)
    assert last == f"paused {pause}"

    _assert_store_sound(db)
    state = store_state(db)
    if state.exact == world.before.exact:
        outcome = "before"
    else:
        assert state.masked == control.after.masked, (
            f"neither before nor after; tables that differ from after: "
            f"{state.differs_from(control.after)}"
        )
        assert state.counts == control.after.counts
        outcome = "after"
    # Stopped before its COMMIT the operation left nothing; stopped after, all of it.
    assert outcome == ("after" if pause == "end" else "before")

    # An output under its own name is complete. (A brief killed at its COMMIT leaves its whole
    # file in place, though nothing records it: services.briefs moves the file into place
    # before it commits the audit event; the rejects workbook is moved after the commit.)
    for name, made in control.outputs.items():
        target = out / name
        if target.exists():
            _assert_complete(target, made)
        else:
            assert pause != "end", f"{name} missing after {op} returned"
    # Whatever else is left in the folder is a hidden temporary file, never the name asked for.
    leftovers = [p.name for p in out.iterdir() if p.name not in control.outputs]
    assert all(n.startswith(".") and n.endswith(".tmp") for n in leftovers), leftovers


def test_the_next_import_removes_a_killed_imports_rejects_workbook(
    tmp_path: Path, store: Store, admin: Actor
) -> None:
    """A killed import leaves its temporary rejects workbook (rejected rows, reporters' names
    and phones among them); the next import to the same file deletes it, unless its process is
    still running."""
    from workstation.importing import ImportOptions, run_import

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    rejects = tmp_path / "问题行.xlsx"
    dead = tmp_path / f".问题行.xlsx.{int(gone.stdout)}.tmp"
    live = tmp_path / f".问题行.xlsx.{os.getppid()}.tmp"  # another running process
    for leftover in (dead, live):
        leftover.write_bytes(b"rejected rows")
    bad = lead_row(2)
    bad[1] = "2099年1月1日"
    ledger = _write_xlsx(tmp_path / "台账.xlsx", [LEAD_HEADER, lead_row(1), bad])
    result = run_import(store, admin, ledger, ImportOptions("leads", rejects=rejects))
    assert len(result.rejected) == 1
    assert rejects.exists()
    assert not dead.exists()
    assert live.exists()
