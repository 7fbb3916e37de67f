"""Fixtures shared by the whole suite: a real store in a temporary place, and actors.

The store is an SQLite file by default. With WORKSTATION_TEST_DB=postgresql and
WORKSTATION_TEST_PG_URL (a URL of a running server's superuser or of a role that may create
databases; `make test-pg` starts one with tools/pg_sandbox.py) every test gets a fresh database
on that server instead: one is migrated per session and copied (CREATE DATABASE … TEMPLATE) for
each test, then dropped. Tests marked `sqlite_only` (SQLite files, SQLCipher, backups) are
skipped then.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Tests never touch the user's real data folder.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from workstation.services.auth import IMPLICIT_ADMIN, Actor
from workstation.store import Store, open_store, to_url

ON_POSTGRES = os.environ.get("WORKSTATION_TEST_DB", "sqlite") == "postgresql"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not ON_POSTGRES:
        return
    skip = pytest.mark.skip(reason="SQLite-only (the store is on PostgreSQL in this run)")
    for item in items:
        if item.get_closest_marker("sqlite_only"):
            item.add_marker(skip)


class PostgresDatabases:
    """Fresh databases on the test server: empty, or copies of one migrated template.

    Copies are made one ahead and dropped in a background thread, so that the server does
    that work while the tests run (about 0.1 s a database, for over a thousand tests)."""

    def __init__(self, admin_url: str) -> None:
        from concurrent.futures import ThreadPoolExecutor

        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url
        from sqlalchemy.pool import NullPool

        self.admin_url = make_url(admin_url)
        self._admin = create_engine(
            self.admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool
        )
        self._prefix = f"ws_test_{os.getpid()}"
        self._numbers = itertools.count(1)
        self._template: str | None = None
        self._made: set[str] = set()
        self._background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-test-dbs")
        self._ready: Any = None  # the Future of the next copy of the template
        with self._admin.connect() as conn:
            version = int(conn.exec_driver_sql("SHOW server_version_num").scalar() or 0)
        # PostgreSQL 15 copies through the WAL by default: copying the files is twice as fast.
        self._strategy = " STRATEGY FILE_COPY" if version >= 150000 else ""

    def url(self, name: str) -> str:
        return self.admin_url.set(database=name).render_as_string(hide_password=False)

    def _execute(self, sql: str) -> None:
        with self._admin.connect() as conn:
            conn.exec_driver_sql(sql)

    def _copy(self) -> str:
        name = f"{self._prefix}_{next(self._numbers)}"
        self._made.add(name)
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template()}"{self._strategy}')
        return name

    def create(self, *, migrated: bool) -> str:
        """A new database's name: migrated to head (copied from the template) or empty."""
        if not migrated:
            name = f"{self._prefix}_{next(self._numbers)}"
            self._made.add(name)
            self._execute(f'CREATE DATABASE "{name}"')
            return name
        self.template()
        ready = self._ready or self._background.submit(self._copy)
        self._ready = self._background.submit(self._copy)
        return str(ready.result())

    def template(self) -> str:
        if self._template is None:
            name = f"{self._prefix}_template"
            self._execute(f'CREATE DATABASE "{name}"')
            open_store(self.url(name)).dispose()
            self._template = name
        return self._template

    def _drop(self, name: str) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._made.discard(name)

    def drop(self, name: str) -> None:
        """Drop a database (in the background: nothing uses it any more)."""
        self._background.submit(self._drop, name)

    def close(self) -> None:
        """Drop what is left: databases of session-wide fixtures, then the template."""
        self._background.shutdown(wait=True)
        for name in sorted(self._made):
            self._drop(name)
        if self._template is not None:
            self._drop(self._template)
        self._admin.dispose()


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[PostgresDatabases | None]:
    """The test server's database factory in a PostgreSQL run; None in an SQLite run."""
    if not ON_POSTGRES:
        yield None
        return
    url = os.environ.get("WORKSTATION_TEST_PG_URL")
    if not url:
        pytest.exit("WORKSTATION_TEST_DB=postgresql needs WORKSTATION_TEST_PG_URL", returncode=4)
    databases = PostgresDatabases(url)
    yield databases
    databases.close()


@pytest.fixture
def needs_postgres(postgres_databases: PostgresDatabases | None) -> None:
    """Skips the test in an SQLite run (tests of PostgreSQL's own behaviour)."""
    if postgres_databases is None:
        pytest.skip("needs PostgreSQL (WORKSTATION_TEST_DB=postgresql; `make test-pg`)")


@pytest.fixture
def new_db(
    postgres_databases: PostgresDatabases | None, tmp_path: Path
) -> Iterator[Callable[..., str]]:
    """Make another store location, as `--db` takes it: `new_db()` an empty one (init creates
    it), `new_db(migrated=True)` one already migrated; an SQLite file path in an SQLite run
    (`new_db("name.db")` chooses its name), a PostgreSQL URL in a PostgreSQL run."""
    made: list[str] = []
    numbers = itertools.count(1)

    def make(name: str | None = None, *, migrated: bool = False) -> str:
        if postgres_databases is None:
            path = tmp_path / (name or f"store{next(numbers)}.db")
            if migrated:
                open_store(path, create=True).dispose()
            return str(path)
        db = postgres_databases.create(migrated=migrated)
        made.append(db)
        return postgres_databases.url(db)

    yield make
    if postgres_databases is not None:
        for db in made:
            postgres_databases.drop(db)


@pytest.fixture(autouse=True)
def _isolated_data_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKSTATION_DATA_DIR", str(tmp_path_factory.mktemp("data")))


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "ws.db"


@pytest.fixture
def store(
    request: pytest.FixtureRequest, postgres_databases: PostgresDatabases | None
) -> Iterator[Store]:
    if postgres_databases is None:
        s = open_store(request.getfixturevalue("store_path"), create=True)
        yield s
        s.dispose()
        return
    name = postgres_databases.create(migrated=True)
    s = Store(to_url(postgres_databases.url(name)))  # a copy of the migrated template
    yield s
    s.dispose()
    postgres_databases.drop(name)


def _contents_digest(db: str) -> str:
    """A digest of a store's contents: its SQLite file's bytes, or every row of a server
    database's tables (in key order)."""
    import hashlib

    from sqlalchemy import create_engine, inspect, text
    from sqlalchemy.pool import NullPool

    from workstation.store import to_url

    url = to_url(db)
    if url.get_backend_name() == "sqlite":
        return hashlib.sha256(Path(url.database or "").read_bytes()).hexdigest()
    digest = hashlib.sha256()
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        for table in sorted(inspect(conn).get_table_names()):
            digest.update(table.encode())
            for row in conn.execute(text(f'SELECT * FROM "{table}" ORDER BY 1')):
                digest.update(repr(tuple(row)).encode())
    engine.dispose()
    return digest.hexdigest()


def _run_sql(db: str, statement: str, **params: object) -> list[tuple[object, ...]]:
    """Run one statement on a store, outside the workstation (as another program would), and
    commit; the rows it returns."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    from workstation.store import to_url

    engine = create_engine(to_url(db), poolclass=NullPool)
    try:
        with engine.begin() as conn:
            result = conn.execute(text(statement), params)
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()


@pytest.fixture
def db_sql() -> Callable[..., list[tuple[object, ...]]]:
    """`db_sql(db, statement, **params)`: a change or a query made around the workstation."""
    return _run_sql


@pytest.fixture
def db_digest() -> Callable[[str], str]:
    """`db_digest(db)`: a digest of the store's contents, to show a command wrote nothing."""
    return _contents_digest


@pytest.fixture
def store_db(store: Store) -> str:
    """The `store` fixture's location as --db takes it (a file path, or a URL with password)."""
    if store.path is not None:
        return str(store.path)
    return store.url.render_as_string(hide_password=False)


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


def _left_by_the_app(path: Path) -> None:
    from workstation.store import start_check

    start_check.record_checked(path)
    start_check.record_closed(path)


@pytest.fixture
def left_by_the_app() -> Callable[[Path], None]:
    """Mark a store file as the desktop app leaves it: a passing check at start, then a clean
    close (so the next start trusts it: workstation.store.start_check)."""
    return _left_by_the_app
