"""What this program is: its version, the schema revision of a store, the Python and library
versions, and the licences of everything shipped with it (`--version`, the About dialog)."""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import platform
import re
import sqlite3
import sys
import tomllib
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

from workstation.paths import resources_dir

DIST_NAME = "case-supervision-workstation"
# The extras a deployment installs (the wheelhouse and the bundle): their libraries are listed.
RUNTIME_EXTRAS = ("gui", "server")
LICENSES_FOLDER = "licenses"
LICENSES_INDEX = "index.json"
UNKNOWN_VERSION = "0+unknown"

# Libraries whose metadata names no licence, with what their licence files say.
KNOWN_LICENCES = {
    # The module is pysqlite's (zlib licence); its wheels link SQLCipher (BSD-3-Clause, Zetetic)
    # and OpenSSL 3 (Apache-2.0) statically.
    "sqlcipher3": "Zlib; bundled SQLCipher: BSD-3-Clause; bundled OpenSSL: Apache-2.0",
}


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pyproject_version() -> str | None:
    """The version in pyproject.toml beside the package: running from a source checkout."""
    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    project = data.get("project", {})
    if _normalise(str(project.get("name", ""))) != DIST_NAME:
        return None
    version = project.get("version")
    return str(version) if version else None


def _read_version() -> str:
    try:
        return metadata.version(DIST_NAME)
    except metadata.PackageNotFoundError:
        pass
    return _pyproject_version() or UNKNOWN_VERSION


__version__ = _read_version()


# --- the store's schema ----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class SchemaInfo:
    """A store's schema revision against the one this program expects.

    `current` is None when the store does not exist, is encrypted (read once signed in), or
    could not be read; `note` then says which, in Chinese."""

    store: str | None
    current: str | None
    head: str
    note: str = ""

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head

    def describe(self) -> str:
        if self.current is None:
            return f"{self.note}；本程序使用结构版本 {self.head}" if self.note else self.head
        if self.up_to_date:
            return f"{self.current}（最新）"
        return f"{self.current}（本程序使用 {self.head}，打开时将升级）"

    def to_json(self) -> dict[str, Any]:
        return {"store": self.store, "current": self.current, "head": self.head, "note": self.note}


def head_revision() -> str:
    from workstation.store import head_revision as head

    return head()


def store_schema(store: Any) -> SchemaInfo:
    """The schema revision of an open store."""
    from workstation.store import current_revision

    return SchemaInfo(store.describe(), current_revision(store), head_revision())


def schema_of(db: str | os.PathLike[str] | None, data_dir: str | None = None) -> SchemaInfo:
    """The schema revision of the store named by --db (or the default store), read without
    opening it as a store: nothing is migrated, created or changed."""
    from workstation.paths import default_store_path

    head = head_revision()
    text = os.fspath(db) if db else None
    if text is not None and "://" in text and not text.startswith("sqlite:///"):
        return _server_schema(text, head)
    if text is None:
        path = default_store_path(data_dir)
    elif text.startswith("sqlite:///"):
        path = Path(text.removeprefix("sqlite:///"))
    else:
        path = Path(text).expanduser()
    where = str(path)
    if not path.is_file():
        return SchemaInfo(where, None, head, "数据库不存在")
    from workstation.store.engine import file_is_plain_sqlite

    if not file_is_plain_sqlite(path):
        if path.stat().st_size == 0:
            return SchemaInfo(where, None, head, "数据库为空")
        return SchemaInfo(where, None, head, "数据库已加密（登录后可在“关于”中查看）")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return SchemaInfo(where, None, head, "无法读取数据库的结构版本")
    current = str(rows[0][0]) if rows else None
    return SchemaInfo(where, current, head, "" if current else "数据库尚未初始化")


def _server_schema(url: str, head: str) -> SchemaInfo:
    from workstation.errors import WorkstationError
    from workstation.store import Store, current_revision, to_url
    from workstation.store.engine import hide_password

    masked = hide_password(url)  # what is shown when the server cannot be reached
    try:
        parsed = to_url(url)
        shown = parsed.render_as_string(hide_password=True)
        store = Store(parsed)
        try:
            current = current_revision(store)
        finally:
            store.dispose()
    except WorkstationError as exc:
        return SchemaInfo(masked, None, head, exc.message)
    except Exception as exc:  # the server is down or refuses us: say so, --version still works
        return SchemaInfo(masked, None, head, f"无法连接数据库（{type(exc).__name__}）")
    return SchemaInfo(shown, current, head, "" if current else "数据库尚未初始化")


# --- libraries and licences ------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Component:
    """Something shipped with the program, with its licence.

    `texts`: the licence's full texts, as paths inside the package's resources folder."""

    name: str
    version: str
    licence: str
    kind: str  # "font", "data" or "library"
    texts: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def licenses_dir() -> Path:
    return resources_dir() / LICENSES_FOLDER


@functools.cache
def licences_index() -> dict[str, Any]:
    """resources/licenses/index.json, written by tools/collect_licenses.py."""
    try:
        data = json.loads((licenses_dir() / LICENSES_INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"libraries": [], "texts": {}}
    return data if isinstance(data, dict) else {"libraries": [], "texts": {}}


_EXTRA_MARKER = re.compile(r"""extra\s*==\s*['"]([^'"]+)['"]""")
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?")


def _requirements(dist: metadata.Distribution, extras: Iterable[str]) -> list[tuple[str, set[str]]]:
    """The (name, extras) this distribution requires with `extras`. Markers other than `extra`
    are not evaluated: a requirement for another platform is simply not installed, and only
    installed libraries are listed."""
    wanted = {_normalise(e) for e in extras}
    found: list[tuple[str, set[str]]] = []
    for line in dist.requires or []:
        requirement, _, marker = line.partition(";")
        needed = {_normalise(e) for e in _EXTRA_MARKER.findall(marker)}
        if needed and not needed & wanted:
            continue
        match = _REQUIREMENT.match(requirement)
        if match:
            extras_of = {e.strip() for e in (match.group(2) or "").split(",") if e.strip()}
            found.append((match.group(1), extras_of))
    return found


def runtime_distributions(
    root: str = DIST_NAME, extras: Iterable[str] = RUNTIME_EXTRAS
) -> list[metadata.Distribution]:
    """The installed libraries the program runs with: the closure of its requirements (with
    the deployment's extras), sorted by name. Empty when the program's own metadata is absent
    (a bundle without it); the licences index is used then."""
    try:
        start = metadata.distribution(root)
    except metadata.PackageNotFoundError:
        return []
    seen: dict[str, metadata.Distribution] = {}
    queue = _requirements(start, extras)
    while queue:
        name, wanted = queue.pop()
        key = _normalise(name)
        if key in seen or key == _normalise(root):
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        seen[key] = dist
        queue.extend(_requirements(dist, wanted))
    return sorted(seen.values(), key=lambda d: _normalise(d.metadata["Name"]))


def licence_of(dist: metadata.Distribution) -> str:
    """A library's licence as its metadata states it: License-Expression, a short License
    field, or the licence classifiers."""
    md = dist.metadata
    name = _normalise(md["Name"] or "")
    expression = (md.get("License-Expression") or "").strip()
    if expression:
        return expression
    field = (md.get("License") or "").strip()
    if field and "\n" not in field and len(field) <= 60:
        return field
    classifiers = [
        c.split("::")[-1].strip()
        for c in md.get_all("Classifier") or []
        if c.startswith("License ::")
    ]
    if classifiers:
        return " / ".join(classifiers)
    if name in KNOWN_LICENCES:
        return KNOWN_LICENCES[name]
    if field:
        return field.splitlines()[0][:60]
    return ""


def _index_entries() -> dict[str, dict[str, Any]]:
    return {
        _normalise(str(entry.get("name", ""))): entry
        for entry in licences_index().get("libraries", [])
        if isinstance(entry, dict)
    }


def libraries() -> list[Component]:
    """Each library the program runs with, its version and licence (from the installed
    metadata, or from the licences index where the metadata is not shipped) and its texts."""
    index = _index_entries()
    dists = runtime_distributions()
    found: list[Component] = []
    if dists:
        for dist in dists:
            name = dist.metadata["Name"]
            entry = index.get(_normalise(name), {})
            found.append(
                Component(
                    name=name,
                    version=dist.version,
                    licence=licence_of(dist) or str(entry.get("licence", "")),
                    kind="library",
                    texts=tuple(f"{LICENSES_FOLDER}/{f}" for f in entry.get("files", [])),
                )
            )
        return found
    for entry in index.values():
        found.append(
            Component(
                name=str(entry.get("name")),
                version=str(entry.get("version", "")),
                licence=str(entry.get("licence", "")),
                kind="library",
                texts=tuple(f"{LICENSES_FOLDER}/{f}" for f in entry.get("files", [])),
            )
        )
    return sorted(found, key=lambda c: _normalise(c.name))


def _font_licence() -> str:
    """The licence line of the bundled font's Debian copyright file (for Files: *)."""
    path = resources_dir() / "fonts" / "wqy-microhei.LICENSE.txt"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return "Apache-2.0 OR GPL-3.0-or-later WITH Font-exception-2.0"
    match = re.search(r"^License:\s*(.+)$", text, re.MULTILINE)
    return match.group(1).strip() if match else ""


def components() -> list[Component]:
    """The font, the OpenCC data and every library, each with its licence."""
    common = licences_index().get("texts", {})

    def shared(*names: str) -> tuple[str, ...]:
        return tuple(f"{LICENSES_FOLDER}/{common[n]}" for n in names if n in common)

    font = Component(
        name="WenQuanYi Micro Hei (文泉驿微米黑)",
        version="0.2.0-beta",
        licence=_font_licence(),
        kind="font",
        texts=("fonts/wqy-microhei.LICENSE.txt", *shared("Apache-2.0", "GPL-3.0")),
    )
    opencc = Component(
        name="OpenCC character tables (t2s, s2t)",
        version="",
        licence="Apache-2.0",
        kind="data",
        texts=("vocab/OPENCC-LICENSE.txt", *shared("Apache-2.0")),
    )
    return [font, opencc, *libraries()]


def licence_text(relative: str) -> str:
    """A licence's full text, by its path inside the resources folder."""
    base = resources_dir().resolve()
    path = (base / relative).resolve()
    if base not in path.parents:
        raise ValueError(f"not a licence file of the program: {relative}")
    return path.read_text(encoding="utf-8", errors="replace")


# --- the whole picture -----------------------------------------------------------------------


def python_version() -> str:
    return f"{platform.python_version()} ({platform.python_implementation()})"


def report_lines(schema: SchemaInfo | None) -> list[str]:
    """What `--version` prints: version, store schema, Python, platform and libraries."""
    lines = [f"案件监督工作站 {__version__}"]
    if schema is not None:
        if schema.store:
            lines.append(f"数据库：{schema.store}")
        lines.append(f"数据库结构版本：{schema.describe()}")
    lines.append(f"Python：{python_version()}")
    lines.append(f"平台：{platform.platform()}")
    lines.append("库：")
    found = libraries()
    width = max((len(c.name) for c in found), default=0)
    lines += [f"  {c.name.ljust(width)}  {c.version}  {c.licence}" for c in found]
    return lines


def report(db: str | None = None, data_dir: str | None = None) -> dict[str, Any]:
    """The `--version --json` document."""
    schema = schema_of(db, data_dir)
    return {
        "version": __version__,
        "schema": schema.to_json(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "executable": Path(sys.executable).name,
        "components": [c.to_json() for c in components()],
    }
