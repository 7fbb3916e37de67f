"""Lead search on SQLite: an FTS5 trigram index over folded text, kept current without slowing
imports.

Triggers (migration 0005) only note which leads changed, in lead_search_pending: one small
insert per row, where an index kept by triggers would make an import about ten times slower.
`sync` later folds the text of the pending leads (in Python), stores it in lead_search_text and
indexes it in bulk. Searches read the index for the leads that are current in it and the pending
leads directly, so results are right before the index has caught up.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    Table,
    Text,
    and_,
    func,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from workstation.models import Lead, Person, Unit
from workstation.models.lead import LeadSearchPending, LeadSearchText
from workstation.search.text import MIN_INDEXED, fts_phrase, like_pattern, search_body

INDEX_TABLE = "lead_search"
# The virtual table and the tables FTS5 keeps for it (the content is lead_search_text's).
INDEX_TABLES = frozenset(
    {INDEX_TABLE, *(f"{INDEX_TABLE}_{part}" for part in ("data", "idx", "docsize", "config"))}
)
BODY_FUNCTION = "ws_search_body"
# Leads folded and indexed per statement: bounds memory (about 1 KB of text a lead).
CHUNK = 10_000
# Ids per IN list when syncing named leads.
IDS_PER_STATEMENT = 500

# Not in the models' metadata: a virtual table is no model, and the schema comparison skips it.
_fts = Table(
    INDEX_TABLE,
    MetaData(),
    Column("rowid", Integer, primary_key=True),
    Column(INDEX_TABLE, Text),  # FTS5's hidden column named after the table: MATCH's left side
)
_Subject = aliased(Person, name="search_subject")
_SubjectUnit = aliased(Unit, name="search_unit")


def _dbapi(session: Session) -> Any:
    dbapi = session.connection().connection.driver_connection
    assert dbapi is not None
    return dbapi


def register_functions(session: Session) -> None:
    """Make ws_search_body() known to the session's connection (pending leads are matched with
    it). Cheap; done before each search rather than tracked per pooled connection."""
    _dbapi(session).create_function(BODY_FUNCTION, 6, search_body, deterministic=True)


def _pending_matching(pattern: str) -> Any:
    """Ids of pending leads whose current text, folded now, matches the LIKE pattern."""
    body = getattr(func, BODY_FUNCTION)(
        Lead.ref, Lead.case_no, _Subject.name, _SubjectUnit.name, Lead.reporter_name, Lead.summary
    )
    return (
        select(LeadSearchPending.lead_id)
        .join(Lead, Lead.id == LeadSearchPending.lead_id)
        .outerjoin(_Subject, _Subject.id == Lead.subject_person_id)
        .outerjoin(_SubjectUnit, _SubjectUnit.id == Lead.subject_unit_id)
        .where(body.like(pattern, escape="\\"))
    )


def matching_ids(session: Session, folded: str) -> Any:
    """A SELECT of the ids of leads whose search text contains `folded` (already folded, not
    empty): through the trigram index for three characters or more, else by scanning the
    stored text; pending leads by folding their current text."""
    register_functions(session)
    pattern = like_pattern(folded)
    pending = select(LeadSearchPending.lead_id)
    if len(folded) >= MIN_INDEXED:
        current = select(_fts.c.rowid).where(
            _fts.c[INDEX_TABLE].op("MATCH")(fts_phrase(folded)),
            _fts.c.rowid.not_in(pending),
        )
    else:
        # FTS5 finds nothing for one or two characters: scan the folded text instead.
        current = select(LeadSearchText.lead_id).where(
            LeadSearchText.body.like(pattern, escape="\\"),
            LeadSearchText.lead_id.not_in(pending),
        )
    return union_all(current, _pending_matching(pattern))


def row_condition(session: Session, folded: str) -> Any | None:
    """For a query too short for the index: a test of each lead by its own stored text (an
    EXISTS correlated with leads), for reading leads in an index's order until a page is full
    without scanning every text first. None for longer queries: their matches come from the
    index at once (matching_ids)."""
    if len(folded) >= MIN_INDEXED:
        return None
    register_functions(session)
    pattern = like_pattern(folded)
    pending = select(LeadSearchPending.lead_id)
    stored = (
        select(LeadSearchText.lead_id)
        .where(LeadSearchText.lead_id == Lead.id, LeadSearchText.body.like(pattern, escape="\\"))
        .exists()
    )
    return or_(and_(stored, Lead.id.not_in(pending)), Lead.id.in_(_pending_matching(pattern)))


_SELECT_PENDING = (
    "SELECT l.id, l.ref, l.case_no, p.name, u.name, l.reporter_name, l.summary"
    " FROM lead_search_pending q JOIN leads l ON l.id = q.lead_id"
    " LEFT JOIN persons p ON p.id = l.subject_person_id"
    " LEFT JOIN units u ON u.id = l.subject_unit_id"
    " WHERE {where}"
)


def _index(session: Session, where: str, params: dict[str, Any]) -> int:
    """Re-index the pending leads that `where` (on lead_search_pending q) selects; returns how
    many pending entries were cleared (deleted leads included)."""
    ids = f"SELECT q.lead_id FROM lead_search_pending q WHERE {where}"
    # Out of the index with the text it went in with (FTS5 needs it to find the entries).
    session.execute(
        text(
            f"INSERT INTO {INDEX_TABLE}({INDEX_TABLE}, rowid, body)"
            f" SELECT 'delete', lead_id, body FROM lead_search_text WHERE lead_id IN ({ids})"
        ),
        params,
    )
    session.execute(text(f"DELETE FROM lead_search_text WHERE lead_id IN ({ids})"), params)
    # Folded in Python and inserted with executemany: measured faster than calling the fold
    # as an SQL function from INSERT ... SELECT.
    dbapi = _dbapi(session)
    rows = dbapi.execute(_SELECT_PENDING.format(where=where), params)
    dbapi.executemany(
        "INSERT INTO lead_search_text(lead_id, body) VALUES (?, ?)",
        ((row[0], search_body(*row[1:])) for row in rows),
    )
    session.execute(
        text(
            f"INSERT INTO {INDEX_TABLE}(rowid, body)"
            f" SELECT lead_id, body FROM lead_search_text WHERE lead_id IN ({ids})"
        ),
        params,
    )
    done = session.execute(text(f"DELETE FROM lead_search_pending AS q WHERE {where}"), params)
    return int(done.rowcount or 0)  # type: ignore[attr-defined]


def sync(session: Session, *, limit: int | None = None, ids: Iterable[int] | None = None) -> int:
    """Index pending leads in the session's transaction: the first `limit` of them (all when
    None), or only those of `ids` (a service indexing the lead it just saved). Returns how
    many pending entries were cleared."""
    if ids is not None:
        wanted: Sequence[int] = sorted(set(ids))
        done = 0
        for start in range(0, len(wanted), IDS_PER_STATEMENT):
            part = wanted[start : start + IDS_PER_STATEMENT]
            marks = ",".join(f":i{n}" for n in range(len(part)))
            done += _index(
                session, f"q.lead_id IN ({marks})", {f"i{n}": v for n, v in enumerate(part)}
            )
        return done
    done = 0
    while limit is None or done < limit:
        step = CHUNK if limit is None else min(CHUNK, limit - done)
        last = session.scalar(
            select(LeadSearchPending.lead_id)
            .order_by(LeadSearchPending.lead_id)
            .offset(step - 1)
            .limit(1)
        )
        if last is None:  # fewer than `step` left: the rest
            cleared = _index(session, "1 = 1", {})
            return done + cleared
        done += _index(session, "q.lead_id <= :last", {"last": last})
    return done


def pending_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(LeadSearchPending)) or 0)
