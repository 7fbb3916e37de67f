"""A leads ledger's rows → lead values, with the field and record rules of services.leads."""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Mapping
from typing import Any, cast

from workstation.importing import values as conv
from workstation.importing.headers import Column
from workstation.models import Lead
from workstation.services import leads as lead_service
from workstation.services.fingerprints import fold, lead_fingerprint, lead_repeat_key, name_key
from workstation.vocab import CHANNEL, DISPOSITION, LEAD_STATUS, RESULT

KIND = "leads"
LABELS: Mapping[str, str] = lead_service.LABELS
REQUIRED = ("received_on", "summary")


def converters(column: Column, today: dt.date) -> conv.Converter:
    """How to read the cells of a column mapped to a lead field."""
    field = column.field
    assert field is not None
    label = LABELS[field]
    if field in ("received_on", "concluded_on"):
        return conv.date(field, label, today=today)
    if field == "due_on":
        return conv.date(field, label, today=None)
    if field == "channel":
        return conv.vocab(field, label, CHANNEL, loose=True)
    if field == "category":
        return conv.category(field, label)
    if field == "status":
        return conv.vocab(field, label, LEAD_STATUS)
    if field == "disposition":
        return conv.vocab(field, label, DISPOSITION)
    if field == "result":
        return conv.vocab(field, label, RESULT)
    if field == "reporter_phone":
        return conv.phone(field, label)
    if field == "anonymous":
        return conv.boolean(field, label)
    max_len = {"ref": 64, "summary": 20_000, "subject_unit": 200, "handler_unit": 200}
    return conv.text(field, label, max_len.get(field, 100))


_ANONYMOUS_NAMES = frozenset({"匿名", "匿名举报", "匿名来信", "匿名来电", "不愿透露姓名", "未署名"})


def check(values: dict[str, Any], problems: dict[str, str]) -> None:
    """The record rules of services.leads (required fields, dates in order, concluded leads);
    `values` holds every field of LABELS.

    A reporter written as 匿名 means an anonymous lead, not a person called 匿名."""
    if values["reporter_name"] in _ANONYMOUS_NAMES and not values["anonymous"]:
        values["reporter_name"] = None
        values["anonymous"] = True
    record = types.SimpleNamespace(**values)
    record.status = record.status or "new"
    record.anonymous = bool(record.anonymous)
    record.summary = record.summary or ""
    lead_service.check_record(cast(Lead, record), problems)


def keys(values: Mapping[str, Any]) -> tuple[str, str | None]:
    """(fingerprint, repeat key) of a valid row."""
    subject = name_key(values["subject"]) or None
    unit = name_key(values["subject_unit"]) or None
    summary = fold(values["summary"])
    channel = values["channel"] or "other"
    return (
        lead_fingerprint(values["received_on"], channel, subject, unit, summary),
        lead_repeat_key(subject, unit, summary),
    )
