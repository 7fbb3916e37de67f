"""Runs the fuzzing worker in a child process with a memory limit, and restarts it after an
input that kills it (a native abort, the memory limit) or hangs it, recording that input."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

from fuzz.harness import Finding, Report, Result
from fuzz.mutations import Input, make_input
from fuzz.seeds import ledgers, render

REPO = Path(__file__).resolve().parents[1]
START_SECONDS = 180.0  # for the worker to build its template store


def _limit_memory(limit: int) -> Callable[[], None]:
    def apply() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


def _lines(stream: IO[str], into: queue.Queue[str | None]) -> None:
    for line in stream:
        into.put(line)
    into.put(None)


class _Inputs:
    """The inputs, made again here to save or describe one that took its worker down."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.ledgers = ledgers()
        self.rendered = {ledger.name: render(ledger) for ledger in self.ledgers}

    def make(self, index: int) -> Input:
        return make_input(self.seed, index, self.ledgers, self.rendered)


def run(
    folder: Path,
    *,
    seed: int,
    count: int,
    start: int = 0,
    timeout: float = 20.0,
    memory: int = 3 * 2**30,
    save: Path | None = None,
    on_result: Callable[[Report], None] | None = None,
) -> Report:
    """Inputs start .. start+count-1 of `seed`; inputs with findings are written to `save`."""
    inputs = _Inputs(seed)
    report = Report(seed)
    began = time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True)
    index = start
    while index < start + count:
        index = _one_worker(folder, inputs, report, index, start + count, timeout, memory,
                            save, on_result)  # fmt: skip
    report.seconds = time.perf_counter() - began
    return report


def _one_worker(
    folder: Path,
    inputs: _Inputs,
    report: Report,
    index: int,
    end: int,
    timeout: float,
    memory: int,
    save: Path | None,
    on_result: Callable[[Report], None] | None,
) -> int:
    """Run a worker from `index` until it ends or dies; the index to go on from."""
    command = [sys.executable, "-m", "fuzz.worker", str(folder / "work"), "--seed",
               str(inputs.seed), "--start", str(index), "--count", str(end - index),
               "--timeout", str(timeout)]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    errors = folder / "worker.err"
    with errors.open("w") as err, subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=err, text=True, env=env,
        preexec_fn=_limit_memory(memory),
    ) as worker:  # fmt: skip
        assert worker.stdout is not None
        lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=_lines, args=(worker.stdout, lines), daemon=True).start()
        current: int | None = None
        while True:
            wait = START_SECONDS if current is None else timeout + 30
            try:
                line = lines.get(timeout=wait)
            except queue.Empty:
                worker.kill()
                worker.wait()
                if current is None:
                    raise RuntimeError(f"the fuzzing worker did not start: {errors}") from None
                _lost(inputs, report, current, "hang", f"no answer in {wait:.0f} s", save)
                return current + 1
            if line is None:
                code = worker.wait()
                if current is None:
                    if index >= end or code == 0:
                        return end
                    raise RuntimeError(f"the fuzzing worker failed ({code}): {errors}")
                tail = errors.read_text(errors="replace")[-1500:]
                _lost(inputs, report, current, "abort", f"worker died ({code}): {tail}", save)
                return current + 1
            event = json.loads(line)
            if event["event"] == "start":
                current = event["index"]
            elif event["event"] == "result":
                result = Result.from_json(event)
                report.add(result)
                if result.findings and save is not None:
                    _save(save, inputs.make(result.index), inputs.seed)
                if on_result is not None:
                    on_result(report)
                current = None


def _lost(
    inputs: _Inputs, report: Report, index: int, kind: str, detail: str, save: Path | None
) -> None:
    item = inputs.make(index)
    finding = Finding(index, kind, item.steps, item.name, detail)
    report.add(Result(index, "", 0.0, [finding], []))
    if save is not None:
        _save(save, item, inputs.seed)


def _save(folder: Path, item: Input, seed: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{seed}-{item.index}-{Path(item.name).name or '_'}").write_bytes(item.data)
