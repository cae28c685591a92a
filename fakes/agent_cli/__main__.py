"""`python -m fakes.agent_cli <claude|codex|gemini> ARGS...`: see the package docstring."""

import sys

from fakes.agent_cli.main import main

sys.exit(main(sys.argv[1:]))
