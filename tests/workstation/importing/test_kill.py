"""A process killed in the middle of an import leaves the store as it was, batch absent."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from importing_helpers import LEAD_HEADER, Files, counts, lead_row

from workstation.services.audit import verify_chain
from workstation.services.auth import IMPLICIT_ADMIN
from workstation.store import open_store

REPO = Path(__file__).resolve().parents[3]


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "workstation", *args]


def test_kill_during_import(tmp_path: Path, files: Files) -> None:
    db = tmp_path / "ws.db"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    subprocess.run(_cli("--db", str(db), "init"), check=True, env=env, capture_output=True)
    small = files.xlsx("小.xlsx", [LEAD_HEADER, lead_row(1), lead_row(2)])
    subprocess.run(
        _cli("--db", str(db), "import", "leads", str(small)), check=True, env=env,
        capture_output=True,
    )  # fmt: skip
    store = open_store(db)
    before = counts(store)
    store.dispose()
    big = files.csv("大.csv", [LEAD_HEADER] + [lead_row(i) for i in range(10, 40_010)])
    with subprocess.Popen(
        _cli("--db", str(db), "import", "leads", str(big), "--progress"),
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    ) as process:  # fmt: skip
        assert process.stderr is not None
        started = time.monotonic()
        done = 0
        # Wait until a good part of the rows is in the open transaction, then kill without
        # warning.
        while done < 12_000 and time.monotonic() - started < 60:
            line = process.stderr.readline()
            if not line and process.poll() is not None:
                break
            found = re.search(rb"(\d+)/\d+", line)
            done = int(found[1]) if found else done
        assert process.poll() is None, "the import finished before it could be killed"
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL
    assert 12_000 <= done < 40_001  # killed with rows written but not committed

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()
    store = open_store(db)
    try:
        assert counts(store) == before
        assert verify_chain(store, IMPLICIT_ADMIN).ok
    finally:
        store.dispose()
