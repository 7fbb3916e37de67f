"""`python -m ui`, and the installed `workstation-app` launcher, start the desktop app."""

import sys

from ui.launch import main


def run() -> int:
    return main(sys.argv)


if __name__ == "__main__":
    sys.exit(run())
