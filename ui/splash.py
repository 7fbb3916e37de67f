"""The start-up screen shown while the store is checked, backed up or upgraded before the window."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QFrame, QLabel, QProgressBar, QVBoxLayout, QWidget

from workstation.store.migrate import STAGE_BACKUP, STAGE_MIGRATE

# The integrity check at start, before the stages of opening the store (a backup, a migration).
STAGE_CHECK = "check"


class StageRelay(QObject):
    """Carries stage names from the worker thread to the splash on the GUI thread: `report`
    is safe to call from any thread (a queued signal).

    Signals:
        stage(str): a stage began (STAGE_CHECK, STAGE_BACKUP, STAGE_MIGRATE).
    """

    stage = Signal(str)

    def report(self, stage: str) -> None:
        self.stage.emit(stage)


class StartupSplash(QWidget):
    """A small frameless window with the app's name, what is being done and a busy bar.

    The work runs off the GUI thread (the event loop keeps running), so the splash repaints
    and the desktop never sees a frozen window. `set_stage` changes the message.

    Signals:
        message_changed(str): the message now shown (tests follow the stages with it).
    """

    message_changed = Signal(str)

    def __init__(self, store_name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.SplashScreen | Qt.WindowType.FramelessWindowHint)
        self.setObjectName("startupSplash")
        self.setWindowTitle(self.tr("Case Supervision Workstation"))
        frame = QFrame(self)
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        title = QLabel(self.tr("Case Supervision Workstation"), frame)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        self.message = QLabel(self.tr("Opening the store…"), frame)
        self.message.setObjectName("splashMessage")
        self.detail = QLabel(store_name, frame)
        self.detail.setObjectName("splashDetail")
        self.detail.setWordWrap(True)
        self.detail.setVisible(bool(store_name))
        self.bar = QProgressBar(frame)
        self.bar.setRange(0, 0)  # busy: the stages do not report how far they are
        self.bar.setTextVisible(False)
        inner = QVBoxLayout(frame)
        inner.setContentsMargins(24, 20, 24, 20)
        inner.setSpacing(10)
        inner.addWidget(title)
        inner.addWidget(self.message)
        inner.addWidget(self.detail)
        inner.addWidget(self.bar)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)
        self.setMinimumWidth(420)

    def text(self) -> str:
        return self.message.text()

    @Slot(str)
    def set_stage(self, stage: str) -> None:
        messages = {
            STAGE_CHECK: self.tr("Checking the store…"),
            STAGE_BACKUP: self.tr("Backing up the store…"),
            STAGE_MIGRATE: self.tr("Upgrading the store's structure…"),
        }
        text = messages.get(stage, self.tr("Opening the store…"))
        if text == self.message.text():
            return
        self.message.setText(text)
        self.message_changed.emit(text)

    def show_centred(self) -> None:
        self.adjustSize()
        screen = self.screen()
        if screen is not None:
            area = screen.availableGeometry()
            self.move(area.center() - self.rect().center())
        self.show()
