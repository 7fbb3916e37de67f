"""Starts the Case Supervision Workstation desktop app (案件监督工作站)."""

import sys

from ui.launch import main

if __name__ == "__main__":
    sys.exit(main(sys.argv))
