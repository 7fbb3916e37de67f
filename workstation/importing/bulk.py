"""Bulk inserts: raw executemany on SQLite (values in SQLAlchemy's storage form), Core elsewhere."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Table, bindparam, insert
from sqlalchemy.orm import Session

from workstation.models.base import UTCDateTime

# Measured on 100,000 leads: raw executemany with the values converted here costs what the
# floor does; Core's executemany adds ~2 s of bind processing. Running the executemany in a
# worker thread, overlapped with reading, was tried and was slower: sqlite3 takes the GIL back
# for every row.


def _date(value: dt.date) -> str:
    return value.isoformat()


def _utc(value: dt.datetime) -> str:
    # What UTCDateTime + SQLite's DATETIME store: naive UTC, always with microseconds.
    value = value.astimezone(dt.UTC)
    return (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d} "
        f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}.{value.microsecond:06d}"
    )


def _json(value: Any) -> str:
    return json.dumps(value)


def _sqlite_form(column_type: Any) -> Callable[[Any], Any] | None:
    if isinstance(column_type, UTCDateTime):
        return _utc
    if isinstance(column_type, Date):
        return _date
    if isinstance(column_type, Boolean):
        return int
    if isinstance(column_type, JSON):
        return _json
    return None


def sqlite_rows(
    table: Table, columns: Sequence[str], rows: list[list[Any]]
) -> list[tuple[Any, ...]]:
    """Rows with dates, timestamps, booleans and JSON as SQLAlchemy stores them in SQLite."""
    forms = [
        (i, form)
        for i, name in enumerate(columns)
        if (form := _sqlite_form(table.c[name].type)) is not None
    ]
    last: dict[int, tuple[Any, Any]] = {}
    for row in rows:
        for i, form in forms:
            value = row[i]
            if value is not None:
                # Stamps and dates repeat from row to row: convert each distinct object once.
                seen = last.get(i)
                if seen is not None and seen[0] is value:
                    row[i] = seen[1]
                else:
                    row[i] = converted = form(value)
                    last[i] = (value, converted)
    return [tuple(row) for row in rows]


class Inserter:
    """Bulk inserts into the session's transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.sqlite = session.connection().dialect.name == "sqlite"

    def insert(self, table: Table, columns: Sequence[str], rows: list[list[Any]]) -> None:
        """Insert rows (lists of values in `columns` order). None in a JSON column is SQL NULL,
        as for a record the ORM never set (the column type alone would store 'null')."""
        if not rows:
            return
        if not self.sqlite:
            stmt = insert(table).values(
                {c: bindparam(c, type_=JSON(none_as_null=True)) for c in columns
                 if isinstance(table.c[c].type, JSON)}
            )  # fmt: skip
            self.session.execute(stmt, [dict(zip(columns, row, strict=True)) for row in rows])
            return
        params = sqlite_rows(table, columns, rows)
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" * len(columns))
        connection = self.session.connection().connection.driver_connection
        assert connection is not None
        connection.cursor().executemany(
            f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', params
        )
