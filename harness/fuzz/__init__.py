"""The fuzz session: hypothesis-generated frames and tool arguments against a real zen-server.

``zen-harness fuzz`` (``nox -s fuzz``) runs it; ``runner.run_fuzz`` is the engine,
``frames`` and ``arguments`` the strategies, ``corpus`` the hostile filesystem,
``target`` the one place a server is launched, ``report`` the output.
"""

from harness.fuzz.runner import CI, FULL, Budget, FuzzResult, run_fuzz

__all__ = ["CI", "FULL", "Budget", "FuzzResult", "run_fuzz"]
