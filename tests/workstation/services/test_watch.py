"""The watch list: who is put on it, for which reasons, and how units add up."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from sqlalchemy import text

from workstation import settings as settings_mod
from workstation.errors import PermissionDenied
from workstation.services import cases, leads, review, watch
from workstation.services.auth import Actor
from workstation.store import Store

TODAY = dt.date(2021, 12, 31)
START = dt.date(2021, 3, 1)
POLICE = "江州市公安局东湖分局"
COURT = "江州市东湖区人民法院"


def add_lead(
    store: Store, actor: Actor, subject: str, days: int, *, unit: str = POLICE, **fields: Any
) -> leads.LeadRow:
    values: dict[str, Any] = {
        "received_on": (START + dt.timedelta(days=days)).isoformat(),
        "summary": "反映问题",
        "subject": subject,
        "subject_unit": unit,
        "category": "其他",
    }
    values.update(fields)
    return leads.create_lead(store, actor, values, today=TODAY)


def listed(store: Store, actor: Actor, as_of: dt.date = TODAY) -> dict[str, watch.WatchPerson]:
    return {p.name: p for p in watch.watch_list(store, actor, as_of=as_of).persons}


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        ((0, 45, 90), (3, 0, 90)),
        ((0, 45, 91), (2, 45, 91)),
        ((0, 1, 2, 200, 201), (3, 0, 2)),
        ((0, 100, 200, 201, 202), (3, 200, 202)),
        ((5,), (1, 5, 5)),
    ],
)
def test_densest_window(days: tuple[int, ...], expected: tuple[int, int, int]) -> None:
    dates = [START + dt.timedelta(days=d) for d in days]
    window = watch.densest_window(dates, 90)
    assert window is not None
    count, first, last = expected
    assert window == watch.LeadWindow(
        count, START + dt.timedelta(days=first), START + dt.timedelta(days=last)
    )


def test_three_leads_within_90_days_put_a_person_on_the_list(store: Store, admin: Actor) -> None:
    for d in (0, 45, 90):
        add_lead(store, admin, "张三", d)
    for d in (0, 45, 91):
        add_lead(store, admin, "李四", d)
    found = listed(store, admin)
    assert set(found) == {"张三"}
    person = found["张三"]
    assert person.criteria == ("lead_window",)
    assert person.reasons == ("90 天内被反映 3 次（2021-03-01 至 2021-05-30）",)
    assert (person.unit, person.leads) == (POLICE, 3)


def test_leads_after_the_as_of_date_and_repeats_do_not_count(store: Store, admin: Actor) -> None:
    first = add_lead(store, admin, "张三", 0)
    add_lead(store, admin, "张三", 10)
    repeat = add_lead(store, admin, "张三", 20)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE leads SET repeat_of_id = :o WHERE id = :r"),
                     {"o": first.id, "r": repeat.id})  # fmt: skip
    assert listed(store, admin) == {}
    add_lead(store, admin, "张三", 30)
    assert listed(store, admin)["张三"].leads == 3
    assert listed(store, admin, as_of=START + dt.timedelta(days=29)) == {}


def test_leads_of_two_categories_put_a_person_on_the_list(store: Store, admin: Actor) -> None:
    add_lead(store, admin, "王五", 0, unit=COURT, category="违规经商办企业")
    add_lead(store, admin, "王五", 200, unit=COURT, category="三个规定")
    add_lead(store, admin, "赵六", 0, category="违规经商办企业")
    add_lead(store, admin, "赵六", 200, category="违规经商办企业")
    # 其他 is no ailment: business + other is not two categories.
    add_lead(store, admin, "钱七", 0, category="违规经商办企业")
    add_lead(store, admin, "钱七", 200, category="其他")
    found = listed(store, admin)
    assert set(found) == {"王五"}
    assert found["王五"].categories == ("interference", "business")
    assert found["王五"].reasons == (
        "被反映问题涉及 2 类：违反防止干预司法“三个规定”、违规经商办企业",
    )


def test_the_officer_of_a_confirmed_anomaly_is_on_the_list(
    store: Store, admin: Actor, inspector: Actor
) -> None:
    case = cases.create_case(
        store, admin,
        {"case_no": "东公刑受字〔2021〕0123号", "agency": POLICE, "accepted_on": "2021-03-01",
         "filed_on": "2021-03-02", "last_activity_on": "2021-03-02", "officer": "刘志强"},
        today=TODAY,
    )  # fmt: skip
    review.scan(store, admin, as_of=dt.date(2021, 6, 30))
    flag = review.list_anomalies(store, admin, review.AnomalyQuery(case_id=case.id))[0]
    assert "刘志强" not in listed(store, admin)  # suspected only
    review.confirm(store, inspector, flag.id, "久拖不查属实")
    person = listed(store, admin)["刘志强"]
    assert person.criteria == ("anomalies",)
    assert person.reasons == ("关联已认定案件异常 1 件（东公刑受字〔2021〕0123号 压案不查）",)
    assert person.to_json()["anomalies"] == [
        {"id": flag.id, "case_no": "东公刑受字〔2021〕0123号", "kind": "suppressed"}
    ]


def test_thresholds_are_settings(store: Store, admin: Actor) -> None:
    add_lead(store, admin, "张三", 0)
    add_lead(store, admin, "张三", 20)
    assert listed(store, admin) == {}
    with store.write() as session:
        settings_mod.save(
            session, dataclasses.replace(settings_mod.load(session), watch_leads=2, watch_days=30)
        )
    found = listed(store, admin)
    assert found["张三"].reasons == ("30 天内被反映 2 次（2021-03-01 至 2021-03-21）",)
    result = watch.watch_list(store, admin, as_of=TODAY)
    assert result.thresholds == {
        "watch_leads": 2, "watch_days": 30, "watch_categories": 2, "watch_anomalies": 1,
    }  # fmt: skip


def test_units_add_up_leads_results_and_anomalies(
    store: Store, admin: Actor, inspector: Actor
) -> None:
    done = {"status": "已办结", "concluded_on": "2021-06-01"}
    add_lead(store, admin, "张三", 0, result="属实", **done)
    add_lead(store, admin, "李四", 1, result="部分属实", **done)
    add_lead(store, admin, "王五", 2, result="不属实", **done)
    add_lead(store, admin, "赵六", 3, result="无法查实", **done)
    add_lead(store, admin, "孙七", 4)
    add_lead(store, admin, "周八", 5, unit=COURT)
    cases.create_case(
        store, admin,
        {"case_no": "1号", "agency": POLICE, "accepted_on": "2021-03-01", "filed_on": "2021-03-02",
         "withdrawn_on": "2021-04-01", "suspect_identified": "是"},
        today=TODAY,
    )  # fmt: skip
    review.scan(store, admin, as_of=dt.date(2021, 6, 30))
    [flag] = review.list_anomalies(store, admin)
    review.confirm(store, inspector, flag.id, "撤案理由不成立")
    units = {u.name: u for u in watch.watch_list(store, admin, as_of=TODAY).units}
    police = units[POLICE]
    assert (police.leads, police.concluded, police.substantiated) == (5, 4, 2)
    assert police.substantiated_rate == 0.5
    assert (police.confirmed_anomalies, police.suspected_anomalies) == (1, 0)
    court = units[COURT]
    assert (court.leads, court.concluded, court.substantiated_rate) == (1, 0, None)
    assert list(units) == [POLICE, COURT]


def test_the_list_is_for_inspectors_and_leaders(store: Store, clerk: Actor, leader: Actor) -> None:
    assert watch.watch_list(store, leader).persons == ()
    with pytest.raises(PermissionDenied, match="无权查看重点关注名单"):
        watch.watch_list(store, clerk)


def test_the_list_renders_as_json(store: Store, admin: Actor) -> None:
    for d in (0, 10, 20):
        add_lead(store, admin, "张三", d, category="三个规定" if d else "违规参股借贷")
    document = watch.watch_list(store, admin, as_of=TODAY).to_json()
    [person] = document["persons"]
    assert person["criteria"] == ["lead_window", "categories"]
    assert person["window"] == {"count": 3, "first": "2021-03-01", "last": "2021-03-21"}
    assert person["categories"] == ["interference", "shareholding_lending"]
    assert document["as_of"] == "2021-12-31"
    assert document["units"][0]["name"] == POLICE
