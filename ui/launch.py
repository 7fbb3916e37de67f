"""Launching the desktop app: its options, the QApplication, and which way it starts.

This module is what `main.py` and `python -m ui` run first, and it stays light: the standard
library, Qt and a few plain modules of the core. When the store can be looked at before the
core loads (workstation.first_look), the window shows its leads within a few tenths of a second
(ui.first_look) and the full window follows; otherwise the app starts as it always did
(ui.app.main), with the core imported before Qt (workstation.preload says why).
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from workstation.paths import APP_NAME, default_store_path

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

ORGANIZATION_NAME = "CaseSupervision"
APPLICATION_NAME = APP_NAME
# Set (to anything): always start the usual way, without the first look (tests, bench).
NO_FIRST_LOOK_ENV = "WORKSTATION_NO_FIRST_LOOK"
# Set (to anything): report the first painted leads rows and the full window's, then quit
# (bench/startup_bench.py times start-ups with it: ui.first_paint).
FIRST_PAINT_ENV = "WORKSTATION_FIRST_PAINT_EXIT"


@dataclasses.dataclass(frozen=True)
class Options:
    db: str | None = None
    data_dir: str | None = None
    user: str | None = None


def parse_args(argv: Sequence[str]) -> Options:
    """The app's own options; anything else (Qt's -platform, -style...) is left to Qt."""
    import argparse

    parser = argparse.ArgumentParser(prog=Path(argv[0]).name if argv else "workstation")
    parser.add_argument("--db", help="store file path or SQLAlchemy URL")
    parser.add_argument("--data-dir", help="data folder holding the default store")
    parser.add_argument("--user", help="login, for a store that has users")
    known, _qt_args = parser.parse_known_args(list(argv[1:]))
    return Options(db=known.db, data_dir=known.data_dir, user=known.user)


def quick_options(argv: Sequence[str]) -> Options | None:
    """The options of a plain command line (`--db X`, `--data-dir=X`, `--user X`, and Qt's
    own single-dash ones), without argparse, whose set-up alone takes ~10 ms of a start-up;
    None for anything else (parse_args then reads it, or says what is wrong)."""
    known = {"--db": "db", "--data-dir": "data_dir", "--user": "user"}
    values: dict[str, str] = {}
    args = list(argv[1:])
    while args:
        arg = args.pop(0)
        if not arg.startswith("--"):
            continue  # Qt's options (-platform offscreen...) and their values
        name, equals, value = arg.partition("=")
        if name not in known:
            return None
        if not equals:
            if not args or args[0].startswith("-"):
                return None
            value = args.pop(0)
        values[known[name]] = value
    return Options(**values)


def store_file(options: Options) -> Path | None:
    """The store's file (None for a server URL): what is checked before it is opened."""
    if not options.db:
        return default_store_path(options.data_dir)
    if "://" in options.db:
        prefix = "sqlite:///"
        return Path(options.db[len(prefix) :]) if options.db.startswith(prefix) else None
    return Path(options.db)


def prepare_application(argv: Sequence[str]) -> QApplication:
    """The QApplication with names, font and translators set up; made once, reused after."""
    from PySide6.QtWidgets import QApplication

    from ui import fonts, i18n

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(list(argv))
    if app.property("workstation_prepared"):
        return app
    app.setOrganizationName(ORGANIZATION_NAME)
    app.setApplicationName(APPLICATION_NAME)
    fonts.apply_application_font(app)
    # The translators are children of the app, which keeps them alive as long as itself.
    i18n.install_translators(app)
    app.setProperty("workstation_prepared", True)
    return app


def import_qt() -> None:
    """Import Qt, telling PySide6 that the modules loaded before it do not use it.

    PySide6 (6.x, PYSIDE-2029: shibokensupport/feature.py) looks once at every module an
    import statement names after Qt loaded: it reads the module's source for the word
    "PySide6", to know which modules may switch its `__feature__`s. For the standard library
    and the core loaded before Qt that is milliseconds of reading at every start for nothing:
    they cannot use Qt, not having imported it. They are entered in its table as it would
    enter them (-1, "ignore this module"); the modules of `ui` are left to its check. With a
    PySide6 that keeps no such table, nothing is done (tests/ui/test_launch.py notices).
    """
    if "PySide6.QtCore" in sys.modules:
        return
    before = [name for name in sys.modules if name != "__main__" and name.split(".")[0] != "ui"]
    import PySide6.QtCore  # noqa: F401

    table = getattr(sys.modules.get("shibokensupport.feature"), "pyside_feature_dict", None)
    if isinstance(table, dict):
        for name in before:
            table.setdefault(name, -1)


def full_start(argv: Sequence[str]) -> int:
    """The usual start: the core first (before Qt, if Qt is not loaded yet), then the app."""
    import workstation.preload  # noqa: F401

    import_qt()
    from ui.app import main

    return main(argv)


def main(argv: Sequence[str]) -> int:
    options = quick_options(argv) or parse_args(argv)
    path = store_file(options)
    if path is None or os.environ.get(NO_FIRST_LOOK_ENV):
        return full_start(argv)
    from workstation.first_look import LOOK, SIGN_IN, early_start

    early = early_start(path)  # one read of the store decides
    if early == LOOK:
        import_qt()
        from ui.first_look import start_with_first_look

        return start_with_first_look(argv, path)
    if early == SIGN_IN:
        import_qt()
        from ui.first_look import start_with_early_login

        return start_with_early_login(argv, path)
    return full_start(argv)
