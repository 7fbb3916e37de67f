"""Briefing packets (简报): compute one issue's figures, render them, record what was issued."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import select

from workstation import clock, diagnostics
from workstation import settings as settings_mod
from workstation.briefs import compute as figures
from workstation.briefs import text
from workstation.briefs.model import (
    AnomalyFigures,
    Appendix,
    Author,
    Brief,
    BriefCancelled,
    ConfirmedAnomaly,
    DetailLead,
    NoteSection,
    WatchFigures,
    WatchPersonRow,
    WatchUnitRow,
)
from workstation.errors import ValidationError, WorkstationError
from workstation.models import AuditEvent, Counter, utcnow
from workstation.services import audit, review, watch
from workstation.services.auth import Actor, require
from workstation.store import Store

ISSUE_COUNTER = "brief_issue"
MAX_COPIES = 500
MAX_ISSUING_UNIT = 60
ARCHIVE_DIR = "briefs"
Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


@dataclasses.dataclass(frozen=True)
class BriefRequest:
    """What the author asks for; None means the default (see workstation.briefs.compute)."""

    start: dt.date | None = None  # --from
    end: dt.date | None = None  # --to
    as_of: dt.date | None = None
    issue: int | None = None  # default: the store's next issue number
    copies: int | None = None  # default: Settings.brief_copies
    appendix: bool = False  # list every lead of the period in the PDF
    unmask: bool = False  # reporters' names and phones in full (leaders, admins; audited)
    notes: tuple[NoteSection, ...] = ()
    issued_on: dt.date | None = None  # default: today
    list_limit: int = figures.LIST_LIMIT
    top_units: int = figures.TOP_UNITS
    issuing_unit: str | None = None  # default: Settings.issuing_unit


@dataclasses.dataclass(frozen=True)
class BriefFile:
    """A file rendered from a brief, as recorded in the audit trail."""

    kind: str  # pdf | xlsx
    path: str
    sha256: str
    bytes: int
    pages: int | None = None  # PDF: pages of one copy
    rows: int | None = None  # Excel: rows of the detail sheet

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class BriefOutcome:
    brief: Brief
    files: tuple[BriefFile, ...]

    def to_json(self) -> dict[str, Any]:
        return self.brief.to_json() | {"files": [f.to_json() for f in self.files]}


@dataclasses.dataclass(frozen=True)
class BriefRecord:
    """One file issued, from the audit trail."""

    at: dt.datetime
    user: str
    brief: str  # the brief's UUID
    issue: int
    start: dt.date
    end: dt.date
    as_of: dt.date
    kind: str
    name: str
    sha256: str
    masked: bool
    copies: int = 1  # numbered copies in the file (PDF: each copy's pages in turn)
    author: str = ""  # the author's display name
    title: str = ""  # the brief's title (政法队伍教育整顿工作简报)

    def to_json(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in out.items()}


def _request_problems(request: BriefRequest) -> dict[str, str]:
    problems = {}
    if request.issue is not None and not 1 <= request.issue <= 1_000_000:
        problems["issue"] = "期号应为正整数"
    if request.copies is not None and not 1 <= request.copies <= MAX_COPIES:
        problems["copies"] = f"印数应在 1 到 {MAX_COPIES} 份之间"
    if request.list_limit < 0 or request.top_units < 1:
        problems["list_limit"] = "列出的条数应为正数"
    if request.issuing_unit is not None:
        unit = request.issuing_unit.strip()
        if not unit:
            problems["issuing_unit"] = "印发单位不能为空"
        elif len(unit) > MAX_ISSUING_UNIT:
            problems["issuing_unit"] = f"印发单位最多 {MAX_ISSUING_UNIT} 个字"
    return problems


def _check(cancel: Cancel | None) -> None:
    if cancel is not None and cancel():
        raise BriefCancelled("已取消生成简报")


def next_issue(store: Store) -> int:
    """The issue number the next brief gets unless its author gives one."""
    with store.read() as session:
        counter = session.get(Counter, ISSUE_COUNTER)
        return (counter.value if counter else 0) + 1


def _watch_figures(
    store: Store, actor: Actor, as_of: dt.date, request: BriefRequest
) -> WatchFigures:
    result = watch.watch_list(store, actor, as_of=as_of)
    persons = tuple(
        WatchPersonRow(p.name, p.unit, p.position, p.leads, p.criteria, "；".join(p.reasons))
        for p in result.persons[: request.list_limit]
    )
    noted = [u for u in result.units if u.watched_persons or u.confirmed_anomalies]
    units = tuple(
        WatchUnitRow(
            u.name,
            u.type,
            u.leads,
            u.concluded,
            u.substantiated,
            u.substantiated_rate,
            u.confirmed_anomalies,
            u.suspected_anomalies,
            u.watched_persons,
        )
        for u in noted[: request.top_units]
    )
    return WatchFigures(dict(result.thresholds), len(result.persons), persons, len(noted), units)


def _confirmed(store: Store, actor: Actor, limit: int) -> tuple[int, tuple[ConfirmedAnomaly, ...]]:
    query = review.AnomalyQuery(state="confirmed")
    count = review.count_anomalies(store, actor, query)
    rows = review.list_anomalies(store, actor, query, limit=limit) if limit else []
    return count, tuple(
        ConfirmedAnomaly(
            r.id,
            r.case_no,
            r.agency,
            r.officer,
            r.kind,
            r.rule_id,
            r.explanation,
            r.reviewer,
            r.reason,
            r.decided_at.astimezone().date() if r.decided_at else None,
        )
        for r in rows
    )


@diagnostics.logged("brief figures")
def compute(
    store: Store,
    actor: Actor,
    request: BriefRequest | None = None,
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> Brief:
    """The figures of one issue, computed once (read only: nothing is recorded until a file
    is rendered). Raises PermissionDenied, ValidationError or BriefCancelled."""
    request = request or BriefRequest()
    require(actor, "brief.generate")
    if request.unmask:
        require(actor, "reporter.unmask")
    problems = _request_problems(request)
    started = utcnow()
    steps = 6
    done = 0

    def step() -> None:
        nonlocal done
        _check(cancel)
        done += 1
        if progress is not None:
            progress(done, steps)

    today = clock.today()
    with store.read() as session:
        cfg = settings_mod.load(session)
        try:
            period = figures.resolve_period(
                request.start,
                request.end,
                request.as_of,
                campaign_start=cfg.campaign_start,
                campaign_end=cfg.campaign_end,
                today=today,
            )
        except ValidationError as exc:  # reported with the request's other problems, at once
            problems = exc.problems | problems
        if problems:
            raise ValidationError(problems)
        c = figures.Conditions(period)
        leads = figures.lead_figures(session, c)
        step()
        parts = figures.breakdowns(session, c, top_units=request.top_units)
        step()
        total, by_kind, by_agency = figures.anomaly_counts(session, top=request.top_units)
        overdue = figures.overdue_list(session, c, limit=request.list_limit)
        appendix = Appendix(request.appendix, figures.count_details(session, c))
        counter = session.get(Counter, ISSUE_COUNTER)
        issue = request.issue or (counter.value if counter else 0) + 1
        step()
    confirmed_count, confirmed = _confirmed(store, actor, request.list_limit)
    anomalies = AnomalyFigures(total, by_kind, by_agency, confirmed_count, confirmed)
    step()
    watch_figures = _watch_figures(store, actor, period.as_of, request)
    step()
    summary = text.summary(
        period,
        leads,
        parts.channel,
        parts.category,
        parts.unit_type,
        parts.result,
        anomalies,
        watch_figures,
    )
    brief = Brief(
        uuid=str(uuid.uuid4()),
        title=cfg.brief_title,
        issue=issue,
        issuing_unit=(request.issuing_unit or "").strip() or cfg.issuing_unit,
        issued_on=request.issued_on or today,
        period=period,
        author=Author(actor.login, actor.display_name),
        generated_at=started,
        masked=not request.unmask,
        copies=request.copies or cfg.brief_copies,
        send_to=tuple(cfg.brief_send_to),
        copy_to=tuple(cfg.brief_copy_to),
        list_limit=request.list_limit,
        summary=summary,
        leads=leads,
        by_channel=parts.channel,
        by_category=parts.category,
        by_unit_type=parts.unit_type,
        by_unit=parts.unit,
        by_status=parts.status,
        by_disposition=parts.disposition,
        by_result=parts.result,
        anomalies=anomalies,
        watch=watch_figures,
        overdue=overdue,
        notes=tuple(request.notes),
        appendix=appendix,
    )
    step()
    return brief


# ---------------------------------------------------------------------------------------------
# Rendering and recording


@contextlib.contextmanager
def _details(store: Store, brief: Brief, cancel: Cancel | None) -> Iterator[Iterator[DetailLead]]:
    """The leads of the brief's period, streamed from one read transaction."""
    with store.read() as session:
        yield figures.iter_details(session, brief.period, masked=brief.masked, cancel=cancel)


def _temporary(path: Path) -> Path:
    if not path.parent.is_dir():
        raise WorkstationError(f"文件夹“{path.parent}”不存在")
    if path.is_dir():
        raise WorkstationError(f"“{path}”是一个文件夹")
    return path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")


def _conflict(session: Any, brief: Brief) -> str | None:
    """Who issued this number after the brief was computed (two authors at once), if anyone."""
    stmt = select(AuditEvent.user, AuditEvent.at, AuditEvent.entity_uuid, AuditEvent.after).where(
        AuditEvent.action == "brief.generate", AuditEvent.at > brief.generated_at
    )
    for user, at, entity, after in session.execute(stmt):
        if entity != brief.uuid and (after or {}).get("issue") == brief.issue:
            when = at.astimezone().strftime("%Y-%m-%d %H:%M")
            return f"第 {brief.issue} 期已由 {user} 于 {when} 生成，请重新生成（期号将顺延）"
    return None


def _record(store: Store, actor: Actor, brief: Brief, file: BriefFile, temporary: Path) -> None:
    """Record the file and move it into place, in one transaction: the issue number counted,
    the audit event written (with the file's SHA-256), and an unmasking logged."""
    target = Path(file.path)
    with store.write() as session:
        conflict = _conflict(session, brief)
        if conflict:
            raise WorkstationError(conflict)
        counter = session.get(Counter, ISSUE_COUNTER)
        if counter is None:
            session.add(Counter(name=ISSUE_COUNTER, value=brief.issue, note="简报期号"))
        else:
            counter.value = max(counter.value, brief.issue)
        p = brief.period
        after = {
            "issue": brief.issue,
            "title": brief.title,
            "period": {"from": p.start, "to": p.end, "as_of": p.as_of},
            "author": {"login": brief.author.login, "display_name": brief.author.display_name},
            "file": {
                "kind": file.kind,
                "name": target.name,
                "sha256": file.sha256,
                "bytes": file.bytes,
            },
            "masked": brief.masked,
            "copies": brief.copies,
            "appendix": {"in_pdf": brief.appendix.in_pdf, "count": brief.appendix.count},
        }
        audit.record(session, actor, "brief.generate", "brief", brief.uuid, after=after)
        if not brief.masked:
            audit.record(
                session,
                actor,
                "reporter.unmask",
                "brief",
                brief.uuid,
                after={"purpose": f"brief.{file.kind}", "issue": brief.issue, "file": target.name},
            )
        temporary.replace(target)


@diagnostics.logged("brief")
def _render(
    store: Store,
    actor: Actor,
    brief: Brief,
    path: str | os.PathLike[str],
    kind: str,
    write: Callable[[Path], dict[str, int]],
) -> BriefFile:
    require(actor, "brief.generate")
    if not brief.masked:
        require(actor, "reporter.unmask")
    target = Path(path).expanduser().resolve()
    temporary = _temporary(target)
    try:
        counts = write(temporary)
        file = BriefFile(
            kind, str(target), audit.file_sha256(temporary), temporary.stat().st_size, **counts
        )
        _record(store, actor, brief, file, temporary)
    except PermissionError as exc:
        raise WorkstationError(
            f"无法写入“{target}”：没有权限，或该文件正被其他程序（如 PDF 阅读器、Excel）打开"
        ) from exc
    except OSError as exc:
        raise WorkstationError(f"无法写入“{target}”：{exc.strerror or exc}") from exc
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()
    return file


def render_pdf(
    store: Store,
    actor: Actor,
    brief: Brief,
    path: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> BriefFile:
    """Write the brief's PDF packet to `path` and record it (audit event "brief.generate" with
    the file's SHA-256; the issue number counted). All or nothing: on failure or cancel no file
    is left and nothing is recorded."""
    from workstation.briefs.pdf import render_pdf as write_pdf

    def write(temporary: Path) -> dict[str, int]:
        with _details(store, brief, cancel) as details:
            pages = write_pdf(brief, temporary, details=details, progress=progress, cancel=cancel)
        return {"pages": pages}

    return _render(store, actor, brief, path, "pdf", write)


def render_xlsx(
    store: Store,
    actor: Actor,
    brief: Brief,
    path: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> BriefFile:
    """Write the brief's Excel workbook to `path` and record it, as render_pdf does."""
    from workstation.briefs.xlsx import render_xlsx as write_xlsx

    def write(temporary: Path) -> dict[str, int]:
        with _details(store, brief, cancel) as details:
            rows = write_xlsx(brief, temporary, details=details, progress=progress, cancel=cancel)
        return {"rows": rows}

    return _render(store, actor, brief, path, "xlsx", write)


class _Phases:
    """One progress bar over several phases of known relative weight."""

    SCALE = 1000

    def __init__(self, progress: Progress | None, weights: list[float]) -> None:
        self.progress = progress
        self.weights = weights
        self.total = sum(weights) or 1.0
        self.index = 0

    def phase(self, index: int) -> Progress:
        start = sum(self.weights[:index]) / self.total
        span = self.weights[index] / self.total

        def report(done: int, total: int) -> None:
            if self.progress is not None and total > 0:
                self.progress(
                    int((start + span * min(done, total) / total) * self.SCALE), self.SCALE
                )

        return report


def generate(
    store: Store,
    actor: Actor,
    request: BriefRequest | None = None,
    *,
    pdf: str | os.PathLike[str] | None = None,
    xlsx: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> BriefOutcome:
    """Compute a brief and render the files asked for (the command line's `brief`)."""
    request = request or BriefRequest()
    phases = _Phases(progress, [1.0, 3.0 if pdf else 0.0, 2.0 if xlsx else 0.0])
    brief = compute(store, actor, request, progress=phases.phase(0), cancel=cancel)
    if pdf and request.appendix:
        phases.weights[1] += brief.appendix.count / 400
    if xlsx:
        phases.weights[2] += brief.appendix.count / 2000
    phases.total = sum(phases.weights)
    files = []
    if pdf:
        files.append(render_pdf(store, actor, brief, pdf, progress=phases.phase(1), cancel=cancel))
    if xlsx:
        files.append(
            render_xlsx(store, actor, brief, xlsx, progress=phases.phase(2), cancel=cancel)
        )
    return BriefOutcome(brief, tuple(files))


def issued(store: Store, actor: Actor) -> list[BriefRecord]:
    """Every brief file issued from this store, newest first (from the audit trail)."""
    require(actor, "brief.generate")
    with store.read() as session:
        stmt = (
            select(AuditEvent.at, AuditEvent.user, AuditEvent.entity_uuid, AuditEvent.after)
            .where(AuditEvent.action == "brief.generate")
            .order_by(AuditEvent.id.desc())
        )
        records = []
        for at, user, entity, after in session.execute(stmt):
            a = after or {}
            period, file = a.get("period", {}), a.get("file", {})
            records.append(
                BriefRecord(
                    at,
                    user,
                    entity or "",
                    int(a.get("issue", 0)),
                    dt.date.fromisoformat(period["from"]),
                    dt.date.fromisoformat(period["to"]),
                    dt.date.fromisoformat(period["as_of"]),
                    file.get("kind", ""),
                    file.get("name", ""),
                    file.get("sha256", ""),
                    bool(a.get("masked", True)),
                    int(a.get("copies") or 1),
                    str(a.get("author", {}).get("display_name") or user),
                    str(a.get("title", "")),
                )
            )
        return records


# ---------------------------------------------------------------------------------------------
# What the desktop's brief dialog starts from, and the archive of issued files


@dataclasses.dataclass(frozen=True)
class BriefDefaults:
    """What a new brief is made with unless its author changes it."""

    title: str
    issue: int
    start: dt.date
    end: dt.date
    as_of: dt.date
    issued_on: dt.date
    issuing_unit: str
    copies: int
    campaign_start: dt.date
    campaign_end: dt.date


def defaults(store: Store, *, today: dt.date | None = None) -> BriefDefaults:
    """The next issue number, the default period (see compute.resolve_period) and the settings
    a brief starts from; nothing here is sensitive, so no role is needed."""
    today = today or clock.today()
    with store.read() as session:
        cfg = settings_mod.load(session)
        counter = session.get(Counter, ISSUE_COUNTER)
    period = figures.resolve_period(
        None,
        None,
        None,
        campaign_start=cfg.campaign_start,
        campaign_end=cfg.campaign_end,
        today=today,
    )
    return BriefDefaults(
        title=cfg.brief_title,
        issue=(counter.value if counter else 0) + 1,
        start=period.start,
        end=period.end,
        as_of=period.as_of,
        issued_on=today,
        issuing_unit=cfg.issuing_unit,
        copies=cfg.brief_copies,
        campaign_start=cfg.campaign_start,
        campaign_end=cfg.campaign_end,
    )


def archive_folder(store: Store) -> Path:
    """Where the desktop keeps the files it issues, so earlier briefs can be opened and copied:
    `briefs/` beside the store file (as backups are), or in the data folder for a server store.
    Created on first use, readable by its owner only."""
    from workstation.paths import data_dir

    base = store.path.parent if store.path is not None else data_dir()
    folder = base / ARCHIVE_DIR
    if not folder.is_dir():
        try:
            folder.mkdir(mode=0o700, parents=True)
        except OSError as exc:
            message = f"无法创建简报存档文件夹“{folder}”：{exc.strerror or exc}"
            raise WorkstationError(message) from exc
    return folder


def archive_name(brief: Brief, kind: str) -> str:
    """The archived file's name: the title and issue, and the brief's own id (one brief may be
    issued under the same number more than once)."""
    return f"{brief.title}第{brief.issue}期_{brief.uuid[:8]}.{kind}"


def file_matches(record: BriefRecord, path: str | os.PathLike[str]) -> bool:
    """Whether the file at `path` is the one issued (same SHA-256 as recorded)."""
    file = Path(path)
    return file.is_file() and audit.file_sha256(file) == record.sha256


def archived_file(store: Store, record: BriefRecord) -> Path:
    """The issued file in the archive, checked against its recorded SHA-256. Raises
    WorkstationError when it is not there (issued on the command line, or moved away) or its
    contents changed since."""
    path = archive_folder(store) / record.name
    if not path.is_file():
        raise WorkstationError(
            f"第 {record.issue} 期简报的文件“{record.name}”不在存档文件夹“{path.parent}”中"
            "（可能由命令行生成，或已被移走）"
        )
    if audit.file_sha256(path) != record.sha256:
        raise WorkstationError(
            f"存档中的“{record.name}”与生成时记录的校验值（SHA-256）不符，文件已被改动"
        )
    return path
