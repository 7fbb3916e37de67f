"""Fixtures of the exchange tests: laptops, each a real store with a name (an SQLite file; a
database on the test server in a PostgreSQL run)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from exchange_helpers import Laptop

from workstation.services import exchange
from workstation.services.auth import IMPLICIT_ADMIN
from workstation.store import open_store


@pytest.fixture
def laptops(tmp_path: Path, new_db: Callable[..., str]) -> Iterator[Callable[[str], Laptop]]:
    made: list[Laptop] = []
    shared = tmp_path / "usb"
    shared.mkdir()

    def make(name: str) -> Laptop:
        store = open_store(new_db(f"{name}.db"), create=True)
        laptop = Laptop(name, store, shared)
        exchange.rename_store(store, IMPLICIT_ADMIN, name)
        made.append(laptop)
        return laptop

    yield make
    for laptop in made:
        laptop.store.dispose()
