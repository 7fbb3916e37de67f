"""`make lock`: the hash-locked requirement files, resolved from pyproject.toml by a pinned uv.

Three files, each a complete set of exact versions with the sha256 of every file PyPI has for
that version (all platforms), resolved once for every platform (`--universal`):

- requirements/lock.txt: the project with its gui, server and test extras and the build
  system (setuptools, wheel): what `make run` and `make test` install, in development and CI;
- requirements/runtime-lock.txt: only what the installed application needs (gui and server
  extras): what `make wheelhouse` puts in the wheelhouse;
- requirements/build-lock.txt: the runtime plus PyInstaller and the build system: what
  `make bundle` installs.

The last two are resolved with lock.txt as constraints, so every package they share is at
the same version with the same hashes. Packages that pyproject does not pin keep their
locked versions; `--upgrade` (`make lock UPGRADE=1`) moves them to the newest.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

UV_VERSION = "0.13.8"
ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "requirements"
TOOLS_DIR = ROOT / "build" / "lock-tools"
PYTHON_VERSION = "3.11"


def uv_executable() -> Path:
    """uv at the pinned version, in a private venv under build/ (created on first use)."""
    scripts = TOOLS_DIR / ("Scripts" if os.name == "nt" else "bin")
    uv = scripts / ("uv.exe" if os.name == "nt" else "uv")
    if uv.exists():
        found = subprocess.run([uv, "--version"], capture_output=True, text=True, check=True)
        if found.stdout.split()[1] == UV_VERSION:
            return uv
    venv.create(TOOLS_DIR, with_pip=True, clear=True)
    python = scripts / ("python.exe" if os.name == "nt" else "python")
    subprocess.run([python, "-m", "pip", "install", "--quiet", f"uv=={UV_VERSION}"], check=True)
    return uv


def build_system_requires() -> str:
    """pyproject's [build-system] requires, one a line (setuptools and wheel are locked too)."""
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return "\n".join(tomllib.load(handle)["build-system"]["requires"]) + "\n"


def compile_lock(
    uv: Path,
    output: str,
    extras: list[str],
    *,
    build_system: bool,
    constraints: str | None,
    upgrade: bool,
) -> None:
    command = [
        str(uv), "pip", "compile", "pyproject.toml",
        "--universal", "--generate-hashes", "--python-version", PYTHON_VERSION,
        "--custom-compile-command", "make lock",
        "--quiet", "-o", f"requirements/{output}",
    ]  # fmt: skip
    for extra in extras:
        command += ["--extra", extra]
    if build_system:
        command.append("-")  # the build-system requirements, from standard input
    if constraints:
        command += ["-c", f"requirements/{constraints}"]
    if upgrade:
        command.append("--upgrade")
    # uv reads no pip configuration: it asks PyPI itself, whatever pip is set up to use here.
    subprocess.run(
        command,
        input=build_system_requires() if build_system else "",
        text=True,
        cwd=ROOT,
        check=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upgrade", action="store_true", help="newest versions of unpinned deps")
    args = parser.parse_args(argv)
    REQUIREMENTS.mkdir(exist_ok=True)
    uv = uv_executable()
    compile_lock(
        uv,
        "lock.txt",
        ["gui", "server", "test"],
        build_system=True,
        constraints=None,
        upgrade=args.upgrade,
    )
    compile_lock(
        uv,
        "runtime-lock.txt",
        ["gui", "server"],
        build_system=False,
        constraints="lock.txt",
        upgrade=False,
    )
    compile_lock(
        uv,
        "build-lock.txt",
        ["gui", "server", "build"],
        build_system=True,
        constraints="lock.txt",
        upgrade=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
