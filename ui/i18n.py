"""Qt translations: installing the zh_CN catalogue at start, and refreshing it from the sources."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from workstation.paths import resources_dir

LANG_ENV = "WORKSTATION_LANG"
DEFAULT_LANGUAGE = "zh_CN"
# The languages the settings page offers, and where it keeps the choice (applied at start).
LANGUAGES = ("zh_CN", "en")
LANGUAGE_SETTING = "ui/language"
CATALOGUE = "workstation"
UI_DIR = Path(__file__).resolve().parent


def translations_dir() -> Path:
    return resources_dir() / "translations"


def ts_path(language: str = DEFAULT_LANGUAGE) -> Path:
    return translations_dir() / f"{CATALOGUE}_{language}.ts"


def qm_path(language: str = DEFAULT_LANGUAGE) -> Path:
    return translations_dir() / f"{CATALOGUE}_{language}.qm"


def chosen_language(settings: QSettings | None = None) -> str:
    """The UI language: $WORKSTATION_LANG (e.g. "en" for the English sources), else the one
    chosen on the settings page (LANGUAGE_SETTING in `settings`, by default the app's
    QSettings), else zh_CN."""
    chosen = os.environ.get(LANG_ENV, "").strip()
    if chosen:
        return chosen
    saved = (settings if settings is not None else QSettings()).value(LANGUAGE_SETTING)
    return saved if isinstance(saved, str) and saved in LANGUAGES else DEFAULT_LANGUAGE


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
    import shutil  # the tools below refresh the catalogue; a start-up only loads it

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
    import subprocess

    subprocess.run(args, check=True)


def run_lrelease(source: Path, target: Path) -> None:
    import subprocess

    subprocess.run(
        [_tool("pyside6-lrelease"), str(source), "-qm", str(target), "-silent"], check=True
    )


@contextlib.contextmanager
def _catalogue_lock(target: Path):
    """One writer of the catalogue at a time (several people may refresh it at once)."""
    lock = target.with_suffix(".lock")
    with lock.open("w") as handle:
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks; refreshing is a manual step there
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def add_translations(target: Path, entries: Sequence[dict[str, str]]) -> int:
    """Fill in translations (context, source, translation) of messages lupdate extracted.

    Returns how many messages were changed; an entry whose message is not in the catalogue
    (not extracted yet, or a typo) is an error, so nothing is silently left untranslated.
    """
    from xml.etree import ElementTree

    tree = ElementTree.parse(target)
    messages: dict[tuple[str, str], ElementTree.Element] = {}
    for context in tree.getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            messages[(name, message.findtext("source", ""))] = message
    missing = [e for e in entries if (e["context"], e["source"]) not in messages]
    if missing:
        raise KeyError(f"not in the catalogue (run --update first?): {missing[:3]}")
    changed = 0
    for entry in entries:
        translation = messages[(entry["context"], entry["source"])].find("translation")
        assert translation is not None
        if translation.text != entry["translation"] or translation.attrib:
            translation.text = entry["translation"]
            translation.attrib.clear()
            changed += 1
    if not changed:
        return 0
    body = ElementTree.tostring(tree.getroot(), encoding="unicode")
    target.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8"
    )
    # lupdate rewrites the file in its own layout, so diffs stay small.
    run_lupdate(target)
    return changed


def main(argv: Sequence[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m ui.i18n", description="Refresh and compile the UI translations."
    )
    parser.add_argument(
        "--update",
        action="store_true",
        help="run lupdate over ui/*.py (keeping translations), then lrelease",
    )
    parser.add_argument(
        "--add",
        metavar="FILE.jsonl",
        action="append",
        default=[],
        help="after updating, fill in translations from JSON lines "
        '{"context": ..., "source": ..., "translation": ...}',
    )
    args = parser.parse_args(argv)
    with _catalogue_lock(ts_path()):
        if args.update:
            run_lupdate(ts_path())
        for name in args.add:
            lines = Path(name).read_text(encoding="utf-8").splitlines()
            entries = [json.loads(line) for line in lines if line.strip()]
            print(f"{name}: {add_translations(ts_path(), entries)} translations changed")
        run_lrelease(ts_path(), qm_path())
    print(f"{ts_path()} -> {qm_path()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
