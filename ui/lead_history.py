"""A lead's audit history as a readable page: when, who, and what changed, before → after."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtWidgets import QTextBrowser, QWidget

from ui.case_detail import INK, MUTED, long_date
from ui.lead_fields import field_labels
from workstation.masking import mask_name, mask_phone
from workstation.services.leads import VOCAB_FIELDS, LeadRow

# Long texts (a summary may run to thousands of characters) are cut in the history.
VALUE_CHARS = 120
CHANGED_COLOUR = "#155eef"


def _e(text: object) -> str:
    return html.escape(str(text))


def _when(at: dt.datetime | str) -> str:
    """An event's time, local, as prose (2021年3月5日 14:03)."""
    if isinstance(at, str):
        at = dt.datetime.fromisoformat(at)
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    local = at.astimezone()
    return f"{long_date(local.date())} {local:%H:%M}"


class LeadHistory(QTextBrowser):
    """Read-only: the audit events of one lead, newest first, with each field's change.

    Reporter identities are masked here whoever reads: the history is not a way around it
    (unmasking is the lead form's logged choice).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("leadHistory")
        self.setOpenLinks(False)
        self.setFrameShape(QTextBrowser.Shape.NoFrame)
        self.document().setDocumentMargin(14)

    def show_message(self, text: str) -> None:
        self.setHtml(f'<p style="color:{MUTED}; margin-top:24px;" align="center">{_e(text)}</p>')

    def show_events(self, row: LeadRow, events: Sequence[Mapping[str, Any]]) -> None:
        labels = field_labels()
        parts: list[str] = []
        for event in reversed(events):
            parts.append(self._event(event, labels))
        if not any(e.get("action") == "lead.create" for e in events):
            parts.append(self._origin(row))
        self.setHtml(f'<div style="color:{INK};">{"".join(parts)}</div>')

    def _heading(self, when: str, user: str, what: str) -> str:
        return (
            f'<p style="margin-top:14px; margin-bottom:4px;"><b>{_e(what)}</b>'
            f'<span style="color:{MUTED};">&nbsp;&nbsp;{_e(when)} · {_e(user)}</span></p>'
        )

    def _event(self, event: Mapping[str, Any], labels: Mapping[str, str]) -> str:
        action = str(event.get("action", ""))
        what = {
            "lead.create": self.tr("Entered"),
            "lead.update": self.tr("Edited"),
            "reporter.unmask": self.tr("Viewed the reporter's identity"),
        }.get(action, action)
        out = self._heading(_when(event["at"]), str(event.get("user") or ""), what)
        if action != "lead.update":
            return out
        before = event.get("before") or {}
        after = event.get("after") or {}
        rows = []
        for name in after:
            old = self.value_text(name, before.get(name))
            new = self.value_text(name, after.get(name))
            rows.append(
                f'<tr><td style="color:{MUTED}; padding:2px 14px 2px 0; white-space:nowrap;">'
                f"{_e(labels.get(name, name))}</td>"
                f'<td style="padding:2px 0;">{_e(old)}'
                f'<span style="color:{MUTED};">&nbsp;→&nbsp;</span>'
                f'<span style="color:{CHANGED_COLOUR};">{_e(new)}</span></td></tr>'
            )
        return out + f'<table cellspacing="0" style="margin-left:12px;">{"".join(rows)}</table>'

    def _origin(self, row: LeadRow) -> str:
        """Leads written by an import carry no event of their own: say where they came from."""
        if row.batch is not None:
            what = self.tr("Imported (batch {batch})").format(batch=row.batch)
        else:
            what = self.tr("Entered")
        return self._heading(_when(row.created_at), row.created_by or "", what)

    def value_text(self, name: str, value: Any) -> str:
        """A stored value as a reader says it: vocabulary labels, 是/否, masked reporters."""
        if value is None or value == "":
            return self.tr("(empty)")
        if name == "anonymous":
            return self.tr("Yes") if value else self.tr("No")
        if name in ("reporter_name", "reporter_phone"):
            # The service masks them already; anything that reaches here unmasked is masked
            # (masking a masked value again would only garble it).
            text = str(value)
            if "*" in text:
                return text
            return (mask_name(text) if name == "reporter_name" else mask_phone(text)) or ""
        vocabulary = VOCAB_FIELDS.get(name)
        if vocabulary is not None and value in vocabulary:
            return vocabulary.label(str(value))
        text = str(value)
        return text if len(text) <= VALUE_CHARS else text[:VALUE_CHARS] + "…"
