"""Queries the review screens read: open anomalies per case, cases with open anomalies, agencies."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import event

from workstation.errors import PermissionDenied
from workstation.services import cases, review
from workstation.services.auth import Actor
from workstation.store import Store

TODAY = dt.date(2021, 12, 31)
AS_OF = dt.date(2021, 6, 30)
EAST = "江州市公安局东湖分局"
WEST = "江州市公安局西城分局"


def add_case(store: Store, actor: Actor, case_no: str, agency: str, **facts: Any) -> int:
    fields: dict[str, Any] = {"case_no": case_no, "agency": agency, "kind": "刑事"}
    fields.update(facts)
    return cases.create_case(store, actor, fields, today=TODAY).id


@pytest.fixture
def ids(store: Store, admin: Actor) -> dict[str, int]:
    made = {
        # NF-1 (not_filed)
        "nf1": add_case(store, admin, "A-1", EAST, accepted_on="2021-06-01"),
        # SP-1 and SP-2 (two suppressed flags on one case)
        "sp": add_case(
            store, admin, "A-2", EAST, accepted_on="2020-05-01", filed_on="2020-05-02",
            last_activity_on="2020-06-01",
        ),
        # NP-2 (not_prosecuted)
        "np2": add_case(
            store, admin, "B-1", WEST, accepted_on="2021-01-10", filed_on="2021-01-11",
            prosecuted_on="2021-03-01", procuratorate_decision="不起诉",
        ),
        "clean": add_case(store, admin, "B-2", WEST, accepted_on="2021-06-25"),
    }  # fmt: skip
    review.scan(store, admin, as_of=AS_OF)
    return made


def flag(store: Store, admin: Actor, case_id: int, rule_id: str) -> review.AnomalyRow:
    (found,) = review.list_anomalies(
        store, admin, review.AnomalyQuery(case_id=case_id, rule_id=rule_id)
    )
    return found


def test_open_anomalies_per_case_one_pair_per_kind(
    store: Store, admin: Actor, ids: dict[str, int]
) -> None:
    kinds = review.anomaly_kinds_for_cases(store, admin, ids.values())
    assert kinds == {
        ids["nf1"]: [("not_filed", "suspected")],
        ids["sp"]: [("suppressed", "suspected")],
        ids["np2"]: [("not_prosecuted", "suspected")],
    }
    assert review.anomaly_kinds_for_cases(store, admin, []) == {}


def test_confirmed_wins_dismissed_and_closed_drop_out(
    store: Store, admin: Actor, ids: dict[str, int]
) -> None:
    review.confirm(store, admin, flag(store, admin, ids["sp"], "SP-2").id, "久拖未结属实")
    review.dismiss(store, admin, flag(store, admin, ids["np2"], "NP-2").id, "证据不足，不起诉适当")
    review.mark(store, admin, ids["nf1"], "suppressed", "受案后无任何调查")
    kinds = review.anomaly_kinds_for_cases(store, admin, ids.values())
    assert kinds == {
        ids["nf1"]: [("not_filed", "suspected"), ("suppressed", "confirmed")],
        ids["sp"]: [("suppressed", "confirmed")],
    }


def test_open_anomalies_are_read_in_one_statement(
    store: Store, admin: Actor, ids: dict[str, int]
) -> None:
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", seen)
    try:
        review.anomaly_kinds_for_cases(store, admin, list(ids.values()) * 3)
    finally:
        event.remove(store.engine, "before_cursor_execute", seen)
    assert len([s for s in statements if "FROM anomalies" in s]) == 1


def test_many_case_ids_are_read_in_chunks(store: Store, admin: Actor, ids: dict[str, int]) -> None:
    many = [*range(10_000, 12_000), ids["nf1"]]
    assert review.anomaly_kinds_for_cases(store, admin, many) == {
        ids["nf1"]: [("not_filed", "suspected")]
    }


def test_case_query_filters_by_open_anomalies(
    store: Store, admin: Actor, ids: dict[str, int]
) -> None:
    def listed(**query: Any) -> set[int]:
        q = cases.CaseQuery(**query)
        found = {c.id for c in cases.list_cases(store, admin, q)}
        assert cases.count_cases(store, admin, q) == len(found)
        return found

    assert listed() == set(ids.values())
    assert listed(open_anomalies=True) == {ids["nf1"], ids["sp"], ids["np2"]}
    assert listed(anomaly_kind="suppressed") == {ids["sp"]}
    assert listed(anomaly_kind="not_prosecuted", agency=WEST) == {ids["np2"]}
    review.dismiss(store, admin, flag(store, admin, ids["np2"], "NP-2").id, "不起诉适当")
    assert listed(open_anomalies=True) == {ids["nf1"], ids["sp"]}
    review.confirm(store, admin, flag(store, admin, ids["nf1"], "NF-1").id, "确属有案不立")
    assert listed(open_anomalies=True, anomaly_kind="not_filed") == {ids["nf1"]}


def test_case_agencies_lists_agencies_with_cases(
    store: Store, admin: Actor, clerk: Actor, ids: dict[str, int]
) -> None:
    assert cases.case_agencies(store, admin) == sorted([EAST, WEST])
    assert cases.case_agencies(store, clerk) == sorted([EAST, WEST])


def test_anomaly_query_by_exact_agency_name(
    store: Store, admin: Actor, ids: dict[str, int]
) -> None:
    add_case(store, admin, "C-1", EAST + "城关派出所", accepted_on="2021-06-01")
    review.scan(store, admin, as_of=AS_OF)
    by_part = review.count_anomalies(store, admin, review.AnomalyQuery(agency=EAST))
    exact = review.AnomalyQuery(agency_name=EAST)
    assert by_part == 4
    assert review.count_anomalies(store, admin, exact) == 3
    assert {f.agency for f in review.list_anomalies(store, admin, exact)} == {EAST}


def test_reading_open_anomalies_needs_no_review_role(
    store: Store, leader: Actor, ids: dict[str, int]
) -> None:
    assert review.anomaly_kinds_for_cases(store, leader, [ids["nf1"]])
    with pytest.raises(PermissionDenied):
        review.mark(store, leader, ids["clean"], "not_filed", "理由")
