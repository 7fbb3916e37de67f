"""Start-up stays quick: the heavy libraries are not imported until something needs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from workstation.demo import generate
from workstation.services.auth import IMPLICIT_ADMIN
from workstation.store import open_store

pytestmark = [pytest.mark.gui, pytest.mark.sqlite_only]

# Loaded by exports, briefs, imports, encryption, accounts, migrations, charts and previews only.
HEAVY = (
    "reportlab",
    "openpyxl",
    "python_calamine",
    "xlsxwriter",
    "cryptography",
    "argon2",
    "sqlcipher3",
    "alembic",
    "mako",
    "pypdf",
    "PySide6.QtCharts",
    "PySide6.QtPdf",
    "PySide6.QtPdfWidgets",
    "PySide6.QtPrintSupport",
)

# Starts the app's window as main() does, waits for the leads view and for the work started
# with it (the day's backup), then says which heavy modules got imported.
SCRIPT = """
import json, sys
from PySide6.QtWidgets import QApplication
from ui.app import build

startup = build(["workstation", "--db", sys.argv[1]])
app = QApplication.instance()
while startup.window is None and startup.error is None:
    app.processEvents()
assert startup.error is None, startup.error
window = startup.window
assert window.isVisible() and window.current_page() == "leads"
assert window.model.rowCount() > 0
window.grab()
while startup.backup_job is not None and not startup.backup_job.done:
    app.processEvents()
app.processEvents()
print(json.dumps(sorted(name for name in json.loads(sys.argv[2]) if name in sys.modules)))
startup.close()
"""


def test_the_leads_view_shows_without_the_heavy_libraries(tmp_path: Path) -> None:
    path = tmp_path / "ws.db"
    store = open_store(path, create=True)
    try:
        generate(store, IMPLICIT_ADMIN, leads=60, cases=10)
    finally:
        store.dispose()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"))
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(path), json.dumps(HEAVY)],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert loaded == []
