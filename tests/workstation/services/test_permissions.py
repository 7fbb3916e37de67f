"""Every service called by every role: the forbidden calls fail and write nothing (issue 6).

The table SERVICES names each public service function once, with the permissions it needs
and one call of it; a new service is one line there (a test fails until it is added).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import importlib
import inspect
import pkgutil
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from workstation import search
from workstation import services as services_package
from workstation.errors import PermissionDenied
from workstation.importing import ImportOptions, run_import
from workstation.importing.undo import list_batches, undo_batch
from workstation.models import AuditEvent, Person
from workstation.services import (
    audit,
    briefs,
    cases,
    dashboard,
    exchange,
    leads,
    review,
    scan,
    settings_svc,
    units,
    users,
    vault,
    watch,
)
from workstation.services.auth import IMPLICIT_ADMIN, PERMISSIONS, Actor
from workstation.store import Store, open_store

TODAY = dt.date(2021, 6, 30)
ROLES = ("clerk", "inspector", "leader", "admin")
ACTORS = {role: Actor(f"{role}1", f"测试{role}", role) for role in ROLES}

# What issue 6 says each role does; PERMISSIONS must give each role exactly this.
ROLE_PERMISSIONS = {
    "clerk": {
        "lead.read", "lead.create", "case.read", "case.create", "unit.edit", "import.run",
        "anomaly.read",
    },
    "inspector": {
        "lead.read", "lead.create", "lead.edit", "case.read", "case.create", "case.edit",
        "unit.edit", "import.run", "anomaly.read", "anomaly.scan", "anomaly.review",
        "watch.read", "brief.generate", "conflict.resolve",
    },
    "leader": {
        "lead.read", "case.read", "anomaly.read", "watch.read", "brief.generate",
        "reporter.unmask", "audit.verify",
    },
    "admin": set(PERMISSIONS),  # users, settings, backups, exchange packets, and everything
}  # fmt: skip


@dataclasses.dataclass
class World:
    """A copy of the template store, the acting user and the ids of its records."""

    store: Store
    actor: Actor
    folder: Path
    ids: dict[str, Any]


@dataclasses.dataclass(frozen=True)
class Service:
    name: str  # module.function (+variant): the function the completeness check looks for
    needs: tuple[str, ...]  # permissions, all required
    call: Callable[[World], Any]
    allowed: frozenset[str] | None = None  # when more than permissions decide (ownership)
    # False: only the refusals are checked here; the allowed call needs more set-up than this
    # table gives (a real admin account and password, a backup file) and has its own tests.
    run_allowed: bool = True

    def allows(self, role: str) -> bool:
        if self.allowed is not None:
            return role in self.allowed
        return all(role in PERMISSIONS[p] for p in self.needs)


def _brief(w: World, *, unmask: bool = False) -> Any:
    request = briefs.BriefRequest(as_of=TODAY, unmask=unmask, issued_on=TODAY)
    return briefs.compute(w.store, IMPLICIT_ADMIN, request)


LEAD = {"received_on": "2021-06-01", "summary": "反映某派出所民警违规插手经济纠纷"}
PACKET_PASSPHRASE = "exchange-passphrase"
CASE = {"case_no": "东公(刑)立字[2021]99号", "agency": "江州市公安局东湖分局",
        "accepted_on": "2021-05-01", "kind": "刑事", "cause": "盗窃"}  # fmt: skip

S = Service
SERVICES: list[Service] = [
    # leads
    S("leads.count_leads", ("lead.read",), lambda w: leads.count_leads(w.store, w.actor)),
    S("leads.list_leads", ("lead.read",), lambda w: leads.list_leads(w.store, w.actor)),
    S("leads.list_leads+unmask", ("lead.read", "reporter.unmask"),
      lambda w: leads.list_leads(w.store, w.actor, unmask=True)),
    S("leads.get_lead", ("lead.read",), lambda w: leads.get_lead(w.store, w.actor, w.ids["lead"])),
    S("leads.get_lead+unmask", ("lead.read", "reporter.unmask"),
      lambda w: leads.get_lead(w.store, w.actor, w.ids["lead"], unmask=True)),
    S("leads.create_lead", ("lead.create",),
      lambda w: leads.create_lead(w.store, w.actor, LEAD, today=TODAY)),
    S("leads.update_lead", ("lead.edit",),
      lambda w: leads.update_lead(w.store, w.actor, w.ids["lead"], {"status": "verifying"},
                                  today=TODAY)),
    S("leads.update_leads", ("lead.edit",),
      lambda w: leads.update_leads(w.store, w.actor, [leads.LeadEdit(w.ids["lead"],
                                   {"status": "verifying"})], today=TODAY)),
    S("leads.export_leads", ("lead.read",),
      lambda w: leads.export_leads(w.store, w.actor, leads.LeadQuery(), w.folder / "l.xlsx")),
    S("leads.export_leads+unmask", ("lead.read", "reporter.unmask"),
      lambda w: leads.export_leads(w.store, w.actor, leads.LeadQuery(), w.folder / "l.xlsx",
                                   unmask=True)),
    S("search.sync_search_index", ("lead.read",),
      lambda w: search.sync_search_index(w.store, w.actor)),
    S("search.index_backlog", ("lead.read",), lambda w: search.index_backlog(w.store, w.actor)),
    # cases
    S("cases.count_cases", ("case.read",), lambda w: cases.count_cases(w.store, w.actor)),
    S("cases.list_cases", ("case.read",), lambda w: cases.list_cases(w.store, w.actor)),
    S("cases.case_agencies", ("case.read",), lambda w: cases.case_agencies(w.store, w.actor)),
    S("cases.get_case", ("case.read",), lambda w: cases.get_case(w.store, w.actor, w.ids["case"])),
    S("cases.create_case", ("case.create",),
      lambda w: cases.create_case(w.store, w.actor, CASE, today=TODAY)),
    S("cases.update_case", ("case.edit",),
      lambda w: cases.update_case(w.store, w.actor, w.ids["case"], {"cause": "诈骗"},
                                  today=TODAY)),
    # units and persons
    S("units.add_unit", ("unit.edit",),
      lambda w: units.add_unit(w.store, w.actor, "江州市西湖区司法局")),
    S("units.list_units", ("lead.read",), lambda w: units.list_units(w.store, w.actor)),
    S("units.unit_names", ("lead.read",), lambda w: units.unit_names(w.store, w.actor, "江州")),
    S("units.update_unit", ("unit.edit",),
      lambda w: units.update_unit(w.store, w.actor, w.ids["unit"], type="justice")),
    S("units.list_persons", ("lead.read",), lambda w: units.list_persons(w.store, w.actor)),
    S("units.person_choices", ("lead.read",),
      lambda w: units.person_choices(w.store, w.actor, "王")),
    S("units.update_person", ("unit.edit",),
      lambda w: units.update_person(w.store, w.actor, w.ids["person"], {"position": "所长"})),
    S("units.unit_usage", ("lead.read",), lambda w: units.unit_usage(w.store, w.actor)),
    S("units.merge_units", ("unit.edit", "lead.edit"),
      lambda w: units.merge_units(w.store, w.actor, "江州市中级人民法院", w.ids["unit"])),
    # dashboard and settings
    S("dashboard.overview", ("lead.read", "anomaly.read"),
      lambda w: dashboard.overview(w.store, w.actor, today=TODAY)),
    S("settings_svc.current", ("lead.read",), lambda w: settings_svc.current(w.store, w.actor)),
    S("settings_svc.update_settings", ("settings.edit",),
      lambda w: settings_svc.update_settings(w.store, w.actor, {"nf1_days": 9})),
    # anomalies
    S("scan.scan", ("anomaly.scan",), lambda w: scan.scan(w.store, w.actor, as_of=TODAY)),
    S("review.list_anomalies", ("anomaly.read",),
      lambda w: review.list_anomalies(w.store, w.actor)),
    S("review.count_anomalies", ("anomaly.read",),
      lambda w: review.count_anomalies(w.store, w.actor)),
    S("review.anomaly_kinds_for_cases", ("anomaly.read",),
      lambda w: review.anomaly_kinds_for_cases(w.store, w.actor, [1, 2])),
    S("review.get_anomaly", ("anomaly.read",),
      lambda w: review.get_anomaly(w.store, w.actor, w.ids["suspected"])),
    S("review.confirm", ("anomaly.review",),
      lambda w: review.confirm(w.store, w.actor, w.ids["suspected"], "超期未立案属实")),
    S("review.dismiss", ("anomaly.review",),
      lambda w: review.dismiss(w.store, w.actor, w.ids["suspected"], "已补办立案手续")),
    S("review.reopen", ("anomaly.review",),
      lambda w: review.reopen(w.store, w.actor, w.ids["confirmed"], "需重新核实")),
    S("review.mark", ("anomaly.review",),
      lambda w: review.mark(w.store, w.actor, w.ids["case"], "suppressed", "长期未开展侦查")),
    S("review.case_history", ("case.read", "anomaly.read"),
      lambda w: review.case_history(w.store, w.actor, w.ids["case"])),
    S("watch.watch_list", ("watch.read",),
      lambda w: watch.watch_list(w.store, w.actor, as_of=TODAY)),
    # briefs
    S("briefs.compute", ("brief.generate",),
      lambda w: briefs.compute(w.store, w.actor, briefs.BriefRequest(as_of=TODAY))),
    S("briefs.compute+unmask", ("brief.generate", "reporter.unmask"),
      lambda w: briefs.compute(w.store, w.actor, briefs.BriefRequest(as_of=TODAY, unmask=True))),
    S("briefs.render_xlsx", ("brief.generate",),
      lambda w: briefs.render_xlsx(w.store, w.actor, _brief(w), w.folder / "b.xlsx")),
    S("briefs.render_xlsx+unmask", ("brief.generate", "reporter.unmask"),
      lambda w: briefs.render_xlsx(w.store, w.actor, _brief(w, unmask=True), w.folder / "b.xlsx")),
    S("briefs.render_pdf", ("brief.generate",),
      lambda w: briefs.render_pdf(w.store, w.actor, _brief(w), w.folder / "b.pdf")),
    S("briefs.generate", ("brief.generate",),
      lambda w: briefs.generate(w.store, w.actor, briefs.BriefRequest(as_of=TODAY),
                                xlsx=w.folder / "g.xlsx")),
    S("briefs.issued", ("brief.generate",), lambda w: briefs.issued(w.store, w.actor)),
    # audit trail
    S("audit.verify_chain", ("audit.verify",), lambda w: audit.verify_chain(w.store, w.actor)),
    S("audit.history", ("lead.read",),
      lambda w: audit.history(w.store, w.actor, w.ids["lead_uuid"])),
    S("audit.history+unmask", ("lead.read", "reporter.unmask"),
      lambda w: audit.history(w.store, w.actor, w.ids["lead_uuid"], unmask=True)),
    # importing
    S("batches.run_import", ("import.run", "lead.create"),
      lambda w: run_import(w.store, w.actor, w.ids["leads_csv"],
                           ImportOptions("leads", today=TODAY))),
    S("batches.run_import+cases", ("import.run", "case.create"),
      lambda w: run_import(w.store, w.actor, w.ids["cases_csv"],
                           ImportOptions("cases", today=TODAY))),
    S("batches.run_import+dry_run", ("import.run", "lead.create"),
      lambda w: run_import(w.store, w.actor, w.ids["leads_csv"],
                           ImportOptions("leads", today=TODAY, dry_run=True))),
    # The batch was imported by the admin: only its importer or an admin may undo it.
    S("undo.undo_batch", ("import.run", "lead.create"),
      lambda w: undo_batch(w.store, w.actor, w.ids["batch"]), allowed=frozenset({"admin"})),
    S("undo.list_batches", ("lead.read",), lambda w: list_batches(w.store, w.actor)),
    # demo data
    S("generator.generate", ("demo.generate",),
      lambda w: _demo().generate(w.store, w.actor, leads=5, cases=2)),
    # accounts
    S("users.add_user", ("user.manage",),
      lambda w: users.add_user(w.store, w.actor, "newbie", "新人", "clerk", "newbiepass1")),
    S("users.disable_user", ("user.manage",),
      lambda w: users.disable_user(w.store, w.actor, "victim")),
    S("users.enable_user", ("user.manage",), lambda w: users.enable_user(w.store, w.actor, "gone")),
    S("users.set_role", ("user.manage",),
      lambda w: users.set_role(w.store, w.actor, "victim", "inspector")),
    S("users.change_password", ("user.manage",),
      lambda w: users.change_password(w.store, w.actor, "victim", "resetpass1")),
    S("users.list_users", ("user.manage",), lambda w: users.list_users(w.store, w.actor)),
    S("users.get_user", ("user.manage",), lambda w: users.get_user(w.store, w.actor, "victim")),
    # backups and encryption
    S("vault.backup_now", ("backup.run",),
      lambda w: vault.backup_now(w.store, w.actor, folder=w.folder)),
    S("vault.backups", ("backup.run",), lambda w: vault.backups(w.store, w.actor)),
    S("vault.key_slots", ("user.manage",), lambda w: vault.key_slots(w.store, w.actor)),
    S("vault.encrypt", ("backup.run",),
      lambda w: vault.encrypt(w.store, w.actor, "bosspass1"), run_allowed=False),
    S("vault.new_recovery_key", ("backup.run",),
      lambda w: vault.new_recovery_key(w.store, w.actor, "bosspass1"), run_allowed=False),
    # exchange packets and their conflicts
    S("exchange.list_peers", ("exchange.run",), lambda w: exchange.list_peers(w.store, w.actor)),
    S("exchange.rename_store", ("exchange.run",),
      lambda w: exchange.rename_store(w.store, w.actor, "甲的笔记本")),
    S("exchange.export_packet", ("exchange.run",),
      lambda w: exchange.export_packet(w.store, w.actor, w.folder / "x.pkt", PACKET_PASSPHRASE)),
    S("exchange.import_packet", ("exchange.run",),
      lambda w: exchange.import_packet(w.store, w.actor, w.ids["packet"], PACKET_PASSPHRASE)),
    S("exchange.list_conflicts", ("conflict.resolve",),
      lambda w: exchange.list_conflicts(w.store, w.actor)),
    S("exchange.count_open_conflicts", ("lead.read",),
      lambda w: exchange.count_open_conflicts(w.store, w.actor)),
    # Needs a conflict (two stores changing one field): tests/workstation/exchange has those.
    S("exchange.resolve_conflict", ("conflict.resolve",),
      lambda w: exchange.resolve_conflict(w.store, w.actor, 1, "local"), run_allowed=False),
    S("exchange.verify_peer_audit", ("audit.verify",),
      lambda w: exchange.verify_peer_audit(w.store, w.actor)),
    S("vault.restore_backup", ("backup.run",),
      lambda w: vault.restore_backup(w.store.path, w.folder / "none.db", w.actor),
      run_allowed=False),
]  # fmt: skip

# Modules whose public (store, actor, ...) functions must all be in SERVICES: every module of
# workstation.services, and the import and demo services that live beside their machinery.
SERVICE_MODULES = sorted(
    {f"workstation.services.{m.name}" for m in pkgutil.iter_modules(services_package.__path__)}
    | {"workstation.importing.batches", "workstation.importing.undo",
       "workstation.demo.generator", "workstation.search"}
)  # fmt: skip
SHORT_NAMES = {name.rsplit(".", 1)[1]: name for name in SERVICE_MODULES}


def _demo() -> Any:
    from workstation.demo import generator

    return generator


LEADS_CSV = (
    "受理时间,来源渠道,反映人,联系电话,被反映人,所在单位,问题类别,主要问题\n"
    "2021-04-01,来电,陈晓梅,13912345678,王五,江州市公安局东湖分局,三个规定,反映王五插手经济纠纷\n"
    "2021-04-02,来信,,,李四,江州市中级人民法院,违规经商办企业,反映李四配偶经营茶楼\n"
)
CASES_CSV = (
    "案号,办案单位,案件类型,案由,受案日期\n"
    "东公(刑)受字[2021]7号,江州市公安局东湖分局,刑事,诈骗,2021-02-01\n"
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """A store holding one of everything the services act on, built once, copied per test."""
    folder = tmp_path_factory.mktemp("template")
    path = folder / "template.db"
    store = open_store(path, create=True)
    admin = IMPLICIT_ADMIN
    ids: dict[str, Any] = {}
    try:
        lead = leads.create_lead(
            store, admin,
            {"received_on": "2021-03-05", "channel": "phone", "reporter_name": "陈晓梅",
             "reporter_phone": "13912345678", "subject": "王建国",
             "subject_unit": "江州市公安局东湖分局城关派出所", "category": "interference",
             "summary": "反映王建国插手他人经济纠纷，违规查封财物。"},
            today=TODAY,
        )  # fmt: skip
        ids["lead"], ids["lead_uuid"] = lead.ref, lead.uuid
        for n in (1, 2):
            case = cases.create_case(
                store, admin,
                {"case_no": f"东公(刑)受字[2021]{n}号", "agency": "江州市公安局东湖分局",
                 "kind": "刑事", "cause": "盗窃", "accepted_on": "2021-01-0" + str(n)},
                today=TODAY,
            )  # fmt: skip
            ids.setdefault("case", case.id)
        scan.scan(store, admin, as_of=TODAY)
        flags = review.list_anomalies(store, admin)
        assert len(flags) >= 2
        ids["suspected"], ids["confirmed"] = flags[0].id, flags[1].id
        review.confirm(store, admin, ids["confirmed"], "属实")
        ids["unit"] = units.add_unit(store, admin, "江州市东湖区司法局").id
        with store.read() as session:
            ids["person"] = session.scalar(select(Person.id).limit(1))
        leads_csv = folder / "leads.csv"
        leads_csv.write_text(LEADS_CSV, encoding="utf-8")
        cases_csv = folder / "cases.csv"
        cases_csv.write_text(CASES_CSV, encoding="utf-8")
        ids["leads_csv"], ids["cases_csv"] = leads_csv, cases_csv
        batch_csv = folder / "batch.csv"
        batch_csv.write_text(LEADS_CSV.replace("2021-04-0", "2021-05-0"), encoding="utf-8")
        imported = run_import(store, admin, batch_csv, ImportOptions("leads", today=TODAY))
        ids["batch"] = imported.batch
        other = open_store(folder / "other.db", create=True)
        try:
            leads.create_lead(
                other, admin, {"received_on": "2021-04-03", "summary": "另一台电脑的线索"},
                today=TODAY,
            )  # fmt: skip
            ids["packet"] = folder / "other.pkt"
            exchange.export_packet(other, admin, ids["packet"], PACKET_PASSPHRASE)
        finally:
            other.dispose()
        users.create_first_admin(store, "boss", "bosspass1", "王主任")
        boss = Actor("boss", "王主任", "admin")
        users.add_user(store, boss, "victim", "张录入", "clerk", "victimpass1")
        users.add_user(store, boss, "gone", "李离职", "clerk", "gonepass11")
        users.disable_user(store, boss, "gone")
    finally:
        store.dispose()
    return path, ids


@pytest.fixture
def world_for(
    template: tuple[Path, dict[str, Any]], tmp_path: Path
) -> Iterator[Callable[[str], World]]:
    opened: list[Store] = []

    def make(role: str) -> World:
        path, ids = template
        copy = tmp_path / "store.db"
        shutil.copyfile(path, copy)
        store = open_store(copy)
        opened.append(store)
        return World(store, ACTORS[role], tmp_path, ids)

    yield make
    for store in opened:
        store.dispose()


# Asked for unmasked, but holding no reporter: a brief's figures (its lead lists come with the
# files it is rendered to, each of which logs the unmasking).
NO_IDENTITIES = {"briefs.compute+unmask"}


def _unmaskings(store: Store) -> int:
    with store.read() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "reporter.unmask")
            )
            or 0
        )


def _fingerprint(store: Store) -> tuple[int, str]:
    """(audit events, SHA-256 of the store's file and its write-ahead log)."""
    with store.read() as session:
        events = int(session.scalar(select(func.count()).select_from(AuditEvent)) or 0)
    assert store.path is not None
    digest = hashlib.sha256()
    for part in (store.path, store.path.with_name(store.path.name + "-wal")):
        if part.exists():
            digest.update(part.read_bytes())
    return events, digest.hexdigest()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("service", SERVICES, ids=lambda s: s.name)
def test_every_service_by_every_role(
    service: Service, role: str, world_for: Callable[[str], World]
) -> None:
    world = world_for(role)
    before = _fingerprint(world.store)
    if service.allows(role):
        if service.run_allowed:
            unmasked = _unmaskings(world.store)
            service.call(world)  # any refusal, or any other error, fails the test
            # Reporters seen in full are logged, by whichever path; masked ones are not.
            shows_reporters = "+unmask" in service.name and service.name not in NO_IDENTITIES
            assert _unmaskings(world.store) == unmasked + int(shows_reporters), (
                "an unmasking was not audited" if shows_reporters else "audited as unmasked"
            )
        return
    with pytest.raises(PermissionDenied) as refused:
        service.call(world)
    assert "无权" in refused.value.message or "只有本人或管理员" in refused.value.message
    assert _fingerprint(world.store) == before, "a forbidden call changed the store"
    leftovers = [p.name for p in world.folder.iterdir() if p.suffix in {".pdf", ".xlsx", ".tmp"}]
    assert leftovers == [], "a forbidden call left a file behind"


def test_roles_have_the_permissions_the_issue_gives_them() -> None:
    granted = {role: {p for p, roles in PERMISSIONS.items() if role in roles} for role in ROLES}
    assert granted == ROLE_PERMISSIONS


def _named(service: Service) -> Any:
    short, name = service.name.split("+")[0].split(".")
    return getattr(importlib.import_module(SHORT_NAMES[short]), name)


def test_every_public_service_is_in_the_table() -> None:
    """Every public function taking (store, actor, ...) is called by the matrix: a service
    added later fails here until its line is added to SERVICES."""
    listed = {_named(s) for s in SERVICES}
    missing = []
    for module_name in SERVICE_MODULES:
        module = importlib.import_module(module_name)
        for name, fn in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(fn):
                continue
            if fn.__module__ != module_name:
                continue  # imported from elsewhere: checked where it is defined
            takes = list(inspect.signature(fn).parameters)[:2]
            if takes == ["store", "actor"] and fn not in listed:
                missing.append(f"{module_name}.{name}")
    assert missing == [], f"add these services to SERVICES in {__file__}: {missing}"


def test_the_table_calls_what_it_names() -> None:
    """Each entry's name is a real function (so renamed services do not linger here)."""
    for service in SERVICES:
        assert inspect.isfunction(_named(service)), service.name
