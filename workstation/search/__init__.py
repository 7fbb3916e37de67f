"""Finding leads by any part of their text: one interface over the store's own search index.

    matching_ids(session, typed)   a SELECT of the ids of leads found by a query as typed
    match_condition(session, typed)   the same as a condition on Lead.id
    sync(session, limit=None, ids=None)   bring the index up to date in the session's transaction
    sync_search_index(store, actor, progress=None, cancelled=None)   the same as a long job

On SQLite the index is FTS5 with the trigram tokenizer (workstation.search.sqlite_fts), on
PostgreSQL a GIN trigram index of pg_trgm (workstation.search.pg_trgm): the same folded text,
the same pending queue, the same results. Other databases scan with LIKE
(workstation.search.scan).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from workstation.models import Lead
from workstation.search import pg_trgm, scan, sqlite_fts
from workstation.search.text import MIN_INDEXED, fold_query, search_body
from workstation.services.auth import Actor, require
from workstation.store import Store

__all__ = [
    "INDEX_TABLES",
    "MIN_INDEXED",
    "fold_query",
    "is_index_object",
    "is_index_table",
    "match_condition",
    "matching_ids",
    "pending_count",
    "row_condition",
    "search_body",
    "sync",
    "sync_search_index",
]

INDEX_TABLES = sqlite_fts.INDEX_TABLES

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _sqlite(session: Session) -> bool:
    return _dialect(session) == "sqlite"


def is_index_table(name: str | None) -> bool:
    """A table the search index keeps for itself (no model describes it)."""
    return name in INDEX_TABLES


def is_index_object(name: str | None, type_: str) -> bool:
    """A table or index the search index keeps for itself (FTS5's tables on SQLite, the
    trigram index on PostgreSQL): no model describes it, schema comparisons skip it."""
    if type_ == "table":
        return is_index_table(name)
    return type_ == "index" and name == pg_trgm.INDEX_NAME


def matching_ids(session: Session, typed: str) -> Any | None:
    """A SELECT of the ids of the leads whose number, case number, subject, subject's unit,
    reporter or summary contains `typed` once both are folded (繁/简, full/half width, case,
    spaces); None when `typed` folds to nothing (every lead matches). FTS syntax in `typed` is
    searched for as text."""
    folded = fold_query(typed)
    if not folded:
        return None
    if _sqlite(session):
        return sqlite_fts.matching_ids(session, folded)
    if _dialect(session) == "postgresql":
        return pg_trgm.matching_ids(session, folded)
    return select(Lead.id).where(scan.match_condition(typed, folded))


def row_condition(session: Session, typed: str) -> ColumnElement[bool] | None:
    """The search as a test of each lead by itself, where that is cheaper than listing every
    match first (queries too short for the index, read in an index's order until a page is
    full); None where matching_ids is the way."""
    folded = fold_query(typed)
    if not folded or not _sqlite(session):
        return None
    return sqlite_fts.row_condition(session, folded)  # type: ignore[no-any-return]


def match_condition(session: Session, typed: str) -> ColumnElement[bool]:
    """The search as a condition on leads: `Lead.id IN matching_ids(...)`."""
    ids = matching_ids(session, typed)
    return true() if ids is None else Lead.id.in_(ids)


def sync(session: Session, *, limit: int | None = None, ids: Iterable[int] | None = None) -> int:
    """Index leads changed since the last sync, in the session's (write) transaction: the
    first `limit` (None: all), or only those of `ids`. Returns how many were brought up to date."""
    if _sqlite(session):
        return sqlite_fts.sync(session, limit=limit, ids=ids)
    if _dialect(session) == "postgresql":
        return pg_trgm.sync(session, limit=limit, ids=ids)
    return 0


def pending_count(session: Session) -> int:
    """Leads changed since they were last indexed."""
    if _sqlite(session):
        return sqlite_fts.pending_count(session)
    if _dialect(session) == "postgresql":
        return pg_trgm.pending_count(session)
    return 0


def index_backlog(store: Store, actor: Actor) -> int:
    """How many leads wait to be indexed (a front end starts sync_search_index when any do)."""
    require(actor, "lead.read")
    with store.read() as session:
        return pending_count(session)


def sync_search_index(
    store: Store,
    actor: Actor,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> int:
    """Bring the search index up to date, a few thousand leads per transaction (so other
    writers wait seconds at most); returns how many leads were indexed.

    `progress(done, total)` follows the work; when `cancelled()` turns true the job stops
    between transactions, and the leads not yet indexed stay pending: searches find them all
    the same (more slowly), and the next sync picks them up. Meant to run off the GUI thread,
    after an import or at start when an upgrade left the whole store to index."""
    require(actor, "lead.read")
    with store.read() as session:
        total = pending_count(session)
    chunk = sqlite_fts.CHUNK if store.is_sqlite else pg_trgm.CHUNK
    done = 0
    while total:
        if cancelled is not None and cancelled():
            break
        with store.write() as session:
            step = sync(session, limit=chunk)
        if not step:
            break
        done += step
        total = max(total, done)
        if progress is not None:
            progress(done, total)
    return done
