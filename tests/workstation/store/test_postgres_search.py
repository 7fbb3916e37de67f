"""Lead search on PostgreSQL (pg_trgm) finds what FTS5 finds on SQLite, for the same data and
the same queries: before and after the index catches up, short queries, folding, odd input."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from workstation import search
from workstation.demo import generate
from workstation.services import leads
from workstation.services.auth import Actor
from workstation.services.leads import LeadQuery
from workstation.store import Store, open_store
from workstation.vocab import to_traditional

pytestmark = pytest.mark.usefixtures("needs_postgres")

SEED = 11


@pytest.fixture(scope="module")
def twins(
    tmp_path_factory: pytest.TempPathFactory, postgres_databases: object, admin_actor: Actor
) -> Iterator[tuple[Store, Store]]:
    """The same demo data in an SQLite store and a PostgreSQL store."""
    if postgres_databases is None:
        pytest.skip("needs PostgreSQL (WORKSTATION_TEST_DB=postgresql; `make test-pg`)")
    lite = open_store(tmp_path_factory.mktemp("twin") / "twin.db", create=True)
    name = postgres_databases.create(migrated=True)  # type: ignore[attr-defined]
    server = open_store(postgres_databases.url(name))  # type: ignore[attr-defined]
    for store in (lite, server):
        generate(store, admin_actor, leads=300, cases=40, seed=SEED)
    yield lite, server
    lite.dispose()
    server.dispose()
    postgres_databases.drop(name)  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def admin_actor() -> Actor:
    from workstation.services.auth import IMPLICIT_ADMIN

    return IMPLICIT_ADMIN


def _queries(store: Store, actor: Actor) -> list[str]:
    """Pieces of the stored text, as people type them: whole words and fragments of every
    field, one and two characters, the other script, upper case, full width, spaces."""
    rng = random.Random(SEED)
    rows = leads.list_leads(store, actor, LeadQuery(), limit=30)
    found: list[str] = []
    for row in rows:
        for value in (row.summary, row.subject, row.subject_unit, row.ref):
            if not value:
                continue
            start = rng.randrange(len(value))
            for size in (1, 2, 3, 5):
                found.append(value[start : start + size])
    found += [to_traditional(q) for q in found[:30]]
    found += [q.upper() for q in found if q.isascii()][:10]
    found += ["Ｘｓ２０２１", "x s 2 0", "派 出 所", "%", "_", "\\", '"', "插手*", "NEAR(a b)"]
    return list(dict.fromkeys(q for q in found if q.strip()))


def _results(store: Store, actor: Actor, typed: str) -> tuple[int, list[str]]:
    query = LeadQuery(search=typed)
    rows = leads.list_leads(store, actor, query)
    return leads.count_leads(store, actor, query), sorted(r.ref for r in rows)


def _compare(lite: Store, server: Store, actor: Actor, queries: list[str]) -> None:
    differ = {
        q: (_results(lite, actor, q), _results(server, actor, q))
        for q in queries
        if _results(lite, actor, q) != _results(server, actor, q)
    }
    assert differ == {}


def test_the_twins_hold_the_same_leads(twins: tuple[Store, Store], admin_actor: Actor) -> None:
    lite, server = twins
    assert _results(lite, admin_actor, "") == _results(server, admin_actor, "")
    assert _results(lite, admin_actor, "")[0] == 300


def test_indexed_search_finds_the_same_leads(
    twins: tuple[Store, Store], admin_actor: Actor
) -> None:
    lite, server = twins
    for store in twins:
        with store.read() as session:
            assert search.pending_count(session) == 0
    queries = _queries(lite, admin_actor)
    assert len(queries) > 60
    _compare(lite, server, admin_actor, queries)


def test_pending_leads_are_found_the_same_before_and_after_sync(
    twins: tuple[Store, Store], admin_actor: Actor
) -> None:
    """Changes no service made (queued by the triggers) are found by their new text at once,
    no longer by their old text, and the same again once the index has caught up."""
    lite, server = twins
    changes = [
        "UPDATE leads SET summary = '反映民警索要好處費，Ｅ－ｍａｉｌ举报' WHERE id % 7 = 0",
        "UPDATE persons SET name = name || '甲' WHERE id % 5 = 0",
        "UPDATE units SET name = '江州市公安局新区分局' || id WHERE id % 11 = 0",
        (
            "DELETE FROM leads WHERE id % 13 = 0 AND id NOT IN"
            " (SELECT repeat_of_id FROM leads WHERE repeat_of_id IS NOT NULL)"
        ),
    ]
    for store in twins:
        with store.engine.begin() as conn:
            for statement in changes:
                conn.execute(text(statement))
    for store in twins:
        with store.read() as session:
            assert search.pending_count(session) > 0
    queries = [*_queries(lite, admin_actor), "好处费", "e-mail", "新区分局", "甲", "索要"]
    _compare(lite, server, admin_actor, queries)
    assert search.sync_search_index(lite, admin_actor) == search.sync_search_index(
        server, admin_actor
    )
    _compare(lite, server, admin_actor, queries)


def test_the_trigram_index_answers_long_queries(
    twins: tuple[Store, Store], admin_actor: Actor
) -> None:
    """The plan of a three-character search reads the GIN index (with seqscan off, as on a big
    store), not every stored text."""
    _, server = twins
    with server.read() as session:
        session.execute(text("SET LOCAL enable_seqscan = off"))
        ids = search.matching_ids(session, "派出所")
        assert ids is not None
        compiled = ids.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
        plan = "\n".join(session.execute(text(f"EXPLAIN {compiled}")).scalars())
    assert "ix_lead_search_text_body_trgm" in plan
