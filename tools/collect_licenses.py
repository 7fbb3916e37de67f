"""Copy the licence texts of every library the program runs with into
workstation/resources/licenses/, with an index.json naming each library, its version, its licence
and its files; run by hand after a dependency changes (a test fails until it is rerun).

Each library's files come from its dist-info (the License-File entries, else files named
LICENSE/LICENCE/COPYING/NOTICE). Libraries that ship no text (PySide6, shiboken6) get the
standard texts their licence expression names, taken from the system's common licences
(/usr/share/common-licenses on Debian) — as do the font and the OpenCC data (Apache-2.0).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from importlib import metadata
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from workstation.version import (  # noqa: E402 (after the repository is on the path)
    LICENSES_INDEX,
    licence_of,
    runtime_distributions,
)

OUT_DIR = REPO_ROOT / "workstation" / "resources" / "licenses"
COMMON_LICENSES = Path("/usr/share/common-licenses")
# SPDX id → (file name in OUT_DIR, file name in COMMON_LICENSES).
STANDARD_TEXTS = {
    "Apache-2.0": ("Apache-2.0.txt", "Apache-2.0"),
    "GPL-2.0": ("GPL-2.0.txt", "GPL-2"),
    "GPL-3.0": ("GPL-3.0.txt", "GPL-3"),
    "LGPL-3.0": ("LGPL-3.0.txt", "LGPL-3"),
}
# Always shipped: the font (Apache-2.0 or GPL-3 with the font exception) and OpenCC's tables.
ALWAYS = ("Apache-2.0", "GPL-3.0")
LICENCE_NAME = re.compile(r"^(licen[cs]e|copying|notice)", re.IGNORECASE)


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def licence_files(dist: metadata.Distribution) -> list[Path]:
    """The licence files a distribution installed in its dist-info."""
    declared = set(dist.metadata.get_all("License-File") or [])
    found: list[Path] = []
    for file in dist.files or []:
        parts = file.parts
        if not parts or not parts[0].endswith(".dist-info"):
            continue
        name = Path(*parts[1:]).as_posix() if parts[1:2] != ("licenses",) else "/".join(parts[2:])
        if (declared and name in declared) or (not declared and LICENCE_NAME.match(file.name)):
            found.append(Path(str(dist.locate_file(file))))
    return found


def standard_ids(expression: str) -> list[str]:
    """The standard texts a licence expression needs (LGPL-3.0 also needs GPL-3.0)."""
    wanted: list[str] = []
    for spdx in STANDARD_TEXTS:
        if re.search(rf"\b{re.escape(spdx)}(?:-only|-or-later|\+)?\b", expression):
            wanted.append(spdx)
    if "LGPL-3.0" in wanted and "GPL-3.0" not in wanted:
        wanted.append("GPL-3.0")
    return wanted


def _target_name(dist_name: str, source: Path) -> str:
    name = f"{_normalise(dist_name)}-{source.name}"
    return name if name.lower().endswith(".txt") else name + ".txt"


def collect(out_dir: Path = OUT_DIR, common: Path = COMMON_LICENSES) -> dict[str, object]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written: set[str] = set()
    texts: dict[str, str] = {}

    def standard(spdx: str) -> str | None:
        target, source_name = STANDARD_TEXTS[spdx]
        source = common / source_name
        if not source.is_file():
            print(f"warning: no standard text for {spdx} at {source}", file=sys.stderr)
            return None
        shutil.copyfile(source, out_dir / target)
        written.add(target)
        texts[spdx] = target
        return target

    for spdx in ALWAYS:
        standard(spdx)
    libraries = []
    for dist in runtime_distributions():
        name = dist.metadata["Name"]
        licence = licence_of(dist)
        files = []
        for source in licence_files(dist):
            target = _target_name(name, source)
            shutil.copyfile(source, out_dir / target)
            written.add(target)
            files.append(target)
        if not files:
            for spdx in standard_ids(licence):
                target = texts.get(spdx) or standard(spdx)
                if target:
                    files.append(target)
        if not files:
            print(f"warning: {name} {dist.version} ships no licence text", file=sys.stderr)
        libraries.append(
            {"name": name, "version": dist.version, "licence": licence, "files": files}
        )
    index = {
        "generated_by": "tools/collect_licenses.py",
        "texts": texts,
        "libraries": libraries,
    }
    (out_dir / LICENSES_INDEX).write_text(
        json.dumps(index, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    written.add(LICENSES_INDEX)
    for stale in out_dir.iterdir():
        if stale.is_file() and stale.name not in written:
            stale.unlink()
    return index


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    parser.add_argument("--common-licenses", type=Path, default=COMMON_LICENSES)
    args = parser.parse_args(argv)
    index = collect(args.out, args.common_licenses)
    for entry in index["libraries"]:  # type: ignore[attr-defined]
        print(
            f"{entry['name']} {entry['version']}: {entry['licence']} — {', '.join(entry['files'])}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
