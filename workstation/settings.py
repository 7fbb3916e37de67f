"""Domain settings (thresholds, campaign dates, issuing unit), kept in the store."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workstation.campaign_dates import CAMPAIGN_END, CAMPAIGN_START
from workstation.campaign_dates import default_as_of as default_as_of  # re-exported
from workstation.models import Setting


@dataclasses.dataclass(frozen=True)
class Settings:
    lead_due_days: int = 30
    nf1_days: int = 7
    nf1_complex_days: int = 30
    sp1_days: int = 90
    sp2_days: int = 365
    # Watch list (重点关注): a person named in `watch_leads` leads within `watch_days` days,
    # or in leads of `watch_categories` categories, or linked to `watch_anomalies` confirmed
    # anomalies (as the case's officer).
    watch_leads: int = 3
    watch_days: int = 90
    watch_categories: int = 2
    watch_anomalies: int = 1
    campaign_start: dt.date = CAMPAIGN_START
    campaign_end: dt.date = CAMPAIGN_END
    # The campaign's three phases (环节): 学习教育 from campaign_start, 查纠整改 from
    # phase_rectify_start, 总结提升 from phase_summary_start to campaign_end.
    phase_rectify_start: dt.date = dt.date(2021, 4, 1)
    phase_summary_start: dt.date = dt.date(2021, 6, 1)
    issuing_unit: str = "教育整顿领导小组办公室"
    # Briefing packets (简报): masthead title, distribution lists (报送 / 抄送) and copies
    # printed (共印 N 份; the PDF holds that many copies, numbered 第 1 份 … 第 N 份).
    brief_title: str = "政法队伍教育整顿工作简报"
    brief_send_to: tuple[str, ...] = ("教育整顿领导小组组长、副组长",)
    brief_copy_to: tuple[str, ...] = ("领导小组各成员单位",)
    brief_copies: int = 1
    # The app locks itself after this many minutes without input (0: never).
    idle_lock_minutes: int = 10
    # Backups kept per store (the oldest beyond this are removed after each new backup).
    backup_keep: int = 10


_FIELDS = {f.name: f for f in dataclasses.fields(Settings)}


def _decode(name: str, value: Any) -> Any:
    default = getattr(Settings(), name)
    if isinstance(default, dt.date):
        return dt.date.fromisoformat(value)
    return type(default)(value)


def _encode(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def load(session: Session) -> Settings:
    values = {}
    for row in session.scalars(select(Setting)):
        if row.key in _FIELDS:
            values[row.key] = _decode(row.key, row.value)
    return Settings(**values)


def save(session: Session, settings: Settings) -> dict[str, tuple[Any, Any]]:
    """Store the settings; returns {name: (old, new)} of what changed (for the audit)."""
    current = load(session)
    changed: dict[str, tuple[Any, Any]] = {}
    for name in _FIELDS:
        old, new = getattr(current, name), getattr(settings, name)
        if old != new:
            session.merge(Setting(key=name, value=_encode(new)))
            changed[name] = (_encode(old), _encode(new))
    return changed
