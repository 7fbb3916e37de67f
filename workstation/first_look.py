"""A first look at a store before the core has loaded: its first page of leads, read with sqlite3.

The desktop app's window needs SQLAlchemy, the models and the services: half a second of
imports on a laptop, three times what Qt needs to put a window on screen. So the app first
paints the leads page from this module's plain read (standard library only: a test imports it
in a fresh interpreter and finds neither SQLAlchemy nor Qt loaded), while the core loads
behind it; then the full window takes its place (ui.first_look).

A first look is offered only when the full start would go straight to the leads page of this
same file, with nothing to ask or check first:

- a plain (not encrypted) SQLite store whose integrity check is not due
  (workstation.store.start_check), at the schema revision this version declares;
- without accounts (else the login comes first) and holding demonstration data (else the app
  offers to create the first administrator first: ui.app.Startup);
- listed in one of the orders the leads page offers, without filters.

Anything else, or any error reading, and there is no first look: the app starts as usual.
The rows are the same as services.lead_lists.list_leads gives for the same order (a test
compares them for every order, both ways).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import sqlite3
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from workstation import clock
from workstation.campaign_dates import CAMPAIGN_END, CAMPAIGN_START, default_as_of
from workstation.lead_cells import DISPLAY_SUMMARY_CHARS, Column, is_overdue, one_line, subject_text
from workstation.paths import resources_dir
from workstation.store import start_check
from workstation.store.revisions import declared_head

SQLITE_HEADER = b"SQLite format 3\x00"
# Rows read: more than a tall screen shows (the full window comes before anyone scrolls far).
FIRST_ROWS = 60
# Each sort key of the leads page: the column it sorts by, in the query below.
ORDER_COLUMNS = {
    "received_on": "l.received_on",
    "ref": "l.ref",
    "channel": "l.channel",
    "category": "l.category",
    "status": "l.status",
    "due_on": "l.due_on",
    "subject": "p.name",
    "subject_unit": "u.name",
    "updated_at": "l.updated_at",
}
# The summary as far as its cell needs it (one_line reads twice its limit, for white space).
_SUMMARY_READ = 2 * DISPLAY_SUMMARY_CHARS + 1
# The vocabularies whose labels the cells show, by the column showing them.
_LABELLED = {Column.CHANNEL: "channel", Column.CATEGORY: "category", Column.STATUS: "lead_status"}
_ROWS = """
SELECT l.ref, l.received_on, l.channel, p.name, p.position, u.name, l.category, l.status,
       l.due_on, substr(l.summary, 1, ?)
FROM leads AS l
LEFT JOIN persons AS p ON p.id = l.subject_person_id
LEFT JOIN units AS u ON u.id = l.subject_unit_id
ORDER BY {column} {direction}, l.id {direction}
LIMIT ?
"""


@dataclasses.dataclass(frozen=True)
class FirstLook:
    """The leads page as it will open: how many leads, the first rows' cells (by Column)."""

    path: Path
    total: int
    rows: tuple[tuple[str, ...], ...]
    overdue: tuple[bool, ...]
    as_of: dt.date
    order_by: str
    descending: bool


# What early_start tells the app to show before the core loads.
LOOK = "look"  # the leads page (ui.first_look.FirstLookWindow)
SIGN_IN = "sign_in"  # the login dialog (ui.first_look.EarlyLogin)


def early_start(path: Path) -> str | None:
    """What the start of the store file `path` may show before the core loads: LOOK (no
    accounts, demonstration data: the checks of the module's docstring that the file alone
    can answer; the leads page's order and filters are the caller's), SIGN_IN (a plain
    store with accounts: the login comes first), or None (it starts the usual way)."""
    found = _opens_as_it_is(path)
    if found is None:
        return None
    has_accounts, holds_demo = found
    if has_accounts:
        return SIGN_IN
    return LOOK if holds_demo else None


def could_sign_in(path: Path) -> bool:
    return early_start(path) == SIGN_IN


def could_look(path: Path) -> bool:
    return early_start(path) == LOOK


def _opens_as_it_is(path: Path) -> tuple[bool, bool] | None:
    """(has accounts, holds demonstration data) of a plain SQLite store the app would open as
    it is: its check not due, at this version's schema revision; None for any other file."""
    head = declared_head()
    if head is None or not _plain_sqlite(path) or start_check.check_due(path):
        return None
    try:
        with _reading(path) as connection:
            if _revision(connection) != head:
                return None
            return (
                _exists(connection, "SELECT 1 FROM users"),
                _exists(connection, "SELECT 1 FROM audit_events WHERE action = 'demo.generate'"),
            )
    except sqlite3.Error:
        return None


def look_at(
    path: Path,
    *,
    order_by: str = "received_on",
    descending: bool = True,
    limit: int = FIRST_ROWS,
    today: dt.date | None = None,
    checked: bool = False,
) -> FirstLook | None:
    """The first look at the store file `path` listed in this order, or None when the app
    must start as usual (see the module's docstring). `checked`: early_start said LOOK just
    before (its checks are not made again)."""
    if order_by not in ORDER_COLUMNS or not (checked or could_look(path)):
        return None
    query = _ROWS.format(column=ORDER_COLUMNS[order_by], direction="DESC" if descending else "ASC")
    try:
        with _reading(path) as connection:
            as_of = _as_of(connection, today or clock.today())
            total = int(connection.execute("SELECT count(*) FROM leads").fetchone()[0])
            found = connection.execute(query, (_SUMMARY_READ, limit)).fetchall()
        labels = vocabulary_labels()
        rows = tuple(_cells(row, labels) for row in found)
        overdue = tuple(is_overdue(row[7], _date(row[8]), as_of) for row in found)
    except (OSError, sqlite3.Error, ValueError, TypeError, KeyError):
        return None  # anything unexpected: the full start reads it and says what is wrong
    return FirstLook(path, total, rows, overdue, as_of, order_by, descending)


@contextlib.contextmanager
def _reading(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection (it never writes the file, so the start check still trusts it)."""
    connection = sqlite3.connect(
        "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=ro", uri=True
    )
    try:
        yield connection
    finally:
        connection.close()


def _plain_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def _exists(connection: sqlite3.Connection, query: str) -> bool:
    return connection.execute(f"SELECT EXISTS ({query})").fetchone()[0] == 1


def _revision(connection: sqlite3.Connection) -> str | None:
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return str(row[0]) if row else None


def _as_of(connection: sqlite3.Connection, today: dt.date) -> dt.date:
    """The date overdue leads are judged by, as services.campaign.as_of gives it."""
    saved = dict(
        connection.execute(
            "SELECT key, value FROM settings WHERE key IN ('campaign_start', 'campaign_end')"
        ).fetchall()
    )
    start, end = CAMPAIGN_START, CAMPAIGN_END
    if "campaign_start" in saved:
        start = dt.date.fromisoformat(json.loads(saved["campaign_start"]))
    if "campaign_end" in saved:
        end = dt.date.fromisoformat(json.loads(saved["campaign_end"]))
    return default_as_of(start, end, today)


def vocabulary_labels() -> dict[str, dict[str, str]]:
    """{vocabulary: {key: label}} of the bundled vocabularies, read without building them."""
    path = resources_dir() / "vocab" / "vocabularies.json"
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return {
        str(spec["name"]): {str(e["key"]): str(e["label"]) for e in spec["entries"]}
        for spec in document["vocabularies"]
    }


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(str(value)[:10]) if value else None


def _cells(row: tuple[Any, ...], labels: dict[str, dict[str, str]]) -> tuple[str, ...]:
    ref, received, channel, subject, position, unit, category, status, due, summary = row

    def label(column: Column, key: str | None) -> str:
        # A key this version does not know yet shows as it is (as the leads table does).
        return labels[_LABELLED[column]].get(key, key) if key else ""

    cells = {
        Column.REF: ref,
        Column.RECEIVED_ON: str(received)[:10],
        Column.CHANNEL: label(Column.CHANNEL, channel),
        Column.SUBJECT: subject_text(subject, position),
        Column.SUBJECT_UNIT: unit or "",
        Column.CATEGORY: label(Column.CATEGORY, category),
        Column.STATUS: label(Column.STATUS, status),
        Column.DUE_ON: str(due)[:10] if due else "",
        Column.SUMMARY: one_line(summary or ""),
    }
    return tuple(cells[column] for column in Column)
