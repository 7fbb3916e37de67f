"""Case review: the scan is idempotent, decisions stick and are audited, history tells it all."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from alembic import command
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from workstation.errors import NotFound, PermissionDenied, ValidationError, WorkstationError
from workstation.models import Anomaly, AuditEvent
from workstation.services import audit, cases, leads, review
from workstation.services.auth import Actor
from workstation.store import Store
from workstation.store.migrate import alembic_config

TODAY = dt.date(2021, 12, 31)
AS_OF = dt.date(2021, 6, 30)
AGENCY = "江州市公安局东湖分局"


def add_case(store: Store, actor: Actor, case_no: str, **fields: Any) -> cases.CaseRow:
    values: dict[str, Any] = {
        "case_no": case_no,
        "agency": AGENCY,
        "kind": "刑事",
        "cause": "盗窃",
        "accepted_on": "2021-06-01",
        "officer": "刘志强",
    }
    values.update(fields)
    return cases.create_case(store, actor, values, today=TODAY)


def edit_case(store: Store, actor: Actor, case: cases.CaseRow, **changes: Any) -> None:
    cases.update_case(store, actor, case.id, changes, today=TODAY)


def add_lead(store: Store, actor: Actor, **fields: Any) -> leads.LeadRow:
    values: dict[str, Any] = {"received_on": "2021-06-10", "summary": "反映案件久拖不立"}
    values.update(fields)
    return leads.create_lead(store, actor, values, today=TODAY)


def flags(store: Store, actor: Actor, **query: Any) -> list[review.AnomalyRow]:
    return review.list_anomalies(store, actor, review.AnomalyQuery(**query))


def only(store: Store, actor: Actor, **query: Any) -> review.AnomalyRow:
    found = flags(store, actor, **query)
    assert len(found) == 1, found
    return found[0]


def audit_count(store: Store) -> int:
    with store.read() as session:
        return int(session.scalar(select(func.count(AuditEvent.id))) or 0)


def events_of(store: Store, uuid: str) -> list[AuditEvent]:
    with store.read() as session:
        return list(
            session.scalars(
                select(AuditEvent).where(AuditEvent.entity_uuid == uuid).order_by(AuditEvent.id)
            )
        )


@pytest.fixture
def mixed(store: Store, admin: Actor) -> dict[str, cases.CaseRow]:
    """One case per rule, and one that triggers nothing."""
    return {
        "NF-1": add_case(store, admin, "东公刑受字〔2021〕0001号", accepted_on="2021-06-01"),
        "SP-1": add_case(
            store, admin, "东公刑受字〔2021〕0002号", accepted_on="2021-01-04",
            filed_on="2021-01-05", last_activity_on="2021-02-01",
        ),
        "SP-2": add_case(
            store, admin, "东公刑受字〔2020〕0003号", accepted_on="2020-05-01",
            filed_on="2020-05-02", last_activity_on="2021-06-01",
        ),
        "NP-1": add_case(
            store, admin, "东公刑受字〔2021〕0004号", accepted_on="2021-02-01",
            filed_on="2021-02-02", withdrawn_on="2021-04-01", suspect_identified="是",
        ),
        "NP-2": add_case(
            store, admin, "东公刑受字〔2021〕0005号", accepted_on="2021-01-10",
            filed_on="2021-01-11", prosecuted_on="2021-03-01", procuratorate_decision="不起诉",
        ),
        "none": add_case(
            store, admin, "东公刑受字〔2021〕0006号", accepted_on="2021-01-10",
            filed_on="2021-01-11", prosecuted_on="2021-03-01",
        ),
    }  # fmt: skip


# --- the scan ------------------------------------------------------------------------------


def test_scan_flags_each_rule_with_its_explanation(
    store: Store, admin: Actor, mixed: dict[str, cases.CaseRow]
) -> None:
    result = review.scan(store, admin, as_of=AS_OF)
    assert (result.cases, result.new, result.still_open, result.closed) == (6, 5, 0, 0)
    assert result.by_kind["not_filed"]["new"] == 1
    assert result.by_kind["suppressed"]["new"] == 2
    assert result.by_rule["NP-2"]["new"] == 1
    found = {f.rule_id: f for f in flags(store, admin)}
    assert set(found) == {"NF-1", "SP-1", "SP-2", "NP-1", "NP-2"}
    for rule_id, flag in found.items():
        assert flag.case_id == mixed[rule_id].id
        assert flag.state == "suspected"
        assert flag.as_of == AS_OF
    assert found["NF-1"].explanation == "受案后 29 天未作出立案决定（期限 7 天）"
    assert found["SP-1"].explanation == (
        "最近一次办案活动（2021-02-01）后 149 天无办案活动（期限 90 天）"
    )
    assert found["SP-2"].explanation == "立案已 424 天仍未侦结（期限 365 天）"
    assert found["NP-1"].explanation == "嫌疑人已明确，案件却于 2021-04-01 撤案"
    assert found["NP-2"].explanation == "检察机关作出“不起诉”决定"
    assert [f.id for f in result.new_flags] == sorted(f.id for f in found.values())
    assert result.new_flags[0].agency == AGENCY


def test_a_second_scan_adds_nothing_and_writes_only_its_own_audit_event(
    store: Store, admin: Actor, mixed: dict[str, cases.CaseRow]
) -> None:
    review.scan(store, admin, as_of=AS_OF)
    before = [(f.id, f.state, f.explanation) for f in flags(store, admin)]
    events = audit_count(store)
    again = review.scan(store, admin, as_of=AS_OF)
    assert (again.new, again.still_open, again.refreshed, again.closed, again.reopened) == (
        0, 5, 0, 0, 0,
    )  # fmt: skip
    assert [(f.id, f.state, f.explanation) for f in flags(store, admin)] == before
    assert audit_count(store) == events + 1


def test_a_later_scan_refreshes_the_figures(
    store: Store, admin: Actor, mixed: dict[str, cases.CaseRow]
) -> None:
    review.scan(store, admin, as_of=AS_OF)
    later = review.scan(store, admin, as_of=AS_OF + dt.timedelta(days=10))
    assert later.refreshed == 3  # NF-1, SP-1 and SP-2 count days; NP-1 and NP-2 do not
    nf1 = only(store, admin, rule_id="NF-1")
    assert nf1.explanation == "受案后 39 天未作出立案决定（期限 7 天）"
    assert nf1.as_of == AS_OF + dt.timedelta(days=10)


def test_the_scan_is_audited_with_its_counts(
    store: Store, admin: Actor, mixed: dict[str, cases.CaseRow]
) -> None:
    review.scan(store, admin, as_of=AS_OF)
    with store.read() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "anomaly.scan")).one()
    assert event.after is not None
    assert event.after["as_of"] == "2021-06-30"
    assert event.after["new"] == 5
    assert event.after["thresholds"]["nf1_days"] == 7
    assert sorted(event.after["flagged"]) == sorted(f.uuid for f in flags(store, admin))
    assert audit.verify_chain(store, admin).ok


def test_a_flag_whose_rule_no_longer_fires_is_closed_with_a_note(
    store: Store, admin: Actor, inspector: Actor, mixed: dict[str, cases.CaseRow]
) -> None:
    review.scan(store, admin, as_of=AS_OF)
    edit_case(store, inspector, mixed["NF-1"], filed_on="2021-06-20")
    result = review.scan(store, admin, as_of=AS_OF)
    assert (result.closed, result.by_rule["NF-1"]["closed"]) == (1, 1)
    flag = only(store, admin, rule_id="NF-1")
    assert flag.state == "closed"
    assert flag.closed_at is not None
    assert flag.reason == "截至 2021-06-30 规则 NF-1 不再触发，自动关闭：立案日期 空 → 2021-06-20"
    [event] = [e for e in events_of(store, flag.uuid) if e.action == "anomaly.close"]
    assert event.before == {
        "state": "suspected",
        "explanation": "受案后 29 天未作出立案决定（期限 7 天）",
    }
    assert event.after is not None
    assert event.after["state"] == "closed"
    # A closed flag that fires again (the filing date was a mistake) is suspected anew.
    edit_case(store, inspector, mixed["NF-1"], filed_on="")
    again = review.scan(store, admin, as_of=AS_OF)
    assert again.reopened == 1
    reopened = only(store, admin, rule_id="NF-1")
    assert (reopened.id, reopened.state, reopened.reason) == (flag.id, "suspected", None)
    assert audit.verify_chain(store, admin).ok


def test_a_dismissed_flag_stays_dismissed_while_its_facts_stay(
    store: Store, admin: Actor, inspector: Actor, mixed: dict[str, cases.CaseRow]
) -> None:
    review.scan(store, admin, as_of=AS_OF)
    flag = only(store, admin, rule_id="SP-1")
    review.dismiss(store, inspector, flag.id, "台账漏登，实际一直在侦查")
    # An unrelated edit of the case, and a later as-of date, change nothing for SP-1.
    edit_case(store, inspector, mixed["SP-1"], cause="诈骗", suspect_identified="是")
    result = review.scan(store, admin, as_of=AS_OF + dt.timedelta(days=30))
    assert (result.kept_dismissed, result.reopened) == (1, 0)
    kept = only(store, admin, rule_id="SP-1")
    assert (kept.state, kept.reason, kept.reviewer) == (
        "dismissed",
        "台账漏登，实际一直在侦查",
        "insp1",
    )


def test_a_fact_change_reopens_a_dismissed_flag(
    store: Store, admin: Actor, inspector: Actor, mixed: dict[str, cases.CaseRow]
) -> None:
    review.scan(store, admin, as_of=AS_OF)
    flag = only(store, admin, rule_id="SP-1")
    review.dismiss(store, inspector, flag.id, "台账漏登")
    edit_case(store, inspector, mixed["SP-1"], last_activity_on="2021-03-01")
    result = review.scan(store, admin, as_of=AS_OF)
    assert (result.reopened, result.kept_dismissed) == (1, 0)
    reopened = only(store, admin, rule_id="SP-1")
    assert (reopened.id, reopened.state, reopened.reviewer, reopened.reason) == (
        flag.id, "suspected", None, None,
    )  # fmt: skip
    assert reopened.explanation == "最近一次办案活动（2021-03-01）后 121 天无办案活动（期限 90 天）"
    [event] = [e for e in events_of(store, flag.uuid) if e.action == "anomaly.reflag"]
    assert event.after is not None
    assert "最近办案活动日期 2021-02-01 → 2021-03-01" in event.after["note"]


def test_a_confirmed_flag_stays_confirmed_when_its_rule_stops_firing(
    store: Store, admin: Actor, inspector: Actor, mixed: dict[str, cases.CaseRow]
) -> None:
    review.scan(store, admin, as_of=AS_OF)
    flag = only(store, admin, rule_id="NF-1")
    review.confirm(store, inspector, flag.id, "受案 29 天未审查立案")
    edit_case(store, inspector, mixed["NF-1"], filed_on="2021-06-29")
    result = review.scan(store, admin, as_of=AS_OF)
    assert result.closed == 0
    assert only(store, admin, rule_id="NF-1").state == "confirmed"


def test_nf2_links_leads_by_case_number(store: Store, admin: Actor) -> None:
    refused = add_case(store, admin, "东公刑受字〔2021〕0100号", not_filed_on="2021-06-03")
    add_lead(store, admin, ref="XS2021-00031", case_no=refused.case_no, received_on="2021-06-12")
    add_lead(store, admin, ref="XS2021-00012", case_no=refused.case_no)
    add_lead(store, admin, ref="XS2021-00040", case_no="东公刑受字[2021]0100号")
    result = review.scan(store, admin, as_of=AS_OF)
    assert result.unmatched_leads == 1  # a different spelling of the number does not match
    flag = only(store, admin, rule_id="NF-2")
    assert flag.explanation == (
        "已于 2021-06-03 决定不予立案，但有 2 条线索反映此案（XS2021-00012、XS2021-00031）"
    )


def test_a_number_used_by_two_agencies_links_by_the_leads_unit(store: Store, admin: Actor) -> None:
    number = "刑受字〔2021〕0007号"
    east = add_case(store, admin, number, not_filed_on="2021-06-03")
    west = add_case(store, admin, number, agency="江州市公安局西城分局", not_filed_on="2021-06-03")
    add_lead(store, admin, ref="XS2021-00001", case_no=number, subject_unit=AGENCY)
    add_lead(store, admin, ref="XS2021-00002", case_no=number, handler_unit="江州市公安局西城分局")
    add_lead(store, admin, ref="XS2021-00003", case_no=number, subject_unit="江州市人民检察院")
    result = review.scan(store, admin, as_of=AS_OF)
    assert result.ambiguous_leads == ("XS2021-00003",)
    assert "XS2021-00001）" in only(store, admin, case_id=east.id).explanation
    assert "XS2021-00002）" in only(store, admin, case_id=west.id).explanation


def test_a_cancelled_scan_leaves_the_store_as_it_was(
    store: Store, admin: Actor, mixed: dict[str, cases.CaseRow]
) -> None:
    events = audit_count(store)
    seen: list[tuple[int, int]] = []
    with pytest.raises(review.ScanCancelled, match="已取消"):
        review.scan(store, admin, as_of=AS_OF, progress=lambda d, t: seen.append((d, t)),
                    cancel=lambda: bool(seen) and seen[-1][0] > 0)  # fmt: skip
    assert flags(store, admin) == []
    assert audit_count(store) == events
    assert seen == [(0, 6), (6, 6)]


def test_only_reviewers_scan_and_decide(
    store: Store, admin: Actor, clerk: Actor, leader: Actor, mixed: dict[str, cases.CaseRow]
) -> None:
    with pytest.raises(PermissionDenied, match="无权运行案件异常扫描"):
        review.scan(store, clerk, as_of=AS_OF)
    review.scan(store, admin, as_of=AS_OF)
    flag = flags(store, leader)[0]
    with pytest.raises(PermissionDenied, match="无权认定"):
        review.confirm(store, leader, flag.id, "领导认为成立")
    with pytest.raises(PermissionDenied):
        review.mark(store, clerk, mixed["none"].id, "有罪不究", "x")


# --- reviewers' decisions ------------------------------------------------------------------


@pytest.fixture
def scanned(store: Store, admin: Actor, mixed: dict[str, cases.CaseRow]) -> dict[str, int]:
    review.scan(store, admin, as_of=AS_OF)
    return {f.rule_id: f.id for f in flags(store, admin)}


def test_every_decision_records_who_when_why_in_the_audit_chain(
    store: Store, admin: Actor, inspector: Actor, scanned: dict[str, int]
) -> None:
    confirmed = review.confirm(store, inspector, scanned["NF-1"], "  逾期未立案，属实 ")
    assert (confirmed.state, confirmed.reviewer, confirmed.reason) == (
        "confirmed", "insp1", "逾期未立案，属实",
    )  # fmt: skip
    assert confirmed.decided_at is not None
    dismissed = review.dismiss(store, inspector, scanned["NP-2"], "不起诉决定经复查正确")
    reopened = review.reopen(store, inspector, scanned["NP-2"], "检察院来函，需重新评查")
    assert (reopened.state, reopened.reviewer, reopened.reason) == ("suspected", None, None)
    actions = [(e.action, e.user, e.before, e.after) for e in events_of(store, dismissed.uuid)]
    assert [a[0] for a in actions] == ["anomaly.dismiss", "anomaly.reopen"]
    _, user, before, after = actions[0]
    assert user == "insp1"
    assert before is not None
    assert after is not None
    assert (before["state"], after["state"], after["why"]) == (
        "suspected", "dismissed", "不起诉决定经复查正确",
    )  # fmt: skip
    assert actions[1][3] is not None
    assert actions[1][3]["why"] == "检察院来函，需重新评查"
    [confirm_event] = events_of(store, confirmed.uuid)
    assert confirm_event.after is not None
    assert confirm_event.after["decided_at"] is not None
    assert audit.verify_chain(store, admin).ok


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_confirm_and_dismiss_need_a_reason(
    store: Store, inspector: Actor, scanned: dict[str, int], reason: str | None
) -> None:
    with pytest.raises(ValidationError, match="认定须说明理由"):
        review.confirm(store, inspector, scanned["NF-1"], reason)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="排除须说明理由"):
        review.dismiss(store, inspector, scanned["NF-1"], reason)  # type: ignore[arg-type]
    assert review.get_anomaly(store, inspector, scanned["NF-1"]).state == "suspected"


def test_decisions_refuse_what_makes_no_sense(
    store: Store, admin: Actor, inspector: Actor, mixed: dict[str, cases.CaseRow],
    scanned: dict[str, int],
) -> None:  # fmt: skip
    review.confirm(store, inspector, scanned["NF-1"], "属实")
    with pytest.raises(WorkstationError, match="已是“已认定”状态（insp1 于"):
        review.confirm(store, inspector, scanned["NF-1"], "再次认定")
    with pytest.raises(WorkstationError, match="已是“疑似”状态"):
        review.reopen(store, inspector, scanned["SP-1"])
    with pytest.raises(WorkstationError, match="请刷新后再处理"):
        review.dismiss(store, inspector, scanned["NF-1"], "x", expected_state="suspected")
    with pytest.raises(NotFound, match="找不到编号为“999”的案件异常"):
        review.dismiss(store, inspector, 999, "x")
    edit_case(store, inspector, mixed["SP-1"], closed_on="2021-06-01")
    review.scan(store, admin, as_of=AS_OF)
    with pytest.raises(WorkstationError, match="自动关闭"):
        review.reopen(store, inspector, scanned["SP-1"])
    # A closed flag can still be confirmed: the delay happened even if the case moved since.
    assert review.confirm(store, inspector, f"#{scanned['SP-1']}", "拖延属实").state == "confirmed"


def test_a_reviewer_marks_an_anomaly_the_rules_did_not_find(
    store: Store, admin: Actor, inspector: Actor, mixed: dict[str, cases.CaseRow],
    scanned: dict[str, int],
) -> None:  # fmt: skip
    quiet = mixed["none"]
    marked = review.mark(store, inspector, quiet.case_no, "有罪不究", "移送起诉时遗漏同案犯")
    assert (marked.rule_id, marked.kind, marked.state, marked.reviewer) == (
        "manual", "not_prosecuted", "confirmed", "insp1",
    )  # fmt: skip
    assert marked.explanation == marked.reason == "移送起诉时遗漏同案犯"
    with pytest.raises(WorkstationError, match="已有已认定的有罪不究异常"):
        review.mark(store, inspector, quiet.id, "not_prosecuted", "重复")
    # The scan leaves reviewers' own marks alone.
    assert review.scan(store, admin, as_of=AS_OF).closed == 0
    assert review.get_anomaly(store, admin, marked.id).state == "confirmed"
    # A dismissed mark is marked again in place, not duplicated.
    review.dismiss(store, inspector, marked.id, "经复查同案犯另案处理")
    again = review.mark(store, inspector, quiet.id, "有罪不究", "另案未处理，仍属遗漏")
    assert (again.id, again.state, again.reason) == (marked.id, "confirmed", "另案未处理，仍属遗漏")
    assert [e.action for e in events_of(store, marked.uuid)] == [
        "anomaly.mark", "anomaly.dismiss", "anomaly.mark",
    ]  # fmt: skip


def test_marking_what_a_rule_already_suspects_points_to_that_flag(
    store: Store, inspector: Actor, mixed: dict[str, cases.CaseRow], scanned: dict[str, int]
) -> None:
    with pytest.raises(WorkstationError, match=f"anomalies confirm {scanned['NF-1']}"):
        review.mark(store, inspector, mixed["NF-1"].id, "有案不立", "x")
    with pytest.raises(ValidationError, match="异常类型“超期”不是可选值"):
        review.mark(store, inspector, mixed["NF-1"].id, "超期", "x")


def test_listing_filters_by_kind_state_and_agency(
    store: Store, admin: Actor, inspector: Actor, scanned: dict[str, int]
) -> None:
    review.dismiss(store, inspector, scanned["SP-1"], "x")
    assert [f.rule_id for f in flags(store, admin, kind="suppressed")] == ["SP-1", "SP-2"]
    assert [f.rule_id for f in flags(store, admin, kind="suppressed", state="suspected")] == [
        "SP-2"
    ]
    assert len(flags(store, admin, agency="东湖")) == 5
    assert flags(store, admin, agency="西城") == []
    assert review.count_anomalies(store, admin, review.AnomalyQuery(state="suspected")) == 4
    assert [f.rule_id for f in review.list_anomalies(store, admin, limit=2, offset=1)] == [
        sorted(scanned.items(), key=lambda kv: kv[1])[i][0] for i in (1, 2)
    ]


# --- a case's history ----------------------------------------------------------------------


def test_a_case_history_shows_facts_flags_leads_and_decisions_in_time_order(
    store: Store, admin: Actor, inspector: Actor
) -> None:
    case = add_case(store, admin, "东公刑受字〔2021〕0200号", not_filed_on="2021-06-03")
    add_lead(store, admin, ref="XS2021-00077", case_no=case.case_no, category="有案不立")
    review.scan(store, admin, as_of=AS_OF)
    flag = only(store, admin, case_id=case.id)
    review.confirm(store, inspector, flag.id, "不予立案理由不成立")
    history = review.case_history(store, inspector, case.case_no)
    assert history.case.id == case.id
    assert [f.id for f in history.flags] == [flag.id]
    assert [lead.ref for lead in history.leads] == ["XS2021-00077"]
    texts = [(e.source, e.text) for e in history.entries]
    assert texts[:3] == [
        ("fact", "受案"),
        ("fact", "决定不予立案"),
        ("lead", "线索 XS2021-00077 反映此案（“有案不立、压案不查、有罪不究”，待处理）"),
    ]
    assert texts[3][0] == "edit"
    assert texts[-2] == ("flag", f"扫描发现疑似有案不立 #{flag.id}（NF-2）：{flag.explanation}")
    assert texts[-1] == ("decision", f"认定有案不立 #{flag.id}（NF-2）：不予立案理由不成立")
    assert history.entries[-1].user == "insp1"
    assert history.to_json()["entries"][0] == {
        "on": "2021-06-01", "at": None, "source": "fact", "text": "受案", "user": None,
        "anomaly_id": None,
    }  # fmt: skip


# --- the schema ----------------------------------------------------------------------------


def test_the_store_knows_the_closed_state_and_one_flag_per_case_and_rule(
    store: Store, admin: Actor, scanned: dict[str, int]
) -> None:
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE anomalies SET state = 'closed' WHERE id = :i"),
                     {"i": scanned["NF-1"]})  # fmt: skip
    with pytest.raises(IntegrityError), store.engine.begin() as conn:
        conn.execute(text("UPDATE anomalies SET state = 'gone' WHERE id = :i"),
                     {"i": scanned["NF-1"]})  # fmt: skip
    with pytest.raises(IntegrityError), store.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO anomalies (case_id, kind, state, rule_id, explanation, uuid,"
                " created_at, updated_at) SELECT case_id, kind, state, rule_id, explanation,"
                " 'dup', created_at, updated_at FROM anomalies WHERE id = :i"
            ),
            {"i": scanned["NF-1"]},
        )


def test_downgrading_turns_closed_flags_into_dismissed_ones(
    store: Store, admin: Actor, inspector: Actor, mixed: dict[str, cases.CaseRow]
) -> None:
    review.scan(store, admin, as_of=AS_OF)
    edit_case(store, inspector, mixed["NF-1"], filed_on="2021-06-20")
    review.scan(store, admin, as_of=AS_OF)
    with store.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0003")
    with store.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT state, reason FROM anomalies WHERE rule_id = 'NF-1'")
        ).all()
    assert [
        (state, reason.startswith("截至 2021-06-30 规则 NF-1 不再触发")) for state, reason in rows
    ] == [("dismissed", True)]
    with store.read() as session:
        assert session.scalar(select(func.count(Anomaly.id))) == 5
