"""Imported first by ``harness``: a clear message when the ``harness`` extra is not installed.

The server's own install (``pip install zen-hardened``) has none of the harness's
dependencies; without this, the first import deep inside the harness fails with a bare
ModuleNotFoundError that does not say what to install.
"""

from __future__ import annotations

import importlib.util

EXTRA_MODULES = ("rich", "matplotlib", "locust", "memray", "respx", "hypothesis")

_missing = [name for name in EXTRA_MODULES if importlib.util.find_spec(name) is None]
if _missing:
    raise ModuleNotFoundError(
        f"the harness needs {', '.join(_missing)}: install it with pip install 'zen-hardened[harness]'",
        name=_missing[0],
    )
