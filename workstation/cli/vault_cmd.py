"""`encrypt`, `backup`, `restore FILE`, `backups list`, `check`: the store's safety commands."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from workstation.cli import PASSWORD_ENV, Context, print_json, print_table
from workstation.errors import WorkstationError


def register(sub: Any, common: argparse.ArgumentParser, groups: Any) -> None:
    p = sub.add_parser("encrypt", parents=[common], help="加密数据库（管理员；打印一次恢复密钥）")
    p.add_argument("--new-recovery-key", action="store_true", help="为已加密的数据库更换恢复密钥")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_encrypt)

    p = sub.add_parser("backup", parents=[common], help="备份数据库（运行中也可备份）")
    p.add_argument("--to", metavar="DIR", help="备份到此文件夹（默认：数据库所在文件夹的 backups）")
    p.add_argument("--progress", action="store_true", help="在标准错误输出上报告进度")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_backup)

    p = sub.add_parser("restore", parents=[common], help="从备份恢复数据库（先检查备份）")
    p.add_argument("file", help="备份文件")
    p.add_argument("--progress", action="store_true", help="在标准错误输出上报告进度")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_restore)

    backups = groups("backups", "备份")
    p = backups.add_parser("list", parents=[common], help="列出备份")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_backups_list)

    p = sub.add_parser("check", parents=[common], help="检查数据库是否完好")
    p.add_argument("--full", action="store_true", help="完整检查（较慢，也核对索引）")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_check)


# --- the key of an encrypted store -------------------------------------------------------


def store_path(ctx: Context) -> Path | None:
    """The SQLite file named by --db (or the default store); None for a server URL."""
    from workstation.paths import default_store_path
    from workstation.store import to_url

    db = ctx.args.db or default_store_path(ctx.args.data_dir)
    url = to_url(db)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def _password(ctx: Context, login: str) -> str:
    password = getattr(ctx, "password", None) or os.environ.get(PASSWORD_ENV)
    if password is None:
        if not sys.stdin.isatty():
            raise WorkstationError(f"请在环境变量 {PASSWORD_ENV} 中提供密码")
        password = getpass.getpass(f"用户 {login} 的密码：")
    ctx.password = password
    return password


def store_key(ctx: Context, path: Path | None, *, keyring: Path | None = None) -> bytes | None:
    """The store key of an encrypted store, from --user's slot opened by their password; None
    for a plain store."""
    from workstation.store.crypto import is_encrypted, keyring_path, unlock

    if path is None or not is_encrypted(path):
        return None
    login = ctx.args.user
    if not login:
        raise WorkstationError(f"数据库“{path}”已加密，请用 --user 指定登录名")
    return unlock(keyring or keyring_path(path), login, _password(ctx, login))


def key_for_store(ctx: Context, db: Any) -> bytes | None:
    """For Context.store(): the key to open the store named by --db with, if it is encrypted."""
    from workstation.store import to_url

    url = to_url(db)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return store_key(ctx, Path(url.database))


# --- the commands ------------------------------------------------------------------------


def _progress(enabled: bool, what: str) -> Any:
    if not enabled:
        return None
    last = [-1]

    def report(done: int, total: int) -> None:
        percent = done * 100 // max(total, 1)
        if percent != last[0]:
            last[0] = percent
            print(f"{what} {done}/{total} 页", file=sys.stderr, flush=True)

    return report


RESTORE_PHASES = {
    "copy": "正在复制备份…",
    "keep": "正在保留当前数据库…",
    "switch": "正在替换数据库…",
    "done": "恢复完成",
}


def _phase(name: str) -> None:
    print(RESTORE_PHASES[name], file=sys.stderr, flush=True)


def cmd_encrypt(ctx: Context) -> int:
    from workstation.services import vault

    store = ctx.store()
    actor = ctx.actor()
    password = _password(ctx, actor.login)
    if ctx.args.new_recovery_key:
        recovery = vault.new_recovery_key(store, actor, password)
        if ctx.args.json:
            print_json({"recovery_key": recovery})
        else:
            _print_recovery(recovery)
        return 0
    done = vault.encrypt(store, actor, password)
    ctx._store = done.store  # the old handle was closed: commands after this use the new one
    if ctx.args.json:
        print_json(
            {
                "encrypted": True,
                "recovery_key": done.recovery_key,
                "backup": str(done.backup.path) if done.backup else None,
                "users_without_key": list(done.users_without_key),
                "original_overwritten": done.original_overwritten,
            }
        )
        return 0
    print(f"数据库“{store.path}”已加密；密钥文件：{store.path}.keys（与数据库放在一起，一同备份）")
    _print_recovery(done.recovery_key)
    if not done.original_overwritten:
        print("注意：此文件系统不支持硬链接，未加密的原文件未能覆盖，只是删除了", file=sys.stderr)
    if done.users_without_key:
        names = "、".join(done.users_without_key)
        print(f"以下用户还没有密钥，请管理员为其重设密码（users passwd）后才能登录：{names}")
    return 0


def _print_recovery(recovery: str) -> None:
    print()
    print("恢复密钥（只显示这一次，请抄写或打印后妥善保管，不要存放在本机）：")
    print()
    print(f"    {recovery}")
    print()
    print("所有管理员都忘记密码时，凭恢复密钥可以重新打开数据库。")


def cmd_backup(ctx: Context) -> int:
    from workstation.services import vault

    store = ctx.store()
    actor = ctx.actor()
    info = vault.backup_now(
        store,
        actor,
        folder=Path(ctx.args.to).expanduser().resolve() if ctx.args.to else None,
        progress=_progress(ctx.args.progress, "已备份"),
    )
    if ctx.args.json:
        print_json(info.to_json())
    else:
        print(f"已备份到 {info.path}（{_size(info.size)}{'，已加密' if info.encrypted else ''}）")
    return 0


def _size(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{max(1, size // 1024)} KB"


def cmd_backups_list(ctx: Context) -> int:
    from workstation.services import vault

    rows = vault.backups(ctx.store(), ctx.actor())
    if ctx.args.json:
        print_json([info.to_json() for info in rows])
        return 0
    print_table(
        ["文件", "备份时间", "类型", "大小", "加密"],
        [
            (
                info.path.name,
                info.taken_at.isoformat(sep=" ", timespec="seconds"),
                info.label,
                _size(info.size),
                "是" if info.encrypted else "否",
            )
            for info in rows
        ],
    )
    return 0


def cmd_restore(ctx: Context) -> int:
    from workstation.services import vault
    from workstation.store.integrity import check_at_start

    path = store_path(ctx)
    if path is None:
        from workstation.store.engine import SERVER_RESTORE

        raise WorkstationError(SERVER_RESTORE)
    backup = Path(ctx.args.file).expanduser().resolve()
    if not backup.is_file():
        raise WorkstationError(f"备份文件“{backup}”不存在")
    key = _restore_key(ctx, path, backup)
    if path.exists() and check_at_start(path, key).ok:
        actor = ctx.actor()  # signed in to the store as it is
        ctx.close()
        ctx._store = None
    else:
        # Too damaged to sign in to (or gone): the backup's own accounts say who may restore.
        login = ctx.args.user or ""
        if not login and not _has_users(backup, key):
            from workstation.services.auth import IMPLICIT_ADMIN

            actor = IMPLICIT_ADMIN
        else:
            if not login:
                raise WorkstationError("请用 --user 指定登录名")
            password = _password(ctx, login)
            actor = vault.sign_in_from_file(backup, key, login, password)
    result, store = vault.restore_backup(
        path,
        backup,
        actor,
        key,
        progress=_progress(ctx.args.progress, "已复制"),
        phase=_phase if ctx.args.progress else None,
    )
    ctx._store = store
    if ctx.args.json:
        print_json(result.to_json())
        return 0
    print(f"已从 {backup.name} 恢复数据库“{path}”")
    if result.kept_current is not None:
        print(f"恢复前的数据库已保留为备份：{result.kept_current.path}")
    return 0


def _restore_key(ctx: Context, path: Path, backup: Path) -> bytes | None:
    """The key for restoring: from the store's key file, or the backup's copy when the store's
    own is gone. None when the backup is plain."""
    from workstation.store.crypto import keyring_path
    from workstation.store.engine import file_is_plain_sqlite

    if file_is_plain_sqlite(backup) is not False:
        return None
    if not ctx.args.user:
        raise WorkstationError(f"备份“{backup.name}”已加密，请用 --user 指定登录名")
    own = keyring_path(path)
    if own.exists() and file_is_plain_sqlite(path) is not True:
        from workstation.store.crypto import unlock

        return unlock(own, ctx.args.user, _password(ctx, ctx.args.user))
    copy = keyring_path(backup)
    if not copy.exists():
        raise WorkstationError(f"找不到备份“{backup.name}”的密钥文件，无法恢复加密的备份")
    return store_key(ctx, backup, keyring=copy)


def _has_users(path: Path, key: bytes | None) -> bool:
    from workstation.store.engine import raw_connect

    conn = raw_connect(path, key, read_only=True)
    try:
        return bool(conn.execute("SELECT count(*) FROM users").fetchone()[0])
    finally:
        conn.close()


def cmd_check(ctx: Context) -> int:
    from workstation.store.integrity import check_at_start

    path = store_path(ctx)
    if path is None:
        from workstation.store.engine import SERVER_CHECK

        raise WorkstationError(SERVER_CHECK)
    if not path.exists():
        raise WorkstationError(f"数据库文件“{path}”不存在，请先运行 init 创建")
    found = check_at_start(path, store_key(ctx, path), full=ctx.args.full)
    if ctx.args.json:
        print_json(found.to_json())
    elif found.ok:
        print(found.message)
    else:
        print(f"错误：{found.message}", file=sys.stderr)
        for problem in found.problems:
            print(f"  {problem}", file=sys.stderr)
    return 0 if found.ok else 1
