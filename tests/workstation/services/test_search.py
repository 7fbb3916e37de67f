"""Lead search: the trigram index, folding, short queries, the pending queue, and the filters."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from alembic import command
from sqlalchemy import func, select, text

from workstation import search
from workstation.models import Lead
from workstation.models.lead import LeadSearchPending, LeadSearchText
from workstation.search import pg_trgm, sqlite_fts
from workstation.services import leads, units
from workstation.services.auth import Actor
from workstation.services.leads import LeadQuery
from workstation.store import Store, open_store, to_url
from workstation.store.migrate import alembic_config

TODAY = dt.date(2021, 6, 30)


def _lead(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "received_on": "2021-03-05",
        "channel": "来信",
        "summary": "反映东湖分局城关派出所民警插手他人经济纠纷，违规查封财物。",
        "subject": "王建国",
        "subject_unit": "江州市公安局东湖分局城关派出所",
        "reporter_name": "陈晓梅",
        "case_no": "东公(刑)立字[2021]15号",
    }
    fields.update(overrides)
    return fields


def _refs(store: Store, actor: Actor, **query: Any) -> list[str]:
    rows = leads.list_leads(store, actor, LeadQuery(**query))
    assert leads.count_leads(store, actor, LeadQuery(**query)) == len(rows)
    return sorted(r.ref for r in rows)


def _pending(store: Store) -> int:
    with store.read() as session:
        return search.pending_count(session)


def _fts_count(store: Store, phrase: str) -> int:
    """Leads the index itself finds for a phrase (FTS5 on SQLite, the trigram index's table on
    PostgreSQL), pending or not."""
    with store.read() as session:
        if store.is_sqlite:
            stmt = text("SELECT count(*) FROM lead_search WHERE lead_search MATCH :q")
            return int(session.scalar(stmt, {"q": f'"{phrase}"'}) or 0)
        stmt = text("SELECT count(*) FROM lead_search_text WHERE body LIKE :q")
        return int(session.scalar(stmt, {"q": f"%{phrase}%"}) or 0)


@pytest.fixture
def three(store: Store, admin: Actor) -> list[str]:
    a = leads.create_lead(store, admin, _lead(), today=TODAY)
    b = leads.create_lead(
        store, admin,
        _lead(summary="違規經商辦企業，其配偶開辦公司", subject="李四",
              subject_unit="江州市中級人民法院", reporter_name="匿名", case_no=None,
              received_on="2021-04-01"),
        today=TODAY,
    )  # fmt: skip
    c = leads.create_lead(
        store, admin,
        _lead(summary="Ｅ－ｍａｉｌ举报：某检察官接受吃请", subject="赵六",
              subject_unit="江州市人民检察院", reporter_name="刘大伟", case_no=None,
              received_on="2021-05-02"),
        today=TODAY,
    )  # fmt: skip
    return [a.ref, b.ref, c.ref]


def test_saved_leads_are_indexed_at_once(store: Store, admin: Actor, three: list[str]) -> None:
    assert _pending(store) == 0
    assert _fts_count(store, "插手他人") == 1


@pytest.mark.parametrize(
    ("typed", "which"),
    [
        ("插手他人经济", [0]),  # summary
        ("王建国", [0]),  # subject
        ("城关派出所", [0]),  # subject's unit
        ("陈晓梅", [0]),  # reporter
        ("立字[2021]15", [0]),  # case number
        ("xs2021-0000", [0, 1, 2]),  # reference numbers, any case
        ("违规经商", [1]),  # simplified query, traditional text
        ("開辦公司", [1]),  # traditional query, traditional text
        ("中级人民法院", [1]),  # the unit's name in the other script
        ("e-mail举报", [2]),  # full-width text, half-width query
        ("检 察 官", [2]),  # spaces make no difference
        ("王建", [0]),  # two characters: scanned, not indexed
        ("經商", [1]),  # two characters, traditional
        ("刘", [2]),  # one character
        ("江州市", [0, 1, 2]),
        ("没有这回事", []),
    ],
)
def test_search_finds_any_field_in_any_spelling(
    store: Store, admin: Actor, three: list[str], typed: str, which: list[int]
) -> None:
    assert _refs(store, admin, search=typed) == sorted(three[i] for i in which)


@pytest.mark.parametrize(
    "typed",
    ['"', '""', "'", "AND", "OR NOT", "NEAR(插手 他人)", "插手*", "^插手", "body:插手", "(插手",
     "%", "_", "\\", "*", "-插手", "插手 + 他人", "\x00插手"],
)  # fmt: skip
def test_query_syntax_is_text_and_never_an_error(
    store: Store, admin: Actor, three: list[str], typed: str
) -> None:
    leads.count_leads(store, admin, LeadQuery(search=typed))
    leads.list_leads(store, admin, LeadQuery(search=typed), limit=10)


def test_quotes_and_wildcards_are_found_literally(store: Store, admin: Actor) -> None:
    a = leads.create_lead(store, admin, _lead(summary='他说"今晚有饭局"，100%_真实'), today=TODAY)
    leads.create_lead(store, admin, _lead(summary="另一件事情"), today=TODAY)
    for typed in ('"今晚有', "100%_", "%_真", "%_"):
        assert _refs(store, admin, search=typed) == [a.ref], typed
    assert _refs(store, admin, search="100%x") == []


def test_blank_search_lists_everything(store: Store, admin: Actor, three: list[str]) -> None:
    assert _refs(store, admin, search="  \u200b ") == sorted(three)


def _write_around(store: Store, statement: str, **params: Any) -> None:
    """A change that no service makes (an import, another program), committed at once."""
    with store.engine.begin() as conn:
        conn.execute(text(statement), params)


_QUEUE_ALL = (
    "INSERT INTO lead_search_pending (lead_id) SELECT id FROM leads"
    " WHERE id NOT IN (SELECT lead_id FROM lead_search_pending)"
)


def test_leads_written_around_the_services_are_found_before_and_after_sync(
    store: Store, admin: Actor, three: list[str]
) -> None:
    # A change that no service made (an import, another program): queued by the triggers.
    _write_around(
        store, "UPDATE leads SET summary = '反映民警索要好处费' WHERE ref = :r", r=three[0]
    )
    _write_around(
        store,
        "INSERT INTO leads (ref, received_on, channel, anonymous, category, summary, status,"
        " version, uuid, created_at, updated_at) VALUES ('XS2021-09999', '2021-06-01', 'phone',"
        " :no, 'other', '反映某所长违规收受礼金', 'new', 1, 'u-9999', '2021-06-01 00:00:00.000000',"
        " '2021-06-01 00:00:00.000000')",
        no=False,
    )
    assert _pending(store) == 2
    for synced in (False, True):
        assert _refs(store, admin, search="索要好处") == [three[0]]
        assert _refs(store, admin, search="插手他人") == []  # the old text no longer matches
        assert _refs(store, admin, search="收受礼金") == ["XS2021-09999"]
        assert _refs(store, admin, search="礼金") == ["XS2021-09999"]
        if not synced:
            assert search.sync_search_index(store, admin) == 2
    assert _pending(store) == 0
    assert _fts_count(store, "插手他人") == 0
    assert _fts_count(store, "收受礼金") == 1


def test_deleted_leads_leave_the_index_and_reused_ids_are_indexed_afresh(
    store: Store, admin: Actor, three: list[str]
) -> None:
    with store.read() as session:
        last_id = session.scalar(select(func.max(Lead.id)))
    _write_around(store, "DELETE FROM leads WHERE id = :id", id=last_id)
    assert _refs(store, admin, search="接受吃请") == []
    # SQLite gives the highest id again to the next row: the old text must not come back.
    _write_around(
        store,
        "INSERT INTO leads (id, ref, received_on, channel, anonymous, category, summary, status,"
        " version, uuid, created_at, updated_at) VALUES (:id, 'XS2021-08888', '2021-06-01',"
        " 'phone', :no, 'other', '新的线索内容关于违规饮酒', 'new', 1, 'u-8888',"
        " '2021-06-01 00:00:00.000000', '2021-06-01 00:00:00.000000')",
        id=last_id,
        no=False,
    )
    assert _refs(store, admin, search="接受吃请") == []
    assert _refs(store, admin, search="违规饮酒") == ["XS2021-08888"]
    search.sync_search_index(store, admin)
    assert _refs(store, admin, search="接受吃请") == []
    assert _refs(store, admin, search="违规饮酒") == ["XS2021-08888"]
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(LeadSearchText)) == 3
    assert _fts_count(store, "接受吃请") == 0


def test_renaming_a_unit_or_a_person_requeues_their_leads(
    store: Store, admin: Actor, three: list[str]
) -> None:
    units.update_unit(
        store, admin, "江州市公安局东湖分局城关派出所", name="江州市公安局东湖分局城南派出所"
    )
    assert _pending(store) == 1
    assert _refs(store, admin, search="城南派出所") == [three[0]]
    assert _refs(store, admin, search="城关派出所") == [three[0]]  # still in its summary
    assert _refs(store, admin, search="分局城关派") == [three[0]]
    search.sync_search_index(store, admin)
    assert _refs(store, admin, search="分局城南派") == [three[0]]
    assert _refs(store, admin, search="公安局东湖分局城关") == []
    [person] = [p for p in units.list_persons(store, admin) if p.name == "赵六"]
    units.update_person(store, admin, person.id, {"name": "赵小六"})
    assert _refs(store, admin, search="赵小六") == [three[2]]
    assert _refs(store, admin, search="赵六") == []


def test_deleting_a_person_requeues_their_leads(
    store: Store, admin: Actor, three: list[str]
) -> None:
    _write_around(store, "DELETE FROM persons WHERE name = '李四'")
    assert _refs(store, admin, search="李四") == []
    assert _refs(store, admin, search="經商辦") == [three[1]]


def test_sync_reports_progress_and_stops_when_cancelled(
    store: Store, admin: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(25):
        leads.create_lead(store, admin, _lead(summary=f"第{i}号线索反映违规吃喝"), today=TODAY)
    _write_around(store, _QUEUE_ALL)
    monkeypatch.setattr(sqlite_fts, "CHUNK", 10)
    monkeypatch.setattr(pg_trgm, "CHUNK", 10)
    seen: list[tuple[int, int]] = []
    done = search.sync_search_index(
        store, admin, progress=lambda d, t: seen.append((d, t)), cancelled=lambda: bool(seen)
    )
    assert (done, seen) == (10, [(10, 25)])
    assert _pending(store) == 15
    assert len(_refs(store, admin, search="违规吃喝")) == 25
    seen.clear()
    assert search.sync_search_index(store, admin, progress=lambda d, t: seen.append((d, t))) == 15
    assert seen == [(10, 15), (15, 15)]
    assert _pending(store) == 0
    assert len(_refs(store, admin, search="违规吃喝")) == 25


def test_sync_of_named_leads_leaves_the_others_pending(
    store: Store, admin: Actor, three: list[str]
) -> None:
    _write_around(store, _QUEUE_ALL)
    with store.write() as session:
        first = session.scalar(select(Lead.id).where(Lead.ref == three[0]))
        assert search.sync(session, ids=[first, 123456]) == 1
    with store.read() as session:
        left = set(session.scalars(select(LeadSearchPending.lead_id)))
    assert first not in left
    assert len(left) == 2


def test_an_upgraded_store_queues_its_leads_and_finds_them(
    new_db: Callable[..., str], admin: Actor
) -> None:
    db = new_db("old.db")
    old = Store(to_url(db))
    with old.engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0004")
    old.dispose()
    old = Store(to_url(db))
    _write_around(
        old,
        "INSERT INTO leads (ref, received_on, channel, anonymous, category, summary, status,"
        " version, uuid, created_at, updated_at) VALUES ('XS2021-00007', '2021-03-01', 'letter',"
        " :no, 'business', '違規經商辦企業', 'new', 1, 'lead-1', '2021-03-01 08:00:00.000000',"
        " '2021-03-01 08:00:00.000000')",
        no=False,
    )
    old.dispose()
    store = open_store(db)
    try:
        assert _pending(store) == 1
        assert _refs(store, admin, search="违规经商") == ["XS2021-00007"]
        assert search.sync_search_index(store, admin) == 1
        assert _refs(store, admin, search="违规经商") == ["XS2021-00007"]
        assert _refs(store, admin, search="经商") == ["XS2021-00007"]
    finally:
        store.dispose()


@pytest.mark.sqlite_only
def test_index_tables_are_known_and_dropped_by_the_downgrade(store: Store) -> None:
    with store.engine.connect() as conn:
        names = set(conn.exec_driver_sql("SELECT name FROM sqlite_master").scalars())
    assert names >= sqlite_fts.INDEX_TABLES
    assert all(search.is_index_table(n) for n in sqlite_fts.INDEX_TABLES)
    assert not search.is_index_table("lead_search_text")
    with store.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0004")
    with store.engine.connect() as conn:
        left = set(conn.exec_driver_sql("SELECT name FROM sqlite_master").scalars())
    assert not {n for n in left if "search" in n}


# --- filters ---------------------------------------------------------------------------------


@pytest.fixture
def spread(store: Store, admin: Actor) -> dict[str, str]:
    specs = {
        "court_phone": _lead(subject_unit="江州市中级人民法院", channel="来电", category="干预司法",
                             received_on="2021-03-01", handler_unit="江州市纪委监委"),
        "court_letter": _lead(subject_unit="江州市东湖区人民法院", channel="来信",
                              received_on="2021-03-31", category="违规经商办企业"),
        "police_phone": _lead(subject_unit="江州市公安局东湖分局", channel="来电",
                              received_on="2021-04-01", handler_unit="江州市公安局督察支队"),
        "procuratorate": _lead(subject_unit="江州市人民检察院", channel="网上举报",
                               received_on="2021-01-05", category="违规经商办企业"),
    }  # fmt: skip
    return {name: leads.create_lead(store, admin, f, today=TODAY).ref for name, f in specs.items()}


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ({"unit_type": "court"}, ["court_phone", "court_letter"]),
        ({"unit_type": "police", "channel": "phone"}, ["police_phone"]),
        ({"unit": "江州市中級人民法院 "}, ["court_phone"]),  # whole name, folded
        ({"unit": "中级人民法院"}, []),  # not a part of one
        ({"handler_unit": "江州市纪委监委"}, ["court_phone"]),
        ({"received_from": dt.date(2021, 3, 1), "received_to": dt.date(2021, 3, 31)},
         ["court_phone", "court_letter"]),  # inclusive
        ({"received_from": dt.date(2021, 4, 1)}, ["police_phone"]),
        ({"category": "business", "search": "东湖分局"}, ["court_letter", "procuratorate"]),
        ({"overdue_as_of": dt.date(2021, 4, 1)}, ["procuratorate", "court_phone"]),
        ({"overdue_as_of": dt.date(2021, 4, 1), "unit_type": "procuratorate"},
         ["procuratorate"]),
    ],
)  # fmt: skip
def test_filters(
    store: Store, admin: Actor, spread: dict[str, str], query: dict[str, Any], names: list[str]
) -> None:
    assert _refs(store, admin, **query) == sorted(spread[n] for n in names)


def test_defaults_keep_existing_callers_working() -> None:
    query = LeadQuery(search="x", channel="phone")
    assert dataclasses.replace(query, search=None, channel=None) == LeadQuery()
    with pytest.raises(dataclasses.FrozenInstanceError):
        query.unit = "y"  # type: ignore[misc]


def _make(store: Store, admin: Actor, n: int, common_every: int) -> None:
    rows = []
    for i in range(n):
        day = dt.date(2021, 1, 1) + dt.timedelta(days=i % 150)
        summary = "反映某民警违规饮酒" if i % common_every == 0 else f"其他事项第{i}件"
        channel = "phone" if i % 3 else "letter"
        rows.append({"ref": f"XS2021-{i:05d}", "day": day.isoformat(), "channel": channel,
                     "summary": summary, "uuid": f"u-{i}", "no": False})  # fmt: skip
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO leads (ref, received_on, channel, anonymous, category, summary,"
                " status, version, uuid, created_at, updated_at) VALUES (:ref, :day, :channel,"
                " :no, 'other', :summary, 'new', 1, :uuid, '2021-06-01 00:00:00.000000',"
                " '2021-06-01 00:00:00.000000')"
            ),
            rows,
        )
    search.sync_search_index(store, admin)


@pytest.mark.parametrize("common_every", [1, 2, 40, 400])
@pytest.mark.parametrize("descending", [True, False])
def test_pages_come_in_order_whichever_way_they_are_read(
    store: Store, admin: Actor, common_every: int, descending: bool
) -> None:
    """A page is read either by walking the date index or by sorting the matches (whichever
    is cheaper for how many leads match): both give the same leads in the same order."""
    _make(store, admin, 400, common_every)
    for query in (
        LeadQuery(search="违规饮酒", descending=descending),
        LeadQuery(search="违规饮酒", channel="phone", descending=descending),
        LeadQuery(search="饮酒", descending=descending),  # short: each lead tested in turn
        LeadQuery(
            channel="phone",
            received_from=dt.date(2021, 2, 1),
            received_to=dt.date(2021, 3, 1),
            descending=descending,
        ),
        LeadQuery(channel="letter", descending=descending),
    ):
        everything = leads.list_leads(store, admin, query)
        keys = [(r.received_on, r.id) for r in everything]
        assert keys == sorted(keys, reverse=descending)
        for offset, limit in ((0, 10), (7, 25), (len(everything) - 3, 10)):
            page = leads.list_leads(store, admin, query, offset=offset, limit=limit)
            assert [r.id for r in page] == [r.id for r in everything[offset : offset + limit]]


@pytest.mark.parametrize("descending", [False, True])
def test_leads_without_a_value_sort_first_going_up_and_last_going_down(
    store: Store, admin: Actor, descending: bool
) -> None:
    """The same order on every database (PostgreSQL puts NULL last going up unless told)."""
    named = leads.create_lead(store, admin, _lead(subject="王建国"), today=TODAY)
    unnamed = leads.create_lead(store, admin, _lead(subject=None), today=TODAY)
    rows = leads.list_leads(store, admin, LeadQuery(order_by="subject", descending=descending))
    expected = [named.ref, unnamed.ref] if descending else [unnamed.ref, named.ref]
    assert [r.ref for r in rows] == expected
