"""The process the crash tests kill: one operation on a store, stopping where it is told to.

    python crash_child.py DB OPERATION [ARG] --today YYYY-MM-DD [--pause WHERE] [--small-cache]

OPERATION is import-leads FILE, import-cases FILE, scan, brief-pdf FILE or brief-xlsx FILE.
Progress goes to stdout as "progress DONE/TOTAL" lines. With --pause the process prints
"paused WHERE" and waits to be killed when it gets there:
  progress:K  inside the K-th progress report, in the middle of the operation's transaction;
  commit      at the COMMIT of the operation's write transaction, everything written before it;
  end         after the operation returned (committed), before the process exits.
Without --pause it runs to the end and prints "done" (the control run). --small-cache makes
SQLite spill uncommitted pages to the WAL file before the commit, so that the kill finds them
on disk.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path
from typing import Any

WAIT_SECONDS = 300  # a child nobody kills (a failing test) ends by itself


def _pause(where: str) -> None:
    print(f"paused {where}", flush=True)
    time.sleep(WAIT_SECONDS)
    os._exit(70)


class _Progress:
    def __init__(self, pause_at: int | None) -> None:
        self.calls = 0
        self.pause_at = pause_at

    def __call__(self, done: int, total: int) -> None:
        self.calls += 1
        print(f"progress {done}/{total}", flush=True)
        if self.calls == self.pause_at:
            _pause(f"progress:{self.calls}")


def _hooks(pause: str | None, small_cache: bool) -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from sqlalchemy.pool import Pool

    if small_cache:

        @event.listens_for(Pool, "checkout")
        def _tiny_cache(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
            dbapi_conn.execute("PRAGMA cache_size = 8")

    if pause == "commit":

        @event.listens_for(Engine, "commit")
        def _at_commit(conn: Any) -> None:
            # Only the store's write transactions begin IMMEDIATE (see workstation.store).
            if conn.get_execution_options().get("sqlite_begin") == "IMMEDIATE":
                _pause("commit")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("db")
    parser.add_argument("operation")
    parser.add_argument("arg", nargs="?")
    parser.add_argument("--pause")
    parser.add_argument("--small-cache", action="store_true")
    parser.add_argument("--rejects")
    # The same "today" for the control run and the killed run (the demo's dates follow today).
    parser.add_argument("--today", type=dt.date.fromisoformat, required=True)
    args = parser.parse_args(argv)
    pause_at = None
    if args.pause and args.pause.startswith("progress:"):
        pause_at = int(args.pause.split(":", 1)[1])
    _hooks(args.pause, args.small_cache)

    from workstation.services.auth import IMPLICIT_ADMIN
    from workstation.store import open_store

    store = open_store(args.db)
    progress = _Progress(pause_at)
    op = args.operation
    if op in ("import-leads", "import-cases"):
        from workstation.importing import ImportOptions, run_import

        options = ImportOptions(
            op.removeprefix("import-"),
            today=args.today,
            rejects=Path(args.rejects) if args.rejects else None,
        )
        result = run_import(store, IMPLICIT_ADMIN, args.arg, options, progress=progress)
        print(f"imported {result.imported} rejected {len(result.rejected)}", flush=True)
    elif op == "scan":
        from workstation.services import review

        outcome = review.scan(store, IMPLICIT_ADMIN, as_of=args.today, progress=progress)
        print(f"flagged {outcome.new}", flush=True)
    elif op in ("brief-pdf", "brief-xlsx"):
        from workstation.services import briefs

        request = briefs.BriefRequest(as_of=args.today, issued_on=args.today)
        brief = briefs.compute(store, IMPLICIT_ADMIN, request)
        render = briefs.render_pdf if op == "brief-pdf" else briefs.render_xlsx
        render(store, IMPLICIT_ADMIN, brief, args.arg, progress=progress)
    else:
        parser.error(f"unknown operation {op}")
    if args.pause == "end":
        _pause("end")
    store.dispose()
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
