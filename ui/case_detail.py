"""A case's facts, flags and history, as a calm read-only page (shared by cases and review)."""

from __future__ import annotations

import datetime as dt
import decimal
import html
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QTextBrowser, QWidget

from ui.anomaly_badges import kind_colour, kind_label, state_label, tint
from workstation.services.cases import CaseRow
from workstation.services.review import MANUAL, AnomalyRow, CaseHistory, HistoryEntry
from workstation.vocab import CASE_KIND, PROCURATORATE_DECISION

MUTED = "#667085"
INK = "#1d2939"
RULE_LINE = "#eaecf0"


def long_date(day: dt.date | None) -> str:
    """A date in prose, as users write it (2021年3月5日 in Chinese)."""
    if day is None:
        return ""
    return QCoreApplication.translate("CaseDetail", "{month}/{day}/{year}").format(
        year=day.year, month=day.month, day=day.day
    )


def moment(at: dt.datetime | None) -> str:
    """A recorded time, in local time, to the minute."""
    if at is None:
        return ""
    return at.astimezone().strftime("%Y-%m-%d %H:%M")


def badge_html(kind: str, state: str) -> str:
    """A badge in rich text: the same colours as the painted ones (solid when confirmed)."""
    colour = kind_colour(kind)
    if state == "confirmed":
        style = f"background-color:{colour.name()}; color:#ffffff;"
    else:
        style = f"background-color:{tint(colour).name()}; color:{colour.name()};"
    return f'<span style="{style}">&nbsp;{html.escape(kind_label(kind))}&nbsp;</span>'


def _e(text: object) -> str:
    return html.escape(str(text))


class CaseDetail(QTextBrowser):
    """Read-only: a case's heading, its facts, its flags and its history in time order.

    Call `show_history(history)` with services.review.case_history's result, or
    `show_message(text)` when there is no case to show."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caseDetail")
        self.setOpenLinks(False)
        self.setFrameShape(QTextBrowser.Shape.NoFrame)
        self.document().setDocumentMargin(14)
        self._history: CaseHistory | None = None
        self.show_message(self.tr("Select a case to see its facts and history."))

    @property
    def history(self) -> CaseHistory | None:
        return self._history

    def show_message(self, text: str) -> None:
        self._history = None
        self.setHtml(f'<p style="color:{MUTED}; margin-top:24px;" align="center">{_e(text)}</p>')

    def show_history(
        self, history: CaseHistory, *, with_flags: bool = True, with_history: bool = True
    ) -> None:
        self._history = history
        parts = [self._heading(history.case), self._facts(history.case)]
        if with_flags:
            parts.append(self._flags(history.flags))
        if with_history:
            parts.append(self._timeline(history.entries))
        self.setHtml(f'<div style="color:{INK};">{"".join(parts)}</div>')

    # --- sections ------------------------------------------------------------------------------

    def _section(self, title: str) -> str:
        return (
            f'<p style="margin-top:16px; margin-bottom:6px; color:{MUTED}; font-weight:600;">'
            f"{_e(title)}</p>"
        )

    def _heading(self, case: CaseRow) -> str:
        kind = CASE_KIND.label(case.kind) if case.kind in CASE_KIND else case.kind
        subtitle = " · ".join(_e(part) for part in (case.agency, kind, case.cause) if part)
        return (
            f'<p style="font-size:large; font-weight:600; margin-bottom:2px;">'
            f"{_e(case.case_no)}</p>"
            f'<p style="color:{MUTED}; margin-top:0;">{subtitle}</p>'
        )

    def _facts(self, case: CaseRow) -> str:
        yes, no = self.tr("Yes"), self.tr("No")
        decision = ""
        if case.procuratorate_decision:
            decision = (
                PROCURATORATE_DECISION.label(case.procuratorate_decision)
                if case.procuratorate_decision in PROCURATORATE_DECISION
                else case.procuratorate_decision
            )
        amount = ""
        if case.amount is not None:
            amount = self.tr("{amount} yuan").format(amount=_money(case.amount))
        rows: list[tuple[str, str]] = [
            (self.tr("Accepted"), long_date(case.accepted_on)),
            (self.tr("Filed"), long_date(case.filed_on)),
            (self.tr("Not filed"), long_date(case.not_filed_on)),
            (self.tr("Withdrawn"), long_date(case.withdrawn_on)),
            (self.tr("Sent for prosecution"), long_date(case.prosecuted_on)),
            (self.tr("Closed"), long_date(case.closed_on)),
            (self.tr("Last activity"), long_date(case.last_activity_on)),
            (self.tr("Suspect identified"), yes if case.suspect_identified else no),
            (self.tr("Procuratorate decision"), decision),
            (self.tr("Major or complex"), yes if case.complex else no),
            (self.tr("Amount involved"), amount),
            (self.tr("Officer"), case.officer or ""),
            (self.tr("Complainant"), case.complainant or ""),
        ]
        cells = "".join(
            f'<tr><td style="color:{MUTED}; padding:3px 16px 3px 0;">{_e(label)}</td>'
            f'<td style="padding:3px 0;">{_e(value)}</td></tr>'
            for label, value in rows
            if value
        )
        return self._section(self.tr("Facts")) + f'<table cellspacing="0">{cells}</table>'

    def _flags(self, flags: Sequence[AnomalyRow]) -> str:
        out = self._section(self.tr("Anomalies"))
        if not flags:
            none = self.tr("None recorded.")
            return out + f'<p style="color:{MUTED};">{_e(none)}</p>'
        for flag in flags:
            rule = self.tr("manual") if flag.rule_id == MANUAL else flag.rule_id
            line = (
                f"{badge_html(flag.kind, flag.state)}&nbsp; <b>{_e(state_label(flag.state))}</b>"
                f'<span style="color:{MUTED};">&nbsp; #{flag.id} · {_e(rule)}</span>'
            )
            out += f'<p style="margin-bottom:2px;">{line}</p>'
            out += f'<p style="margin-top:0; margin-left:4px;">{_e(flag.explanation)}</p>'
            if flag.reviewer and flag.decided_at and flag.state in ("confirmed", "dismissed"):
                by = self.tr("{user}, {time}: {reason}").format(
                    user=flag.reviewer, time=moment(flag.decided_at), reason=flag.reason or ""
                )
                out += f'<p style="margin-top:0; margin-left:4px; color:{MUTED};">{_e(by)}</p>'
        return out

    def _timeline(self, entries: Sequence[HistoryEntry]) -> str:
        sources = {
            "fact": self.tr("Case"),
            "lead": self.tr("Lead"),
            "edit": self.tr("Edit"),
            "flag": self.tr("Scan"),
            "decision": self.tr("Review"),
            "scan": self.tr("Scan"),
        }
        rows = []
        for entry in entries:
            who = entry.user or ""
            rows.append(
                f'<tr><td style="color:{MUTED}; padding:4px 12px 4px 0; white-space:nowrap;">'
                f"{entry.on.isoformat()}</td>"
                f'<td style="color:{MUTED}; padding:4px 12px 4px 0; white-space:nowrap;">'
                f"{_e(sources.get(entry.source, entry.source))}</td>"
                f'<td width="100%" style="padding:4px 12px 4px 0;">{_e(entry.text)}</td>'
                f'<td style="color:{MUTED}; padding:4px 0; white-space:nowrap;">{_e(who)}</td>'
                "</tr>"
            )
        body = "".join(rows)
        return (
            self._section(self.tr("History"))
            + f'<table cellspacing="0" width="100%" style="border-color:{RULE_LINE};">'
            + f"{body}</table>"
        )


def _money(amount: decimal.Decimal) -> str:
    return f"{amount:,.2f}"
