"""`make bundle`: the self-contained application folder dist/workstation/ (PyInstaller).

Runs PyInstaller on packaging/workstation.spec with this Python (its venv must hold
requirements/build-lock.txt, which `make bundle` installs), adds a README.txt for whoever
unpacks it, and writes dist/workstation.sha256 beside the folder (`sha256sum -c`). On Windows
the same command builds the Windows bundle (workstation.exe, workstation-cli.exe): PyInstaller
does not cross-build.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from wheelhouse import write_checksums

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "workstation.spec"
NAME = "workstation"

README = """案件监督工作站 · Case Supervision Workstation

启动 / start:
  Windows: workstation.exe   (桌面程序 / desktop app; 可发送到桌面快捷方式，命名为“案件监督工作站”)
           workstation-cli.exe --help   (命令行 / command line)
  Linux:   ./workstation      ./workstation-cli --help
不需要安装 Python，不需要网络。 No Python and no network needed.
数据保存在用户数据文件夹（或 --data-dir 指定的文件夹）。
The store is kept in the user's data folder (or the one given by --data-dir).
检查 / verify: the file {name}.sha256 beside this folder (sha256sum -c {name}.sha256).
"""


def build(dist: Path, work: Path, *, clean: bool) -> Path:
    command = [
        sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
        "--distpath", str(dist), "--workpath", str(work), str(SPEC),
    ]  # fmt: skip
    if clean:
        command.insert(3, "--clean")
    subprocess.run(command, check=True, cwd=ROOT)
    folder = dist / NAME
    newline = "\r\n" if sys.platform == "win32" else "\n"
    with (folder / "README.txt").open("w", encoding="utf-8", newline=newline) as handle:
        handle.write(README.format(name=NAME))
    return write_checksums(folder)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller")
    parser.add_argument("--clean", action="store_true", help="no cached analysis from before")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    sums = build(args.dist, args.work, clean=args.clean)
    folder = args.dist / NAME
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    size = sum(p.stat().st_size for p in files)
    print(
        f"{folder}: {len(files)} files, {size / 2**20:.0f} MiB,"
        f" built in {time.perf_counter() - started:.0f} s; checksums in {sums}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
