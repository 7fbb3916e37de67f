"""The campaign's default dates, and the date figures are counted to when the user names none.

Plain Python (no SQLAlchemy): the desktop app's first look reads it before the core loads
(workstation.first_look); workstation.settings keeps the dates a store sets.
"""

from __future__ import annotations

import datetime as dt

# The 2021 education and rectification campaign: from its launch to the end of June.
CAMPAIGN_START = dt.date(2021, 2, 26)
CAMPAIGN_END = dt.date(2021, 6, 30)


def default_as_of(campaign_start: dt.date, campaign_end: dt.date, today: dt.date) -> dt.date:
    """The date figures are counted to when the user names none: today, or the campaign's last
    day once the campaign is over (its work is then judged as it stood when it ended)."""
    if campaign_start <= campaign_end < today:
        return campaign_end
    return today
