"""案件监督工作站 — the domain core of the Case Supervision Workstation (never imports Qt)."""

__version__ = "0.1.0"
