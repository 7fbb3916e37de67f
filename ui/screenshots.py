"""Screenshots for the documentation: `make screenshots` writes docs/images/<name>.png.

Run: .venv/bin/python -m ui.screenshots [NAME ...] [--out DIR] [--list]

Every shot is a function `(path, store, actor) -> path` that renders one screen into a PNG.
They come from SCREENSHOTS below and from the `SCREENSHOTS` dict of each module named in
SOURCES (the import screens live in ui/import_screenshots.py): to add a view, add a function
here or a module there. All shots share one demo store, made in a temporary folder (leads,
cases, and a scan so that anomalies exist); the user's settings and data are never touched.
Under `make screenshots` this runs on an X server (Xvfb) when one can be started, so the
pictures are what a desktop shows; without one it falls back to Qt's offscreen platform.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QItemSelectionModel, QSettings
from PySide6.QtWidgets import QApplication, QWidget

from workstation.services.auth import IMPLICIT_ADMIN, Actor
from workstation.store import Store, open_store

Shot = Callable[[Path, Store, Actor], Path]

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "images"
# The size of the main window in the pictures: a common laptop screen, less the task bar.
WINDOW_SIZE = (1366, 768)
DEMO_LEADS = 3_000
DEMO_CASES = 600
AS_OF = dt.date(2021, 6, 30)
# Modules with a SCREENSHOTS dict of their own.
SOURCES = ["ui.import_screenshots", "ui.dashboard"]


def settle() -> None:
    """Let queued work (deferred loads, layouts, repaints) finish before a grab."""
    for _ in range(3):
        QApplication.processEvents()


def grab(widget: QWidget, path: Path) -> Path:
    settle()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    return path


@contextlib.contextmanager
def main_window(store: Store, actor: Actor) -> Iterator[object]:
    """The main window at WINDOW_SIZE over `store`, with settings of its own (not the user's)."""
    from ui.main_window import MainWindow

    with tempfile.TemporaryDirectory() as folder:
        settings = QSettings(str(Path(folder) / "ui.ini"), QSettings.Format.IniFormat)
        window = MainWindow(store, actor, settings=settings, today=AS_OF)
        window.resize(*WINDOW_SIZE)
        window.show()
        settle()
        try:
            yield window
        finally:
            window.close()
            window.deleteLater()
            settle()


def shot_leads(path: Path, store: Store, actor: Actor) -> Path:
    """The leads page: the newest leads, one selected and open in the form beside the table."""
    with main_window(store, actor) as window:
        table = window.table  # type: ignore[attr-defined]
        table.selectRow(1)
        return grab(window, path)  # type: ignore[arg-type]


def shot_leads_filtered(path: Path, store: Store, actor: Actor) -> Path:
    """The leads page filtered (police units, overdue) and searched, several rows selected for
    a bulk change."""
    with main_window(store, actor) as window:
        view = window.leads_view  # type: ignore[attr-defined]
        view.show_filters({"unit_type": "police", "overdue": True, "search": "派出所"})
        settle()
        model = view.model
        selection = view.table.selectionModel()
        flags = QItemSelectionModel.SelectionFlag
        for row in (0, 2, 3):
            if row < model.rowCount():
                selection.select(model.index(row, 0), flags.Select | flags.Rows)
        if model.rowCount():
            selection.setCurrentIndex(model.index(0, 0), flags.NoUpdate)
        return grab(window, path)  # type: ignore[arg-type]


def _page(key: str, prepare: Callable[[QWidget], None] | None = None) -> Shot:
    def shot(path: Path, store: Store, actor: Actor) -> Path:
        with main_window(store, actor) as window:
            window.show_page(key)  # type: ignore[attr-defined]
            settle()
            if prepare is not None:
                prepare(window.page(key))  # type: ignore[attr-defined]
                settle()
            return grab(window, path)  # type: ignore[arg-type]

    shot.__doc__ = f"The {key} page of the main window."
    return shot


def _select_first_row(page: QWidget) -> None:
    """Open the first row of a page's table or list in its detail pane."""
    view = getattr(page, "table", None) or getattr(page, "list", None)
    if view is None or view.model() is None or not view.model().rowCount():
        return
    view.setCurrentIndex(view.model().index(0, 0))


def _returning(render: Callable[[Path, Store, Actor], object]) -> Shot:
    def shot(path: Path, store: Store, actor: Actor) -> Path:
        render(path, store, actor)
        return path

    shot.__doc__ = render.__doc__
    return shot


def _brief_shots() -> dict[str, Shot]:
    from ui import brief_dialog, brief_preview

    return {
        "brief_dialog": _returning(brief_dialog.screenshot),
        "brief_preview": _returning(brief_preview.screenshot),
    }


# Name → function: docs/images/<name>.png. Add the shots of new views here (or in SOURCES).
SCREENSHOTS: dict[str, Shot] = {
    "leads": shot_leads,
    "leads_filtered": shot_leads_filtered,
    "cases": _page("cases", _select_first_row),
    "review": _page("review", _select_first_row),
}


def all_shots() -> dict[str, Shot]:
    shots = dict(SCREENSHOTS)
    for name in SOURCES:
        shots.update(
            {
                key: _returning(shot)
                for key, shot in importlib.import_module(name).SCREENSHOTS.items()
            }
        )
    shots.update(_brief_shots())
    return shots


def demo_store(folder: Path) -> Store:
    """A fictional city's leads and cases, scanned as of AS_OF (so anomalies are flagged)."""
    from workstation import demo
    from workstation.services.scan import scan

    store = open_store(folder / "demo.db", create=True)
    demo.generate(store, IMPLICIT_ADMIN, leads=DEMO_LEADS, cases=DEMO_CASES, seed=2021)
    scan(store, IMPLICIT_ADMIN, as_of=AS_OF)
    return store


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="shots to take (default: all)")
    parser.add_argument("--out", type=Path, default=OUT, help=f"folder (default {OUT})")
    parser.add_argument("--list", action="store_true", help="list the shots and stop")
    args = parser.parse_args(argv)

    from ui.app import prepare_application

    app = prepare_application(["screenshots"])
    shots = all_shots()
    if args.list:
        for name, shot in shots.items():
            print(f"{name:<24} {(shot.__doc__ or '').strip().splitlines()[0]}")
        return 0
    unknown = sorted(set(args.names) - set(shots))
    if unknown:
        parser.error(f"no such shot: {', '.join(unknown)} (see --list)")
    chosen = args.names or list(shots)
    print(f"platform: {app.platformName()}")
    with tempfile.TemporaryDirectory() as folder:
        store = demo_store(Path(folder))
        try:
            for name in chosen:
                path = shots[name](args.out / f"{name}.png", store, IMPLICIT_ADMIN)
                print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
        finally:
            store.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
