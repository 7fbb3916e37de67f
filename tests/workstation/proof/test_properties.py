"""Hypothesis properties of the parsers and normalisers an import leans on: the date parser, the
header mapping and the vocabularies. Each holds for any input, not for the examples alone.

Properties already proven next to the code are not repeated here: normalise() idempotent and
equal to its definition, to_simplified() idempotent (tests/workstation/vocab/
test_vocab_folding.py), and eleven date forms read back (tests/workstation/importing/
test_dates.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from workstation.importing.dates import DateUnreadable, parse_date, parse_text
from workstation.importing.headers import (
    GROUP_JOIN,
    detect_header,
    header_key,
    synonyms,
)
from workstation.importing.readers import Merge
from workstation.vocab import (
    VOCABULARIES,
    classify_category,
    infer_unit_type,
    normalise,
    to_simplified,
    to_traditional,
)

FAST = settings(max_examples=300, deadline=None)
SOME = settings(max_examples=100, deadline=None)

# ---- variants a person would call the same text ----

_SPACES = (" ", "\u3000", "\t", "\n", "\r\n", "\u00a0", "\u200b", "\ufeff")
_FULL_WIDTH = {c: chr(ord(c) + 0xFEE0) for c in map(chr, range(0x21, 0x7F))}


def full_width(text: str) -> str:
    return "".join(_FULL_WIDTH.get(c, "\u3000" if c == " " else c) for c in text)


@st.composite
def spaced(draw: st.DrawFn, text: str) -> str:
    """`text` with whitespace and invisible characters put between its characters."""
    out = []
    for char in text:
        if draw(st.booleans()):
            out.append(draw(st.sampled_from(_SPACES)))
        out.append(char)
    return "".join(out) + draw(st.sampled_from(("", *_SPACES)))


@st.composite
def variant(draw: st.DrawFn, text: str) -> str:
    """The same words: spaced out, in full-width characters, in traditional characters."""
    if draw(st.booleans()):
        text = to_traditional(text)
    if draw(st.booleans()):
        text = full_width(text)
    return draw(spaced(text))


# ---- dates ----

_DATE_ALPHABET = st.sampled_from(
    "0123456789０１２３４５６７８９〇○零一二三四五六七八九十年月日号./-／－:：时点分秒半整"
    " \u3000\tTtZz+,，()（）上下午晚早凌晨星期周礼拜天amp.：e"
)
date_like = st.text(_DATE_ALPHABET, max_size=30)
any_text = st.one_of(date_like, st.text(max_size=30))
days = st.dates(min_value=dt.date(1949, 1, 1), max_value=dt.date(2099, 12, 31))


@FAST
@given(any_text)
@example("二〇二一年十三月五日")
@example("二〇二一年〇月五日")
@example("0000-00-00")
@example("99999")
@example("2021年3月5日下午25点")
def test_parse_text_only_ever_raises_its_own_error(text: str) -> None:
    try:
        day = parse_text(text)
    except DateUnreadable:
        return
    assert isinstance(day, dt.date)


cell_values = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.dates(), st.datetimes(),
    st.times(), st.timedeltas(), any_text, st.binary(max_size=8), st.decimals(),
)  # fmt: skip


@FAST
@given(cell_values)
@example(10**400)
@example(-(10**5000))
@example(float("nan"))
def test_parse_date_of_any_cell_value_is_a_date_none_or_its_own_error(value: Any) -> None:
    try:
        day = parse_date(value)
    except DateUnreadable as exc:
        message = str(exc)
    else:
        assert day is None or isinstance(day, dt.date)
        return
    assert len(message) < 200  # a message, not the whole value


_CN_DIGITS = "〇一二三四五六七八九"


def _cn_small(n: int) -> str:
    tens, units = divmod(n, 10)
    return (
        ("" if tens < 2 else _CN_DIGITS[tens])
        + ("十" if tens else "")
        + (_CN_DIGITS[units] if units or not tens else "")
    )


WEEKDAYS = "一二三四五六日"
FORMS = {
    "chinese_numerals": lambda d: (
        "".join(_CN_DIGITS[int(c)] for c in str(d.year)) + f"年{_cn_small(d.month)}月"
        f"{_cn_small(d.day)}日"
    ),
    "weekday": lambda d: f"{d.year}年{d.month}月{d.day}日（星期{WEEKDAYS[d.weekday()]}）",
    "zero_padded": lambda d: f"{d:%Y年%m月%d日}",
    "hao": lambda d: f"{d.year}年{d.month}月{d.day}号",
    "spaced": lambda d: f"{d.year} 年 {d.month} 月 {d.day} 日",
    "full_width_dots": lambda d: full_width(f"{d.year}.{d.month}.{d.day}"),
    "iso_time_zone": lambda d: f"{d:%Y-%m-%d}T08:30:00Z",
    "iso_offset": lambda d: f"{d:%Y-%m-%d}T08:30:00+08:00",
    "slash_seconds": lambda d: f"{d:%Y/%m/%d} 14:30:05.123",
    "afternoon_half": lambda d: f"{d.year}年{d.month}月{d.day}日下午3点半",
    "compact_float": lambda d: float(f"{d:%Y%m%d}"),
    "compact_int": lambda d: int(f"{d:%Y%m%d}"),
    "serial_text": lambda d: str((d - dt.date(1899, 12, 30)).days),
    "serial_fraction": lambda d: (d - dt.date(1899, 12, 30)).days + 0.999,
    "datetime_cell": lambda d: dt.datetime.combine(d, dt.time(23, 59, 59)),
}


@FAST
@given(days, st.sampled_from(sorted(FORMS)))
def test_every_form_the_parser_claims_reads_back(day: dt.date, form: str) -> None:
    assert parse_date(FORMS[form](day)) == day


def _outcome(text: str) -> dt.date | str:
    try:
        return parse_text(text)
    except DateUnreadable:
        return "refused"


@FAST
@given(date_like)
@example("2021-03-05")
@example("2021/3/5 14:30")
def test_full_width_text_reads_as_its_ascii_form(text: str) -> None:
    assert _outcome(full_width(text)) == _outcome(text)


@FAST
@given(days, st.sampled_from(sorted(FORMS)), st.sampled_from(_SPACES[:4]))
def test_surrounding_whitespace_changes_nothing(day: dt.date, form: str, space: str) -> None:
    value = FORMS[form](day)
    if isinstance(value, str):
        assert parse_date(f"{space}{value}{space}") == day


# ---- header mapping ----

SYNONYMS = sorted(
    (kind, word, field)
    for kind in ("leads", "cases")
    for table in (synonyms(kind).strong, synonyms(kind).weak)
    for word, field in table.items()
)


def _field(kind: str, text: str) -> str | None:
    return synonyms(kind).lookup(text)[0]


@FAST
@given(st.text(max_size=40))
@example("（）")
@example("·")
@example("受理时间（")
def test_header_key_is_idempotent_and_lookup_never_fails(text: str) -> None:
    key = header_key(text)
    assert header_key(key) == key
    for kind in ("leads", "cases"):
        field, tier = synonyms(kind).lookup(text)
        assert (field is None) == (tier == 3)


@st.composite
def messy_synonym(draw: st.DrawFn) -> tuple[str, str, str]:
    kind, key, field = draw(st.sampled_from(SYNONYMS))
    text = draw(variant(key))
    note = draw(st.sampled_from(("", "（必填）", "(yyyy-mm-dd)", "【单位：元】", "：", "*")))
    return kind, (note + text if note == "*" else text + note), field


@FAST
@given(messy_synonym())
def test_a_messy_header_maps_like_the_clean_one(item: tuple[str, str, str]) -> None:
    kind, text, field = item
    assert _field(kind, text) == field


@st.composite
def ledger_heads(draw: st.DrawFn) -> tuple[str, list[str], list[str | None]]:
    """A header row of known headers (fields all different) in any order, and what each maps to."""
    kind = draw(st.sampled_from(("leads", "cases")))
    table = synonyms(kind)
    fields = draw(st.lists(st.sampled_from(table.fields), min_size=2, max_size=8, unique=True))
    words = [draw(st.sampled_from(sorted(w for w, f in table.strong.items() if f == field)))
             for field in fields]  # fmt: skip
    clean = [table.lookup(w)[0] for w in words]
    return kind, words, clean


@SOME
@given(ledger_heads(), st.data())
def test_the_header_row_is_found_and_mapped_whatever_its_spelling(
    head: tuple[str, list[str], list[str | None]], data: st.DataObject
) -> None:
    kind, words, clean = head
    messy = [data.draw(variant(w)) for w in words]
    blank_rows = data.draw(st.integers(0, 5))
    rows: list[tuple[int, list[Any]]] = [(n, [""] * len(words)) for n in range(1, blank_rows + 1)]
    rows.append((blank_rows + 1, messy))
    rows.append((blank_rows + 2, [dt.date(2021, 3, 5)] + ["数据"] * (len(words) - 1)))
    found = detect_header(rows, kind, None)
    assert found is not None
    assert found.rows == (blank_rows + 1,)
    assert [c.field for c in found.columns] == clean


header_cells = st.one_of(
    st.just(""), st.text(max_size=12), st.sampled_from([w for _, w, _ in SYNONYMS]),
    st.floats(allow_nan=True), st.dates(), st.booleans(),
)  # fmt: skip


@SOME
@given(
    st.sampled_from(("leads", "cases")),
    st.lists(st.lists(header_cells, max_size=10), max_size=8),
    st.lists(st.tuples(*(st.integers(-2, 12) for _ in range(4))), max_size=4),
)
@example("leads", [[], [], [], [], [""]], [(3, -2, 3, 0)])  # found: IndexError
def test_detect_header_never_fails_on_any_rows_and_merges(
    kind: str, rows: list[list[Any]], merges: list[tuple[int, int, int, int]]
) -> None:
    head = [(n, r) for n, r in enumerate(rows, start=1)]
    found = detect_header(head, kind, [Merge(*m) for m in merges])
    if found is not None:
        assert found.rows[0] in {n for n, _ in head}
        assert all(GROUP_JOIN not in c.header or len(found.rows) == 2 for c in found.columns)


def test_a_merge_starting_left_of_the_columns_read_lends_no_group() -> None:
    """A merged range over empty cells left of the first column calamine reads has a negative
    column: its group text was taken from the other end of the row (or an IndexError)."""
    head = [(1, ["", "", "受理时间", "主要问题"]), (2, ["姓名", "单位", "", ""])]
    found = detect_header(head, "leads", [Merge(0, -2, 0, 1)])
    assert found is not None
    assert found.rows == (1, 2)
    assert [c.header for c in found.columns] == ["姓名", "单位", "受理时间", "主要问题"]


# ---- vocabularies ----

SPELLINGS = sorted(
    (name, spelling, term.key)
    for name, vocabulary in VOCABULARIES.items()
    for term in vocabulary
    for spelling in (term.key, term.label, *term.synonyms)
)


@FAST
@given(st.sampled_from(SPELLINGS), st.data())
def test_every_spelling_of_a_term_in_any_variant_gives_its_key(
    item: tuple[str, str, str], data: st.DataObject
) -> None:
    name, spelling, key = item
    assert VOCABULARIES[name].to_key(data.draw(variant(spelling))) == key


@pytest.mark.parametrize("name", sorted(VOCABULARIES))
def test_labels_and_keys_round_trip(name: str) -> None:
    vocabulary = VOCABULARIES[name]
    for term in vocabulary:
        assert vocabulary.to_key(term.label) == term.key
        assert vocabulary.to_key(term.key.upper()) == term.key


@FAST
@given(st.sampled_from(sorted(VOCABULARIES)), st.text(max_size=30))
def test_to_key_is_a_key_or_none_and_depends_on_the_folded_text_only(name: str, text: str) -> None:
    vocabulary = VOCABULARIES[name]
    key = vocabulary.to_key(text)
    assert key is None or key in vocabulary
    assert vocabulary.to_key(normalise(text)) == key


@FAST
@given(st.text(max_size=40))
def test_folding_to_simplified_first_changes_nothing_normalise_does(text: str) -> None:
    assert normalise(to_simplified(text)) == normalise(text)


UNIT_PARTS = ("江州市", "东湖区", "城关镇", "人民法院", "人民检察院", "公安局", "派出所", "分局",
              "司法局", "司法所", "政法委", "街道", "办事处", "交警大队", "看守所", "戒毒所",
              "执行局", "人民法庭", "监狱", "乡", "镇", "综治中心")  # fmt: skip
SUMMARY_PARTS = ("反映", "违规经商", "办企业", "干预司法", "插手案件", "有案不立", "压案不查",
                 "减刑", "假释", "参股", "借贷", "律师", "司法掮客", "作风", "不作为", "其他人员",
                 "，", "。", "民警", "法官")  # fmt: skip


@FAST
@given(st.lists(st.sampled_from(UNIT_PARTS), min_size=1, max_size=5), st.data())
def test_unit_type_is_read_alike_from_any_spelling_of_the_name(
    parts: list[str], data: st.DataObject
) -> None:
    name = "".join(parts)
    assert infer_unit_type(data.draw(variant(name))) == infer_unit_type(name)


@FAST
@given(st.lists(st.sampled_from(SUMMARY_PARTS), min_size=1, max_size=8), st.data())
def test_category_is_read_alike_from_any_spelling_of_the_text(
    parts: list[str], data: st.DataObject
) -> None:
    text = "".join(parts)
    assert classify_category(data.draw(variant(text))) == classify_category(text)


@FAST
@given(st.text(max_size=60))
def test_classifiers_never_fail(text: str) -> None:
    assert infer_unit_type(text) in VOCABULARIES["unit_type"]
    category = classify_category(text)
    assert category is None or category in VOCABULARIES["category"]
