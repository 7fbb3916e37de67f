"""The 数据交换 page: exchange packets between air-gapped machines (export, and import after
reading the packet's manifest), the machines exchanged with so far, and the conflicts to decide."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QSettings, Qt, QThreadPool, Signal, Slot
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui.conflicts_view import ConflictsView, may_resolve, moment_cell
from ui.import_widgets import NOTE_COLOR, sentences, show_message, text_label
from ui.jobs import BackgroundJob, attach_progress_dialog
from ui.login import fix_size, message_label, password_edit
from ui.rows_model import AnyIndex, RowsTableModel
from workstation import clock
from workstation.errors import WorkstationError
from workstation.services import exchange
from workstation.services.auth import Actor, can, cn_moment, role_label
from workstation.services.exchange import ImportResult, PacketSummary, PeerRow
from workstation.store import Store

# Who may export and import packets (workstation.services.auth).
EXCHANGE_PERMISSION = "exchange.run"
# The service refuses shorter passphrases too; the dialog says so before any work starts.
MIN_PASSPHRASE = 8
PACKET_SUFFIX = ".wsx"
FOLDER_KEY = "exchange/folder"
# The carried record kinds in the order a summary lists them.
ENTITY_ORDER = ("lead", "case", "anomaly", "unit", "person", "tombstones", "audit")


def entity_label(kind: str) -> str:
    labels = {
        "lead": QCoreApplication.translate("ExchangePage", "leads"),
        "case": QCoreApplication.translate("ExchangePage", "cases"),
        "anomaly": QCoreApplication.translate("ExchangePage", "anomalies"),
        "unit": QCoreApplication.translate("ExchangePage", "units"),
        "person": QCoreApplication.translate("ExchangePage", "persons"),
        "tombstones": QCoreApplication.translate("ExchangePage", "deletions"),
        "audit": QCoreApplication.translate("ExchangePage", "audit events"),
    }
    return labels.get(kind, kind)


def counts_text(counts: Mapping[str, int]) -> str:
    """{"lead": 3, "case": 1} as "leads 3, cases 1" (the carried kinds first, zeros left out)."""
    kinds = sorted(
        (k for k, n in counts.items() if n),
        key=lambda k: (ENTITY_ORDER.index(k) if k in ENTITY_ORDER else len(ENTITY_ORDER), k),
    )
    return QCoreApplication.translate("ExchangePage", ", ").join(
        QCoreApplication.translate("ExchangePage", "{kind} {count}").format(
            kind=entity_label(kind), count=f"{counts[kind]:,}"
        )
        for kind in kinds
    )


def prose_moment(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return cn_moment(moment)


@dataclass(frozen=True)
class ExportRequest:
    """What the export dialog asks for (the passphrase goes no further than the job)."""

    path: Path
    passphrase: str
    peer: str | None
    everything: bool
    peer_name: str | None


class PeersModel(RowsTableModel):
    """The machines this store exchanged packets with."""

    NAME, STORE, EXPORTED, IMPORTED = range(4)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[PeerRow] = []
        self._titles = [
            self.tr("Machine"),
            self.tr("Store id"),
            self.tr("Last export to it"),
            self.tr("Last import from it"),
        ]

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row: PeerRow = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            never = self.tr("never")
            return {
                self.NAME: row.name,
                # Named on an export, no packet of its own seen yet.
                self.STORE: row.store_id or self.tr("not known until a packet comes from it"),
                self.EXPORTED: moment_cell(row.last_export_at) or never,
                self.IMPORTED: moment_cell(row.last_import_at) or never,
            }.get(column)
        return None


def _passphrase_note(parent: QWidget) -> QLabel:
    note = text_label(parent, "passphraseNote", color=NOTE_COLOR)
    note.setText(
        QCoreApplication.translate(
            "ExchangePage",
            "Tell the passphrase to the other machine's operator separately (in person or by "
            "phone). Never write it on the USB stick or put it in the same bag as the packet.",
        )
    )
    return note


class ExportDialog(QDialog):
    """Export: for which machine (the changes since the last exchange with it, or everything),
    the passphrase twice, and the file. `request()` gives what was entered once accepted."""

    def __init__(
        self,
        peers: list[PeerRow],
        default_path: Path,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle(self.tr("Export an exchange packet"))
        self.peer_combo = QComboBox(self)
        self.peer_combo.setObjectName("exportPeer")
        self.peer_combo.addItem(self.tr("All records (for a machine not exchanged with yet)"), None)
        for peer in peers:
            self.peer_combo.addItem(
                self.tr("{name}: what changed since the last exchange").format(name=peer.name),
                peer.store_id or peer.name,  # a machine named on export, not heard from yet
            )
        self.everything_box = QCheckBox(self.tr("All records, not only the changes"), self)
        self.everything_box.setObjectName("exportEverything")
        self.peer_name = QLineEdit(self)
        self.peer_name.setObjectName("exportPeerName")
        self.peer_name.setPlaceholderText(self.tr("e.g. Team 2 laptop (optional)"))
        self.passphrase = password_edit(self, "passphrase")
        self.repeat = password_edit(self, "passphraseRepeat")
        self.path_edit = QLineEdit(str(default_path), self)
        self.path_edit.setObjectName("exportPath")
        self.browse_button = QPushButton(self.tr("Choose…"), self)
        self.browse_button.setObjectName("exportBrowse")
        self.browse_button.clicked.connect(self.browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.browse_button)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(self.tr("For:"), self.peer_combo)
        form.addRow("", self.everything_box)
        self.peer_name_label = QLabel(self.tr("Receiving machine:"), self)
        form.addRow(self.peer_name_label, self.peer_name)
        form.addRow(self.tr("Passphrase:"), self.passphrase)
        form.addRow(self.tr("Passphrase again:"), self.repeat)
        form.addRow(self.tr("Save as:"), path_row)
        intro = text_label(self, "exportIntro", color=NOTE_COLOR)
        intro.setText(
            self.tr(
                "The packet is encrypted with the passphrase (at least {n} characters); only "
                "someone who knows it can read or import the packet."
            ).format(n=MIN_PASSPHRASE)
        )
        self.message = message_label(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button.setText(self.tr("Export"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(_passphrase_note(self))
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.peer_combo.currentIndexChanged.connect(self._peer_changed)
        self._peer_changed()
        fix_size(self, 560)
        self._request: ExportRequest | None = None

    @property
    def ok_button(self) -> QPushButton:
        button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert button is not None
        return button

    @Slot()
    def _peer_changed(self) -> None:
        known = self.peer_combo.currentData() is not None
        self.everything_box.setVisible(known)
        if not known:
            self.everything_box.setChecked(False)
        # A known machine has its name already; a new one may be named now.
        self.peer_name.setVisible(not known)
        self.peer_name_label.setVisible(not known)

    @Slot()
    def browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Save the exchange packet as"),
            self.path_edit.text(),
            self.tr("Exchange packet (*{suffix})").format(suffix=PACKET_SUFFIX),
        )
        if path:
            self.path_edit.setText(path)

    def problem(self) -> tuple[str, QWidget] | None:
        """What keeps the entries from being exported, and the field to fix."""
        passphrase = self.passphrase.text()
        if len(passphrase) < MIN_PASSPHRASE:
            return (
                self.tr("The passphrase needs at least {n} characters.").format(n=MIN_PASSPHRASE),
                self.passphrase,
            )
        if self.repeat.text() != passphrase:
            return self.tr("The two passphrases differ: type it again."), self.repeat
        text = self.path_edit.text().strip()
        if not text:
            return self.tr("Choose where to save the packet."), self.path_edit
        path = Path(text)
        if not path.parent.is_dir():
            return self.tr("The folder “{folder}” does not exist.").format(
                folder=str(path.parent)
            ), self.path_edit
        return None

    @Slot()
    def submit(self) -> None:
        problem = self.problem()
        if problem is not None:
            text, field = problem
            self.message.setText(text)
            field.setFocus(Qt.FocusReason.OtherFocusReason)
            if isinstance(field, QLineEdit):
                field.selectAll()
            return
        path = Path(self.path_edit.text().strip())
        if not path.suffix:
            path = path.with_suffix(PACKET_SUFFIX)
        peer = self.peer_combo.currentData()
        self._request = ExportRequest(
            path=path,
            passphrase=self.passphrase.text(),
            peer=str(peer) if peer is not None else None,
            everything=peer is None or self.everything_box.isChecked(),
            peer_name=(self.peer_name.text().strip() or None) if peer is None else None,
        )
        self.accept()

    def request(self) -> ExportRequest | None:
        return self._request

    def done(self, result: int) -> None:
        # The passphrase does not outlive the dialog's fields.
        self.passphrase.clear()
        self.repeat.clear()
        super().done(result)


class ImportDialog(QDialog):
    """Import, step one: the passphrase opens the packet and its manifest is shown (where it
    comes from, its schema, what it carries, the time span of its changes); step two, Import
    confirms. Reading runs off the GUI thread (the key derivation is slow on purpose).

    Signals:
        checked(object): the PacketSummary, once the packet opened with the passphrase.
        check_failed(str): why it did not (wrong passphrase, damaged or foreign file...).
    """

    checked = Signal(object)
    check_failed = Signal(str)

    def __init__(
        self,
        path: Path,
        *,
        reader: Callable[[Path, str], PacketSummary] = exchange.read_packet,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("importPacketDialog")
        self.setWindowTitle(self.tr("Import an exchange packet"))
        self.path = path
        self._reader = reader
        self.summary: PacketSummary | None = None
        self.job: BackgroundJob | None = None
        self._passphrase = ""

        file_label = text_label(self, "packetFile")
        file_label.setText(self.tr("Packet: {path}").format(path=str(path)))
        self.passphrase = password_edit(self, "passphrase")
        self.passphrase.textEdited.connect(self._passphrase_edited)
        self.check_button = QPushButton(self.tr("Open the packet"), self)
        self.check_button.setObjectName("checkPacket")
        self.check_button.clicked.connect(self.check)
        self.passphrase.returnPressed.connect(self.check)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Passphrase:"), self))
        row.addWidget(self.passphrase, 1)
        row.addWidget(self.check_button)

        self.manifest = QGroupBox(self.tr("What the packet holds"), self)
        self.manifest.setObjectName("packetManifest")
        self.manifest_form = QFormLayout(self.manifest)
        self.source_label = text_label(self.manifest, "packetSource")
        self.schema_label = text_label(self.manifest, "packetSchema")
        self.created_label = text_label(self.manifest, "packetCreated")
        self.counts_label = text_label(self.manifest, "packetCounts")
        self.span_label = text_label(self.manifest, "packetSpan")
        self.manifest_form.addRow(self.tr("From:"), self.source_label)
        self.manifest_form.addRow(self.tr("Made:"), self.created_label)
        self.manifest_form.addRow(self.tr("Schema revision:"), self.schema_label)
        self.manifest_form.addRow(self.tr("Records:"), self.counts_label)
        self.manifest_form.addRow(self.tr("Changes made:"), self.span_label)
        self.manifest.setEnabled(False)

        self.message = message_label(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button.setText(self.tr("Import"))
        self.ok_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(file_label)
        layout.addLayout(row)
        layout.addWidget(_passphrase_note(self))
        layout.addWidget(self.manifest)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        fix_size(self, 560)

    @property
    def ok_button(self) -> QPushButton:
        button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert button is not None
        return button

    def passphrase_text(self) -> str:
        """The passphrase the manifest was read with (what the import must use)."""
        return self._passphrase

    @Slot()
    def _passphrase_edited(self) -> None:
        # Another passphrase: the manifest shown no longer vouches for it.
        if self.summary is not None:
            self.summary = None
            self._passphrase = ""
            self.ok_button.setEnabled(False)
            self.manifest.setEnabled(False)

    @Slot()
    def check(self) -> BackgroundJob | None:
        """Open the packet with the passphrase typed, off the GUI thread."""
        if self.job is not None and not self.job.done:
            return None
        passphrase = self.passphrase.text()
        if not passphrase:
            self.message.setText(self.tr("Type the passphrase the packet was made with."))
            return None
        path, reader = self.path, self._reader

        def work(_progress: Any, _cancelled: Any) -> PacketSummary:
            return reader(path, passphrase)

        job = BackgroundJob(work, self)
        self.job = job
        job.succeeded.connect(lambda summary: self._opened(summary, passphrase))
        job.failed.connect(self._not_opened)
        self.check_button.setEnabled(False)
        self.message.setText(self.tr("Opening the packet…"))
        job.start()
        return job

    def _opened(self, summary: PacketSummary, passphrase: str) -> None:
        self.check_button.setEnabled(True)
        self.message.clear()
        self.summary = summary
        self._passphrase = passphrase
        self.source_label.setText(
            self.tr("{name} (store {id})").format(
                name=summary.source_name or self.tr("unnamed machine"), id=summary.source_store_id
            )
        )
        self.created_label.setText(prose_moment(summary.created_at))
        self.schema_label.setText(summary.schema_revision)
        self.counts_label.setText(counts_text(summary.counts) or self.tr("nothing"))
        if summary.changes_from is None and summary.changes_to is None:
            span = self.tr("no changes")
        else:
            span = self.tr("{start} to {end}").format(
                start=prose_moment(summary.changes_from), end=prose_moment(summary.changes_to)
            )
        self.span_label.setText(span)
        self.manifest.setEnabled(True)
        self.ok_button.setEnabled(True)
        self.ok_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self.checked.emit(summary)

    @Slot(object)
    def _not_opened(self, exc: object) -> None:
        self.check_button.setEnabled(True)
        if not isinstance(exc, WorkstationError):
            raise exc if isinstance(exc, BaseException) else RuntimeError(str(exc))
        self.message.setText(exc.message)
        self.passphrase.setFocus(Qt.FocusReason.OtherFocusReason)
        self.passphrase.selectAll()
        self.check_failed.emit(exc.message)

    def done(self, result: int) -> None:
        self.passphrase.clear()
        if result != QDialog.DialogCode.Accepted:
            self._passphrase = ""
        super().done(result)


class ExchangePage(QWidget):
    """The 数据交换 page. Administrators ("exchange.run") get two tabs: the packets (export,
    import, the machines exchanged with so far and the last result) and the conflicts;
    inspectors get the conflicts only. Exports and imports run off the GUI thread with progress
    and cancel; a cancelled or refused import leaves the store as it was.

    Signals:
        store_changed(): an import or a conflict's decision changed records (the leads and
            cases views reload).
        open_conflicts_changed(int): the number of open conflicts.
        status_message(str): for the window's status bar.
    """

    store_changed = Signal()
    open_conflicts_changed = Signal(int)
    status_message = Signal(str)

    def __init__(
        self,
        store: Store,
        actor: Actor,
        *,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exchangePage")
        self._store = store
        self._actor = actor
        self._settings = settings if settings is not None else QSettings()
        self.may_exchange = can(actor, EXCHANGE_PERMISSION)
        self.job: BackgroundJob | None = None
        self.export_dialog: ExportDialog | None = None
        self.import_dialog: ImportDialog | None = None
        self.last_result: ImportResult | PacketSummary | None = None

        title = QLabel(self.tr("Data exchange"), self)
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(title)

        self.conflicts: ConflictsView | None = None
        self.tabs: QTabWidget | None = None
        if not self.may_exchange and not may_resolve(actor):
            self.denied = text_label(self, "exchangeDenied", color=NOTE_COLOR)
            self.denied.setText(
                self.tr(
                    "Your role ({role}) neither exchanges packets nor decides conflicts. "
                    "Administrators exchange packets; inspectors and administrators decide "
                    "conflicts."
                ).format(role=role_label(actor.role))
            )
            layout.addWidget(self.denied)
            layout.addStretch(1)
            return

        self.conflicts = ConflictsView(store, actor, self)
        self.conflicts.open_count_changed.connect(self._open_count_changed)
        self.conflicts.status_message.connect(self.status_message)
        # The value a decision keeps may be new to this machine's views.
        self.conflicts.resolved.connect(self.store_changed)
        if not self.may_exchange:
            layout.addWidget(self.conflicts, 1)
            self._open_count_changed(self.conflicts.open_count)
            return
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("exchangeTabs")
        self.tabs.addTab(self._packets_tab(), self.tr("Exchange packets"))
        self.tabs.addTab(self.conflicts, "")
        layout.addWidget(self.tabs, 1)
        self._open_count_changed(self.conflicts.open_count)
        self.refresh_peers()

    # --- this machine's name -------------------------------------------------------------------

    def _show_identity(self) -> None:
        try:
            self.store_label.setText(
                self.tr("This machine: {name} (store id {id})").format(
                    name=exchange.store_name(self._store), id=exchange.store_id(self._store)
                )
            )
        except WorkstationError as exc:
            self.store_label.setText(exc.message)

    @Slot()
    def ask_rename(self) -> None:
        """The name this machine's packets carry (e.g. 第一核查组笔记本): what the other
        machines list it as, and what their conflicts say a value came from."""
        current = exchange.store_name(self._store)
        name, ok = QInputDialog.getText(
            self,
            self.tr("Rename this machine"),
            self.tr("Name shown to the machines this one exchanges packets with:"),
            text=current,
        )
        if not ok or name.strip() == current:
            return
        try:
            exchange.rename_store(self._store, self._actor, name)
        except WorkstationError as exc:
            QMessageBox.warning(self, self.tr("Rename this machine"), exc.message)
            return
        self._show_identity()

    # --- building -----------------------------------------------------------------------------

    def _packets_tab(self) -> QWidget:
        tab = QWidget(self)
        intro = text_label(tab, "exchangeIntro", color=NOTE_COLOR)
        intro.setText(
            self.tr(
                "Machines with no network between them exchange their work on a USB stick: "
                "export a packet here, import it on the other machine, and the other way round. "
                "A packet is encrypted with a passphrase; a field changed on both machines "
                "since their last exchange becomes a conflict to decide."
            )
        )
        self.store_label = text_label(tab, "thisStore", color=NOTE_COLOR)
        self.rename_button = QPushButton(self.tr("Rename this machine…"), tab)
        self.rename_button.setObjectName("renameMachine")
        self.rename_button.clicked.connect(self.ask_rename)
        self.rename_button.setVisible(self.may_exchange)
        self._show_identity()
        self.export_button = QPushButton(self.tr("Export packet…"), tab)
        self.export_button.setObjectName("exportPacket")
        self.export_button.setMinimumHeight(36)
        self.export_button.clicked.connect(self.ask_export)
        self.import_button = QPushButton(self.tr("Import packet…"), tab)
        self.import_button.setObjectName("importPacket")
        self.import_button.setMinimumHeight(36)
        self.import_button.clicked.connect(self.ask_import)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)
        buttons.addWidget(self.rename_button)

        self.result_box = QGroupBox(self.tr("Last exchange"), tab)
        self.result_box.setObjectName("exchangeResult")
        self.result_label = text_label(self.result_box, "exchangeResultText")
        self.conflicts_link = QLabel(self.result_box)
        self.conflicts_link.setObjectName("conflictsLink")
        self.conflicts_link.setTextFormat(Qt.TextFormat.RichText)
        self.conflicts_link.linkActivated.connect(self.show_conflicts)
        self.conflicts_link.hide()
        result_layout = QVBoxLayout(self.result_box)
        result_layout.addWidget(self.result_label)
        result_layout.addWidget(self.conflicts_link)
        self.result_box.hide()

        self.peers_model = PeersModel(tab)
        self.peers_table = QTableView(tab)
        self.peers_table.setObjectName("peersTable")
        self.peers_table.setModel(self.peers_model)
        self.peers_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.peers_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.peers_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.peers_table.setAlternatingRowColors(True)
        self.peers_table.verticalHeader().setVisible(False)
        header = self.peers_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(PeersModel.STORE, QHeaderView.ResizeMode.Stretch)
        self.peers_empty = text_label(tab, "peersEmpty", color=NOTE_COLOR)
        self.peers_empty.setText(self.tr("No packet has been exchanged with another machine yet."))
        peers = QGroupBox(self.tr("Machines exchanged with"), tab)
        peers.setObjectName("peersBox")
        peers_layout = QVBoxLayout(peers)
        peers_layout.addWidget(self.peers_table, 1)
        peers_layout.addWidget(self.peers_empty)

        self.message = text_label(tab, "exchangeMessage")
        self.message.hide()
        layout = QVBoxLayout(tab)
        layout.addWidget(intro)
        layout.addWidget(self.store_label)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.result_box)
        layout.addWidget(peers, 1)
        return tab

    # --- peers and conflicts ------------------------------------------------------------------

    @Slot()
    def refresh_peers(self) -> None:
        if not self.may_exchange:
            return
        try:
            peers = exchange.list_peers(self._store, self._actor)
        except WorkstationError as exc:
            show_message(self.message, exc.message, error=True)
            return
        self.peers_model.set_rows(peers)
        self.peers_table.setVisible(bool(peers))
        self.peers_empty.setVisible(not peers)

    @Slot()
    def refresh(self) -> None:
        self.refresh_peers()
        if self.conflicts is not None:
            self.conflicts.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.job is None:
            self.refresh()

    @Slot(int)
    def _open_count_changed(self, count: int) -> None:
        if self.tabs is not None and self.conflicts is not None:
            index = self.tabs.indexOf(self.conflicts)
            self.tabs.setTabText(
                index,
                self.tr("Conflicts ({count})").format(count=count)
                if count
                else self.tr("Conflicts"),
            )
        self.open_conflicts_changed.emit(count)

    @Slot()
    def show_conflicts(self) -> None:
        """The open conflicts, on screen (the link under an import's result)."""
        if self.conflicts is None:
            return
        if self.tabs is not None:
            self.tabs.setCurrentWidget(self.conflicts)
        self.conflicts.show_open()
        self.conflicts.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def busy(self) -> bool:
        return self.job is not None

    # --- export -------------------------------------------------------------------------------

    def _folder(self) -> Path:
        folder = Path(str(self._settings.value(FOLDER_KEY) or Path.home()))
        return folder if folder.is_dir() else Path.home()

    @Slot()
    def ask_export(self) -> ExportDialog | None:
        if not self.may_exchange or self.busy() or self.export_dialog is not None:
            return None
        name = self.tr("exchange-{date}").format(date=clock.today().strftime("%Y%m%d"))
        dialog = ExportDialog(
            list(self.peers_model.rows), self._folder() / f"{name}{PACKET_SUFFIX}", self
        )
        dialog.accepted.connect(self._export_accepted)
        dialog.finished.connect(self._export_dialog_closed)
        self.export_dialog = dialog
        dialog.open()
        return dialog

    @Slot()
    def _export_accepted(self) -> None:
        dialog = self.export_dialog
        request = dialog.request() if dialog is not None else None
        if request is not None:
            self.start_export(request)

    @Slot()
    def _export_dialog_closed(self) -> None:
        dialog, self.export_dialog = self.export_dialog, None
        if dialog is not None:
            dialog.deleteLater()

    def start_export(self, request: ExportRequest) -> BackgroundJob | None:
        """Write the packet off the GUI thread, with progress and cancel."""
        if not self.may_exchange or self.busy():
            return None
        self._settings.setValue(FOLDER_KEY, str(request.path.parent))
        store, actor = self._store, self._actor

        def work(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> Any:
            return exchange.export_packet(
                store,
                actor,
                request.path,
                request.passphrase,
                peer=request.peer,
                everything=request.everything,
                peer_name=request.peer_name,
                progress=progress,
                cancel=cancelled,
            )

        job = self._start(work, self.tr("Writing the exchange packet…"))
        job.succeeded.connect(self._exported)
        return job

    @Slot(object)
    def _exported(self, summary: PacketSummary) -> None:
        self.last_result = summary
        text = self.tr("Packet written to {path}: {counts}.").format(
            path=str(summary.path), counts=counts_text(summary.counts) or self.tr("no records")
        )
        self._show_result(text, 0)
        self.status_message.emit(
            self.tr("Exchange packet written to {path}").format(path=str(summary.path))
        )
        self.refresh_peers()

    # --- import -------------------------------------------------------------------------------

    @Slot()
    def ask_import(self) -> ImportDialog | None:
        if not self.may_exchange or self.busy() or self.import_dialog is not None:
            return None
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Open an exchange packet"),
            str(self._folder()),
            self.tr("Exchange packet (*{suffix});;All files (*)").format(suffix=PACKET_SUFFIX),
        )
        if not path:
            return None
        return self.open_packet(Path(path))

    def open_packet(self, path: Path) -> ImportDialog | None:
        """The import dialog on `path`: passphrase, manifest, then Import."""
        if not self.may_exchange or self.busy() or self.import_dialog is not None:
            return None
        self._settings.setValue(FOLDER_KEY, str(path.parent))
        dialog = ImportDialog(path, parent=self)
        dialog.accepted.connect(self._import_accepted)
        dialog.finished.connect(self._import_dialog_closed)
        self.import_dialog = dialog
        dialog.open()
        return dialog

    @Slot()
    def _import_accepted(self) -> None:
        dialog = self.import_dialog
        if dialog is not None and dialog.summary is not None:
            self.start_import(dialog.path, dialog.passphrase_text())

    @Slot()
    def _import_dialog_closed(self) -> None:
        dialog, self.import_dialog = self.import_dialog, None
        if dialog is None:
            return
        if dialog.job is not None and not dialog.job.done:
            # Closed while the packet was being opened: deleted once the reading ends.
            dialog.job.finished.connect(dialog.deleteLater)
        else:
            dialog.deleteLater()

    def start_import(self, path: Path, passphrase: str) -> BackgroundJob | None:
        """Merge the packet into the store off the GUI thread, with progress and cancel."""
        if not self.may_exchange or self.busy():
            return None
        store, actor = self._store, self._actor

        def work(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> Any:
            return exchange.import_packet(
                store, actor, path, passphrase, progress=progress, cancel=cancelled
            )

        job = self._start(work, self.tr("Importing the exchange packet…"))
        job.succeeded.connect(self._imported)
        return job

    @Slot(object)
    def _imported(self, result: ImportResult) -> None:
        self.last_result = result
        source = result.summary.source_name or result.summary.source_store_id
        if result.already_imported:
            text = self.tr(
                "The packet from {source} was imported before: nothing was changed."
            ).format(source=source)
        else:
            parts = [
                self.tr("Packet from {source} imported.").format(source=source),
                self._change_line(self.tr("New"), result.inserted),
                self._change_line(self.tr("Updated"), result.updated),
                self._change_line(self.tr("Deleted"), result.deleted),
                self.tr("{n} records unchanged.").format(n=f"{result.unchanged:,}"),
            ]
            if result.auto_resolved:
                parts.append(
                    self.tr(
                        "{n} open conflicts were settled by the other machine's decision."
                    ).format(n=result.auto_resolved)
                )
            text = sentences(parts)
        self._show_result(text, result.new_conflicts)
        self.status_message.emit(
            self.tr("Exchange packet from {source} imported").format(source=source)
        )
        self.refresh()
        if not result.already_imported:
            self.store_changed.emit()

    def _change_line(self, what: str, counts: Mapping[str, int]) -> str:
        if not any(counts.values()):
            return ""
        return self.tr("{what}: {counts}.").format(what=what, counts=counts_text(counts))

    def _show_result(self, text: str, conflicts: int) -> None:
        self.message.hide()
        self.result_label.setText(text)
        self.result_box.show()
        if conflicts:
            link = self.tr("{n} conflicts await a decision").format(n=conflicts)
            self.conflicts_link.setText(f'<a href="#conflicts">{link}</a>')
        self.conflicts_link.setVisible(bool(conflicts))

    # --- jobs ---------------------------------------------------------------------------------

    def _start(self, work: Any, label: str) -> BackgroundJob:
        job = BackgroundJob(work, self)
        self.job = job
        attach_progress_dialog(job, label, self, cancellable=True)
        job.failed.connect(self._failed)
        job.finished.connect(self._job_finished)
        self.export_button.setEnabled(False)
        self.import_button.setEnabled(False)
        job.start()
        return job

    @Slot(object)
    def _failed(self, exc: object) -> None:
        job = self.job
        if job is not None and job.is_cancelled():
            show_message(self.message, self.tr("Cancelled: nothing was changed."))
        elif isinstance(exc, WorkstationError):
            show_message(self.message, exc.message, error=True)
        else:
            raise exc if isinstance(exc, BaseException) else RuntimeError(str(exc))

    @Slot()
    def _job_finished(self) -> None:
        job, self.job = self.job, None
        if job is not None:
            job.deleteLater()
        self.export_button.setEnabled(True)
        self.import_button.setEnabled(True)

    def shutdown(self) -> None:
        """Closing the window: a running job is asked to stop (an import then writes nothing)
        and given time to, so the store is not closed under it."""
        if self.job is not None:
            self.job.cancel()
            QThreadPool.globalInstance().waitForDone(30_000)
