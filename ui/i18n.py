"""Qt translations: installing the zh_CN catalogue at start, and refreshing it from the sources."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from workstation.paths import resources_dir

LANG_ENV = "WORKSTATION_LANG"
DEFAULT_LANGUAGE = "zh_CN"
CATALOGUE = "workstation"
UI_DIR = Path(__file__).resolve().parent


def translations_dir() -> Path:
    return resources_dir() / "translations"


def ts_path(language: str = DEFAULT_LANGUAGE) -> Path:
    return translations_dir() / f"{CATALOGUE}_{language}.ts"


def qm_path(language: str = DEFAULT_LANGUAGE) -> Path:
    return translations_dir() / f"{CATALOGUE}_{language}.qm"


def chosen_language() -> str:
    """The UI language: $WORKSTATION_LANG (e.g. "en" for the English sources), else zh_CN."""
    return os.environ.get(LANG_ENV, "").strip() or DEFAULT_LANGUAGE


def install_translators(app: QCoreApplication, language: str | None = None) -> list[QTranslator]:
    """Load our catalogue and Qt's own (dialog buttons, context menus) for the language.

    Returns the installed translators; the caller keeps them alive as long as the app.
    English needs none: the sources are English.
    """
    language = language or chosen_language()
    if language.lower().startswith("en"):
        QLocale.setDefault(QLocale("en_US"))
        return []
    QLocale.setDefault(QLocale(language))
    installed: list[QTranslator] = []
    ours = QTranslator(app)
    if not ours.load(str(qm_path(language))):
        raise FileNotFoundError(f"translation catalogue missing: {qm_path(language)}")
    app.installTranslator(ours)
    installed.append(ours)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qt_translator = QTranslator(app)
    # Qt's catalogue is optional: a trimmed Qt build may not ship it.
    if qt_translator.load(f"qtbase_{language}", qt_dir):
        app.installTranslator(qt_translator)
        installed.append(qt_translator)
    return installed


def _tool(name: str) -> str:
    """A Qt tool shipped with PySide6, next to the running interpreter first."""
    beside = Path(sys.executable).with_name(name)
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} not found; install PySide6 in this environment")
    return found


def ui_sources() -> list[Path]:
    return sorted(UI_DIR.glob("*.py"))


def run_lupdate(target: Path, language: str = DEFAULT_LANGUAGE) -> None:
    """Extract every tr()/translate() string of ui/*.py into `target`, keeping its translations."""
    args = [_tool("pyside6-lupdate"), *map(str, ui_sources())]
    args += ["-ts", str(target), "-target-language", language, "-locations", "none"]
    args += ["-no-obsolete", "-silent"]
    subprocess.run(args, check=True)


def run_lrelease(source: Path, target: Path) -> None:
    subprocess.run(
        [_tool("pyside6-lrelease"), str(source), "-qm", str(target), "-silent"], check=True
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ui.i18n", description="Refresh and compile the UI translations."
    )
    parser.add_argument(
        "--update",
        action="store_true",
        help="run lupdate over ui/*.py (keeping translations), then lrelease",
    )
    args = parser.parse_args(argv)
    if args.update:
        run_lupdate(ts_path())
    run_lrelease(ts_path(), qm_path())
    print(f"{ts_path()} -> {qm_path()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
