"""Case services: validation of the case's timeline, uniqueness per agency, edits."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

import pytest

from workstation.errors import NotFound, ValidationError
from workstation.services import cases
from workstation.services.auth import Actor
from workstation.store import Store

TODAY = dt.date(2021, 6, 30)


def _case(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "case_no": "东公(刑)立字〔2021〕0123号",
        "agency": "江州市公安局东湖分局",
        "kind": "刑事",
        "cause": "盗窃",
        "accepted_on": "2021-01-04",
        "filed_on": "2021-01-08",
        "suspect_identified": "是",
        "amount": "1.5万",
        "officer": "刘志强",
    }
    fields.update(overrides)
    return fields


def test_create_reads_labels_money_and_links(store: Store, admin: Actor) -> None:
    row = cases.create_case(store, admin, _case(), today=TODAY)
    assert row.kind == "criminal"
    assert row.agency_type == "police"
    assert row.suspect_identified is True
    assert row.amount == decimal.Decimal("15000.00")
    assert row.officer == "刘志强"
    assert row.to_json()["amount"] == 15000.0


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"case_no": ""}, "case_no", "案号不能为空"),
        ({"agency": None}, "agency", "办案单位不能为空"),
        ({"accepted_on": None}, "accepted_on", "受案日期不能为空"),
        ({"filed_on": "2021-01-01"}, "filed_on", "立案日期早于受案日期"),
        ({"withdrawn_on": "2021-01-06"}, "withdrawn_on", "撤案日期早于立案日期"),
        ({"filed_on": None, "withdrawn_on": "2021-02-01"}, "withdrawn_on", "未立案的案件不能撤案"),
        ({"kind": "民事"}, "kind", "案件类型“民事”不是可选值"),
        ({"procuratorate_decision": "判刑"}, "procuratorate_decision", "不是可选值"),
        ({"amount": "很多"}, "amount", "涉案金额“很多”不是有效金额"),
        ({"complex": "也许"}, "complex", "应为“是”或“否”"),
        ({"closed_on": "2022-01-01"}, "closed_on", "晚于今天"),
    ],
)
def test_invalid_cases_are_refused(
    store: Store, admin: Actor, overrides: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as info:
        cases.create_case(store, admin, _case(**overrides), today=TODAY)
    assert message in info.value.problems[field]
    assert cases.count_cases(store, admin) == 0


def test_case_number_is_unique_per_agency(store: Store, admin: Actor) -> None:
    cases.create_case(store, admin, _case(), today=TODAY)
    with pytest.raises(ValidationError, match="已存在"):
        cases.create_case(store, admin, _case(), today=TODAY)
    other = cases.create_case(store, admin, _case(agency="江州市公安局西城分局"), today=TODAY)
    assert other.agency == "江州市公安局西城分局"
    with pytest.raises(NotFound, match="多个办案单位"):
        cases.get_case(store, admin, _case()["case_no"])


def test_edit_records_new_facts(store: Store, admin: Actor, inspector: Actor) -> None:
    row = cases.create_case(store, admin, _case(), today=TODAY)
    edited = cases.update_case(
        store, inspector, row.uuid, {"prosecuted_on": "2021-03-01"}, today=TODAY
    )
    assert edited.prosecuted_on == dt.date(2021, 3, 1)
    assert edited.version == row.version + 1
    listed = cases.list_cases(store, admin, cases.CaseQuery(search="东湖"))
    assert [c.uuid for c in listed] == [row.uuid]
