"""Issuing a brief: the record in the audit trail, issue numbers, unmasking, progress, cancel."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import pytest
from briefs_helpers import AS_OF, REQUEST, START, actor, squeeze
from sqlalchemy import func, select

from workstation.briefs.model import BriefCancelled
from workstation.errors import PermissionDenied, WorkstationError
from workstation.models import AuditEvent, Counter
from workstation.services import briefs
from workstation.services.audit import verify_chain
from workstation.services.auth import IMPLICIT_ADMIN
from workstation.store import Store

AUTO = dataclasses.replace(REQUEST, issue=None, copies=None, appendix=False)


def _events(store: Store, action: str) -> list[AuditEvent]:
    with store.read() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _pdf_text(path: str | Path) -> str:
    from pypdf import PdfReader

    return squeeze("".join(p.extract_text() for p in PdfReader(path).pages))


def test_each_file_is_recorded_with_its_digest(known: Store, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    leader = actor("leader")
    brief = briefs.compute(known, leader, AUTO)
    assert brief.issue == 1
    pdf = briefs.render_pdf(known, leader, brief, out / "a.pdf")
    xlsx = briefs.render_xlsx(known, leader, brief, out / "a.xlsx")
    for file in (pdf, xlsx):
        assert file.sha256 == hashlib.sha256(Path(file.path).read_bytes()).hexdigest()
    events = _events(known, "brief.generate")
    assert [e.after["file"]["sha256"] for e in events] == [pdf.sha256, xlsx.sha256]
    first = events[0]
    assert first.user == "leader1"
    assert first.entity_uuid == brief.uuid
    assert first.after["issue"] == 1
    assert first.after["period"] == {
        "from": "2021-06-01",
        "to": "2021-06-30",
        "as_of": "2021-06-30",
    }
    assert first.after["author"] == {"login": "leader1", "display_name": "测试leader"}
    assert first.after["masked"] is True
    assert verify_chain(known, IMPLICIT_ADMIN).ok
    records = briefs.issued(known, leader)
    assert [(r.kind, r.issue, r.sha256) for r in records] == [
        ("xlsx", 1, xlsx.sha256), ("pdf", 1, pdf.sha256),
    ]  # fmt: skip
    assert {p.name for p in out.iterdir()} == {"a.pdf", "a.xlsx"}  # no temporary left over


def test_issue_numbers_count_per_store_and_can_be_set(known: Store, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    first = briefs.compute(known, IMPLICIT_ADMIN, AUTO)
    briefs.render_xlsx(known, IMPLICIT_ADMIN, first, out / "1.xlsx")
    assert briefs.next_issue(known) == 2
    chosen = briefs.compute(known, IMPLICIT_ADMIN, dataclasses.replace(AUTO, issue=10))
    assert chosen.issue == 10
    briefs.render_xlsx(known, IMPLICIT_ADMIN, chosen, out / "10.xlsx")
    assert briefs.next_issue(known) == 11
    # A reprint of an earlier number does not move the counter back.
    again = briefs.compute(known, IMPLICIT_ADMIN, dataclasses.replace(AUTO, issue=3))
    briefs.render_xlsx(known, IMPLICIT_ADMIN, again, out / "3.xlsx")
    assert briefs.next_issue(known) == 11


def test_two_authors_cannot_issue_the_same_number(known: Store, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    mine = briefs.compute(known, IMPLICIT_ADMIN, AUTO)
    theirs = briefs.compute(known, actor("leader"), AUTO)
    assert mine.issue == theirs.issue == 1
    briefs.render_xlsx(known, actor("leader"), theirs, out / "theirs.xlsx")
    with pytest.raises(WorkstationError, match="第 1 期已由 leader1"):
        briefs.render_xlsx(known, IMPLICIT_ADMIN, mine, out / "mine.xlsx")
    assert not (out / "mine.xlsx").exists()
    assert {p.name for p in out.iterdir()} == {"theirs.xlsx"}


def test_unmasking_is_for_leaders_and_is_audited(known: Store, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    request = dataclasses.replace(AUTO, appendix=True, unmask=True)
    brief = briefs.compute(known, actor("leader"), request)
    with pytest.raises(PermissionDenied):
        briefs.render_pdf(known, actor("inspector"), brief, out / "no.pdf")
    file = briefs.render_pdf(known, actor("leader"), brief, out / "full.pdf")
    text = _pdf_text(file.path)
    assert "李四" in text
    assert "13812341234" in text
    unmasked = _events(known, "reporter.unmask")
    assert len(unmasked) == 1
    assert unmasked[0].user == "leader1"
    assert unmasked[0].entity_uuid == brief.uuid
    assert _events(known, "brief.generate")[0].after["masked"] is False


def test_progress_and_cancel(known: Store, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    seen: list[tuple[int, int]] = []
    outcome = briefs.generate(
        known, IMPLICIT_ADMIN, dataclasses.replace(AUTO, appendix=True),
        pdf=out / "b.pdf", xlsx=out / "b.xlsx",
        progress=lambda done, total: seen.append((done, total)),
    )  # fmt: skip
    assert [f.kind for f in outcome.files] == ["pdf", "xlsx"]
    assert seen
    assert all(0 <= d <= t for d, t in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert seen[-1][0] == seen[-1][1]

    with known.read() as s:
        events_before = s.scalar(select(func.count(AuditEvent.id)))
        counter_before = s.get(Counter, briefs.ISSUE_COUNTER).value
    brief = briefs.compute(known, IMPLICIT_ADMIN, dataclasses.replace(AUTO, appendix=True))
    for render, name in ((briefs.render_pdf, "c.pdf"), (briefs.render_xlsx, "c.xlsx")):
        with pytest.raises(BriefCancelled):
            render(known, IMPLICIT_ADMIN, brief, tmp_path / name, cancel=lambda: True)
        assert not (tmp_path / name).exists()
    with known.read() as s:
        assert s.scalar(select(func.count(AuditEvent.id))) == events_before
        assert s.get(Counter, briefs.ISSUE_COUNTER).value == counter_before
    assert {p.name for p in out.iterdir()} == {"b.pdf", "b.xlsx"}
    with pytest.raises(BriefCancelled):
        briefs.compute(known, IMPLICIT_ADMIN, AUTO, cancel=lambda: True)


def test_an_empty_store_makes_a_brief_of_zeros(store: Store, tmp_path: Path) -> None:
    out = tmp_path
    outcome = briefs.generate(
        store, IMPLICIT_ADMIN, briefs.BriefRequest(appendix=True),
        pdf=out / "e.pdf", xlsx=out / "e.xlsx",
    )  # fmt: skip
    brief = outcome.brief
    assert brief.leads.total == 0
    assert brief.leads.conclusion_rate is None
    assert brief.anomalies.total.total == 0
    text = _pdf_text(out / "e.pdf")
    assert "共受理问题线索0件" in text
    assert "办结率—" in text
    assert "暂未发现" in text


def test_writing_to_a_missing_folder_is_a_clear_error(known: Store, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    brief = briefs.compute(known, IMPLICIT_ADMIN, AUTO)
    with pytest.raises(WorkstationError, match="不存在"):
        briefs.render_pdf(known, IMPLICIT_ADMIN, brief, out / "nope" / "b.pdf")
    assert briefs.next_issue(known) == 1


def test_text_taller_than_a_page_continues_on_the_next(store: Store, tmp_path: Path) -> None:
    from workstation.services import leads

    summary = "".join(f"第{i}句反映某民警违规插手经济纠纷。" for i in range(1, 700))
    assert len(summary) > 10_000
    leads.create_lead(
        store, IMPLICIT_ADMIN,
        {"received_on": "2021-06-01", "summary": summary, "subject_unit": "江州市公安局"},
    )  # fmt: skip
    request = briefs.BriefRequest(start=START, end=AS_OF, as_of=AS_OF, appendix=True)
    outcome = briefs.generate(store, IMPLICIT_ADMIN, request, pdf=tmp_path / "long.pdf")
    assert outcome.files[0].pages > 3
    from pypdf import PdfReader

    from workstation.briefs.pdf import APPENDIX_HEADER

    furniture = ("admin", "内部资料", "工作简报", " 页 共 ")
    kept = [
        line
        for page in PdfReader(tmp_path / "long.pdf").pages
        for line in page.extract_text().splitlines()
        if not any(f in line for f in furniture) and line.strip() not in APPENDIX_HEADER
    ]
    assert squeeze(summary) in squeeze("".join(kept))  # all of it, in order, over the pages
