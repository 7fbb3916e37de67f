"""有案不立 (not_filed): no filing decision in time (NF-1); refused, yet leads name it (NF-2)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from workstation.rules.base import CaseFacts, days_between, rule

if TYPE_CHECKING:
    from workstation.settings import Settings

# Lead references quoted in an explanation; more are summed up as "等".
SHOWN_LEADS = 5


@rule(
    "NF-1",
    "not_filed",
    title="受案后逾期未作出立案决定",
    reads=("accepted_on", "filed_on", "not_filed_on", "complex"),
)
def nf1(facts: CaseFacts, as_of: dt.date, settings: Settings) -> str | None:
    if facts.filed_on is not None or facts.not_filed_on is not None:
        return None
    limit = settings.nf1_complex_days if facts.complex else settings.nf1_days
    days = days_between(facts.accepted_on, as_of)
    if days <= limit:
        return None
    prefix = "重大复杂案件" if facts.complex else ""
    return f"{prefix}受案后 {days} 天未作出立案决定（期限 {limit} 天）"


@rule(
    "NF-2",
    "not_filed",
    title="决定不予立案后仍有线索反映",
    reads=("not_filed_on", "leads"),
)
def nf2(facts: CaseFacts, as_of: dt.date, settings: Settings) -> str | None:
    if facts.not_filed_on is None or not facts.leads:
        return None
    refs = [lead.ref for lead in sorted(facts.leads, key=lambda m: (m.received_on, m.ref))]
    shown = "、".join(refs[:SHOWN_LEADS]) + ("等" if len(refs) > SHOWN_LEADS else "")
    return (
        f"已于 {facts.not_filed_on.isoformat()} 决定不予立案，"
        f"但有 {len(refs)} 条线索反映此案（{shown}）"
    )
