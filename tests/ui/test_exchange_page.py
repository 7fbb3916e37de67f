"""The 数据交换 page: a packet exported from one real store and imported into another through
the page's dialogs, with the manifest read first; refusals, conflicts and who sees what."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox, QPushButton
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from ui.exchange_page import (
    ExchangePage,
    ExportDialog,
    ExportRequest,
    ImportDialog,
    PeersModel,
    counts_text,
)
from ui.jobs import BackgroundJob
from workstation.services import exchange
from workstation.services.auth import IMPLICIT_ADMIN, Actor
from workstation.services.lead_lists import count_leads, list_leads
from workstation.services.leads import create_lead, update_lead
from workstation.store import Store, open_store

pytestmark = [
    pytest.mark.gui,
    # The progress dialog of a long job, shown offscreen.
    pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$"),
]

TODAY = dt.date(2021, 7, 1)
PASSPHRASE = "江州核查组-2021"
JOB_TIMEOUT = 60_000

MakePage = Callable[..., ExchangePage]


def add_leads(store: Store, count: int) -> None:
    for n in range(count):
        create_lead(
            store,
            IMPLICIT_ADMIN,
            {
                "received_on": dt.date(2021, 3, 1 + n),
                "channel": "letter",
                "category": "business",
                "subject": f"李{n}",
                "subject_unit": "江州市中级人民法院",
                "summary": f"反映其配偶经营茶楼第{n}号。",
            },
            today=TODAY,
        )


@pytest.fixture
def there(tmp_path: Path) -> Iterator[Store]:
    """The other machine's store."""
    store = open_store(tmp_path / "there.db", create=True)
    yield store
    store.dispose()


@pytest.fixture
def make_page(qtbot: QtBot, settings: QSettings) -> Iterator[MakePage]:
    pages: list[ExchangePage] = []

    def make(store: Store, actor: Actor = IMPLICIT_ADMIN) -> ExchangePage:
        page = ExchangePage(store, actor, settings=settings)
        qtbot.addWidget(page)
        page.setMinimumSize(1000, 600)  # explicit: no size hints sent offscreen
        page.resize(1000, 600)
        page.show()
        pages.append(page)
        return page

    yield make
    for page in pages:
        # Never leave a job running on a store the fixture is about to close.
        qtbot.waitUntil(lambda page=page: not page.busy(), timeout=JOB_TIMEOUT)
        dialog = page.import_dialog
        if dialog is not None and dialog.job is not None:
            qtbot.waitUntil(lambda job=dialog.job: job.done, timeout=JOB_TIMEOUT)


def wait_for(qtbot: QtBot, job: BackgroundJob | None) -> None:
    assert job is not None
    if not job.done:
        with qtbot.waitSignal(job.finished, timeout=JOB_TIMEOUT):
            pass


def export_through_dialog(
    qtbot: QtBot, page: ExchangePage, path: Path, *, peer_row: int = 0
) -> None:
    """Export… as an administrator does it: the machine, the passphrase twice, the file."""
    dialog = page.ask_export()
    assert isinstance(dialog, ExportDialog)
    dialog.peer_combo.setCurrentIndex(peer_row)
    dialog.passphrase.setText(PASSPHRASE)
    dialog.repeat.setText(PASSPHRASE)
    dialog.path_edit.setText(str(path))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_for(qtbot, page.job)


def open_with(qtbot: QtBot, page: ExchangePage, path: Path, passphrase: str) -> ImportDialog:
    dialog = page.open_packet(path)
    assert isinstance(dialog, ImportDialog)
    dialog.passphrase.setText(passphrase)
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    wait_for(qtbot, dialog.job)
    return dialog


def import_through_dialog(qtbot: QtBot, page: ExchangePage, path: Path) -> None:
    dialog = open_with(qtbot, page, path, PASSPHRASE)
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_for(qtbot, page.job)


def test_export_then_import_on_the_other_machine(
    qtbot: QtBot, make_page: MakePage, store: Store, there: Store, tmp_path: Path
) -> None:
    add_leads(store, 3)
    page = make_page(store)
    assert page.tabs is not None
    assert page.tabs.count() == 2
    assert page.peers_empty.isVisible()
    packet = tmp_path / "给二组.wsx"
    export_through_dialog(qtbot, page, packet)
    assert packet.is_file()
    assert PASSPHRASE.encode() not in packet.read_bytes()
    assert str(packet) in page.result_label.text()
    assert "线索 3" in page.result_label.text()
    assert page.conflicts_link.isHidden()

    other = make_page(there)
    dialog = open_with(qtbot, other, packet, PASSPHRASE)
    # The manifest, read before anything is written.
    assert dialog.manifest.isEnabled()
    assert exchange.store_id(store) in dialog.source_label.text()
    assert "线索 3" in dialog.counts_label.text()
    assert dialog.schema_label.text()
    assert "年" in dialog.created_label.text()
    assert count_leads(there, IMPLICIT_ADMIN) == 0
    with qtbot.waitSignal(other.store_changed, timeout=JOB_TIMEOUT):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not other.busy())
    assert count_leads(there, IMPLICIT_ADMIN) == 3
    text = other.result_label.text()
    assert "已导入" in text
    assert "新增：线索 3" in text
    assert other.conflicts_link.isHidden()
    # The machine it came from is listed, with the time of the import.
    assert other.peers_model.rowCount() == 1
    assert other.peers_table.isVisible()
    row = other.peers_model.rows[0]
    assert row.store_id == exchange.store_id(store)
    assert row.last_import_at is not None

    # The same packet again changes nothing, and says so.
    import_through_dialog(qtbot, other, packet)
    assert "之前已导入" in other.result_label.text()
    assert count_leads(there, IMPLICIT_ADMIN) == 3


def test_a_wrong_passphrase_is_refused_and_nothing_is_written(
    qtbot: QtBot, make_page: MakePage, store: Store, there: Store, tmp_path: Path
) -> None:
    add_leads(store, 1)
    packet = exchange.export_packet(
        store, IMPLICIT_ADMIN, tmp_path / "p.wsx", PASSPHRASE, everything=True
    ).path
    page = make_page(there)
    dialog = open_with(qtbot, page, packet, "not-the-passphrase")
    assert dialog.message.text()  # the service's Chinese reason
    assert not dialog.ok_button.isEnabled()
    assert not dialog.manifest.isEnabled()
    # The right one opens it; changing it afterwards takes the permission back.
    dialog.passphrase.setText(PASSPHRASE)
    dialog.check()
    wait_for(qtbot, dialog.job)
    assert dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.passphrase, "x")
    assert not dialog.ok_button.isEnabled()
    dialog.reject()
    assert count_leads(there, IMPLICIT_ADMIN) == 0
    assert not page.busy()


def test_a_damaged_packet_is_refused_in_the_dialog(
    qtbot: QtBot, make_page: MakePage, store: Store, there: Store, tmp_path: Path
) -> None:
    add_leads(store, 2)
    packet = exchange.export_packet(
        store, IMPLICIT_ADMIN, tmp_path / "p.wsx", PASSPHRASE, everything=True
    ).path
    data = bytearray(packet.read_bytes())
    data[len(data) // 2] ^= 0x40
    packet.write_bytes(bytes(data))
    page = make_page(there)
    dialog = open_with(qtbot, page, packet, PASSPHRASE)
    assert dialog.message.text()
    assert not dialog.ok_button.isEnabled()
    dialog.reject()
    assert count_leads(there, IMPLICIT_ADMIN) == 0


def test_the_export_dialog_checks_the_passphrase_twice(
    qtbot: QtBot, make_page: MakePage, store: Store, tmp_path: Path, settings: QSettings
) -> None:
    page = make_page(store)
    dialog = page.ask_export()
    assert isinstance(dialog, ExportDialog)
    assert page.ask_export() is None  # one at a time
    note = dialog.findChild(type(dialog.message), "passphraseNote")
    assert note is not None
    assert "U盘" in note.text()
    assert dialog.passphrase.echoMode() == dialog.passphrase.EchoMode.Password
    assert dialog.repeat.echoMode() == dialog.repeat.EchoMode.Password
    dialog.path_edit.setText(str(tmp_path / "p.wsx"))
    dialog.passphrase.setText("short")
    dialog.repeat.setText("short")
    dialog.submit()
    assert "至少需要 8" in dialog.message.text()
    assert dialog.isVisible()
    dialog.passphrase.setText(PASSPHRASE)
    dialog.repeat.setText(PASSPHRASE + "!")
    dialog.submit()
    assert "不一致" in dialog.message.text()
    assert dialog.focusWidget() is dialog.repeat
    dialog.path_edit.setText(str(tmp_path / "no such folder" / "p.wsx"))
    dialog.repeat.setText(PASSPHRASE)
    dialog.submit()
    assert "不存在" in dialog.message.text()
    button = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    assert isinstance(button, QPushButton)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert page.export_dialog is None
    assert not page.busy()
    assert not (tmp_path / "p.wsx").exists()
    # The passphrase is kept nowhere: not in the dialog's fields, not in the settings.
    assert dialog.passphrase.text() == ""
    assert dialog.repeat.text() == ""
    settings.sync()
    saved = Path(settings.fileName())
    assert not saved.exists() or PASSPHRASE not in saved.read_text(encoding="utf-8")


def test_a_known_machine_gets_the_changes_since_the_last_exchange(
    qtbot: QtBot, make_page: MakePage, store: Store, there: Store, tmp_path: Path
) -> None:
    add_leads(store, 2)
    seed = exchange.export_packet(
        there, IMPLICIT_ADMIN, tmp_path / "hello.wsx", PASSPHRASE, everything=True
    )
    exchange.import_packet(store, IMPLICIT_ADMIN, seed.path, PASSPHRASE)
    page = make_page(store)
    assert page.peers_model.rowCount() == 1
    dialog = page.ask_export()
    assert isinstance(dialog, ExportDialog)
    assert dialog.peer_combo.count() == 2
    dialog.peer_combo.setCurrentIndex(1)
    assert dialog.everything_box.isVisibleTo(dialog)
    assert dialog.peer_name.isHidden()
    dialog.reject()
    first = tmp_path / "first.wsx"
    export_through_dialog(qtbot, page, first, peer_row=1)
    assert "线索 2" in page.result_label.text()
    row = page.peers_model.rows[0]
    assert row.last_export_at is not None
    # Nothing changed since: the next packet for that machine carries no leads.
    export_through_dialog(qtbot, page, tmp_path / "second.wsx", peer_row=1)
    assert "线索" not in page.result_label.text()


def test_conflicts_an_import_brings_are_a_click_away(
    qtbot: QtBot, make_page: MakePage, store: Store, there: Store, tmp_path: Path
) -> None:
    add_leads(store, 1)
    seed = exchange.export_packet(
        store, IMPLICIT_ADMIN, tmp_path / "seed.wsx", PASSPHRASE, everything=True
    )
    exchange.import_packet(there, IMPLICIT_ADMIN, seed.path, PASSPHRASE)
    (lead,) = list_leads(store, IMPLICIT_ADMIN)
    update_lead(store, IMPLICIT_ADMIN, lead.ref, {"summary": "本机改过的摘要。"}, today=TODAY)
    update_lead(there, IMPLICIT_ADMIN, lead.ref, {"summary": "对方改过的摘要。"}, today=TODAY)
    back = exchange.export_packet(
        there, IMPLICIT_ADMIN, tmp_path / "back.wsx", PASSPHRASE, everything=True
    )
    page = make_page(store)
    counts: list[int] = []
    page.open_conflicts_changed.connect(counts.append)
    import_through_dialog(qtbot, page, back.path)
    assert page.conflicts_link.isVisible()
    assert "1 处冲突待处理" in page.conflicts_link.text()
    assert counts[-1] == 1
    assert page.tabs is not None
    assert page.tabs.tabText(1) == "冲突（1）"
    page.conflicts_link.linkActivated.emit("#conflicts")
    assert page.tabs.currentWidget() is page.conflicts
    assert page.conflicts is not None
    assert page.conflicts.model.rowCount() == 1
    conflict = page.conflicts.current_conflict()
    assert conflict is not None
    assert conflict.remote_value == "对方改过的摘要。"


def test_an_import_cancelled_leaves_the_store_as_it_was(
    qtbot: QtBot, make_page: MakePage, store: Store, there: Store, tmp_path: Path
) -> None:
    add_leads(store, 5)
    packet = exchange.export_packet(
        store, IMPLICIT_ADMIN, tmp_path / "p.wsx", PASSPHRASE, everything=True
    ).path
    page = make_page(there)
    job = page.start_import(packet, PASSPHRASE)
    assert job is not None
    job.cancel()  # before the worker looks: the import stops at its first check
    wait_for(qtbot, job)
    assert page.message.text() == "已取消，未作任何改动。"
    assert count_leads(there, IMPLICIT_ADMIN) == 0
    assert page.export_button.isEnabled()
    assert page.import_button.isEnabled()


def test_an_inspector_sees_the_conflicts_only_and_a_clerk_a_note(
    make_page: MakePage, store: Store, inspector: Actor, clerk: Actor
) -> None:
    page = make_page(store, inspector)
    assert page.tabs is None
    assert page.conflicts is not None
    assert page.conflicts.isVisible()
    assert page.ask_export() is None
    assert page.findChild(QPushButton, "exportPacket") is None
    page = make_page(store, clerk)
    assert page.conflicts is None
    assert "录入员" in page.denied.text()


def test_peers_model_passes_qt_model_tester(qtmodeltester: ModelTester) -> None:
    model = PeersModel()
    moment = dt.datetime(2026, 11, 28, 2, 42, tzinfo=dt.UTC)
    model.set_rows(
        [
            exchange.PeerRow("a-1", "一组笔记本", moment, None),
            exchange.PeerRow("b-2", "二组笔记本", None, moment),
        ]
    )
    qtmodeltester.check(model, force_py=True)
    assert model.index(0, PeersModel.IMPORTED).data() == "从未"


def test_counts_are_said_in_the_carried_kinds_order() -> None:
    assert counts_text(
        {"audit": 5, "unit": 2, "lead": 3, "person": 0, "case": 1, "tombstones": 4}
    ) == ("线索 3、案件 1、单位 2、删除记录 4、审计事件 5")


def test_export_request_carries_the_choice(
    make_page: MakePage, store: Store, tmp_path: Path
) -> None:
    page = make_page(store)
    dialog = page.ask_export()
    assert isinstance(dialog, ExportDialog)
    dialog.peer_name.setText("二组笔记本")
    dialog.passphrase.setText(PASSPHRASE)
    dialog.repeat.setText(PASSPHRASE)
    dialog.path_edit.setText(str(tmp_path / "to-b"))
    request = None

    def keep() -> None:
        nonlocal request
        request = dialog.request()

    dialog.accepted.disconnect()
    dialog.accepted.connect(keep)
    dialog.submit()
    assert request == ExportRequest(
        path=tmp_path / "to-b.wsx",
        passphrase=PASSPHRASE,
        peer=None,
        everything=True,
        peer_name="二组笔记本",
    )


def test_a_machine_named_on_export_is_listed_until_it_answers(
    qtbot: QtBot, make_page: MakePage, store: Store, tmp_path: Path
) -> None:
    add_leads(store, 1)
    page = make_page(store)
    dialog = page.ask_export()
    assert isinstance(dialog, ExportDialog)
    dialog.peer_name.setText("二组笔记本")
    dialog.passphrase.setText(PASSPHRASE)
    dialog.repeat.setText(PASSPHRASE)
    dialog.path_edit.setText(str(tmp_path / "to-b.wsx"))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_for(qtbot, page.job)
    assert (tmp_path / "to-b.wsx").is_file()
    assert page.peers_model.rowCount() == 1
    row = [page.peers_model.index(0, c).data() for c in range(page.peers_model.columnCount())]
    assert row[PeersModel.NAME] == "二组笔记本"
    assert row[PeersModel.STORE] == "收到它的交换包后才知道"
    assert row[PeersModel.IMPORTED] == "从未"
    # The next export offers it by name: what changed since this one.
    again = page.ask_export()
    assert isinstance(again, ExportDialog)
    assert again.peer_combo.itemData(1) == "二组笔记本"
    again.reject()


def test_an_admin_names_this_machine_and_the_other_machine_lists_it_so(
    qtbot: QtBot, make_page: MakePage, store: Store, there: Store, tmp_path: Path
) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QInputDialog

    page = make_page(store)
    assert page.rename_button.isVisible()
    assert exchange.store_name(store) in page.store_label.text()
    answered: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QInputDialog)
        answered.append(dialog.textValue())  # the current name, to edit
        dialog.setTextValue("  第一核查组 笔记本 ")
        dialog.accept()

    QTimer.singleShot(0, answer)
    qtbot.mouseClick(page.rename_button, Qt.MouseButton.LeftButton)
    assert answered
    assert answered[0].endswith(exchange.store_id(store)[:8])
    assert exchange.store_name(store) == "第一核查组 笔记本"
    assert "第一核查组 笔记本" in page.store_label.text()

    packet = tmp_path / "to-there.wsx"
    export_through_dialog(qtbot, page, packet)
    exchange.import_packet(there, IMPLICIT_ADMIN, packet, PASSPHRASE)
    assert [p.name for p in exchange.list_peers(there, IMPLICIT_ADMIN)] == ["第一核查组 笔记本"]
