"""`users add|disable|enable|passwd|role|list`: accounts, managed by an admin (DESIGN §6).

New passwords never appear on the command line (where `ps` would show them): they come from
--password-stdin, the environment variable WORKSTATION_NEW_PASSWORD, or a prompt.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import Any

from workstation.cli import Context, print_json, print_table
from workstation.errors import ValidationError, WorkstationError

NEW_PASSWORD_ENV = "WORKSTATION_NEW_PASSWORD"
ROLE_HELP = "角色：录入员 clerk / 核查员 inspector / 领导 leader / 管理员 admin"


def register(sub: Any, common: argparse.ArgumentParser, groups: Any) -> None:
    users = groups("users", "用户和角色（限管理员）")
    p = users.add_parser("add", parents=[common], help="添加用户")
    p.add_argument("login", help="登录名")
    p.add_argument("--role", required=True, help=ROLE_HELP)
    p.add_argument("--name", help="姓名（默认同登录名）")
    _password_options(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_users_add)
    for name, help_text, handler in (
        ("disable", "停用用户（其记录和审计日志保留）", cmd_users_disable),
        ("enable", "重新启用用户（同时解除锁定）", cmd_users_enable),
    ):
        p = users.add_parser(name, parents=[common], help=help_text)
        p.add_argument("login", help="登录名")
        p.add_argument("--json", action="store_true")
        p.set_defaults(handler=handler)
    p = users.add_parser(
        "passwd", parents=[common], help="修改密码（本人修改自己的，或管理员重设他人的）"
    )
    p.add_argument("login", help="登录名")
    _password_options(p)
    p.set_defaults(handler=cmd_users_passwd)
    p = users.add_parser("role", parents=[common], help="更改用户角色")
    p.add_argument("login", help="登录名")
    p.add_argument("--role", required=True, help=ROLE_HELP)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_users_role)
    p = users.add_parser("list", parents=[common], help="列出用户")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_users_list)


def _password_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help=f"从标准输入读取新密码（一行）；否则取环境变量 {NEW_PASSWORD_ENV}，或提示输入",
    )


def _new_password(ctx: Context, login: str) -> str:
    if ctx.args.password_stdin:
        line = sys.stdin.readline()
        password = line.removesuffix("\n").removesuffix("\r")
        if not password:
            raise ValidationError({"password": "标准输入中没有密码"})
        return password
    from_env = os.environ.get(NEW_PASSWORD_ENV)
    if from_env is not None:
        return from_env
    if not sys.stdin.isatty():
        raise WorkstationError(
            f"请用 --password-stdin 或环境变量 {NEW_PASSWORD_ENV} 提供用户 {login} 的新密码"
        )
    first = getpass.getpass(f"用户 {login} 的新密码：")
    again = getpass.getpass("再输入一次：")
    if first != again:
        raise ValidationError({"password": "两次输入的密码不一致"})
    return first


def _state(row: Any) -> str:
    from workstation.services.auth import cn_moment

    if row.disabled:
        return "已停用"
    if row.locked_until is not None:
        return f"已锁定至 {cn_moment(row.locked_until)}"
    return "可用"


def _print_row(ctx: Context, row: Any, done: str) -> None:
    from workstation.services.auth import role_label

    if ctx.args.json:
        print_json(row.to_json())
    else:
        print(f"{done}：{row.login}（{row.display_name}，{role_label(row.role)}，{_state(row)}）")


def cmd_users_add(ctx: Context) -> int:
    from workstation.services import users
    from workstation.services.auth import require

    a = ctx.args
    store, actor = ctx.store(), ctx.actor()
    # Refuse a forbidden or malformed request before asking for a password.
    require(actor, "user.manage")
    users.check_login(a.login)
    users.check_role(a.role)
    password = users.check_password(_new_password(ctx, a.login))
    row = users.add_user(store, actor, a.login, a.name or "", a.role, password)
    _print_row(ctx, row, "已添加用户")
    return 0


def cmd_users_disable(ctx: Context) -> int:
    from workstation.services import users

    row = users.disable_user(ctx.store(), ctx.actor(), ctx.args.login)
    _print_row(ctx, row, "已停用用户")
    return 0


def cmd_users_enable(ctx: Context) -> int:
    from workstation.services import users

    row = users.enable_user(ctx.store(), ctx.actor(), ctx.args.login)
    _print_row(ctx, row, "已启用用户")
    return 0


def cmd_users_role(ctx: Context) -> int:
    from workstation.services import users

    row = users.set_role(ctx.store(), ctx.actor(), ctx.args.login, ctx.args.role)
    _print_row(ctx, row, "已更改角色")
    return 0


def cmd_users_passwd(ctx: Context) -> int:
    from workstation.services import users
    from workstation.services.auth import require

    login = ctx.args.login
    store, actor = ctx.store(), ctx.actor()
    own = actor.login == login and ctx.password is not None
    if not own:
        require(actor, "user.manage")
    users.get_user(store, actor, login)  # a missing user is named before the prompt
    password = users.check_password(_new_password(ctx, login), "new_password")
    # One's own password changes against the password just signed in with.
    old = ctx.password if own else None
    users.change_password(store, actor, login, password, old_password=old)
    print(f"已修改用户 {login} 的密码")
    return 0


def cmd_users_list(ctx: Context) -> int:
    from workstation.services import users
    from workstation.services.auth import role_label

    rows = users.list_users(ctx.store(), ctx.actor())
    if ctx.args.json:
        print_json([r.to_json() for r in rows])
        return 0
    print_table(
        ["登录名", "姓名", "角色", "状态", "创建时间", "创建人"],
        [
            [
                r.login,
                r.display_name,
                role_label(r.role),
                _state(r),
                r.created_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                r.created_by,
            ]
            for r in rows
        ],
    )
    print(f"共 {len(rows)} 个用户", file=sys.stderr)
    return 0
