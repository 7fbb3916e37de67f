"""The bundle's console program `workstation-cli`: the command line of `python -m workstation`."""

import sys

from workstation.cli import main

if __name__ == "__main__":
    sys.exit(main())
