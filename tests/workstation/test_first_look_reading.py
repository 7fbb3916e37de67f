"""The first look at a store before the core loads: the same rows as the services give, read
with sqlite3 alone, and only for a store the full start would open straight on its leads."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from workstation import first_look
from workstation.demo import generate
from workstation.first_look import (
    ORDER_COLUMNS,
    could_look,
    could_sign_in,
    look_at,
    vocabulary_labels,
)
from workstation.lead_cells import Column, one_line, subject_text
from workstation.services import campaign, settings_svc, users
from workstation.services.auth import IMPLICIT_ADMIN
from workstation.services.leads import LeadQuery, count_leads, list_leads
from workstation.store import open_store, start_check
from workstation.vocab import CATEGORY, CHANNEL, LEAD_STATUS

pytestmark = pytest.mark.sqlite_only

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("look") / "ws.db"
    store = open_store(path, create=True)
    try:
        generate(store, IMPLICIT_ADMIN, leads=400, cases=20, seed=7)
    finally:
        store.dispose()
    return path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path, left_by_the_app: Callable[[Path], None]) -> Path:
    """A copy of the demo store, as the app left it."""
    path = tmp_path / "ws.db"
    path.write_bytes(demo_file.read_bytes())
    left_by_the_app(path)
    return path


def _cells_as_the_table_shows(row: object) -> tuple[str, ...]:
    """A LeadRow's cells as ui.leads_model.LeadsModel displays them (without Qt)."""
    label = {
        Column.CHANNEL: CHANNEL.label(row.channel),  # type: ignore[attr-defined]
        Column.CATEGORY: CATEGORY.label(row.category),  # type: ignore[attr-defined]
        Column.STATUS: LEAD_STATUS.label(row.status),  # type: ignore[attr-defined]
    }
    due = row.due_on  # type: ignore[attr-defined]
    cells = {
        Column.REF: row.ref,  # type: ignore[attr-defined]
        Column.RECEIVED_ON: row.received_on.isoformat(),  # type: ignore[attr-defined]
        Column.SUBJECT: subject_text(row.subject, row.subject_position),  # type: ignore[attr-defined]
        Column.SUBJECT_UNIT: row.subject_unit or "",  # type: ignore[attr-defined]
        Column.DUE_ON: due.isoformat() if due else "",
        Column.SUMMARY: one_line(row.summary),  # type: ignore[attr-defined]
        **label,
    }
    return tuple(cells[column] for column in Column)


@pytest.mark.parametrize("descending", [True, False])
@pytest.mark.parametrize("order_by", sorted(ORDER_COLUMNS))
def test_the_first_rows_are_the_services_rows(demo: Path, order_by: str, descending: bool) -> None:
    look = look_at(demo, order_by=order_by, descending=descending, limit=60)
    assert look is not None
    store = open_store(demo)
    try:
        query = LeadQuery(order_by=order_by, descending=descending)
        expected = list_leads(store, IMPLICIT_ADMIN, query, limit=60)
        as_of = campaign.as_of(store)
        assert look.total == count_leads(store, IMPLICIT_ADMIN) == 400
    finally:
        store.dispose()
    assert [cells[Column.REF] for cells in look.rows] == [row.ref for row in expected]
    assert list(look.rows) == [_cells_as_the_table_shows(row) for row in expected]
    assert list(look.overdue) == [row.is_overdue(as_of) for row in expected]
    assert look.as_of == as_of


def test_some_demo_leads_are_overdue_and_some_lack_a_subject(demo: Path) -> None:
    """The comparison above covers the cases that differ: overdue rows and empty cells."""
    look = look_at(demo, order_by="subject", descending=False, limit=400)
    assert look is not None
    assert any(look.overdue)
    assert not all(look.overdue)
    assert any(cells[Column.SUBJECT] == "" for cells in look.rows)


def test_the_overdue_date_follows_the_campaign_in_the_store(
    demo: Path, left_by_the_app: Callable[[Path], None]
) -> None:
    store = open_store(demo)
    try:
        saved = settings_svc.current(store, IMPLICIT_ADMIN)
        settings_svc.update_settings(
            store,
            IMPLICIT_ADMIN,
            {"campaign_start": "2021-03-01", "campaign_end": "2021-06-15"},
        )
        expected = campaign.as_of(store)
        assert saved.campaign_end != dt.date(2021, 6, 15)
    finally:
        store.dispose()
    left_by_the_app(demo)
    look = look_at(demo)
    assert look is not None
    assert look.as_of == expected == dt.date(2021, 6, 15)


def test_labels_are_the_vocabularies_labels() -> None:
    labels = vocabulary_labels()
    for name, vocabulary in (("channel", CHANNEL), ("category", CATEGORY)):
        assert labels[name] == {term.key: term.label for term in vocabulary.terms}
    assert labels["lead_status"] == {term.key: term.label for term in LEAD_STATUS.terms}


def test_looking_changes_nothing_in_the_file(demo: Path) -> None:
    before = hashlib.sha256(demo.read_bytes()).hexdigest()
    stat = demo.stat()
    assert look_at(demo) is not None
    assert hashlib.sha256(demo.read_bytes()).hexdigest() == before
    assert demo.stat().st_mtime_ns == stat.st_mtime_ns
    assert not start_check.check_due(demo)  # the next start still trusts it


def test_no_look_when_the_integrity_check_is_due(demo: Path) -> None:
    start_check.forget(demo)
    assert not could_look(demo)
    assert look_at(demo) is None


def test_no_look_at_a_store_with_accounts(
    demo: Path, left_by_the_app: Callable[[Path], None]
) -> None:
    store = open_store(demo)
    try:
        users.create_first_admin(store, "admin", "correct horse battery", "管理员")
    finally:
        store.dispose()
    left_by_the_app(demo)
    assert look_at(demo) is None  # the login comes first


def test_no_look_at_a_store_without_demonstration_data(
    tmp_path: Path, left_by_the_app: Callable[[Path], None]
) -> None:
    path = tmp_path / "empty.db"
    open_store(path, create=True).dispose()
    left_by_the_app(path)
    assert look_at(path) is None  # the app offers to create the first administrator first


def test_no_look_at_a_store_that_needs_a_migration(
    demo: Path, left_by_the_app: Callable[[Path], None]
) -> None:
    with sqlite3.connect(demo) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0005'")
    left_by_the_app(demo)
    assert look_at(demo) is None


@pytest.mark.parametrize(
    "content",
    [b"", b"not a database at all" * 100, os.urandom(8192), b"SQLite format 3\x00" + b"\x00" * 90],
    ids=["empty", "text", "random (as encrypted)", "damaged header"],
)
def test_no_look_at_other_files(
    tmp_path: Path, content: bytes, left_by_the_app: Callable[[Path], None]
) -> None:
    path = tmp_path / "other.db"
    path.write_bytes(content)
    left_by_the_app(path)
    assert look_at(path) is None


def test_no_look_at_a_missing_file_or_an_unknown_order(demo: Path, tmp_path: Path) -> None:
    assert look_at(tmp_path / "missing.db") is None
    assert look_at(demo, order_by="reporter_phone") is None


def test_the_module_loads_neither_sqlalchemy_nor_qt() -> None:
    script = (
        "import sys, json, workstation.first_look\n"
        "print(json.dumps([m for m in ('sqlalchemy', 'PySide6', 'workstation.models')"
        " if m in sys.modules]))"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []
    assert first_look.FIRST_ROWS > 0


def test_a_store_with_accounts_may_show_its_login_before_the_core(
    demo: Path, tmp_path: Path, left_by_the_app: Callable[[Path], None]
) -> None:
    assert not could_sign_in(demo)  # no accounts: no login
    store = open_store(demo)
    try:
        users.create_first_admin(store, "admin", "correct horse battery", "管理员")
    finally:
        store.dispose()
    assert not could_sign_in(demo)  # written by another program: the check comes first
    left_by_the_app(demo)
    assert could_sign_in(demo)
    with sqlite3.connect(demo) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0005'")
    connection.close()
    left_by_the_app(demo)
    assert not could_sign_in(demo)  # a migration first
    other = tmp_path / "other.db"
    other.write_bytes(os.urandom(4096))
    assert not could_sign_in(other)
    assert not could_sign_in(tmp_path / "missing.db")
