"""`python -m fuzz [--inputs N] [--seed S] [--start I]`: a long fuzzing run of the importer.

Prints how many inputs were tried, what became of them and every finding; inputs with a
finding are saved (reproduce one with --start I --inputs 1). Exit status 1 if anything was
found."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from fuzz.harness import Report
from fuzz.supervisor import run


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m fuzz", description=__doc__)
    parser.add_argument("--inputs", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per input")
    parser.add_argument("--memory", type=int, default=3072, help="MB the worker may use")
    parser.add_argument(
        "--save", type=Path, default=Path(tempfile.gettempdir()) / "workstation-fuzz-findings",
        help="folder for the inputs that had findings",
    )  # fmt: skip
    parser.add_argument("--messages", action="store_true", help="list the refusal messages")
    args = parser.parse_args(argv)

    def progress(report: Report) -> None:
        if report.tried % 100 == 0:
            print(f"  {report.summary()}", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="fuzz-") as folder:
        report = run(
            Path(folder), seed=args.seed, count=args.inputs, start=args.start,
            timeout=args.timeout, memory=args.memory * 2**20, save=args.save,
            on_result=progress,
        )  # fmt: skip
    print(report.summary())
    for finding in report.findings:
        print()
        print(finding.line())
    if args.messages:
        print("\nrefusal messages (N = a number, FILE = the file's name):")
        for message, seen in report.messages.most_common():
            unnamed = " (does not name the file)" if message in report.unnamed else ""
            print(f"  {seen:6d}  {message}{unnamed}")
    if report.findings:
        print(f"\ninputs with findings saved in {args.save}/")
    return 1 if report.findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
