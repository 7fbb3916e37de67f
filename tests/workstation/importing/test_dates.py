"""The date parser: every form ledgers use, and what it refuses."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from importing_helpers import naive

from workstation.importing.dates import DateUnreadable, parse_date
from workstation.importing.values import date as date_converter
from workstation.services.fields import FieldProblem

D = dt.date(2021, 3, 5)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (naive(2021, 3, 5, 14, 30), D),
        (dt.date(2021, 3, 5), D),
        (44260.0, D),  # an Excel serial, as calamine gives an unformatted date cell
        (44260.75, D),  # a serial with a time of day
        (44260, D),
        ("44260", D),
        (20210305.0, D),
        ("2021年3月5日", D),
        ("2021年03月05日", D),
        ("2021 年 3 月 5 日", D),
        ("2021年3月5号", D),
        ("2021.3.5", D),
        ("2021.03.05", D),
        ("2021/03/05", D),
        ("2021/3/5", D),
        ("2021-3-5", D),
        ("2021-03-05", D),
        ("20210305", D),
        ("２０２１年３月５日", D),  # full-width digits
        ("２０２１－０３－０５", D),
        ("2021年3月5日 14:30", D),
        ("2021年3月5日下午3点", D),
        ("2021年3月5日 下午3时20分", D),
        ("2021年3月5日上午10：20", D),
        ("2021/3/5 上午 10:20:11", D),
        ("2021-03-05 14:30:00", D),
        ("2021-03-05T14:30:00+08:00", D),
        ("2021年3月5日（星期五）", D),
        ("2021年3月5日 周五", D),
        ("2021年3月5日下午", D),
        ("二〇二一年三月五日", D),
        ("  2021-3-5  ", D),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_date_forms(value: object, expected: dt.date | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "2021年13月5日", "2021-02-30", "2021-3", "2021年3月", "3/5/2021", "abc", "2021.3-5",
        "2021-3-5至2021-3-8", "待定", 3.5, True, dt.time(10, 0), 123, "2021-03-05 其他",
    ],
)  # fmt: skip
def test_not_dates(value: object) -> None:
    with pytest.raises(DateUnreadable):
        parse_date(value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2021年13月5日", "受理时间“2021年13月5日”无法识别"),
        ("2031-01-01", "受理时间“2031-01-01”晚于今天"),
        (naive(2031, 1, 1), "受理时间“2031-01-01”晚于今天"),
        ("1900-01-01", "受理时间“1900-01-01”早于 1949 年，不可能"),
        (3.5, "受理时间“3.5”无法识别"),
    ],
)
def test_unreadable_and_impossible_dates_name_the_field(value: object, message: str) -> None:
    convert = date_converter("received_on", "受理时间", today=dt.date(2021, 6, 30))
    with pytest.raises(FieldProblem) as caught:
        convert(value)
    assert caught.value.field == "received_on"
    assert caught.value.message == message


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
FORMS = [
    lambda d: d,
    lambda d: dt.datetime.combine(d, dt.time(9, 30)),
    lambda d: float((d - dt.date(1899, 12, 30)).days),
    lambda d: f"{d.year}年{d.month}月{d.day}日",
    lambda d: f"{d.year}.{d.month}.{d.day}",
    lambda d: f"{d:%Y/%m/%d}",
    lambda d: f"{d.year}-{d.month}-{d.day}",
    lambda d: f"{d:%Y%m%d}",
    lambda d: f"{d.year}年{d.month}月{d.day}日".translate(
        str.maketrans("0123456789", "０１２３４５６７８９")
    ),
    lambda d: f"{d:%Y-%m-%d} 下午3:15",
    lambda d: f"{d.year}年{d.month}月{d.day}日 上午10时",
]


@given(
    day=st.dates(min_value=dt.date(1949, 1, 1), max_value=dt.date(2099, 12, 31)),
    form=st.sampled_from(range(len(FORMS))),
)
def test_any_date_in_any_form_parses_back_to_itself(day: dt.date, form: int) -> None:
    assert parse_date(FORMS[form](day)) == day
