"""Two people, two workstations, one store: a save based on an old read is refused with who
changed the record and when ("已被 张三 于 10:42 修改（您打开后）"), never a silent lost update.

Each person has their own Store (engine and connections) on the same SQLite file, or the same
PostgreSQL database in a PostgreSQL run, as two workstations would."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event, func, select, update

from workstation.errors import Conflict
from workstation.models import AuditEvent, Lead
from workstation.services import cases, leads, review, settings_svc, stale_edits
from workstation.services.auth import IMPLICIT_ADMIN, Actor
from workstation.services.leads import LeadEdit
from workstation.services.users import add_user
from workstation.store import Store, open_store

TODAY = dt.date(2021, 6, 30)
ZHANG = Actor(login="zhangsan", display_name="张三", role="admin")
LI = Actor(login="lisi", display_name="李四", role="inspector")


def _location(store: Store) -> str:
    return str(store.path) if store.path else store.url.render_as_string(hide_password=False)


@pytest.fixture
def second(store: Store) -> Iterator[Store]:
    """The second workstation: its own engine on the same store."""
    other = open_store(_location(store))
    yield other
    other.dispose()


@pytest.fixture
def people(store: Store) -> dict[str, Actor]:
    add_user(store, IMPLICIT_ADMIN, ZHANG.login, ZHANG.display_name, ZHANG.role, "zhang-pass-1")
    add_user(store, IMPLICIT_ADMIN, LI.login, LI.display_name, LI.role, "li-pass-1234")
    return {"张三": ZHANG, "李四": LI}


def _new_lead(store: Store, summary: str = "反映某所民警插手经济纠纷。") -> leads.LeadRow:
    fields = {"received_on": "2021-03-05", "channel": "来电", "summary": summary}
    return leads.create_lead(store, IMPLICIT_ADMIN, fields, today=TODAY)


def _updates(store: Store) -> int:
    with store.read() as s:
        return s.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "lead.update")
        )


def _refusal(ref: str, who: str, at: dt.datetime) -> str:
    return f"线索“{ref}”已被 {who} 于 {stale_edits.moment(at)} 修改（您打开后），请刷新后再改"


@pytest.mark.parametrize("first_name", ["张三", "李四"])
def test_a_save_on_an_old_read_is_refused_with_who_and_when(
    store: Store, second: Store, people: dict[str, Actor], first_name: str
) -> None:
    """Both read version 1; whoever saves first wins, the other is told who and when, in
    either order, however much later the second save comes."""
    lead = _new_lead(store)
    seen_here = leads.get_lead(store, ZHANG, lead.id)
    seen_there = leads.get_lead(second, LI, lead.id)
    assert seen_here.version == seen_there.version == 1
    mine = {"张三": (store, ZHANG, seen_here), "李四": (second, LI, seen_there)}
    winner = mine[first_name]
    loser = mine["李四" if first_name == "张三" else "张三"]

    saved = leads.update_lead(
        winner[0], winner[1], lead.id, {"disposition": "初步核实"},
        expected_version=winner[2].version, today=TODAY,
    )  # fmt: skip
    assert saved.version == 2
    with pytest.raises(Conflict) as refused:
        leads.update_lead(
            loser[0], loser[1], lead.id, {"disposition": "谈话函询"},
            expected_version=loser[2].version, today=TODAY,
        )  # fmt: skip
    assert refused.value.message == _refusal(lead.ref, first_name, saved.updated_at)
    assert re.search(rf"已被 {first_name} 于 \d\d:\d\d 修改", refused.value.message)
    for where in (store, second):
        now = leads.get_lead(where, IMPLICIT_ADMIN, lead.id)
        assert (now.disposition, now.version, now.updated_by) == (
            "preliminary_check", 2, winner[1].login,
        )  # fmt: skip
    assert _updates(store) == 1

    # After a refresh the loser's save goes through, on top of the winner's.
    fresh = leads.get_lead(loser[0], loser[1], lead.id)
    again = leads.update_lead(
        loser[0], loser[1], lead.id, {"status": "verifying"},
        expected_version=fresh.version, today=TODAY,
    )  # fmt: skip
    assert (again.disposition, again.status, again.version) == (
        "preliminary_check", "verifying", 3,
    )  # fmt: skip


def test_a_bulk_save_on_an_old_read_names_the_first_and_counts_the_others(
    store: Store, second: Store, people: dict[str, Actor]
) -> None:
    rows = [_new_lead(store, f"反映第{i}号民警违规经商办企业。") for i in range(4)]
    for row in rows[1:3]:
        leads.update_lead(second, LI, row.id, {"status": "assigned"}, today=TODAY)
    changed = leads.get_lead(store, ZHANG, rows[1].id)
    edits = [LeadEdit(r.id, {"handler_unit": "江州市纪委监委"}, r.version) for r in rows]
    with pytest.raises(Conflict) as refused:
        leads.update_leads(store, ZHANG, edits, today=TODAY)
    first = _refusal(rows[1].ref, "李四", changed.updated_at).removesuffix("，请刷新后再改")
    assert refused.value.message == f"{first}；另有 1 条所选线索也已被他人修改，请刷新后再改"
    assert all(leads.get_lead(store, ZHANG, r.id).handler_unit is None for r in rows)  # all or none


def test_an_edit_without_a_version_is_not_refused(
    store: Store, second: Store, people: dict[str, Actor]
) -> None:
    """A change that names no version (the command line's) is made on the stored record."""
    lead = _new_lead(store)
    leads.update_lead(second, LI, lead.id, {"status": "assigned"}, today=TODAY)
    saved = leads.update_lead(store, ZHANG, lead.id, {"disposition": "初步核实"}, today=TODAY)
    assert (saved.status, saved.disposition, saved.version) == (
        "assigned", "preliminary_check", 3,
    )  # fmt: skip


@pytest.mark.parametrize("first_name", ["张三", "李四"])
def test_a_case_saved_on_an_old_read_is_refused(
    store: Store, second: Store, people: dict[str, Actor], first_name: str
) -> None:
    case = cases.create_case(
        store, IMPLICIT_ADMIN,
        {"case_no": "江公刑案〔2021〕1号", "agency": "江州市公安局东湖分局",
         "accepted_on": "2021-03-01"},
        today=TODAY,
    )  # fmt: skip
    who = {"张三": (store, ZHANG), "李四": (second, LI)}
    winner, loser = who[first_name], who["李四" if first_name == "张三" else "张三"]
    saved = cases.update_case(
        winner[0], winner[1], case.id, {"filed_on": "2021-03-04"},
        expected_version=case.version, today=TODAY,
    )  # fmt: skip
    with pytest.raises(Conflict) as refused:
        cases.update_case(
            loser[0], loser[1], case.id, {"cause": "盗窃"},
            expected_version=case.version, today=TODAY,
        )  # fmt: skip
    assert refused.value.message == (
        f"案件“江公刑案〔2021〕1号”已被 {first_name} 于 {stale_edits.moment(saved.updated_at)} "
        "修改（您打开后），请刷新后再改"
    )
    assert cases.get_case(store, ZHANG, case.id).cause is None


def test_a_decision_on_a_flag_someone_else_decided_is_refused(
    store: Store, second: Store, people: dict[str, Actor]
) -> None:
    case = cases.create_case(
        store, IMPLICIT_ADMIN,
        {"case_no": "江公刑案〔2021〕2号", "agency": "江州市公安局东湖分局",
         "accepted_on": "2021-03-01"},
        today=TODAY,
    )  # fmt: skip
    review.scan(store, IMPLICIT_ADMIN, as_of=TODAY)
    (flag,) = review.list_anomalies(store, LI)
    assert (flag.case_id, flag.state) == (case.id, "suspected")
    decided = review.dismiss(second, LI, flag.id, "已补立案", expected_state=flag.state)
    with pytest.raises(Conflict) as refused:
        review.confirm(store, ZHANG, flag.id, "确属有案不立", expected_state=flag.state)
    assert refused.value.message.endswith(
        f"已被 李四 于 {stale_edits.moment(decided.decided_at)} 改为“已排除”（您打开后），"
        "请刷新后再处理"
    )
    assert review.get_anomaly(store, ZHANG, flag.id).state == "dismissed"


def test_who_is_named_by_display_name_and_when_by_the_local_clock(store: Store) -> None:
    add_user(store, IMPLICIT_ADMIN, ZHANG.login, ZHANG.display_name, ZHANG.role, "zhang-pass-1")
    with store.read() as s:
        assert stale_edits.display_name(s, "zhangsan") == "张三"
        assert stale_edits.display_name(s, "admin") == "管理员"  # a single-user store's admin
        assert stale_edits.display_name(s, "gone") == "gone"  # no such user here (any more)
        unknown = stale_edits.changed_since(s, "设置“印发单位”", None, None)
        assert unknown.message == "设置“印发单位”已被 他人 修改（您打开后），请刷新后再改"
    at = dt.datetime(2021, 3, 5, 10, 42, tzinfo=dt.UTC)
    local = at.astimezone()
    assert stale_edits.moment(at, today=local.date()) == local.strftime("%H:%M")
    other_day = local.date() + dt.timedelta(days=1)
    assert stale_edits.moment(at, today=other_day) == (
        f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
    )


def test_a_save_that_races_another_is_refused_on_a_server(
    store: Store, second: Store, people: dict[str, Actor]
) -> None:
    """Between this transaction's read and its UPDATE another one commits: the version in the
    UPDATE's WHERE clause matches no row, and the refusal names who won, as above.

    The services' writers take turns (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock
    from the transaction's start), so the race needs a writer that does not: here plain SQL on
    the server, as another program might send. SQLite would make that writer wait instead."""
    if store.is_sqlite:
        pytest.skip("SQLite lets one writer in at a time, from its first read")
    lead = _new_lead(store)
    at = dt.datetime.now(dt.UTC)
    raced: list[bool] = []

    def other_saves_first(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE LEADS") and not raced:
            raced.append(True)
            with second.engine.begin() as other:
                other.execute(
                    update(Lead)
                    .where(Lead.id == lead.id)
                    .values(status="assigned", version=Lead.version + 1, updated_by=LI.login,
                            updated_at=at)
                )  # fmt: skip

    event.listen(store.engine, "before_cursor_execute", other_saves_first)
    try:
        with pytest.raises(Conflict) as refused:
            leads.update_lead(store, ZHANG, lead.id, {"disposition": "初步核实"}, today=TODAY)
    finally:
        event.remove(store.engine, "before_cursor_execute", other_saves_first)
    assert refused.value.message == _refusal(lead.ref, "李四", at)
    now = leads.get_lead(store, ZHANG, lead.id)
    assert (now.status, now.disposition, now.version) == ("assigned", None, 2)


def test_a_setting_changed_since_the_form_showed_it_is_not_overwritten(
    store: Store, second: Store, people: dict[str, Actor]
) -> None:
    shown_here = settings_svc.current(store, ZHANG)
    shown_there = settings_svc.current(second, LI)
    li_admin = dataclasses.replace(LI, role="admin")
    settings_svc.update_settings(second, li_admin, {"nf1_days": 10}, expected=shown_there)
    with store.read() as s:
        at = s.scalar(select(func.max(AuditEvent.at)))
    with pytest.raises(Conflict) as refused:
        settings_svc.update_settings(store, ZHANG, {"nf1_days": 5}, expected=shown_here)
    assert refused.value.message == (
        f"设置“受案后立案期限”已被 李四 于 {stale_edits.moment(at)} 修改（您打开后），请刷新后再改"
    )
    assert settings_svc.current(store, ZHANG).nf1_days == 10
    # Another setting, untouched since the form showed it, saves; so does the same one re-read.
    assert settings_svc.update_settings(
        store, ZHANG, {"sp1_days": 60}, expected=shown_here
    ).nf1_days == 10  # fmt: skip
    fresh = settings_svc.current(store, ZHANG)
    assert settings_svc.update_settings(store, ZHANG, {"nf1_days": 5}, expected=fresh).nf1_days == 5
