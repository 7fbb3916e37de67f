"""One anomaly flag, explained: its kind, the rule and the rule's Chinese explanation, its
state and the decision on it (who, when, why)."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ui.anomaly_badges import state_label
from ui.case_detail import MUTED, badge_html, long_date, moment
from workstation.rules import get_rule
from workstation.services.review import MANUAL, AnomalyRow


def _e(text: object) -> str:
    return html.escape(str(text))


class FlagPanel(QFrame):
    """Read-only. `show_flag(flag, others)` shows a flag and the case's other flags;
    `show_message(text)` replaces it all with one calm sentence (e.g. an empty queue)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("flagPanel")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._flag: AnomalyRow | None = None

        def label(name: str, *, rich: bool = True) -> QLabel:
            widget = QLabel(self)
            widget.setObjectName(name)
            widget.setWordWrap(True)
            widget.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
            widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            widget.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
            return widget

        self.title_label = label("flagTitle")
        self.rule_label = label("flagRule")
        self.explanation_label = label("flagExplanation", rich=False)
        font = self.explanation_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.explanation_label.setFont(font)
        self.explanation_label.setContentsMargins(12, 10, 12, 10)
        self.explanation_label.setStyleSheet(
            "QLabel#flagExplanation { background: #f9fafb; border-left: 3px solid #d0d5dd; }"
        )
        self.as_of_label = label("flagAsOf")
        self.decision_label = label("flagDecision")
        self.others_label = label("flagOthers")
        self.message_label = label("flagMessage", rich=False)
        self.message_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        message_font = self.message_label.font()
        message_font.setPointSizeF(message_font.pointSizeF() * 1.15)
        self.message_label.setFont(message_font)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        for widget in (
            self.title_label,
            self.rule_label,
            self.explanation_label,
            self.as_of_label,
            self.decision_label,
            self.others_label,
            self.message_label,
        ):
            layout.addWidget(widget)
        self.show_message("")

    @property
    def flag(self) -> AnomalyRow | None:
        return self._flag

    def explanation_text(self) -> str:
        return self.explanation_label.text() if self._flag is not None else ""

    def message_text(self) -> str:
        return self.message_label.text() if self._flag is None else ""

    def show_message(self, text: str) -> None:
        self._flag = None
        for widget in self._flag_widgets():
            widget.hide()
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    def _flag_widgets(self) -> tuple[QLabel, ...]:
        return (
            self.title_label,
            self.rule_label,
            self.explanation_label,
            self.as_of_label,
            self.decision_label,
            self.others_label,
        )

    def show_flag(self, flag: AnomalyRow, others: Sequence[AnomalyRow] = ()) -> None:
        self._flag = flag
        self.message_label.hide()
        self.title_label.setText(
            f'<span style="font-size:large;">{badge_html(flag.kind, flag.state)}</span>'
            f'&nbsp;&nbsp;<span style="font-size:large; font-weight:600;">'
            f"{_e(state_label(flag.state))}</span>"
            f'<span style="color:{MUTED};">&nbsp;&nbsp;#{flag.id}</span>'
        )
        if flag.rule_id == MANUAL:
            rule_text = self.tr("Marked by a reviewer")
        else:
            rule = get_rule(flag.rule_id)
            title = rule.title if rule is not None else ""
            rule_text = self.tr("Rule {rule}: {title}").format(rule=flag.rule_id, title=title)
        self.rule_label.setText(f'<span style="color:{MUTED};">{_e(rule_text)}</span>')
        self.explanation_label.setText(flag.explanation)
        if flag.as_of is not None and flag.rule_id != MANUAL:
            self.as_of_label.setText(
                f'<span style="color:{MUTED};">'
                + _e(self.tr("As of the scan of {date}").format(date=long_date(flag.as_of)))
                + "</span>"
            )
        else:
            self.as_of_label.setText("")
        self.as_of_label.setVisible(bool(self.as_of_label.text()))
        self.decision_label.setText(self._decision(flag))
        self.decision_label.setVisible(bool(self.decision_label.text()))
        self.others_label.setText(self._others(flag, others))
        self.others_label.setVisible(bool(self.others_label.text()))
        for widget in (self.title_label, self.rule_label, self.explanation_label):
            widget.show()

    def _decision(self, flag: AnomalyRow) -> str:
        if flag.state in ("confirmed", "dismissed") and flag.reviewer:
            head = self.tr("{state} by {user} on {time}").format(
                state=state_label(flag.state), user=flag.reviewer, time=moment(flag.decided_at)
            )
            reason = self.tr("Reason: {reason}").format(reason=flag.reason or "")
            return f"<b>{_e(head)}</b><br>{_e(reason)}"
        if flag.state == "closed":
            closed = self.tr("Closed automatically on {time}: {reason}").format(
                time=moment(flag.closed_at), reason=flag.reason or ""
            )
            return f'<span style="color:{MUTED};">{_e(closed)}</span>'
        return ""

    def _others(self, flag: AnomalyRow, others: Sequence[AnomalyRow]) -> str:
        rest = [o for o in others if o.id != flag.id]
        if not rest:
            return ""
        manual = self.tr("manual")
        lines = [
            f"{badge_html(o.kind, o.state)}&nbsp; {_e(state_label(o.state))} · "
            f"{_e(manual if o.rule_id == MANUAL else o.rule_id)} · #{o.id}"
            for o in rest
        ]
        title = self.tr("Other anomalies of this case")
        return f'<span style="color:{MUTED};">{_e(title)}</span><br>' + "<br>".join(lines)
