"""The process that feeds inputs to the importer (`python -m fuzz.worker`), one JSON line per
event on stdout, so that the supervisor outlives an input that aborts or hangs this process."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from fuzz.harness import Harness


def _emit(event: str, **fields: object) -> None:
    print(json.dumps({"event": event, **fields}, ensure_ascii=False), flush=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m fuzz.worker")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--timeout", type=float, default=20.0)
    args = parser.parse_args(argv)
    args.folder.mkdir(parents=True, exist_ok=True)
    harness = Harness(args.folder, timeout=args.timeout)
    _emit("ready")
    for index in range(args.start, args.start + args.count):
        _emit("start", index=index)
        result = harness.run(harness.make(args.seed, index))
        _emit("result", **result.to_json())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
