"""有罪不究 (not_prosecuted): withdrawn with a known suspect (NP-1); not prosecuted (NP-2)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from workstation.rules.base import CaseFacts, rule

if TYPE_CHECKING:
    from workstation.settings import Settings

# The procuratorate's decisions that end a prosecution, with the words of the explanation.
ENDING_DECISIONS = {"no_prosecution": "不起诉", "withdrawn_prosecution": "撤回起诉"}


@rule(
    "NP-1",
    "not_prosecuted",
    title="嫌疑人已明确却撤案",
    reads=("suspect_identified", "withdrawn_on"),
)
def np1(facts: CaseFacts, as_of: dt.date, settings: Settings) -> str | None:
    if not facts.suspect_identified or facts.withdrawn_on is None:
        return None
    return f"嫌疑人已明确，案件却于 {facts.withdrawn_on.isoformat()} 撤案"


@rule(
    "NP-2",
    "not_prosecuted",
    title="检察机关不起诉或撤回起诉",
    reads=("procuratorate_decision",),
)
def np2(facts: CaseFacts, as_of: dt.date, settings: Settings) -> str | None:
    words = ENDING_DECISIONS.get(facts.procuratorate_decision or "")
    if words is None:
        return None
    return f"检察机关作出“{words}”决定"
