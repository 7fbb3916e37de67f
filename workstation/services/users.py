"""User accounts (the first admin for now; management comes with the security issue)."""

from __future__ import annotations

from workstation.errors import ValidationError, WorkstationError
from workstation.models import User
from workstation.services import audit
from workstation.services.auth import IMPLICIT_ADMIN, Actor, has_users, hash_password
from workstation.store import Store

MIN_PASSWORD = 8


def create_first_admin(store: Store, login: str, password: str, display_name: str = "") -> str:
    """Turn a single-user store into a multi-user one by creating its first admin."""
    login = login.strip()
    if not login:
        raise ValidationError({"login": "登录名不能为空"})
    if len(password) < MIN_PASSWORD:
        raise ValidationError({"password": f"密码至少 {MIN_PASSWORD} 位"})
    with store.write() as session:
        if has_users(session):
            raise WorkstationError("此数据库已有用户，请由管理员添加新用户")
        user = User(
            login=login,
            display_name=display_name or login,
            role="admin",
            password_hash=hash_password(password),
            created_by=IMPLICIT_ADMIN.login,
            updated_by=IMPLICIT_ADMIN.login,
        )
        session.add(user)
        session.flush()
        actor = Actor(login=login, display_name=user.display_name, role="admin")
        audit.record(
            session,
            actor,
            "user.create",
            "user",
            user.uuid,
            after={"login": login, "role": "admin"},
        )
    return login
