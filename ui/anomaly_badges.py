"""Anomaly badges: small rounded labels (有案不立 / 压案不查 / 有罪不究) in colour and text."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from workstation.vocab import ANOMALY_KIND, ANOMALY_STATE

Index = QModelIndex | QPersistentModelIndex
Badge = tuple[str, str]  # (anomaly kind key, state key)

# One hue per kind, dark enough for white text on it and for coloured text on its tint.
KIND_COLOURS: dict[str, QColor] = {
    "not_filed": QColor("#b45309"),  # amber: a case that never got going
    "suppressed": QColor("#5b3fa8"),  # violet: a case left lying
    "not_prosecuted": QColor("#b42318"),  # red: an offender let go
}
OTHER_COLOUR = QColor("#475467")
H_PADDING = 6
V_PADDING = 2
GAP = 5


def kind_colour(kind: str) -> QColor:
    return KIND_COLOURS.get(kind, OTHER_COLOUR)


def tint(colour: QColor) -> QColor:
    """A pale, opaque version of a badge colour (the colour at 13% on white), for the
    background of a suspected flag: opaque, so it reads the same on a selected row."""
    share = 0.13
    return QColor(
        round(255 * (1 - share) + colour.red() * share),
        round(255 * (1 - share) + colour.green() * share),
        round(255 * (1 - share) + colour.blue() * share),
    )


def kind_label(kind: str) -> str:
    return ANOMALY_KIND.label(kind) if kind in ANOMALY_KIND else kind


def state_label(state: str) -> str:
    return ANOMALY_STATE.label(state) if state in ANOMALY_STATE else state


def describe(badges: Sequence[Badge]) -> str:
    """The badges as text: 有案不立（疑似）、压案不查（已认定）."""
    return "、".join(f"{kind_label(kind)}（{state_label(state)}）" for kind, state in badges)


def badge_font(base: QFont) -> QFont:
    font = QFont(base)
    if font.pointSizeF() > 0:
        font.setPointSizeF(max(font.pointSizeF() * 0.9, 8.0))
    return font


def badge_size(metrics: QFontMetrics, kind: str) -> QSize:
    return QSize(
        metrics.horizontalAdvance(kind_label(kind)) + 2 * H_PADDING,
        metrics.height() + 2 * V_PADDING,
    )


def badges_width(metrics: QFontMetrics, badges: Sequence[Badge]) -> int:
    if not badges:
        return 0
    widths = [badge_size(metrics, kind).width() for kind, _ in badges]
    return sum(widths) + GAP * (len(widths) - 1)


def paint_badge(painter: QPainter, rect: QRect, kind: str, state: str) -> None:
    """One badge filling `rect`: solid for a confirmed flag, outlined on a tint for a suspected
    one, so the two differ in shape as well as in colour."""
    colour = kind_colour(kind)
    box = QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5)
    radius = min(box.height() / 2, 7.0)
    if state == "confirmed":
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        text_colour = QColor("#ffffff")
    else:
        pen = QPen(colour)
        pen.setWidthF(1.0)
        if state != "suspected":  # dismissed or closed: dashed, out of the way
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(tint(colour))
        text_colour = colour
    painter.drawRoundedRect(box, radius, radius)
    painter.setPen(text_colour)
    painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), kind_label(kind))


def paint_badges(painter: QPainter, rect: QRect, badges: Sequence[Badge], font: QFont) -> int:
    """Badges left to right from the left of `rect`, centred vertically; the width used.
    Badges that do not fit are left out (the cell's tooltip lists them all)."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    small = badge_font(font)
    painter.setFont(small)
    metrics = QFontMetrics(small)
    x = rect.left()
    for kind, state in badges:
        size = badge_size(metrics, kind)
        if x + size.width() > rect.right() + 1 and x > rect.left():
            break
        top = rect.top() + (rect.height() - size.height()) // 2
        paint_badge(painter, QRect(x, top, size.width(), size.height()), kind, state)
        x += size.width() + GAP
    painter.restore()
    return max(0, x - GAP - rect.left())


class BadgeDelegate(QStyledItemDelegate):
    """Paints the badges of the model's `role` (a sequence of (kind, state)) in a cell; the cell
    keeps the row's selection and alternate background, and its text stays the display text for
    copying and accessibility."""

    def __init__(self, role: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._role = role

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        badges = index.data(self._role) or ()
        if badges:
            area = opt.rect.adjusted(H_PADDING, 1, -H_PADDING, -1)
            paint_badges(painter, area, badges, opt.font)

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        hint = super().sizeHint(option, index)
        badges = index.data(self._role) or ()
        metrics = QFontMetrics(badge_font(option.font))
        width = badges_width(metrics, badges) + 2 * H_PADDING
        return QSize(max(hint.width(), width), hint.height())
