"""`make wheelhouse`: a folder that installs the workstation on a machine with no network.

dist/wheelhouse-<platform>/ holds the project's wheel, the wheel of every runtime dependency
(requirements/runtime-lock.txt: the gui and server extras, no test tools), a requirements.txt
naming each file's sha256, and install.sh / install.ps1 / install.bat that create a virtual
environment and install with `pip install --no-index --find-links <folder>` only. Next to the
folder, <folder>.sha256 lists every file's sha256 (`sha256sum -c`).

Wheels are downloaded (hash-checked) into a download folder kept between runs,
~/.cache/case-supervision-workstation/wheels or $WORKSTATION_WHEEL_CACHE, and copied from
there: pip's own HTTP cache is not enough (a registry proxy that sends no cache headers makes
pip cache nothing), and a second build, or CI on the same machine, downloads nothing again.

`--platform win_amd64` (or a macOS tag) gathers another platform's wheels on any machine:
binary wheels only, for CPython 3.11 (the target needs that Python; the bundle needs none).
Environment markers in the lock are evaluated for the target, not for this machine.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from packaging.markers import Marker, default_environment

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
RUNTIME_LOCK = ROOT / "requirements" / "runtime-lock.txt"
PROJECT = "case-supervision-workstation"
EXTRAS = "gui,server"
CACHE_ENV = "WORKSTATION_WHEEL_CACHE"
INSTALLERS = ("install.sh", "install.ps1", "install.bat", "README.txt")


@dataclass(frozen=True)
class Locked:
    """One requirement of a lock file: `name==version`, its marker (or None) and its hashes."""

    name: str
    version: str
    marker: str | None
    hashes: tuple[str, ...]

    def line(self) -> str:
        hashes = "".join(f" \\\n    --hash={h}" for h in self.hashes)
        return f"{self.name}=={self.version}{hashes}\n"


_PIN = re.compile(r"(?P<name>[A-Za-z0-9._-]+(?:\[[A-Za-z0-9._,-]+\])?)==(?P<version>\S+)")


def read_lock(path: Path) -> list[Locked]:
    """The requirements of a uv/pip-compile lock file (continuation lines joined, comments out)."""
    logical = path.read_text(encoding="utf-8").replace("\\\n", " ")
    found: list[Locked] = []
    for raw in logical.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        head, *hashes = line.split("--hash=")
        pin, _, marker = head.partition(";")
        match = _PIN.fullmatch(pin.strip())
        if match is None:
            raise ValueError(f"{path.name}: not a pinned requirement: {line[:80]}")
        found.append(
            Locked(
                match["name"],
                match["version"],
                marker.strip() or None,
                tuple(h.strip() for h in hashes),
            )
        )
    return found


def target_environment(pip_platform: str | None, python_version: str) -> dict[str, str]:
    """The marker environment of the machine the wheelhouse is for."""
    env = dict(default_environment())
    env["python_version"] = python_version
    env["python_full_version"] = f"{python_version}.0"
    env["implementation_name"] = "cpython"
    env["platform_python_implementation"] = "CPython"
    if pip_platform is None:
        return env
    if pip_platform.startswith("win"):
        machine = "ARM64" if pip_platform.endswith("arm64") else "AMD64"
        env.update(sys_platform="win32", os_name="nt", platform_system="Windows")
    elif pip_platform.startswith("macosx"):
        machine = "arm64" if pip_platform.endswith("arm64") else "x86_64"
        env.update(sys_platform="darwin", os_name="posix", platform_system="Darwin")
    else:
        machine = "aarch64" if pip_platform.endswith("aarch64") else "x86_64"
        env.update(sys_platform="linux", os_name="posix", platform_system="Linux")
    env.update(platform_machine=machine, platform_release="", platform_version="")
    return env


def applicable(requirements: list[Locked], env: dict[str, str]) -> list[Locked]:
    return [r for r in requirements if r.marker is None or Marker(r.marker).evaluate(env)]


def folder_name(pip_platform: str | None) -> str:
    tag = pip_platform or sysconfig.get_platform()
    return "wheelhouse-" + re.sub(r"[^A-Za-z0-9]+", "_", tag)


def default_cache() -> Path:
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / PROJECT / "wheels"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_checksums(folder: Path) -> Path:
    """<folder>.sha256 beside the folder, in `sha256sum` format with paths from its parent."""
    lines = [
        f"{sha256_of(path)}  {path.relative_to(folder.parent).as_posix()}\n"
        for path in sorted(p for p in folder.rglob("*") if p.is_file())
    ]
    out = folder.parent / f"{folder.name}.sha256"
    out.write_text("".join(lines), encoding="utf-8")
    return out


def pip(*args: str, offline: bool = False, quiet_failure: bool = False) -> bool:
    """Runs pip; False if it failed and `quiet_failure` (its output then dropped)."""
    env = dict(os.environ)
    if offline:
        # Only the folder given: no configured index, find-links or proxy can add anything.
        env = {k: v for k, v in env.items() if not k.startswith("PIP_")}
        env["PIP_CONFIG_FILE"] = os.devnull
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", *args]
    if not quiet_failure:
        subprocess.run(command, check=True, env=env)
        return True
    done = subprocess.run(command, env=env, capture_output=True, check=False)
    return done.returncode == 0


def build_project_wheel(into: Path) -> Path:
    """The project's own wheel, built with the setuptools already installed (no download)."""
    # setuptools builds in build/lib and never removes what it copied there before: a file
    # deleted from the source would still reach the wheel.
    for stale in ("lib", f"bdist.{sysconfig.get_platform()}"):
        shutil.rmtree(ROOT / "build" / stale, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="ws-wheel-") as scratch:
        pip("wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
            "-w", scratch, str(ROOT))  # fmt: skip
        wheels = list(Path(scratch).glob("*.whl"))
        if len(wheels) != 1:
            raise RuntimeError(f"expected one project wheel, got {wheels}")
        target = into / wheels[0].name
        shutil.copy2(wheels[0], target)
    return target


def render_installer(name: str, python_version: str) -> str:
    text = (PACKAGING / name).read_text(encoding="utf-8-sig")
    return text.replace("@PYTHON_VERSION@", python_version)


def build(
    dest: Path,
    *,
    pip_platform: str | None,
    python_version: str,
    cache: Path,
    lock: Path = RUNTIME_LOCK,
) -> Path:
    env = target_environment(pip_platform, python_version)
    wanted = applicable(read_lock(lock), env)
    if any(not r.hashes for r in wanted):
        raise ValueError(f"{lock.name}: requirements without hashes")
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    cache.mkdir(parents=True, exist_ok=True)

    deps = dest / "requirements.txt"
    deps.write_text("".join(r.line() for r in wanted), encoding="utf-8")
    target_args = ["--only-binary=:all:", "--no-deps", "--require-hashes", "-r", str(deps)]
    if pip_platform is not None:
        target_args += ["--platform", pip_platform, "--python-version", python_version,
                        "--implementation", "cp"]  # fmt: skip
    # From the download folder alone into the wheelhouse: the set is complete without any
    # index. What is missing there is downloaded first (files already there are kept).
    from_cache = ["download", "--quiet", "--no-index", "--find-links", str(cache),
                  "-d", str(dest), *target_args]  # fmt: skip
    if not pip(*from_cache, offline=True, quiet_failure=True):
        pip("download", "--quiet", "-d", str(cache), *target_args)
        pip(*from_cache, offline=True)

    wheel = build_project_wheel(dest)
    version = wheel.name.split("-")[1]
    project = Locked(f"{PROJECT}[{EXTRAS}]", version, None, (f"sha256:{sha256_of(wheel)}",))
    deps.write_text(
        "# Everything installed from this folder, each file checked by its sha256.\n"
        + project.line()
        + "".join(r.line() for r in wanted),
        encoding="utf-8",
    )
    for name in INSTALLERS:
        text = render_installer(name, python_version)
        target = dest / name
        # PowerShell 5 reads a script without a byte order mark in the ANSI code page.
        encoding = "utf-8-sig" if name.endswith(".ps1") else "utf-8"
        newline = "\r\n" if name.endswith((".ps1", ".bat", ".txt")) else "\n"
        with target.open("w", encoding=encoding, newline=newline) as handle:
            handle.write(text)
        if name.endswith(".sh"):
            target.chmod(0o755)
    return write_checksums(dest)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--platform", help="pip platform tag, e.g. win_amd64 (default: this one)")
    parser.add_argument("--python-version", default=None, help="target CPython, e.g. 3.11")
    parser.add_argument("--dest", type=Path, help="default: dist/wheelhouse-<platform>")
    parser.add_argument(
        "--cache", type=Path, default=None, help="download folder kept between runs"
    )
    args = parser.parse_args(argv)
    python_version = args.python_version or (
        "3.11" if args.platform else ".".join(platform.python_version_tuple()[:2])
    )
    dest = args.dest or ROOT / "dist" / folder_name(args.platform)
    started = time.perf_counter()
    sums = build(
        dest,
        pip_platform=args.platform,
        python_version=python_version,
        cache=args.cache or default_cache(),
    )
    size = sum(p.stat().st_size for p in dest.rglob("*") if p.is_file())
    wheels = len(list(dest.glob("*.whl")))
    print(
        f"{dest}: {wheels} wheels, {size / 2**20:.0f} MiB in {time.perf_counter() - started:.0f} s;"
        f" checksums in {sums}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
