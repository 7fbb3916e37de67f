"""Writing an import's cases: new ones inserted, known ones recognised or brought up to date."""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session, aliased

from workstation.errors import WorkstationError
from workstation.importing.bulk import Inserter
from workstation.importing.cases import FACTS, LABELS, facts, identity
from workstation.importing.links import Links, chunks, new_uuid
from workstation.importing.source import Row
from workstation.models import Case, Person
from workstation.services import cases as case_service
from workstation.services.fingerprints import case_no_key
from workstation.vocab import CASE_KIND, PROCURATORATE_DECISION, normalise

# A case ledger is re-exported every month, so a case number already in the store with other
# facts is normal: the ledger's non-blank values replace the stored ones ("updated"; the old
# values go into the batch's audit event, so undo restores them). Changing a stored case is
# an edit (case.edit): for a user without that right such a row is rejected with the
# differences listed, for an inspector or admin to import. A blank cell never erases a fact.

_CASES: Table = Case.__table__  # type: ignore[assignment]
_COLUMNS = tuple(f for f in FACTS if f != "officer")
_STAMPS = ("created_at", "updated_at", "created_by", "updated_by")
CASE_COLUMNS = ("case_no", "agency_id", *_COLUMNS, "officer_id", "batch_id", "extra", "version",
                "uuid", *_STAMPS)  # fmt: skip


@dataclasses.dataclass
class Stored:
    id: int
    version: int
    case_no: str
    facts: dict[str, Any]
    officer_id: int | None
    agency_id: int


def shown(field: str, value: Any) -> str:
    """A fact as the clerk would write it, for messages."""
    if value is None:
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    if field == "amount_fen":
        return f"{value / 100:,.2f} 元"
    if field == "kind":
        return CASE_KIND.label(value)
    if field == "procuratorate_decision":
        return PROCURATORATE_DECISION.label(value)
    return str(value)


def _label(field: str) -> str:
    return LABELS["amount"] if field == "amount_fen" else LABELS[field]


def describe(diff: dict[str, tuple[Any, Any]]) -> str:
    return "；".join(
        f"{_label(f)}（库中 {shown(f, old)}，表中 {shown(f, new)}）"
        for f, (old, new) in diff.items()
    )


class CaseWriter:
    """Sorts valid case rows into new, duplicate and updated cases, and writes them."""

    def __init__(
        self,
        session: Session,
        links: Links,
        inserter: Inserter,
        stamps: dict[str, Any],
        *,
        batch_id: int | None,
        present: set[str],
        can_update: bool,
        login: str,
        dry_run: bool,
    ) -> None:
        self.session = session
        self.links = links
        self.inserter = inserter
        self.stamps = stamps
        self.stamp_values = [stamps[k] for k in _STAMPS]
        self.batch_id = batch_id
        # The facts the ledger has columns for (only those are compared and updated).
        given = {("amount_fen" if f == "amount" else f) for f in present}
        self.present = [f for f in FACTS if f in given]
        self.can_update = can_update
        self.login = login
        self.dry_run = dry_run
        self.by_agency: dict[int, dict[str, Stored]] = {}
        self.seen: dict[tuple[str, str], tuple[int, dict[str, Any]]] = {}
        self.imported = 0
        self.duplicates: list[tuple[int, str]] = []
        self.updated: list[tuple[int, str, dict[str, tuple[Any, Any]]]] = []
        self.previous: list[dict[str, Any]] = []  # for undo: id, version after, old values

    def _load(self, agency_ids: set[int]) -> None:
        todo = sorted(a for a in agency_ids if a not in self.by_agency and a > 0)
        for a in agency_ids:
            self.by_agency.setdefault(a, {})
        officer = aliased(Person)
        for part in chunks(todo):
            stmt = (
                select(
                    Case.id, Case.version, Case.case_no, Case.agency_id, Case.officer_id,
                    officer.name, *(getattr(Case, f) for f in _COLUMNS),
                )
                .outerjoin(officer, Case.officer_id == officer.id)
                .where(Case.agency_id.in_(part))
                .order_by(Case.id)
            )  # fmt: skip
            for (
                case_id,
                version,
                case_no,
                agency_id,
                officer_id,
                officer_name,
                *cols,
            ) in self.session.execute(stmt):
                known = dict(zip(_COLUMNS, cols, strict=True))
                known["officer"] = officer_name
                stored = Stored(case_id, version, case_no, known, officer_id, agency_id)
                self.by_agency[agency_id].setdefault(case_no_key(case_no), stored)

    def _given(self, values: dict[str, Any]) -> dict[str, Any]:
        all_facts = facts(values)
        return {f: all_facts[f] for f in self.present if values.get(_src(f)) is not None}

    def add(self, rows: list[Row]) -> list[Row]:
        """Write one chunk of valid rows; returns the rows refused now."""
        agencies = self.links.unit_ids(r.values["agency"] for r in rows)
        self._load(set(agencies.values()))
        refused: list[Row] = []
        new: list[tuple[Row, int]] = []
        changes: list[tuple[Row, Stored, dict[str, tuple[Any, Any]]]] = []
        for row in rows:
            v = row.values
            ident = identity(v)
            given = self._given(v)
            if ident in self.seen:
                first, first_given = self.seen[ident]
                diff = {
                    f: (first_given.get(f), given.get(f))
                    for f in given.keys() | first_given.keys()
                    if _differs(first_given.get(f), given.get(f), f)
                }
                if diff:
                    row.problems["case_no"] = (
                        f"与第 {first} 行是同一案件（案号“{v['case_no']}”），但内容不同："
                        + "；".join(f"{_label(f)}" for f in diff)
                    )
                    refused.append(row)
                else:
                    self.duplicates.append((row.number, f"第 {first} 行"))
                continue
            self.seen[ident] = (row.number, given)
            agency_id = agencies[v["agency"]]
            stored = self.by_agency[agency_id].get(ident[1])
            if stored is None:
                new.append((row, agency_id))
                continue
            diff = {
                f: (stored.facts.get(f), new_value)
                for f, new_value in given.items()
                if _differs(stored.facts.get(f), new_value, f)
            }
            if not diff:
                self.duplicates.append((row.number, f"案件 {v['agency']} {stored.case_no}"))
            elif not self.can_update:
                row.problems["case_no"] = (
                    f"库中已有此案件，以下内容不同：{describe(diff)}；"
                    "更新已有案件需由核查人员或管理员导入"
                )
                refused.append(row)
            else:
                merged = stored.facts | {f: new for f, (_, new) in diff.items()}
                problems: dict[str, str] = {}
                record = {f: merged.get(f) for f in case_service.DATE_FIELDS}
                record["case_no"] = stored.case_no
                case_service.check_record(cast(Case, types.SimpleNamespace(**record)), problems)
                if problems:
                    row.problems.update(
                        {f: f"按此行更新库中案件后：{m}" for f, m in problems.items()}
                    )
                    refused.append(row)
                    continue
                changes.append((row, stored, diff))
        self._update(changes)
        self._insert(new)
        return refused

    def finish(self) -> None:
        """Nothing left to do once every chunk is written (leads link repeats here)."""

    def _officers(self, wanted: list[tuple[str, int]]) -> dict[tuple[str, int | None], int]:
        return self.links.person_ids((name, agency_id, None) for name, agency_id in wanted)

    def _insert(self, new: list[tuple[Row, int]]) -> None:
        if not new:
            return
        officers = self._officers(
            [(r.values["officer"], a) for r, a in new if r.values.get("officer")]
        )
        params: list[list[Any]] = []
        for row, agency_id in new:
            v = row.values
            all_facts = facts(v)
            officer_id = officers.get((v["officer"], agency_id)) if v.get("officer") else None
            params.append(
                [
                    v["case_no"], agency_id if agency_id > 0 else None,
                    *(all_facts[f] for f in _COLUMNS),
                    officer_id if officer_id and officer_id > 0 else None, self.batch_id,
                    row.extra, 1, new_uuid(), *self.stamp_values,
                ]
            )  # fmt: skip
        self.imported += len(params)
        if not self.dry_run:
            self.inserter.insert(_CASES, CASE_COLUMNS, params)

    def _update(self, changes: list[tuple[Row, Stored, dict[str, tuple[Any, Any]]]]) -> None:
        if not changes:
            return
        officers = self._officers(
            [
                (row.values["officer"], agency)
                for row, stored, diff in changes
                if "officer" in diff
                for agency in [stored.agency_id]
            ]
        )
        params = []
        for row, stored, diff in changes:
            merged = stored.facts | {f: new for f, (_, new) in diff.items()}
            officer_id = stored.officer_id
            if "officer" in diff:
                officer_id = officers.get((row.values["officer"], stored.agency_id))
            old = {f: old for f, (old, _) in diff.items()}
            if officer_id != stored.officer_id:
                old["officer_id"] = stored.officer_id
            params.append(
                {
                    "case_id": stored.id,
                    "old_version": stored.version,
                    **{f"new_{f}": merged[f] for f in _COLUMNS},
                    "new_officer_id": officer_id if officer_id and officer_id > 0 else None,
                    "new_version": stored.version + 1,
                }
            )
            self.previous.append({"id": stored.id, "version": stored.version + 1, "values": old})
            self.updated.append((row.number, stored.case_no, diff))
            stored.facts, stored.version, stored.officer_id = merged, stored.version + 1, officer_id
        if self.dry_run:
            return
        stmt = (
            update(_CASES)
            .where(_CASES.c.id == bindparam("case_id"))
            .where(_CASES.c.version == bindparam("old_version"))
            .values(
                {f: bindparam(f"new_{f}") for f in _COLUMNS}
                | {
                    "officer_id": bindparam("new_officer_id"),
                    "version": bindparam("new_version"),
                    "updated_at": self.stamps["updated_at"],
                    "updated_by": self.login,
                }
            )
        )
        result = self.session.execute(stmt, params)
        if result.rowcount not in (-1, len(params)):
            raise WorkstationError("导入期间有人修改了库中的案件，请重新导入")


def _src(fact: str) -> str:
    return "amount" if fact == "amount_fen" else fact


def _differs(old: Any, new: Any, field: str) -> bool:
    if field == "officer":
        return normalise(old) != normalise(new)
    return bool(old != new)
