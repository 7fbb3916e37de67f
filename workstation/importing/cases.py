"""A case ledger's rows → case values, with the field and record rules of services.cases."""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Mapping
from typing import Any, cast

from workstation.importing import values as conv
from workstation.importing.headers import Column
from workstation.models import Case
from workstation.services import cases as case_service
from workstation.services.fingerprints import case_no_key
from workstation.vocab import CASE_KIND, PROCURATORATE_DECISION, normalise

KIND = "cases"
LABELS: Mapping[str, str] = case_service.LABELS
REQUIRED = ("case_no", "agency", "accepted_on")
DATE_FIELDS = case_service.DATE_FIELDS
# The facts a ledger carries about a case, compared on re-import (names resolved to text).
FACTS = (
    "kind", "cause", "complainant", *DATE_FIELDS, "suspect_identified",
    "procuratorate_decision", "complex", "amount_fen", "officer",
)  # fmt: skip


def converters(column: Column, today: dt.date) -> conv.Converter:
    """How to read the cells of a column mapped to a case field."""
    field = column.field
    assert field is not None
    label = LABELS[field]
    if field in DATE_FIELDS:
        return conv.date(field, label, today=today)
    if field == "kind":
        return conv.vocab(field, label, CASE_KIND, loose=True)
    if field == "procuratorate_decision":
        return conv.vocab(field, label, PROCURATORATE_DECISION, loose=True)
    if field in ("suspect_identified", "complex"):
        return conv.boolean(field, label)
    if field == "amount":
        return conv.amount(field, label, scale=column.scale)
    max_len = {"case_no": 100, "officer": 100}
    return conv.text(field, label, max_len.get(field, 200))


def check(values: dict[str, Any], problems: dict[str, str]) -> None:
    """The record rules of services.cases (required fields, dates in order), agency required."""
    if not values["agency"]:
        problems.setdefault("agency", "办案单位不能为空")
    case_service.check_record(cast(Case, types.SimpleNamespace(**values)), problems)


def facts(values: Mapping[str, Any]) -> dict[str, Any]:
    """A row's facts in stored form (defaults applied), to insert or to compare with the store."""
    out = {name: values.get(name) for name in FACTS if name != "amount_fen"}
    out["kind"] = out["kind"] or "criminal"
    out["suspect_identified"] = bool(out["suspect_identified"])
    out["complex"] = bool(out["complex"])
    out["amount_fen"] = values.get("amount")
    return out


def identity(values: Mapping[str, Any]) -> tuple[str, str]:
    """(agency name key, case number key): the case a row is about."""
    return normalise(values["agency"]), case_no_key(values["case_no"])
