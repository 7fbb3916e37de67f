"""The known store of the brief tests: its leads, cases and flags, and the brief asked of it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path
from typing import Any

from workstation.briefs.model import Brief, NoteSection
from workstation.services import briefs, cases, leads, review
from workstation.services.auth import IMPLICIT_ADMIN, Actor
from workstation.store import Store, open_store

TODAY = dt.date(2021, 7, 20)
AS_OF = dt.date(2021, 6, 30)
START = dt.date(2021, 6, 1)
LONG_UNIT = "江州市东湖区人民法院城关人民法庭执行局第一执行团队综合事务组（临时抽调人员办公室）"
HOSTILE_SUMMARY = '=HYPERLINK("http://example.invalid/x","点这里查看")'
NOTES = (
    NoteSection("典型问题", ("个别派出所对群众报案不及时受理，存在有案不立问题。",)),
    NoteSection("下步工作", ("一是加快线索核查进度。", "二是对逾期线索逐件督办。")),
)


def lead(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "received_on": "2021-03-01",
        "channel": "phone",
        "category": "interference",
        "summary": "反映民警违规插手经济纠纷。",
        "subject": "张三",
        "subject_position": "民警",
        "subject_unit": "江州市公安局东湖分局城关派出所",
        "reporter_name": "李四",
        "reporter_phone": "13812341234",
    }
    base.update(fields)
    return base


# Leads of the known store. As of 2021-06-30, period 2021-06-01..06-30:
#   total 7 (L8 comes after the as-of date), new 4 (L4-L7), concluded 3 (L1, L2, L5),
#   concluded in the period 2 (L2, L5), transferred 1 (L6), open 3 (L3, L4, L7),
#   overdue 2 (L3 due 05-01, L7 shelved and due 06-25), substantiated 2 of 3.
KNOWN_LEADS = (
    lead(status="concluded", result="substantiated", concluded_on="2021-04-01",
         disposition="preliminary_check"),
    lead(received_on="2021-03-05", channel="letter", category="business", status="concluded",
         result="partly", concluded_on="2021-06-10", disposition="talk_inquiry"),
    lead(received_on="2021-04-01", category="case_handling", subject="王五",
         subject_unit="江州市东湖区人民法院", status="verifying", disposition="preliminary_check"),
    lead(received_on="2021-06-05", channel="online", category="other", subject="赵六",
         subject_unit=LONG_UNIT, status="new", reporter_name=None, reporter_phone=None,
         anonymous=True),
    lead(received_on="2021-06-10", subject="钱七", subject_unit="江州市东湖区人民检察院",
         status="concluded", result="unsubstantiated", concluded_on="2021-06-20",
         disposition="close"),
    lead(received_on="2021-06-15", channel="email", category="other", subject=None,
         subject_position=None, subject_unit=None, status="transferred", disposition="transfer"),
    lead(received_on="2021-06-20", channel="visit", category="business", status="shelved",
         due_on="2021-06-25", disposition="shelve", summary=HOSTILE_SUMMARY, subject="@SUM(A1)",
         reporter_name="-王", reporter_phone="+86 13900001111"),
    lead(received_on="2021-07-05", channel="phone"),
)  # fmt: skip


def build_known_store(path: Path | str) -> Store:
    store = open_store(path, create=True)
    admin = IMPLICIT_ADMIN
    for fields in KNOWN_LEADS:
        leads.create_lead(store, admin, fields, today=TODAY)
    police = {"agency": "江州市公安局东湖分局", "kind": "刑事", "officer": "刘志强"}
    for fields in (
        police | {"case_no": "东公刑受〔2021〕1号", "accepted_on": "2021-01-04"},
        police | {"case_no": "东公刑立〔2020〕2号", "accepted_on": "2020-01-02",
                  "filed_on": "2020-01-03"},
        {"agency": "江州市东湖区人民检察院", "case_no": "东检刑诉〔2021〕3号",
         "accepted_on": "2021-02-01", "filed_on": "2021-02-02", "prosecuted_on": "2021-03-01",
         "procuratorate_decision": "不起诉"},
    ):  # fmt: skip
        cases.create_case(store, admin, fields, today=TODAY)
    review.scan(store, admin, as_of=AS_OF)
    flags = review.list_anomalies(store, admin)
    by_rule = {f.rule_id: f for f in flags}
    review.confirm(store, admin, by_rule["NP-2"].id, "经评查，不起诉决定理由不充分")
    review.dismiss(store, admin, by_rule["SP-2"].id, "已补充侦查材料")
    return store


REQUEST = briefs.BriefRequest(
    start=START, end=AS_OF, as_of=AS_OF, appendix=True, notes=NOTES, copies=2,
    issued_on=dt.date(2021, 7, 1),
)  # fmt: skip


@dataclasses.dataclass(frozen=True)
class Rendered:
    store: Store
    brief: Brief
    pdf: briefs.BriefFile
    xlsx: briefs.BriefFile
    json: dict[str, Any]


def squeeze(text: str) -> str:
    """Text with all whitespace removed: table cells and wrapped lines come out of a PDF with
    spaces and line breaks wherever the layout put them."""
    return re.sub(r"\s+", "", text)


def actor(role: str) -> Actor:
    return Actor(login=f"{role}1", display_name=f"测试{role}", role=role)
