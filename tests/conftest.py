"""Fixtures shared by the whole suite: a real SQLite store in a temporary folder, and actors."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Tests never touch the user's real data folder.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from workstation.services.auth import IMPLICIT_ADMIN, Actor
from workstation.store import Store, open_store


@pytest.fixture(autouse=True)
def _isolated_data_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKSTATION_DATA_DIR", str(tmp_path_factory.mktemp("data")))


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "ws.db"


@pytest.fixture
def store(store_path: Path) -> Iterator[Store]:
    s = open_store(store_path, create=True)
    yield s
    s.dispose()


@pytest.fixture
def admin() -> Actor:
    return IMPLICIT_ADMIN


@pytest.fixture
def clerk() -> Actor:
    return Actor(login="clerk1", display_name="王录入", role="clerk")


@pytest.fixture
def inspector() -> Actor:
    return Actor(login="insp1", display_name="李核查", role="inspector")


@pytest.fixture
def leader() -> Actor:
    return Actor(login="lead1", display_name="赵领导", role="leader")
