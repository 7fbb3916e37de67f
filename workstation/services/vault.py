"""Backups, restore and encryption of the store, for an acting user (admin only), audited.

The store layer (workstation.store.backup, .crypto, .encrypting, .integrity) does the work
without knowing who asks; these functions check the role and write the audit event. The
automatic backups (before a migration, once a day) need no actor and call the store layer.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from workstation.errors import AuthError, PermissionDenied, WorkstationError
from workstation.models import User
from workstation.services import audit
from workstation.services.auth import Actor, require, role_label, verify_password
from workstation.store import Store, open_store
from workstation.store.backup import (
    BackupInfo,
    Progress,
    RestoreResult,
    list_backups,
    restore,
    take_backup,
)
from workstation.store.crypto import keyring_path, replace_recovery_key, slot_logins
from workstation.store.encrypting import encrypt_store
from workstation.store.engine import SERVER_ENCRYPT, _is_database_error, raw_connect


@dataclasses.dataclass(frozen=True)
class Encrypted:
    """An encryption done: the store reopened encrypted, and what to tell the admin once."""

    store: Store
    recovery_key: str = dataclasses.field(repr=False)
    backup: BackupInfo | None
    # Users who have no key slot yet: an admin sets their password (users passwd) to give one.
    users_without_key: tuple[str, ...]
    original_overwritten: bool


def backup_now(
    store: Store,
    actor: Actor,
    *,
    folder: Path | None = None,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
) -> BackupInfo:
    require(actor, "backup.run")
    return take_backup(store, label="manual", folder=folder, progress=progress, cancel=cancel)


def backups(store: Store, actor: Actor) -> list[BackupInfo]:
    """The store's backups, newest first."""
    require(actor, "backup.run")
    return list_backups(store.path) if store.path is not None else []


def _require_admin_user(store: Store, actor: Actor, password: str, what: str) -> None:
    if actor.role != "admin":
        raise PermissionDenied(f"用户“{actor.login}”（{role_label(actor.role)}）无权{what}")
    with store.read() as session:
        user = session.scalar(select(User).where(User.login == actor.login))
        if user is None:
            raise WorkstationError(
                f"{what}前请先创建管理员账户（init --admin 登录名），密钥将由其密码保护"
            )
        if user.disabled or not verify_password(user.password_hash, password):
            raise AuthError(f"用户“{actor.login}”的密码不正确")


def encrypt(store: Store, actor: Actor, password: str) -> Encrypted:
    """Encrypt a plain store; the acting admin's password opens the first key slot.

    The store given is closed (its file is replaced); the result holds it reopened with the
    key. The recovery key in the result is shown to the admin once and never stored."""
    if store.path is None:
        raise WorkstationError(SERVER_ENCRYPT)
    _require_admin_user(store, actor, password, "加密数据库")
    if store.is_encrypted:
        raise WorkstationError(f"数据库“{store.path}”已经加密")
    path = store.path
    with store.read() as session:
        logins = list(session.scalars(select(User.login).where(User.disabled.is_(False))))
    store.dispose()
    done = encrypt_store(path, actor.login, password)
    encrypted = open_store(path, key=done.store_key)
    try:
        with encrypted.write() as session:
            audit.record(
                session,
                actor,
                "store.encrypt",
                "store",
                None,
                after={"slots": [actor.login], "wiped": [p.name for p in done.wiped]},
            )
        first = take_backup(encrypted, label="after-encrypt")
    except BaseException:
        encrypted.dispose()
        raise
    without = tuple(login for login in logins if login != actor.login)
    return Encrypted(encrypted, done.recovery_key, first, without, done.original_overwritten)


def new_recovery_key(store: Store, actor: Actor, password: str) -> str:
    """Replace the recovery key of an encrypted store (shown once); the old one stops working."""
    _require_admin_user(store, actor, password, "更换恢复密钥")
    if not store.is_encrypted or store.path is None or store.key is None:
        raise WorkstationError("数据库未加密，没有恢复密钥")
    recovery = replace_recovery_key(keyring_path(store.path), store.key)
    with store.write() as session:
        audit.record(session, actor, "store.recovery_key", "store", None, after={})
    return recovery


def key_slots(store: Store, actor: Actor) -> list[str]:
    """The logins whose password opens the encrypted store (for the admin's screen)."""
    require(actor, "user.manage")
    if not store.is_encrypted or store.path is None:
        return []
    return slot_logins(keyring_path(store.path))


def file_has_accounts(path: Path, key: bytes | None) -> bool:
    """Whether a store file (a backup, say) has user accounts (read-only; nothing written)."""
    try:
        conn = raw_connect(path, key, read_only=True)
        try:
            return bool(conn.execute("SELECT count(*) FROM users").fetchone()[0])
        finally:
            conn.close()
    except Exception as exc:
        if not _is_database_error(exc):
            raise
        raise WorkstationError(f"无法读取“{path.name}”中的用户") from exc


def sign_in_from_file(path: Path, key: bytes | None, login: str, password: str) -> Actor:
    """The acting user as a store *file* knows them (read-only; nothing counted or written):
    for restoring over a store too damaged to sign in to, the backup names its admins."""
    try:
        conn = raw_connect(path, key, read_only=True)
        try:
            row = conn.execute(
                "SELECT login, display_name, role, password_hash, disabled FROM users"
                " WHERE login = ?",
                (login,),
            ).fetchone()
        finally:
            conn.close()
    except Exception as exc:
        if not _is_database_error(exc):
            raise
        raise WorkstationError(f"无法读取“{path.name}”中的用户") from exc
    if row is None or row[4]:
        raise AuthError(f"用户“{login}”不存在或已停用")
    if not verify_password(row[3], password):
        raise AuthError(f"用户“{login}”的密码不正确")
    return Actor(login=row[0], display_name=row[1], role=row[2])


def restore_backup(
    store_path: Path,
    backup: Path,
    actor: Actor,
    key: bytes | None = None,
    *,
    progress: Progress | None = None,
    phase: Callable[[str], None] | None = None,
) -> tuple[RestoreResult, Store]:
    """Restore a backup over the (closed) store file, then reopen it (migrating a backup of an
    older schema) and record who restored what. Returns the result and the store, open."""
    require(actor, "backup.run")
    result = restore(store_path, backup, key, progress=progress, phase=phase)
    store = open_store(store_path, key=key)
    try:
        details: dict[str, Any] = result.to_json()
        with store.write() as session:
            audit.record(
                session,
                actor,
                "store.restore",
                "store",
                None,
                after={
                    "from": Path(details["restored"]).name,
                    "revision": result.revision,
                    "kept_current": Path(details["kept_current"]).name
                    if details["kept_current"]
                    else None,
                },
            )
    except BaseException:
        store.dispose()
        raise
    return result, store
