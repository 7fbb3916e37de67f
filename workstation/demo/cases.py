"""Demo cases (案件): agencies, causes, dates and the facts that make each anomaly pattern occur."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math
import random
import re
from collections.abc import Callable, Mapping, Sequence

from workstation.demo import city, words

AS_OF = dt.date(2021, 6, 30)


@dataclasses.dataclass(slots=True)
class CaseSpec:
    scenario: str
    agency: city.DemoUnit
    officer: city.DemoPerson | None
    kind: str
    cause: str
    complainant: str | None
    accepted_on: dt.date
    filed_on: dt.date | None = None
    not_filed_on: dt.date | None = None
    withdrawn_on: dt.date | None = None
    prosecuted_on: dt.date | None = None
    closed_on: dt.date | None = None
    suspect_identified: bool = False
    procuratorate_decision: str | None = None
    last_activity_on: dt.date | None = None
    complex: bool = False
    amount_fen: int | None = None
    case_no: str = ""

    @property
    def head(self) -> str:
        head = self.agency.admin_head if self.kind == "administrative" else None
        return head or self.agency.criminal_head or ""


def _days_ago(days: int) -> dt.date:
    return AS_OF - dt.timedelta(days=days)


def _between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, max(0, (last - first).days)))


def _after(rng: random.Random, start: dt.date, low: int, high: int) -> dt.date:
    """A date `low`..`high` days after `start`, never after the as-of date."""
    return min(AS_OF, start + dt.timedelta(days=rng.randint(low, high)))


# Each scenario sets the dates of one case; what it makes happen (as of AS_OF) is in its name.
# Normal ones trigger no rule of DESIGN §5; the others trigger the rule they are named after.
def _prosecuted(c: CaseSpec, rng: random.Random) -> None:
    c.accepted_on = _between(rng, dt.date(2019, 9, 1), _days_ago(40))
    c.filed_on = _after(rng, c.accepted_on, 0, 5)
    c.prosecuted_on = _after(rng, c.filed_on, 15, 180)
    c.suspect_identified = True
    c.last_activity_on = c.prosecuted_on
    if rng.random() < 0.5:
        c.closed_on = c.last_activity_on = _after(rng, c.prosecuted_on, 0, 20)


def _closed(c: CaseSpec, rng: random.Random) -> None:
    c.accepted_on = _between(rng, dt.date(2019, 9, 1), _days_ago(15))
    c.filed_on = _after(rng, c.accepted_on, 0, 3)
    c.closed_on = c.last_activity_on = _after(rng, c.filed_on, 3, 120)
    c.suspect_identified = rng.random() < 0.7


def _open_active(c: CaseSpec, rng: random.Random) -> None:
    c.accepted_on = _between(rng, _days_ago(300), _days_ago(10))
    c.filed_on = _after(rng, c.accepted_on, 0, 6)
    c.last_activity_on = _between(rng, max(c.filed_on, _days_ago(80)), AS_OF)
    c.suspect_identified = rng.random() < 0.5
    c.complex = rng.random() < 0.1


def _not_filed(c: CaseSpec, rng: random.Random) -> None:
    c.accepted_on = _between(rng, dt.date(2020, 1, 1), _days_ago(5))
    c.not_filed_on = c.last_activity_on = _after(rng, c.accepted_on, 1, 7)


def _pending_in_time(c: CaseSpec, rng: random.Random) -> None:
    c.complex = rng.random() < 0.3
    c.accepted_on = _days_ago(rng.randint(8, 30) if c.complex else rng.randint(0, 7))
    c.last_activity_on = c.accepted_on if rng.random() < 0.5 else None


def _nf1(c: CaseSpec, rng: random.Random) -> None:
    c.complex = rng.random() < 0.25
    c.accepted_on = _days_ago(rng.randint(31, 240) if c.complex else rng.randint(8, 200))
    c.last_activity_on = _after(rng, c.accepted_on, 0, 5) if rng.random() < 0.5 else None


def _sp1(c: CaseSpec, rng: random.Random) -> None:
    c.filed_on = _days_ago(rng.randint(95, 360))
    c.accepted_on = c.filed_on - dt.timedelta(days=rng.randint(0, 5))
    if rng.random() < 0.7:
        c.last_activity_on = _between(rng, c.filed_on, _days_ago(91))
    c.suspect_identified = rng.random() < 0.6


def _sp2(c: CaseSpec, rng: random.Random) -> None:
    c.filed_on = _between(rng, dt.date(2019, 6, 10), _days_ago(366))
    c.accepted_on = c.filed_on - dt.timedelta(days=rng.randint(0, 5))
    old = rng.random() < 0.5
    c.last_activity_on = _days_ago(rng.randint(91, 300) if old else rng.randint(0, 60))
    c.suspect_identified = rng.random() < 0.6
    c.complex = rng.random() < 0.4


def _withdrawn(c: CaseSpec, rng: random.Random, *, suspect: bool) -> None:
    c.accepted_on = _between(rng, dt.date(2019, 10, 1), _days_ago(60))
    c.filed_on = _after(rng, c.accepted_on, 0, 5)
    c.withdrawn_on = c.last_activity_on = _after(rng, c.filed_on, 20, 250)
    c.suspect_identified = suspect


def _np2(c: CaseSpec, rng: random.Random) -> None:
    _prosecuted(c, rng)
    c.procuratorate_decision = rng.choices(["no_prosecution", "withdrawn_prosecution"], [7, 3])[0]


def _no_arrest(c: CaseSpec, rng: random.Random) -> None:
    c.accepted_on = _between(rng, _days_ago(300), _days_ago(30))
    c.filed_on = _after(rng, c.accepted_on, 0, 5)
    c.last_activity_on = _between(rng, max(c.filed_on, _days_ago(60)), AS_OF)
    c.suspect_identified = True
    c.procuratorate_decision = "no_arrest"


Scenario = Callable[[CaseSpec, random.Random], None]

# name: (share, how, may be an administrative case)
SCENARIOS: dict[str, tuple[int, Scenario, bool]] = {
    "prosecuted": (20, _prosecuted, False),
    "closed": (14, _closed, True),
    "open_active": (14, _open_active, True),
    "not_filed": (8, _not_filed, True),
    "pending_in_time": (4, _pending_in_time, True),
    "withdrawn_no_suspect": (3, lambda c, r: _withdrawn(c, r, suspect=False), False),
    "no_arrest": (3, _no_arrest, False),
    "nf1": (6, _nf1, True),
    "sp1": (6, _sp1, True),
    "sp2": (3, _sp2, False),
    "np1": (4, lambda c, r: _withdrawn(c, r, suspect=True), False),
    "np2": (4, _np2, False),
}
# Scenarios a complaint (lead) may name, so that NF-2 and the watch lists have material.
LINKABLE = ("not_filed", "nf1", "sp1", "sp2", "np1", "np2")


def quotas(n: int, shares: Mapping[str, int]) -> dict[str, int]:
    """Split n by shares (largest remainder), giving each at least one when n allows."""
    total = sum(shares.values())
    exact = {k: n * s / total for k, s in shares.items()}
    counts = {k: math.floor(v) for k, v in exact.items()}
    if n >= len(shares):
        for k in counts:
            counts[k] = max(1, counts[k])
    left = n - sum(counts.values())
    by_remainder = sorted(shares, key=lambda k: exact[k] - counts[k], reverse=True)
    by_size = sorted(shares, key=lambda k: counts[k], reverse=True)
    for k in itertools.islice(itertools.cycle(by_remainder), max(0, left)):
        counts[k] += 1
    for k in itertools.islice(itertools.cycle(by_size), max(0, -left)):
        counts[k] -= 1
    return counts


_CRIMINAL = city.weighted(words.CRIMINAL_CAUSES)
_TRAFFIC = city.weighted(words.TRAFFIC_CAUSES)
_ADMIN = city.weighted(words.ADMIN_CAUSES)
_PROCURATORATE = city.weighted(words.PROCURATORATE_CAUSES)


class _Agencies:
    def __init__(self, staff: Sequence[city.DemoPerson]) -> None:
        units = [u for u in city.UNITS if u.criminal_head]
        self.stations = [u for u in units if u.kind == "police_station"]
        self.bureaus = [u for u in units if u.kind == "police_bureau"]
        self.traffic = [u for u in units if u.name.endswith("交警支队")]
        self.teams = [u for u in units if u.kind == "police_team" and u not in self.traffic]
        self.procuratorates = [u for u in units if u.type == "procuratorate"]
        self.officers: dict[str, list[city.DemoPerson]] = {}
        for person in staff:
            if person.position in city.OFFICER_POSITIONS:
                self.officers.setdefault(person.unit.name, []).append(person)

    def criminal(self, rng: random.Random) -> tuple[city.DemoUnit, str]:
        group = rng.choices(
            [self.stations, self.bureaus, self.teams, self.traffic, self.procuratorates],
            [30, 22, 25, 13, 10],
        )[0]
        unit = rng.choice(group)
        if group is self.traffic:
            return unit, city.pick(rng, _TRAFFIC)
        if group is self.procuratorates:
            return unit, city.pick(rng, _PROCURATORATE)
        return unit, city.pick(rng, _CRIMINAL)


def _amount_fen(rng: random.Random) -> int:
    yuan = min(50_000_000, max(300, round(math.exp(rng.gauss(9.3, 1.7)), -2)))
    return int(yuan) * 100 + (rng.randrange(100) if rng.random() < 0.2 else 0)


def _complainant(rng: random.Random, cause: str, agency: city.DemoUnit) -> str | None:
    if cause in ("危险驾驶", "吸毒", "赌博", "阻碍执行职务") or (
        agency.type == "procuratorate" and rng.random() < 0.5
    ):
        return None
    if cause in ("合同诈骗", "职务侵占", "非法吸收公众存款") and rng.random() < 0.6:
        return f"{words.CITY}{rng.choice(words.COMPANY_WORDS)}{rng.choice(words.COMPANY_TRADES)}"
    return city.person_name(rng)


def plan_cases(rng: random.Random, n: int, staff: Sequence[city.DemoPerson]) -> list[CaseSpec]:
    """n cases in a shuffled mix of scenarios (every scenario once at least, when n ≥ 12)."""
    agencies = _Agencies(staff)
    shares = {name: spec[0] for name, spec in SCENARIOS.items()}
    plan = [name for name, count in quotas(n, shares).items() for _ in range(count)]
    rng.shuffle(plan)
    out: list[CaseSpec] = []
    for scenario in plan:
        _, how, admin_ok = SCENARIOS[scenario]
        if admin_ok and rng.random() < 0.25:
            agency, kind = rng.choice(agencies.stations), "administrative"
            cause = city.pick(rng, _ADMIN)
        else:
            (agency, cause), kind = agencies.criminal(rng), "criminal"
        officers = agencies.officers.get(agency.name)
        officer = rng.choice(officers) if officers and rng.random() < 0.85 else None
        case = CaseSpec(
            scenario=scenario,
            agency=agency,
            officer=officer,
            kind=kind,
            cause=cause,
            complainant=None,
            accepted_on=AS_OF,  # each scenario sets the dates
            complex=rng.random() < 0.05,
        )
        how(case, rng)
        case.complainant = _complainant(rng, cause, agency)
        if cause in words.MONEY_CAUSES:
            case.amount_fen = _amount_fen(rng)
        out.append(case)
    return out


_NUMBER = re.compile(r"^(.*)〔(\d{4})〕(\d+)号$")


def last_numbers(existing: Sequence[tuple[str, str]]) -> dict[tuple[str, str, int], int]:
    """The highest number used per (agency, head, year), from (agency name, case_no) pairs."""
    last: dict[tuple[str, str, int], int] = {}
    for agency, case_no in existing:
        m = _NUMBER.match(case_no)
        if m:
            key = (agency, m[1], int(m[2]))
            last[key] = max(last.get(key, 0), int(m[3]))
    return last


def number_cases(
    cases: Sequence[CaseSpec], last: Mapping[tuple[str, str, int], int], taken: set[str]
) -> None:
    """Give every case its number, per agency and year in order of acceptance, after `last`.

    `taken` holds the case numbers already in the store; they are skipped (and grow)."""
    counters = dict(last)
    order = sorted(range(len(cases)), key=lambda i: (cases[i].accepted_on, i))
    for i in order:
        case = cases[i]
        year = case.accepted_on.year
        key = (case.agency.name, case.head, year)
        width = 0 if case.head.endswith(("刑案字", "检立字")) else 4
        while True:
            counters[key] = counters.get(key, 0) + 1
            case_no = f"{case.head}〔{year}〕{counters[key]:0{width}d}号"
            if case_no not in taken:
                break
        taken.add(case_no)
        case.case_no = case_no
