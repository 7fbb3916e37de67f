"""Fixtures of the import tests (the helpers themselves are in importing_helpers.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from importing_helpers import Files, counts

from workstation.store import Store


@pytest.fixture
def files(tmp_path: Path) -> Files:
    folder = tmp_path / "files"
    folder.mkdir()
    return Files(folder)


@pytest.fixture
def store_counts() -> Callable[[Store], dict[str, int]]:
    return counts
