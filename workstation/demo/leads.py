"""Demo leads (问题线索): dates, channels, reporters, subjects, summaries and progress."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import random
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from workstation.demo import city, summaries, templates, words
from workstation.demo.cases import AS_OF, LINKABLE, CaseSpec
from workstation.demo.summaries import PUBLIC

CAMPAIGN_START = dt.date(2021, 2, 26)
CHANNEL_SHARES = {
    "phone": 24, "letter": 17, "online": 16, "visit": 11, "email": 6, "referral": 10,
    "inspection": 7, "self_report": 5, "other": 4,
}  # fmt: skip
CATEGORY_SHARES = {
    "other": 28, "interference": 20, "case_handling": 20, "business": 14,
    "shareholding_lending": 7, "sentence_reduction": 6, "revolving_door": 5,
}  # fmt: skip
# Which kind of unit a lead of each category is about.
SUBJECT_TYPES: dict[str, dict[str, int]] = {
    "interference": {"police": 35, "court": 25, "procuratorate": 15, "justice": 8,
                     "committee": 7, "township": 10},
    "business": {"police": 40, "court": 15, "procuratorate": 10, "justice": 15, "township": 15,
                 "committee": 5},
    "shareholding_lending": {"police": 35, "court": 25, "procuratorate": 15, "justice": 15,
                             "committee": 5, "township": 5},
    "sentence_reduction": {"court": 35, "procuratorate": 25, "justice": 40},
    "case_handling": {"police": 70, "procuratorate": 15, "court": 15},
    "revolving_door": {"court": 55, "procuratorate": 35, "police": 5, "justice": 5},
    "other": {"police": 50, "court": 12, "procuratorate": 6, "justice": 12, "township": 15,
              "committee": 5},
}  # fmt: skip
# Share of anonymous reporters by channel: about a quarter of all leads are anonymous.
ANONYMOUS = {
    "phone": 0.25,
    "letter": 0.4,
    "email": 0.35,
    "visit": 0.05,
    "online": 0.5,
    "other": 0.3,
}
# 2021 public holidays (清明, 劳动节, 端午) and the weekend days worked in exchange.
_HOLIDAYS = frozenset(
    dt.date(2021, m, d) for m, d in ((4, 3), (4, 4), (4, 5), (5, 1), (5, 2), (5, 3), (5, 4),
                                     (5, 5), (6, 12), (6, 13), (6, 14))
)  # fmt: skip
_WORKED_WEEKENDS = frozenset({dt.date(2021, 4, 25), dt.date(2021, 5, 8)})
_LINK_BODY = {"not_filed": "not_filed", "nf1": "pending", "sp1": "stalled", "sp2": "stalled",
              "np1": "withdrawn", "np2": "not_prosecuted"}  # fmt: skip


def _cum(shares: Mapping[str, float]) -> city.Weighted:
    return city.weighted(shares.items())


_DISPOSITIONS = _cum({"preliminary_check": 45, "talk_inquiry": 25, "close": 30})
_RESULTS = _cum({"substantiated": 20, "partly": 30, "unsubstantiated": 35, "unverifiable": 15})
_RESULTS_CLOSED = _cum({"unsubstantiated": 55, "unverifiable": 45})
_CHECKS = _cum({"preliminary_check": 2, "talk_inquiry": 1})
# Open leads by age: the youngest (≤ 5 days) mostly new, the oldest (> 20) mostly being verified.
_OPEN_YOUNG = _cum({"new": 80, "assigned": 20})
_OPEN = _cum({"new": 25, "assigned": 45, "verifying": 30})
_OPEN_OLD = _cum({"new": 5, "assigned": 30, "verifying": 65})


def received_dates(rng: random.Random, n: int) -> list[dt.date]:
    """n dates of the campaign in order: working days busier, the middle weeks busiest."""
    span = (AS_OF - CAMPAIGN_START).days
    days = [CAMPAIGN_START + dt.timedelta(days=i) for i in range(span + 1)]
    weights = []
    for i, day in enumerate(days):
        working = (day.weekday() < 5 or day in _WORKED_WEEKENDS) and day not in _HOLIDAYS
        weights.append((1.0 if working else 0.3) * (0.6 + 0.6 * math.sin(math.pi * i / span)))
    return sorted(rng.choices(days, cum_weights=list(itertools.accumulate(weights)), k=n))


class _Staff:
    def __init__(self, staff: Sequence[city.DemoPerson]) -> None:
        self.by_unit: dict[str, list[city.DemoPerson]] = {}
        for person in staff:
            self.by_unit.setdefault(person.unit.name, []).append(person)
        self.units: dict[str, tuple[list[city.DemoUnit], list[float]]] = {}
        for unit_type in {u.type for u in city.UNITS}:
            units = [u for u in city.UNITS if u.type == unit_type and u.name in self.by_unit]
            self.units[unit_type] = (units, list(itertools.accumulate(u.weight for u in units)))
        self.handlers = {
            t: [u for u in city.UNITS if t in u.handles] for t in {u.type for u in city.UNITS}
        }
        # The procuratorate of each district (None: the city's), for complaints about decisions.
        self.procuratorates = {
            u.district: u for u in city.UNITS if u.type == "procuratorate" and u.weight
        }
        self.subject_types = {c: _cum(shares) for c, shares in SUBJECT_TYPES.items()}


class LeadMaker:
    """Makes the leads one by one, in order of receipt; rows use the store's unit/person ids."""

    def __init__(
        self,
        rng: random.Random,
        staff: Sequence[city.DemoPerson],
        unit_ids: Mapping[str, int],
        *,
        due_days: int,
    ) -> None:
        self.rng = rng
        self.staff = _Staff(staff)
        self.unit_ids = unit_ids
        self.unit_types = {unit_ids[u.name]: u.type for u in city.UNITS}
        self.due = dt.timedelta(days=due_days)
        self.categories = _cum(CATEGORY_SHARES)
        self.self_categories = _cum(
            {"business": 4, "shareholding_lending": 3, "interference": 2, "other": 3}
        )

    def plan(
        self, dates: list[dt.date], cases: Sequence[CaseSpec]
    ) -> Iterator[tuple[dict[str, Any], int | None]]:
        """Yield (row, index of the lead it repeats or None) per date (from received_dates)."""
        rng, n = self.rng, len(dates)
        names, cum = _cum(CHANNEL_SHARES)
        channels = rng.choices(names, cum_weights=cum, k=n)
        linked = self._link_cases(dates, cases)
        hot = self._hot_persons(dates, taken=linked.keys())
        repeats = self._repeats(dates, channels, taken=linked.keys() | hot.keys())
        originals = set(repeats.values())
        kept: dict[int, dict[str, Any]] = {}
        for i, received in enumerate(dates):
            if i in repeats:
                row = self._repeat(kept[repeats[i]], received)
            elif i in linked:
                row = self._about_case(linked[i], received, channels[i])
            else:
                row = self._lead(received, channels[i], hot.get(i))
            if i in originals:
                kept[i] = dict(row)  # the caller adds ids and stamps to the row it gets
            yield row, repeats.get(i)

    def _link_cases(self, dates: list[dt.date], cases: Sequence[CaseSpec]) -> dict[int, CaseSpec]:
        """About 4% of leads name a case; at least one names a case not filed (for NF-2)."""
        rng, n = self.rng, len(dates)
        if not n:
            return {}
        # Complaints come from whoever reported the case, so cases with nobody to report are out.
        not_filed = [c for c in cases if c.scenario == "not_filed" and c.complainant]
        others = [
            c
            for c in cases
            if c.scenario in LINKABLE and c.scenario != "not_filed" and c.complainant
        ]
        # Not every case that went wrong draws a complaint: at most 2 in 5 refused ones do.
        wanted = max(1, round(n * 0.04))
        k_nf = min(max(1, len(not_filed) * 2 // 5), max(1, round(wanted * 0.4)), len(not_filed))
        k_others = min(len(others) // 2, max(0, wanted - k_nf))
        chosen = rng.sample(not_filed, k_nf) + rng.sample(others, k_others)
        out: dict[int, CaseSpec] = {}
        for case in chosen:
            since = (case.not_filed_on or case.accepted_on) + dt.timedelta(days=3)
            low = bisect.bisect_left(dates, since)
            low = 0 if low >= n else low
            for _ in range(5):
                i = rng.randrange(low, n)
                if i not in out:
                    out[i] = case
                    break
        return out

    def _hot_persons(self, dates: list[dt.date], taken: Any) -> dict[int, city.DemoPerson]:
        """Some officers named in 3-5 leads within 60 days (they belong on a watch list)."""
        rng, n = self.rng, len(dates)
        people = [p for ps in self.staff.by_unit.values() for p in ps]
        out: dict[int, city.DemoPerson] = {}
        for _ in range(n // 150 if n >= 150 else int(n >= 10)):
            person = city.one(rng, people)
            base = rng.randrange(n)
            end = bisect.bisect_right(dates, dates[base] + dt.timedelta(days=60))
            free = [i for i in range(base, min(end, base + 400)) if i not in out and i not in taken]
            if len(free) >= 3:
                for i in rng.sample(free, min(len(free), rng.randint(3, 5))):
                    out[i] = person
        return out

    def _repeats(self, dates: list[dt.date], channels: list[str], taken: Any) -> dict[int, int]:
        """About 2% of leads repeat an earlier one (same matter, another channel)."""
        rng = self.rng
        out: dict[int, int] = {}
        for i in range(1, len(dates)):
            if i in taken or rng.random() >= 0.02:
                continue
            low = bisect.bisect_left(dates, dates[i] - dt.timedelta(days=30))
            j = rng.randrange(low, i) if low < i else i - 1
            if j not in out and j not in taken and channels[j] in PUBLIC:
                out[i] = j
        return out

    def _status(self, row: dict[str, Any], unit_type: str) -> None:
        """Where the lead has got by the as-of date: older leads are more often concluded."""
        rng, received = self.rng, row["received_on"]
        age = (AS_OF - received).days
        concluded = min(0.85, max(0.03, (age - 10) / 100))
        r = rng.random()
        handler = self.staff.handlers.get(unit_type) or self.staff.handlers["other"]
        handler_id = self.unit_ids[city.one(rng, handler).name]
        row.update(status="new", disposition=None, result=None, handler_unit_id=None)
        row["concluded_on"] = None
        if r < concluded:
            disposition = city.pick(rng, _DISPOSITIONS)
            results = _RESULTS_CLOSED if disposition == "close" else _RESULTS
            done = received + dt.timedelta(days=rng.randint(min(age, 3), min(age, 90)))
            row.update(status="concluded", disposition=disposition, handler_unit_id=handler_id,
                       result=city.pick(rng, results), concluded_on=done)  # fmt: skip
        elif r < concluded + 0.06 and age > 7:
            row.update(status="transferred", disposition="transfer", handler_unit_id=handler_id)
        elif r < concluded + 0.10 and age > 20:
            row.update(status="shelved", disposition="shelve", handler_unit_id=handler_id)
        else:
            status = city.pick(rng, _OPEN_YOUNG if age <= 5 else _OPEN if age <= 20 else _OPEN_OLD)
            if status != "new":
                row["status"], row["handler_unit_id"] = status, handler_id
                if status == "verifying" or rng.random() < 0.5:
                    row["disposition"] = city.pick(rng, _CHECKS)

    def _reporter(self, row: dict[str, Any], channel: str) -> None:
        rng = self.rng
        name = phone = None
        anonymous = False
        if channel in PUBLIC:
            anonymous = rng.random() < ANONYMOUS[channel]
            if anonymous:
                phone = city.mobile(rng) if channel == "phone" and rng.random() < 0.2 else None
            else:
                name = city.person_name(rng)
                has_phone = {"letter": 0.6, "visit": 0.95}.get(channel, 0.9)
                phone = city.mobile(rng) if rng.random() < has_phone else None
        row.update(reporter_name=name, reporter_phone=phone, anonymous=anonymous)

    def _row(
        self,
        received: dt.date,
        channel: str,
        category: str,
        unit: city.DemoUnit,
        person: city.DemoPerson | None,
        summary: str,
        case_no: str | None = None,
    ) -> dict[str, Any]:
        row: dict[str, Any] = {
            "received_on": received,
            "channel": channel,
            "category": category,
            "subject_person_id": person.id if person else None,
            "subject_unit_id": self.unit_ids[unit.name],
            "summary": summary,
            "case_no": case_no,
            "due_on": received + self.due,
            "batch_id": None,
            "repeat_of_id": None,
        }
        if channel == "self_report" and person is not None:
            row.update(reporter_name=person.name, reporter_phone=None, anonymous=False)
        else:
            self._reporter(row, channel)
        self._status(row, unit.type)
        return row

    def _subject(self, category: str) -> tuple[city.DemoUnit, city.DemoPerson | None]:
        rng = self.rng
        unit_type = city.pick(rng, self.staff.subject_types[category])
        units, cum = self.staff.units[unit_type]
        unit = rng.choices(units, cum_weights=cum)[0]
        person = city.one(rng, self.staff.by_unit[unit.name]) if rng.random() < 0.85 else None
        return unit, person

    def _lead(
        self, received: dt.date, channel: str, person: city.DemoPerson | None
    ) -> dict[str, Any]:
        rng = self.rng
        if channel == "self_report":
            category = city.pick(rng, self.self_categories)
            unit, subject = self._subject(category)
            subject = person or subject or city.one(rng, self.staff.by_unit[unit.name])
            unit = subject.unit
            fill = summaries.Fill(rng, unit, subject, received)
            summary = summaries.compose(
                rng, city.one(rng, templates.SELF_REPORTS[category]), fill, channel
            )
            return self._row(received, channel, category, unit, subject, summary)
        category = city.pick(rng, self.categories)
        if person is not None:
            unit = person.unit
        else:
            unit, person = self._subject(category)
        bodies = summaries.bodies(category, unit.type, channel in PUBLIC, person is not None)
        if not bodies:
            category = "other"
            bodies = summaries.bodies(category, unit.type, channel in PUBLIC, person is not None)
        fill = summaries.Fill(rng, unit, person, received)
        summary = summaries.compose(rng, city.one(rng, bodies), fill, channel)
        return self._row(received, channel, category, unit, person, summary)

    def _about_case(self, case: CaseSpec, received: dt.date, channel: str) -> dict[str, Any]:
        rng = self.rng
        if channel not in PUBLIC:
            channel = city.one(rng, PUBLIC[:5])
        unit, person = case.agency, case.officer
        if case.scenario == "np2":  # the complaint is about the procuratorate's decision
            unit = self.staff.procuratorates[case.agency.district]
            person = None
        fill = summaries.Fill(rng, case.agency, case.officer, received)
        fill.update(cause=case.cause, case_no=case.case_no)
        fill["who"] = "承办人" + (city.masked(case.officer.name) if case.officer else "")
        if case.procuratorate_decision is not None:
            fill["prosecutor"] = unit.name
            no_trial = case.procuratorate_decision == "no_prosecution"
            fill["decision"] = "作出不起诉决定" if no_trial else "在审判阶段撤回起诉"
        if case.not_filed_on is not None:
            fill["decided"] = summaries.chinese_date(case.not_filed_on)
        if case.cause in words.CAUSE_STORIES:
            fill["story"] = words.CAUSE_STORIES[case.cause]
        bodies = [
            b
            for b in templates.CASE_BODIES[_LINK_BODY[case.scenario]]
            if ("{story}" not in b or "story" in fill)
            and (case.suspect_identified or "嫌疑人身份明确" not in b)
        ]
        summary = summaries.compose(rng, city.one(rng, bodies), fill, channel)
        return self._row(received, channel, "case_handling", unit, person, summary, case.case_no)

    def _repeat(self, original: dict[str, Any], received: dt.date) -> dict[str, Any]:
        rng = self.rng
        channel = city.one(rng, [c for c in PUBLIC[:5] if c != original["channel"]])
        row = dict(original, received_on=received, channel=channel, due_on=received + self.due)
        self._status(row, self.unit_types[row["subject_unit_id"]])
        return row
