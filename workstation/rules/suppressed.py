"""压案不查 (suppressed): filed, then no activity (SP-1) or not concluded for too long (SP-2)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from workstation.rules.base import CaseFacts, days_between, rule

if TYPE_CHECKING:
    from workstation.settings import Settings


def _still_pending(facts: CaseFacts) -> bool:
    """Filed, and neither withdrawn, sent for prosecution nor closed."""
    return (
        facts.filed_on is not None
        and facts.withdrawn_on is None
        and facts.prosecuted_on is None
        and facts.closed_on is None
    )


@rule(
    "SP-1",
    "suppressed",
    title="立案后长期无办案活动",
    reads=("filed_on", "withdrawn_on", "prosecuted_on", "closed_on", "last_activity_on"),
)
def sp1(facts: CaseFacts, as_of: dt.date, settings: Settings) -> str | None:
    if not _still_pending(facts):
        return None
    assert facts.filed_on is not None
    last = facts.last_activity_on
    # Filing is itself an act on the case: activity recorded before it does not count.
    if last is not None and last > facts.filed_on:
        since, after = last, f"最近一次办案活动（{last.isoformat()}）后"
    else:
        since, after = facts.filed_on, "立案后"
    days = days_between(since, as_of)
    if days <= settings.sp1_days:
        return None
    return f"{after} {days} 天无办案活动（期限 {settings.sp1_days} 天）"


@rule(
    "SP-2",
    "suppressed",
    title="立案后长期未侦结",
    reads=("filed_on", "withdrawn_on", "prosecuted_on", "closed_on"),
)
def sp2(facts: CaseFacts, as_of: dt.date, settings: Settings) -> str | None:
    if not _still_pending(facts):
        return None
    assert facts.filed_on is not None
    days = days_between(facts.filed_on, as_of)
    if days <= settings.sp2_days:
        return None
    return f"立案已 {days} 天仍未侦结（期限 {settings.sp2_days} 天）"
