"""The fictional city of the demo (江州市): its political-legal units, their staff and names."""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import random
from collections.abc import Iterable, Sequence
from typing import Any

from workstation.demo import words


@dataclasses.dataclass(frozen=True)
class DemoUnit:
    name: str
    type: str  # a UNIT_TYPE key; tests check it agrees with infer_unit_type(name)
    kind: str  # which staff positions it has (a key of words.POSITIONS), or "" for no staff
    parent: str | None = None
    district: str | None = None  # None for city-level units
    weight: int = 0  # how often its staff are named in leads (0: never, e.g. handler units)
    # Case-number heads it uses, e.g. ("江公(东)立字",) (see workstation.demo.cases).
    criminal_head: str | None = None
    admin_head: str | None = None
    handles: tuple[str, ...] = ()  # unit types whose leads it verifies (handler units)


@dataclasses.dataclass(slots=True)
class DemoPerson:
    name: str
    unit: DemoUnit
    position: str
    badge_no: str | None
    id: int = 0  # set once the person is in the store


def _district_units(name: str, abbr: str, county: bool, towns: Sequence[str]) -> list[DemoUnit]:
    prefix = name if county else words.CITY + name
    police = f"{name}公安局" if county else f"{words.CITY}公安局{name[:-1]}分局"
    court = f"{prefix}人民法院"
    justice = f"{prefix}司法局"
    bureau_head = f"{abbr}公(刑)立字" if county else f"{words.CITY_ABBR}公({abbr})立字"
    units = [
        DemoUnit(f"{prefix}委政法委", "committee", "committee", None, name, 1),
        DemoUnit(court, "court", "court", None, name, 5),
        DemoUnit(f"{prefix}人民检察院", "procuratorate", "procuratorate", None, name, 3,
                 criminal_head=f"{abbr}检立字"),
        DemoUnit(police, "police", "police_bureau", None, name, 4, criminal_head=bureau_head),
        DemoUnit(f"{police}刑警大队", "police", "police_team", police, name, 3,
                 criminal_head=f"{abbr}公刑案字"),
        DemoUnit(justice, "justice", "justice", None, name, 1),
    ]  # fmt: skip
    for index, town in enumerate(towns):
        units.append(
            DemoUnit(f"{police}{town}派出所", "police", "police_station", police, name, 4,
                     criminal_head=f"{abbr}公({town})刑受字", admin_head=f"{abbr}公({town})行受字")
        )  # fmt: skip
        if index < 2:
            seat = f"{name}{town}镇人民政府" if county else f"{prefix}{town}街道办事处"
            units.append(DemoUnit(seat, "township", "township", None, name, 1))
            units.append(
                DemoUnit(f"{justice}{town}司法所", "justice", "justice_office", justice, name, 1)
            )
        if index in (1, 2):
            units.append(DemoUnit(f"{court}{town}人民法庭", "court", "tribunal", court, name, 2))
    return units


def build_units() -> tuple[DemoUnit, ...]:
    """Every unit of the city, parents before their children."""
    c = words.CITY
    city = [
        DemoUnit(f"{c}委政法委", "committee", "committee", weight=2),
        DemoUnit(f"{c}委政法委执法监督科", "committee", "", f"{c}委政法委",
                 handles=("committee", "township", "other")),
        DemoUnit(f"{c}政法队伍教育整顿领导小组办公室", "other", "",
                 handles=("committee", "township", "other")),
        DemoUnit(f"{c}中级人民法院", "court", "court", weight=6),
        DemoUnit(f"{c}中级人民法院督察室", "court", "", f"{c}中级人民法院", handles=("court",)),
        DemoUnit(f"驻{c}中级人民法院纪检监察组", "court", "", handles=("court",)),
        DemoUnit(f"{c}人民检察院", "procuratorate", "procuratorate", weight=4,
                 criminal_head=f"{words.CITY_ABBR}检立字"),
        DemoUnit(f"{c}人民检察院检务督察处", "procuratorate", "", f"{c}人民检察院",
                 handles=("procuratorate",)),
        DemoUnit(f"驻{c}人民检察院纪检监察组", "procuratorate", "", handles=("procuratorate",)),
        DemoUnit(f"{c}公安局", "police", "police_bureau", weight=3),
        DemoUnit(f"{c}公安局督察支队", "police", "", f"{c}公安局", handles=("police",)),
        DemoUnit(f"驻{c}公安局纪检监察组", "police", "", handles=("police",)),
        DemoUnit(f"{c}公安局刑警支队", "police", "police_team", f"{c}公安局", weight=3,
                 criminal_head=f"{words.CITY_ABBR}公刑立字"),
        DemoUnit(f"{c}公安局交警支队", "police", "police_team", f"{c}公安局", weight=4,
                 criminal_head=f"{words.CITY_ABBR}公交刑字"),
        DemoUnit(f"{c}司法局", "justice", "justice", weight=2),
        DemoUnit(f"{c}司法局督察室", "justice", "", f"{c}司法局", handles=("justice",)),
        DemoUnit(f"{c}强制隔离戒毒所", "justice", "rehab", f"{c}司法局", weight=2),
    ]  # fmt: skip
    districts = [_district_units(*d) for d in words.DISTRICTS]
    return tuple(itertools.chain(city, *districts))


UNITS: tuple[DemoUnit, ...] = build_units()

Weighted = tuple[tuple[str, ...], tuple[float, ...]]


def weighted(pairs: Iterable[tuple[str, float]]) -> Weighted:
    """A table to `pick` from: the values and their cumulative weights."""
    values, weights = zip(*pairs, strict=True)
    return values, tuple(itertools.accumulate(weights))


def pick(rng: random.Random, table: Weighted) -> str:
    """One value by weight (what rng.choices does, without its per-call set-up)."""
    values, cum = table
    return values[bisect.bisect(cum, rng.random() * cum[-1])]


def one(rng: random.Random, values: Sequence[Any]) -> Any:
    """One value, uniformly (rng.choice, at a fraction of its cost in the hot loops)."""
    return values[int(rng.random() * len(values))]


_SURNAMES = weighted(words.SURNAMES)
_COMPOUND = frozenset(s for s in _SURNAMES[0] if len(s) > 1)


def person_name(rng: random.Random) -> str:
    """A Chinese name: a surname by frequency and a given name of one or two characters."""
    surname = pick(rng, _SURNAMES)
    pool = words.GIVEN_MALE if rng.random() < 0.6 else words.GIVEN_FEMALE
    given = one(rng, pool) if rng.random() < 0.25 else one(rng, pool) + one(rng, pool)
    return surname + given


def masked(name: str, *, double: bool = True) -> str:
    """How a summary refers to a person: 张某某 (or 张某), 欧阳某某 for compound surnames."""
    surname = name[:2] if name[:2] in _COMPOUND else name[:1]
    return surname + ("某某" if double else "某")


def mobile(rng: random.Random) -> str:
    return f"1{one(rng, '3456789')}{int(rng.random() * 10**9):09d}"


# Positions that can be a case's officer (承办人): not auxiliaries, clerks or leaders.
OFFICER_POSITIONS = frozenset(
    {"民警", "社区民警", "中队长", "副大队长", "副所长", "检察官", "大队长"}
)
# Who holds a police number: police officers, not auxiliary police.
_NO_BADGE = frozenset({"辅警"})


def build_staff(rng: random.Random, total: int) -> list[DemoPerson]:
    """About `total` persons spread over the units with staff, by weight; unique per unit."""
    staffed = [u for u in UNITS if u.kind and u.weight]
    weight_sum = sum(u.weight for u in staffed)
    badges: set[str] = set()
    people: list[DemoPerson] = []
    for unit in staffed:
        size = max(4, round(total * unit.weight / weight_sum))
        positions = weighted(words.POSITIONS[unit.kind])
        taken: set[str] = set()
        for _ in range(size):
            name = person_name(rng)
            while name in taken:
                name = person_name(rng)
            taken.add(name)
            position = pick(rng, positions)
            badge = None
            if unit.type == "police" and position not in _NO_BADGE:
                badge = f"{rng.randrange(100000, 1000000)}"
                while badge in badges:
                    badge = f"{rng.randrange(100000, 1000000)}"
                badges.add(badge)
            people.append(DemoPerson(name, unit, position, badge))
    return people
