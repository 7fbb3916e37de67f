"""Launching: the options read without argparse, and Qt imported without PySide6 reading the
source of every module loaded before it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ui.launch import Options, parse_args, quick_options, store_file

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "argv",
    [
        ["main.py"],
        ["main.py", "--db", "a.db"],
        ["main.py", "--db=a b.db", "--user", "张三"],
        ["main.py", "-platform", "offscreen", "--data-dir", "/tmp/d"],
        ["main.py", "--data-dir=/x", "--db", "sqlite:///y.db"],
    ],
)
def test_a_plain_command_line_reads_as_argparse_reads_it(argv: list[str]) -> None:
    assert quick_options(argv) == parse_args(argv)


@pytest.mark.parametrize(
    "argv",
    [
        ["main.py", "--help"],
        ["main.py", "--d", "abbreviated.db"],
        ["main.py", "--db"],
        ["main.py", "--db", "--user"],
    ],
)
def test_anything_else_is_left_to_argparse(argv: list[str]) -> None:
    assert quick_options(argv) is None


def test_the_store_file_of_the_options(tmp_path: Path) -> None:
    assert store_file(Options(db=str(tmp_path / "a.db"))) == tmp_path / "a.db"
    assert store_file(Options(db=f"sqlite:///{tmp_path}/b.db")) == tmp_path / "b.db"
    assert store_file(Options(db="postgresql+psycopg://u@h/db")) is None
    assert store_file(Options(data_dir=str(tmp_path))) == tmp_path / "workstation.db"


IMPORT_QT = """
import json, sys
import csv  # loaded before Qt: cannot use it
import ui.launch
ui.launch.import_qt()
table = sys.modules["shibokensupport.feature"].pyside_feature_dict
from ui.navigation import PAGE_KEYS  # loaded after: PySide6 looks at it itself
print(json.dumps({name: table.get(name) for name in ("csv", "ui.launch", "ui.navigation")}))
"""


def test_modules_loaded_before_qt_are_entered_as_pyside6_would_enter_them() -> None:
    """The pinned PySide6 keeps the table ui.launch.import_qt fills (a PySide6 without it
    would make this fail: then the start-up is slower, not wrong)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_QT], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    entered = json.loads(done.stdout)
    assert entered["csv"] == -1  # "ignore this module": what its own check gives
    assert entered["ui.launch"] is None or entered["ui.launch"] == 0  # left to PySide6
    assert entered["ui.navigation"] == 0  # it uses PySide6
