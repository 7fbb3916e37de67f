"""Build the bundled 繁↔简 character tables from OpenCC's dictionaries; run by hand."""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import unicodedata
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = REPO_ROOT / "workstation" / "resources" / "vocab"
SOURCE_NOTE = (
    "OpenCC (https://github.com/BYVoid/OpenCC), Apache License 2.0; see OPENCC-LICENSE.txt"
)


def opencc_dictionary_dir() -> Path:
    """The dictionary folder of the installed `opencc` package (a development-only dependency)."""
    spec = importlib.util.find_spec("opencc")
    if spec is None or spec.origin is None:
        sys.exit("opencc is not installed; pass --dictionary-dir pointing at OpenCC's dictionary/")
    return Path(spec.origin).resolve().parent / "dictionary"


def read_character_table(path: Path) -> dict[str, str]:
    """Map each single-character key to its first candidate, dropping identities."""
    table: dict[str, str] = {}
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        key, _, candidates = line.partition("\t")
        first = candidates.split(" ")[0].strip()
        if len(key) != 1 or len(first) != 1:
            continue
        for char in (key, first):
            if unicodedata.normalize("NFKC", char) != char:
                raise ValueError(f"{path.name}:{line_no}: {char!r} is not NFKC-stable")
        if first != key:
            table[key] = first
    return table


def close_table(table: dict[str, str]) -> dict[str, str]:
    """Follow chains (a→b, b→c becomes a→c) so that applying the table twice changes nothing."""
    closed: dict[str, str] = {}
    for key, value in table.items():
        seen = {key}
        while value in table and value not in seen:
            seen.add(value)
            value = table[value]
        if value != key:
            closed[key] = value
    return closed


def write_table(path: Path, direction: str, source_file: str, table: dict[str, str]) -> None:
    document = {
        "direction": direction,
        "source": f"{source_file} from {SOURCE_NOTE}",
        "generated_by": "tools/build_t2s.py",
        "map": dict(sorted(table.items())),
    }
    text = json.dumps(document, ensure_ascii=False, indent=1)
    path.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {path} ({len(table)} characters)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dictionary-dir", type=Path, default=None)
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)
    dictionary_dir: Path = args.dictionary_dir or opencc_dictionary_dir()
    out_dir: Path = args.out_dir
    out_dir.mkdir(parents=True, exist_ok=True)

    t2s = close_table(read_character_table(dictionary_dir / "TSCharacters.txt"))
    s2t = read_character_table(dictionary_dir / "STCharacters.txt")
    write_table(out_dir / "t2s.json", "traditional→simplified", "TSCharacters.txt", t2s)
    write_table(out_dir / "s2t.json", "simplified→traditional", "STCharacters.txt", s2t)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
