"""Load test of a shared store: processes importing and editing at once, then proof that no
update was lost, nothing was duplicated, the counts are exact and the audit chain holds.

Run: .venv/bin/python bench/load_server.py [--seconds 60] [--processes 8] [--importers 3]
                                           [--db URL_OR_PATH] [--rows 40] [--hot 12] [--json]

Without --db a throwaway PostgreSQL cluster is started on 127.0.0.1 (tools/pg_sandbox.py) and
deleted afterwards; `--db postgresql+psycopg://…` names a server whose role may create
databases (a fresh database is made there and dropped after, unless --keep); `--db FILE.db`
runs the same load against an SQLite file (WAL, busy timeout). Loopback only: the test never
talks to another machine.

The processes (started together once all are ready, then run for --seconds):
  importers  write small .xlsx leads ledgers (their own distinct 线索编号) and import them through
             the real import service (run_import), one batch per file;
  editors    read one of --hot shared leads, add one to their own counter in its summary
             (主要问题 "…计数：e1=4,e2=7"), and save it through update_lead with the version
             they read; on the refusal (已被 X 于 10:42 修改) they read again and retry. One edit
             in five is a bulk edit (update_leads) of two or three leads, all or none.
Afterwards, from the store: every editor's counter in every lead equals the edits the service
acknowledged to it (no lost update) and each lead's version is one more than its acknowledged
edits; refs and UUIDs are unique; the leads are exactly the seeded ones plus the acknowledged
imports' rows (and none of an import that failed); one batch per acknowledged import; the
audit chain verifies and holds one event per acknowledged change. Exit code 1 if any fails.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import importlib
import json
import multiprocessing
import os
import random
import re
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

TODAY = dt.date(2021, 12, 31)
HEADERS = ["线索编号", "受理时间", "来源渠道", "反映人", "被反映人", "职务", "所在单位",
           "问题类别", "主要问题", "办理状态"]  # fmt: skip
CHANNELS = ["来电", "来信", "网上举报", "来访", "电子邮件", "上级交办"]
CATEGORIES = ["干预司法", "违规经商办企业", "违规参股借贷", "有案不立", "作风问题"]
# Units shared by every importer: concurrent imports meet the same units to find or create.
UNITS = ["江州市公安局东湖分局", "江州市东湖区人民法院", "江州市东湖区人民检察院",
         "江州市司法局", "江州市公安局西湖分局城关派出所", "江州市中级人民法院"]  # fmt: skip
SURNAMES = "王李张刘陈杨赵黄周吴"
COUNTS = re.compile(r"计数：(.*)$")


@dataclasses.dataclass(frozen=True)
class Plan:
    location: str  # the store, as --db takes it (URL with password: never printed)
    seconds: float
    importers: int
    editors: int
    rows: int  # rows per imported ledger
    hot: list[int]  # ids of the leads the editors share
    workdir: str
    seed: int


# --- the workers --------------------------------------------------------------------------------


def _worker(plan: Plan, role: str, index: int, barrier: Any) -> None:
    """One process: open the store, wait for the others, work until the time is up, write
    what the services acknowledged to workdir/<role>-<index>.json."""
    out = Path(plan.workdir) / f"{role}-{index}.json"
    result: dict[str, Any] = {"role": role, "index": index, "errors": [], "unexpected": []}
    try:
        from workstation.store import open_store

        store = open_store(plan.location, migrate=False)
        try:
            barrier.wait(timeout=300)
            deadline = time.monotonic() + plan.seconds
            if role == "import":
                _importer(store, plan, index, deadline, result)
            else:
                _editor(store, plan, index, deadline, result)
        finally:
            store.dispose()
    except Exception as exc:  # reported to the parent, which fails the run
        result["unexpected"].append("".join(traceback.format_exception(exc))[-2000:])
        barrier.abort()  # the others (and the parent) stop waiting for this one
    out.write_text(json.dumps(result, ensure_ascii=False))


def _record_error(result: dict[str, Any], exc: BaseException) -> None:
    from workstation.errors import WorkstationError

    if isinstance(exc, WorkstationError):
        result["errors"].append(exc.message)
    else:
        result["unexpected"].append("".join(traceback.format_exception(exc))[-2000:])


def _ledger(path: Path, prefix: str, rows: int, rng: random.Random) -> list[str]:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("线索台账")
    sheet.append(HEADERS)
    refs = []
    for r in range(rows):
        ref = f"{prefix}-{r + 1:03d}"
        refs.append(ref)
        unit = rng.choice(UNITS)
        subject = rng.choice(SURNAMES) + rng.choice("建国明伟强军华平")
        received = dt.date(2021, 3, 1) + dt.timedelta(days=rng.randrange(270))
        sheet.append([
            ref, received.isoformat(), rng.choice(CHANNELS), "匿名", subject, "民警", unit,
            rng.choice(CATEGORIES),
            f"反映{unit}{subject}违规插手经济纠纷、收受财物（压测 {ref}）。", "待处理",
        ])  # fmt: skip
    book.save(path)
    return refs


def _importer(store: Any, plan: Plan, index: int, deadline: float, result: dict[str, Any]) -> None:
    from workstation.importing.batches import ImportOptions, run_import
    from workstation.services.auth import Actor

    actor = Actor(login=f"clerk{index}", display_name=f"录入员{index}", role="clerk")
    rng = random.Random(plan.seed * 1000 + index)
    folder = Path(plan.workdir) / f"ledgers-{index}"
    folder.mkdir()
    acked: list[dict[str, Any]] = []
    failed: list[list[str]] = []
    service_seconds = 0.0
    n = 0
    while time.monotonic() < deadline:
        n += 1
        path = folder / f"台账-{index}-{n:04d}.xlsx"
        refs = _ledger(path, f"LD-I{index}-{n:04d}", plan.rows, rng)
        started = time.perf_counter()
        try:
            done = run_import(store, actor, path, ImportOptions(kind="leads", today=TODAY))
        except Exception as exc:  # counted; the import wrote nothing
            _record_error(result, exc)
            failed.append(refs)
            continue
        finally:
            service_seconds += time.perf_counter() - started
        acked.append(
            {"batch": done.batch, "refs": refs, "imported": done.imported,
             "rejected": len(done.rejected), "duplicates": len(done.duplicates)}
        )  # fmt: skip
    result.update(imports=acked, failed_imports=failed, service_seconds=service_seconds)


def _counts(summary: str) -> dict[str, int]:
    found = COUNTS.search(summary)
    if not found or not found[1]:
        return {}
    return {k: int(v) for k, v in (pair.split("=") for pair in found[1].split(","))}


def _with_count(summary: str, counts: dict[str, int]) -> str:
    base = COUNTS.sub("", summary)
    return base + "计数：" + ",".join(f"{k}={v}" for k, v in sorted(counts.items()))


def _editor(store: Any, plan: Plan, index: int, deadline: float, result: dict[str, Any]) -> None:
    from workstation.errors import Conflict
    from workstation.services import leads
    from workstation.services.auth import Actor

    actor = Actor(login=f"editor{index}", display_name=f"核查员{index}", role="inspector")
    me = f"e{index}"
    rng = random.Random(plan.seed * 1000 + 500 + index)
    acked: Counter[int] = Counter()
    saves = conflicts = bulk_saves = 0
    samples: list[str] = []
    service_seconds = 0.0
    while time.monotonic() < deadline:
        bulk = rng.random() < 0.2
        targets = rng.sample(plan.hot, rng.randint(2, 3) if bulk else 1)
        while time.monotonic() < deadline:  # until saved: re-read after each refusal
            started = time.perf_counter()
            try:
                rows = [leads.get_lead(store, actor, lead_id) for lead_id in targets]
                edits = []
                for row in rows:
                    counts = _counts(row.summary)
                    counts[me] = counts.get(me, 0) + 1
                    edits.append(
                        leads.LeadEdit(row.id, {"summary": _with_count(row.summary, counts)},
                                       expected_version=row.version)
                    )  # fmt: skip
                if bulk:
                    leads.update_leads(store, actor, edits, today=TODAY)
                else:
                    leads.update_lead(
                        store, actor, edits[0].key, edits[0].changes,
                        expected_version=edits[0].expected_version, today=TODAY,
                    )  # fmt: skip
            except Conflict as exc:
                conflicts += 1
                if len(samples) < 3:
                    samples.append(exc.message)
                continue
            except Exception as exc:  # counted; nothing was saved
                _record_error(result, exc)
                continue
            finally:
                service_seconds += time.perf_counter() - started
            saves += 1
            bulk_saves += bulk
            for lead_id in targets:
                acked[lead_id] += 1
            break
    result.update(
        acked={str(k): v for k, v in acked.items()}, saves=saves, bulk_saves=bulk_saves,
        conflicts=conflicts, conflict_samples=samples, service_seconds=service_seconds,
    )  # fmt: skip


# --- set-up and proof ---------------------------------------------------------------------------


def seed_store(location: str, hot: int, importers: int, editors: int) -> list[int]:
    """Migrate the store, add the people and the shared leads; returns the shared leads' ids."""
    from workstation.models import User
    from workstation.services import audit, leads
    from workstation.services.auth import IMPLICIT_ADMIN, hash_password
    from workstation.store import open_store

    store = open_store(location, create=True)
    try:
        # Accounts, so that refusals name people as users know them (核查员2, not editor2);
        # one password hash for all (argon2 takes half a second per hash, by design).
        people = [("chief", "主任", "admin")]
        people += [(f"clerk{i}", f"录入员{i}", "clerk") for i in range(1, importers + 1)]
        people += [(f"editor{i}", f"核查员{i}", "inspector") for i in range(1, editors + 1)]
        password_hash = hash_password("load-test-password")
        with store.write() as session:
            for login, name, role in people:
                user = User(
                    login=login,
                    display_name=name,
                    role=role,
                    password_hash=password_hash,
                    created_by="admin",
                    updated_by="admin",
                )
                session.add(user)
                session.flush()
                audit.record(
                    session,
                    IMPLICIT_ADMIN,
                    "user.create",
                    "user",
                    user.uuid,
                    after={"login": login, "display_name": name, "role": role},
                )
        ids = []
        for i in range(hot):
            row = leads.create_lead(
                store, IMPLICIT_ADMIN,
                {"ref": f"LD-HOT-{i + 1:02d}", "received_on": "2021-03-05", "channel": "来电",
                 "subject_unit": UNITS[i % len(UNITS)],
                 "summary": f"反映民警违规插手经济纠纷（压测共享线索 {i + 1:02d}）。计数："},
                today=TODAY,
            )  # fmt: skip
            ids.append(row.id)
        return ids
    finally:
        store.dispose()


def run(
    location: str,
    *,
    seconds: float = 60,
    processes: int = 8,
    importers: int = 3,
    rows: int = 40,
    hot: int = 12,
    seed: int = 2021,
) -> dict[str, Any]:
    """Seed the store at `location`, run the processes, check the store; returns the figures
    and the list of invariants that failed (empty: all held)."""
    if not 0 < importers < processes:
        raise ValueError("need at least one importer and one editor")
    clock = time.perf_counter()
    hot_ids = seed_store(location, hot, importers, processes - importers)
    setup = time.perf_counter() - clock
    # What the workers use, imported once here: forked workers start with it (a spawned one
    # would import it again, seconds each on a busy machine).
    for module in ("openpyxl", "workstation.importing.batches", "workstation.services.leads"):
        importlib.import_module(module)

    with tempfile.TemporaryDirectory(prefix="ws-load-") as workdir:
        plan = Plan(location, seconds, importers, processes - importers, rows, hot_ids, workdir,
                    seed)  # fmt: skip
        # Forked on Linux: the parent holds no connection by now (the seeding store is closed).
        context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
        barrier = context.Barrier(processes + 1)
        roles = [("import", i + 1) for i in range(importers)]
        roles += [("edit", i + 1) for i in range(processes - importers)]
        procs = [
            context.Process(target=_worker, args=(plan, role, i, barrier), name=f"{role}-{i}")
            for role, i in roles
        ]
        clock = time.perf_counter()
        for p in procs:
            p.start()
        with contextlib.suppress(threading.BrokenBarrierError):  # a worker failed: see below
            barrier.wait(timeout=300)
        started = time.perf_counter()
        for p in procs:
            p.join(timeout=seconds + 600)
        wall = time.perf_counter() - started
        results = []
        for (role, i), p in zip(roles, procs, strict=True):
            path = Path(workdir) / f"{role}-{i}.json"
            if p.exitcode != 0 or not path.exists():
                results.append({"role": role, "index": i, "errors": [],
                                "unexpected": [f"process exit code {p.exitcode}"]})  # fmt: skip
            else:
                results.append(json.loads(path.read_text()))
    figures = _figures(results, wall, processes, importers, rows)
    figures["setup_seconds"] = round(setup, 1)
    figures["start_seconds"] = round(started - clock, 1)
    clock = time.perf_counter()
    figures["failures"] = check_store(location, results, hot_ids)
    figures["check_seconds"] = round(time.perf_counter() - clock, 1)
    figures["failures"] += [
        f"{r['role']}-{r['index']}: {u}" for r in results for u in r.get("unexpected", [])
    ]
    return figures


def _figures(
    results: list[dict[str, Any]], wall: float, processes: int, importers: int, rows: int
) -> dict[str, Any]:
    imports = [i for r in results for i in r.get("imports", [])]
    editors = [r for r in results if r["role"] == "edit"]
    rows_in = sum(i["imported"] for i in imports)
    saves = sum(r.get("saves", 0) for r in editors)
    edits = sum(sum(r.get("acked", {}).values()) for r in editors)
    conflicts = sum(r.get("conflicts", 0) for r in editors)
    samples = [s for r in editors for s in r.get("conflict_samples", [])]
    return {
        "processes": processes,
        "importers": importers,
        "editors": processes - importers,
        "seconds": round(wall, 1),
        "rows_per_ledger": rows,
        "imports": len(imports),
        "imported_rows": rows_in,
        "import_rows_per_s": round(rows_in / wall, 1),
        "imports_failed": sum(len(r.get("failed_imports", [])) for r in results),
        "saves": saves,
        "bulk_saves": sum(r.get("bulk_saves", 0) for r in editors),
        "lead_edits": edits,
        "saves_per_s": round(saves / wall, 1),
        "lead_edits_per_s": round(edits / wall, 1),
        "conflicts_retried": conflicts,
        "conflict_share": round(conflicts / max(conflicts + saves, 1), 3),
        "conflict_example": samples[0] if samples else None,
        "per_process": [_process_line(r) for r in results],
        "errors": [e for r in results for e in r.get("errors", [])][:20],
        "error_count": sum(len(r.get("errors", [])) for r in results),
    }


def _process_line(r: dict[str, Any]) -> str:
    if r["role"] == "import":
        done = f"{len(r.get('imports', []))} imports"
    else:
        done = f"{r.get('saves', 0)} saves, {r.get('conflicts', 0)} conflicts"
    return f"{r['role']}-{r['index']}: {done}, {r.get('service_seconds', 0):.1f} s in the services"


def check_store(location: str, results: list[dict[str, Any]], hot_ids: list[int]) -> list[str]:
    """The invariants, read back from the store; returns what failed (empty: all held)."""
    from sqlalchemy import func, select

    from workstation.models import AuditEvent, ImportBatch, Lead, Person, Unit
    from workstation.services import audit
    from workstation.services.auth import IMPLICIT_ADMIN
    from workstation.store import open_store

    failures: list[str] = []
    imports = [i for r in results for i in r.get("imports", [])]
    failed_refs = {ref for r in results for refs in r.get("failed_imports", []) for ref in refs}
    acked: dict[int, Counter[str]] = {lead_id: Counter() for lead_id in hot_ids}
    for r in results:
        if r["role"] == "edit":
            for lead_id, n in r.get("acked", {}).items():
                acked[int(lead_id)][f"e{r['index']}"] += n
    store = open_store(location, migrate=False)
    try:
        with store.read() as s:
            for lead_id in hot_ids:
                lead = s.get(Lead, lead_id)
                stored = _counts(lead.summary)
                for editor, n in acked[lead_id].items():
                    if stored.get(editor, 0) != n:
                        failures.append(
                            f"lost update: {lead.ref} counts {editor}={stored.get(editor, 0)}, "
                            f"the service acknowledged {n} edits"
                        )
                total = sum(acked[lead_id].values())
                if lead.version != 1 + total:
                    failures.append(f"{lead.ref}: version {lead.version}, expected {1 + total}")
            for model in (Lead, Unit, Person, AuditEvent, ImportBatch):
                dupes = s.scalar(
                    select(func.count()).select_from(
                        select(model.uuid).group_by(model.uuid).having(func.count() > 1).subquery()
                    )
                )
                if dupes:
                    failures.append(f"{model.__tablename__}: {dupes} duplicate UUIDs")
            dup_refs = s.scalar(
                select(func.count()).select_from(
                    select(Lead.ref).group_by(Lead.ref).having(func.count() > 1).subquery()
                )
            )
            if dup_refs:
                failures.append(f"{dup_refs} duplicate lead refs")
            # Concurrent imports meet the same units and officers: each must be stored once.
            for what, columns in (
                ("units", (Unit.name_key,)),
                ("persons", (Person.name_key, Person.unit_id, Person.position)),
            ):
                twins = s.scalar(
                    select(func.count()).select_from(
                        select(*columns).group_by(*columns).having(func.count() > 1).subquery()
                    )
                )
                if twins:
                    failures.append(f"{what}: {twins} stored twice")
            expected_rows = sum(i["imported"] for i in imports)
            for i in imports:
                if i["imported"] != len(i["refs"]) or i["rejected"] or i["duplicates"]:
                    failures.append(f"batch {i['batch']}: {i} (every row should import)")
            leads_count = s.scalar(select(func.count()).select_from(Lead))
            if leads_count != len(hot_ids) + expected_rows:
                failures.append(
                    f"{leads_count} leads stored, expected {len(hot_ids)} shared + "
                    f"{expected_rows} imported"
                )
            stored_refs = set(s.scalars(select(Lead.ref).where(Lead.ref.like("LD-I%"))))
            acked_refs = {ref for i in imports for ref in i["refs"]}
            if stored_refs != acked_refs:
                failures.append(
                    f"imported refs differ: {len(acked_refs - stored_refs)} acknowledged but "
                    f"missing, {len(stored_refs - acked_refs)} stored but not acknowledged"
                )
            if failed_refs & stored_refs:
                failures.append(f"{len(failed_refs & stored_refs)} rows of failed imports stored")
            batches = s.scalar(select(func.count()).select_from(ImportBatch))
            if batches != len(imports):
                failures.append(f"{batches} import batches, {len(imports)} imports acknowledged")
            for i in imports:
                n = s.scalar(select(func.count()).where(Lead.batch_id == i["batch"]))
                if n != i["imported"]:
                    failures.append(f"batch {i['batch']} holds {n} leads, imported {i['imported']}")
            updates = s.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "lead.update")
            )
            edits = sum(sum(c.values()) for c in acked.values())
            if updates != edits:
                failures.append(f"{updates} lead.update audit events, {edits} edits acknowledged")
        chain = audit.verify_chain(store, IMPLICIT_ADMIN)
        if not chain.ok:
            failures.append(f"audit chain: {chain.message}")
    finally:
        store.dispose()
    return failures


# --- the store to load --------------------------------------------------------------------------


@contextlib.contextmanager
def fresh_database(db: str | None, keep: bool) -> Iterator[str]:
    """The location of an empty store: an SQLite file path as given, or a new database on the
    given PostgreSQL server (or on a throwaway one), dropped afterwards unless `keep`."""
    if db is not None and "://" not in db:
        yield db
        return
    with contextlib.ExitStack() as stack:
        if db is None:
            sys.path.insert(0, str(REPO / "tools"))
            import pg_sandbox

            db = stack.enter_context(pg_sandbox.sandbox())
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url
        from sqlalchemy.pool import NullPool

        server = make_url(db)
        admin = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        name = f"ws_load_{os.getpid()}"
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            yield server.set(database=name).render_as_string(hide_password=False)
        finally:
            if not keep:
                with admin.connect() as conn:
                    conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.dispose()


def _shown(location: str) -> str:
    if "://" not in location:
        return location
    from sqlalchemy.engine import make_url

    return make_url(location).render_as_string(hide_password=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="PostgreSQL URL (a role that may create databases) or "
                        "SQLite file; default: a throwaway PostgreSQL on 127.0.0.1")  # fmt: skip
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--importers", type=int, default=3)
    parser.add_argument("--rows", type=int, default=40, help="rows per imported ledger")
    parser.add_argument("--hot", type=int, default=12, help="leads the editors share")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with fresh_database(args.db, args.keep) as location:
        figures = run(
            location, seconds=args.seconds, processes=args.processes, importers=args.importers,
            rows=args.rows, hot=args.hot,
        )  # fmt: skip
        figures["store"] = _shown(location)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
    else:
        f = figures
        print(f"store: {f['store']}")
        print(f"{f['processes']} processes ({f['importers']} importing, {f['editors']} editing) "
              f"for {f['seconds']} s")  # fmt: skip
        print(f"imports: {f['imports']} ledgers, {f['imported_rows']} rows, "
              f"{f['import_rows_per_s']} rows/s; failed {f['imports_failed']}")  # fmt: skip
        print(f"edits: {f['saves']} saves ({f['bulk_saves']} bulk), {f['lead_edits']} lead "
              f"edits; {f['saves_per_s']} saves/s, {f['lead_edits_per_s']} edits/s")  # fmt: skip
        print(f"conflicts refused and retried: {f['conflicts_retried']} "
              f"({f['conflict_share']:.1%} of attempts)")  # fmt: skip
        if f["conflict_example"]:
            print(f"  e.g. {f['conflict_example']}")
        print(f"other refusals: {f['error_count']}" + "".join(f"\n  {e}" for e in f["errors"]))
        if f["failures"]:
            print("FAILED:\n  " + "\n  ".join(f["failures"]))
        else:
            print("no lost update, no duplicate, counts exact, audit chain verified")
    return 1 if figures["failures"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
