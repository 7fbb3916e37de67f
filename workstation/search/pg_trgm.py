"""Lead search on PostgreSQL: a GIN trigram index (pg_trgm) over the same folded text as on
SQLite, kept current by the same pending queue.

Migration 0005 makes the index on lead_search_text.body and statement-level triggers that note
changed leads in lead_search_pending, as SQLite's triggers do. `sync` folds the text of pending
leads in Python (vocab.normalise has no SQL twin) and stores it in lead_search_text, where the
trigram index takes it up by itself. A search is `body LIKE '%folded%'` on the stored text of
current leads, which pg_trgm answers from the index for three characters or more and by
scanning for fewer, plus the pending leads whose current text, folded in Python, contains the
query: the same results as FTS5 on SQLite, before and after the index catches up.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ARRAY, Integer, func, literal, select, text, union
from sqlalchemy.orm import Session

from workstation.models import Lead
from workstation.models.lead import LeadSearchPending, LeadSearchText
from workstation.search.text import like_pattern, search_body

# The trigram index on the folded text (made by migration 0005; no model describes it).
INDEX_NAME = "ix_lead_search_text_body_trgm"
# Leads folded and indexed per statement: bounds memory (about 1 KB of text a lead).
CHUNK = 10_000
# Ids per statement when syncing named leads.
IDS_PER_STATEMENT = 500

_SELECT_PENDING = (
    "SELECT l.id, l.ref, l.case_no, p.name, u.name, l.reporter_name, l.summary"
    " FROM lead_search_pending q JOIN leads l ON l.id = q.lead_id"
    " LEFT JOIN persons p ON p.id = l.subject_person_id"
    " LEFT JOIN units u ON u.id = l.subject_unit_id"
    " WHERE {where}"
)
# Pending leads read per round trip while matching them.
_FETCH = 2_000


def _pending_matching(session: Session, folded: str) -> list[int]:
    """Ids of pending leads (that still exist) whose current text, folded now, contains
    `folded`: a plain substring test, the same as the LIKE pattern's."""
    found: list[int] = []
    result = session.execute(text(_SELECT_PENDING.format(where="true")))
    for rows in iter(lambda: result.fetchmany(_FETCH), []):
        found.extend(row[0] for row in rows if folded in search_body(*row[1:]))
    return found


def matching_ids(session: Session, folded: str) -> Any:
    """A SELECT of the ids of leads whose search text contains `folded` (already folded, not
    empty): LIKE on the stored text of leads not pending (through the trigram index for three
    characters or more), and the pending leads matched in Python."""
    pattern = like_pattern(folded)
    current = select(LeadSearchText.lead_id).where(
        LeadSearchText.body.like(pattern, escape="\\"),
        LeadSearchText.lead_id.not_in(select(LeadSearchPending.lead_id)),
    )
    pending = _pending_matching(session, folded)
    if not pending:
        return current
    # UNION, not UNION ALL: a lead synced by another session between the two reads would
    # otherwise be counted twice.
    listed = select(Lead.id).where(Lead.id == func.any(literal(pending, ARRAY(Integer))))
    return union(current, listed)


# Pending entries are taken off the queue first (rows locked by another sync are left to it),
# then the leads' text is read and stored. A writer that changes a lead meanwhile queues it
# again once this transaction ends (its insert waits on the deleted entry), so no change is
# lost between reading a text and clearing its entry.
_TAKE = (
    "WITH taken AS (SELECT lead_id FROM lead_search_pending WHERE {where}"
    " ORDER BY lead_id {limit} FOR UPDATE SKIP LOCKED)"
    " DELETE FROM lead_search_pending q USING taken WHERE q.lead_id = taken.lead_id"
    " RETURNING q.lead_id"
)
_SELECT_TAKEN = (
    "SELECT l.id, l.ref, l.case_no, p.name, u.name, l.reporter_name, l.summary FROM leads l"
    " LEFT JOIN persons p ON p.id = l.subject_person_id"
    " LEFT JOIN units u ON u.id = l.subject_unit_id"
    " WHERE l.id = ANY(:ids)"
)
_STORE = (
    "INSERT INTO lead_search_text (lead_id, body) VALUES (:lead_id, :body)"
    " ON CONFLICT (lead_id) DO UPDATE SET body = excluded.body"
)


def _index(session: Session, where: str, params: dict[str, Any], limit: int | None = None) -> int:
    """Re-index the pending leads that `where` selects (the first `limit` of them); returns how
    many pending entries were cleared (deleted leads included)."""
    take = _TAKE.format(where=where, limit="" if limit is None else f"LIMIT {int(limit)}")
    taken = list(session.execute(text(take), params).scalars())
    if not taken:
        return 0
    session.execute(text("DELETE FROM lead_search_text WHERE lead_id = ANY(:ids)"), {"ids": taken})
    rows = session.execute(text(_SELECT_TAKEN), {"ids": taken}).all()
    if rows:
        session.execute(
            text(_STORE), [{"lead_id": row[0], "body": search_body(*row[1:])} for row in rows]
        )
    return len(taken)


def sync(session: Session, *, limit: int | None = None, ids: Iterable[int] | None = None) -> int:
    """Index pending leads in the session's transaction: the first `limit` of them (all when
    None), or only those of `ids`. Returns how many pending entries were cleared."""
    if ids is not None:
        wanted: Sequence[int] = sorted(set(ids))
        done = 0
        for start in range(0, len(wanted), IDS_PER_STATEMENT):
            part = list(wanted[start : start + IDS_PER_STATEMENT])
            done += _index(session, "lead_id = ANY(:ids)", {"ids": part})
        return done
    done = 0
    while limit is None or done < limit:
        step = CHUNK if limit is None else min(CHUNK, limit - done)
        cleared = _index(session, "true", {}, limit=step)
        done += cleared
        if cleared < step:
            break
    return done


def pending_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(LeadSearchPending)) or 0)
