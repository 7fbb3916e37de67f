"""Where the workstation keeps its files: the user's data folder and the bundled resources."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "CaseSupervisionWorkstation"
DATA_DIR_ENV = "WORKSTATION_DATA_DIR"


def resources_dir() -> Path:
    """The package's resources folder (fonts, vocabularies, translations): inside the package,
    so an installed wheel and a PyInstaller bundle carry it as well as a source checkout."""
    return Path(__file__).resolve().parent / "resources"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The folder holding the default store; `--data-dir` or $WORKSTATION_DATA_DIR override it."""
    if override:
        return Path(override)
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_store_path(override: str | os.PathLike[str] | None = None) -> Path:
    return data_dir(override) / "workstation.db"


def command_name() -> str:
    """How the person typing commands starts this program, for hints such as "import undo 3":
    the bundle's `workstation-cli`, an installed `workstation`, or `python -m workstation`."""
    import sys

    if getattr(sys, "frozen", False):
        return (
            Path(sys.executable).stem if "cli" in Path(sys.executable).stem else "workstation-cli"
        )
    if Path(sys.argv[0]).stem == "workstation":
        return "workstation"
    return "python -m workstation"
