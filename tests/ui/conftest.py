"""GUI test set-up: offscreen Qt, isolated QSettings, real stores filled through the services."""

from __future__ import annotations

import os

# Before any Qt import: `pytest tests/ui` alone must work on a machine with no display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from workstation.services.auth import IMPLICIT_ADMIN
from workstation.services.leads import create_lead
from workstation.store import Store, open_store

# Every lead factory date is before this, so "open and due before TODAY" is predictable.
TODAY = dt.date(2021, 7, 1)


@pytest.fixture(scope="session", autouse=True)
def _prepared_app(qapp: QApplication) -> QApplication:
    """The app as users get it: zh_CN translations and the bundled CJK font."""
    from ui.app import prepare_application

    return prepare_application(["workstation-tests"])


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """QSettings() writes to a temporary folder, never to the user's real configuration."""
    folder = tmp_path_factory.mktemp("qsettings")
    previous = QSettings.defaultFormat()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    yield
    QSettings.setDefaultFormat(previous)


# Qt's offscreen platform cannot pass size hints to a window system, and says so whenever a
# window fixes its size after it is created. QMessageBox always does (in its showEvent), so
# tests that open message boxes accept this one message, and only this one.
OFFSCREEN_SIZE_HINTS = r"^This plugin does not support propagateSizeHints\(\)$"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "message_boxes" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_SIZE_HINTS))


class MessageBoxes:
    """Answers every message box that opens (accepting it) and keeps what each one said."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []
        self._timer = QTimer()
        self._timer.setInterval(20)
        self._timer.timeout.connect(self._answer)
        self._timer.start()

    def _answer(self) -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            self.seen.append((box.text(), box.detailedText()))
            box.accept()

    def texts(self) -> list[str]:
        return [text for text, _ in self.seen]

    def stop(self) -> None:
        self._timer.stop()


@pytest.fixture
def message_boxes() -> Iterator[MessageBoxes]:
    """Modal message boxes run their own event loop; this answers them from inside it."""
    boxes = MessageBoxes()
    yield boxes
    boxes.stop()


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)


# Leads with known values, entered the way a clerk would (through the service).
SAMPLE_LEADS: list[dict[str, Any]] = [
    {
        "received_on": dt.date(2021, 3, 5),
        "channel": "phone",
        "category": "interference",
        "subject": "王建国",
        "subject_position": "民警",
        "subject_unit": "江州市公安局东湖分局城关派出所",
        "summary": "反映王建国插手他人经济纠纷，违规查封财物。",
    },
    {
        "received_on": dt.date(2021, 4, 2),
        "channel": "letter",
        "category": "business",
        "subject": "李明",
        "subject_position": "副庭长",
        "subject_unit": "江州市中级人民法院",
        "summary": "反映李明配偶经营茶楼，利用其职务影响承揽业务。",
    },
    {
        "received_on": dt.date(2021, 5, 20),
        "channel": "online",
        "category": "case_handling",
        "subject": "张伟",
        "subject_unit": "江州市东湖区人民检察院",
        "summary": "反映张伟对一起盗窃案压案不查，逾期未作处理。" * 12,
        "status": "concluded",
        "result": "unsubstantiated",
        "concluded_on": dt.date(2021, 6, 1),
    },
    {
        "received_on": dt.date(2021, 6, 25),
        "channel": "visit",
        "category": "other",
        "subject": "赵强",
        "subject_unit": "江州市司法局",
        "summary": "反映赵强工作作风粗暴，群众办事推诿。",
    },
]


def fill_leads(store: Store, count: int) -> None:
    """`count` leads cycling through SAMPLE_LEADS, on distinct days."""
    for i in range(count):
        fields = dict(SAMPLE_LEADS[i % len(SAMPLE_LEADS)])
        fields["received_on"] = fields["received_on"] - dt.timedelta(days=i // len(SAMPLE_LEADS))
        create_lead(store, IMPLICIT_ADMIN, fields, today=TODAY)


@pytest.fixture
def today() -> dt.date:
    """The date the tests treat as today (models take it instead of the calendar)."""
    return TODAY


@pytest.fixture
def add_leads() -> Callable[[Store, int], None]:
    """The lead factory, for tests that add leads to a store while the UI shows it."""
    return fill_leads


@pytest.fixture
def lead_store(tmp_path: Path) -> Iterator[Store]:
    """A store holding the four sample leads (refs XS2021-00001..4 in that order)."""
    store = open_store(tmp_path / "leads.db", create=True)
    fill_leads(store, len(SAMPLE_LEADS))
    yield store
    store.dispose()


@pytest.fixture(scope="session")
def many_lead_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A store of 120 leads: enough for several pages of a small window. Read-only: shared."""
    store = open_store(tmp_path_factory.mktemp("many") / "many.db", create=True)
    fill_leads(store, 120)
    yield store
    store.dispose()


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """300 demo leads (some with no subject or unit, so sorting meets NULLs). Read-only."""
    from workstation import demo

    store = open_store(tmp_path_factory.mktemp("demo") / "demo.db", create=True)
    demo.generate(store, IMPLICIT_ADMIN, leads=300, cases=20, seed=2021)
    yield store
    store.dispose()
