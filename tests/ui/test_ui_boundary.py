"""The front end only talks to services: no database library is imported anywhere in ui/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import ui

pytestmark = pytest.mark.gui

FORBIDDEN = ("sqlalchemy", "sqlite3", "alembic")
UI_FILES = sorted(Path(ui.__file__).parent.glob("*.py"))


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", UI_FILES, ids=lambda p: p.name)
def test_ui_module_imports_no_database_library(path: Path) -> None:
    bad = {name for name in _imports(path) if name.split(".")[0] in FORBIDDEN}
    assert not bad, f"{path.name} imports {sorted(bad)}: call a service in workstation/ instead"


def test_there_are_ui_modules_to_check() -> None:
    assert {p.name for p in UI_FILES} >= {"app.py", "main_window.py", "leads_model.py"}
