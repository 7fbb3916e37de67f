"""Feeding mutated ledgers to the importer, and judging what it did with each.

The only failure allowed is the importer's own clear error: a WorkstationError with a short
message in Chinese, after which the store is exactly as it was. Anything else is a finding:
an uncaught exception ("crash"), an input that takes longer than the timeout ("hang"), a store
changed by a refused import or a dry run ("partial-write"), a message that is not a clear
Chinese sentence ("bad-message") or does not name the file ("unnamed-file"), an import whose
counts do not add up ("invariant"), or a preview that refuses a file the import then accepts
("inconsistent")."""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import datetime as dt
import re
import shutil
import signal
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fuzz.mutations import Input, make_input
from fuzz.seeds import Ledger, ledgers, render, store_ledgers
from fuzz.state import integrity, store_state
from workstation.errors import WorkstationError

TODAY = dt.date(2021, 12, 31)
MAX_MESSAGE = 2_000  # characters: a message quoting a whole megabyte cell is no message
_CJK = re.compile(r"[\u4e00-\u9fff]")
_NUMBERS = re.compile(r"\d+")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Hang(BaseException):
    """An input took longer than the timeout (BaseException: the importer must not catch it)."""


@dataclasses.dataclass(frozen=True)
class Finding:
    index: int
    kind: str
    steps: tuple[str, ...]
    name: str
    detail: str

    def line(self) -> str:
        return f"#{self.index} {self.kind}: {' → '.join(self.steps)} ({self.name})\n{self.detail}"

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass
class Result:
    """What became of one input."""

    index: int
    outcome: str  # "imported", "dry-run", "refused", or "" when it went wrong before the end
    seconds: float
    findings: list[Finding]
    messages: list[tuple[str, bool]]  # refusal messages (numbers taken out), naming the file?

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Result:
        findings = [Finding(**{**f, "steps": tuple(f["steps"])}) for f in data["findings"]]
        messages = [(m, bool(named)) for m, named in data["messages"]]
        return cls(data["index"], data["outcome"], data["seconds"], findings, messages)


@dataclasses.dataclass
class Report:
    """A run's tally: inputs tried, what became of them, and every finding."""

    seed: int
    tried: int = 0
    imported: int = 0
    refused: int = 0
    seconds: float = 0.0
    slowest: tuple[float, int] = (0.0, -1)
    findings: list[Finding] = dataclasses.field(default_factory=list)
    # Refusal messages with the numbers taken out, how often each was seen.
    messages: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)
    # Of those, the ones that do not name the file.
    unnamed: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)

    def add(self, result: Result) -> None:
        self.tried += 1
        self.slowest = max(self.slowest, (result.seconds, result.index))
        if result.outcome == "refused":
            self.refused += 1
        elif result.outcome in ("imported", "dry-run"):
            self.imported += 1
        self.findings.extend(result.findings)
        for message, named in result.messages:
            self.messages[message] += 1
            if not named:
                self.unnamed[message] += 1

    def summary(self) -> str:
        kinds = collections.Counter(f.kind for f in self.findings)
        shown = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) or "none"
        return (
            f"seed {self.seed}: {self.tried} inputs in {self.seconds:.1f} s — "
            f"{self.imported} imported, {self.refused} refused with a clear message; "
            f"findings: {shown}; slowest input #{self.slowest[1]} {self.slowest[0]:.2f} s"
        )


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    def alarm(_signum: int, _frame: Any) -> None:
        raise Hang(f"longer than {seconds:.0f} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class Harness:
    """A work folder with the rendered seeds and a template store; `run` judges one input."""

    def __init__(self, folder: Path, *, timeout: float = 20.0) -> None:
        from workstation.importing import ImportOptions, run_import
        from workstation.services.auth import IMPLICIT_ADMIN
        from workstation.store import open_store

        self.folder = folder
        self.timeout = timeout
        self.ledgers: list[Ledger] = ledgers()
        self.rendered = {ledger.name: render(ledger) for ledger in self.ledgers}
        self.template = folder / "template.db"
        store = open_store(self.template, create=True)
        try:
            for ledger in store_ledgers():
                path = folder / ledger.name
                path.write_bytes(render(ledger))
                run_import(store, IMPLICIT_ADMIN, path, ImportOptions(ledger.kind, today=TODAY))
        finally:
            store.dispose()
        self.before = store_state(self.template)
        self.inputs = folder / "in"
        self.db = folder / "ws.db"

    def make(self, seed: int, index: int) -> Input:
        return make_input(seed, index, self.ledgers, self.rendered)

    def _fresh_store(self) -> Any:
        """A copy of the template, opened as it is: it has the newest schema, and open_store's
        checks would cost more than importing a small ledger."""
        from workstation.store.engine import Store, to_url

        for suffix in ("-wal", "-shm", "-journal"):
            self.db.with_name(self.db.name + suffix).unlink(missing_ok=True)
        shutil.copyfile(self.template, self.db)
        return Store(to_url(self.db))

    def run(self, item: Input) -> Result:
        """Feed one input to preview and run_import, and judge what they did."""
        shutil.rmtree(self.inputs, ignore_errors=True)
        self.inputs.mkdir()
        path = self.inputs / (item.name if item.name not in ("", ".", "..") else "_")
        path.write_bytes(item.data)
        store = self._fresh_store()
        started = time.perf_counter()
        findings: list[tuple[str, str]] = []
        messages: list[tuple[str, bool]] = []
        outcome = ""
        try:
            with _deadline(self.timeout):
                outcome = self._judge(item, path, store, findings, messages)
        except Hang as exc:
            findings.append(("hang", str(exc)))
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:  # a Rust panic in a library is a BaseException
            findings.append(("crash", traceback.format_exc(limit=12)))
        finally:
            store.dispose()
        seconds = time.perf_counter() - started
        if outcome in ("refused", "dry-run") and store_state(self.db).exact != self.before.exact:
            findings.append(("partial-write", f"the store changed although the import {outcome}"))
        if outcome == "imported" and integrity(self.db) != "ok":
            findings.append(("invariant", "integrity_check failed after the import"))
        found = [Finding(item.index, k, item.steps, item.name, d) for k, d in findings]
        return Result(item.index, outcome, round(seconds, 3), found, messages)

    def _judge(
        self,
        item: Input,
        path: Path,
        store: Any,
        findings: list[tuple[str, str]],
        messages: list[tuple[str, bool]],
    ) -> str:
        from workstation.importing import ImportOptions, preview, run_import
        from workstation.services.audit import verify_chain
        from workstation.services.auth import IMPLICIT_ADMIN

        preview_refused: str | None = None
        try:
            preview(path, item.kind, today=TODAY)
        except WorkstationError as exc:
            preview_refused = exc.message
            self._check_message(exc, path, findings, messages)
        dry_run = item.index % 4 == 3
        rejects = self.inputs / "问题行.xlsx" if item.index % 3 == 1 else None
        options = ImportOptions(item.kind, today=TODAY, dry_run=dry_run, rejects=rejects)
        try:
            result = run_import(store, IMPLICIT_ADMIN, path, options)
        except WorkstationError as exc:
            self._check_message(exc, path, findings, messages)
            if rejects is not None and rejects.exists():
                findings.append(("partial-write", "a refused import left a rejects workbook"))
            return "refused"
        if preview_refused is not None:
            shown = preview_refused[:200]
            findings.append(("inconsistent", f"preview refused ({shown}), the import went ahead"))
        accounted = (
            result.imported + len(result.duplicates) + len(result.rejected) + len(result.updated)
        )
        if accounted != result.data_rows:
            what = (
                f"{result.data_rows} data rows, {accounted} imported, duplicate, updated, rejected"
            )
            findings.append(("invariant", what))
        for row in result.rejected:
            if len(row.reason) > MAX_MESSAGE or not _CJK.search(row.reason):
                findings.append(("bad-message", f"row {row.row}: {row.reason[:300]!r}"))
                break
        if rejects is not None:
            self._check_rejects(rejects, len(result.rejected), findings)
        if dry_run:
            return "dry-run"
        after = store_state(self.db).counts
        table = "leads" if item.kind == "leads" else "cases"
        added = after[table] - self.before.counts[table]
        if added != result.imported:
            findings.append(
                ("invariant", f"{result.imported} imported, the store has {added} more")
            )
        if after["import_batches"] != self.before.counts["import_batches"] + 1:
            findings.append(("invariant", "not exactly one new import batch"))
        verified = verify_chain(store, IMPLICIT_ADMIN)
        if not verified.ok:
            findings.append(("invariant", f"audit chain broken: {verified.message}"))
        return "imported"

    def _check_message(
        self,
        exc: WorkstationError,
        path: Path,
        findings: list[tuple[str, str]],
        messages: list[tuple[str, bool]],
    ) -> None:
        message = exc.message
        if not isinstance(message, str) or not _CJK.search(message):
            findings.append(("bad-message", f"{type(exc).__name__}: {message!r}"[:500]))
        elif len(message) > MAX_MESSAGE:
            findings.append(("bad-message", f"{len(message):,} characters: {message[:300]}…"))
        elif _CONTROL.search(message):
            findings.append(("bad-message", f"control characters: {message[:300]!r}"))
        named = path.name in str(message)
        if not named:
            findings.append(("unnamed-file", f"{type(exc).__name__}: {str(message)[:300]}"))
        template = _NUMBERS.sub("N", str(message).replace(path.name, "FILE"))[:160]
        messages.append((template, named))

    def _check_rejects(self, rejects: Path, rejected: int, findings: list[tuple[str, str]]) -> None:
        if not rejected:
            if rejects.exists():
                findings.append(("invariant", "a rejects workbook with no rejected rows"))
            return
        if not rejects.exists():
            findings.append(("invariant", f"{rejected} rows rejected, no rejects workbook"))
            return
        from openpyxl import load_workbook

        book = load_workbook(rejects, read_only=True)
        try:
            rows = sum(1 for _ in book.worksheets[0].iter_rows())
        finally:
            book.close()
        if rows != rejected + 1:
            findings.append(("invariant", f"rejects workbook has {rows} rows for {rejected}"))
