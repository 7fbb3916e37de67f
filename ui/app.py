"""Starting the desktop app: options, fonts, translations, the store (demo on first run)."""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox, QProgressDialog, QWidget

from ui import crash_dialog
from ui.jobs import BackgroundJob, Work, attach_progress_dialog
from ui.launch import APPLICATION_NAME as APPLICATION_NAME  # re-exported, as before
from ui.launch import (
    FIRST_PAINT_ENV,
    Options,
    parse_args,
    prepare_application,
    store_file,
)
from ui.launch import ORGANIZATION_NAME as ORGANIZATION_NAME
from ui.main_window import MainWindow
from workstation.errors import WorkstationError
from workstation.paths import default_store_path
from workstation.services.auth import (
    IMPLICIT_ADMIN,
    Actor,
    holds_demo_data,
    idle_lock_minutes,
    needs_login,
    sign_in,
)
from workstation.store import Store, head_revision, open_store, start_check

if TYPE_CHECKING:  # imported when first needed: most starts show no dialog (ui.login)
    from ui.first_look import FirstLookWindow
    from ui.idle_lock import IdleLock
    from ui.login import FirstAdminDialog, LoginDialog

PASSWORD_ENV = "WORKSTATION_PASSWORD"
SHUTDOWN_WAIT_MS = 30_000
# Up to this size the check at start runs on the GUI thread (PRAGMA quick_check: tens of ms);
# a bigger store, or one that needs a migration (with its backup), is opened off the GUI thread
# behind the start-up screen (ui.splash).
CHECK_INLINE_BYTES = 16 * 2**20


@dataclasses.dataclass(frozen=True)
class DemoSize:
    """The demo data a first run fills a new default store with."""

    leads: int = 2_000
    cases: int = 500
    seed: int = 2021


def _generate_demo(store: Store, actor: Actor, size: DemoSize) -> Work:
    def work(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> Any:
        from workstation import demo
        from workstation.services import review

        made = demo.generate(
            store,
            actor,
            leads=size.leads,
            cases=size.cases,
            seed=size.seed,
            progress=progress,
            cancel=cancelled,
        )
        # So that the review page has suspected anomalies to show on the first run.
        review.scan(store, actor, progress=progress, cancel=cancelled)
        return made

    return work


class Startup(QObject):
    """Everything between the command line and the main window, without running the event loop.

    Opens the store named by the options; a default store that does not exist yet is created
    and filled with demo data off the GUI thread, with a progress dialog. Then who is acting:

    - a store with accounts asks for a login and password (LoginDialog; `--user` fills in the
      login, and with $WORKSTATION_PASSWORD set no dialog is shown unless it is wrong);
    - a store without accounts that holds demonstration data (the first run's store) opens as
      its implicit administrator, with "Create an administrator…" in the Account menu;
    - any other store without accounts offers to create the first administrator first
      (FirstAdminDialog), or to go on without accounts.

    Once a real user is signed in, the window locks itself after the idle minutes of the
    store's settings (IdleLock). Tests drive this object directly; `main()` adds only the
    event loop and the crash dialog.

    Signals:
        ready(object): the MainWindow, shown.
        failed(str): the store could not be opened or filled; the Chinese message.
        cancelled(): the user closed the login dialog (the app should quit quietly).
    """

    ready = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(
        self,
        options: Options,
        *,
        demo_size: DemoSize | None = None,
        idle_lock_ms: int | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.options = options
        self.demo_size = demo_size or DemoSize()
        self.idle_lock_ms = idle_lock_ms  # tests: instead of the store's idle_lock_minutes
        self.store: Store | None = None
        self.created = False
        self.actor: Actor | None = None
        self.window: MainWindow | None = None
        self.error: str | None = None
        self.demo_job: BackgroundJob | None = None
        self.progress_dialog: QProgressDialog | None = None
        self.login_dialog: LoginDialog | None = None
        self.first_admin_dialog: FirstAdminDialog | None = None
        self.idle_lock: IdleLock | None = None
        self.account_menu: QMenu | None = None
        self.backup_job: BackgroundJob | None = None
        self.damage_check: Any = None
        self.restore_box: QMessageBox | None = None
        self.open_job: BackgroundJob | None = None  # opening behind the start-up screen
        self.splash: Any = None  # ui.splash.StartupSplash while it is shown
        self._sound_file: Path | None = None  # checked (or trusted) at start: see start_check
        self._closed = False
        # Called with the main window before it shows (the first look hands over to it).
        self.adopt: Callable[[MainWindow], None] | None = None
        # The login dialog shown before the core loaded (ui.first_look): the login asks with
        # it rather than with a new one.
        self.early_login: LoginDialog | None = None

    def start(self) -> None:
        try:
            path = self._store_file()
            if path is not None and path.exists():
                from workstation.store import crypto

                if crypto.is_encrypted(path):
                    self._ask_login_encrypted(path)
                    return
                if self._needs_splash(path):
                    self._open_behind_splash(path)
                    return
                if not self._checked(path, None):
                    return
            store, created = self._open_store()
        except WorkstationError as exc:
            self._fail(exc.message)
            return
        self._opened(store, created)

    def _opened(self, store: Store, created: bool) -> None:
        self.store = store
        self.created = created
        if not created:
            self._sign_in_and_show()
            return
        # A new default store: the implicit admin of a single-user store fills it.
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

    def _store_file(self) -> Path | None:
        return store_file(self.options)

    # --- slow work before the window: behind the start-up screen -----------------------------

    def _needs_splash(self, path: Path, key: bytes | None = None) -> bool:
        """Whether opening takes long: a migration is due (a backup first), or a big store's
        integrity check is. Cheap to ask: the file's header and size, its schema revision."""
        from workstation.store.engine import _is_database_error, file_is_plain_sqlite
        from workstation.store.integrity import schema_revision

        if key is None and not file_is_plain_sqlite(path):
            return False  # empty, or not SQLite: opening it says what is wrong, at once
        if path.stat().st_size > CHECK_INLINE_BYTES and start_check.check_due(path):
            return True
        try:
            revision = schema_revision(path, key)
        except Exception as exc:
            if not _is_database_error(exc):
                raise
            return False  # unreadable: the check at start reports it
        return revision is not None and revision != head_revision()

    def _open_behind_splash(
        self,
        path: Path,
        key: bytes | None = None,
        login: tuple[str, str] | None = None,
    ) -> None:
        """Check, back up and migrate the store off the GUI thread, with the start-up screen
        saying which; then on as usual (or the restore offer for a damaged store). An encrypted
        store comes with its key and the (login, password) that unlocked it, to sign in with."""
        from ui.splash import STAGE_CHECK, StageRelay, StartupSplash
        from workstation.store.integrity import check_at_start

        check_due = start_check.check_due(path)
        relay = StageRelay(self)
        splash = StartupSplash(str(path))
        relay.stage.connect(splash.set_stage)
        if check_due:
            splash.set_stage(STAGE_CHECK)
        self.splash = splash
        splash.show_centred()

        def work(_progress: Callable[[int, int], None], _cancelled: Callable[[], bool]) -> Any:
            if check_due:
                check = check_at_start(path, key)
                if not check.ok:
                    return check
                start_check.record_checked(path)
            store = open_store(path, key=key, on_stage=relay.report)
            if login is None:
                return store, None
            try:
                return store, sign_in(store, *login, session_start=True)
            except BaseException:
                store.dispose()
                raise

        def opened(result: object) -> None:
            self._close_splash()
            if isinstance(result, tuple):
                store, actor = result
                if self._closed:  # quit meanwhile
                    store.dispose()
                elif actor is None:
                    self._sound_file = path
                    self._opened(store, False)
                else:
                    self._sound_file = path
                    self.store = store
                    self._show(actor)
                return
            if self._closed:
                return
            start_check.forget(path)
            self.damage_check = result
            self._offer_restore(path, key, result)

        def failed(exc: object) -> None:
            self._close_splash()
            if self._closed:
                return
            if isinstance(exc, WorkstationError):
                self._fail(exc.message)
                return
            assert isinstance(exc, BaseException)
            sys.excepthook(type(exc), exc, exc.__traceback__)
            self._fail(QCoreApplication.translate("Startup", "The store could not be opened."))

        job = BackgroundJob(work, self)
        self.open_job = job
        job.succeeded.connect(opened)
        job.failed.connect(failed)
        job.start()

    def _close_splash(self) -> None:
        if self.splash is not None:
            self.splash.hide()
            self.splash.deleteLater()
            self.splash = None

    # --- an encrypted or damaged store --------------------------------------------------------

    def _checked(self, path: Path, key: bytes | None) -> bool:
        """The integrity check at start, unless the file is as this app left it after a passing
        check (workstation.store.start_check); a damaged store is not opened: the newest good
        backup is offered instead (returns False, the offer is on screen)."""
        from workstation.store.engine import file_is_plain_sqlite
        from workstation.store.integrity import check_at_start

        if key is None and not file_is_plain_sqlite(path):
            return True  # not SQLite at all: opening it says it is not a store
        if not start_check.check_due(path):
            self._sound_file = path
            return True
        check = check_at_start(path, key)
        if check.ok:
            start_check.record_checked(path)
            self._sound_file = path
            return True
        start_check.forget(path)
        self.damage_check = check
        self._offer_restore(path, key, check)
        return False

    def _ask_login_encrypted(self, path: Path) -> None:
        """An encrypted store: the user's password unlocks the store key (their key slot),
        then opens and signs in to the store with the same login and password."""
        from workstation.store import crypto

        def authenticate(login: str, password: str) -> Actor:
            key = crypto.unlock_store(path, login, password)
            if self._needs_splash(path, key):
                # A migration or a big store's check: on behind the start-up screen.
                self._drop_dialogs()
                self._open_behind_splash(path, key, (login, password))
                raise _Deferred()
            if not self._checked(path, key):
                raise _Deferred()
            store = open_store(path, key=key)
            try:
                actor = sign_in(store, login, password, session_start=True)
            except BaseException:
                store.dispose()
                raise
            self.store = store
            return actor

        from ui.login import LoginDialog

        dialog = LoginDialog(
            authenticate,
            login=self.options.user or "",
            store_name=QCoreApplication.translate("Startup", "{path} (encrypted)").format(
                path=path
            ),
        )
        self.login_dialog = dialog
        dialog.signed_in.connect(self._on_signed_in)
        dialog.rejected.connect(self._on_login_cancelled)
        dialog.show()

    def _offer_restore(self, path: Path, key: bytes | None, check: Any) -> None:
        self._drop_dialogs()
        translate = QCoreApplication.translate
        box = QMessageBox(QMessageBox.Icon.Critical, translate("Startup", "Store damaged"), "")
        box.setObjectName("restoreOffer")
        box.setText(check.message)
        if check.latest_backup is None:
            box.setStandardButtons(QMessageBox.StandardButton.Close)
            box.finished.connect(lambda _r: self._fail(check.message))
        else:
            box.setInformativeText(
                translate(
                    "Startup",
                    "Restore it now? The damaged store is kept beside it as a copy. "
                    "Restoring needs an administrator of the backup.",
                )
            )
            box.setStandardButtons(
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Close
            )
            box.button(QMessageBox.StandardButton.Yes).setText(translate("Startup", "Restore"))
            backup = check.latest_backup.path

            def answered(result: int) -> None:
                if result == QMessageBox.StandardButton.Yes:
                    self._ask_restorer(path, backup, key)
                else:
                    self._fail(check.message)

            box.finished.connect(answered)
        self.restore_box = box
        box.show()

    def _ask_restorer(self, path: Path, backup: Path, key: bytes | None) -> None:
        """Who restores: an administrator as the backup knows them (the damaged store may be
        unreadable); a backup without accounts is restored by its implicit administrator."""
        from workstation.services import vault

        def restore_as(actor: Actor) -> Actor:
            _result, store = vault.restore_backup(path, backup, actor, key)
            self.store = store
            return actor

        if not vault.file_has_accounts(backup, key):
            try:
                restore_as(IMPLICIT_ADMIN)
            except WorkstationError as exc:
                self._fail(exc.message)
                return
            self._sign_in_and_show()
            return

        def authenticate(login: str, password: str) -> Actor:
            return restore_as(vault.sign_in_from_file(backup, key, login, password))

        from ui.login import LoginDialog

        dialog = LoginDialog(
            authenticate,
            login=self.options.user or "",
            store_name=QCoreApplication.translate("Startup", "Restore from {name}").format(
                name=backup.name
            ),
        )
        self.login_dialog = dialog
        dialog.signed_in.connect(self._on_signed_in)
        dialog.rejected.connect(self._on_login_cancelled)
        dialog.show()

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

    # --- who is acting ----------------------------------------------------------------------

    def _sign_in_and_show(self) -> None:
        store = self.store
        assert store is not None
        try:
            if needs_login(store):
                self._ask_login(store)
            elif self.created or holds_demo_data(store):
                self._show(IMPLICIT_ADMIN)
            else:
                self._offer_first_admin(store)
        except WorkstationError as exc:
            self._fail(exc.message)

    def _ask_login(self, store: Store) -> None:
        login = self.options.user or ""
        message = ""
        password = os.environ.get(PASSWORD_ENV) if login else None
        if password is not None:
            try:
                self._show(sign_in(store, login, password, session_start=True))
                return
            except WorkstationError as exc:
                message = exc.message

        def authenticate(login: str, password: str) -> Actor:
            return sign_in(store, login, password, session_start=True)

        from ui.login import LoginDialog

        dialog = self.early_login
        self.early_login = None
        if dialog is not None:  # shown before the core loaded: it goes on, checked here
            dialog.set_authenticate(authenticate)
            if message:
                dialog.show_problem(message)
        else:
            dialog = LoginDialog(
                authenticate, login=login, message=message, store_name=store.describe()
            )
        self.login_dialog = dialog
        dialog.signed_in.connect(self._on_signed_in)
        dialog.rejected.connect(self._on_login_cancelled)
        dialog.show()

    @Slot(object)
    def _on_signed_in(self, actor: object) -> None:
        assert isinstance(actor, Actor)
        self._drop_dialogs()
        self._show(actor)

    @Slot()
    def _on_login_cancelled(self) -> None:
        self._drop_dialogs()
        self.error = QCoreApplication.translate("Startup", "Not signed in.")
        self.cancelled.emit()

    def _create_first_admin(self, login: str, name: str, password: str) -> Actor:
        from workstation.services import users

        assert self.store is not None
        created = users.create_first_admin(self.store, login, password, name)
        return sign_in(self.store, created, password, session_start=True)

    def _offer_first_admin(self, store: Store) -> None:
        from ui.login import FirstAdminDialog

        dialog = FirstAdminDialog(self._create_first_admin, offer_skip=True)
        self.first_admin_dialog = dialog
        dialog.created.connect(self._on_signed_in)
        dialog.rejected.connect(self._on_first_admin_skipped)
        dialog.show()

    @Slot()
    def _on_first_admin_skipped(self) -> None:
        self._drop_dialogs()
        self._show(IMPLICIT_ADMIN)

    def _drop_dialogs(self) -> None:
        for dialog in (self.login_dialog, self.first_admin_dialog):
            if dialog is not None:
                dialog.hide()
                dialog.deleteLater()
        self.login_dialog = self.first_admin_dialog = None

    # --- the window -------------------------------------------------------------------------

    def _show(self, actor: Actor) -> None:
        assert self.store is not None
        self.actor = actor
        self.window = MainWindow(self.store, actor)
        self._add_account_menu(self.window)
        adopt, self.adopt = self.adopt, None  # once: a window opened later adopts nothing
        if adopt is not None:
            adopt(self.window)
        self.window.show()
        self._start_idle_lock()
        self._start_daily_backup()
        self.ready.emit(self.window)

    def _start_daily_backup(self) -> None:
        """The once-a-day backup, off the GUI thread (an encrypted copy takes seconds)."""
        if self.backup_job is not None or self.store is None or self.store.path is None:
            return
        from workstation.store.backup import daily_backup_if_due

        store = self.store

        def work(_progress: Callable[[int, int], None], _cancelled: Callable[[], bool]) -> Any:
            return daily_backup_if_due(store)

        job = BackgroundJob(work, self)
        self.backup_job = job
        job.succeeded.connect(self._on_backup_done)
        job.failed.connect(self._on_backup_failed)
        job.start()

    @Slot(object)
    def _on_backup_done(self, info: object) -> None:
        if info is not None and self.window is not None:
            self.window.statusBar().showMessage(
                QCoreApplication.translate("Startup", "Today's backup was made: {name}").format(
                    name=getattr(info, "path", Path()).name
                ),
                8_000,
            )

    @Slot(object)
    def _on_backup_failed(self, exc: object) -> None:
        if self.window is None:
            return
        message = exc.message if isinstance(exc, WorkstationError) else str(exc)
        self.window.statusBar().showMessage(
            QCoreApplication.translate("Startup", "Today's backup failed: {message}").format(
                message=message
            ),
            15_000,
        )

    def _is_signed_in(self) -> bool:
        """A real user signed in (not the implicit admin of a store without accounts)."""
        return self.actor is not None and self.actor is not IMPLICIT_ADMIN

    def _start_idle_lock(self) -> None:
        assert self.store is not None
        assert self.window is not None
        assert self.actor is not None
        if self.idle_lock is not None:
            self.idle_lock.stop()
            self.idle_lock = None
        if not self._is_signed_in():
            return
        timeout_ms = self.idle_lock_ms
        if timeout_ms is None:
            timeout_ms = idle_lock_minutes(self.store) * 60_000
        if timeout_ms <= 0:
            return
        store, login = self.store, self.actor.login
        from ui.idle_lock import IdleLock

        self.idle_lock = IdleLock(
            self.window,
            lambda password: sign_in(store, login, password),
            who=f"{self.actor.display_name}（{login}）",
            timeout_ms=timeout_ms,
        )

    def _add_account_menu(self, window: MainWindow) -> None:
        """The Account menu, before Help: lock, change one's password, or create the first
        administrator of a store without accounts."""
        translate = QCoreApplication.translate
        menu = QMenu(translate("Startup", "&Account"), window)
        menu.setObjectName("accountMenu")
        if self._is_signed_in():
            lock = QAction(translate("Startup", "&Lock now"), window)
            lock.setObjectName("lockAction")
            lock.setShortcut(QKeySequence("Ctrl+L"))
            lock.triggered.connect(self.lock_now)
            password = QAction(translate("Startup", "Change my &password…"), window)
            password.setObjectName("changePasswordAction")
            password.triggered.connect(self.change_own_password)
            menu.addAction(lock)
            menu.addAction(password)
        else:
            create = QAction(translate("Startup", "Create an &administrator…"), window)
            create.setObjectName("createAdminAction")
            create.triggered.connect(self.create_admin_from_menu)
            menu.addAction(create)
        bar = window.menuBar()
        menus = [a for a in bar.actions() if a.menu() is not None]
        if menus:
            bar.insertMenu(menus[-1], menu)  # before Help
        else:
            bar.addMenu(menu)
        self.account_menu = menu

    @Slot()
    def lock_now(self) -> None:
        if self.idle_lock is not None:
            self.idle_lock.lock()

    @Slot()
    def change_own_password(self) -> None:
        from workstation.services import users

        assert self.store is not None
        assert self.actor is not None
        store, actor = self.store, self.actor

        def change(old: str | None, new: str) -> None:
            users.change_password(store, actor, actor.login, new, old_password=old)

        from ui.login import PasswordDialog

        dialog = PasswordDialog(change, login=actor.login, ask_old=True, parent=self.window)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    @Slot()
    def create_admin_from_menu(self) -> None:
        """A demo store's user makes it a store with accounts; the window reopens signed in
        as the new administrator."""
        from ui.login import FirstAdminDialog

        dialog = FirstAdminDialog(self._create_first_admin, parent=self.window)
        self.first_admin_dialog = dialog
        dialog.created.connect(self._switch_to)
        dialog.open()

    @Slot(object)
    def _switch_to(self, actor: object) -> None:
        assert isinstance(actor, Actor)
        self._drop_dialogs()
        old = self.window
        self._show(actor)
        if old is not None:
            old.close()
            old.deleteLater()

    def _fail(self, message: str) -> None:
        self.error = message
        self.failed.emit(message)

    def close(self) -> None:
        """Close the window and the store (the app is quitting, or a test is done)."""
        self._closed = True
        if self.backup_job is not None and not self.backup_job.done:
            QThreadPool.globalInstance().waitForDone(SHUTDOWN_WAIT_MS)
        if self.open_job is not None and not self.open_job.done:
            # A migration is not cancelled half-way: it ends (or rolls back) in its transaction.
            QThreadPool.globalInstance().waitForDone(SHUTDOWN_WAIT_MS)
        self._close_splash()
        if self.restore_box is not None:
            self.restore_box.hide()
            self.restore_box.deleteLater()
            self.restore_box = None
        if self.demo_job is not None and not self.demo_job.done:
            # Quitting while the demo is written: cancel it (the store is left empty) and let
            # the worker finish its rollback before the store is closed under it.
            self.demo_job.cancel()
            QThreadPool.globalInstance().waitForDone(SHUTDOWN_WAIT_MS)
        self._drop_dialogs()
        if self.idle_lock is not None:
            self.idle_lock.stop()
            self.idle_lock = None
        if self.window is not None:
            self.window.close()
            self.window.deleteLater()
            self.window = None
        if self.store is not None:
            self.store.dispose()
            self.store = None
        if self._sound_file is not None:
            # Closed cleanly after a passing check: the next start may trust the file as it is.
            start_check.record_closed(self._sound_file)
            self._sound_file = None


class _Deferred(WorkstationError):
    """The login dialog's work continues elsewhere (a damaged store: the restore offer)."""

    def __init__(self) -> None:
        super().__init__("")


def build(
    argv: Sequence[str], *, demo_size: DemoSize | None = None, idle_lock_ms: int | None = None
) -> Startup:
    """Everything `main` does except running the event loop: tests call this and drive it."""
    app = prepare_application(argv)
    startup = Startup(parse_args(argv), demo_size=demo_size, idle_lock_ms=idle_lock_ms, parent=app)
    startup.start()
    return startup


def _show_failure(message: str, parent: QWidget | None = None) -> None:
    QMessageBox.critical(
        parent, QCoreApplication.translate("Startup", "Cannot open the store"), message
    )


def begin(
    argv: Sequence[str],
    *,
    first_look: FirstLookWindow | None = None,
    early_login: LoginDialog | None = None,
) -> Startup | int:
    """Everything `main` does before the event loop runs: the log, the crash dialog, and the
    start (the Startup, or the exit code when it failed at once). With the window's first look
    on screen (ui.first_look), the main window takes its place once shown; anything else the
    start shows first (a login, the start-up screen, an error) closes it at once. A login
    dialog already on screen (`early_login`) is the one the start asks with, if it asks; if
    it goes another way (the start-up screen, a restore offer) the dialog goes."""
    from workstation import diagnostics

    # The log in the data folder, then the crash dialog (logs, shows, saves a report).
    diagnostics.setup_logging(parse_args(argv).data_dir)
    diagnostics.log_start("app")
    app = prepare_application(argv)
    crash_dialog.install()
    startup = Startup(parse_args(argv), parent=app)
    app.aboutToQuit.connect(startup.close)
    if os.environ.get(FIRST_PAINT_ENV):
        from ui.first_paint import watch_leads_view

        startup.ready.connect(watch_leads_view)
    retired = first_look is None

    def retire_first_look(*_args: object) -> None:
        nonlocal retired
        if not retired:  # once: the window opened again later (a new admin) is not it
            retired = True
            assert first_look is not None
            first_look.retire()

    if first_look is not None:
        startup.adopt = first_look.hand_over
        startup.ready.connect(retire_first_look)
        startup.failed.connect(retire_first_look)

    def on_failed(message: str) -> None:
        _show_failure(message)
        app.exit(1)

    startup.early_login = early_login
    startup.start()
    if startup.window is None:
        retire_first_look()  # a dialog or the start-up screen comes instead
    if startup.early_login is not None:  # not asked with: signed in already, or another way
        startup.early_login.hide()
        startup.early_login.deleteLater()
        startup.early_login = None
    if startup.error is not None:
        _show_failure(startup.error)
        startup.close()
        return 1
    startup.failed.connect(on_failed)
    startup.cancelled.connect(lambda: app.exit(0))
    return startup


def main(argv: Sequence[str]) -> int:
    outcome = begin(argv)
    if isinstance(outcome, int):
        return outcome
    return int(QApplication.instance().exec())
