"""Two workstations on one store, in the UI: the lead form and undo show who saved the lead
since it was opened, and when ("已被 张三 于 10:42 修改（您打开后）"), and overwrite nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from ui.lead_form import LeadForm
from ui.undo import LeadEditCommand, LeadVersions, lead_change
from workstation.services import stale_edits
from workstation.services.auth import IMPLICIT_ADMIN, Actor
from workstation.services.leads import get_lead, update_lead
from workstation.services.users import add_user
from workstation.store import Store, open_store

pytestmark = pytest.mark.gui

ZHANG = Actor(login="zhangsan", display_name="张三", role="inspector")


@pytest.fixture
def other_desk(lead_store: Store) -> Iterator[Store]:
    """张三's workstation: his own engine on the same store file."""
    add_user(lead_store, IMPLICIT_ADMIN, "chief", "主任", "admin", "chief-pass-1")
    add_user(lead_store, IMPLICIT_ADMIN, ZHANG.login, ZHANG.display_name, ZHANG.role, "zhang-pw-1")
    assert lead_store.path is not None
    store = open_store(lead_store.path)
    yield store
    store.dispose()


def test_the_form_says_who_saved_the_lead_since_it_was_opened(
    qtbot: QtBot, lead_store: Store, other_desk: Store, today: dt.date
) -> None:
    form = LeadForm(lead_store, IMPLICIT_ADMIN, today=today)
    qtbot.addWidget(form)
    form.show()
    form.load(get_lead(lead_store, IMPLICIT_ADMIN, "XS2021-00001"))
    # 张三 saves the same lead at his desk while it is open here.
    theirs = update_lead(other_desk, ZHANG, "XS2021-00001", {"status": "assigned"}, today=today)

    combo = form.fields["disposition"].editor
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findText("谈话函询"))
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)

    assert form.bar.isVisible()
    assert form.bar.text.text() == (
        f"线索“XS2021-00001”已被 张三 于 {stale_edits.moment(theirs.updated_at)} 修改（您打开后），"
        "请刷新后再改"
    )
    assert form.bar.reload_button.isVisible()
    assert get_lead(lead_store, IMPLICIT_ADMIN, "XS2021-00001") == theirs  # nothing overwritten
    qtbot.mouseClick(form.bar.reload_button, Qt.MouseButton.LeftButton)
    assert form.fields["status"].value() == "assigned"
    assert form.fields["disposition"].value() is None


def test_undo_of_a_lead_saved_since_at_another_desk_names_who(
    lead_store: Store, other_desk: Store, today: dt.date
) -> None:
    before = get_lead(lead_store, IMPLICIT_ADMIN, "XS2021-00002")
    after = update_lead(
        lead_store, IMPLICIT_ADMIN, before.id, {"status": "assigned"},
        expected_version=before.version, today=today,
    )  # fmt: skip
    failures: list[str] = []
    stack = QUndoStack()
    stack.push(
        LeadEditCommand(
            lead_store, IMPLICIT_ADMIN, [lead_change(before, after, {"status": "assigned"})],
            {after.id: after.version}, "edit", book=LeadVersions(),
            on_applied=lambda _ids: None, on_failed=failures.append,
        )
    )  # fmt: skip
    theirs = update_lead(other_desk, ZHANG, after.id, {"status": "verifying"}, today=today)
    stack.undo()
    said = stale_edits.moment(theirs.updated_at)
    assert failures == [f"线索“XS2021-00002”已被 张三 于 {said} 修改（您打开后），请刷新后再改"]
    assert get_lead(lead_store, IMPLICIT_ADMIN, "XS2021-00002").status == "verifying"
