"""Opening a store: a file path or SQLAlchemy URL becomes an engine and session factories."""

from __future__ import annotations

import contextlib
import functools
import os
import re
import sqlite3
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from workstation.errors import StoreError

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000
# The PostgreSQL advisory lock writers take turns by (see Store.write): any fixed 64-bit number.
WRITE_LOCK = 0x5753_5752_4954_45  # "WSWRITE"
# How long a PostgreSQL writer waits for its turn (or for a row lock) before it is refused.
WRITE_WAIT_SECONDS = 60
STORE_KEY_BYTES = 32

# What the workstation does to an SQLite file itself and leaves to the DBA on a server store.
SERVER_BACKUP = "服务器数据库（PostgreSQL）请用 pg_dump 备份，由数据库管理员负责"
SERVER_RESTORE = "服务器数据库（PostgreSQL）请由数据库管理员用 pg_restore 从 pg_dump 的备份恢复"
SERVER_CHECK = (
    "服务器数据库（PostgreSQL）的完整性由数据库服务器保证，请由数据库管理员检查（如 pg_amcheck）"
)
SERVER_ENCRYPT = (
    "服务器数据库（PostgreSQL）不能由工作站加密：请在服务器上加密磁盘，并用 SSL 连接数据库"
)


class KeyRequired(StoreError):
    """The store is encrypted and no key (no login and password) was given."""


class WrongKey(StoreError):
    """The key given does not open the store (it belongs to another store, or the store is
    not encrypted)."""


def raw_key(key: bytes) -> str:
    """SQLCipher's raw-key form x'…': the key is used as is, with no passphrase derivation."""
    if len(key) != STORE_KEY_BYTES:
        raise ValueError("a store key has 32 bytes")
    return f"x'{key.hex()}'"


@functools.cache
def _sqlcipher() -> Any:
    import sqlcipher3

    # SQLCipher logs every failed page decryption to stderr (a wrong key, a damaged page); the
    # workstation reports those itself, in Chinese. The setting is process-wide.
    conn = sqlcipher3.connect(":memory:")
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.close()
    return sqlcipher3


def raw_connect(path: Path, key: bytes | None = None, *, read_only: bool = False) -> Any:
    """A DB-API connection to an SQLite file outside SQLAlchemy (backups, checks): plain
    sqlite3, or SQLCipher keyed with the store key. The caller closes it."""
    target = "file:" + urllib.parse.quote(str(path)) + ("?mode=ro" if read_only else "")
    if key is None:
        conn = sqlite3.connect(target, uri=True, isolation_level=None)
    else:
        conn = _sqlcipher().connect(target, uri=True, isolation_level=None)
        conn.execute(f'PRAGMA key = "{raw_key(key)}"')
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def file_is_plain_sqlite(path: Path) -> bool | None:
    """True for a plain SQLite file, False for any other content (SQLCipher's looks random),
    None for a missing or empty file."""
    try:
        with path.open("rb") as f:
            head = f.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return None
    if not head:
        return None
    return head == SQLITE_HEADER


# user:password@ in a URL that could not be parsed (it is shown without the password).
_PASSWORD_IN_URL = re.compile(r"(://[^:/@]*:)[^@]*@")


def hide_password(text: str) -> str:
    """A database address as it may be shown or logged: any password replaced by ***."""
    return _PASSWORD_IN_URL.sub(r"\1***@", text)


def to_url(path_or_url: str | os.PathLike[str]) -> URL:
    """Turn what the user gave to --db into a URL: a plain path means an SQLite file."""
    text = os.fspath(path_or_url)
    if "://" in text:
        try:
            url = make_url(text)
        except (ArgumentError, ValueError) as exc:
            shown = hide_password(text)
            raise StoreError(f"数据库地址“{shown}”无法识别") from exc
        if url.drivername in ("postgresql", "postgres"):
            # The driver the workstation installs (the `server` extra), not SQLAlchemy's default.
            url = url.set(drivername="postgresql+psycopg")
        return url
    return URL.create("sqlite", database=str(Path(text).expanduser().resolve()))


def check_sqlite_file(path: Path, *, must_exist: bool = False, key: bytes | None = None) -> None:
    """Refuse early, with a clear message, what SQLite would fail on later or obscurely.

    With a key the file must be an SQLCipher store that this key opens; without one it must be
    a plain SQLite store (an encrypted one raises KeyRequired)."""
    if not path.parent.is_dir():
        raise StoreError(
            f"数据库所在的文件夹“{path.parent}”不存在：请先建好该文件夹，或检查路径是否写错"
        )
    if not path.exists():
        if must_exist:
            raise StoreError(f"数据库文件“{path}”不存在，请先运行 init 创建")
        return
    if path.is_dir():
        raise StoreError(f"“{path}”是一个文件夹，不是数据库文件")
    try:
        with path.open("rb") as f:
            head = f.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"无法读取数据库文件“{path}”：{exc.strerror}") from exc
    if not head:
        return
    if key is not None:
        if head == SQLITE_HEADER:
            raise WrongKey(f"数据库“{path}”未加密，不能用密钥打开；数据库未作改动")
        _check_sqlite_tables(path, key)
        return
    if head != SQLITE_HEADER:
        from workstation.store.crypto import keyring_path

        if keyring_path(path).exists():
            raise KeyRequired(f"数据库“{path}”已加密，请用登录名和密码打开")
        raise StoreError(f"“{path}”不是工作站数据库（SQLite）文件，或已加密、已损坏")
    _check_sqlite_tables(path)


def _check_sqlite_tables(path: Path, key: bytes | None = None) -> None:
    """Refuse another program's SQLite file (or a key that is not this store's) before any
    connection of ours could change it."""
    try:
        conn = raw_connect(path, key, read_only=True)
        try:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        finally:
            conn.close()
    except Exception as exc:
        if not _is_database_error(exc):
            raise
        if key is not None and "not a database" in str(exc):
            raise WrongKey(f"密钥与数据库“{path}”不符，无法打开；数据库未作改动") from exc
        raise StoreError(f"“{path}”不是工作站数据库（SQLite）文件，或已加密、已损坏") from exc
    if tables and "alembic_version" not in tables:
        raise StoreError(f"“{path}”是其他程序的数据库，不是工作站数据库")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # pysqlite's own transaction handling is switched off so that BEGIN is ours (see Store).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = NORMAL")
    # 64 MB of page cache (the default is 2 MB): bulk imports into tables with random-UUID
    # indexes spend a quarter of their time re-reading pages otherwise.
    cur.execute("PRAGMA cache_size = -65536")
    cur.close()


def _is_database_error(exc: BaseException) -> bool:
    """sqlite3's and sqlcipher3's DatabaseError are distinct classes of the same meaning."""
    return any(cls.__name__ == "DatabaseError" for cls in type(exc).__mro__)


def _begin(conn: Any) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: URL, key: bytes | None = None) -> Engine:
    """An engine for the store; with a key, SQLCipher through SQLAlchemy's pysqlcipher dialect,
    which sends the key (here SQLCipher's raw-key form) as PRAGMA key before anything else."""
    try:
        if key is not None:
            if url.get_backend_name() != "sqlite":
                raise StoreError(SERVER_ENCRYPT)
            _sqlcipher()
            cipher_url = url.set(drivername="sqlite+pysqlcipher", password=raw_key(key))
            # The dialect's default SingletonThreadPool keeps a connection per thread and cannot
            # close those of other threads; the pool of plain SQLite files is used instead.
            engine = create_engine(
                cipher_url,
                poolclass=QueuePool,
                connect_args={"timeout": BUSY_TIMEOUT_MS / 1000},
            )
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _begin)
        elif url.get_backend_name() == "sqlite":
            engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _begin)
        else:
            engine = create_engine(url, pool_pre_ping=True)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        shown = url.render_as_string(hide_password=True)
        raise StoreError(f"数据库地址“{shown}”无法识别或缺少驱动：{exc}") from exc
    return engine


@contextlib.contextmanager
def translated_errors() -> Iterator[None]:
    """The store's own refusals (locked by another writer, disk full) as messages for people;
    the transaction has been rolled back by then, so they say nothing was written."""
    try:
        yield
    except (OperationalError, sqlite3.OperationalError) as exc:
        text = str(exc).lower()
        if "connection to server" in text or "connection failed" in text:
            # psycopg's reason names the host, port and user, never the password.
            reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
            reason = reason.removeprefix("connection failed: ")
            raise StoreError(f"无法连接数据库服务器：{reason}；本次未写入任何内容") from exc
        if "locked" in text or "busy" in text or "lock timeout" in text:
            raise StoreError("数据库正被其他程序写入，请稍后再试；本次未写入任何内容") from exc
        if "full" in text:
            raise StoreError("磁盘空间已满，操作未完成；数据库未作改动") from exc
        raise
    except (DatabaseError, sqlite3.DatabaseError) as exc:
        text = str(exc).lower()
        if "malformed" in text or "not a database" in text:
            raise StoreError(
                "数据库文件已损坏，无法读取；本次未写入任何内容。请用 check 命令检查，"
                "并用 restore 从最近一份完好的备份恢复（backups list 列出备份）"
            ) from exc
        raise


class Store:
    """One open store: an engine plus sessions for reading and for writing.

    Writers on SQLite take the write lock when they begin (BEGIN IMMEDIATE), so two writers
    never both read the same audit-chain tail; readers stay concurrent under WAL.
    """

    def __init__(self, url: URL, *, key: bytes | None = None) -> None:
        self.url = url
        self._key = key
        self.engine = make_engine(url, key)
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        if self.is_sqlite:
            write_engine = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        else:
            write_engine = self.engine
        self._write = sessionmaker(write_engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def is_encrypted(self) -> bool:
        """An SQLCipher store (the status bar shows it)."""
        return self._key is not None

    @property
    def key(self) -> bytes | None:
        """The store key of an encrypted store (to add or rewrap users' key slots), else None."""
        return self._key

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None for a server store."""
        if self.is_sqlite and self.url.database and self.url.database != ":memory:":
            return Path(self.url.database)
        return None

    def describe(self) -> str:
        return str(self.path) if self.path else self.url.render_as_string(hide_password=True)

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A short read-only unit of work."""
        with translated_errors(), self._read() as session, session.begin():
            yield session

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any exception."""
        with translated_errors(), self._write() as session, session.begin():
            if self.url.get_backend_name() == "postgresql":
                # Writers take turns from their first statement, as BEGIN IMMEDIATE makes them
                # on SQLite: the services read the audit chain's tail, find-or-create units and
                # persons, and count reference numbers, all of which assume one writer at a time.
                # The lock is the transaction's: released at its commit or rollback. A writer
                # waits at most WRITE_WAIT behind another (a long import), then is refused with
                # the same message as SQLite's busy store, instead of hanging without a word.
                session.execute(text(f"SET LOCAL lock_timeout = '{WRITE_WAIT_SECONDS}s'"))
                session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
