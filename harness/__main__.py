"""`python -m harness`: the same as the `zen-harness` command."""

from harness.cli import main

raise SystemExit(main())
