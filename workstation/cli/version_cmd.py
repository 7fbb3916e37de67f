"""`python -m workstation --version`: the program's version, the store's schema revision, the
Python and library versions (and licences with --json)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from workstation.cli import print_json


def _options(argv: Sequence[str]) -> argparse.Namespace | None:
    """The options `--version` uses, wherever they stand; None when --version is not asked."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--version", action="store_true")
    parser.add_argument("--db")
    parser.add_argument("--data-dir")
    parser.add_argument("--json", action="store_true")
    known, _rest = parser.parse_known_args(list(argv))
    return known if known.version else None


def wanted(argv: Sequence[str]) -> bool:
    return "--version" in argv and _options(argv) is not None


def run(argv: Sequence[str]) -> int:
    """Print the version report. The store is read, never opened as a store: nothing is
    created or migrated (without --db, the default store if it exists; otherwise the schema
    revision this program expects)."""
    from workstation import version

    options = _options(argv)
    assert options is not None
    if options.json:
        print_json(version.report(options.db, options.data_dir))
        return 0
    schema = version.schema_of(options.db, options.data_dir)
    print("\n".join(version.report_lines(schema)))
    return 0
