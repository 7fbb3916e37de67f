"""The PySide6 front end of the Case Supervision Workstation (calls workstation services only)."""

# Before any Qt module is imported: the core the first window needs (why: workstation/preload).
import workstation.preload  # noqa: F401
