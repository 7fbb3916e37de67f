"""The default as-of date: today while the campaign runs, its last day once it is over."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from workstation import settings
from workstation.services import campaign, scan
from workstation.services.auth import Actor
from workstation.store import Store

START, END = dt.date(2021, 2, 26), dt.date(2021, 6, 30)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2021, 1, 10), dt.date(2021, 1, 10)),  # before the campaign
        (dt.date(2021, 4, 1), dt.date(2021, 4, 1)),  # during
        (END, END),  # its last day
        (dt.date(2021, 7, 1), END),  # the day after: judged as it ended
        (dt.date(2026, 11, 28), END),
    ],
)
def test_default_as_of(today: dt.date, expected: dt.date) -> None:
    assert settings.default_as_of(START, END, today) == expected


def test_the_store_settings_decide(store: Store) -> None:
    assert campaign.as_of(store, dt.date(2026, 11, 28)) == END
    with store.write() as session:
        cfg = settings.load(session)
        settings.save(session, dataclasses.replace(cfg, campaign_end=dt.date(2099, 1, 1)))
    assert campaign.as_of(store, dt.date(2026, 11, 28)) == dt.date(2026, 11, 28)


def test_a_scan_without_a_date_counts_to_the_campaign_end(store: Store, admin: Actor) -> None:
    assert scan.scan(store, admin).as_of == END
