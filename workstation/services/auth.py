"""Who is acting, and what each role may do; every service checks here first."""

from __future__ import annotations

import dataclasses

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workstation.errors import AuthError, PermissionDenied
from workstation.models import User
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

PERMISSIONS: dict[str, frozenset[str]] = {
    "lead.read": ALL_ROLES,
    "lead.create": ENTERERS,
    "lead.edit": EDITORS,
    "case.read": ALL_ROLES,
    "case.create": ENTERERS,
    "case.edit": EDITORS,
    "unit.edit": ENTERERS,
    "anomaly.read": ALL_ROLES,
    "anomaly.scan": EDITORS,
    "anomaly.review": EDITORS,
    "watch.read": frozenset({"inspector", "leader", "admin"}),
    "brief.generate": frozenset({"inspector", "leader", "admin"}),
    "reporter.unmask": frozenset({"leader", "admin"}),
    "audit.verify": frozenset({"leader", "admin"}),
    "demo.generate": frozenset({"admin"}),
    "user.manage": frozenset({"admin"}),
}

ACTION_LABELS = {
    "lead.read": "查看线索",
    "lead.create": "录入线索",
    "lead.edit": "修改线索",
    "case.read": "查看案件",
    "case.create": "录入案件",
    "case.edit": "修改案件",
    "unit.edit": "维护单位",
    "anomaly.read": "查看案件异常",
    "anomaly.scan": "运行案件异常扫描",
    "anomaly.review": "认定、排除或标记案件异常",
    "watch.read": "查看重点关注名单",
    "brief.generate": "生成简报",
    "reporter.unmask": "查看反映人完整信息",
    "audit.verify": "校验审计日志",
    "demo.generate": "生成演示数据",
    "user.manage": "管理用户",
}


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


def has_users(session: Session) -> bool:
    return bool(session.scalar(select(func.count()).select_from(User)))


def resolve_actor(session: Session, login: str | None, password: str | None) -> Actor:
    """The acting user: the implicit admin of a single-user store, else a checked login."""
    if not has_users(session):
        if login and login != IMPLICIT_ADMIN.login:
            raise AuthError(f"此数据库尚无用户，不能以“{login}”身份操作")
        return IMPLICIT_ADMIN
    if not login:
        raise AuthError("此数据库已设置用户，请用 --user 指定登录名")
    user = session.scalar(select(User).where(User.login == login))
    if user is None or user.disabled:
        raise AuthError(f"用户“{login}”不存在或已停用")
    if not verify_password(user.password_hash, password or ""):
        raise AuthError(f"用户“{login}”的密码不正确")
    return Actor(login=user.login, display_name=user.display_name, role=user.role)


def hash_password(password: str) -> str:
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


def sign_in(store: Store, login: str | None, password: str | None) -> Actor:
    """Identify the acting user for a front end (the UI's login dialog, the CLI)."""
    with store.read() as session:
        return resolve_actor(session, login, password)


def needs_login(store: Store) -> bool:
    """Whether the store has users (so a login and password are asked for)."""
    with store.read() as session:
        return has_users(session)
