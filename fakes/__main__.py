"""`python -m fakes` runs the zen-fakes command line."""

import sys

from fakes.cli import main

sys.exit(main())
