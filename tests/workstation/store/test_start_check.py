"""The check at start is skipped only for a file exactly as the app left it; the cheap revision
read that lets a start-up on a current store skip Alembic."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from workstation.store import head_revision, open_store, start_check
from workstation.store.migrate import alembic_config
from workstation.store.revisions import declared_head

pytestmark = pytest.mark.sqlite_only

NOW = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def store_file(tmp_path: Path) -> Path:
    path = tmp_path / "ws.db"
    open_store(path, create=True).dispose()
    return path


def _left_clean(path: Path, when: dt.datetime = NOW) -> None:
    """As the app does: a passing check at start, then a clean close."""
    start_check.record_checked(path, now=when)
    store = open_store(path)  # the session's own writes happen between the two
    store.dispose()
    start_check.record_closed(path)


def test_a_store_never_checked_is_due(store_file: Path) -> None:
    assert start_check.check_due(store_file, now=NOW)


def test_a_store_left_clean_after_a_passing_check_is_not_due(store_file: Path) -> None:
    _left_clean(store_file)
    assert not start_check.check_due(store_file, now=NOW + dt.timedelta(days=6))


def test_a_week_after_the_last_check_it_is_due_again(store_file: Path) -> None:
    _left_clean(store_file)
    assert start_check.check_due(store_file, now=NOW + start_check.MAX_AGE)
    assert start_check.check_due(store_file, now=NOW - dt.timedelta(minutes=1))  # clock set back


def test_a_session_that_did_not_close_cleanly_leaves_it_due(store_file: Path) -> None:
    start_check.record_checked(store_file, now=NOW)  # and then the app was killed
    assert start_check.check_due(store_file, now=NOW)


def test_a_write_by_another_program_makes_it_due(store_file: Path) -> None:
    _left_clean(store_file)
    with store_file.open("r+b") as f:  # same size; a later modification time
        f.seek(200)
        f.write(b"\x00")
    stat = store_file.stat()
    os.utime(store_file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert start_check.check_due(store_file, now=NOW)


def test_a_replaced_file_is_due_even_with_the_same_size_and_time(store_file: Path) -> None:
    _left_clean(store_file)
    stat = store_file.stat()
    copy = store_file.with_name("copy.db")
    copy.write_bytes(store_file.read_bytes())
    os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    copy.replace(store_file)  # as a restore does: another inode
    assert start_check.check_due(store_file, now=NOW)


def test_a_write_ahead_log_with_frames_left_beside_it_makes_it_due(store_file: Path) -> None:
    _left_clean(store_file)
    wal = Path(f"{store_file}-wal")
    wal.write_bytes(b"")  # what any reader leaves (a read-only connection cannot remove it)
    assert not start_check.check_due(store_file, now=NOW)
    wal.write_bytes(b"\x37\x7f\x06\x82" + bytes(28))  # written to by another program
    assert start_check.check_due(store_file, now=NOW)


def test_closing_without_a_passing_check_records_nothing(store_file: Path) -> None:
    start_check.record_closed(store_file)
    assert not start_check.record_path(store_file).exists()
    assert start_check.check_due(store_file, now=NOW)


def test_forget_and_unreadable_records_make_it_due(store_file: Path) -> None:
    _left_clean(store_file)
    start_check.forget(store_file)
    assert start_check.check_due(store_file, now=NOW)
    start_check.record_path(store_file).write_text("{not json", encoding="utf-8")
    assert start_check.check_due(store_file, now=NOW)
    start_check.record_path(store_file).write_text(json.dumps([1, 2]), encoding="utf-8")
    assert start_check.check_due(store_file, now=NOW)


def test_the_declared_head_is_alembics_head() -> None:
    alembic_head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert declared_head() == alembic_head
    assert head_revision() == alembic_head


def test_opening_a_current_store_does_not_import_alembic(store_file: Path) -> None:
    code = (
        "import sys; from workstation.store import open_store; "
        f"open_store({str(store_file)!r}).dispose(); "
        "print(sorted(m for m in ('alembic', 'mako') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]"
