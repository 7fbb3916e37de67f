"""Reading field values given by a person or a program: dates, vocabulary values, text, money.

Each reader raises FieldProblem with a Chinese message naming the field; services gather the
problems of a whole record into one ValidationError.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import re
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import or_

from workstation.vocab import Vocabulary, clean_text


class FieldProblem(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def read_date(
    field: str, label: str, value: Any, *, today: dt.date | None = None
) -> dt.date | None:
    """A date given as a date or as YYYY-MM-DD text; never in the future."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        date = value
    elif isinstance(value, str):
        m = _ISO_DATE.match(value)
        if not m:
            raise FieldProblem(field, f"{label}“{value}”格式应为 YYYY-MM-DD")
        try:
            date = dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            raise FieldProblem(field, f"{label}“{value}”不是有效日期") from None
    else:
        raise FieldProblem(field, f"{label}“{value}”不是日期")
    if date.year < 1949:
        raise FieldProblem(field, f"{label}“{date.isoformat()}”早于 1949 年，不可能")
    if today is not None and date > today:
        raise FieldProblem(field, f"{label}“{date.isoformat()}”晚于今天")
    return date


def read_vocab(field: str, label: str, vocab: Vocabulary, value: Any) -> str | None:
    """A vocabulary value given as its key, Chinese label or a known synonym."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    key = vocab.to_key(str(value))
    if key is None:
        options = "、".join(term.label for term in vocab.terms)
        raise FieldProblem(field, f"{label}“{value}”不是可选值（可选：{options}）")
    return key


def read_text(field: str, label: str, value: Any, *, max_len: int) -> str | None:
    if value is None:
        return None
    text = clean_text(str(value))
    if text is not None and len(text) > max_len:
        raise FieldProblem(field, f"{label}过长（{len(text)} 字，最多 {max_len} 字）")
    return text


def read_bool(field: str, label: str, value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"", "none"}:
        return None
    if text in {"1", "true", "yes", "y", "是", "有", "已明确", "已到案", "√", "✓"}:
        return True
    if text in {"0", "false", "no", "n", "否", "无", "未明确", "×", "✗"}:
        return False
    raise FieldProblem(field, f"{label}“{value}”应为“是”或“否”")


_PHONE = re.compile(r"^\+?[\d\-\s()（）]{5,20}$")


def read_phone(field: str, label: str, value: Any) -> str | None:
    text = read_text(field, label, value, max_len=50)
    if text is None:
        return None
    if not _PHONE.match(text):
        raise FieldProblem(field, f"{label}“{text}”不是有效的电话号码")
    return text


MAX_AMOUNT_YUAN = decimal.Decimal(10) ** 12


def read_amount_fen(field: str, label: str, value: Any) -> int | None:
    """Money in yuan (number or text such as “1,200.50元”) → integer fen."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip().replace(",", "").replace("，", "").removesuffix("元").strip()
    multiplier = decimal.Decimal(1)
    if text.endswith("万"):
        multiplier, text = decimal.Decimal(10_000), text[:-1]
    try:
        yuan = decimal.Decimal(text) * multiplier
    except decimal.InvalidOperation:
        raise FieldProblem(field, f"{label}“{value}”不是有效金额") from None
    if not yuan.is_finite() or yuan < 0:
        raise FieldProblem(field, f"{label}“{value}”不是有效金额")
    if yuan > MAX_AMOUNT_YUAN:
        # Beyond any real case (an 18-digit ID number pasted into the column), and beyond what
        # the store's 64-bit integer column can hold in fen.
        raise FieldProblem(field, f"{label}“{value}”超出合理范围（不超过一万亿元）")
    return int((yuan * 100).quantize(decimal.Decimal(1), rounding=decimal.ROUND_HALF_UP))


Reader = Callable[[Any], Any]


def read_fields(
    given: Mapping[str, Any], readers: Mapping[str, Reader]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Read every given field with its reader; unknown fields and all problems are collected."""
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for name in given:
        if name not in readers:
            problems[name] = f"未知字段“{name}”"
    for name, reader in readers.items():
        if name in given:
            try:
                values[name] = reader(given[name])
            except FieldProblem as problem:
                problems[problem.field] = problem.message
    return values, problems


def as_json(row: Any) -> dict[str, Any]:
    """A frozen row dataclass as a JSON-ready dict: dates YYYY-MM-DD, times to the second."""
    out: dict[str, Any] = {}
    for field in dataclasses.fields(row):
        value = getattr(row, field.name)
        if isinstance(value, dt.datetime):
            value = value.isoformat(timespec="seconds")
        elif isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, decimal.Decimal):
            value = float(value)
        out[field.name] = value
    return out


def like_any(text: str, *columns: Any) -> Any:
    """A condition: any of `columns` contains `text` literally (% and _ are not wildcards),
    Latin letters in either case on every database (SQLite's LIKE ignores their case,
    PostgreSQL's does not: ILIKE there)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    return or_(*(column.ilike(pattern, escape="\\") for column in columns))
