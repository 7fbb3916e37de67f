"""What a packet carries of each kind of record: its fields (links to other records as UUIDs),
how a value travels as JSON, its natural key, and the Chinese names shown for conflicts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

from sqlalchemy import Date, select
from sqlalchemy.orm import Session

from workstation.models import Anomaly, Case, Lead, Person, Unit
from workstation.models.base import UTCDateTime
from workstation.vocab import (
    ANOMALY_KIND,
    ANOMALY_STATE,
    CASE_KIND,
    CATEGORY,
    CHANNEL,
    DISPOSITION,
    LEAD_STATUS,
    PROCURATORATE_DECISION,
    RESULT,
    UNIT_TYPE,
    Vocabulary,
    normalise,
)


@dataclasses.dataclass(frozen=True)
class Field:
    name: str  # as carried in packets
    column: str  # the model's attribute
    label: str
    ref: str | None = None  # the kind of record a link points to
    vocab: Vocabulary | None = None
    # Fields that follow others (import keys, who/when stamps): both sides' concurrent values
    # are settled by the larger dot, never asked of a reviewer.
    derived: bool = False


_STAMPS = (
    Field("created_at", "created_at", "创建时间", derived=True),
    Field("created_by", "created_by", "创建人", derived=True),
    Field("updated_by", "updated_by", "修改人", derived=True),
)


@dataclasses.dataclass(frozen=True)
class Spec:
    name: str
    model: Any
    label: str
    fields: tuple[Field, ...]
    keyed_by_name: bool = False  # name_key follows name (units, persons)

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def refs(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.ref)


UNIT = Spec(
    "unit",
    Unit,
    "单位",
    (
        Field("name", "name", "单位名称"),
        Field("type", "type", "单位类型", vocab=UNIT_TYPE),
        Field("parent", "parent_id", "上级单位", ref="unit"),
        *_STAMPS,
    ),
    keyed_by_name=True,
)
PERSON = Spec(
    "person",
    Person,
    "人员",
    (
        Field("name", "name", "姓名"),
        Field("unit", "unit_id", "所在单位", ref="unit"),
        Field("position", "position", "职务"),
        Field("badge_no", "badge_no", "警号"),
        *_STAMPS,
    ),
    keyed_by_name=True,
)
CASE = Spec(
    "case",
    Case,
    "案件",
    (
        Field("case_no", "case_no", "案号"),
        Field("agency", "agency_id", "办案单位", ref="unit"),
        Field("kind", "kind", "案件类型", vocab=CASE_KIND),
        Field("cause", "cause", "案由"),
        Field("complainant", "complainant", "报案人"),
        Field("accepted_on", "accepted_on", "受案日期"),
        Field("filed_on", "filed_on", "立案日期"),
        Field("not_filed_on", "not_filed_on", "不予立案日期"),
        Field("withdrawn_on", "withdrawn_on", "撤案日期"),
        Field("prosecuted_on", "prosecuted_on", "移送审查起诉日期"),
        Field("closed_on", "closed_on", "结案日期"),
        Field("suspect_identified", "suspect_identified", "嫌疑人已明确"),
        Field(
            "procuratorate_decision",
            "procuratorate_decision",
            "检察机关决定",
            vocab=PROCURATORATE_DECISION,
        ),
        Field("last_activity_on", "last_activity_on", "最近办案活动日期"),
        Field("complex", "complex", "重大复杂"),
        Field("amount_fen", "amount_fen", "涉案金额（分）"),
        Field("officer", "officer_id", "承办人", ref="person"),
        Field("extra", "extra", "其他列"),
        *_STAMPS,
    ),
)
LEAD = Spec(
    "lead",
    Lead,
    "线索",
    (
        Field("ref", "ref", "线索编号"),
        Field("received_on", "received_on", "受理时间"),
        Field("channel", "channel", "来源渠道", vocab=CHANNEL),
        Field("reporter_name", "reporter_name", "反映人"),
        Field("reporter_phone", "reporter_phone", "联系电话"),
        Field("anonymous", "anonymous", "是否匿名"),
        Field("subject", "subject_person_id", "被反映人", ref="person"),
        Field("subject_unit", "subject_unit_id", "被反映人单位", ref="unit"),
        Field("category", "category", "问题类别", vocab=CATEGORY),
        Field("summary", "summary", "主要问题"),
        Field("case_no", "case_no", "关联案号"),
        Field("status", "status", "办理状态", vocab=LEAD_STATUS),
        Field("disposition", "disposition", "处置方式", vocab=DISPOSITION),
        Field("result", "result", "核查结论", vocab=RESULT),
        Field("handler_unit", "handler_unit_id", "承办单位", ref="unit"),
        Field("due_on", "due_on", "办理期限"),
        Field("concluded_on", "concluded_on", "办结日期"),
        Field("repeat_of", "repeat_of_id", "重复件原件", ref="lead"),
        Field("extra", "extra", "其他列"),
        Field("fingerprint", "fingerprint", "导入识别码", derived=True),
        Field("repeat_key", "repeat_key", "重复件识别码", derived=True),
        *_STAMPS,
    ),
)
ANOMALY = Spec(
    "anomaly",
    Anomaly,
    "案件异常",
    (
        Field("case", "case_id", "案件", ref="case"),
        Field("kind", "kind", "异常类型", vocab=ANOMALY_KIND),
        Field("rule_id", "rule_id", "规则"),
        Field("state", "state", "状态", vocab=ANOMALY_STATE),
        Field("explanation", "explanation", "说明"),
        Field("as_of", "as_of", "计算日期"),
        Field("facts", "facts", "规则所读事实"),
        Field("facts_hash", "facts_hash", "事实摘要", derived=True),
        Field("reviewer", "reviewer", "评查人"),
        Field("reason", "reason", "理由"),
        Field("decided_at", "decided_at", "决定时间"),
        Field("closed_at", "closed_at", "关闭时间"),
        *_STAMPS,
    ),
)

# In dependency order: a record's links point to kinds before it (or to its own kind).
SPECS: tuple[Spec, ...] = (UNIT, PERSON, CASE, LEAD, ANOMALY)
BY_NAME = {s.name: s for s in SPECS}
MODELS = {s.name: s.model for s in SPECS}


def _column_kind(spec: Spec, field: Field) -> str:
    column = spec.model.__table__.c[field.column]
    if isinstance(column.type, UTCDateTime):
        return "datetime"
    if isinstance(column.type, Date):
        return "date"
    return "plain"


_KINDS = {(s.name, f.name): _column_kind(s, f) for s in SPECS for f in s.fields}


def encode(spec: Spec, field: Field, value: Any) -> Any:
    """A column's value as it travels (JSON): dates ISO, moments ISO in UTC."""
    if value is None:
        return None
    kind = _KINDS[(spec.name, field.name)]
    if kind == "datetime":
        return value.astimezone(dt.UTC).isoformat()
    if kind == "date":
        return value.isoformat()
    return value


def decode(spec: Spec, field: Field, value: Any) -> Any:
    if value is None:
        return None
    kind = _KINDS[(spec.name, field.name)]
    if kind == "datetime":
        moment = dt.datetime.fromisoformat(value)
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    if kind == "date":
        return dt.date.fromisoformat(value)
    return value


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def natural_key(spec: Spec, values: dict[str, Any], ids: Any) -> tuple[Any, ...] | None:
    """The natural key of a record (links given as local UUIDs; `ids(kind, uuid)` turns one
    into a local id): two stores that imported one ledger hold such records under different
    UUIDs. None when the record has no usable key."""
    if spec.name == "unit":
        return (normalise(values["name"]),) if values.get("name") else None
    if spec.name == "person":
        if not values.get("name"):
            return None
        unit_id = ids("unit", values["unit"]) if values.get("unit") else None
        if values.get("unit") and unit_id is None:
            return None
        return (normalise(values["name"]), unit_id)
    if spec.name == "case":
        agency = ids("unit", values["agency"]) if values.get("agency") else None
        if agency is None or not values.get("case_no"):
            return None
        return (values["case_no"], agency)
    if spec.name == "lead":
        return (values["ref"],) if values.get("ref") else None
    if spec.name == "anomaly":
        case_id = ids("case", values["case"]) if values.get("case") else None
        if case_id is None:
            return None
        return (case_id, values.get("rule_id"), values.get("kind"))
    return None


_NATURAL_COLUMNS = {
    "unit": ("name_key",),
    "person": ("name_key", "unit_id"),
    "case": ("case_no", "agency_id"),
    "lead": ("ref",),
    "anomaly": ("case_id", "rule_id", "kind"),
}


def natural_lookup(
    session: Session, spec: Spec, keys: list[tuple[Any, ...]]
) -> dict[tuple[Any, ...], tuple[str, str | None]]:
    """The local records having these natural keys: key → (UUID, fingerprint) (the oldest
    record of a key; the fingerprint of a lead, which tells whether two leads of one reference
    number are one lead, else None)."""
    model = spec.model
    names = _NATURAL_COLUMNS[spec.name]
    columns = [getattr(model, n) for n in names]
    extra = model.fingerprint if spec.name == "lead" else None
    firsts = sorted({k[0] for k in keys}, key=str)
    found: dict[tuple[Any, ...], tuple[str, str | None]] = {}
    for start in range(0, len(firsts), 500):
        part = firsts[start : start + 500]
        picked = [*columns, model.uuid] + ([extra] if extra is not None else [])
        stmt = select(*picked).where(columns[0].in_(part)).order_by(model.id)
        for row in session.execute(stmt):
            fingerprint = row[len(names) + 1] if extra is not None else None
            found.setdefault(tuple(row[: len(names)]), (row[len(names)], fingerprint))
    return found


def record_label(session: Session, spec: Spec, uuid: str) -> str:
    """How a record is named to people: "线索 XS2021-00001", "案件 东公…号"."""
    model = spec.model
    row = session.scalar(select(model).where(model.uuid == uuid))
    if row is None:
        return f"{spec.label} {uuid[:8]}（已删除）"
    if spec.name == "lead":
        return f"线索 {row.ref}"
    if spec.name == "case":
        return f"案件 {row.case_no}"
    if spec.name in ("unit", "person"):
        return f"{spec.label} {row.name}"
    case_no = row.case.case_no if row.case else ""
    return f"案件 {case_no} 的异常（{_label(ANOMALY_KIND, row.kind)}，{row.rule_id}）"


def _label(vocab: Vocabulary, key: str) -> str:
    try:
        return vocab.label(key)
    except KeyError:
        return key


def display(session: Session, spec: Spec, field: Field, value: Any) -> str | None:
    """A carried value as people read it: vocabulary labels, names of linked records."""
    if value is None:
        return None
    if field.vocab is not None and isinstance(value, str):
        return _label(field.vocab, value)
    if field.ref:
        target = BY_NAME[field.ref]
        row = session.scalar(select(target.model).where(target.model.uuid == value))
        if row is None:
            return f"（{target.label} {str(value)[:8]}）"
        if target.name == "lead":
            return str(row.ref)
        if target.name == "case":
            return str(row.case_no)
        return str(row.name)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (dict, list)):
        return dumps(value)
    return str(value)
