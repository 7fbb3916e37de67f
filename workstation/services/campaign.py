"""The campaign as the user's calendar: the date lists and briefs count to by default."""

from __future__ import annotations

import datetime as dt

from workstation import clock
from workstation import settings as settings_mod
from workstation.store import Store


def as_of(store: Store, today: dt.date | None = None) -> dt.date:
    """Today, or the campaign's last day once it is over (see settings.default_as_of)."""
    with store.read() as session:
        cfg = settings_mod.load(session)
    return settings_mod.default_as_of(cfg.campaign_start, cfg.campaign_end, today or clock.today())
