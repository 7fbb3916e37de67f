"""The zh_CN catalogue: complete, in step with the sources, and compiled from the current .ts."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

from ui import i18n

pytestmark = pytest.mark.gui

Message = tuple[str, str]  # (context, source)


def _messages(ts: Path) -> dict[Message, ET.Element]:
    root = ET.parse(ts).getroot()
    found: dict[Message, ET.Element] = {}
    for context in root.iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            found[(name, message.findtext("source") or "")] = translation
    return found


def _text(translation: ET.Element) -> str:
    forms = translation.findall("numerusform")
    return "".join(form.text or "" for form in forms) if forms else (translation.text or "")


def test_catalogue_files_exist() -> None:
    assert i18n.ts_path().is_file()
    assert i18n.qm_path().is_file(), "run `make translations` and commit the .qm"
    assert ET.parse(i18n.ts_path()).getroot().get("language") == "zh_CN"


def test_every_string_is_translated() -> None:
    messages = _messages(i18n.ts_path())
    assert messages
    unfinished = [
        f"{context}: {source!r}"
        for (context, source), translation in messages.items()
        if translation.get("type") in {"unfinished", "vanished", "obsolete"}
        or not _text(translation).strip()
    ]
    assert not unfinished, "untranslated or stale strings in the .ts: " + "; ".join(unfinished)


def test_translations_keep_placeholders_and_accelerators() -> None:
    for (context, source), translation in _messages(i18n.ts_path()).items():
        text = _text(translation)
        where = f"{context}: {source!r} -> {text!r}"
        assert sorted(re.findall(r"\{\w*\}", source)) == sorted(re.findall(r"\{\w*\}", text)), where
        accelerator = re.search(r"&(\w)", source)
        if accelerator:
            assert f"(&{accelerator.group(1).upper()})" in text, where


def test_ts_holds_exactly_the_strings_of_the_sources(tmp_path: Path) -> None:
    """lupdate over ui/*.py would neither add nor drop a string: the .ts is up to date."""
    fresh = tmp_path / "fresh.ts"
    shutil.copyfile(i18n.ts_path(), fresh)
    i18n.run_lupdate(fresh)
    committed = set(_messages(i18n.ts_path()))
    extracted = set(_messages(fresh))
    assert extracted - committed == set(), "new strings: run `make translations`, translate"
    assert committed - extracted == set(), "strings no longer in ui/: run `make translations`"


def test_qm_is_compiled_from_the_current_ts(tmp_path: Path) -> None:
    recompiled = tmp_path / "check.qm"
    i18n.run_lrelease(i18n.ts_path(), recompiled)
    assert recompiled.read_bytes() == i18n.qm_path().read_bytes(), (
        "the .qm is stale: run `make translations` and commit it"
    )


def test_qm_translates() -> None:
    translator = QTranslator()
    assert translator.load(str(i18n.qm_path()))
    assert translator.translate("MainWindow", "Case Supervision Workstation") == "案件监督工作站"
    assert translator.translate("LeadsModel", "Lead No.") == "线索编号"


def test_language_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(i18n.LANG_ENV, raising=False)
    assert i18n.chosen_language() == "zh_CN"
    monkeypatch.setenv(i18n.LANG_ENV, "en")
    assert i18n.chosen_language() == "en"


@pytest.fixture
def spare_app() -> Iterator[QCoreApplication]:
    """The test app, with its locale and translators put back after a test installs others."""
    app = QCoreApplication.instance()
    assert app is not None
    locale = QLocale()
    yield app
    QLocale.setDefault(locale)


def test_english_installs_no_translator(spare_app: QCoreApplication) -> None:
    assert i18n.install_translators(spare_app, "en") == []
    assert QLocale().name() == "en_US"


def test_chinese_installs_ours_and_qts_own(spare_app: QCoreApplication) -> None:
    installed = i18n.install_translators(spare_app, "zh_CN")
    try:
        assert len(installed) == 2  # ours and qtbase's (dialog buttons, context menus)
        assert QLocale().name() == "zh_CN"
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    finally:
        for translator in installed:
            spare_app.removeTranslator(translator)
