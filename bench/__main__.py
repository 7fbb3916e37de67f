"""`python -m bench [NAME ...]`: every benchmark, each against a floor measured in the same run."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import time

BENCHES = [
    "normalise_bench",
    "demo_bench",
    "import_bench",
    "scan_bench",
    "brief_bench",
    "ui_bench",
    "startup_bench",
]


def main(argv: list[str]) -> int:
    names = [n if n.endswith("_bench") else f"{n}_bench" for n in argv] or BENCHES
    failed = []
    for name in names:
        importlib.util.find_spec(f"bench.{name}")  # fail early on a typo
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        # Each in its own process: peak memory and imports of one do not colour the next.
        code = subprocess.call([sys.executable, "-m", f"bench.{name}"])
        print(f"== {name}: exit {code}, {time.perf_counter() - started:.0f} s wall\n", flush=True)
        if code:
            failed.append(name)
    if failed:
        print("failed: " + ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
