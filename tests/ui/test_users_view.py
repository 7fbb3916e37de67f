"""The administrator's accounts screen and the audit check, driven as an admin would."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from ui.users_view import AddUserDialog, RoleDialog, UsersView
from workstation.services import users
from workstation.services.auth import Actor, sign_in
from workstation.store import Store, open_store

pytestmark = pytest.mark.gui

BOSS = Actor("boss", "王主任", "admin")


@pytest.fixture
def accounts(tmp_path: Path) -> Iterator[Store]:
    store = open_store(tmp_path / "accounts.db", create=True)
    users.create_first_admin(store, "boss", "bosspass1", "王主任")
    users.add_user(store, BOSS, "clerk1", "王录入", "clerk", "clerkpass1")
    yield store
    store.dispose()


def _view(qtbot: QtBot, store: Store, actor: Actor) -> UsersView:
    view = UsersView(store, actor)
    qtbot.addWidget(view)
    view.setMinimumSize(720, 480)  # explicit: no size hints sent offscreen
    view.show()
    return view


def _cells(view: UsersView) -> list[list[str]]:
    model = view.model
    return [
        [str(model.index(r, c).data()) for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def _select(view: UsersView, login: str) -> None:
    view.select(login)
    selected = view.selected()
    assert selected is not None
    assert selected.login == login


def test_the_accounts_are_listed(qtbot: QtBot, accounts: Store, qtmodeltester: object) -> None:
    view = _view(qtbot, accounts, BOSS)
    qtmodeltester.check(view.model)  # type: ignore[attr-defined]
    rows = _cells(view)
    assert [r[:4] for r in rows] == [
        ["boss", "王主任", "管理员", "可用"],
        ["clerk1", "王录入", "录入员", "可用"],
    ]
    assert view.model.headerData(0, Qt.Orientation.Horizontal) == "登录名"
    assert not view.disable_button.isEnabled()  # nothing selected


def test_an_admin_adds_a_user(qtbot: QtBot, accounts: Store) -> None:
    view = _view(qtbot, accounts, BOSS)
    dialog = view.add_user()
    assert isinstance(dialog, AddUserDialog)
    qtbot.keyClicks(dialog.login_edit, "insp1")
    dialog.name_edit.setText("李核查")
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findData("inspector"))
    qtbot.keyClicks(dialog.password_edit, "inspector1")
    qtbot.keyClicks(dialog.repeat_edit, "inspector1")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert ["insp1", "李核查", "核查人员", "可用"] in [r[:4] for r in _cells(view)]
    assert view.message.text() == "已添加用户 insp1。"
    assert sign_in(accounts, "insp1", "inspector1").role == "inspector"


def test_a_refused_user_keeps_the_dialog_open_with_the_reason(
    qtbot: QtBot, accounts: Store
) -> None:
    view = _view(qtbot, accounts, BOSS)
    dialog = view.add_user()
    qtbot.keyClicks(dialog.login_edit, "clerk1")
    qtbot.keyClicks(dialog.password_edit, "whatever1")
    qtbot.keyClicks(dialog.repeat_edit, "whatever1")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "已被使用" in dialog.message.text()
    assert dialog.focusWidget() is dialog.login_edit
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_disable_enable_and_the_last_admin(qtbot: QtBot, accounts: Store) -> None:
    view = _view(qtbot, accounts, BOSS)
    _select(view, "clerk1")
    assert view.disable_button.isEnabled()
    assert not view.enable_button.isEnabled()
    qtbot.mouseClick(view.disable_button, Qt.MouseButton.LeftButton)
    assert _cells(view)[1][3] == "已停用"
    assert "已停用用户 clerk1" in view.message.text()
    assert view.enable_button.isEnabled()
    qtbot.mouseClick(view.enable_button, Qt.MouseButton.LeftButton)
    assert _cells(view)[1][3] == "可用"
    _select(view, "boss")
    qtbot.mouseClick(view.disable_button, Qt.MouseButton.LeftButton)
    assert "唯一可用的管理员" in view.message.text()
    assert _cells(view)[0][3] == "可用"


def test_a_locked_account_shows_until_when_and_enable_lifts_it(
    qtbot: QtBot, accounts: Store
) -> None:
    for _ in range(5):
        with pytest.raises(Exception, match="密码"):
            sign_in(accounts, "clerk1", "wrong password")
    view = _view(qtbot, accounts, BOSS)
    assert _cells(view)[1][3].startswith("已锁定至 ")
    _select(view, "clerk1")
    qtbot.mouseClick(view.enable_button, Qt.MouseButton.LeftButton)
    assert _cells(view)[1][3] == "可用"
    assert sign_in(accounts, "clerk1", "clerkpass1").login == "clerk1"


def test_reset_a_password_and_change_a_role(qtbot: QtBot, accounts: Store) -> None:
    view = _view(qtbot, accounts, BOSS)
    _select(view, "clerk1")
    dialog = view.reset_password()
    assert dialog is not None
    assert dialog.old_edit is None  # an admin's reset needs no old password
    qtbot.keyClicks(dialog.new_edit, "freshpass1")
    qtbot.keyClicks(dialog.repeat_edit, "freshpass1")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert view.message.text() == "已修改 clerk1 的密码。"
    assert sign_in(accounts, "clerk1", "freshpass1").login == "clerk1"
    _select(view, "clerk1")
    role = view.change_role()
    assert isinstance(role, RoleDialog)
    role.role_combo.setCurrentIndex(role.role_combo.findData("leader"))
    qtbot.mouseClick(role.ok_button, Qt.MouseButton.LeftButton)
    assert _cells(view)[1][2] == "领导"
    assert view.message.text() == "clerk1 的角色已改为领导。"


def test_the_audit_check_reports_the_first_broken_link(qtbot: QtBot, accounts: Store) -> None:
    view = _view(qtbot, accounts, BOSS)
    with qtbot.waitSignal(view.audit_checked, timeout=30_000) as checked:
        qtbot.mouseClick(view.verify_button, Qt.MouseButton.LeftButton)
    assert checked.args[0].ok
    assert view.audit_result.text().startswith("审计日志完整")
    with accounts.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET user = 'mallory' WHERE id = 2"))
    with qtbot.waitSignal(view.audit_checked, timeout=30_000):
        qtbot.mouseClick(view.verify_button, Qt.MouseButton.LeftButton)
    assert view.audit_result.text().startswith("第一处断链：第 2 条。")
    assert "被修改" in view.audit_result.text()


@pytest.mark.parametrize(("role", "audit"), [("leader", True), ("inspector", False)])
def test_other_roles_see_no_accounts(qtbot: QtBot, accounts: Store, role: str, audit: bool) -> None:
    view = _view(qtbot, accounts, Actor("someone", "某人", role))
    accounts_box = view.findChild(QWidget, "accounts")
    assert accounts_box is not None
    assert not accounts_box.isVisible()
    assert view.not_allowed.isVisible()
    assert view.model.rowCount() == 0
    trail = view.findChild(QWidget, "auditTrail")
    assert trail is not None
    assert trail.isVisible() == audit
