"""Who is acting, and what each role may do; every service checks here first.

Signing in counts failed attempts in the users table: five in a row lock the account for five
minutes. Failures and lockouts are audit events (never with the password typed).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from workstation import clock
from workstation.errors import AuthError, PermissionDenied
from workstation.models import AuditEvent, User
from workstation.store import Store


@dataclasses.dataclass(frozen=True)
class Actor:
    login: str
    display_name: str
    role: str


# A store with no user yet is a single-user store (demos, tests): everything acts as this admin.
IMPLICIT_ADMIN = Actor(login="admin", display_name="管理员", role="admin")

ALL_ROLES = frozenset({"clerk", "inspector", "leader", "admin"})
EDITORS = frozenset({"inspector", "admin"})
ENTERERS = frozenset({"clerk", "inspector", "admin"})
ADMINS = frozenset({"admin"})

# Roles (issue 6): clerk imports and enters leads; inspector edits leads and reviews cases;
# leader reads everything, issues briefs and may see reporters unmasked; admin manages users,
# settings, backups and exchange packets (and may do everything else).
PERMISSIONS: dict[str, frozenset[str]] = {
    "lead.read": ALL_ROLES,
    "lead.create": ENTERERS,
    "lead.edit": EDITORS,
    "case.read": ALL_ROLES,
    "case.create": ENTERERS,
    "case.edit": EDITORS,
    "unit.edit": ENTERERS,
    "import.run": ENTERERS,
    "anomaly.read": ALL_ROLES,
    "anomaly.scan": EDITORS,
    "anomaly.review": EDITORS,
    "watch.read": frozenset({"inspector", "leader", "admin"}),
    "brief.generate": frozenset({"inspector", "leader", "admin"}),
    "reporter.unmask": frozenset({"leader", "admin"}),
    "audit.verify": frozenset({"leader", "admin"}),
    "demo.generate": ADMINS,
    "user.manage": ADMINS,
    "settings.edit": ADMINS,
    "backup.run": ADMINS,
    "exchange.run": ADMINS,
    "conflict.resolve": EDITORS,
}

ACTION_LABELS = {
    "lead.read": "查看线索",
    "lead.create": "录入线索",
    "lead.edit": "修改线索",
    "case.read": "查看案件",
    "case.create": "录入案件",
    "case.edit": "修改案件",
    "unit.edit": "维护单位",
    "import.run": "导入表格",
    "anomaly.read": "查看案件异常",
    "anomaly.scan": "运行案件异常扫描",
    "anomaly.review": "认定、排除或标记案件异常",
    "watch.read": "查看重点关注名单",
    "brief.generate": "生成简报",
    "reporter.unmask": "查看反映人完整信息",
    "audit.verify": "校验审计日志",
    "demo.generate": "生成演示数据",
    "user.manage": "管理用户",
    "settings.edit": "修改系统设置",
    "backup.run": "备份或恢复数据库",
    "exchange.run": "导入或导出交换包",
    "conflict.resolve": "解决交换冲突",
}

MAX_FAILED_LOGINS = 5
LOCKOUT = dt.timedelta(minutes=5)


class AccountLocked(AuthError):
    """Too many wrong passwords: the account refuses every sign-in until `until`."""

    def __init__(self, message: str, until: dt.datetime) -> None:
        super().__init__(message)
        self.until = until


def can(actor: Actor, permission: str) -> bool:
    return actor.role in PERMISSIONS[permission]


def require(actor: Actor, permission: str) -> None:
    if not can(actor, permission):
        raise PermissionDenied(
            f"用户“{actor.login}”（{role_label(actor.role)}）无权{ACTION_LABELS[permission]}"
        )


def role_label(role: str) -> str:
    from workstation.vocab import ROLE

    try:
        return ROLE.label(role)
    except KeyError:
        return role


def cn_moment(moment: dt.datetime) -> str:
    """A moment as users read it in prose, in local time: 2021年3月5日 14:05."""
    local = moment.astimezone()
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def has_users(session: Session) -> bool:
    return bool(session.scalar(select(func.count()).select_from(User)))


def hash_password(password: str) -> str:
    """An argon2id hash (argon2-cffi's defaults, RFC 9106's second recommended profile)."""
    from argon2 import PasswordHasher

    return PasswordHasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return PasswordHasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@functools.cache
def _dummy_hash() -> str:
    return hash_password("not a password of anyone")


@dataclasses.dataclass(frozen=True)
class _Account:
    uuid: str
    login: str
    display_name: str
    role: str
    password_hash: str | None
    disabled: bool
    failed_logins: int
    locked_until: dt.datetime | None


def _locked_message(login: str, until: dt.datetime) -> str:
    return (
        f"用户“{login}”连续 {MAX_FAILED_LOGINS} 次密码错误，账户已锁定，"
        f"请于 {cn_moment(until)} 后再试"
    )


def _attempt_actor(login: str) -> Actor:
    # Failed attempts are recorded under the login that was typed: nobody was identified.
    return Actor(login=login[:64], display_name="", role="")


def _record_refusal(store: Store, login: str, account: _Account | None, reason: str) -> None:
    from workstation.services import audit

    with store.write() as session:
        audit.record(
            session,
            _attempt_actor(login),
            "auth.fail",
            "user",
            account.uuid if account else None,
            after={"login": login, "reason": reason},
        )


def _count_failure(store: Store, account: _Account, now: dt.datetime) -> AuthError:
    """Count a wrong password (locking the account at the limit); the error to raise."""
    from workstation.services import audit

    with store.write() as session:
        user = session.scalar(select(User).where(User.uuid == account.uuid))
        if user is None:  # removed meanwhile
            return AuthError(f"用户“{account.login}”不存在")
        who = _attempt_actor(account.login)
        if user.locked_until is not None and user.locked_until > now:
            # Another attempt locked it meanwhile.
            error: AuthError = AccountLocked(
                _locked_message(account.login, user.locked_until), user.locked_until
            )
            failed = MAX_FAILED_LOGINS
        else:
            failed = (user.failed_logins or 0) + 1
            if failed >= MAX_FAILED_LOGINS:
                until = now + LOCKOUT
                user.failed_logins, user.locked_until = 0, until
                error = AccountLocked(_locked_message(account.login, until), until)
            else:
                user.failed_logins, user.locked_until = failed, None
                left = MAX_FAILED_LOGINS - failed
                error = AuthError(
                    f"用户“{account.login}”的密码不正确（再错 {left} 次账户将锁定 "
                    f"{LOCKOUT.seconds // 60} 分钟）"
                )
        audit.record(
            session,
            who,
            "auth.fail",
            "user",
            account.uuid,
            after={"login": account.login, "reason": "password", "attempt": failed},
        )
        if isinstance(error, AccountLocked) and failed >= MAX_FAILED_LOGINS:
            audit.record(
                session,
                who,
                "auth.lockout",
                "user",
                account.uuid,
                after={"login": account.login, "until": error.until, "attempts": failed},
            )
    return error


def _find_account(store: Store, login: str | None) -> _Account | None:
    """The account named by `login`; IMPLICIT_ADMIN's stand-in None for a single-user store."""
    with store.read() as session:
        if not has_users(session):
            if login and login != IMPLICIT_ADMIN.login:
                raise AuthError(f"此数据库尚无用户，不能以“{login}”身份操作")
            return None
        if not login:
            raise AuthError("此数据库已设置用户，请指定登录名（命令行用 --user）")
        user = session.scalar(select(User).where(User.login == login))
        if user is None:
            return _Account("", login, "", "", None, False, 0, None)
        return _Account(
            user.uuid,
            user.login,
            user.display_name,
            user.role,
            user.password_hash,
            user.disabled,
            user.failed_logins or 0,
            user.locked_until,
        )


def sign_in(
    store: Store,
    login: str | None,
    password: str | None,
    *,
    now: dt.datetime | None = None,
    session_start: bool = False,
) -> Actor:
    """Identify the acting user for a front end (the UI's login and unlock, the CLI).

    A store with no users yet acts as IMPLICIT_ADMIN. Otherwise the password is checked
    (outside any transaction: argon2 is slow on purpose); a wrong one is counted, and the
    fifth in a row locks the account for LOCKOUT (AccountLocked says until when). A locked
    account is refused without its password being checked. `session_start` records the
    sign-in itself as an audit event (the UI's login; each CLI command is not one)."""
    from workstation.services import audit

    now = now or clock.now()
    account = _find_account(store, login)
    if account is None:
        return IMPLICIT_ADMIN
    assert login is not None
    if not account.uuid:
        verify_password(_dummy_hash(), password or "")  # the same cost as for a real login
        _record_refusal(store, login, None, "unknown")
        raise AuthError(f"用户“{login}”不存在")
    if account.locked_until is not None and account.locked_until > now:
        _record_refusal(store, login, account, "locked")
        raise AccountLocked(_locked_message(login, account.locked_until), account.locked_until)
    if not verify_password(account.password_hash, password or ""):
        raise _count_failure(store, account, now)
    if account.disabled:
        _record_refusal(store, login, account, "disabled")
        raise AuthError(f"用户“{login}”已停用，请联系管理员")
    actor = Actor(login=account.login, display_name=account.display_name, role=account.role)
    if account.failed_logins or account.locked_until is not None or session_start:
        with store.write() as session:
            user = session.scalar(select(User).where(User.uuid == account.uuid))
            if user is not None:
                user.failed_logins, user.locked_until = 0, None
            if session_start:
                audit.record(session, actor, "auth.login", "user", account.uuid)
    return actor


def needs_login(store: Store) -> bool:
    """Whether the store has users (so a login and password are asked for)."""
    with store.read() as session:
        return has_users(session)


def holds_demo_data(store: Store) -> bool:
    """Whether demonstration data was ever generated into this store."""
    with store.read() as session:
        return bool(session.scalar(select(exists().where(AuditEvent.action == "demo.generate"))))


def idle_lock_minutes(store: Store) -> int:
    """Minutes without input after which the app locks itself (0: never)."""
    from workstation import settings

    with store.read() as session:
        return max(0, int(settings.load(session).idle_lock_minutes))
