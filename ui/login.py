"""Signing in, creating the first administrator and changing a password: small dialogs.

Each dialog takes the service call it makes as a callable, so it knows nothing of the store:
the same dialogs serve a plain or an encrypted store, the app's start and the users screen.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.launch import FIRST_PAINT_ENV
from workstation.errors import ValidationError, WorkstationError
from workstation.password_policy import MIN_PASSWORD

ERROR_COLOR = Qt.GlobalColor.darkRed
DIALOG_WIDTH = 440


def message_label(parent: QWidget) -> QLabel:
    """A label for a dialog's problem (wrong password, account locked): red, wrapped, with
    room for three lines kept from the start, so a message never resizes the window."""
    label = QLabel(parent)
    label.setObjectName("message")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    label.setMinimumHeight(label.fontMetrics().lineSpacing() * 3)
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, ERROR_COLOR)
    label.setPalette(palette)
    return label


def fix_size(dialog: QDialog, width: int = DIALOG_WIDTH) -> None:
    """Give a dialog an explicit minimum size once it is built: its layout then never changes
    the size of a window already on screen (which window systems are told about, and which
    Qt's offscreen platform warns about)."""
    hint = dialog.sizeHint()
    dialog.setMinimumSize(max(hint.width(), width), hint.height())
    dialog.resize(dialog.minimumSize())


def password_edit(parent: QWidget, name: str) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMinimumWidth(240)
    return edit


class FormDialog(QDialog):
    """A dialog of a few fields, a problem line and OK/Cancel; OK runs `submit()`."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.intro.hide()
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.message = message_label(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self._fields: dict[str, QLineEdit] = {}

    @property
    def ok_button(self) -> QPushButton:
        button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert button is not None
        return button

    def set_intro(self, text: str) -> None:
        self.intro.setText(text)
        self.intro.setVisible(bool(text))

    def add_field(self, label: str, edit: QLineEdit, *names: str) -> QLineEdit:
        """A row of the form; `names` are the service's field names it answers for."""
        self.form.addRow(label, edit)
        for name in names:
            self._fields[name] = edit
        return edit

    def show_problem(self, text: str, field: str | None = None) -> None:
        self.message.setText(text)
        edit = self._fields.get(field or "")
        if edit is not None:
            edit.setFocus(Qt.FocusReason.OtherFocusReason)
            edit.selectAll()

    def show_error(self, exc: WorkstationError) -> None:
        field = next(iter(exc.problems), None) if isinstance(exc, ValidationError) else None
        self.show_problem(exc.message, field)

    @Slot()
    def _submit(self) -> None:
        try:
            self.submit()
        except WorkstationError as exc:
            self.show_error(exc)
            return
        self.accept()

    def submit(self) -> None:
        raise NotImplementedError


class LoginDialog(FormDialog):
    """Login and password, checked by `authenticate(login, password) -> Actor`.

    A wrong password, a locked or disabled account keep the dialog open with the service's
    Chinese message (a lockout names the time it ends).

    Signals:
        signed_in(object): the Actor, once the password was right.
    """

    signed_in = Signal(object)

    def __init__(
        self,
        authenticate: Callable[[str, str], Any],
        *,
        login: str = "",
        message: str = "",
        store_name: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._authenticate = authenticate
        self.actor: Any = None
        self.setObjectName("loginDialog")
        self.setWindowTitle(self.tr("Sign in — Case Supervision Workstation"))
        if store_name:
            self.set_intro(self.tr("Store: {name}").format(name=store_name))
        self.login_edit = self.add_field(self.tr("Login:"), QLineEdit(self), "login")
        self.login_edit.setObjectName("login")
        self.login_edit.setText(login)
        self.password_edit = self.add_field(
            self.tr("Password:"), password_edit(self, "password"), "password"
        )
        self.ok_button.setText(self.tr("Sign in"))
        fix_size(self)
        if message:
            self.show_problem(message)
        (self.password_edit if login else self.login_edit).setFocus()
        if os.environ.get(FIRST_PAINT_ENV):  # bench/startup_bench.py: the dialog painted
            from ui.first_paint import LOGIN_MARK, FirstPaint

            FirstPaint(self, marks=(LOGIN_MARK,))

    def set_authenticate(self, authenticate: Callable[[str, str], Any]) -> None:
        """Check the next passwords with this (the start adopts a dialog shown before the
        core had loaded: ui.first_look)."""
        self._authenticate = authenticate

    def authenticate(self, login: str, password: str) -> Any:
        """The check this dialog makes: the Actor, or the WorkstationError that says why not."""
        return self._authenticate(login, password)

    def submit(self) -> None:
        login = self.login_edit.text().strip()
        if not login:
            raise ValidationError({"login": self.tr("Enter your login.")})
        try:
            self.actor = self.authenticate(login, self.password_edit.text())
        except WorkstationError:
            self.password_edit.clear()
            self.password_edit.setFocus()
            raise
        self.signed_in.emit(self.actor)

    def show_error(self, exc: WorkstationError) -> None:
        if isinstance(exc, ValidationError):
            super().show_error(exc)
        else:
            self.show_problem(exc.message)
            self.password_edit.setFocus()


class FirstAdminDialog(FormDialog):
    """The first administrator of a store that has no accounts yet: login, name, password
    twice. `create(login, name, password) -> Actor` makes the account and signs in.

    With `offer_skip`, the dialog also offers to go on without accounts (the store stays a
    single-user store whose user acts as administrator).

    Signals:
        created(object): the new administrator (an Actor), signed in.
    """

    created = Signal(object)

    def __init__(
        self,
        create: Callable[[str, str, str], Any],
        *,
        offer_skip: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._create = create
        self.actor: Any = None
        self.setObjectName("firstAdminDialog")
        self.setWindowTitle(self.tr("Create the first administrator"))
        self.set_intro(
            self.tr(
                "This store has no user accounts yet: whoever opens it acts as administrator. "
                "Create the first administrator; from then on everyone signs in with a login "
                "and a password, and what a role may not do is refused."
            )
        )
        self.login_edit = self.add_field(self.tr("Login:"), QLineEdit(self), "login")
        self.login_edit.setObjectName("login")
        self.name_edit = self.add_field(self.tr("Name:"), QLineEdit(self), "display_name")
        self.name_edit.setObjectName("displayName")
        self.password_edit = self.add_field(
            self.tr("Password:"), password_edit(self, "password"), "password", "new_password"
        )
        self.password_edit.setPlaceholderText(
            self.tr("at least {n} characters").format(n=MIN_PASSWORD)
        )
        self.repeat_edit = self.add_field(
            self.tr("Repeat password:"), password_edit(self, "repeat"), "repeat"
        )
        self.ok_button.setText(self.tr("Create administrator"))
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        assert cancel is not None
        cancel.setObjectName("skip" if offer_skip else "cancel")
        if offer_skip:
            cancel.setText(self.tr("Continue without accounts"))
        fix_size(self, 520)
        self.login_edit.setFocus()

    def submit(self) -> None:
        if self.password_edit.text() != self.repeat_edit.text():
            raise ValidationError({"repeat": self.tr("The two passwords differ.")})
        self.actor = self._create(
            self.login_edit.text(), self.name_edit.text(), self.password_edit.text()
        )
        self.created.emit(self.actor)


class PasswordDialog(FormDialog):
    """A new password, typed twice; with `ask_old`, the current one first (one's own change).

    `change(old, new)` makes the change (old is None without `ask_old`: an admin's reset).
    """

    def __init__(
        self,
        change: Callable[[str | None, str], Any],
        *,
        login: str,
        ask_old: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._change = change
        self.setObjectName("passwordDialog")
        if ask_old:
            self.setWindowTitle(self.tr("Change my password"))
        else:
            self.setWindowTitle(self.tr("Reset the password of {login}").format(login=login))
        self.old_edit: QLineEdit | None = None
        if ask_old:
            self.old_edit = self.add_field(
                self.tr("Current password:"), password_edit(self, "old"), "old_password"
            )
        self.new_edit = self.add_field(
            self.tr("New password:"), password_edit(self, "new"), "new_password", "password"
        )
        self.new_edit.setPlaceholderText(self.tr("at least {n} characters").format(n=MIN_PASSWORD))
        self.repeat_edit = self.add_field(
            self.tr("Repeat new password:"), password_edit(self, "repeat"), "repeat"
        )
        fix_size(self)
        (self.old_edit or self.new_edit).setFocus()

    def submit(self) -> None:
        if self.new_edit.text() != self.repeat_edit.text():
            raise ValidationError({"repeat": self.tr("The two passwords differ.")})
        old = self.old_edit.text() if self.old_edit is not None else None
        self._change(old, self.new_edit.text())
