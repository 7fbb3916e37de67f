"""Writing an import's leads: duplicates and repeats recognised, rows inserted in bulk."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session, aliased

from workstation.importing.bulk import Inserter
from workstation.importing.leads import keys as _keys
from workstation.importing.links import Links, chunks, new_uuid
from workstation.importing.source import Row
from workstation.models import Lead, Person, Unit
from workstation.services.fingerprints import fold, lead_fingerprint, lead_repeat_key
from workstation.services.leads import RefAllocator

_LEADS: Table = Lead.__table__  # type: ignore[assignment]
LEAD_COLUMNS = (
    "ref", "received_on", "channel", "reporter_name", "reporter_phone", "anonymous",
    "subject_person_id", "subject_unit_id", "category", "summary", "case_no", "status",
    "disposition", "result", "handler_unit_id", "due_on", "concluded_on", "batch_id",
    "repeat_of_id", "extra", "fingerprint", "repeat_key", "version", "uuid",
    "created_at", "updated_at", "created_by", "updated_by",
)  # fmt: skip


def backfill_fingerprints(
    session: Session, *, write: bool
) -> list[tuple[int, str, str, str | None, int | None]]:
    """Fingerprints of leads that have none (entered by hand, or by an older version).

    Returns (id, ref, fingerprint, repeat key, repeat_of_id) for each; stores them when `write`."""
    subject = aliased(Person)
    unit = aliased(Unit)
    stmt = (
        select(
            Lead.id, Lead.ref, Lead.received_on, Lead.channel, Lead.summary,
            subject.name_key, unit.name_key, Lead.repeat_of_id,
        )
        .outerjoin(subject, Lead.subject_person_id == subject.id)
        .outerjoin(unit, Lead.subject_unit_id == unit.id)
        .where(Lead.fingerprint.is_(None))
    )  # fmt: skip
    out = []
    for (
        lead_id,
        ref,
        received_on,
        channel,
        summary,
        subject_key,
        unit_key,
        repeat_of,
    ) in session.execute(stmt):
        folded = fold(summary)
        fp = lead_fingerprint(received_on, channel, subject_key, unit_key, folded)
        rk = lead_repeat_key(subject_key, unit_key, folded)
        out.append((lead_id, ref, fp, rk, repeat_of))
    if write and out:
        session.execute(
            update(_LEADS)
            .where(_LEADS.c.id == bindparam("lead_id"))
            .values(fingerprint=bindparam("fp"), repeat_key=bindparam("rk")),
            [{"lead_id": i, "fp": fp, "rk": rk} for i, _, fp, rk, _ in out],
        )
    return out


class LeadWriter:
    """Sorts valid lead rows into duplicates, repeats and new leads, and inserts the new ones."""

    def __init__(
        self,
        session: Session,
        links: Links,
        inserter: Inserter,
        stamps: dict[str, Any],
        *,
        batch_id: int | None,
        due_days: int,
        dry_run: bool,
    ) -> None:
        self.session = session
        self.links = links
        self.inserter = inserter
        self.stamps = stamps
        self.stamp_values = [stamps[k] for k in LEAD_COLUMNS[-4:]]
        self.batch_id = batch_id
        self.due = dt.timedelta(days=due_days)
        self.dry_run = dry_run
        self.refs = RefAllocator(session)
        self.seen: dict[str, int] = {}  # fingerprint → row number of its first row in the file
        self.first_of_matter: dict[str, tuple[int | None, str]] = {}  # repeat key → (id, ref)
        self.links_to_make: list[tuple[str, str]] = []  # (ref, ref of the lead it repeats)
        self.imported = 0
        self.duplicates: list[tuple[int, str]] = []  # (row, what it duplicates)
        self.repeats: list[tuple[int, str]] = []  # (row, ref of the lead it repeats)
        # Leads without a stored fingerprint, computed now (stored too, unless a dry run).
        self._mem_fp: dict[str, str] = {}
        self._mem_rk: dict[str, tuple[int, str]] = {}
        by_id: dict[int, str] = {}
        known = backfill_fingerprints(session, write=not dry_run)
        for lead_id, ref, fp, _rk, _ in known:
            by_id[lead_id] = ref
            if dry_run:
                self._mem_fp.setdefault(fp, ref)
        if dry_run:
            for lead_id, ref, _fp, rk, repeat_of in sorted(known):
                if rk and rk not in self._mem_rk:
                    root = repeat_of if repeat_of in by_id else lead_id
                    self._mem_rk[rk] = (root, by_id.get(root, ref))

    def _stored(self, fps: list[str]) -> dict[str, str]:
        found = {fp: self._mem_fp[fp] for fp in fps if fp in self._mem_fp}
        for part in chunks(sorted(set(fps) - found.keys())):
            stmt = select(Lead.fingerprint, Lead.ref).where(Lead.fingerprint.in_(part))
            for fp, ref in self.session.execute(stmt):
                found.setdefault(fp, ref)
        return found

    def _originals(self, rks: list[str]) -> dict[str, tuple[int, str]]:
        """repeat key → (id, ref) of the first lead of that matter in the store."""
        found: dict[str, tuple[int, str]] = {}
        original = aliased(Lead)
        for part in chunks(sorted(set(rks))):
            stmt = (
                select(Lead.repeat_key, Lead.id, Lead.ref, original.id, original.ref)
                .outerjoin(original, Lead.repeat_of_id == original.id)
                .where(Lead.repeat_key.in_(part))
                .order_by(Lead.id)
            )
            for rk, lead_id, ref, root_id, root_ref in self.session.execute(stmt):
                if rk not in found:
                    found[rk] = (root_id, root_ref) if root_id is not None else (lead_id, ref)
        for rk in rks:
            if rk in self._mem_rk:
                mem = self._mem_rk[rk]
                if rk not in found or mem[0] < found[rk][0]:
                    found[rk] = mem
        return found

    def add(self, rows: list[Row]) -> list[Row]:
        """Write one chunk of valid rows; returns rows refused now (a 线索编号 already used)."""
        keyed = []
        for row in rows:
            fp, rk = _keys(row.values)
            keyed.append((row, fp, rk))
        stored = self._stored([fp for _, fp, _ in keyed])
        originals = self._originals([rk for _, _, rk in keyed if rk])
        given = [r.values["ref"] for r, _, _ in keyed if r.values["ref"]]
        used = self.refs.existing(given) if given else set()
        refused: list[Row] = []
        fresh: list[tuple[Row, str, str, str | None, tuple[int | None, str] | None]] = []
        for row, fp, rk in keyed:
            if fp in self.seen:
                self.duplicates.append((row.number, f"第 {self.seen[fp]} 行"))
                continue
            if fp in stored:
                self.duplicates.append((row.number, f"线索 {stored[fp]}"))
                self.seen[fp] = row.number
                continue
            ref = row.values["ref"]
            if ref and ref in used:
                row.problems["ref"] = f"线索编号“{ref}”已存在"
                refused.append(row)
                continue
            self.seen[fp] = row.number
            if ref:
                self.refs.given.add(ref)
                used.add(ref)
            else:
                ref = self.refs(row.values["received_on"].year)
            original = None
            if rk:
                original = originals.get(rk) or self.first_of_matter.get(rk)
                if original is None:
                    self.first_of_matter[rk] = (None, ref)
            fresh.append((row, ref, fp, rk, original))
        self._insert(fresh)
        return refused

    def _insert(
        self, fresh: list[tuple[Row, str, str, str | None, tuple[int | None, str] | None]]
    ) -> None:
        if not fresh:
            return
        units = self.links.unit_ids(
            name for row, *_ in fresh for name in (
                row.values["subject_unit"], row.values["handler_unit"])
        )  # fmt: skip
        persons = self.links.person_ids(
            (v["subject"], units.get(v["subject_unit"] or ""), v["subject_position"])
            for v in (row.values for row, *_ in fresh)
            if v["subject"]
        )
        params: list[list[Any]] = []
        batch_id, due, stamps = self.batch_id, self.due, self.stamp_values
        for row, ref, fp, rk, original in fresh:
            v = row.values
            unit_id = units.get(v["subject_unit"] or "")
            person_id = persons.get((v["subject"], unit_id)) if v["subject"] else None
            repeat_of_id = None
            if original is not None:
                self.repeats.append((row.number, original[1]))
                if original[0] is not None and original[0] > 0:
                    repeat_of_id = original[0]
                else:
                    self.links_to_make.append((ref, original[1]))
            received = v["received_on"]
            # In LEAD_COLUMNS order.
            params.append(
                [
                    ref, received, v["channel"] or "other", v["reporter_name"],
                    v["reporter_phone"], bool(v["anonymous"]), _real(person_id), _real(unit_id),
                    v["category"] or "other", v["summary"], v["case_no"], v["status"] or "new",
                    v["disposition"], v["result"], _real(units.get(v["handler_unit"] or "")),
                    v["due_on"] or received + due, v["concluded_on"], batch_id, repeat_of_id,
                    row.extra, fp, rk, 1, new_uuid(), *stamps,
                ]
            )  # fmt: skip
        self.imported += len(params)
        if not self.dry_run:
            self.inserter.insert(_LEADS, LEAD_COLUMNS, params)

    def finish(self) -> None:
        """Link repeats of leads inserted by this import; advance the lead number counters."""
        if self.dry_run:
            return
        self.refs.save()
        if not self.links_to_make:
            return
        originals = sorted({o for _, o in self.links_to_make})
        ids: dict[str, int] = {}
        for part in chunks(originals):
            ids.update(
                self.session.execute(select(Lead.ref, Lead.id).where(Lead.ref.in_(part))).all()
            )
        self.session.execute(
            update(_LEADS)
            .where(_LEADS.c.ref == bindparam("repeat_ref"))
            .values(repeat_of_id=bindparam("original_id")),
            [{"repeat_ref": r, "original_id": ids[o]} for r, o in self.links_to_make],
        )


def _real(record_id: int | None) -> int | None:
    """A stored id, or None for a dry run's stand-in id of a record not created."""
    return record_id if record_id is not None and record_id > 0 else None
