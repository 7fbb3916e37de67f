"""The leads list's columns and how its cells read: shared by the desktop table and by the
first look the app paints before its core has loaded (workstation.first_look). Plain Python:
importing this module loads neither SQLAlchemy nor Qt."""

from __future__ import annotations

import datetime as dt
from enum import IntEnum

# A lead in one of these statuses is still being worked on (it can be overdue).
OPEN_STATUSES = ("new", "assigned", "verifying", "shelved")
# Longer summaries are cut before the view elides them: eliding 20,000 characters per paint
# would be wasted work. The tooltip has the full text.
DISPLAY_SUMMARY_CHARS = 160


class Column(IntEnum):
    REF = 0
    RECEIVED_ON = 1
    CHANNEL = 2
    SUBJECT = 3
    SUBJECT_UNIT = 4
    CATEGORY = 5
    STATUS = 6
    DUE_ON = 7
    SUMMARY = 8


# The LeadQuery.order_by key of each column; None: the store cannot sort by it.
SORT_KEYS: dict[Column, str | None] = {
    Column.REF: "ref",
    Column.RECEIVED_ON: "received_on",
    Column.CHANNEL: "channel",
    Column.SUBJECT: "subject",
    Column.SUBJECT_UNIT: "subject_unit",
    Column.CATEGORY: "category",
    Column.STATUS: "status",
    Column.DUE_ON: "due_on",
    Column.SUMMARY: None,
}


def is_overdue(status: str, due_on: dt.date | None, as_of: dt.date) -> bool:
    return status in OPEN_STATUSES and due_on is not None and due_on < as_of


def one_line(text: str, limit: int = DISPLAY_SUMMARY_CHARS) -> str:
    """The text on one line (runs of white space as one space), cut to `limit` with "…"."""
    flat = " ".join(text[: limit * 2].split())
    return flat if len(flat) <= limit else flat[:limit] + "…"


def subject_text(name: str | None, position: str | None) -> str:
    """The subject's cell: 张三（科长）, or the name alone."""
    if name and position:
        return f"{name}（{position}）"
    return name or ""
