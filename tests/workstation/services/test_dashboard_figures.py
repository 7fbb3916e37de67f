"""The dashboard's figures against counts made independently, by listing through the services."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from typing import Any

import pytest

from workstation import settings as settings_mod
from workstation.briefs import compute as figures
from workstation.errors import ValidationError
from workstation.services import cases, dashboard, review, scan
from workstation.services.auth import Actor
from workstation.services.leads import LeadQuery, count_leads, create_lead, list_leads
from workstation.settings import Settings
from workstation.store import Store
from workstation.vocab import CATEGORY, UNIT_TYPE

TODAY = dt.date(2021, 5, 20)

UNITS = (
    "江州市公安局东湖分局城关派出所",  # police
    "江州市中级人民法院",  # court
    "江州市东湖区人民检察院",  # procuratorate
    None,
)
CATEGORIES = ("interference", "business", "case_handling", "other", "interference")


def _lead(i: int) -> dict[str, Any]:
    received = dt.date(2021, 2, 20) + dt.timedelta(days=6 * i)  # 2021-02-20 .. 2021-05-15
    fields: dict[str, Any] = {
        "received_on": received,
        "channel": "phone",
        "category": CATEGORIES[i % len(CATEGORIES)],
        "summary": f"反映第{i}号问题",
    }
    if UNITS[i % len(UNITS)]:
        fields["subject"] = f"民警{i % 3}"
        fields["subject_unit"] = UNITS[i % len(UNITS)]
    if i % 4 == 1:
        fields.update(
            status="concluded",
            result="substantiated" if i % 8 == 1 else "unsubstantiated",
            concluded_on=min(received + dt.timedelta(days=20), TODAY),
        )
    elif i % 7 == 3:
        fields["status"] = "transferred"
    elif i % 5 == 0:
        fields["due_on"] = TODAY + dt.timedelta(days=10)  # open but not overdue
    return fields


@pytest.fixture
def filled(store: Store, admin: Actor) -> Store:
    for i in range(15):
        create_lead(store, admin, _lead(i), today=TODAY)
    for n, accepted in enumerate((dt.date(2021, 1, 4), dt.date(2021, 1, 5), dt.date(2021, 5, 18))):
        cases.create_case(
            store,
            admin,
            {
                "case_no": f"东公(刑)受字[2021]{n + 1}号",
                "agency": "江州市公安局东湖分局",
                "kind": "刑事",
                "cause": "盗窃",
                "accepted_on": accepted,
            },
            today=TODAY,
        )
    scan.scan(store, admin, as_of=TODAY)
    first = review.list_anomalies(store, admin)[0]
    review.confirm(store, admin, first.id, "超期未立案属实")
    return store


def test_figures_match_the_lists_behind_them(filled: Store, admin: Actor) -> None:
    view = dashboard.overview(filled, admin, today=TODAY)
    rows = list_leads(filled, admin)
    known = [r for r in rows if r.received_on <= TODAY]
    period_start = TODAY - dt.timedelta(days=6)

    assert view.as_of == TODAY
    assert view.period.start == period_start
    assert view.leads.total == len(known) == 15
    assert view.leads.new == sum(period_start <= r.received_on <= TODAY for r in known)
    concluded = count_leads(filled, admin, LeadQuery(status="concluded"))
    assert view.leads.concluded == concluded
    assert view.leads.conclusion_rate == round(concluded / len(known), 4)
    assert view.leads.overdue == count_leads(filled, admin, LeadQuery(overdue_as_of=TODAY))
    assert view.leads.overdue == sum(r.is_overdue(TODAY) for r in known) > 0

    categories = {r.key: r.total for r in view.by_category.rows}
    assert list(categories)[: len(CATEGORY.terms)] == list(CATEGORY.keys())
    for key in (t.key for t in CATEGORY.terms):
        assert categories[key] == count_leads(filled, admin, LeadQuery(category=key))
    types = {r.key: r.total for r in view.by_unit_type.rows}
    for key in (t.key for t in UNIT_TYPE.terms):
        assert types[key] == count_leads(filled, admin, LeadQuery(unit_type=key))
    assert types["_none"] == sum(r.subject_unit is None for r in known)
    assert view.by_unit_type.total.total == len(known)

    assert view.suspected == review.count_anomalies(
        filled, admin, review.AnomalyQuery(state="suspected")
    )
    assert view.confirmed == 1
    by_kind = {k.key: (k.suspected, k.confirmed) for k in view.anomalies_by_kind}
    for kind, (suspected, confirmed) in by_kind.items():
        assert suspected == review.count_anomalies(
            filled, admin, review.AnomalyQuery(kind=kind, state="suspected")
        )
        assert confirmed == review.count_anomalies(
            filled, admin, review.AnomalyQuery(kind=kind, state="confirmed")
        )


def test_weeks_count_intake_and_conclusions_from_the_campaign_start(
    filled: Store, admin: Actor
) -> None:
    view = dashboard.overview(filled, admin, today=TODAY)
    start = Settings().campaign_start
    assert view.weeks[0].start == start
    assert view.weeks[-1].end == TODAY
    assert all(
        b.start == a.start + dt.timedelta(days=7)
        for a, b in zip(view.weeks, view.weeks[1:], strict=False)
    )
    rows = list_leads(filled, admin)
    received = Counter((r.received_on - start).days // 7 for r in rows if r.received_on >= start)
    concluded = Counter(
        (r.concluded_on - start).days // 7
        for r in rows
        if r.status == "concluded" and r.concluded_on and r.concluded_on >= start
    )
    assert [w.received for w in view.weeks] == [received[i] for i in range(len(view.weeks))]
    assert [w.concluded for w in view.weeks] == [concluded[i] for i in range(len(view.weeks))]
    # A lead of 2021-02-20 came before the campaign: counted in the total, not in a week.
    assert sum(w.received for w in view.weeks) == view.leads.total - 1


def test_the_same_figures_as_a_brief_of_the_same_period(filled: Store, admin: Actor) -> None:
    for period in dashboard.PERIODS:
        view = dashboard.overview(filled, admin, period=period, today=TODAY)
        with filled.read() as session:
            c = figures.Conditions(view.period)
            brief = figures.breakdowns(session, c)
            assert figures.lead_figures(session, c) == view.leads
        assert brief.category == view.by_category
        assert brief.unit_type == view.by_unit_type


def test_periods(filled: Store, admin: Actor) -> None:
    month = dashboard.overview(filled, admin, period="month", today=TODAY)
    assert month.period.start == TODAY - dt.timedelta(days=29)
    whole = dashboard.overview(filled, admin, period="campaign", today=TODAY)
    assert whole.period.start == Settings().campaign_start
    assert whole.leads.new == whole.leads.total - 1
    with pytest.raises(ValidationError):
        dashboard.overview(filled, admin, period="year", today=TODAY)


def test_an_empty_store(store: Store, admin: Actor) -> None:
    view = dashboard.overview(store, admin, today=TODAY)
    assert view.leads.total == 0
    assert view.leads.conclusion_rate is None
    assert all(w.received == 0 for w in view.weeks)
    assert view.suspected == view.confirmed == 0


@pytest.mark.parametrize(
    ("today", "state", "phase", "days_left", "phase_left"),
    [
        (dt.date(2021, 2, 1), "before", None, 149, 0),
        (dt.date(2021, 2, 26), "running", "study", 124, 33),
        (dt.date(2021, 3, 31), "running", "study", 91, 0),
        (dt.date(2021, 4, 1), "running", "rectify", 90, 60),
        (dt.date(2021, 6, 1), "running", "summary", 29, 29),
        (dt.date(2021, 6, 30), "running", "summary", 0, 0),
        (dt.date(2021, 7, 1), "over", None, 0, 0),
    ],
)
def test_campaign_clock(
    today: dt.date, state: str, phase: str | None, days_left: int, phase_left: int
) -> None:
    clock = dashboard.campaign_clock(Settings(), today)
    assert [p.key for p in clock.phases] == ["study", "rectify", "summary"]
    assert [p.label for p in clock.phases] == ["学习教育", "查纠整改", "总结提升"]
    assert clock.phases[0].end == dt.date(2021, 3, 31)
    assert clock.state == state
    assert (clock.current.key if clock.current else None) == phase
    assert clock.days_left == days_left
    assert clock.phase_days_left == phase_left


def test_phase_dates_outside_the_campaign_are_clamped() -> None:
    cfg = dataclasses.replace(
        Settings(), campaign_start=dt.date(2022, 3, 1), campaign_end=dt.date(2022, 8, 31)
    )
    clock = dashboard.campaign_clock(cfg, dt.date(2022, 3, 10))
    # The 2021 phase dates lie before this campaign: it is all one phase, 总结提升.
    assert [(p.key, p.start, p.end) for p in clock.phases] == [
        ("summary", dt.date(2022, 3, 1), dt.date(2022, 8, 31))
    ]
    assert clock.current is not None
    assert clock.current.key == "summary"


def test_as_of_after_the_campaign_is_its_last_day(store: Store, admin: Actor) -> None:
    view = dashboard.overview(store, admin, today=dt.date(2021, 9, 1))
    assert view.as_of == dt.date(2021, 6, 30)
    assert view.campaign.state == "over"


def test_phase_settings_are_stored(store: Store) -> None:
    with store.write() as session:
        cfg = settings_mod.load(session)
        settings_mod.save(
            session, dataclasses.replace(cfg, phase_rectify_start=dt.date(2021, 4, 6))
        )
    with store.read() as session:
        assert settings_mod.load(session).phase_rectify_start == dt.date(2021, 4, 6)
