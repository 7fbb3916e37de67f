"""Demo data: counts, determinism, realism, every anomaly pattern, all-or-nothing, the audit."""

from __future__ import annotations

import collections
import datetime as dt
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from workstation.demo import DemoResult, generate
from workstation.errors import PermissionDenied, ValidationError, WorkstationError
from workstation.models import AuditEvent, Case, Counter, Lead, Person, Unit
from workstation.services import audit
from workstation.services import cases as case_service
from workstation.services import leads as lead_service
from workstation.services.auth import IMPLICIT_ADMIN, Actor
from workstation.store import Store, open_store
from workstation.vocab import CATEGORY, CHANNEL, infer_unit_type

AS_OF = dt.date(2021, 6, 30)
CAMPAIGN_START = dt.date(2021, 2, 26)
ADMIN = IMPLICIT_ADMIN


# --- the anomaly patterns of DESIGN §5, written from its table (as of 2021-06-30) -------------


def _open(c: Case) -> bool:
    """Filed, and not withdrawn, prosecuted or closed."""
    return (
        c.filed_on is not None
        and c.withdrawn_on is None
        and c.prosecuted_on is None
        and c.closed_on is None
    )


def nf1(c: Case) -> bool:
    limit = 30 if c.complex else 7
    no_decision = c.filed_on is None and c.not_filed_on is None
    return no_decision and (AS_OF - c.accepted_on).days > limit


def nf2(c: Case, named: set[str]) -> bool:
    return c.not_filed_on is not None and c.case_no in named


def sp1(c: Case) -> bool:
    if not _open(c):
        return False
    since = c.last_activity_on or c.filed_on
    assert since is not None
    return (AS_OF - since).days > 90


def sp2(c: Case) -> bool:
    return _open(c) and c.filed_on is not None and (AS_OF - c.filed_on).days > 365


def np1(c: Case) -> bool:
    return c.suspect_identified and c.withdrawn_on is not None


def np2(c: Case) -> bool:
    return c.procuratorate_decision in {"no_prosecution", "withdrawn_prosecution"}


def _patterns(c: Case, named: set[str]) -> set[str]:
    found = {name for name, rule in RULES.items() if rule(c)}
    if nf2(c, named):
        found.add("NF-2")
    return found


RULES = {"NF-1": nf1, "SP-1": sp1, "SP-2": sp2, "NP-1": np1, "NP-2": np2}


# --- fixtures ------------------------------------------------------------------------------------


def _new_store(folder: Path, name: str = "t.db") -> Store:
    return open_store(folder / name, create=True)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, DemoResult]]:
    """One store with 2,000 leads and 300 cases (seed 2021), shared by the read-only tests."""
    store = _new_store(tmp_path_factory.mktemp("demo"))
    result = generate(store, ADMIN, leads=2000, cases=300)
    yield store, result
    store.dispose()


@pytest.fixture
def demo_store(demo: tuple[Store, DemoResult]) -> Store:
    return demo[0]


@pytest.fixture
def session(demo_store: Store) -> Iterator[Session]:
    with demo_store.read() as s:
        yield s


def _count(session: Session, model: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _lead_case_nos(session: Session) -> set[str]:
    return set(session.scalars(select(Lead.case_no).where(Lead.case_no.is_not(None))))


# --- counts and the shape of the records ---------------------------------------------------------


def test_counts_match_the_store(demo: tuple[Store, DemoResult], session: Session) -> None:
    _, result = demo
    assert (result.leads, result.cases) == (2000, 300)
    assert result.units == _count(session, Unit) > 50
    assert result.persons == _count(session, Person) > 300
    assert _count(session, Lead) == 2000
    assert _count(session, Case) == 300
    assert result.seconds > 0
    assert result.to_json()["leads"] == 2000


def test_records_carry_what_orm_defaults_would_give(session: Session) -> None:
    for model in (Lead, Case, Person):
        rows = session.scalars(select(model)).all()
        assert len({r.uuid for r in rows}) == len(rows)
        for r in rows[:50]:
            assert uuid.UUID(r.uuid).version == 4
            assert r.created_by == r.updated_by == ADMIN.login
            assert r.created_at.tzinfo is not None
            assert r.created_at == r.updated_at
            assert getattr(r, "version", 1) == 1
    for model in (Lead, Case):  # SQL NULL, not the JSON text 'null'
        stmt = select(func.count()).select_from(model).where(model.extra.is_not(None))
        assert session.scalar(stmt) == 0


def test_services_can_read_what_was_generated(demo_store: Store) -> None:
    assert lead_service.count_leads(demo_store, ADMIN) == 2000
    rows = lead_service.list_leads(demo_store, ADMIN, limit=20)
    assert len(rows) == 20
    assert all(r.subject_unit for r in rows)
    assert case_service.count_cases(demo_store, ADMIN) == 300
    assert len(case_service.list_cases(demo_store, ADMIN, limit=20)) == 20


def test_every_record_passes_the_services_own_checks(session: Session) -> None:
    # The services' record checks (dates in order, concluded leads complete...) are private
    # helpers; calling them here keeps the demo honest about exactly the rules they enforce.
    for lead in session.scalars(select(Lead)):
        problems: dict[str, str] = {}
        lead_service.check_record(lead, problems)
        assert not problems, (lead.ref, problems)
    for case in session.scalars(select(Case)):
        problems = {}
        case_service.check_record(case, problems)
        assert not problems, (case.case_no, problems)


# --- determinism ---------------------------------------------------------------------------------


def _snapshot(store: Store) -> tuple[list[Any], list[Any], list[Any]]:
    subject = aliased(Person)
    with store.read() as s:
        leads = s.execute(
            select(
                Lead.ref, Lead.received_on, Lead.channel, Lead.category, Lead.summary,
                Lead.status, Lead.reporter_name, Lead.reporter_phone, Lead.case_no,
                Lead.concluded_on, subject.name,
            )
            .outerjoin(subject, Lead.subject_person_id == subject.id)
            .order_by(Lead.ref)
        ).all()  # fmt: skip
        cases = s.execute(
            select(Case.case_no, Unit.name, Case.cause, Case.accepted_on, Case.filed_on,
                   Case.withdrawn_on, Case.amount_fen)
            .join(Unit, Case.agency_id == Unit.id)
            .order_by(Case.case_no)
        ).all()  # fmt: skip
        persons = s.execute(
            select(Person.name, Unit.name, Person.position, Person.badge_no)
            .join(Unit, Person.unit_id == Unit.id)
            .order_by(Person.id)
        ).all()
    return [tuple(r) for r in leads], [tuple(r) for r in cases], [tuple(r) for r in persons]


def test_same_seed_gives_the_same_data(tmp_path: Path) -> None:
    one, two, other = (_new_store(tmp_path, f"{n}.db") for n in ("one", "two", "other"))
    try:
        for store, seed in ((one, 7), (two, 7), (other, 8)):
            generate(store, ADMIN, leads=300, cases=60, seed=seed)
        first, second, third = _snapshot(one), _snapshot(two), _snapshot(other)
        assert first == second
        assert len(first[0]) == 300
        assert len(first[1]) == 60
        assert [r[4] for r in first[0]] != [r[4] for r in third[0]]  # summaries
        assert [r[1] for r in first[0]] != [r[1] for r in third[0]]  # dates
        assert first[1] != third[1]
    finally:
        for store in (one, two, other):
            store.dispose()


# --- leads -----------------------------------------------------------------------------------


def test_every_channel_and_category_occurs(session: Session) -> None:
    channels = collections.Counter(session.scalars(select(Lead.channel)))
    categories = collections.Counter(session.scalars(select(Lead.category)))
    assert set(channels) == set(CHANNEL.keys())
    assert set(categories) == set(CATEGORY.keys())
    top = {c for c, _ in categories.most_common(4)}
    assert top == {"other", "interference", "case_handling", "business"}


def test_lead_dates_are_in_the_campaign_and_mostly_on_working_days(session: Session) -> None:
    leads = session.scalars(select(Lead)).all()
    for lead in leads:
        assert CAMPAIGN_START <= lead.received_on <= AS_OF
        assert lead.due_on == lead.received_on + dt.timedelta(days=30)
        if lead.concluded_on is not None:
            assert lead.received_on <= lead.concluded_on <= AS_OF
    per_day = collections.Counter(lead.received_on for lead in leads)
    weekday = [n for d, n in per_day.items() if d.weekday() < 5]
    weekend = [n for d, n in per_day.items() if d.weekday() >= 5]
    assert sum(weekday) / len(weekday) > 2 * sum(weekend) / len(weekend)


def test_lead_progress_is_realistic_for_the_as_of_date(session: Session) -> None:
    leads = session.scalars(select(Lead)).all()
    assert {lead.status for lead in leads} == {
        "new", "assigned", "verifying", "concluded", "transferred", "shelved",
    }  # fmt: skip
    handler_words = ("督察", "纪检监察", "执法监督", "领导小组办公室")
    handlers = {u.id: u.name for u in session.scalars(select(Unit))}
    for lead in leads:
        if lead.status == "concluded":
            assert lead.disposition
            assert lead.result
            assert lead.concluded_on
        else:
            assert lead.result is None
            assert lead.concluded_on is None
        if lead.status in {"assigned", "verifying", "concluded", "transferred", "shelved"}:
            assert lead.handler_unit_id is not None
            assert any(w in handlers[lead.handler_unit_id] for w in handler_words)
        if lead.status == "new":
            assert lead.handler_unit_id is None
            assert lead.disposition is None

    def concluded_share(first: dt.date, last: dt.date) -> float:
        some = [lead for lead in leads if first <= lead.received_on <= last]
        return sum(lead.status == "concluded" for lead in some) / len(some)

    assert concluded_share(CAMPAIGN_START, dt.date(2021, 3, 31)) > 0.6
    assert concluded_share(dt.date(2021, 6, 1), AS_OF) < 0.25


def test_reporters_summaries_and_refs_look_real(session: Session) -> None:
    leads = session.scalars(select(Lead)).all()
    anonymous = [lead for lead in leads if lead.anonymous]
    assert 0.15 < len(anonymous) / len(leads) < 0.35
    assert all(lead.reporter_name is None for lead in anonymous)
    named = [lead for lead in leads if lead.reporter_name]
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,4}", lead.reporter_name) for lead in named)
    phones = [lead.reporter_phone for lead in leads if lead.reporter_phone]
    assert len(phones) > 500
    assert all(re.fullmatch(r"1[3-9]\d{9}", p) for p in phones)
    for lead in leads:
        assert 50 <= len(lead.summary) <= 300, lead.summary
        assert not re.search(r"[{}]|None", lead.summary), lead.summary
        assert "江州市" in lead.summary or "江北县" in lead.summary or "清河县" in lead.summary
    refs = [lead.ref for lead in leads]
    assert len(set(refs)) == len(refs)
    assert all(re.fullmatch(r"XS2021-\d{5}", ref) for ref in refs)
    assert sorted(refs) == [lead.ref for lead in sorted(leads, key=lambda x: (x.received_on, x.id))]
    assert session.get(Counter, "lead_ref:2021").value == 2000


def test_some_leads_repeat_an_earlier_one_by_another_channel(session: Session) -> None:
    by_id = {lead.id: lead for lead in session.scalars(select(Lead))}
    repeats = [lead for lead in by_id.values() if lead.repeat_of_id is not None]
    assert len(repeats) >= 5
    for lead in repeats:
        first = by_id[lead.repeat_of_id]
        assert first.received_on <= lead.received_on
        assert first.ref < lead.ref
        assert first.channel != lead.channel
        assert (first.summary, first.subject_person_id, first.subject_unit_id) == (
            lead.summary, lead.subject_person_id, lead.subject_unit_id,
        )  # fmt: skip


def test_some_officers_are_named_in_three_leads_within_90_days(session: Session) -> None:
    dates: dict[int, list[dt.date]] = collections.defaultdict(list)
    rows = session.execute(select(Lead.subject_person_id, Lead.received_on).order_by(Lead.id))
    for person_id, received in rows:
        if person_id is not None:
            dates[person_id].append(received)
    watched = [
        pid
        for pid, days in dates.items()
        if any((b - a).days <= 90 for a, b in zip(sorted(days), sorted(days)[2:], strict=False))
    ]
    assert len(watched) >= 5


def test_leads_naming_a_case_name_a_real_one(session: Session) -> None:
    named = _lead_case_nos(session)
    cases = set(session.scalars(select(Case.case_no)))
    assert len(named) >= 20
    assert named <= cases
    for lead in session.scalars(select(Lead).where(Lead.case_no.is_not(None))):
        assert lead.case_no in lead.summary
        assert lead.category == "case_handling"


# --- cases ---------------------------------------------------------------------------------------


def test_every_anomaly_pattern_occurs_and_most_cases_are_normal(session: Session) -> None:
    named = _lead_case_nos(session)
    cases = session.scalars(select(Case)).all()
    found = [_patterns(c, named) for c in cases]
    seen = collections.Counter(p for patterns in found for p in patterns)
    assert set(seen) == {"NF-1", "NF-2", "SP-1", "SP-2", "NP-1", "NP-2"}, seen
    assert any(c.complex and nf1(c) and (AS_OF - c.accepted_on).days > 30 for c in cases)
    assert any(c.complex and not nf1(c) and c.filed_on is None and c.not_filed_on is None
               and (AS_OF - c.accepted_on).days > 7 for c in cases)  # fmt: skip
    normal = [c for c, patterns in zip(cases, found, strict=True) if not patterns]
    assert len(normal) > len(cases) / 2
    assert any(c.prosecuted_on for c in normal)
    assert any(c.closed_on for c in normal)
    assert any(c.not_filed_on and c.case_no not in named for c in normal)
    assert any(c.procuratorate_decision == "no_arrest" for c in normal)
    assert any(c.withdrawn_on for c in normal)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_small_runs_have_every_pattern_whatever_the_seed(tmp_path: Path, seed: int) -> None:
    store = _new_store(tmp_path)
    try:
        generate(store, ADMIN, leads=150, cases=40, seed=seed)
        with store.read() as s:
            named = _lead_case_nos(s)
            seen = set().union(*(_patterns(c, named) for c in s.scalars(select(Case))))
        assert seen == {"NF-1", "NF-2", "SP-1", "SP-2", "NP-1", "NP-2"}
    finally:
        store.dispose()


def test_case_facts_are_consistent_and_look_real(session: Session) -> None:
    units = {u.id: u for u in session.scalars(select(Unit))}
    persons = {p.id: p for p in session.scalars(select(Person))}
    cases = session.scalars(select(Case)).all()
    for c in cases:
        dates = [c.accepted_on, c.filed_on, c.not_filed_on, c.withdrawn_on, c.prosecuted_on,
                 c.closed_on, c.last_activity_on]  # fmt: skip
        assert all(dt.date(2019, 1, 1) <= d <= AS_OF for d in dates if d is not None)
        assert not (c.filed_on and c.not_filed_on)
        if c.last_activity_on and c.filed_on:
            assert c.last_activity_on >= c.filed_on
        if c.prosecuted_on or c.procuratorate_decision in {"no_prosecution", "no_arrest"}:
            assert c.kind == "criminal"
            assert c.suspect_identified
        assert re.fullmatch(rf".+〔{c.accepted_on.year}〕\d+号", c.case_no), c.case_no
        assert units[c.agency_id].type in {"police", "procuratorate"}
        if c.officer_id is not None:
            assert persons[c.officer_id].unit_id == c.agency_id
            assert persons[c.officer_id].position not in {"辅警", "书记员"}
    assert len({c.case_no for c in cases}) == len(cases)
    police = sum(units[c.agency_id].type == "police" for c in cases)
    assert 0.8 < police / len(cases) < 1
    assert {c.kind for c in cases} == {"criminal", "administrative"}
    assert sum(c.amount_fen is not None for c in cases) > 50
    assert len({c.cause for c in cases}) > 15


# --- units and persons ---------------------------------------------------------------------------


EXPECTED_UNITS = {
    "江州市委政法委": "committee",
    "江州市中级人民法院": "court",
    "江州市东湖区人民法院": "court",
    "江州市中级人民法院督察室": "court",
    "江州市人民检察院": "procuratorate",
    "江州市东湖区人民检察院": "procuratorate",
    "江州市公安局": "police",
    "江州市公安局东湖分局": "police",
    "江州市公安局东湖分局城关派出所": "police",
    "江州市公安局交警支队": "police",
    "江州市公安局刑警支队": "police",
    "江州市公安局督察支队": "police",
    "江州市司法局": "justice",
    "江州市强制隔离戒毒所": "justice",
    "江州市东湖区城关街道办事处": "township",
}
POSITIONS = {
    "committee": {"科长", "副科长", "科员", "副书记"},
    "court": {"庭长", "副庭长", "审判员", "法官助理", "书记员", "执行员", "司法警察"},
    "procuratorate": {"副检察长", "部门主任", "检察官", "检察官助理", "书记员"},
    "police": {"副局长", "支队长", "副支队长", "大队长", "副大队长", "中队长", "所长", "副所长",
               "教导员", "社区民警", "民警", "辅警"},
    "justice": {"副局长", "科长", "科员", "所长", "副所长", "社区矫正工作人员", "大队长",
                "管教民警", "民警"},
    "township": {"副镇长", "综治中心主任", "副主任", "工作人员"},
}  # fmt: skip


def test_units_have_the_types_their_names_say(session: Session) -> None:
    units = session.scalars(select(Unit)).all()
    by_name = {u.name: u for u in units}
    for unit in units:
        assert unit.type == infer_unit_type(unit.name), unit.name
    for name, unit_type in EXPECTED_UNITS.items():
        assert by_name[name].type == unit_type
    stations = [u for u in units if u.name.endswith("派出所")]
    assert len(stations) >= 15
    assert all(by_name[u.name].parent_id is not None for u in stations)
    assert sum(u.name.endswith("人民法庭") for u in units) >= 3
    assert sum(u.name.endswith("司法所") for u in units) >= 3
    assert sum(u.type == "township" for u in units) >= 4


def test_persons_have_names_positions_and_badges_fitting_their_units(session: Session) -> None:
    units = {u.id: u for u in session.scalars(select(Unit))}
    persons = session.scalars(select(Person)).all()
    surnames = collections.Counter(p.name[0] for p in persons)
    assert surnames.most_common(1)[0][0] in "王李张刘陈"
    for p in persons:
        unit = units[p.unit_id]
        assert re.fullmatch(r"[\u4e00-\u9fff]{2,4}", p.name)
        assert p.position in POSITIONS[unit.type], (unit.name, p.position)
        if unit.type == "police" and p.position != "辅警":
            assert p.badge_no is not None
            assert re.fullmatch(r"\d{6}", p.badge_no)
        else:
            assert p.badge_no is None
    badges = [p.badge_no for p in persons if p.badge_no]
    assert len(set(badges)) == len(badges)


# --- running again, cancelling, refusing, progress, the audit ------------------------------------


def test_a_second_run_adds_more_and_numbers_stay_unique(tmp_path: Path) -> None:
    store = _new_store(tmp_path)
    try:
        first = generate(store, ADMIN, leads=300, cases=60, seed=5)
        again = generate(store, ADMIN, leads=300, cases=60, seed=5)
        other = generate(store, ADMIN, leads=200, cases=40, seed=6)
        assert (again.units, again.persons) == (0, 0)  # the same city and officers, reused
        assert first.units > 0
        assert other.persons > 0
        with store.read() as s:
            refs = list(s.scalars(select(Lead.ref)))
            assert len(refs) == len(set(refs)) == 800
            assert max(refs) == "XS2021-00800"
            assert s.get(Counter, "lead_ref:2021").value == 800
            numbers = s.execute(select(Case.agency_id, Case.case_no)).all()
            assert len(numbers) == len(set(numbers)) == 160
            assert len({n for _, n in numbers}) == 160
            assert _count(s, Unit) == first.units
            for lead in s.scalars(select(Lead).where(Lead.repeat_of_id.is_not(None))):
                assert s.get(Lead, lead.repeat_of_id).summary == lead.summary
            events = s.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        assert [e.action for e in events] == ["demo.generate"] * 3
        assert events[0].entity_type == "store"
        assert events[0].after == {
            "counts": {"units": first.units, "persons": first.persons, "leads": 300, "cases": 60},
            "seed": 5,
        }
        assert events[2].after["seed"] == 6
        assert audit.verify_chain(store, ADMIN).ok
    finally:
        store.dispose()


def test_refs_skip_numbers_already_taken(tmp_path: Path) -> None:
    store = _new_store(tmp_path)
    try:
        lead_service.create_lead(
            store, ADMIN,
            {"ref": "XS2021-00002", "received_on": "2021-03-01", "summary": "已有的一条线索"},
            today=AS_OF,
        )  # fmt: skip
        generate(store, ADMIN, leads=5, cases=0)
        with store.read() as s:
            refs = sorted(s.scalars(select(Lead.ref)))
        assert refs == [f"XS2021-{n:05d}" for n in range(1, 7)]
        assert audit.verify_chain(store, ADMIN).ok
    finally:
        store.dispose()


def test_case_numbers_continue_after_those_in_the_store(tmp_path: Path) -> None:
    store = _new_store(tmp_path)
    agency = "江州市公安局东湖分局刑警大队"
    try:
        case_service.create_case(
            store, ADMIN,
            {"case_no": "东公刑案字〔2021〕7号", "agency": agency, "accepted_on": "2021-01-05"},
            today=AS_OF,
        )  # fmt: skip
        generate(store, ADMIN, leads=0, cases=400)
        with store.read() as s:
            numbers = list(
                s.scalars(
                    select(Case.case_no)
                    .join(Unit, Case.agency_id == Unit.id)
                    .where(Unit.name == agency, Case.case_no.like("%〔2021〕%"))
                )
            )
            assert _count(s, Unit) == len(set(s.scalars(select(Unit.name_key))))
        assert len(numbers) == len(set(numbers)) > 2
        used = sorted(int(re.search(r"〕(\d+)号", n)[1]) for n in numbers)
        assert used[:2] == [7, 8]
        assert audit.verify_chain(store, ADMIN).ok
    finally:
        store.dispose()


@pytest.mark.parametrize("calls_before_cancel", [0, 3])
def test_cancel_leaves_the_store_untouched(tmp_path: Path, calls_before_cancel: int) -> None:
    store = _new_store(tmp_path)
    calls = 0

    def cancel() -> bool:
        nonlocal calls
        calls += 1
        return calls > calls_before_cancel

    try:
        with pytest.raises(WorkstationError, match="已取消"):
            generate(store, ADMIN, leads=12_000, cases=1_000, cancel=cancel)
        with store.read() as s:
            for model in (Lead, Case, Unit, Person, AuditEvent, Counter):
                assert _count(s, model) == 0, model
    finally:
        store.dispose()


def test_only_an_admin_may_generate(tmp_path: Path) -> None:
    store = _new_store(tmp_path)
    clerk = Actor(login="clerk1", display_name="王录入", role="clerk")
    try:
        with pytest.raises(PermissionDenied):
            generate(store, clerk, leads=10, cases=10)
        with pytest.raises(ValidationError):
            generate(store, ADMIN, leads=-1, cases=10)
        with store.read() as s:
            assert _count(s, Unit) == 0
            assert _count(s, AuditEvent) == 0
    finally:
        store.dispose()


def test_progress_is_reported_up_to_the_total(tmp_path: Path) -> None:
    store = _new_store(tmp_path)
    seen: list[tuple[int, int]] = []
    try:
        generate(store, ADMIN, leads=11_000, cases=100, progress=lambda d, t: seen.append((d, t)))
    finally:
        store.dispose()
    assert len(seen) >= 3
    assert all(total == 11_100 for _, total in seen)
    done = [d for d, _ in seen]
    assert done == sorted(done)
    assert done[-1] == 11_100


def test_empty_run_still_builds_the_city(tmp_path: Path) -> None:
    store = _new_store(tmp_path)
    try:
        result = generate(store, ADMIN, leads=0, cases=0)
        assert (result.leads, result.cases) == (0, 0)
        assert result.units > 0
        assert audit.verify_chain(store, ADMIN).ok
    finally:
        store.dispose()
