"""The local calendar date: what "today" means to a user filing or checking a date."""

from __future__ import annotations

import datetime as dt


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).astimezone().date()
