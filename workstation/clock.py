"""The local calendar date and the current moment: what "today" and "now" mean to a user."""

from __future__ import annotations

import datetime as dt


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).astimezone().date()


def now() -> dt.datetime:
    """The current moment, timezone-aware (UTC); services take it as a parameter in tests."""
    return dt.datetime.now(dt.UTC)
