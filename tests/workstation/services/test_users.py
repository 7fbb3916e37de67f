"""Accounts: adding, disabling, roles and passwords; signing in, lockout after five failures."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from workstation.errors import (
    AuthError,
    NotFound,
    PermissionDenied,
    ValidationError,
    WorkstationError,
)
from workstation.models import AuditEvent, User
from workstation.services import audit, leads, users
from workstation.services.auth import (
    IMPLICIT_ADMIN,
    LOCKOUT,
    MAX_FAILED_LOGINS,
    AccountLocked,
    Actor,
    holds_demo_data,
    idle_lock_minutes,
    needs_login,
    sign_in,
)
from workstation.store import Store, open_store

T0 = dt.datetime(2021, 3, 5, 6, 0, tzinfo=dt.UTC)  # 14:00 in Beijing
BOSS = Actor("boss", "王主任", "admin")


@pytest.fixture
def accounts(store: Store) -> Store:
    """A store with an admin (boss / bosspass1) and a clerk (clerk1 / clerkpass1)."""
    users.create_first_admin(store, "boss", "bosspass1", "王主任")
    users.add_user(store, BOSS, "clerk1", "王录入", "clerk", "clerkpass1")
    return store


def _events(store: Store, action: str | None = None) -> list[AuditEvent]:
    with store.read() as session:
        stmt = select(AuditEvent).order_by(AuditEvent.id)
        if action:
            stmt = stmt.where(AuditEvent.action == action)
        return list(session.scalars(stmt))


def _audit_text(store: Store) -> str:
    return json.dumps(
        [(e.user, e.action, e.before, e.after) for e in _events(store)], ensure_ascii=False
    )


# --- accounts -------------------------------------------------------------------------------


def test_add_user_stores_an_argon2id_hash_and_audits_without_it(accounts: Store) -> None:
    row = users.add_user(accounts, BOSS, "insp1", "李核查", "核查员", "inspectorpass")
    assert (row.login, row.display_name, row.role, row.disabled) == (
        "insp1", "李核查", "inspector", False,
    )  # fmt: skip
    with accounts.read() as session:
        stored = session.scalar(select(User.password_hash).where(User.login == "insp1"))
    assert stored is not None
    assert stored.startswith("$argon2id$")
    created = _events(accounts, "user.create")[-1]
    assert created.user == "boss"
    assert created.after == {
        "login": "insp1", "display_name": "李核查", "role": "inspector", "disabled": False,
        "locked": False,
    }  # fmt: skip
    text = _audit_text(accounts)
    assert "argon2" not in text
    assert "inspectorpass" not in text
    assert [u.login for u in users.list_users(accounts, BOSS)] == ["boss", "clerk1", "insp1"]


@pytest.mark.parametrize(
    ("login", "role", "password", "field", "message"),
    [
        ("", "clerk", "longenough", "login", "登录名不能为空"),
        ("a b", "clerk", "longenough", "login", "不能含空格"),
        ("x" * 65, "clerk", "longenough", "login", "不能超过 64"),
        ("clerk1", "clerk", "longenough", "login", "已被使用"),
        ("new1", "boss", "longenough", "role", "不是可选值"),
        ("new1", "clerk", "short", "password", "至少 8 位"),
        ("new1", "clerk", " padded pw ", "password", "首尾不能是空格"),
    ],
)
def test_bad_accounts_are_refused_naming_the_field(
    accounts: Store, login: str, role: str, password: str, field: str, message: str
) -> None:
    before = len(_events(accounts))
    with pytest.raises(ValidationError) as caught:
        users.add_user(accounts, BOSS, login, "", role, password)
    assert field in caught.value.problems
    assert message in caught.value.problems[field]
    assert len(_events(accounts)) == before


def test_only_admins_manage_accounts(accounts: Store, clerk: Actor, leader: Actor) -> None:
    for actor in (clerk, leader):
        with pytest.raises(PermissionDenied, match="无权管理用户"):
            users.add_user(accounts, actor, "x1", "", "clerk", "longenough")
        with pytest.raises(PermissionDenied):
            users.disable_user(accounts, actor, "clerk1")
        with pytest.raises(PermissionDenied):
            users.list_users(accounts, actor)
        with pytest.raises(PermissionDenied):
            users.change_password(accounts, actor, "clerk1", "another pass")


def test_the_first_user_of_a_single_user_store_must_be_an_admin(store: Store) -> None:
    assert not needs_login(store)
    with pytest.raises(ValidationError, match="第一个用户须为管理员"):
        users.add_user(store, IMPLICIT_ADMIN, "clerk1", "", "clerk", "clerkpass1")
    assert not needs_login(store)
    users.add_user(store, IMPLICIT_ADMIN, "boss", "", "admin", "bosspass1")
    assert needs_login(store)
    with pytest.raises(WorkstationError, match="已有用户"):
        users.create_first_admin(store, "other", "otherpass1")


def test_a_disabled_user_cannot_sign_in_and_keeps_their_audit_events(accounts: Store) -> None:
    clerk = sign_in(accounts, "clerk1", "clerkpass1", now=T0)
    leads.create_lead(
        accounts, clerk, {"received_on": "2021-03-01", "summary": "反映某民警违规插手纠纷"}
    )
    row = users.disable_user(accounts, BOSS, "clerk1")
    assert row.disabled
    with pytest.raises(AuthError, match="已停用"):
        sign_in(accounts, "clerk1", "clerkpass1", now=T0)
    assert any(e.user == "clerk1" and e.action == "lead.create" for e in _events(accounts))
    event = _events(accounts, "user.disable")[-1]
    assert (event.user, event.before["disabled"], event.after["disabled"]) == (
        "boss", False, True,
    )  # fmt: skip
    # Still listed (accounts are never deleted), and enabled again it signs in.
    assert [u.disabled for u in users.list_users(accounts, BOSS)] == [False, True]
    users.enable_user(accounts, BOSS, "clerk1")
    assert sign_in(accounts, "clerk1", "clerkpass1", now=T0).role == "clerk"
    assert audit.verify_chain(accounts, BOSS).ok


def test_the_last_active_admin_cannot_be_disabled_or_demoted(accounts: Store) -> None:
    with pytest.raises(WorkstationError, match="唯一可用的管理员"):
        users.disable_user(accounts, BOSS, "boss")
    with pytest.raises(WorkstationError, match="唯一可用的管理员"):
        users.set_role(accounts, BOSS, "boss", "leader")
    users.add_user(accounts, BOSS, "boss2", "", "admin", "boss2pass1")
    users.disable_user(accounts, BOSS, "boss")
    with pytest.raises(WorkstationError, match="唯一可用的管理员"):
        users.disable_user(accounts, BOSS, "boss2")
    assert users.set_role(accounts, BOSS, "clerk1", "leader").role == "leader"
    with pytest.raises(NotFound):
        users.disable_user(accounts, BOSS, "nobody")


def test_a_user_changes_their_own_password_with_the_old_one(accounts: Store) -> None:
    clerk = sign_in(accounts, "clerk1", "clerkpass1", now=T0)
    with pytest.raises(ValidationError) as caught:
        users.change_password(accounts, clerk, "clerk1", "newclerkpass", old_password="wrong")
    assert caught.value.problems == {"old_password": "原密码不正确"}
    with pytest.raises(PermissionDenied):  # without the old one, it is a reset: admins only
        users.change_password(accounts, clerk, "clerk1", "newclerkpass")
    with pytest.raises(ValidationError, match="不能与原密码相同"):
        users.change_password(accounts, clerk, "clerk1", "clerkpass1", old_password="clerkpass1")
    users.change_password(accounts, clerk, "clerk1", "newclerkpass", old_password="clerkpass1")
    with pytest.raises(AuthError, match="密码不正确"):
        sign_in(accounts, "clerk1", "clerkpass1", now=T0)
    assert sign_in(accounts, "clerk1", "newclerkpass", now=T0) == clerk
    event = _events(accounts, "user.password")[-1]
    assert (event.user, event.after) == ("clerk1", {"login": "clerk1", "by": "self"})
    assert "newclerkpass" not in _audit_text(accounts)


def test_an_admin_resets_a_password_and_lifts_a_lockout(accounts: Store) -> None:
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(AuthError):
            sign_in(accounts, "clerk1", "wrong")  # now: the listing shows locks as of now
    assert users.get_user(accounts, BOSS, "clerk1").locked_until is not None
    users.change_password(accounts, BOSS, "clerk1", "resetpass1")
    assert users.get_user(accounts, BOSS, "clerk1").locked_until is None
    assert sign_in(accounts, "clerk1", "resetpass1").login == "clerk1"
    assert _events(accounts, "user.password")[-1].after == {"login": "clerk1", "by": "admin"}


# --- signing in and lockout -------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_for_five_minutes(accounts: Store) -> None:
    for attempt in range(1, MAX_FAILED_LOGINS):
        with pytest.raises(AuthError, match=f"再错 {MAX_FAILED_LOGINS - attempt} 次") as caught:
            sign_in(accounts, "clerk1", f"wrong{attempt}", now=T0)
        assert not isinstance(caught.value, AccountLocked)
    with pytest.raises(AccountLocked) as locked:
        sign_in(accounts, "clerk1", "wrong5", now=T0)
    assert locked.value.until == T0 + LOCKOUT
    assert "已锁定" in locked.value.message
    assert "2021年3月5日" in locked.value.message  # until when, as users read dates
    # While locked even the right password is refused, without being checked.
    with pytest.raises(AccountLocked):
        sign_in(accounts, "clerk1", "clerkpass1", now=T0 + LOCKOUT - dt.timedelta(seconds=1))
    # Other accounts are not affected.
    assert sign_in(accounts, "boss", "bosspass1", now=T0).login == "boss"
    # Five minutes later the right password works, and the count starts again.
    assert sign_in(accounts, "clerk1", "clerkpass1", now=T0 + LOCKOUT).login == "clerk1"
    with accounts.read() as session:
        user = session.scalar(select(User).where(User.login == "clerk1"))
        assert user is not None
        assert (user.failed_logins, user.locked_until) == (0, None)
    fails = _events(accounts, "auth.fail")
    assert [e.after["reason"] for e in fails] == ["password"] * 5 + ["locked"]
    assert all(e.user == "clerk1" for e in fails)
    lockout = _events(accounts, "auth.lockout")
    assert len(lockout) == 1
    assert lockout[0].after["attempts"] == MAX_FAILED_LOGINS
    text = _audit_text(accounts)
    assert "wrong" not in text
    assert "clerkpass1" not in text
    assert audit.verify_chain(accounts, BOSS).ok


def test_a_successful_sign_in_resets_the_count(accounts: Store) -> None:
    for _ in range(MAX_FAILED_LOGINS - 1):
        with pytest.raises(AuthError):
            sign_in(accounts, "clerk1", "wrong", now=T0)
    sign_in(accounts, "clerk1", "clerkpass1", now=T0)
    for _ in range(MAX_FAILED_LOGINS - 1):
        with pytest.raises(AuthError) as caught:
            sign_in(accounts, "clerk1", "wrong", now=T0)
        assert not isinstance(caught.value, AccountLocked)


def test_unknown_logins_are_refused_and_audited(accounts: Store) -> None:
    with pytest.raises(AuthError, match="不存在"):
        sign_in(accounts, "mallory", "whatever", now=T0)
    event = _events(accounts, "auth.fail")[-1]
    assert (event.user, event.entity_uuid, event.after) == (
        "mallory", None, {"login": "mallory", "reason": "unknown"},
    )  # fmt: skip
    with pytest.raises(AuthError, match="--user"):
        sign_in(accounts, None, None)


def test_a_session_start_is_recorded(accounts: Store) -> None:
    before = len(_events(accounts))
    sign_in(accounts, "clerk1", "clerkpass1", now=T0)  # a CLI command: nothing recorded
    assert len(_events(accounts)) == before
    sign_in(accounts, "clerk1", "clerkpass1", now=T0, session_start=True)
    assert [e.action for e in _events(accounts)[before:]] == ["auth.login"]


def test_a_single_user_store_acts_as_the_implicit_admin(store: Store) -> None:
    assert sign_in(store, None, None) == IMPLICIT_ADMIN
    assert sign_in(store, "admin", None) == IMPLICIT_ADMIN
    with pytest.raises(AuthError, match="尚无用户"):
        sign_in(store, "zhang", "x")
    assert not holds_demo_data(store)
    assert idle_lock_minutes(store) == 10


# --- reporters in the audit trail ------------------------------------------------------------


def test_lead_history_masks_reporters_unless_unmasked_and_logs_the_unmasking(
    store: Store, admin: Actor, clerk: Actor, leader: Actor
) -> None:
    row = leads.create_lead(
        store,
        admin,
        {
            "received_on": "2021-03-01",
            "summary": "反映某民警违规插手纠纷",
            "reporter_name": "陈晓梅",
            "reporter_phone": "13912345678",
        },
    )
    events = audit.history(store, clerk, row.uuid)
    assert events[0]["after"]["reporter_name"] == "陈**"
    assert events[0]["after"]["reporter_phone"] == "139****5678"
    assert "陈晓梅" not in json.dumps(events, ensure_ascii=False)
    count = len(_events(store))
    with pytest.raises(PermissionDenied, match="无权查看反映人完整信息"):
        audit.history(store, clerk, row.uuid, unmask=True)
    assert len(_events(store)) == count
    full = audit.history(store, leader, row.uuid, unmask=True)
    assert full[0]["after"]["reporter_name"] == "陈晓梅"
    logged = _events(store, "reporter.unmask")
    assert [(e.user, e.entity_uuid, e.after) for e in logged] == [
        ("lead1", row.uuid, {"purpose": "audit.history"})
    ]


# --- encrypted stores: each user's password opens the store key ------------------------------


def test_accounts_of_an_encrypted_store_keep_their_key_slots(tmp_path: Path) -> None:
    from workstation.errors import AuthError as KeyRefused
    from workstation.services import vault
    from workstation.store import crypto

    store = open_store(tmp_path / "secret.db", create=True)
    users.create_first_admin(store, "boss", "bosspass1", "王主任")
    encrypted = vault.encrypt(store, BOSS, "bosspass1").store
    path = tmp_path / "secret.db"
    try:
        users.add_user(encrypted, BOSS, "clerk1", "王录入", "clerk", "clerkpass1")
        assert crypto.unlock_store(path, "clerk1", "clerkpass1") == encrypted.key
        clerk = sign_in(encrypted, "clerk1", "clerkpass1")
        users.change_password(encrypted, clerk, "clerk1", "newclerkpass", old_password="clerkpass1")
        assert crypto.unlock_store(path, "clerk1", "newclerkpass") == encrypted.key
        with pytest.raises(KeyRefused):
            crypto.unlock_store(path, "clerk1", "clerkpass1")
        users.disable_user(encrypted, BOSS, "clerk1")
        with pytest.raises(KeyRefused):
            crypto.unlock_store(path, "clerk1", "newclerkpass")
        # Enabled again, a password reset gives the slot back.
        users.enable_user(encrypted, BOSS, "clerk1")
        users.change_password(encrypted, BOSS, "clerk1", "resetpass1")
        assert crypto.unlock_store(path, "clerk1", "resetpass1") == encrypted.key
        assert crypto.slot_logins(crypto.keyring_path(path)) == ["boss", "clerk1"]
    finally:
        encrypted.dispose()


def test_a_rejects_workbook_with_reporters_is_noted_in_the_import_event(
    store: Store, clerk: Actor, tmp_path: Path
) -> None:
    from workstation.importing import ImportOptions, run_import

    ledger = tmp_path / "台账.csv"
    ledger.write_text(
        "受理时间,反映人,联系电话,主要问题\n"
        "2021-04-01,陈晓梅,13912345678,反映某民警插手经济纠纷\n"
        "2021-04-02,李四,13800001111,\n",
        encoding="utf-8",
    )
    rejects = tmp_path / "问题行.xlsx"
    options = ImportOptions("leads", today=dt.date(2021, 6, 30), rejects=rejects)
    result = run_import(store, clerk, ledger, options)
    assert (result.imported, len(result.rejected)) == (1, 1)
    assert rejects.exists()  # the rejected row as it was read, reporter included
    (event,) = _events(store, "import.leads")
    assert event.user == "clerk1"
    assert event.after["rejects"] == {
        "file": "问题行.xlsx", "rows": 1, "reporter_columns": True,
    }  # fmt: skip
