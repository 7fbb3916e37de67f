"""Helpers of the exchange tests: laptops (real SQLite stores with a name) exchanging packets,
and a canonical dump of the carried records."""

from __future__ import annotations

import hashlib
import itertools
from pathlib import Path
from typing import Any

from sqlalchemy import select

from workstation.exchange.capture import UuidCache, current_values
from workstation.exchange.entities import SPECS
from workstation.services import exchange
from workstation.services.auth import IMPLICIT_ADMIN, Actor
from workstation.store import Store

PASSPHRASE = "江州交换口令2021"


class Laptop:
    """One machine: its store, and packets it writes into the shared folder."""

    def __init__(self, name: str, store: Store, folder: Path) -> None:
        self.name = name
        self.store = store
        self.folder = folder
        self.actor: Actor = IMPLICIT_ADMIN
        self._numbers = itertools.count(1)

    def send(self, to: Laptop | None = None, *, everything: bool = False) -> Path:
        """Export a packet for `to` (since the last export to it, unless `everything`)."""
        path = self.folder / f"{self.name}-{next(self._numbers)}.pkt"
        known = to is not None and any(
            p.store_id == exchange.store_id(to.store)
            for p in exchange.list_peers(self.store, self.actor)
        )
        exchange.export_packet(
            self.store,
            self.actor,
            path,
            PASSPHRASE,
            peer=exchange.store_id(to.store) if known and to is not None else None,
            peer_name=to.name if to is not None and not known else None,
            everything=everything,
        )
        return path

    def receive(self, packet: Path) -> exchange.ImportResult:
        return exchange.import_packet(self.store, self.actor, packet, PASSPHRASE)

    def pass_to(self, other: Laptop, *, everything: bool = False) -> exchange.ImportResult:
        return other.receive(self.send(other, everything=everything))


def dump(store: Store) -> dict[str, dict[str, dict[str, Any]]]:
    """Every carried record by kind and UUID, with its carried values (links as UUIDs)."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    with store.read() as session:
        cache = UuidCache(session)
        for spec in SPECS:
            rows = session.scalars(select(spec.model)).all()
            out[spec.name] = {r.uuid: current_values(spec, r, cache) for r in rows}
    return out


def store_state(store: Store) -> str:
    """A fingerprint of everything the store holds: the SHA-256 of an SQLite store's file and
    write-ahead log; on a server, of every table's rows."""
    digest = hashlib.sha256()
    path = store.path
    if path is not None:
        for part in (path, path.with_name(path.name + "-wal")):
            if part.exists():
                digest.update(part.read_bytes())
        return digest.hexdigest()
    from workstation.models import Base

    with store.read() as session:
        for table in Base.metadata.sorted_tables:
            rows = session.execute(select(table).order_by(*table.primary_key.columns)).all()
            digest.update(repr([tuple(r) for r in rows]).encode("utf-8"))
    return digest.hexdigest()
