"""``python -m zen_server``: the same as the ``zen-server`` command."""

import sys

from zen_server.cli import main

sys.exit(main())
