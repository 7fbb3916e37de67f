"""Small widgets the import screens share: message lines, count tiles, failure handling."""

from __future__ import annotations

from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMessageBox, QVBoxLayout, QWidget

from workstation.errors import WorkstationError

ERROR_COLOR = "#a61b1b"
OK_COLOR = "#1e6b34"
NOTE_COLOR = "#475467"


def thousands(n: int) -> str:
    return f"{n:,}"


def sentences(parts: list[str]) -> str:
    """Sentences run together as the UI language writes them (no spaces between Chinese ones)."""
    joiner = "" if QLocale().language() == QLocale.Language.Chinese else " "
    return joiner.join(p for p in parts if p)


def row_span(rows: tuple[int, ...]) -> str:
    """Header rows as said in prose: "2" or "2–3"."""
    if not rows:
        return ""
    return str(rows[0]) if rows[0] == rows[-1] else f"{rows[0]}–{rows[-1]}"


def text_label(parent: QWidget, name: str, *, color: str | None = None) -> QLabel:
    """A wrapped, selectable line of text (a message, a hint), optionally coloured."""
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if color is not None:
        set_color(label, color)
    return label


def set_color(label: QLabel, color: str) -> None:
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, color)
    label.setPalette(palette)


def show_message(label: QLabel, text: str, *, error: bool = False, ok: bool = False) -> None:
    set_color(label, ERROR_COLOR if error else OK_COLOR if ok else NOTE_COLOR)
    label.setText(text)
    label.setVisible(bool(text))


def show_failure(label: QLabel, exc: object) -> None:
    """A problem of the user's file or store goes into `label`; a bug goes on to the crash
    handler (sys.excepthook), with its traceback."""
    if isinstance(exc, WorkstationError):
        show_message(label, exc.message, error=True)
        return
    assert isinstance(exc, BaseException)
    raise exc


class Tile(QFrame):
    """A count with its caption, e.g. 128 / 将导入."""

    def __init__(self, caption: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumWidth(120)
        self.value = QLabel("–", self)
        self.value.setObjectName(f"{name}Value")
        font = QFont(self.value.font())
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        self.value.setFont(font)
        self.caption = QLabel(caption, self)
        set_color(self.caption, NOTE_COLOR)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)

    def set_value(self, n: int | str, *, color: str | None = None) -> None:
        self.value.setText(thousands(n) if isinstance(n, int) else n)
        set_color(self.value, color or "#101828")


def tile_row(*tiles: Tile) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setSpacing(10)
    for tile in tiles:
        row.addWidget(tile)
    row.addStretch(1)
    return row


def confirm(parent: QWidget, title: str, text: str, yes: str) -> bool:
    """Ask before something that changes the store; Cancel is the default answer."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    no_button = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(no_button)
    box.exec()
    return box.clickedButton() is yes_button
