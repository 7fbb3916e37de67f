"""The core never needs Qt: it imports without loading PySide6, and works with PySide6 absent."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Every module of the core (but the CLI entry point, which would run).
IMPORT_ALL = """
import importlib, pkgutil
import workstation
for info in pkgutil.walk_packages(workstation.__path__, "workstation."):
    if not info.name.endswith("__main__"):
        importlib.import_module(info.name)
"""


def _python(tmp_path: Path, *parts: str) -> subprocess.CompletedProcess[str]:
    """Run the parts (each dedented on its own) as one script in a fresh interpreter."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["WORKSTATION_DATA_DIR"] = str(tmp_path / "data")
    env.pop("QT_QPA_PLATFORM", None)
    return subprocess.run(
        [sys.executable, "-c", "\n".join(textwrap.dedent(part) for part in parts)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_importing_the_core_loads_no_qt(tmp_path: Path) -> None:
    result = _python(
        tmp_path,
        """
        import sys
        import workstation, workstation.services.leads, workstation.store
        """,
        IMPORT_ALL,
        """
        qt = sorted(m for m in sys.modules if m.startswith(("PySide6", "shiboken6")))
        assert not qt, qt
        print("ok")
        """,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_the_core_works_with_pyside6_unimportable(tmp_path: Path) -> None:
    result = _python(
        tmp_path,
        """
        import sys
        # As on a server or CI machine without the gui extra: any Qt import fails.
        for name in ("PySide6", "shiboken6"):
            sys.modules[name] = None
        try:
            import PySide6
        except ImportError:
            pass
        else:
            raise AssertionError("PySide6 should be unimportable here")
        """,
        IMPORT_ALL,
        """
        import datetime as dt
        from workstation.services.auth import IMPLICIT_ADMIN
        from workstation.services.leads import count_leads, create_lead, list_leads
        from workstation.store import open_store

        store = open_store("core.db", create=True)
        row = create_lead(
            store,
            IMPLICIT_ADMIN,
            {"received_on": "2021-03-05", "channel": "来电", "summary": "反映某某插手经济纠纷。"},
            today=dt.date(2021, 6, 30),
        )
        assert row.channel == "phone", row
        assert count_leads(store, IMPLICIT_ADMIN) == 1
        assert [r.ref for r in list_leads(store, IMPLICIT_ADMIN)] == [row.ref]
        store.dispose()
        print("ok")
        """,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
