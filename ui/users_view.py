"""The administrator's screen of accounts (add, disable, enable, role, password reset) and the
audit trail's check, which reports the first broken link."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.jobs import BackgroundJob
from ui.login import ERROR_COLOR, FormDialog, PasswordDialog, fix_size, message_label, password_edit
from ui.rows_model import RowsTableModel
from workstation.errors import ValidationError, WorkstationError
from workstation.services import audit, users
from workstation.services.auth import Actor, can, cn_moment, role_label
from workstation.services.users import MIN_PASSWORD, UserRow
from workstation.store import Store
from workstation.vocab import ROLE

OK_COLOR = Qt.GlobalColor.darkGreen
AnyIndex = QModelIndex | QPersistentModelIndex


class UsersModel(RowsTableModel):
    """The store's accounts (a few dozen at most: held as rows, reloaded after each change)."""

    LOGIN, NAME, ROLE, STATE, CREATED = range(5)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[UserRow] = []
        self._titles = [
            self.tr("Login"),
            self.tr("Name"),
            self.tr("Role"),
            self.tr("State"),
            self.tr("Created"),
        ]

    def state_text(self, row: UserRow) -> str:
        if row.disabled:
            return self.tr("Disabled")
        if row.locked_until is not None:
            return self.tr("Locked until {time}").format(time=cn_moment(row.locked_until))
        return self.tr("Active")

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return [
                row.login,
                row.display_name,
                role_label(row.role),
                self.state_text(row),
                row.created_at.astimezone().strftime("%Y-%m-%d %H:%M"),
            ][column]
        flagged = row.disabled or row.locked_until is not None
        if role == Qt.ItemDataRole.ForegroundRole and column == self.STATE and flagged:
            return QColor(ERROR_COLOR)
        return None

    def row_at(self, index: int) -> UserRow | None:
        return self.rows[index] if 0 <= index < len(self.rows) else None


def role_combo(parent: QWidget, current: str = "clerk") -> QComboBox:
    combo = QComboBox(parent)
    combo.setObjectName("role")
    for key, label in ROLE.choices():
        combo.addItem(label, key)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    return combo


class AddUserDialog(FormDialog):
    """Login, name, role and a first password (twice) for a new account;
    `add(login, name, role, password)` creates it."""

    def __init__(
        self, add: Callable[[str, str, str, str], Any], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._add = add
        self.setObjectName("addUserDialog")
        self.setWindowTitle(self.tr("Add a user"))
        self.login_edit = self.add_field(self.tr("Login:"), QLineEdit(self), "login")
        self.login_edit.setObjectName("login")
        self.name_edit = self.add_field(self.tr("Name:"), QLineEdit(self), "display_name")
        self.name_edit.setObjectName("displayName")
        self.role_combo = role_combo(self)
        self.form.addRow(self.tr("Role:"), self.role_combo)
        self.password_edit = self.add_field(
            self.tr("Password:"), password_edit(self, "password"), "password"
        )
        self.password_edit.setPlaceholderText(
            self.tr("at least {n} characters").format(n=MIN_PASSWORD)
        )
        self.repeat_edit = self.add_field(
            self.tr("Repeat password:"), password_edit(self, "repeat"), "repeat"
        )
        self.ok_button.setText(self.tr("Add"))
        fix_size(self)
        self.login_edit.setFocus()

    def submit(self) -> None:
        if self.password_edit.text() != self.repeat_edit.text():
            raise ValidationError({"repeat": self.tr("The two passwords differ.")})
        self._add(
            self.login_edit.text(),
            self.name_edit.text(),
            str(self.role_combo.currentData()),
            self.password_edit.text(),
        )


class RoleDialog(FormDialog):
    """A new role for one account; `change(role)` makes the change."""

    def __init__(
        self,
        change: Callable[[str], Any],
        *,
        login: str,
        current: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._change = change
        self.setObjectName("roleDialog")
        self.setWindowTitle(self.tr("Role of {login}").format(login=login))
        self.role_combo = role_combo(self, current)
        self.form.addRow(self.tr("Role:"), self.role_combo)
        fix_size(self)

    def submit(self) -> None:
        self._change(str(self.role_combo.currentData()))


class UsersView(QWidget):
    """Accounts and the audit check, for the settings page.

    Administrators see the accounts with Add / Disable / Enable / Role / Reset password;
    whoever may verify the audit trail (leaders, administrators) gets its check, run off
    the GUI thread. Problems are shown in the view's message line, not in pop-ups.

    Signals:
        changed(): an account was added or changed.
        audit_checked(object): the VerifyResult of a finished check.
    """

    changed = Signal()
    audit_checked = Signal(object)

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("usersView")
        self._store = store
        self._actor = actor
        self.audit_job: BackgroundJob | None = None
        self.model = UsersModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("usersTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        )

        self.add_button = self._button("addUser", self.tr("Add user…"), self.add_user)
        self.disable_button = self._button("disableUser", self.tr("Disable"), self.disable_user)
        self.enable_button = self._button("enableUser", self.tr("Enable"), self.enable_user)
        self.role_button = self._button("changeRole", self.tr("Change role…"), self.change_role)
        self.password_button = self._button(
            "resetPassword", self.tr("Reset password…"), self.reset_password
        )
        self.message = message_label(self)

        buttons = QHBoxLayout()
        for button in (
            self.add_button,
            self.disable_button,
            self.enable_button,
            self.role_button,
            self.password_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)

        accounts = QGroupBox(self.tr("User accounts"), self)
        accounts.setObjectName("accounts")
        box = QVBoxLayout(accounts)
        box.addWidget(self.table, 1)
        box.addLayout(buttons)
        box.addWidget(self.message)

        self.verify_button = self._button(
            "verifyAudit", self.tr("Verify the audit trail"), self.verify_audit
        )
        self.audit_result = QLabel(self)
        self.audit_result.setObjectName("auditResult")
        self.audit_result.setWordWrap(True)
        self.audit_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        trail = QGroupBox(self.tr("Audit trail"), self)
        trail.setObjectName("auditTrail")
        row = QHBoxLayout(trail)
        row.addWidget(self.verify_button)
        row.addWidget(self.audit_result, 1)

        layout = QVBoxLayout(self)
        self.not_allowed = QLabel(self.tr("Only administrators manage user accounts."), self)
        self.not_allowed.setObjectName("notAllowed")
        layout.addWidget(accounts, 1)
        layout.addWidget(self.not_allowed)
        layout.addWidget(trail)

        manage = can(actor, "user.manage")
        accounts.setVisible(manage)
        self.not_allowed.setVisible(not manage)
        trail.setVisible(can(actor, "audit.verify"))
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        if manage:
            self.refresh()
        self._update_buttons()

    def _button(self, name: str, text: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.clicked.connect(slot)
        return button

    # --- accounts ---------------------------------------------------------------------------

    @Slot()
    def refresh(self) -> None:
        selected = self.selected()
        try:
            rows = users.list_users(self._store, self._actor)
        except WorkstationError as exc:
            self.show_message(exc.message)
            return
        self.model.set_rows(rows)
        self._fit_columns()
        if selected is not None:
            self.select(selected.login)
        self._update_buttons()

    def _fit_columns(self) -> None:
        header = self.table.horizontalHeader()
        for column in range(self.model.columnCount() - 1):
            width = max(self.table.sizeHintForColumn(column), header.sectionSizeHint(column))
            header.resizeSection(column, width + 24)

    def selected(self) -> UserRow | None:
        indexes = self.table.selectionModel().selectedRows()
        return self.model.row_at(indexes[0].row()) if indexes else None

    def select(self, login: str) -> None:
        for i, row in enumerate(self.model.rows):
            if row.login == login:
                self.table.selectRow(i)
                return

    @Slot()
    def _update_buttons(self) -> None:
        row = self.selected()
        self.disable_button.setEnabled(row is not None and not row.disabled)
        self.enable_button.setEnabled(
            row is not None and (row.disabled or row.locked_until is not None)
        )
        self.role_button.setEnabled(row is not None)
        self.password_button.setEnabled(row is not None)

    def show_message(self, text: str, *, error: bool = True) -> None:
        palette = self.message.palette()
        palette.setColor(QPalette.ColorRole.WindowText, ERROR_COLOR if error else OK_COLOR)
        self.message.setPalette(palette)
        self.message.setText(text)

    def _done(self, row: UserRow, text: str) -> None:
        self.refresh()
        self.select(row.login)
        self.show_message(text, error=False)
        self.changed.emit()

    def _apply(self, change: Callable[[str], UserRow], done: str) -> None:
        row = self.selected()
        if row is None:
            return
        try:
            changed = change(row.login)
        except WorkstationError as exc:
            self.show_message(exc.message)
            return
        self._done(changed, done.format(login=changed.login))

    @Slot()
    def add_user(self) -> AddUserDialog:
        def add(login: str, name: str, role: str, password: str) -> None:
            row = users.add_user(self._store, self._actor, login, name, role, password)
            self._done(row, self.tr("User {login} added.").format(login=row.login))

        dialog = AddUserDialog(add, self)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    @Slot()
    def disable_user(self) -> None:
        self._apply(
            lambda login: users.disable_user(self._store, self._actor, login),
            self.tr("User {login} disabled: they can no longer sign in."),
        )

    @Slot()
    def enable_user(self) -> None:
        self._apply(
            lambda login: users.enable_user(self._store, self._actor, login),
            self.tr("User {login} enabled."),
        )

    @Slot()
    def change_role(self) -> RoleDialog | None:
        row = self.selected()
        if row is None:
            return None
        login = row.login

        def change(role: str) -> None:
            changed = users.set_role(self._store, self._actor, login, role)
            self._done(
                changed,
                self.tr("{login} is now {role}.").format(login=login, role=role_label(role)),
            )

        dialog = RoleDialog(change, login=login, current=row.role, parent=self)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    @Slot()
    def reset_password(self) -> PasswordDialog | None:
        row = self.selected()
        if row is None:
            return None
        login = row.login
        own = login == self._actor.login

        def change(old: str | None, new: str) -> None:
            users.change_password(self._store, self._actor, login, new, old_password=old)
            self.refresh()
            self.show_message(
                self.tr("The password of {login} was changed.").format(login=login), error=False
            )
            self.changed.emit()

        dialog = PasswordDialog(change, login=login, ask_old=own, parent=self)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    # --- the audit trail --------------------------------------------------------------------

    @Slot()
    def verify_audit(self) -> None:
        if self.audit_job is not None and not self.audit_job.done:
            return
        store, actor = self._store, self._actor

        def work(_progress: Any, _cancelled: Any) -> audit.VerifyResult:
            return audit.verify_chain(store, actor)

        job = BackgroundJob(work, self)
        self.audit_job = job
        self.verify_button.setEnabled(False)
        self.audit_result.setText(self.tr("Checking…"))
        job.succeeded.connect(self._show_audit_result)
        job.failed.connect(self._show_audit_failure)
        job.finished.connect(lambda: self.verify_button.setEnabled(True))
        job.start()

    @Slot(object)
    def _show_audit_result(self, result: object) -> None:
        assert isinstance(result, audit.VerifyResult)
        palette = self.audit_result.palette()
        palette.setColor(QPalette.ColorRole.WindowText, OK_COLOR if result.ok else ERROR_COLOR)
        self.audit_result.setPalette(palette)
        if result.ok:
            self.audit_result.setText(result.message)
        else:
            self.audit_result.setText(
                self.tr("First broken link: event #{id}. {message}").format(
                    id=result.broken_at, message=result.message
                )
            )
        self.audit_checked.emit(result)

    @Slot(object)
    def _show_audit_failure(self, exc: object) -> None:
        if isinstance(exc, WorkstationError):
            self.audit_result.setText(exc.message)
            return
        assert isinstance(exc, BaseException)
        raise exc
