"""`python -m workstation`: the command line, a thin layer over the services (DESIGN §6)."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import os
import sys
from collections.abc import Iterator, Sequence
from typing import Any

from workstation.errors import ValidationError, WorkstationError

PASSWORD_ENV = "WORKSTATION_PASSWORD"


class Context:
    """What every command gets: the parsed options, and the store and actor opened on demand."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self._store: Any = None
        self._actor: Any = None
        self.password: str | None = None  # the acting user's, once signed in

    def store(self, *, create: bool = False) -> Any:
        from workstation.paths import default_store_path
        from workstation.store import open_store

        if self._store is None:
            db = self.args.db or default_store_path(self.args.data_dir)
            if not self.args.db and create:
                db.parent.mkdir(parents=True, exist_ok=True)
            from workstation.cli.vault_cmd import key_for_store

            self._store = open_store(db, create=create, key=key_for_store(self, db))
        return self._store

    def actor(self) -> Any:
        """The acting user, signed in once per command (wrong passwords are counted)."""
        from workstation.services.auth import needs_login, sign_in

        if self._actor is None:
            store = self.store()
            login = self.args.user
            password = None
            if needs_login(store) and login:
                # Already typed to unlock an encrypted store: not asked for twice.
                password = self.password or os.environ.get(PASSWORD_ENV)
                if password is None:
                    if not sys.stdin.isatty():
                        raise WorkstationError(f"请在环境变量 {PASSWORD_ENV} 中提供密码")
                    password = getpass.getpass(f"用户 {login} 的密码：")
            self._actor = sign_in(store, login, password)
            self.password = password
        return self._actor

    def close(self) -> None:
        if self._store is not None:
            self._store.dispose()


def print_json(document: Any) -> None:
    json.dump(document, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A plain tab-separated table: readable in a terminal, pasteable into a spreadsheet."""
    sys.stdout.write("\t".join(headers) + "\n")
    for row in rows:
        sys.stdout.write("\t".join("" if v is None else str(v) for v in row) + "\n")


def _common(parser: argparse.ArgumentParser, *, top: bool) -> None:
    default = None if top else argparse.SUPPRESS
    parser.add_argument("--db", default=default, help="数据库文件路径或 SQLAlchemy 地址")
    parser.add_argument("--data-dir", default=default, help="数据文件夹（默认数据库所在处）")
    parser.add_argument("--user", default=default, help="登录名（密码取自环境变量或提示输入）")


def build_parser() -> argparse.ArgumentParser:
    from workstation.cli import commands

    parser = argparse.ArgumentParser(prog="workstation", description="案件监督工作站 命令行")
    # Answered by main() before parsing (see cli/version_cmd.py); here for --help.
    parser.add_argument(
        "--version", action="store_true", help="显示版本、数据库结构版本、Python 和库的版本"
    )
    _common(parser, top=True)
    common = argparse.ArgumentParser(add_help=False)
    _common(common, top=False)
    commands.register(parser.add_subparsers(dest="command", required=True), common)
    return parser


@contextlib.contextmanager
def _utf8_stdio() -> Iterator[None]:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and (stream.encoding or "").lower() != "utf-8":
            with contextlib.suppress(ValueError, OSError):
                stream.reconfigure(encoding="utf-8")
    yield


def main(argv: Sequence[str] | None = None) -> int:
    with _utf8_stdio():
        from workstation.cli import version_cmd
        from workstation.diagnostics import run_logged, setup_logging

        argv = sys.argv[1:] if argv is None else list(argv)
        if version_cmd.wanted(argv):
            return version_cmd.run(argv)
        parser = build_parser()
        args = parser.parse_args(argv)
        setup_logging(args.data_dir)
        ctx = Context(args)
        try:
            return int(run_logged(args, lambda: args.handler(ctx)) or 0)
        except ValidationError as exc:
            for field, message in exc.problems.items():
                print(f"错误：{message}（字段 {field}）", file=sys.stderr)
            return 1
        except WorkstationError as exc:
            print(f"错误：{exc.message}", file=sys.stderr)
            return 1
        except BrokenPipeError:
            # The reader (e.g. `head`) went away; not an error of ours.
            with contextlib.suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
        except KeyboardInterrupt:
            print("已中断，未写入任何内容", file=sys.stderr)
            return 130
        finally:
            ctx.close()
