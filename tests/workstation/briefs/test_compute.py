"""The brief's figures for a store with known contents, its period rules and who may make one."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter as Tally

import pytest
from briefs_helpers import AS_OF, LONG_UNIT, REQUEST, START, TODAY, Rendered, actor
from sqlalchemy import func, select

from workstation.briefs.compute import resolve_period
from workstation.briefs.model import REST_KEY, Breakdown, Period
from workstation.errors import PermissionDenied, ValidationError
from workstation.models import AuditEvent, Counter
from workstation.services import briefs, review
from workstation.services.auth import IMPLICIT_ADMIN
from workstation.store import Store


def test_lead_figures(rendered: Rendered) -> None:
    f = rendered.brief.leads
    assert (f.total, f.new, f.concluded, f.concluded_in_period) == (7, 4, 3, 2)
    assert (f.transferred, f.open, f.overdue) == (1, 3, 2)
    assert (f.with_result, f.substantiated) == (3, 2)
    assert f.conclusion_rate == 0.4286
    assert f.substantiated_rate == 0.6667
    assert rendered.json["leads"]["conclusion_rate"] == 0.4286


def _by_key(breakdown: Breakdown) -> dict[str, tuple[int, int, int, int]]:
    return {r.key: (r.total, r.new, r.concluded, r.overdue) for r in breakdown.rows if r.total}


def test_breakdowns(rendered: Rendered) -> None:
    b = rendered.brief
    assert _by_key(b.by_channel) == {
        "phone": (3, 1, 2, 1),
        "letter": (1, 0, 1, 0),
        "online": (1, 1, 0, 0),
        "email": (1, 1, 0, 0),
        "visit": (1, 1, 0, 1),
    }
    assert [r.key for r in b.by_channel.rows][:3] == ["phone", "letter", "email"]  # vocab order
    assert _by_key(b.by_category) == {
        "interference": (2, 1, 2, 0),
        "business": (2, 1, 1, 1),
        "case_handling": (1, 0, 0, 1),
        "other": (2, 2, 0, 0),
    }
    assert {r.key: r.total for r in b.by_unit_type.rows if r.total} == {
        "police": 3, "court": 2, "procuratorate": 1, "_none": 1,
    }  # fmt: skip
    assert {r.key: r.total for r in b.by_status.rows if r.total} == {
        "new": 1, "verifying": 1, "concluded": 3, "transferred": 1, "shelved": 1,
    }  # fmt: skip
    assert {r.key: r.total for r in b.by_disposition.rows if r.total} == {
        "talk_inquiry": 1, "preliminary_check": 2, "shelve": 1, "close": 1, "transfer": 1,
        "_none": 1,
    }  # fmt: skip
    assert {r.key: (r.total, r.new) for r in b.by_result.rows if r.total} == {
        "substantiated": (1, 0), "partly": (1, 1), "unsubstantiated": (1, 1),
    }  # fmt: skip
    # Every breakdown adds up to its total row, and the shares to one.
    for breakdown in b.breakdowns():
        total = breakdown.total
        for column in ("total", "new", "concluded", "overdue"):
            assert sum(getattr(r, column) for r in breakdown.rows) == getattr(total, column)
        shares = sum(r.share or 0 for r in breakdown.rows)
        assert shares == pytest.approx(1.0, abs=0.001) if total.total else shares == 0
    assert b.by_channel.total.total == b.leads.total
    assert b.by_result.total.total == b.leads.concluded


def test_units_are_ranked_with_the_rest_summed(known: Store) -> None:
    request = dataclasses.replace(REQUEST, top_units=2)
    b = briefs.compute(known, IMPLICIT_ADMIN, request)
    rows = b.by_unit.rows
    assert [r.label for r in rows[:2]] == ["江州市公安局东湖分局城关派出所", "江州市东湖区人民法院"]
    assert rows[2].key == REST_KEY
    assert rows[2].label == "其他 2 个单位"
    assert rows[2].total == 2
    assert rows[3].label == "未注明单位"
    assert sum(r.total for r in rows) == b.leads.total
    assert LONG_UNIT not in [r.label for r in rows]


def test_anomalies_agree_with_the_review_list(rendered: Rendered) -> None:
    flags = review.list_anomalies(rendered.store, IMPLICIT_ADMIN)
    tally = Tally((f.kind, f.state) for f in flags)
    a = rendered.brief.anomalies
    for row in a.by_kind:
        for state in ("suspected", "confirmed", "dismissed", "closed"):
            assert getattr(row, state) == tally[(row.key, state)]
    assert a.total.total == len(flags) == 4
    assert a.confirmed_count == 1
    assert [c.case_no for c in a.confirmed] == ["东检刑诉〔2021〕3号"]
    assert a.confirmed[0].reason == "经评查，不起诉决定理由不充分"
    assert {r.label: r.total for r in a.by_agency} == {
        "江州市公安局东湖分局": 3, "江州市东湖区人民检察院": 1,
    }  # fmt: skip


def test_overdue_list_longest_first(rendered: Rendered) -> None:
    o = rendered.brief.overdue
    assert o.count == 2
    assert [(r.ref, r.days_overdue) for r in o.rows] == [("XS2021-00003", 60), ("XS2021-00007", 5)]


def test_watch_list_comes_from_the_review_service(rendered: Rendered) -> None:
    from workstation.services import watch

    result = watch.watch_list(rendered.store, IMPLICIT_ADMIN, as_of=AS_OF)
    w = rendered.brief.watch
    assert w.persons_count == len(result.persons)
    assert [p.name for p in w.persons] == [p.name for p in result.persons]
    assert w.thresholds == result.thresholds


def test_summary_paragraph_reads_like_a_brief(rendered: Rendered) -> None:
    first = rendered.brief.summary[0]
    assert first.startswith("截至2021年6月30日，共受理问题线索7件，其中本期")
    assert "办结率42.9%" in first
    assert "逾期未办结2件" in first
    assert "““" not in "".join(rendered.brief.summary)


def test_appendix_and_notes(rendered: Rendered) -> None:
    assert rendered.brief.appendix.count == 4
    assert [n.title for n in rendered.brief.notes] == ["典型问题", "下步工作"]


CAMPAIGN = {"campaign_start": dt.date(2021, 2, 26), "campaign_end": dt.date(2021, 6, 30)}


@pytest.mark.parametrize(
    ("start", "end", "as_of", "today", "expected"),
    [
        # During the campaign: from its first day to today.
        (None, None, None, dt.date(2021, 5, 10),
         Period(dt.date(2021, 2, 26), dt.date(2021, 5, 10), dt.date(2021, 5, 10))),
        # After it: the campaign as a whole.
        (None, None, None, TODAY, Period(dt.date(2021, 2, 26), AS_OF, AS_OF)),
        (None, None, dt.date(2021, 7, 15), TODAY,
         Period(dt.date(2021, 2, 26), dt.date(2021, 7, 15), dt.date(2021, 7, 15))),
        (START, AS_OF, None, TODAY, Period(START, AS_OF, AS_OF)),
        # Before it: this month so far.
        (None, dt.date(2020, 5, 31), None, TODAY,
         Period(dt.date(2020, 5, 1), dt.date(2020, 5, 31), dt.date(2020, 5, 31))),
    ],
)  # fmt: skip
def test_period_defaults(
    start: dt.date | None,
    end: dt.date | None,
    as_of: dt.date | None,
    today: dt.date,
    expected: Period,
) -> None:
    assert resolve_period(start, end, as_of, today=today, **CAMPAIGN) == expected


def test_period_is_checked() -> None:
    with pytest.raises(ValidationError, match="晚于截止日期"):
        resolve_period(AS_OF, START, None, today=AS_OF, **CAMPAIGN)
    with pytest.raises(ValidationError, match="晚于统计截至日期"):
        resolve_period(START, AS_OF, START, today=AS_OF, **CAMPAIGN)


def test_who_may_make_a_brief(known: Store) -> None:
    with pytest.raises(PermissionDenied, match="无权生成简报"):
        briefs.compute(known, actor("clerk"), REQUEST)
    for role in ("inspector", "leader", "admin"):
        assert briefs.compute(known, actor(role), REQUEST).author.login == f"{role}1"
    unmasked = dataclasses.replace(REQUEST, unmask=True)
    with pytest.raises(PermissionDenied, match="无权查看反映人完整信息"):
        briefs.compute(known, actor("inspector"), unmasked)
    assert briefs.compute(known, actor("leader"), unmasked).masked is False


def test_compute_writes_nothing(known: Store) -> None:
    with known.read() as s:
        events = s.scalar(select(func.count(AuditEvent.id)))
    first = briefs.compute(known, IMPLICIT_ADMIN, dataclasses.replace(REQUEST, issue=None))
    second = briefs.compute(known, IMPLICIT_ADMIN, dataclasses.replace(REQUEST, issue=None))
    assert first.issue == second.issue == briefs.next_issue(known) == 1
    with known.read() as s:
        assert s.scalar(select(func.count(AuditEvent.id))) == events
        assert s.get(Counter, briefs.ISSUE_COUNTER) is None


@pytest.mark.parametrize(
    ("change", "field"),
    [({"issue": 0}, "issue"), ({"copies": 0}, "copies"), ({"copies": 10_000}, "copies")],
)
def test_request_is_checked(known: Store, change: dict[str, int], field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        briefs.compute(known, IMPLICIT_ADMIN, dataclasses.replace(REQUEST, **change))
    assert field in raised.value.problems
