"""The settings page as an administrator uses it: messages next to fields, save, revert, units."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit, QSpinBox
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from ui import i18n
from ui.settings_page import SettingsPage
from workstation import settings as settings_mod
from workstation.models import AuditEvent
from workstation.services import units
from workstation.services.auth import IMPLICIT_ADMIN, Actor
from workstation.services.leads import LeadQuery, count_leads, create_lead
from workstation.settings import Settings
from workstation.store import Store, open_store

pytestmark = pytest.mark.gui

TODAY = dt.date(2021, 6, 30)
KEEP = "江州市公安局东湖分局"
OTHER = "东湖区公安分局"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = open_store(tmp_path / "settings.db", create=True)
    for unit, summary in (
        (KEEP, "反映插手经济纠纷"),
        (KEEP, "反映违规经商"),
        (OTHER, "反映查封财物"),
    ):
        create_lead(
            store,
            IMPLICIT_ADMIN,
            {"received_on": "2021-04-01", "subject": "王建国", "subject_unit": unit,
             "summary": summary},
            today=TODAY,
        )  # fmt: skip
    yield store
    store.dispose()


def _load(store: Store) -> Settings:
    with store.read() as session:
        return settings_mod.load(session)


def _events(store: Store, action: str) -> int:
    with store.read() as session:
        return int(
            session.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
            )
            or 0
        )


MakePage = Callable[..., SettingsPage]


@pytest.fixture
def make_page(qtbot: QtBot, store: Store, settings: QSettings) -> MakePage:
    def make(actor: Actor = IMPLICIT_ADMIN) -> SettingsPage:
        page = SettingsPage(store, actor, settings=settings)
        qtbot.addWidget(page)
        page.setMinimumSize(760, 420)
        page.resize(1100, 760)
        page.show()
        qtbot.waitExposed(page)
        return page

    return make


def _type_number(qtbot: QtBot, page: SettingsPage, name: str, text: str) -> None:
    spin = page.fields[name].editor
    assert isinstance(spin, QSpinBox)
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, text)


def _type_text(qtbot: QtBot, page: SettingsPage, name: str, text: str) -> None:
    """Text as typed, Chinese as an input method commits it (QTest's keys are Latin-1 only)."""
    line = page.fields[name].editor
    assert isinstance(line, QLineEdit)
    line.setFocus()
    line.selectAll()
    qtbot.keyClick(line, Qt.Key.Key_Delete)
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(line, event)
    assert line.text() == text


def test_an_invalid_threshold_is_named_next_to_its_field_and_nothing_is_saved(
    qtbot: QtBot, make_page: MakePage, store: Store
) -> None:
    page = make_page()
    assert not page.save_button.isEnabled()
    _type_number(qtbot, page, "nf1_days", "0")
    assert page.save_button.isEnabled()
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    field = page.fields["nf1_days"]
    assert field.problem_text() == "受案后立案期限应在 1 到 365 之间"
    assert field.problem.isVisible()
    assert page.tabs.currentIndex() == 1  # the rules tab, where the field is
    assert page.message.text() == "未保存：请查看标出的项目。"
    assert _load(store) == Settings()
    assert _events(store, "settings.update") == 0


def test_problems_between_fields_and_unreadable_dates(
    qtbot: QtBot, make_page: MakePage, store: Store
) -> None:
    page = make_page()
    _type_number(qtbot, page, "sp2_days", "30")  # not longer than SP-1's 90 days
    _type_text(qtbot, page, "phase_summary_start", "六月某日")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert "应长于办案活动停滞期限（90 天）" in page.fields["sp2_days"].problem_text()
    assert "不是有效日期" in page.fields["phase_summary_start"].problem_text()
    assert _load(store) == Settings()


def test_valid_values_are_saved_and_audited(
    qtbot: QtBot, make_page: MakePage, store: Store
) -> None:
    page = make_page()
    _type_number(qtbot, page, "nf1_days", "10")
    _type_text(qtbot, page, "phase_rectify_start", "2021年4月6日")
    _type_text(qtbot, page, "issuing_unit", "江州市教育整顿办")
    with qtbot.waitSignal(page.saved) as saved:
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    stored = _load(store)
    assert saved.args == [stored]
    assert (stored.nf1_days, stored.phase_rectify_start, stored.issuing_unit) == (
        10,
        dt.date(2021, 4, 6),
        "江州市教育整顿办",
    )
    assert _events(store, "settings.update") == 1
    assert page.message.text() == "设置已保存。"
    date_edit = page.fields["phase_rectify_start"].editor
    assert isinstance(date_edit, QLineEdit)
    assert date_edit.text() == "2021-04-06"  # shown as stored
    assert not page.save_button.isEnabled()
    assert all(not f.problem_text() for f in page.fields.values())


def test_revert_drops_what_was_typed(qtbot: QtBot, make_page: MakePage, store: Store) -> None:
    page = make_page()
    _type_number(qtbot, page, "lead_due_days", "45")
    assert page.is_changed()
    qtbot.mouseClick(page.revert_button, Qt.MouseButton.LeftButton)
    assert page.fields["lead_due_days"].value() == 30
    assert not page.is_changed()
    assert _load(store) == Settings()


def test_read_only_for_a_leader(make_page: MakePage, store: Store) -> None:
    leader = Actor("lead1", "赵领导", "leader")
    page = make_page(leader)
    assert page.read_only_note.isVisible()
    assert not page.save_button.isVisible()
    spin = page.fields["nf1_days"].editor
    assert isinstance(spin, QSpinBox)
    assert spin.isReadOnly()
    line = page.fields["issuing_unit"].editor
    assert isinstance(line, QLineEdit)
    assert line.isReadOnly()
    assert not page.units_tab.merge_button.isVisible()


def test_language_is_this_computers_choice_for_the_next_start(
    make_page: MakePage, settings: QSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(i18n.LANG_ENV, raising=False)
    page = make_page()
    assert page.language_combo.currentData() == "zh_CN"
    page.language_combo.setCurrentIndex(page.language_combo.findData("en"))
    assert settings.value(i18n.LANGUAGE_SETTING) == "en"
    assert i18n.chosen_language(settings) == "en"
    assert "下次启动" in page.language_note.text()


def test_merging_two_spellings_of_a_unit(qtbot: QtBot, make_page: MakePage, store: Store) -> None:
    page = make_page()
    page.tabs.setCurrentWidget(page.units_tab)
    tab = page.units_tab
    assert {u.name for u in tab.model.rows} == {KEEP, OTHER}
    assert not tab.merge_button.isEnabled()
    tab.select_names(KEEP, OTHER)
    assert tab.merge_button.isEnabled()
    qtbot.mouseClick(tab.merge_button, Qt.MouseButton.LeftButton)
    dialog = tab.dialog
    assert dialog is not None
    # The unit with more leads is offered as the one to keep.
    kept, merged = dialog.kept_and_merged()
    assert (kept.name, merged.name) == (KEEP, OTHER)
    qtbot.mouseClick(
        dialog.buttons[[u.name for u in dialog.units].index(KEEP)], Qt.MouseButton.LeftButton
    )
    ok = dialog.box.button(QDialogButtonBox.StandardButton.Ok)
    assert ok is not None
    assert ok.text() == "合并"
    with qtbot.waitSignal(page.units_merged):
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert [u.name for u in tab.model.rows] == [KEEP]
    assert tab.model.rows[0].leads == 3
    assert count_leads(store, IMPLICIT_ADMIN, LeadQuery(unit=KEEP)) == 3
    assert _events(store, "unit.merge") == 1
    assert (
        tab.message.text() == f"已将“{OTHER}”并入“{KEEP}”：1 件线索、1 名人员、0 件案件改为该单位。"
    )


def test_unit_search_finds_any_spelling(qtbot: QtBot, make_page: MakePage) -> None:
    page = make_page()
    page.tabs.setCurrentWidget(page.units_tab)
    tab = page.units_tab
    tab.search.setText("東湖區")
    tab.refresh()
    assert [u.name for u in tab.model.rows] == [OTHER]
    assert tab.count_label.text() == "共 1 个单位"


def test_a_clerk_sees_units_but_may_not_merge(make_page: MakePage) -> None:
    clerk = Actor("clerk1", "王录入", "clerk")
    page = make_page(clerk)
    page.tabs.setCurrentWidget(page.units_tab)
    assert len(page.units_tab.model.rows) == 2
    assert not page.units_tab.merge_button.isVisible()
    assert page.users_view is None
    assert units.unit_usage  # the same service lists them for every role
