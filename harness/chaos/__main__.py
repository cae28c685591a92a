"""``python -m harness.chaos FILE|DIR ...``: the same as ``zen-harness run``."""

import sys

from harness.chaos.cli import main

sys.exit(main())
