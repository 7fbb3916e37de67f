"""User accounts: the first admin, adding, disabling, enabling, roles and passwords.

Every change is an audit event naming the account (never its password or hash). Accounts are
never deleted: a disabled user keeps their login, so the audit trail keeps naming them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workstation import clock
from workstation.errors import NotFound, ValidationError, WorkstationError
from workstation.models import User
from workstation.models.admin import ROLES
from workstation.password_policy import MIN_PASSWORD
from workstation.services import audit
from workstation.services.auth import (
    IMPLICIT_ADMIN,
    Actor,
    has_users,
    hash_password,
    require,
    role_label,
    verify_password,
)
from workstation.store import Store

MAX_PASSWORD = 256
MAX_LOGIN = 64
MAX_NAME = 100


@dataclasses.dataclass(frozen=True)
class UserRow:
    """One account as shown to an admin (no password hash)."""

    login: str
    display_name: str
    role: str
    disabled: bool
    locked_until: dt.datetime | None  # set while five wrong passwords keep it locked
    created_at: dt.datetime
    created_by: str | None
    updated_at: dt.datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "login": self.login,
            "display_name": self.display_name,
            "role": self.role,
            "disabled": self.disabled,
            "locked_until": self.locked_until.isoformat(timespec="seconds")
            if self.locked_until
            else None,
            "created_at": self.created_at.isoformat(timespec="seconds"),
            "created_by": self.created_by,
        }


def _row(user: User, now: dt.datetime | None = None) -> UserRow:
    now = now or clock.now()
    locked = user.locked_until if user.locked_until and user.locked_until > now else None
    return UserRow(
        user.login,
        user.display_name,
        user.role,
        user.disabled,
        locked,
        user.created_at,
        user.created_by,
        user.updated_at,
    )


def _state(user: User) -> dict[str, Any]:
    """What the audit trail keeps of an account (no secrets)."""
    return {
        "login": user.login,
        "display_name": user.display_name,
        "role": user.role,
        "disabled": user.disabled,
        "locked": user.locked_until is not None and user.locked_until > clock.now(),
    }


def check_login(login: str) -> str:
    login = (login or "").strip()
    if not login:
        raise ValidationError({"login": "登录名不能为空"})
    if len(login) > MAX_LOGIN:
        raise ValidationError({"login": f"登录名不能超过 {MAX_LOGIN} 个字符"})
    if any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in login):
        raise ValidationError({"login": "登录名不能含空格或控制字符"})
    return login


def check_password(password: str, field: str = "password") -> str:
    if len(password or "") < MIN_PASSWORD:
        raise ValidationError({field: f"密码至少 {MIN_PASSWORD} 位"})
    if len(password) > MAX_PASSWORD:
        raise ValidationError({field: f"密码不能超过 {MAX_PASSWORD} 位"})
    if password != password.strip():
        raise ValidationError({field: "密码首尾不能是空格"})
    return password


def check_role(role: str) -> str:
    from workstation.vocab import ROLE

    key = role if role in ROLES else ROLE.to_key(role)
    if key not in ROLES:
        choices = "、".join(f"{role_label(r)}（{r}）" for r in ROLES)
        raise ValidationError({"role": f"角色“{role}”不是可选值（可选：{choices}）"})
    return str(key)


def _display_name(name: str | None, login: str) -> str:
    name = (name or "").strip() or login
    if len(name) > MAX_NAME:
        raise ValidationError({"display_name": f"姓名不能超过 {MAX_NAME} 个字符"})
    return name


def _set_key_slot(store: Store, login: str, password: str) -> None:
    """On an encrypted store, the user's password opens the store key from now on (their key
    slot is written or replaced); nothing on a plain store. Called last in the account's
    transaction, so a key file that cannot be written leaves the account unchanged."""
    from workstation.store import crypto

    crypto.set_user_password(store, login, password)


def _find(session: Session, login: str) -> User:
    user = session.scalar(select(User).where(User.login == login))
    if user is None:
        raise NotFound(f"用户“{login}”不存在")
    return user


def _active_admins(session: Session) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.role == "admin", User.disabled.is_(False))
        )
        or 0
    )


def create_first_admin(store: Store, login: str, password: str, display_name: str = "") -> str:
    """Turn a single-user store into a multi-user one by creating its first admin."""
    login = check_login(login)
    check_password(password)
    name = _display_name(display_name, login)
    password_hash = hash_password(password)
    with store.write() as session:
        if has_users(session):
            raise WorkstationError("此数据库已有用户，请由管理员添加新用户")
        user = User(
            login=login,
            display_name=name,
            role="admin",
            password_hash=password_hash,
            created_by=IMPLICIT_ADMIN.login,
            updated_by=IMPLICIT_ADMIN.login,
        )
        session.add(user)
        session.flush()
        actor = Actor(login=login, display_name=name, role="admin")
        audit.record(session, actor, "user.create", "user", user.uuid, after=_state(user))
        _set_key_slot(store, login, password)
    return login


def add_user(
    store: Store, actor: Actor, login: str, display_name: str, role: str, password: str
) -> UserRow:
    """A new account. In a store with no users yet the first one must be an admin (else nobody
    could manage the accounts once logins are required)."""
    require(actor, "user.manage")
    login = check_login(login)
    role = check_role(role)
    name = _display_name(display_name, login)
    check_password(password)
    password_hash = hash_password(password)
    with store.write() as session:
        if not has_users(session) and role != "admin":
            raise ValidationError({"role": "此数据库尚无用户：第一个用户须为管理员"})
        if session.scalar(select(User.id).where(User.login == login)) is not None:
            raise ValidationError({"login": f"登录名“{login}”已被使用"})
        user = User(
            login=login,
            display_name=name,
            role=role,
            password_hash=password_hash,
            created_by=actor.login,
            updated_by=actor.login,
        )
        session.add(user)
        session.flush()
        audit.record(session, actor, "user.create", "user", user.uuid, after=_state(user))
        _set_key_slot(store, login, password)
        return _row(user)


def _change(
    store: Store,
    actor: Actor,
    login: str,
    action: str,
    apply: Any,
) -> UserRow:
    require(actor, "user.manage")
    with store.write() as session:
        user = _find(session, login)
        before = _state(user)
        apply(session, user)
        user.updated_by = actor.login
        session.flush()
        after = _state(user)
        if after != before:
            audit.record(session, actor, action, "user", user.uuid, before=before, after=after)
        return _row(user)


def _refuse_last_admin(session: Session, user: User, what: str) -> None:
    if user.role == "admin" and not user.disabled and _active_admins(session) <= 1:
        raise WorkstationError(f"“{user.login}”是唯一可用的管理员，不能{what}")


def disable_user(store: Store, actor: Actor, login: str) -> UserRow:
    """Stop an account from signing in; its records and audit events stay as they are. On an
    encrypted store its key slot is removed too (enabled again, it needs a password reset)."""

    def apply(session: Session, user: User) -> None:
        from workstation.store import crypto

        _refuse_last_admin(session, user, "停用")
        user.disabled = True
        session.flush()
        crypto.remove_user_slot(store, user.login)

    return _change(store, actor, login, "user.disable", apply)


def enable_user(store: Store, actor: Actor, login: str) -> UserRow:
    """Let a disabled account sign in again (and lift a lockout)."""

    def apply(_session: Session, user: User) -> None:
        user.disabled = False
        user.failed_logins, user.locked_until = 0, None

    return _change(store, actor, login, "user.enable", apply)


def set_role(store: Store, actor: Actor, login: str, role: str) -> UserRow:
    role = check_role(role)

    def apply(session: Session, user: User) -> None:
        if role != "admin":
            _refuse_last_admin(session, user, "改为其他角色")
        user.role = role

    return _change(store, actor, login, "user.role", apply)


def change_password(
    store: Store,
    actor: Actor,
    login: str,
    new_password: str,
    *,
    old_password: str | None = None,
) -> None:
    """A user changes their own password (giving the old one); an admin resets anyone's
    (which also lifts a lockout). The audit event says who changed it, never what to."""
    own = actor.login == login
    if not own or old_password is None:
        require(actor, "user.manage")
    check_password(new_password, "new_password")
    with store.read() as session:
        current = _find(session, login).password_hash
    if old_password is not None and not verify_password(current, old_password):
        raise ValidationError({"old_password": "原密码不正确"})
    if verify_password(current, new_password):
        raise ValidationError({"new_password": "新密码不能与原密码相同"})
    password_hash = hash_password(new_password)
    with store.write() as session:
        user = _find(session, login)
        if user.password_hash != current:
            raise WorkstationError(f"用户“{login}”的密码刚被他人修改，请重试")
        user.password_hash = password_hash
        user.failed_logins, user.locked_until = 0, None
        user.updated_by = actor.login
        audit.record(
            session,
            actor,
            "user.password",
            "user",
            user.uuid,
            after={"login": login, "by": "self" if own and old_password is not None else "admin"},
        )
        _set_key_slot(store, login, new_password)


def list_users(store: Store, actor: Actor) -> list[UserRow]:
    """Every account, by login."""
    require(actor, "user.manage")
    now = clock.now()
    with store.read() as session:
        return [_row(u, now) for u in session.scalars(select(User).order_by(User.login))]


def get_user(store: Store, actor: Actor, login: str) -> UserRow:
    if actor.login != login:
        require(actor, "user.manage")
    with store.read() as session:
        return _row(_find(session, login))
