"""The watch list (重点关注): officers and units that leads and confirmed anomalies point to.

Like the early-intervention systems of police internal-affairs units, a person is put on the
list by counts, not by judgement: named in `watch_leads` leads within `watch_days` days, or in
leads of `watch_categories` different categories of the six ailments (其他 does not count), or
the officer (承办人) of cases with `watch_anomalies` confirmed anomalies (Settings). Leads
count when received on or before the as-of date; a repeat of an earlier lead (重复件,
repeat_of) does not count again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from workstation import settings as settings_mod
from workstation.models import Anomaly, Case, Lead, Person, Unit
from workstation.services import campaign
from workstation.services.auth import Actor, require
from workstation.services.fields import as_json
from workstation.store import Store
from workstation.vocab import ANOMALY_KIND, CATEGORY

SHOWN_ANOMALIES = 3
CRITERIA = ("lead_window", "categories", "anomalies")
THRESHOLDS = ("watch_leads", "watch_days", "watch_categories", "watch_anomalies")


@dataclasses.dataclass(frozen=True)
class LeadWindow:
    """The densest run of leads about one person: `count` leads from `first` to `last`."""

    count: int
    first: dt.date
    last: dt.date


@dataclasses.dataclass(frozen=True)
class LinkedAnomaly:
    id: int
    case_no: str
    kind: str


@dataclasses.dataclass(frozen=True)
class WatchPerson:
    id: int
    uuid: str
    name: str
    unit: str | None
    unit_id: int | None
    position: str | None
    leads: int
    window: LeadWindow | None  # set when the lead-count criterion is met
    categories: tuple[str, ...]  # set when the categories criterion is met
    anomalies: tuple[LinkedAnomaly, ...]  # set when the anomalies criterion is met
    criteria: tuple[str, ...]  # which of CRITERIA put the person on the list
    reasons: tuple[str, ...]  # the same, in Chinese with the figures

    def to_json(self) -> dict[str, Any]:
        out = as_json(self)
        out["window"] = as_json(self.window) if self.window else None
        out["anomalies"] = [dataclasses.asdict(a) for a in self.anomalies]
        for name in ("categories", "criteria", "reasons"):
            out[name] = list(out[name])
        return out


@dataclasses.dataclass(frozen=True)
class WatchUnit:
    id: int
    name: str
    type: str
    leads: int  # leads naming the unit as subject unit
    concluded: int  # of those, concluded with a result
    substantiated: int  # of those, 属实 or 部分属实
    substantiated_rate: float | None  # substantiated / concluded; None when none concluded
    confirmed_anomalies: int  # in cases the unit handled (办案单位)
    suspected_anomalies: int
    watched_persons: int

    def to_json(self) -> dict[str, Any]:
        return as_json(self)


@dataclasses.dataclass(frozen=True)
class WatchList:
    as_of: dt.date
    thresholds: dict[str, int]
    persons: tuple[WatchPerson, ...]
    units: tuple[WatchUnit, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "thresholds": dict(self.thresholds),
            "persons": [p.to_json() for p in self.persons],
            "units": [u.to_json() for u in self.units],
        }


def densest_window(days: Sequence[dt.date], span: int) -> LeadWindow | None:
    """The most leads whose dates lie at most `span` days apart (the latest such run on a tie).

    With span 90, leads on 1 March, 15 April and 30 May (90 days after 1 March) are one run."""
    best: LeadWindow | None = None
    start = 0
    for end, last in enumerate(days):
        while (last - days[start]).days > span:
            start += 1
        count = end - start + 1
        if best is None or count >= best.count:
            best = LeadWindow(count, days[start], last)
    return best


def short_category(key: str) -> str:
    """A category's label without its parenthesised gloss (违规经商办企业, 其他), quoted when
    it is itself a list (“有案不立、压案不查、有罪不究”) so that a list of them stays readable."""
    label = CATEGORY.label(key).split("（")[0]
    return f"“{label}”" if "、" in label else label


def _counted(as_of: dt.date) -> list[ColumnElement[bool]]:
    return [
        Lead.subject_person_id.is_not(None),
        Lead.received_on <= as_of,
        Lead.repeat_of_id.is_(None),
    ]


def _by_window(session: Session, as_of: dt.date, need: int, span: int) -> dict[int, LeadWindow]:
    enough = (
        select(Lead.subject_person_id)
        .where(*_counted(as_of))
        .group_by(Lead.subject_person_id)
        .having(func.count(Lead.id) >= need)
    )
    stmt = (
        select(Lead.subject_person_id, Lead.received_on)
        .where(*_counted(as_of), Lead.subject_person_id.in_(enough))
        .order_by(Lead.subject_person_id, Lead.received_on)
    )
    dates: dict[int, list[dt.date]] = defaultdict(list)
    for person_id, received_on in session.execute(stmt):
        dates[person_id].append(received_on)
    out = {}
    for person_id, days in dates.items():
        window = densest_window(days, span)
        if window is not None and window.count >= need:
            out[person_id] = window
    return out


def _by_categories(session: Session, as_of: dt.date, need: int) -> dict[int, tuple[str, ...]]:
    # Only the six ailments count: 其他 is the absence of a category, and counting it put half
    # of all named officers on the list in a realistic store.
    ailment = Lead.category != "other"
    enough = (
        select(Lead.subject_person_id)
        .where(*_counted(as_of), ailment)
        .group_by(Lead.subject_person_id)
        .having(func.count(Lead.category.distinct()) >= need)
    )
    stmt = (
        select(Lead.subject_person_id, Lead.category)
        .where(*_counted(as_of), ailment, Lead.subject_person_id.in_(enough))
        .group_by(Lead.subject_person_id, Lead.category)
    )
    found: dict[int, set[str]] = defaultdict(set)
    for person_id, category in session.execute(stmt):
        found[person_id].add(category)
    order = {key: i for i, key in enumerate(CATEGORY.keys())}
    return {
        pid: tuple(sorted(keys, key=lambda k: (order.get(k, len(order)), k)))
        for pid, keys in found.items()
    }


def _by_anomalies(session: Session, need: int) -> dict[int, tuple[LinkedAnomaly, ...]]:
    stmt = (
        select(Case.officer_id, Anomaly.id, Case.case_no, Anomaly.kind)
        .join(Case, Anomaly.case_id == Case.id)
        .where(Anomaly.state == "confirmed", Case.officer_id.is_not(None))
        .order_by(Case.officer_id, Anomaly.id)
    )
    found: dict[int, list[LinkedAnomaly]] = defaultdict(list)
    for officer_id, anomaly_id, case_no, kind in session.execute(stmt):
        found[officer_id].append(LinkedAnomaly(anomaly_id, case_no, kind))
    return {pid: tuple(items) for pid, items in found.items() if len(items) >= need}


def _chunks(ids: Iterable[int], size: int = 500) -> Iterable[list[int]]:
    items = sorted(ids)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _persons(
    session: Session,
    as_of: dt.date,
    windows: dict[int, LeadWindow],
    categories: dict[int, tuple[str, ...]],
    anomalies: dict[int, tuple[LinkedAnomaly, ...]],
    span: int,
) -> list[WatchPerson]:
    ids = set(windows) | set(categories) | set(anomalies)
    details: dict[int, tuple[Any, ...]] = {}
    totals: dict[int, int] = {}
    for part in _chunks(ids):
        stmt = (
            select(Person.id, Person.uuid, Person.name, Unit.name, Person.unit_id, Person.position)
            .outerjoin(Unit, Person.unit_id == Unit.id)
            .where(Person.id.in_(part))
        )
        details.update((row[0], tuple(row)) for row in session.execute(stmt))
        counts = (
            select(Lead.subject_person_id, func.count(Lead.id))
            .where(*_counted(as_of), Lead.subject_person_id.in_(part))
            .group_by(Lead.subject_person_id)
        )
        totals.update(session.execute(counts).all())
    persons = []
    for pid in ids:
        _, uuid, name, unit, unit_id, position = details[pid]
        criteria, reasons = [], []
        window = windows.get(pid)
        if window is not None:
            criteria.append("lead_window")
            reasons.append(
                f"{span} 天内被反映 {window.count} 次（{window.first} 至 {window.last}）"
            )
        kinds = categories.get(pid, ())
        if kinds:
            criteria.append("categories")
            labels = "、".join(short_category(k) for k in kinds)
            reasons.append(f"被反映问题涉及 {len(kinds)} 类：{labels}")
        linked = anomalies.get(pid, ())
        if linked:
            criteria.append("anomalies")
            shown = "、".join(
                f"{a.case_no} {ANOMALY_KIND.label(a.kind)}" for a in linked[:SHOWN_ANOMALIES]
            )
            more = "等" if len(linked) > SHOWN_ANOMALIES else ""
            reasons.append(f"关联已认定案件异常 {len(linked)} 件（{shown}{more}）")
        persons.append(
            WatchPerson(
                pid,
                uuid,
                name,
                unit,
                unit_id,
                position,
                totals.get(pid, 0),
                window,
                kinds,
                linked,
                tuple(criteria),
                tuple(reasons),
            )
        )
    persons.sort(key=lambda p: (-len(p.criteria), -p.leads, -len(p.anomalies), p.name, p.id))
    return persons


def _units(session: Session, as_of: dt.date, persons: Sequence[WatchPerson]) -> list[WatchUnit]:
    concluded = (Lead.status == "concluded") & Lead.result.is_not(None)
    substantiated = (Lead.status == "concluded") & Lead.result.in_(["substantiated", "partly"])
    lead_stmt = (
        select(
            Lead.subject_unit_id,
            func.count(Lead.id),
            func.sum(case((concluded, 1), else_=0)),
            func.sum(case((substantiated, 1), else_=0)),
        )
        .where(
            Lead.subject_unit_id.is_not(None),
            Lead.received_on <= as_of,
            Lead.repeat_of_id.is_(None),
        )
        .group_by(Lead.subject_unit_id)
    )
    leads = {uid: (n, int(c or 0), int(s or 0)) for uid, n, c, s in session.execute(lead_stmt)}
    anomaly_stmt = (
        select(Case.agency_id, Anomaly.state, func.count(Anomaly.id))
        .join(Case, Anomaly.case_id == Case.id)
        .where(Anomaly.state.in_(["confirmed", "suspected"]))
        .group_by(Case.agency_id, Anomaly.state)
    )
    flags: dict[int, dict[str, int]] = defaultdict(dict)
    for agency_id, state, n in session.execute(anomaly_stmt):
        flags[agency_id][state] = n
    watched: dict[int, int] = defaultdict(int)
    for person in persons:
        if person.unit_id is not None:
            watched[person.unit_id] += 1
    ids = set(leads) | set(flags) | set(watched)
    names: dict[int, tuple[str, str]] = {}
    for part in _chunks(ids):
        stmt = select(Unit.id, Unit.name, Unit.type).where(Unit.id.in_(part))
        names.update((uid, (name, type_)) for uid, name, type_ in session.execute(stmt))
    units = []
    for uid in ids:
        n, done, found = leads.get(uid, (0, 0, 0))
        name, type_ = names[uid]
        units.append(
            WatchUnit(
                uid,
                name,
                type_,
                n,
                done,
                found,
                round(found / done, 4) if done else None,
                flags[uid].get("confirmed", 0),
                flags[uid].get("suspected", 0),
                watched[uid],
            )
        )
    units.sort(key=lambda u: (-u.confirmed_anomalies, -u.watched_persons, -u.leads, u.name, u.id))
    return units


def watch_list(store: Store, actor: Actor, *, as_of: dt.date | None = None) -> WatchList:
    """The persons on the watch list with their reasons, and every unit's figures."""
    as_of = as_of or campaign.as_of(store)
    with store.read() as session:
        require(actor, "watch.read")
        cfg = settings_mod.load(session)
        windows = _by_window(session, as_of, cfg.watch_leads, cfg.watch_days)
        categories = _by_categories(session, as_of, cfg.watch_categories)
        anomalies = _by_anomalies(session, cfg.watch_anomalies)
        persons = _persons(session, as_of, windows, categories, anomalies, cfg.watch_days)
        units = _units(session, as_of, persons)
    thresholds = {name: int(getattr(cfg, name)) for name in THRESHOLDS}
    return WatchList(as_of, thresholds, tuple(persons), tuple(units))
