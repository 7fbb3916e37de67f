"""Dates as ledgers write them: Excel dates and serials, 2021年3月5日, 2021.3.5, 20210305."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

# Excel's day 0 (serials count from 1899-12-30 once past its fictional 1900-02-29).
EXCEL_EPOCH = dt.date(1899, 12, 30)
# Serials accepted as dates: 1949-01-01 .. 2099-12-31; other numbers are not dates.
FIRST_SERIAL = (dt.date(1949, 1, 1) - EXCEL_EPOCH).days
LAST_SERIAL = (dt.date(2099, 12, 31) - EXCEL_EPOCH).days

_DAY_PART = r"(?:上午|下午|中午|晚上|凌晨|早上|早晨|傍晚|夜间|晚|早|am|pm|a\.m\.|p\.m\.)"
_WEEKDAY = r"(?:(?:星期|周|礼拜)[一二三四五六日天])"
_CLOCK = (
    r"(?:\d{1,2}(?:[:：]\d{1,2}(?:[:：]\d{1,2}(?:\.\d+)?)?"
    r"|\s*[时点](?:\s*\d{1,2}\s*分?(?:\s*\d{1,2}\s*秒)?|半|整)?))"
)
# What may follow a date: a weekday, a part of the day, a clock time, in brackets or not.
_TAIL = re.compile(
    rf"^[\s,，]*(?:[(（]\s*{_WEEKDAY}\s*[)）]|{_WEEKDAY})?[\s,，]*"
    rf"(?:T)?\s*{_DAY_PART}?\s*{_CLOCK}?\s*{_DAY_PART}?\s*(?:[zZ]|[+-]\d{{2}}:?\d{{2}})?\s*$",
    re.IGNORECASE,
)
_YMD = re.compile(
    r"^\s*(\d{4})\s*(?:"
    r"年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?"
    r"|([./\-])\s*(\d{1,2})\s*\4\s*(\d{1,2})"
    r")(.*)$",
    re.DOTALL,
)
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})(?:\.0+)?(.*)$", re.DOTALL)
_SERIAL = re.compile(r"^\s*(\d{5})(?:\.\d+)?\s*$")
_CHINESE_DIGITS = str.maketrans("〇○零一二三四五六七八九", "000123456789")
_CHINESE_YEAR = re.compile(r"^\s*([〇○零一二三四五六七八九]{4})\s*年(.*)$", re.DOTALL)
_CN_SMALL = "[一二三四五六七八九十]{1,3}"
_CHINESE_MONTH_DAY = re.compile(rf"^\s*({_CN_SMALL})\s*月\s*({_CN_SMALL})\s*([日号].*)$", re.DOTALL)
_CHINESE_NUMBER = {
    **{c: i for i, c in enumerate("〇一二三四五六七八九")},
    "○": 0,
    "零": 0,
}


class DateUnreadable(ValueError):
    """The text is not a date in any form a ledger uses."""


def from_serial(serial: float) -> dt.date:
    """The date of an Excel serial (1900 date system); the time of day is dropped."""
    if not FIRST_SERIAL <= serial <= LAST_SERIAL + 1:
        raise DateUnreadable(str(serial))
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


def _small_chinese(text: str) -> int:
    """一 .. 三十一 as an integer (month and day numbers)."""
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if "十" in text:
        tens, _, units = text.partition("十")
        high = _CHINESE_NUMBER[tens] if tens else 1
        return high * 10 + (_CHINESE_NUMBER[units] if units else 0)
    if len(text) == 1:
        return _CHINESE_NUMBER[text]
    raise KeyError(text)


def _chinese(text: str) -> str:
    """二〇二一年三月五日 → 2021年3月5日 (only when the year is written in Chinese digits)."""
    m = _CHINESE_YEAR.match(text)
    if not m:
        return text
    rest = _CHINESE_MONTH_DAY.match(m[2])
    if not rest:
        return text
    try:
        month, day = _small_chinese(rest[1]), _small_chinese(rest[2])
    except KeyError:
        return text
    return f"{m[1].translate(_CHINESE_DIGITS)}年{month}月{day}{rest[3]}"


def _make(year: str, month: str, day: str, tail: str) -> dt.date:
    if tail and not _TAIL.match(tail):
        raise DateUnreadable(tail)
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        raise DateUnreadable(f"{year}-{month}-{day}") from None


def parse_text(text: str) -> dt.date:
    """A date written as text in any of the forms ledgers use; DateUnreadable otherwise."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
        text = _chinese(text)
    m = _YMD.match(text)
    if m:
        if m[2] is not None:
            return _make(m[1], m[2], m[3], m[7])
        return _make(m[1], m[5], m[6], m[7])
    m = _COMPACT.match(text)
    if m:
        return _make(m[1], m[2], m[3], m[4])
    m = _SERIAL.match(text)
    if m:
        return from_serial(float(text))
    raise DateUnreadable(text)


def parse_date(value: Any) -> dt.date | None:
    """A cell's date: None when blank; DateUnreadable when it holds something else."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise DateUnreadable(str(value))
    if isinstance(value, (int, float)):
        if 19490101 <= value <= 20991231 and float(value).is_integer():
            return parse_text(str(int(value)))
        if isinstance(value, int) and not FIRST_SERIAL <= value <= LAST_SERIAL + 1:
            # Checked as an int: a huge one has no float (OverflowError), nor a short str().
            raise DateUnreadable(f"an integer of {value.bit_length()} bits")
        return from_serial(float(value))
    if isinstance(value, str):
        if not value.strip():
            return None
        return parse_text(value)
    raise DateUnreadable(str(value))
