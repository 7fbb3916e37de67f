"""The PySide6 front end of the Case Supervision Workstation (calls workstation services only)."""
