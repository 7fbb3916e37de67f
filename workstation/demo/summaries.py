"""Lead summaries (主要问题): templates filled in, with details added up to a chosen length."""

from __future__ import annotations

import datetime as dt
import functools
import math
import random

from workstation.demo import city, templates, words

PUBLIC = ("phone", "letter", "email", "visit", "online", "other")
MIN_LENGTH, MAX_LENGTH = 50, 300
_DISPUTES = ("土地承包", "邻里", "婚姻家庭", "劳动争议", "宅基地", "民间借贷", "房屋买卖")
NO_ONE = "相关人员"
_STORIES = tuple(words.CAUSE_STORIES.values())
# The streets (街道) and towns (镇) of each district and county.
_PLACES = {
    name: tuple(town + ("镇" if county else "街道") for town in towns)
    for name, _, county, towns in words.DISTRICTS
}
_ALL_PLACES = tuple(_PLACES.values())


def chinese_date(day: dt.date, *, with_day: bool = True) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if with_day else f"{day.year}年{day.month}月"


def yuan(rng: random.Random) -> str:
    yuan = round(math.exp(rng.gauss(10.2, 1.1)), -2)
    if yuan < 10_000:
        return f"{max(500, int(yuan))}元"
    return f"{yuan / 10_000:.1f}".removesuffix(".0") + "万元"


class Fill(dict[str, str]):
    """The values of a template's placeholders, each made when the template first asks for it."""

    def __init__(
        self,
        rng: random.Random,
        unit: city.DemoUnit,
        person: city.DemoPerson | None,
        received: dt.date,
    ) -> None:
        super().__init__()
        self.rng, self.unit, self.person, self.received = rng, unit, person, received

    def __missing__(self, key: str) -> str:
        value: str = getattr(self, "_" + key)()
        self[key] = value
        return value

    def _subj(self) -> str:
        if self.person is None:
            return f"{self.unit.name}{NO_ONE}"
        return f"{self.unit.name}{self.person.position}{city.masked(self.person.name)}"

    def _who(self) -> str:
        return city.masked(self.person.name) if self.person else NO_ONE

    def _unit(self) -> str:
        return self.unit.name

    def _other(self) -> str:
        return city.masked(city.person_name(self.rng), double=False)

    _other2 = _other

    def _cause(self) -> str:
        return city.one(self.rng, words.CRIMINAL_CAUSES)[0]

    def _story(self) -> str:
        return city.one(self.rng, _STORIES)

    def _amount(self) -> str:
        return yuan(self.rng)

    def _company(self) -> str:
        rng = self.rng
        return (
            f"{words.CITY}{city.one(rng, words.COMPANY_WORDS)}{city.one(rng, words.COMPANY_TRADES)}"
        )

    def _shop(self) -> str:
        return city.one(self.rng, words.SHOPS)

    def _relative(self) -> str:
        return city.one(self.rng, words.RELATIVES)

    def _law_firm(self) -> str:
        return city.one(self.rng, words.LAW_FIRMS)

    def _crime(self) -> str:
        return city.one(self.rng, words.PRISONER_CRIMES)

    def _dispute(self) -> str:
        return city.one(self.rng, _DISPUTES)

    def _place(self) -> str:
        places = _PLACES.get(self.unit.district) or city.one(self.rng, _ALL_PLACES)
        return city.one(self.rng, places)

    def _date(self) -> str:
        day = self.received - dt.timedelta(days=self.rng.randint(10, 400))
        return chinese_date(day, with_day=self.rng.random() < 0.6)

    def _year(self) -> str:
        return str(self.rng.randint(2016, 2020))

    def _months(self) -> str:
        return str(self.rng.randint(3, 18))

    def _pct(self) -> str:
        return str(self.rng.randint(5, 40))


@functools.cache
def bodies(category: str, unit_type: str, public: bool, person: bool) -> tuple[str, ...]:
    """The bodies of a category that fit the unit, the channel and whether an officer is named."""
    return tuple(
        t.text
        for t in templates.BODIES[category]
        if (t.unit_types is None or unit_type in t.unit_types)
        and (public or not t.first_person)
        and (person or not t.needs_person)
    )


@functools.cache
def _orders(pool: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """Ways to pick up to six details in turn: drawing one of these is cheaper than sampling."""
    rng = random.Random(len(pool))
    return tuple(tuple(rng.sample(pool, min(len(pool), 6))) for _ in range(97))


def compose(rng: random.Random, body: str, fill: Fill, channel: str) -> str:
    """The summary: an opening (for inspectors' own leads), the body, then a few details."""
    opening = city.one(rng, templates.OPENINGS.get(channel, ("",)))
    text = body.format_map(fill)
    if channel == "inspection":
        text = text.removeprefix("反映")
    text = opening + text
    pool = {"self_report": templates.SELF_DETAILS}.get(
        channel, templates.DETAILS if channel in PUBLIC else templates.ORGAN_DETAILS
    )
    target = int(rng.triangular(MIN_LENGTH, MAX_LENGTH, 100))
    orders = _orders(pool)
    extra = list(orders[int(rng.random() * len(orders))])
    while extra and (len(text) < target or len(text) < MIN_LENGTH):
        more = extra.pop()
        if "{" in more:
            more = more.format_map(fill)
        if len(text) + len(more) <= MAX_LENGTH:
            text += more
    return text
