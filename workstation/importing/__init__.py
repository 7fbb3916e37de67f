"""Spreadsheet import of leads and case ledgers: read, map, check, write in one batch, undo."""

from workstation.importing.batches import Cancelled, ImportOptions, run_import
from workstation.importing.preview import Preview, PreviewColumn, PreviewRow, preview
from workstation.importing.readers import SheetInfo
from workstation.importing.report import ImportResult, RejectedRow, summary_lines
from workstation.importing.safety import FileRefused
from workstation.importing.undo import BatchRow, UndoResult, list_batches, undo_batch

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
