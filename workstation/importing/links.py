"""Units, persons and lead numbers for a whole import: looked up once, created in bulk."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from workstation.models import Person, Unit
from workstation.services.auth import Actor, require
from workstation.services.fingerprints import name_key
from workstation.vocab import clean_text, infer_unit_type

_UNITS: Table = Unit.__table__  # type: ignore[assignment]
_PERSONS: Table = Person.__table__  # type: ignore[assignment]
IN_CHUNK = 1_000


def new_uuid() -> str:
    """A random (version 4) UUID as text, like str(uuid.uuid4()) at a tenth of the cost."""
    h = os.urandom(16).hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:32]}"


def chunks(items: list[Any], size: int = IN_CHUNK) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Links:
    """Find-or-create of units and persons by normalised name, as services.units does one by one.

    In a dry run nothing is inserted: new units and persons get negative stand-in ids."""

    def __init__(self, session: Session, actor: Actor, stamps: dict[str, Any], *, dry_run: bool):
        self.session = session
        self.actor = actor
        self.stamps = stamps
        self.dry_run = dry_run
        self.units: dict[str, int] = dict(session.execute(select(Unit.name_key, Unit.id)).all())
        self.persons: dict[tuple[str, int | None], tuple[int, bool]] = {}
        self._persons_loaded: set[str] = set()
        self._resolved: dict[tuple[str, int | None], tuple[int, bool]] = {}
        self.created_units: list[tuple[int, str]] = []
        self.created_persons: list[int] = []
        self._fake = 0

    def _stand_in(self) -> int:
        self._fake -= 1
        return self._fake

    def _row_stamps(self) -> dict[str, Any]:
        return self.stamps | {"uuid": new_uuid()}

    def unit_ids(self, names: Iterable[str | None]) -> dict[str, int]:
        """name → unit id for every name, creating the units not yet in the store."""
        wanted: dict[str, str] = {}
        for name in names:
            if name and name not in wanted:
                wanted[name] = name_key(name)
        new: dict[str, str] = {}
        for name, key in wanted.items():
            if key and key not in self.units and key not in new.values():
                new[name] = key
        if new:
            if not self.created_units:
                require(self.actor, "unit.edit")
            self._create_units(new)
        return {name: self.units[key] for name, key in wanted.items() if key}

    def _create_units(self, new: dict[str, str]) -> None:
        rows = [
            {
                "name": clean_text(name) or name,
                "name_key": key,
                "type": infer_unit_type(name),
                "parent_id": None,
                **self._row_stamps(),
            }
            for name, key in new.items()
        ]
        if self.dry_run:
            ids = [self._stand_in() for _ in rows]
        else:
            stmt = insert(_UNITS).returning(_UNITS.c.id, sort_by_parameter_order=True)
            ids = list(self.session.scalars(stmt, rows))
        for row, unit_id in zip(rows, ids, strict=True):
            self.units[row["name_key"]] = unit_id
            self.created_units.append((unit_id, row["name"]))

    def _load_persons(self, keys: set[str]) -> None:
        todo = sorted(keys - self._persons_loaded)
        for part in chunks(todo):
            stmt = (
                select(Person.name_key, Person.unit_id, Person.id, Person.position)
                .where(Person.name_key.in_(part))
                .order_by(Person.id.desc())
            )
            for key, unit_id, person_id, position in self.session.execute(stmt):
                # Descending ids: the oldest person of a name in a unit ends up in the map.
                self.persons[(key, unit_id)] = (person_id, bool(position))
        self._persons_loaded.update(todo)

    def person_ids(
        self, wanted: Iterable[tuple[str, int | None, str | None]]
    ) -> dict[tuple[str, int | None], int]:
        """(name, unit id, position) → person id, creating persons not yet in the store and
        filling in a position a person lacked (as services.units.ensure_person does)."""
        out: dict[tuple[str, int | None], int] = {}
        items = []
        for name, unit_id, position in wanted:
            # Most names come back chunk after chunk: answer those from what is known.
            known = self._resolved.get((name, unit_id))
            if known is not None and (known[1] or not position):
                out[(name, unit_id)] = known[0]
            else:
                items.append((name, unit_id, position, name_key(name)))
        if not items:
            return out
        self._load_persons({key for *_, key in items if key})
        new: dict[tuple[str, int | None], dict[str, Any]] = {}
        positions: dict[int, str] = {}
        for name, unit_id, position, key in items:
            if not key:
                continue
            found = self.persons.get((key, unit_id))
            if found is not None:
                person_id, has_position = found
                if position and not has_position:
                    if person_id > 0:
                        positions.setdefault(person_id, position)
                    self.persons[(key, unit_id)] = (person_id, True)
            elif (key, unit_id) not in new:
                new[(key, unit_id)] = {
                    "name": clean_text(name) or name,
                    "name_key": key,
                    "unit_id": unit_id if unit_id is None or unit_id > 0 else None,
                    "position": position,
                    "badge_no": None,
                    **self._row_stamps(),
                }
        if new:
            rows = list(new.values())
            if self.dry_run:
                ids = [self._stand_in() for _ in rows]
            else:
                stmt = insert(_PERSONS).returning(_PERSONS.c.id, sort_by_parameter_order=True)
                ids = list(self.session.scalars(stmt, rows))
            for (key, unit_id), person_id in zip(new, ids, strict=True):
                self.persons[(key, unit_id)] = (person_id, bool(new[(key, unit_id)]["position"]))
                self.created_persons.append(person_id)
        if positions and not self.dry_run:
            self.session.execute(
                update(_PERSONS)
                .where(_PERSONS.c.id == bindparam("pid"))
                .values(position=bindparam("pos")),
                [{"pid": pid, "pos": pos} for pid, pos in positions.items()],
            )
        for name, unit_id, _, key in items:
            if key:
                found = self.persons[(key, unit_id)]
                out[(name, unit_id)] = found[0]
                self._resolved[(name, unit_id)] = found
        return out
