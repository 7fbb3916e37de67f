"""Spreadsheet import of leads and case ledgers: read, map, check, write in one batch, undo.

The names below are loaded from their modules when first asked for (PEP 562): a program that
only needs, say, `workstation.importing.dates` (the app's lead form) does not pay for the
readers, the writers and the report at start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workstation.lazy import lazy_names

if TYPE_CHECKING:
    from workstation.importing.batches import Cancelled, ImportOptions, run_import
    from workstation.importing.previewing import Preview, PreviewColumn, PreviewRow, preview
    from workstation.importing.readers import SheetInfo
    from workstation.importing.report import ImportResult, RejectedRow, summary_lines
    from workstation.importing.safety import FileRefused
    from workstation.importing.undo import BatchRow, UndoResult, list_batches, undo_batch

_MODULE_OF = {
    "BatchRow": "undo",
    "Cancelled": "batches",
    "FileRefused": "safety",
    "ImportOptions": "batches",
    "ImportResult": "report",
    "Preview": "previewing",
    "PreviewColumn": "previewing",
    "PreviewRow": "previewing",
    "RejectedRow": "report",
    "SheetInfo": "readers",
    "UndoResult": "undo",
    "list_batches": "undo",
    "preview": "previewing",
    "run_import": "batches",
    "summary_lines": "report",
    "undo_batch": "undo",
}

__all__ = [
    "BatchRow",
    "Cancelled",
    "FileRefused",
    "ImportOptions",
    "ImportResult",
    "Preview",
    "PreviewColumn",
    "PreviewRow",
    "RejectedRow",
    "SheetInfo",
    "UndoResult",
    "list_batches",
    "preview",
    "run_import",
    "summary_lines",
    "undo_batch",
]


__getattr__ = lazy_names(__name__, _MODULE_OF)
