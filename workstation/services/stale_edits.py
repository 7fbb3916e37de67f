"""Refusing a save made on an old read: the message names who saved the record since, and when.

Leads and cases carry a version (SQLAlchemy's version_id_col). A save that names the version the
user saw is refused when the stored one differs, however long ago the other save was; a save that
races another one on a server store is refused by the version in its UPDATE's WHERE clause. Both
say the same thing: "线索“XS2021-00012”已被 张三 于 10:42 修改（您打开后），请刷新后再改".
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from workstation import clock
from workstation.errors import Conflict
from workstation.models import User
from workstation.services.auth import IMPLICIT_ADMIN, cn_moment


def display_name(session: Session, login: str | None) -> str:
    """The name people know a login by (users.display_name); the login itself when the store
    has no such user (a single-user store's implicit admin has its own name)."""
    if not login:
        return "他人"
    name = session.scalar(select(User.display_name).where(User.login == login))
    if name:
        return name
    if login == IMPLICIT_ADMIN.login:
        return IMPLICIT_ADMIN.display_name
    return login


def moment(at: dt.datetime, *, today: dt.date | None = None) -> str:
    """When, in the local clock: 10:42 today, 2021年3月5日 10:42 on another day."""
    local = at.astimezone()
    if local.date() == (today or clock.today()):
        return f"{local:%H:%M}"
    return cn_moment(at)


def changed_since(
    session: Session,
    what: str,
    login: str | None,
    at: dt.datetime | None,
    *,
    change: str = "修改",
    ending: str = "请刷新后再改",
) -> Conflict:
    """The refusal of a save: `what`（线索“XS2021-00012”）was changed by `login` at `at` after
    the user read it."""
    who = display_name(session, login)
    when = f" 于 {moment(at)}" if at is not None else ""
    return Conflict(f"{what}已被 {who}{when} {change}（您打开后），{ending}")


def several_changed(first: Conflict, others: int, noun: str = "线索") -> Conflict:
    """The refusal of a save of many records, several of which were changed meanwhile."""
    if others <= 0:
        return first
    text = first.message.removesuffix("，请刷新后再改")
    return Conflict(f"{text}；另有 {others} 条所选{noun}也已被他人修改，请刷新后再改")
