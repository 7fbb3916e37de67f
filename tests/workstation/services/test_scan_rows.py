"""The scan reads case rows with SQLite's own cursor: the facts equal what SQLAlchemy reads."""

from __future__ import annotations

import dataclasses

from workstation import demo
from workstation.rules import facts_from
from workstation.services.auth import Actor
from workstation.services.scan import case_fact_rows, case_facts_select
from workstation.store import Store


def test_raw_case_rows_make_the_facts_sqlalchemy_rows_make(store: Store, admin: Actor) -> None:
    demo.generate(store, admin, leads=50, cases=400, seed=7)
    with store.read() as session:
        expected = session.connection().execute(case_facts_select()).all()
        parts, make = case_fact_rows(session, 64)
        chunks = [list(part) for part in parts]
    rows = [row for chunk in chunks for row in chunk]
    assert len(chunks) == -(-len(expected) // 64)
    assert [tuple(row[:3]) for row in rows] == [tuple(row[:3]) for row in expected]
    made = [make(row, ()) for row in rows]
    assert made == [facts_from(row[3:], ()) for row in expected]
    # Of the same types too: a 0/1 where a bool belongs would change the canonical facts
    # text (1 instead of true) and so every digest stored by earlier scans.
    for facts, row in zip(made, expected, strict=True):
        want = facts_from(row[3:], ())
        for field in dataclasses.fields(facts):
            assert type(getattr(facts, field.name)) is type(getattr(want, field.name))
    assert {f.complex for f in made} == {True, False}
    assert {f.filed_on is None for f in made} == {True, False}
