"""Starting the desktop app: options, fonts, translations, the store (demo on first run)."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, Signal, Slot
from PySide6.QtWidgets import (
    QApplication,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QWidget,
)

from ui import crash, fonts, i18n
from ui.jobs import BackgroundJob, Work, attach_progress_dialog
from ui.main_window import MainWindow
from workstation.errors import WorkstationError
from workstation.paths import APP_NAME, default_store_path
from workstation.services.auth import Actor, needs_login, sign_in
from workstation.store import Store, open_store

ORGANIZATION_NAME = "CaseSupervision"
APPLICATION_NAME = APP_NAME
PASSWORD_ENV = "WORKSTATION_PASSWORD"
SHUTDOWN_WAIT_MS = 30_000


@dataclasses.dataclass(frozen=True)
class DemoSize:
    """The demo data a first run fills a new default store with."""

    leads: int = 2_000
    cases: int = 500
    seed: int = 2021


@dataclasses.dataclass(frozen=True)
class Options:
    db: str | None = None
    data_dir: str | None = None
    user: str | None = None


def parse_args(argv: Sequence[str]) -> Options:
    """The app's own options; anything else (Qt's -platform, -style...) is left to Qt."""
    parser = argparse.ArgumentParser(prog=Path(argv[0]).name if argv else "workstation")
    parser.add_argument("--db", help="store file path or SQLAlchemy URL")
    parser.add_argument("--data-dir", help="data folder holding the default store")
    parser.add_argument("--user", help="login, for a store that has users")
    known, _qt_args = parser.parse_known_args(list(argv[1:]))
    return Options(db=known.db, data_dir=known.data_dir, user=known.user)


def prepare_application(argv: Sequence[str]) -> QApplication:
    """The QApplication with names, font and translators set up; made once, reused after."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(list(argv))
    if app.property("workstation_prepared"):
        return app
    app.setOrganizationName(ORGANIZATION_NAME)
    app.setApplicationName(APPLICATION_NAME)
    fonts.apply_application_font(app)
    # The translators are children of the app, which keeps them alive as long as itself.
    i18n.install_translators(app)
    app.setProperty("workstation_prepared", True)
    return app


def _generate_demo(store: Store, actor: Actor, size: DemoSize) -> Work:
    def work(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> Any:
        from workstation import demo

        return demo.generate(
            store,
            actor,
            leads=size.leads,
            cases=size.cases,
            seed=size.seed,
            progress=progress,
            cancel=cancelled,
        )

    return work


class Startup(QObject):
    """Everything between the command line and the main window, without running the event loop.

    Opens the store named by the options; a default store that does not exist yet is created
    and filled with demo data off the GUI thread, with a progress dialog. Tests drive this
    object directly; `main()` adds only the event loop and the crash dialog.

    Signals:
        ready(object): the MainWindow, shown.
        failed(str): the store could not be opened or filled; the Chinese message.
    """

    ready = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        options: Options,
        *,
        demo_size: DemoSize | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.options = options
        self.demo_size = demo_size or DemoSize()
        self.store: Store | None = None
        self.actor: Actor | None = None
        self.window: MainWindow | None = None
        self.error: str | None = None
        self.demo_job: BackgroundJob | None = None
        self.progress_dialog: QProgressDialog | None = None

    def start(self) -> None:
        try:
            store, created = self._open_store()
        except WorkstationError as exc:
            self._fail(exc.message)
            return
        self.store = store
        if not created:
            self._sign_in_and_show()
            return
        # A new default store: the implicit admin of a single-user store fills it.
        from workstation.services.auth import IMPLICIT_ADMIN

        job = BackgroundJob(_generate_demo(store, IMPLICIT_ADMIN, self.demo_size), self)
        self.demo_job = job
        self.progress_dialog = attach_progress_dialog(
            job,
            cancellable=True,
            label=QCoreApplication.translate(
                "Startup", "Creating the store and its demonstration data (first run)…"
            ),
        )
        job.succeeded.connect(self._on_demo_done)
        job.failed.connect(self._on_demo_failed)
        job.start()

    def _open_store(self) -> tuple[Store, bool]:
        if self.options.db:
            return open_store(self.options.db), False
        path = default_store_path(self.options.data_dir)
        created = not path.exists()
        if created:
            path.parent.mkdir(parents=True, exist_ok=True)
        return open_store(path, create=created), created

    @Slot(object)
    def _on_demo_done(self, _result: object) -> None:
        if self.store is not None:  # else closed meanwhile: nothing to show
            self._sign_in_and_show()

    @Slot(object)
    def _on_demo_failed(self, exc: object) -> None:
        if self.store is None:
            return  # closed meanwhile (quitting): the job was cancelled on purpose
        if self.demo_job is not None and self.demo_job.is_cancelled():
            # Cancelled: generate() left the new store empty; open it as it is.
            self._sign_in_and_show()
            return
        if isinstance(exc, WorkstationError):
            self._fail(exc.message)
            return
        assert isinstance(exc, BaseException)
        # A bug in the core: the crash dialog (sys.excepthook) gets the traceback first.
        sys.excepthook(type(exc), exc, exc.__traceback__)
        self._fail(QCoreApplication.translate("Startup", "Creating the demonstration data failed."))

    def _sign_in_and_show(self) -> None:
        assert self.store is not None
        try:
            self.actor = self._sign_in(self.store)
        except WorkstationError as exc:
            self._fail(exc.message)
            return
        self.window = MainWindow(self.store, self.actor)
        self.window.show()
        self.ready.emit(self.window)

    def _sign_in(self, store: Store) -> Actor:
        login = self.options.user
        password: str | None = None
        if needs_login(store) and login:
            password = os.environ.get(PASSWORD_ENV)
            if password is None:
                password = self._ask_password(login)
        return sign_in(store, login, password)

    @staticmethod
    def _ask_password(login: str) -> str | None:
        text, ok = QInputDialog.getText(
            None,
            QCoreApplication.translate("Startup", "Case Supervision Workstation"),
            QCoreApplication.translate("Startup", "Password for {login}:").format(login=login),
            QLineEdit.EchoMode.Password,
        )
        return text if ok else None

    def _fail(self, message: str) -> None:
        self.error = message
        self.failed.emit(message)

    def close(self) -> None:
        """Close the window and the store (the app is quitting, or a test is done)."""
        if self.demo_job is not None and not self.demo_job.done:
            # Quitting while the demo is written: cancel it (the store is left empty) and let
            # the worker finish its rollback before the store is closed under it.
            self.demo_job.cancel()
            QThreadPool.globalInstance().waitForDone(SHUTDOWN_WAIT_MS)
        if self.window is not None:
            self.window.close()
            self.window.deleteLater()
            self.window = None
        if self.store is not None:
            self.store.dispose()
            self.store = None


def build(argv: Sequence[str], *, demo_size: DemoSize | None = None) -> Startup:
    """Everything `main` does except running the event loop: tests call this and drive it."""
    app = prepare_application(argv)
    startup = Startup(parse_args(argv), demo_size=demo_size, parent=app)
    startup.start()
    return startup


def _show_failure(message: str, parent: QWidget | None = None) -> None:
    QMessageBox.critical(
        parent, QCoreApplication.translate("Startup", "Cannot open the store"), message
    )


def main(argv: Sequence[str]) -> int:
    crash.install()
    app = prepare_application(argv)
    startup = Startup(parse_args(argv), parent=app)
    app.aboutToQuit.connect(startup.close)

    def on_failed(message: str) -> None:
        _show_failure(message)
        app.exit(1)

    startup.start()
    if startup.error is not None:
        _show_failure(startup.error)
        startup.close()
        return 1
    startup.failed.connect(on_failed)
    return int(app.exec())
