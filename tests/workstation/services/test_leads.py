"""Lead services: validation with Chinese messages, vocabulary synonyms, refs, edits, masking."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select

from workstation.errors import NotFound, PermissionDenied, ValidationError, WorkstationError
from workstation.models import AuditEvent, Lead, Person, Unit
from workstation.services import leads
from workstation.services.auth import Actor
from workstation.store import Store

TODAY = dt.date(2021, 6, 30)


def _lead(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "received_on": "2021-03-05",
        "channel": "12389",
        "summary": "反映东湖分局城关派出所民警王某插手他人经济纠纷，违规查封财物。",
        "subject": "王建国",
        "subject_position": "民警",
        "subject_unit": "江州市公安局东湖分局城关派出所",
        "category": "干预司法",
        "reporter_name": "陈晓梅",
        "reporter_phone": "13912345678",
    }
    fields.update(overrides)
    return fields


def _count(store: Store, model: Any) -> int:
    with store.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_create_maps_synonyms_links_subject_and_generates_ref(store: Store, admin: Actor) -> None:
    row = leads.create_lead(store, admin, _lead(), today=TODAY)
    assert row.ref == "XS2021-00001"
    assert row.channel == "phone"
    assert row.category == "interference"
    assert row.status == "new"
    assert row.subject == "王建国"
    assert row.subject_position == "民警"
    assert row.subject_unit == "江州市公安局东湖分局城关派出所"
    assert row.subject_unit_type == "police"
    assert row.due_on == dt.date(2021, 4, 4)  # received + 30 days
    assert row.version == 1
    assert row.created_by == admin.login


def test_reporter_is_masked_unless_unmasked_by_an_allowed_role(
    store: Store, admin: Actor, clerk: Actor
) -> None:
    row = leads.create_lead(store, admin, _lead(), today=TODAY)
    assert (row.reporter_name, row.reporter_phone) == ("陈**", "139****5678")
    full = leads.get_lead(store, admin, row.ref, unmask=True)
    assert (full.reporter_name, full.reporter_phone) == ("陈晓梅", "13912345678")
    with pytest.raises(PermissionDenied, match="无权查看反映人完整信息"):
        leads.get_lead(store, clerk, row.ref, unmask=True)
    with store.read() as s:
        actions = list(s.scalars(select(AuditEvent.action)))
    assert actions.count("reporter.unmask") == 1


def test_refs_are_sequential_per_year_and_skip_taken_numbers(store: Store, admin: Actor) -> None:
    leads.create_lead(store, admin, _lead(ref="XS2021-00002"), today=TODAY)
    a = leads.create_lead(store, admin, _lead(), today=TODAY)
    b = leads.create_lead(store, admin, _lead(), today=TODAY)
    c = leads.create_lead(store, admin, _lead(received_on="2020-12-30"), today=TODAY)
    assert [a.ref, b.ref, c.ref] == ["XS2021-00001", "XS2021-00003", "XS2020-00001"]


def test_same_unit_spelled_differently_is_one_unit(store: Store, admin: Actor) -> None:
    leads.create_lead(store, admin, _lead(subject_unit="江州市公安局 东湖分局"), today=TODAY)
    leads.create_lead(store, admin, _lead(subject_unit="江州市公安局東湖分局"), today=TODAY)
    with store.read() as s:
        names = list(s.scalars(select(Unit.name)))
        persons = list(s.scalars(select(Person.name)))
    assert len(names) == 1
    assert persons == ["王建国"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"received_on": None}, "received_on", "受理时间不能为空"),
        ({"received_on": "2021-13-05"}, "received_on", "受理时间“2021-13-05”不是有效日期"),
        ({"received_on": "三月五日"}, "received_on", "格式应为 YYYY-MM-DD"),
        ({"received_on": "2021-07-01"}, "received_on", "晚于今天"),
        ({"summary": "   "}, "summary", "主要问题不能为空"),
        ({"channel": "飞鸽传书"}, "channel", "来源渠道“飞鸽传书”不是可选值"),
        ({"category": "无此类"}, "category", "问题类别“无此类”不是可选值"),
        ({"status": "已办结"}, "result", "已办结的线索必须填写核查结论"),
        ({"due_on": "2021-03-01"}, "due_on", "办理期限早于受理时间"),
        ({"reporter_phone": "call me"}, "reporter_phone", "不是有效的电话号码"),
        ({"colour": "red"}, "colour", "未知字段“colour”"),
    ],
)
def test_invalid_leads_are_refused_naming_the_field_and_nothing_is_written(
    store: Store, admin: Actor, overrides: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as info:
        leads.create_lead(store, admin, _lead(**overrides), today=TODAY)
    assert message in info.value.problems[field]
    assert _count(store, Lead) == 0
    assert _count(store, Unit) == 0
    assert _count(store, AuditEvent) == 0


def test_all_problems_of_a_record_are_reported_together(store: Store, admin: Actor) -> None:
    with pytest.raises(ValidationError) as info:
        leads.create_lead(store, admin, {"channel": "飞鸽", "summary": ""}, today=TODAY)
    assert set(info.value.problems) == {"channel", "summary", "received_on"}


def test_clerk_enters_but_cannot_edit(store: Store, clerk: Actor) -> None:
    row = leads.create_lead(store, clerk, _lead(), today=TODAY)
    with pytest.raises(PermissionDenied):
        leads.update_lead(store, clerk, row.ref, {"status": "assigned"}, today=TODAY)


def test_update_audits_only_what_changed(store: Store, admin: Actor, inspector: Actor) -> None:
    row = leads.create_lead(store, admin, _lead(), today=TODAY)
    updated = leads.update_lead(
        store,
        inspector,
        row.ref,
        {"status": "核查中", "handler_unit": "江州市公安局督察支队", "disposition": "初步核实"},
        today=TODAY,
    )
    assert (updated.status, updated.disposition) == ("verifying", "preliminary_check")
    assert updated.handler_unit == "江州市公安局督察支队"
    assert updated.version == 2
    assert updated.updated_by == inspector.login
    with store.read() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "lead.update")).one()
    assert event.user == inspector.login
    assert event.before == {"status": "new", "disposition": None, "handler_unit": None}
    assert event.after == {
        "status": "verifying",
        "disposition": "preliminary_check",
        "handler_unit": "江州市公安局督察支队",
    }


def test_update_with_nothing_changed_writes_nothing(store: Store, admin: Actor) -> None:
    row = leads.create_lead(store, admin, _lead(), today=TODAY)
    again = leads.update_lead(store, admin, row.ref, {"channel": "来电"}, today=TODAY)
    assert again.version == row.version
    assert _count(store, AuditEvent) == 3  # unit, person, lead: no update event


def test_concluding_needs_a_result_and_sets_the_date(store: Store, admin: Actor) -> None:
    row = leads.create_lead(store, admin, _lead(), today=TODAY)
    with pytest.raises(ValidationError, match="核查结论"):
        leads.update_lead(store, admin, row.ref, {"status": "concluded"}, today=TODAY)
    done = leads.update_lead(
        store, admin, row.ref, {"status": "办结", "result": "部分属实"}, today=TODAY
    )
    assert (done.status, done.result, done.concluded_on) == ("concluded", "partly", TODAY)


def test_stale_version_is_refused_with_who_and_when(store: Store, admin: Actor) -> None:
    row = leads.create_lead(store, admin, _lead(), today=TODAY)
    leads.update_lead(store, admin, row.ref, {"status": "assigned"}, today=TODAY)
    with pytest.raises(WorkstationError, match=r"已被 管理员 于 .* 修改（您打开后）"):
        leads.update_lead(
            store,
            admin,
            row.ref,
            {"status": "verifying"},
            expected_version=row.version,
            today=TODAY,
        )


def test_unknown_lead_is_not_found(store: Store, admin: Actor) -> None:
    with pytest.raises(NotFound, match="XS2099-1"):
        leads.get_lead(store, admin, "XS2099-1")


def test_list_searches_filters_sorts_and_pages(store: Store, admin: Actor) -> None:
    leads.create_lead(
        store, admin, _lead(received_on="2021-03-01", summary="违规经商办企业"), today=TODAY
    )
    leads.create_lead(
        store, admin,
        _lead(received_on="2021-03-02", summary="插手案件", subject="李四", channel="来信"),
        today=TODAY,
    )  # fmt: skip
    leads.create_lead(
        store, admin, _lead(received_on="2021-03-03", summary="100%_真实"), today=TODAY
    )
    all_rows = leads.list_leads(store, admin)
    assert [r.received_on.day for r in all_rows] == [3, 2, 1]
    assert [r.summary for r in leads.list_leads(store, admin, leads.LeadQuery(search="经商"))] == [
        "违规经商办企业"
    ]
    assert leads.count_leads(store, admin, leads.LeadQuery(search="李四")) == 1
    assert leads.count_leads(store, admin, leads.LeadQuery(search="%_")) == 1  # wildcards literal
    assert leads.count_leads(store, admin, leads.LeadQuery(channel="letter")) == 1
    asc = leads.list_leads(store, admin, leads.LeadQuery(order_by="received_on", descending=False))
    assert [r.received_on.day for r in asc] == [1, 2, 3]
    page = leads.list_leads(store, admin, leads.LeadQuery(), offset=1, limit=1)
    assert [r.received_on.day for r in page] == [2]


def test_overdue_filter(store: Store, admin: Actor) -> None:
    leads.create_lead(store, admin, _lead(received_on="2021-01-05"), today=TODAY)
    leads.create_lead(store, admin, _lead(received_on="2021-06-20"), today=TODAY)
    overdue = leads.list_leads(store, admin, leads.LeadQuery(overdue_as_of=TODAY))
    assert [r.received_on for r in overdue] == [dt.date(2021, 1, 5)]
    assert overdue[0].is_overdue(TODAY)


def test_json_uses_design_keys_and_iso_dates(store: Store, admin: Actor) -> None:
    row = leads.create_lead(store, admin, _lead(), today=TODAY)
    doc = row.to_json()
    for key in ("ref", "received_on", "channel", "subject", "subject_unit", "category", "summary",
                "case_no", "status", "disposition", "result", "handler_unit", "due_on",
                "concluded_on", "batch", "created_by", "created_at", "uuid"):  # fmt: skip
        assert key in doc
    assert doc["received_on"] == "2021-03-05"
    assert doc["channel"] == "phone"


def test_leads_entered_by_hand_carry_import_keys_that_follow_edits(
    store: Store, admin: Actor
) -> None:
    row = leads.create_lead(store, admin, _lead(), today=TODAY)
    with store.read() as s:
        first = s.scalars(select(Lead.fingerprint)).one()
    assert first
    leads.update_lead(store, admin, row.ref, {"summary": "反映另一件事"}, today=TODAY)
    with store.read() as s:
        lead = s.scalars(select(Lead)).one()
        assert lead.fingerprint not in (None, first)
        assert lead.repeat_key is not None
