"""Header rows found and mapped: synonyms, messy header cells, two-row headers, --map."""

from __future__ import annotations

from typing import Any

import pytest

from workstation.importing.headers import (
    SEQ,
    MappingError,
    apply_map,
    detect_header,
    header_key,
    parse_map,
    synonyms,
)
from workstation.importing.readers import Merge
from workstation.services.cases import LABELS as CASE_LABELS
from workstation.services.leads import LABELS as LEAD_LABELS


@pytest.mark.parametrize(
    ("kind", "header", "field"),
    [
        ("leads", "受理时间", "received_on"),
        ("leads", "来信来电时间", "received_on"),
        ("leads", "收到日期", "received_on"),
        ("leads", "被反映人", "subject"),
        ("leads", "被举报人", "subject"),
        ("leads", "反映对象", "subject"),
        ("leads", "所在单位", "subject_unit"),
        ("leads", "工作单位", "subject_unit"),
        ("leads", "主要问题", "summary"),
        ("leads", "反映内容", "summary"),
        ("leads", "来源渠道", "channel"),
        ("leads", "线索来源", "channel"),
        ("leads", "问题类别", "category"),
        ("leads", "反映人", "reporter_name"),
        ("leads", "联系电话", "reporter_phone"),
        ("leads", "办理状态", "status"),
        ("leads", "承办单位", "handler_unit"),
        ("leads", "序号", SEQ),
        ("leads", "received_on", "received_on"),
        ("cases", "案号", "case_no"),
        ("cases", "办案单位", "agency"),
        ("cases", "受案日期", "accepted_on"),
        ("cases", "立案日期", "filed_on"),
        ("cases", "涉案金额", "amount"),
        ("cases", "承办人", "officer"),
        ("cases", "案由", "cause"),
    ],
)
def test_synonyms(kind: str, header: str, field: str) -> None:
    assert synonyms(kind).lookup(header)[0] == field


@pytest.mark.parametrize(
    "header",
    ["受理时间", "受理\n时间", " 受 理 时 间 ", "受理時間", "受理时间（年月日）",
     "受理时间(yyyy-mm-dd)", "受理时间【必填】", "*受理时间", "受理时间：", "受理　时间",
     "受理时间\r\n（年/月/日）"],
)  # fmt: skip
def test_messy_header_cells_fold_to_the_same_key(header: str) -> None:
    assert header_key(header) == "受理时间"
    assert synonyms("leads").lookup(header)[0] == "received_on"


def test_every_field_of_the_services_has_its_own_label_as_a_synonym() -> None:
    for kind, labels in (("leads", LEAD_LABELS), ("cases", CASE_LABELS)):
        table = synonyms(kind)
        for field, label in labels.items():
            assert table.lookup(label)[0] == field, (kind, label)
            assert table.lookup(field)[0] == field


def _head(*rows: list[Any], first: int = 1) -> list[tuple[int, list[Any]]]:
    return [(first + i, list(r)) for i, r in enumerate(rows)]


def test_header_below_title_rows() -> None:
    head = _head(
        ["2021年线索登记台账", "", "", ""],
        ["填报单位：江州市", "", "", ""],
        ["序号", "受理时间", "被反映人", "主要问题"],
        [1.0, "2021-03-05", "张三", "反映问题"],
    )
    header = detect_header(head, "leads", merges=[])
    assert header is not None
    assert header.rows == (3,)
    assert [c.field for c in header.columns] == [SEQ, "received_on", "subject", "summary"]


def test_two_row_header_with_merged_group_cell() -> None:
    head = _head(
        ["序号", "受理时间", "被反映人", "", "", "主要问题"],
        ["", "", "姓名", "单位", "职务", ""],
        [1.0, "2021-03-05", "张三", "东湖分局", "民警", "反映问题"],
    )
    merges = [Merge(0, 0, 1, 0), Merge(0, 1, 1, 1), Merge(0, 2, 0, 4), Merge(0, 5, 1, 5)]
    header = detect_header(head, "leads", merges=merges)
    assert header is not None
    assert header.rows == (1, 2)
    assert [(c.header, c.field) for c in header.columns] == [
        ("序号", SEQ),
        ("受理时间", "received_on"),
        ("被反映人·姓名", "subject"),
        ("被反映人·单位", "subject_unit"),
        ("被反映人·职务", "subject_position"),
        ("主要问题", "summary"),
    ]


def test_two_row_header_without_merge_information() -> None:
    head = _head(
        ["受理时间", "反映人", "", "被反映人", "", "主要问题"],
        ["", "姓名", "电话", "姓名", "单位", ""],
        ["2021-03-05", "李四", "13800001111", "张三", "东湖分局", "反映问题"],
    )
    header = detect_header(head, "leads", merges=None)
    assert header is not None
    assert header.rows == (1, 2)
    assert [c.field for c in header.columns] == [
        "received_on", "reporter_name", "reporter_phone", "subject", "subject_unit", "summary",
    ]  # fmt: skip


def test_a_sheet_without_a_header_has_none() -> None:
    head = _head(["说明", "", ""], ["张三", "2021-03-05", "x"])
    assert detect_header(head, "leads", merges=[]) is None


def test_a_field_named_twice_goes_to_the_strong_header_and_the_other_is_kept_as_extra() -> None:
    head = _head(["日期", "受理时间", "主要问题"])
    header = detect_header(head, "leads", merges=[])
    assert header is not None
    assert [(c.field, c.how) for c in header.columns] == [
        (None, "duplicate"), ("received_on", "synonym"), ("summary", "synonym"),
    ]  # fmt: skip
    assert [c.header for c in header.extra_columns()] == ["日期"]


def test_unknown_columns_are_kept_as_extra() -> None:
    head = _head(["受理时间", "主要问题", "领导批示", "备注"])
    header = detect_header(head, "leads", merges=[])
    assert header is not None
    assert [c.header for c in header.extra_columns()] == ["领导批示", "备注"]


def test_map_overrides_by_header_or_letter_and_moves_the_field() -> None:
    head = _head(["收件时间", "受理时间", "主要问题", "备注"])
    header = detect_header(head, "leads", merges=[])
    assert header is not None
    pairs = parse_map(["收件时间=received_on", "D=被反映人", "受理时间="])
    mapped = apply_map(header, pairs, "leads", LEAD_LABELS)
    assert [(c.header, c.field, c.how) for c in mapped.columns] == [
        ("收件时间", "received_on", "map"),
        ("受理时间", None, "map"),
        ("主要问题", "summary", "synonym"),
        ("备注", "subject", "map"),
    ]


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("收件时间", "应写成"),
        ("不存在的列=summary", "找不到"),
        ("主要问题=no_such_field", "不存在"),
    ],
)
def test_map_errors_are_clear(item: str, message: str) -> None:
    head = _head(["受理时间", "主要问题"])
    header = detect_header(head, "leads", merges=[])
    assert header is not None
    with pytest.raises(MappingError, match=message):
        apply_map(header, parse_map([item]), "leads", LEAD_LABELS)


def test_amount_in_ten_thousands() -> None:
    head = _head(["案号", "办案单位", "受案日期", "涉案金额（万元）"])
    header = detect_header(head, "cases", merges=[])
    assert header is not None
    assert header.columns[3].field == "amount"
    assert header.columns[3].scale == 10_000
