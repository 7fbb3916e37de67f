"""The hash-locked requirement files agree with pyproject.toml and with each other (no network)."""

from __future__ import annotations

import importlib.util
import re
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = ROOT / "requirements"
LOCKS = ("lock.txt", "runtime-lock.txt", "build-lock.txt")


def load_tool(name: str) -> ModuleType:
    """A script of packaging/ (a folder, not a package: it would shadow the `packaging` library)."""
    spec = importlib.util.spec_from_file_location(f"ws_{name}", ROOT / "packaging" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


wheelhouse = load_tool("wheelhouse")


def pyproject() -> dict:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)


def locked(name: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    """{canonical name: (version, hashes)} of one lock file."""
    entries = wheelhouse.read_lock(REQUIREMENTS / name)
    return {canonicalize_name(e.name): (e.version, e.hashes) for e in entries}


def pins(group: list[str]) -> dict[str, str]:
    found = {}
    for line in group:
        requirement = Requirement(line)
        (spec,) = requirement.specifier  # pyproject pins every dependency exactly
        assert spec.operator == "==", line
        found[canonicalize_name(requirement.name)] = spec.version
    return found


def test_lock_pins_every_dependency_of_pyproject_at_its_version() -> None:
    project = pyproject()["project"]
    extras = project["optional-dependencies"]
    lock = locked("lock.txt")
    for name, version in pins(
        project["dependencies"] + extras["gui"] + extras["server"] + extras["test"]
    ).items():
        assert name in lock, f"{name} missing from lock.txt: run `make lock`"
        assert lock[name][0] == version, f"{name}: pyproject {version}, lock {lock[name][0]}"


def test_build_lock_pins_pyinstaller_and_runtime_lock_the_runtime() -> None:
    project = pyproject()["project"]
    extras = project["optional-dependencies"]
    build, runtime = locked("build-lock.txt"), locked("runtime-lock.txt")
    for name, version in pins(extras["build"]).items():
        assert build[name][0] == version, name
    for name, version in pins(project["dependencies"] + extras["gui"] + extras["server"]).items():
        assert runtime[name][0] == version, name
        assert build[name][0] == version, name
    # The wheelhouse carries no test tools.
    for name in pins(extras["test"]):
        assert name not in runtime, f"test tool {name} in runtime-lock.txt"


def test_build_system_requirements_are_locked() -> None:
    lock = locked("lock.txt")
    for line in pyproject()["build-system"]["requires"]:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in lock, f"build requirement {name} missing from lock.txt"
        assert requirement.specifier.contains(lock[name][0]), line


@pytest.mark.parametrize("name", LOCKS)
def test_every_requirement_has_hashes(name: str) -> None:
    text = (REQUIREMENTS / name).read_text(encoding="utf-8")
    entries = wheelhouse.read_lock(REQUIREMENTS / name)
    assert entries
    for entry in entries:
        assert entry.hashes, f"{entry.name} has no --hash in {name}"
        assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", h) for h in entry.hashes), entry.name
    # Nothing but pins, hashes and comments: no index URLs or options slipped in.
    for line in text.splitlines():
        stripped = line.strip()
        assert not stripped.startswith(("-i", "--index", "--extra-index", "-f", "--find")), line


@pytest.mark.parametrize("name", ["runtime-lock.txt", "build-lock.txt"])
def test_partial_locks_agree_with_the_main_lock(name: str) -> None:
    """Every package they share with lock.txt is at the same version with the same hashes."""
    lock = locked("lock.txt")
    for package, (version, hashes) in locked(name).items():
        if package in lock:
            assert (version, set(hashes)) == (lock[package][0], set(lock[package][1])), package


def test_lock_covers_windows_markers() -> None:
    """A universal lock: Windows-only dependencies are in it, for the Windows wheelhouse."""
    runtime = wheelhouse.read_lock(REQUIREMENTS / "runtime-lock.txt")
    windows = wheelhouse.applicable(runtime, wheelhouse.target_environment("win_amd64", "3.11"))
    linux = wheelhouse.applicable(
        runtime, wheelhouse.target_environment("manylinux_2_34_x86_64", "3.11")
    )
    only_windows = {e.name for e in windows} - {e.name for e in linux}
    assert "tzdata" in only_windows
    assert all(e.marker is None or "win32" not in e.marker for e in linux)


def test_read_lock_joins_markers_and_hashes(tmp_path: Path) -> None:
    path = tmp_path / "lock.txt"
    path.write_text(
        "# header\n"
        "colorama==0.4.6 ; sys_platform == 'win32' \\\n"
        "    --hash=sha256:" + "a" * 64 + " \\\n"
        "    --hash=sha256:" + "b" * 64 + "\n"
        "    # via pytest\n"
        "pytest==9.2.0 \\\n"
        "    --hash=sha256:" + "c" * 64 + "\n",
        encoding="utf-8",
    )
    first, second = wheelhouse.read_lock(path)
    assert (first.name, first.version, first.marker) == (
        "colorama",
        "0.4.6",
        "sys_platform == 'win32'",
    )
    assert first.hashes == ("sha256:" + "a" * 64, "sha256:" + "b" * 64)
    assert (second.name, second.marker, len(second.hashes)) == ("pytest", None, 1)
