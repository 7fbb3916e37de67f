"""When the app's integrity check at start can be skipped: the file is as the app left it.

PRAGMA quick_check reads every page of the store (0.3–0.8 s on a store of 100,000 leads, more
from a cold disk), which would be most of a start-up. It is skipped only when all of these hold:

- the last check at start passed, fewer than MAX_AGE days ago;
- since then only this app wrote to the file, and it closed the store cleanly: the file's
  size, modification time and identity (inode) are what the app recorded after closing it;
- no write-ahead log with content is left beside it (another program wrote to the store and
  has it open still, or was killed; an empty one is what any reader leaves).

Anything else (a crash, the command line or another copy of the app writing to it, a restored,
copied or replaced file, an edit by any other program, a week gone by) makes the check run
again before the store is opened, and a damaged store is still never opened. What the skip
trusts is that a file nobody touched since a passing check is still sound; decay of an
untouched file is left to the daily backup, which copies every page and checks the copy the
same day the app is started (a damaged store makes it fail, saying so).

The record is a small JSON file beside the store (`<store>.checked`); when it cannot be
written the check simply runs every time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

MAX_AGE = dt.timedelta(days=7)
SUFFIX = ".checked"


def record_path(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + SUFFIX)


def _signature(store_path: Path) -> dict[str, int] | None:
    try:
        stat = store_path.stat()
    except OSError:
        return None
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "inode": stat.st_ino}


def _read(store_path: Path) -> dict[str, Any]:
    try:
        data = json.loads(record_path(store_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write(store_path: Path, data: dict[str, Any]) -> None:
    target = record_path(store_path)
    partial = target.with_name(f"{target.name}.partial-{os.getpid()}")
    with contextlib.suppress(OSError):
        partial.write_text(json.dumps(data), encoding="utf-8")
        partial.replace(target)
    with contextlib.suppress(OSError):
        partial.unlink()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _wal_has_frames(store_path: Path) -> bool:
    try:
        return Path(f"{store_path}-wal").stat().st_size > 0
    except OSError:
        return False


def check_due(store_path: Path, *, now: dt.datetime | None = None) -> bool:
    """True when the check at start must run (see the module's docstring)."""
    data = _read(store_path)
    closed = data.get("closed")
    if not isinstance(closed, dict) or closed != _signature(store_path):
        return True
    if _wal_has_frames(store_path):
        return True
    try:
        checked_at = dt.datetime.fromisoformat(str(data["checked_at"]))
    except (KeyError, ValueError):
        return True
    now = now or _now()
    return not (dt.timedelta(0) <= now - checked_at < MAX_AGE)


def record_checked(store_path: Path, *, now: dt.datetime | None = None) -> None:
    """The check at start passed (or the app made the file just now): it may be skipped
    until MAX_AGE, once the app has closed the store cleanly (record_closed)."""
    _write(store_path, {"checked_at": (now or _now()).isoformat(), "closed": None})


def record_closed(store_path: Path) -> None:
    """The app closed the store: the file as it is now is the one the next start may trust.
    Nothing is recorded when no check passed before (record_checked)."""
    data = _read(store_path)
    if "checked_at" not in data or _wal_has_frames(store_path):
        return
    data["closed"] = _signature(store_path)
    _write(store_path, data)


def forget(store_path: Path) -> None:
    """The next start checks the store whatever happened (a damaged store was found)."""
    with contextlib.suppress(OSError):
        record_path(store_path).unlink()
