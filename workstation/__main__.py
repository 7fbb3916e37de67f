"""`python -m workstation` runs the command line."""

import sys

from workstation.cli import main

sys.exit(main())
