"""The server load test, bounded: 8 processes importing and editing one PostgreSQL store at once
lose no update, duplicate nothing, and leave exact counts and a verifiable audit chain.

Runs in the PostgreSQL suite (`make test-pg`) only; `make load-test` runs it for 60 seconds
and reports throughput (bench/load_server.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bench import load_server

pytestmark = pytest.mark.slow


def test_eight_processes_importing_and_editing_lose_nothing(
    postgres_databases: object | None, new_db: Callable[..., str]
) -> None:
    if postgres_databases is None:
        pytest.skip("a server store's load test: runs in the PostgreSQL suite (make test-pg)")
    figures = load_server.run(new_db(migrated=True), seconds=15, processes=8, importers=3)
    assert figures["failures"] == []
    assert figures["imports"] > 0
    assert figures["imported_rows"] == figures["imports"] * figures["rows_per_ledger"]
    assert figures["saves"] > 0
    assert figures["error_count"] == 0  # no refusal other than the version conflicts
    if figures["conflicts_retried"]:
        assert "（您打开后）" in figures["conflict_example"]
