"""Reading and changing the domain settings (workstation.settings): checked, role-checked, audited.

Values may come typed (int, date, tuple) or as text from a form ("30", "2021-04-01", one name a
line); every problem is reported by field name in Chinese (ValidationError), and nothing is
saved unless every field is right.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workstation import settings as settings_mod
from workstation.errors import ValidationError
from workstation.importing.dates import DateUnreadable, parse_text
from workstation.models import AuditEvent
from workstation.services import audit, stale_edits
from workstation.services.auth import Actor, can, require
from workstation.services.briefs import MAX_COPIES
from workstation.settings import Settings
from workstation.store import Store
from workstation.vocab import CATEGORY, clean_text

# Whole numbers: (smallest, largest) allowed.
INT_RANGES: dict[str, tuple[int, int]] = {
    "lead_due_days": (1, 365),
    "nf1_days": (1, 365),
    "nf1_complex_days": (1, 365),
    "sp1_days": (1, 3650),
    "sp2_days": (1, 3650),
    "watch_leads": (1, 1000),
    "watch_days": (1, 3650),
    "watch_categories": (1, len(CATEGORY.terms) - 1),  # 其他 does not count
    "watch_anomalies": (1, 1000),
    "brief_copies": (1, MAX_COPIES),
    "idle_lock_minutes": (0, 480),
    "backup_keep": (1, 1000),
}
TEXT_LIMITS = {"issuing_unit": 100, "brief_title": 100}
LIST_LIMIT = (20, 100)  # at most 20 names of at most 100 characters (报送 / 抄送)

# Each setting's name as users read it (messages, the audit trail's readers).
LABELS = {
    "lead_due_days": "线索办理期限",
    "nf1_days": "受案后立案期限",
    "nf1_complex_days": "重大复杂案件立案期限",
    "sp1_days": "办案活动停滞期限",
    "sp2_days": "立案后久拖未结期限",
    "watch_leads": "重点关注：线索件数",
    "watch_days": "重点关注：统计天数",
    "watch_categories": "重点关注：问题类别数",
    "watch_anomalies": "重点关注：已认定异常数",
    "campaign_start": "教育整顿开始日期",
    "campaign_end": "教育整顿结束日期",
    "phase_rectify_start": "查纠整改环节开始日期",
    "phase_summary_start": "总结提升环节开始日期",
    "issuing_unit": "印发单位",
    "brief_title": "简报名称",
    "brief_send_to": "报送",
    "brief_copy_to": "抄送",
    "brief_copies": "简报印数",
    "idle_lock_minutes": "无操作自动锁定（分钟）",
    "backup_keep": "保留备份份数",
}


def current(store: Store, actor: Actor) -> Settings:
    """The settings in force (every signed-in user may read them)."""
    require(actor, "lead.read")
    with store.read() as session:
        return settings_mod.load(session)


def may_edit(actor: Actor) -> bool:
    return can(actor, "settings.edit")


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())  # int() reads full-width digits too
        except ValueError:
            return None
    return None


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return parse_text(value.strip())
        except DateUnreadable:
            return None
    return None


def _as_names(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, str):
        parts: list[Any] = value.splitlines()
    elif isinstance(value, (list, tuple)):
        parts = list(value)
    else:
        return None
    names = tuple(clean_text(str(p)) or "" for p in parts)
    return tuple(n for n in names if n)


def _coerce(name: str, value: Any, problems: dict[str, str]) -> Any:
    default = getattr(Settings(), name)
    label = LABELS.get(name, name)
    if isinstance(default, int):
        number = _as_int(value)
        if number is None:
            problems[name] = f"{label}应为整数"
            return default
        low, high = INT_RANGES.get(name, (0, 1_000_000))
        if not low <= number <= high:
            problems[name] = f"{label}应在 {low} 到 {high} 之间"
        return number
    if isinstance(default, dt.date):
        day = _as_date(value)
        if day is None:
            shown = "" if value is None else str(value).strip()
            problems[name] = f"{label}“{shown}”不是有效日期" if shown else f"{label}不能为空"
            return default
        return day
    if isinstance(default, tuple):
        names = _as_names(value)
        if names is None:
            problems[name] = f"{label}应为单位名称列表"
            return default
        most, longest = LIST_LIMIT
        if len(names) > most:
            problems[name] = f"{label}最多 {most} 项"
        elif any(len(n) > longest for n in names):
            problems[name] = f"{label}每项最多 {longest} 个字"
        return names
    text = clean_text(value if isinstance(value, str) else str(value or "")) or ""
    if not text:
        problems[name] = f"{label}不能为空"
    elif len(text) > TEXT_LIMITS.get(name, 200):
        problems[name] = f"{label}最多 {TEXT_LIMITS.get(name, 200)} 个字"
    return text


def _cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def check(cfg: Settings, problems: dict[str, str] | None = None) -> dict[str, str]:
    """Problems between settings (each field may be fine alone): field name → Chinese message."""
    problems = {} if problems is None else problems
    if "nf1_complex_days" not in problems and cfg.nf1_complex_days < cfg.nf1_days:
        problems["nf1_complex_days"] = (
            f"重大复杂案件的立案期限不应短于一般案件（{cfg.nf1_days} 天）"
        )
    if "sp2_days" not in problems and cfg.sp2_days <= cfg.sp1_days:
        problems["sp2_days"] = f"立案后久拖未结期限应长于办案活动停滞期限（{cfg.sp1_days} 天）"
    if "campaign_end" not in problems and cfg.campaign_end < cfg.campaign_start:
        problems["campaign_end"] = f"结束日期不能早于开始日期（{_cn(cfg.campaign_start)}）"
    elif "phase_rectify_start" not in problems and not (
        cfg.campaign_start < cfg.phase_rectify_start <= cfg.campaign_end
    ):
        problems["phase_rectify_start"] = (
            f"应在教育整顿期间（{_cn(cfg.campaign_start)}至{_cn(cfg.campaign_end)}），"
            "且晚于开始日期"
        )
    elif "phase_summary_start" not in problems and not (
        cfg.phase_rectify_start < cfg.phase_summary_start <= cfg.campaign_end
    ):
        problems["phase_summary_start"] = (
            f"应晚于查纠整改环节开始日期（{_cn(cfg.phase_rectify_start)}），"
            f"且不晚于结束日期（{_cn(cfg.campaign_end)}）"
        )
    return problems


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def _refuse_changed_since(
    session: Session, before: Settings, expected: Settings, names: Iterable[str]
) -> None:
    """Refuse to change a setting that someone else changed since the form showed `expected`;
    the message names who and when, from the audit event of that change."""
    stale = [n for n in names if getattr(before, n) != getattr(expected, n)]
    if not stale:
        return
    events = session.execute(
        select(AuditEvent.user, AuditEvent.at, AuditEvent.after)
        .where(AuditEvent.action == "settings.update")
        .order_by(AuditEvent.id.desc())
        .limit(200)
    )
    who, at = None, None
    for user, moment, after in events:
        if isinstance(after, dict) and stale[0] in after:
            who, at = user, moment
            break
    raise stale_edits.changed_since(session, f"设置“{LABELS.get(stale[0], stale[0])}”", who, at)


def update_settings(
    store: Store, actor: Actor, changes: Mapping[str, Any], *, expected: Settings | None = None
) -> Settings:
    """Change some settings (name → value, typed or as text); returns the settings in force.

    `expected`: the settings the user's form showed; a setting changed in the store since then
    is not overwritten (Conflict, naming who changed it and when). Raises PermissionDenied (not
    an administrator) or ValidationError (nothing saved). The changed values are one audit
    event "settings.update" (before and after)."""
    require(actor, "settings.edit")
    known = {f.name for f in dataclasses.fields(Settings)}
    problems = {name: f"未知的设置项“{name}”" for name in changes if name not in known}
    values = {
        name: _coerce(name, value, problems) for name, value in changes.items() if name in known
    }
    with store.write() as session:
        before = settings_mod.load(session)
        if expected is not None:
            wanted_names = [n for n, v in values.items() if v != getattr(before, n)]
            _refuse_changed_since(session, before, expected, wanted_names)
        wanted = dataclasses.replace(before, **values)
        check(wanted, problems)
        if problems:
            raise ValidationError(problems)
        changed = settings_mod.save(session, wanted)
        if changed:
            audit.record(
                session,
                actor,
                "settings.update",
                "settings",
                None,
                before={name: _plain(old) for name, (old, _new) in changed.items()},
                after={name: _plain(new) for name, (_old, new) in changed.items()},
            )
        return wanted
